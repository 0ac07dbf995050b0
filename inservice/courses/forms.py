"""Forms of 研習課程登錄, the session rows, the public search and the enrolment decisions."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inservice.organisations.models import Stage
from inservice.people.models import Subject

from .models import AdmissionMode, Course, CourseCategory, CourseState, CourseTag, EnrolmentStatus
from .services import CourseInput, SessionInput

MAX_HOURS = Decimal("999")
MAX_CREDITS = Decimal("50")
MAX_SESSIONS = 60
SESSION_ROWS_ADDED = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Course title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=CourseCategory.objects.all(), empty_label=_("Choose a category")
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Attribute tags"),
        queryset=CourseTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    approval_number = forms.CharField(
        label=_("Approval document number"),
        max_length=64,
        required=False,
        help_text=_("The number of the document that approved this course, if any."),
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_HOURS)],
        help_text=_("Enter either hours or credits. One credit counts as 18 hours."),
    )
    credits = forms.DecimalField(
        label=_("Credits"),
        required=False,
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_CREDITS)],
        help_text=_("For courses counted in credits; leave hours empty."),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    quota = forms.IntegerField(
        label=_("Quota"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("How many teachers can be admitted. Leave empty for no limit."),
    )
    admission_mode = forms.ChoiceField(
        label=_("Admission"), choices=AdmissionMode.choices, initial=AdmissionMode.FIRST_COME, widget=forms.RadioSelect
    )
    enrol_opens_at = forms.DateTimeField(label=_("Enrolment opens"), widget=DateTimeInput)
    enrol_closes_at = forms.DateTimeField(label=_("Enrolment closes"), widget=DateTimeInput)
    target_stages = forms.MultipleChoiceField(
        label=_("Target education stages"),
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to accept every stage."),
    )
    target_counties = forms.MultipleChoiceField(
        label=_("Target counties and cities"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to accept teachers from every county and city."),
    )
    target_subjects = forms.ModelMultipleChoiceField(
        label=_("Target subjects"),
        queryset=Subject.objects.filter(is_active=True).select_related("category", "parent"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Leave empty to accept teachers of every subject."),
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=64)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    description = forms.CharField(
        label=pgettext_lazy("course", "Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, county_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_counties"].choices = county_choices

    def clean(self):
        cleaned = super().clean()
        hours, credits = cleaned.get("hours"), cleaned.get("credits")
        if hours is None and credits is None and "hours" not in self.errors and "credits" not in self.errors:
            self.add_error("hours", _("Enter the hours, or the credits if the course is counted in credits."))
        if hours is not None and credits is not None:
            self.add_error("credits", _("Enter hours or credits, not both. Clear one of the two fields."))

        opens, closes = cleaned.get("enrol_opens_at"), cleaned.get("enrol_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("enrol_closes_at", _("Enrolment must close after it opens. Enter a later date and time."))
        return cleaned

    def to_input(self) -> CourseInput:
        data = self.cleaned_data
        return CourseInput(
            title=data["title"],
            category=data["category"],
            tags=list(data["tags"]),
            approval_number=data["approval_number"],
            hours=data["hours"],
            credits=data["credits"],
            place=data["place"],
            quota=data["quota"],
            admission_mode=data["admission_mode"],
            enrol_opens_at=data["enrol_opens_at"],
            enrol_closes_at=data["enrol_closes_at"],
            target_stages=data["target_stages"],
            target_counties=data["target_counties"],
            target_subjects=list(data["target_subjects"]),
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            contact_email=data["contact_email"],
            description=data["description"],
        )

    @staticmethod
    def initial_for(course: Course) -> dict:
        return {
            "title": course.title,
            "category": course.category_id,
            "tags": list(course.tags.all()),
            "approval_number": course.approval_number,
            "hours": None if course.credits is not None else course.hours,
            "credits": course.credits,
            "place": course.place,
            "quota": course.quota,
            "admission_mode": course.admission_mode,
            "enrol_opens_at": course.enrol_opens_at,
            "enrol_closes_at": course.enrol_closes_at,
            "target_stages": [code for code in course.target_stages.split(",") if code],
            "target_counties": [code for code in course.target_counties.split(",") if code],
            "target_subjects": list(course.target_subjects.all()),
            "contact_name": course.contact_name,
            "contact_phone": course.contact_phone,
            "contact_email": course.contact_email,
            "description": course.description,
        }


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session must end after it starts. Enter a later end time."))
        return cleaned


class BaseSessionFormSet(forms.BaseFormSet):
    """Session rows. Every row counts as new because saving replaces all of a course's sessions,
    so a row the organiser empties is dropped instead of being rejected."""

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return super().total_form_count()
        return min(len(self.initial or []) + self.extra, self.max_num)

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed():
                continue
            key = (form.cleaned_data["date"], form.cleaned_data["starts_at"])
            if key in seen:
                raise forms.ValidationError(
                    _("Two sessions start on the same date and time. Remove the repeated row."), code="duplicate"
                )
            seen.add(key)
        if not seen:
            raise forms.ValidationError(
                _("Enter at least one session with its date, start and end time."), code="no_sessions"
            )

    def to_inputs(self) -> list[SessionInput]:
        rows = [
            SessionInput(form.cleaned_data["date"], form.cleaned_data["starts_at"], form.cleaned_data["ends_at"])
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]
        return sorted(rows, key=lambda row: (row.date, row.starts_at))


SessionFormSet = forms.formset_factory(
    SessionForm,
    formset=BaseSessionFormSet,
    extra=2,
    max_num=MAX_SESSIONS,
    validate_max=True,
)


def session_initial(course: Course) -> list[dict]:
    return [
        {"date": session.date, "starts_at": session.starts_at, "ends_at": session.ends_at}
        for session in course.sessions.all()
    ]


def course_form_with_more_rows(data, *, county_choices, prefix: str):
    """Return unbound forms that repeat the posted values with more empty session rows.

    The button that adds rows works without JavaScript: it posts the form, and the page
    comes back with the same values and no error messages, since nothing was saved.
    """
    initial = {}
    for name, field in CourseForm.base_fields.items():
        if isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
            initial[name] = data.getlist(name)
        elif name in data:
            initial[name] = data.get(name)
    form = CourseForm(initial=initial, county_choices=county_choices)

    try:
        posted_rows = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        posted_rows = 0
    posted_rows = max(0, min(posted_rows, MAX_SESSIONS))
    rows = [
        {name: data.get(f"{prefix}-{index}-{name}", "") for name in SessionForm.base_fields}
        for index in range(posted_rows)
    ]
    formset = SessionFormSet(initial=rows, prefix=prefix)
    formset.extra = SESSION_ROWS_ADDED
    return form, formset


class CourseSearchForm(forms.Form):
    keyword = forms.CharField(
        label=_("Keyword"), required=False, max_length=100, help_text=_("Course code, course title or unit name.")
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    county = forms.ChoiceField(label=_("County or city of the unit"), required=False)
    date_from = forms.DateField(label=_("From date"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To date"), required=False, widget=DateInput)

    def __init__(self, *args, county_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        public_states = [(value, label) for value, label in CourseState.choices if value != CourseState.DRAFT]
        self.fields["state"].choices = [("", _("Any state"))] + public_states
        self.fields["county"].choices = [("", _("Any county or city"))] + county_choices

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date is before the start date. Enter a later end date."))
        return cleaned


class EnrolmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("course", "Action"),
        choices=[
            (EnrolmentStatus.ADMITTED, _("Admit")),
            (EnrolmentStatus.WAITLISTED, _("Put on the waiting list")),
            (EnrolmentStatus.REFUSED, _("Do not admit")),
        ],
    )
    enrolments = forms.TypedMultipleChoiceField(label=_("Teachers"), coerce=int, required=False)

    def __init__(self, *args, enrolment_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].choices = [(pk, pk) for pk in enrolment_ids]


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=CourseState.choices)
