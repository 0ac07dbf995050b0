"""資料下載: the roster with the list's current search and filters, as XLSX or CSV."""

from __future__ import annotations

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from inservice.audit.services import client_ip
from inservice.core.policy import Capability, capability_required, roster_unit
from inservice.core.roc import roc_year

from . import exports, selectors, services
from .forms import RosterFilterForm

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@capability_required(Capability.UNIT_ROSTER)
def roster_download(request, file_format: str):
    """Download the unit's roster; the same filters as the list, audited with the row count."""
    if file_format not in CONTENT_TYPES:
        raise Http404
    unit = roster_unit(request.user)
    form = RosterFilterForm(request.GET, subject_choices=selectors.subject_filter_choices(unit=unit))
    name_query = form.value_of("q")
    subject_ids = form.value_of("subjects")

    people = selectors.roster_people(actor=request.user, name_query=name_query, subject_ids=subject_ids)
    services.roster_download_record(
        actor=request.user,
        file_format=file_format,
        filters={"q": name_query, "subjects": list(subject_ids)},
        row_count=people.count(),
        ip_address=client_ip(request),
    )

    today = timezone.localdate()
    stamp = f"{roc_year(today):03d}{today:%m%d}"
    filename = _("%(unit)s teacher roster %(date)s.%(ext)s") % {"unit": unit.name, "date": stamp, "ext": file_format}
    fallback = f"roster-{unit.code}-{stamp}.{file_format}"

    if file_format == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(people), content_type=CONTENT_TYPES["csv"])
    else:
        handle = exports.xlsx_file(people, sheet_title=_("Teacher roster"))
        response = FileResponse(handle, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = exports.content_disposition(filename, fallback)
    response["Cache-Control"] = "no-store"
    return response
