"""System administrators' synchronisation pages: history, run now, progress, approve or discard."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inservice.core.policy import Capability, capability_required

from . import selectors, services
from .feed import FEED_ERROR_LABELS
from .models import Source, SyncRecord, SyncRun

RUNS_PER_PAGE = 20
RECORDS_PER_PAGE = 50
COUNT_FIELDS = (
    ("created", "create"),
    ("moved", "move"),
    ("updated", "update"),
    ("ended", "end"),
    ("unchanged", "unchanged"),
    ("pending", "pending"),
    ("rejected", "reject"),
    ("skipped", "skip"),
)


def _page(request, items, per_page: int):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@require_GET
@capability_required(Capability.SYSTEM_ADMIN)
def run_list(request):
    return render(
        request,
        "sync/run_list.html",
        {"sources": selectors.sources_overview(), "page": _page(request, selectors.runs_list(), RUNS_PER_PAGE)},
    )


@require_POST
@capability_required(Capability.SYSTEM_ADMIN)
def run_now(request, source: str):
    if source not in Source.values:
        messages.error(request, _("There is no synchronisation source named “%(source)s”.") % {"source": source})
        return redirect("sync:run_list")
    try:
        run = services.sync_run_now(source=source, actor=request.user)
    except services.SyncError as error:
        messages.error(request, error.message)
        return redirect("sync:run_list")
    messages.success(request, _("Run %(run)s has started.") % {"run": run.pk})
    return redirect("sync:run_detail", run_id=run.pk)


def _counts(run: SyncRun) -> list[dict]:
    planned = selectors.planned_counts(run)
    labels = dict(SyncRecord.Action.choices)
    rows = []
    for field, action in COUNT_FIELDS:
        rows.append(
            {
                "label": labels[action] if action != "unchanged" else _("Unchanged"),
                "done": getattr(run, field),
                "planned": planned.get(action, run.unchanged if action == "unchanged" else 0),
            }
        )
    return rows


@require_GET
@capability_required(Capability.SYSTEM_ADMIN)
def run_detail(request, run_id: int):
    run = get_object_or_404(selectors.runs_list(), pk=run_id)
    action = request.GET.get("action", "")
    if action not in SyncRecord.Action.values:
        action = ""
    records = selectors.run_records(run, action=action)
    return render(
        request,
        "sync/run_detail.html",
        {
            "run": run,
            "error_label": FEED_ERROR_LABELS.get(run.error_code, ""),
            "counts": _counts(run),
            "show_planned": run.dry_run or run.status in (SyncRun.Status.HELD, SyncRun.Status.DISCARDED),
            "actions": SyncRecord.Action.choices,
            "action": action,
            "page": _page(request, records, RECORDS_PER_PAGE),
        },
    )


@require_GET
@capability_required(Capability.SYSTEM_ADMIN)
def run_progress(request, run_id: int):
    run = get_object_or_404(selectors.runs_list(), pk=run_id)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "phase": run.phase,
            "phase_label": run.get_phase_display(),
            "percent": run.progress_percent,
            "finished": run.is_finished,
            "counts": {field: getattr(run, field) for field, _action in COUNT_FIELDS},
        }
    )


@require_POST
@capability_required(Capability.SYSTEM_ADMIN)
def run_approve(request, run_id: int):
    run = get_object_or_404(selectors.runs_list(), pk=run_id)
    try:
        services.sync_run_approve(run_id=run.pk, actor=request.user)
    except services.SyncError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Run %(run)s was approved; its changes are being applied.") % {"run": run.pk})
    return redirect("sync:run_detail", run_id=run.pk)


@require_POST
@capability_required(Capability.SYSTEM_ADMIN)
def run_discard(request, run_id: int):
    run = get_object_or_404(selectors.runs_list(), pk=run_id)
    try:
        services.sync_run_discard(run_id=run.pk, actor=request.user)
    except services.SyncError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Run %(run)s was discarded; nothing of it was applied.") % {"run": run.pk})
    return redirect("sync:run_detail", run_id=run.pk)
