from django import forms
from django.utils.translation import gettext_lazy as _

# Action codes and their labels, for the filter and the table.
ACTION_LABELS = {
    "person.update": _("Edited a person's data"),
    "person.update_own": _("Teacher updated own data"),
    "person.activation_sent": _("Sent an account activation link"),
    "person.account_activated": _("Teacher set the first password"),
    "membership.end": _("Left / transferred / retired"),
    "person.register_new": _("Registered a new teacher"),
    "person.register_move": _("Registered a teacher from another unit"),
    "unit.notified_person_left": _("Unit notified: a teacher moved away"),
    "roster.download": _("Downloaded the roster"),
}


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
        help_text=_("An action code or its beginning, for example person."),
    )
    actor = forms.CharField(label=_("Username of the actor"), required=False, max_length=150)
    target_id = forms.CharField(label=_("Record number"), required=False, max_length=64)
    unit_code = forms.CharField(label=_("School code"), required=False, max_length=16)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("From: enter the date as year-month-day, for example 2025-09-01.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("To: enter the date as year-month-day, for example 2025-09-30.")},
    )

    def filters(self) -> dict:
        """Valid filters only; a bad field shows its error and is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "action": data.get("action", ""),
            "actor_username": data.get("actor", ""),
            "target_id": data.get("target_id", ""),
            "unit_code": data.get("unit_code", ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
