from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class AttendanceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance list (.xlsx or .csv)"),
        help_text=_(
            "One teacher per row: 身分證統一編號 and 研習時數, with these headings in the first row. "
            "CSV files may be UTF-8 or Big5."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class CourseFileForm(forms.Form):
    file = forms.FileField(
        label=_("Course file (PDF)"),
        help_text=_("For example the handout or the signed attendance sheet."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


class HourCorrectionForm(forms.Form):
    delta = forms.DecimalField(
        label=_("Change in hours"),
        max_digits=5,
        decimal_places=1,
        help_text=_("Hours to add; a negative number removes hours, for example -1.5."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_delta(self):
        delta = self.cleaned_data["delta"]
        if delta == Decimal(0):
            raise forms.ValidationError(_("Enter a change other than 0, for example 1.5 or -2."))
        return delta
