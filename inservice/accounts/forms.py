from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from inservice.core import identity

from .models import Role, User
from .selectors import unit_search

PASSWORD_MAX_LENGTH = 128


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is incorrect. Check both (the password is case-sensitive) "
            "and try again; after 5 failed attempts sign-in is locked for 15 minutes."
        ),
        "inactive": _("This account is disabled. Ask your unit's chief administrator or your authority to enable it."),
    }

    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip()


class UnitSearchForm(forms.Form):
    unit_query = forms.CharField(
        label=_("Search your unit"),
        max_length=64,
        required=False,
        help_text=_("Enter the unit code (for example 074601) or part of the unit's name, then press Search."),
    )


class ApplicationForm(forms.Form):
    """The public business account application (申請)."""

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        empty_label=_("Choose your unit"),
        error_messages={
            "required": _("Unit is required. Search by code or name above, then choose your unit."),
            "invalid_choice": _("The chosen unit is not in the search results. Search again and choose your unit."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_(
            "A chief administrator is approved by the unit's authority; a contact person or operator by the "
            "unit's chief administrator."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=64)
    identity_number = forms.CharField(
        label=_("Identity number"),
        max_length=20,
        help_text=_("Your own national ID or resident certificate number. Each person may hold one business account."),
    )
    email = forms.EmailField(label=_("E-mail"), help_text=_("The decision on your application is sent here."))
    phone = forms.CharField(label=_("Phone"), max_length=32)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        help_text=_("Letters, digits and @ . + - _ only; stored in lower case."),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters and not a common password. You may paste it from a password manager."),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the personal data notice and agree that my data is used to run my business account."),
        error_messages={"required": _("Consent is required. Read the personal data notice and tick the box.")},
    )

    def __init__(self, *args, unit_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_search(unit_query).select_related("authority")
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.code} {unit.name}"

    def clean_identity_number(self):
        return identity.validate(self.cleaned_data["identity_number"])

    def clean_username(self):
        username = self.cleaned_data["username"].strip().lower()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken. Choose another one."), code="username_taken")
        return username

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password and password != cleaned.get("password_confirm"):
            self.add_error("password_confirm", _("The two passwords differ. Type the same password in both fields."))
        elif password:
            candidate = User(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                display_name=cleaned.get("name", ""),
                kind=User.Kind.BUSINESS,
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Application reference"),
        max_length=16,
        help_text=_("The 10-character reference shown after you applied and in the acknowledgement e-mail."),
    )
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))


class RoleForm(forms.Form):
    # Every role passes the form, because the grant table in the service decides whether the actor may grant it (403).
    role = forms.ChoiceField(label=_("New role"), choices=Role.choices)


class AccountSearchForm(forms.Form):
    query = forms.CharField(
        label=_("Search accounts"),
        max_length=150,
        required=False,
        help_text=_("Username, or a unit code or part of a unit's name."),
    )
