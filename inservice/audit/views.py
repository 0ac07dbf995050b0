from django.core.paginator import Paginator
from django.shortcuts import render

from inservice.core.policy import Capability, capability_required, roster_unit

from . import selectors
from .forms import ACTION_LABELS, AuditFilterForm

PAGE_SIZE = 50


def _event_list(request, *, unit_scope: bool, unit=None):
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    if unit_scope:
        filters.pop("unit_code", None)
    events = selectors.audit_events(actor=request.user, unit_scope=unit_scope, **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "unit": unit,
        "unit_scope": unit_scope,
        "action_labels": ACTION_LABELS,
        "query": query.urlencode(),
    }
    return render(request, "audit/event_list.html", context)


@capability_required(Capability.SYSTEM_ADMIN)
def event_list(request):
    """List every audit event, for system administrators."""
    return _event_list(request, unit_scope=False)


@capability_required(Capability.UNIT_ROSTER)
def unit_event_list(request):
    """List the audit events of the manager's own unit."""
    return _event_list(request, unit_scope=True, unit=roster_unit(request.user))
