"""Forms of roster maintenance: edits, the subject picker, transfers out and registration."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inservice.core import identity

from .models import Gender, Person, Subject, SubjectCategory, Title
from .services import MANUAL_END_REASONS, subjects_in_order

NAME_MAX_LENGTH = Person._meta.get_field("name").max_length


class PersonEditForm(forms.Form):
    """編輯帳號個人資料: 姓名, 職稱 and 信箱 (the subjects come from the picker)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": _("Name is required. Enter the teacher's full name as on the ID card."),
            "max_length": _("Name is too long: enter at most %(limit_value)d characters."),
        },
    )
    title = forms.ChoiceField(
        label=_("Title"),
        choices=Title.choices,
        error_messages={"invalid_choice": _("Title: choose one of the titles in the list.")},
    )
    email = forms.EmailField(
        # 信箱 is the notice's label on this form; other screens say 電子郵件.
        label=pgettext_lazy("teacher data form", "E-mail"),
        required=False,
        error_messages={"invalid": _("E-mail: this is not an e-mail address. Enter it as name@school.edu.tw.")},
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"], code="required")
        return name


class OwnProfileForm(forms.Form):
    """修改個人基本資料: a teacher's own 職稱 (the subjects come from the picker)."""

    title = forms.ChoiceField(
        label=_("Title"),
        choices=Title.choices,
        error_messages={"invalid_choice": _("Title: choose one of the titles in the list.")},
    )


class MembershipEndForm(forms.Form):
    """離職/轉校/退休: the reason and the last day."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(reason.value, reason.label) for reason in MANUAL_END_REASONS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Reason: choose 離職, 轉校 or 退休."),
            "invalid_choice": _("Reason: choose 離職, 轉校 or 退休."),
        },
    )
    end_date = forms.DateField(
        label=_("Last day at this school"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Year-month-day, for example 2025-07-31."),
        error_messages={
            "required": _("Last day at this school is required. Enter a date such as 2025-07-31."),
            "invalid": _("Last day at this school: enter the date as year-month-day, for example 2025-07-31."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = timezone.localdate()


class RegisterForm(forms.Form):
    """教師資料登錄: the new teacher's identity number and data."""

    identity_number = forms.CharField(
        label=_("Identity number"),
        max_length=20,
        help_text=_("The 10-character 身分證統一編號, or the 居留證 number of a foreign teacher."),
        error_messages={
            "required": _("Identity number is required. Enter the 10-character number on the ID or resident card."),
        },
    )
    name = PersonEditForm.base_fields["name"]
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Gender is required. Choose one.")},
    )
    title = PersonEditForm.base_fields["title"]
    email = PersonEditForm.base_fields["email"]
    name_confirmed = forms.BooleanField(
        label=_("I have checked: this is the same person, and the name I entered is the right one."),
        required=False,
    )

    def clean_identity_number(self):
        return identity.validate(self.cleaned_data["identity_number"])

    def clean_name(self):
        return PersonEditForm.clean_name(self)


# --- The subject picker ----------------------------------------------------------------------


class SubjectPicker:
    """The 任教科目 picker of the notice, kept in the form's own fields between round trips.

    Without JavaScript every 加入, 清除重選 and change of 科目類別 is a
    submit that re-shows the form, with the list so far carried in hidden
    ``subjects`` fields; nothing is saved until 更新教師資料. With
    JavaScript, static/js/subject-picker.js does the same in the page.
    """

    ACTIONS = ("add", "clear", "show")

    def __init__(self, data=None, *, initial_ids=()):
        self.error: str | None = None
        self.categories = list(SubjectCategory.objects.order_by("sort_order", "pk"))
        self.catalogue = list(
            Subject.objects.filter(is_active=True).select_related("category", "parent").order_by(
                "category__sort_order", "sort_order", "pk"
            )
        )
        self._by_id = {subject.pk: subject for subject in self.catalogue}

        if data is None:
            self.ids = list(initial_ids)
            self.action = None
            self.category_id = self.categories[0].pk if self.categories else None
            return

        self.action = data.get("picker") if data.get("picker") in self.ACTIONS else None
        self.ids = []
        for raw in data.getlist("subjects"):
            try:
                self.ids.append(int(raw))
            except (TypeError, ValueError):
                self.error = str(_("Teaching subjects: the list was damaged. Press Clear and choose again."))
        self.category_id = self._int(data.get("category")) or (self.categories[0].pk if self.categories else None)
        self._apply(data)

    @staticmethod
    def _int(raw):
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def _apply(self, data) -> None:
        if self.action == "clear":
            self.ids = []
        elif self.action == "add":
            subject_id = self._int(data.get("subject"))
            subject = self._by_id.get(subject_id)
            if subject is None:
                self.error = str(_("Choose subject: pick a subject from the list, then press Add."))
            elif subject_id in self.ids:
                self.error = str(
                    _("%(subject)s is already in the list (Subject %(number)d). Each subject is listed once.")
                    % {"subject": subject.full_name, "number": self.ids.index(subject_id) + 1}
                )
            else:
                self.ids.append(subject_id)
                self.category_id = subject.category_id

    @property
    def is_round_trip(self) -> bool:
        """True when the submit only worked the picker; the page is shown again, nothing saved."""
        return self.action is not None

    def clean(self) -> list[Subject]:
        """Return the chosen subjects in order, or raise ValidationError."""
        if self.error:
            raise ValidationError(self.error)
        return subjects_in_order(self.ids)

    @property
    def chosen(self) -> list[Subject]:
        return [self._by_id[subject_id] for subject_id in self.ids if subject_id in self._by_id]

    @property
    def options(self) -> list[Subject]:
        return [subject for subject in self.catalogue if subject.category_id == self.category_id]

    @staticmethod
    def label(subject: Subject) -> str:
        return f"{subject.parent.name} {subject.name}" if subject.parent_id else subject.name
