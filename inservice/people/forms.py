from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_PAGE_SIZE = settings.PAGE_SIZES[0]
NAME_QUERY_MAX_LENGTH = 64


class RosterFilterForm(forms.Form):
    """The search, subject filter and page size of 本單位教師帳號管理 (read from GET)."""

    q = forms.CharField(
        label=_("Teacher name search"),
        required=False,
        max_length=NAME_QUERY_MAX_LENGTH,
        help_text=_("Part of a name is enough, for example one character of it."),
        error_messages={
            "max_length": _(
                "Teacher name search is too long: enter at most %(limit_value)d characters of the name."
            ),
        },
    )
    subjects = forms.TypedMultipleChoiceField(
        label=_("Filter by teaching subject"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shows the people who teach any of the chosen subjects."),
        error_messages={
            "invalid_choice": _(
                "Filter by teaching subject: %(value)s is not a subject in the list. Choose the subjects again."
            ),
        },
    )
    inspection = forms.BooleanField(
        label=_("Filter for the MOE comprehensive inspection"),
        required=False,
        help_text=_(
            "Shows only qualified full-time and long-term substitute teachers, with their hours this school year "
            "against the annual target."
        ),
    )
    per_page = forms.TypedChoiceField(
        label=_("Rows per page"),
        required=False,
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,
        choices=[(size, size) for size in settings.PAGE_SIZES],
        error_messages={
            "invalid_choice": _("Rows per page must be 10, 20, 50 or 100; %(value)s is not one of them."),
        },
    )

    DEFAULTS = {"q": "", "subjects": [], "inspection": False, "per_page": DEFAULT_PAGE_SIZE}

    def __init__(self, *args, subject_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].choices = subject_choices

    def value_of(self, name: str):
        """Return a field's valid value, or its default when it is missing or invalid.

        An invalid field drops out of ``cleaned_data`` while its error is shown,
        so one bad parameter never empties the whole list.
        """
        if self.is_bound:
            self.is_valid()
            if name in self.cleaned_data:
                return self.cleaned_data[name]
        return self.DEFAULTS[name]
