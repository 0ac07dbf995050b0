"""Reads of the sync app: run history and per-record reports, for system administrators."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, QuerySet

from .models import Source, SyncRecord, SyncRun


def runs_list() -> QuerySet[SyncRun]:
    return SyncRun.objects.select_related("requested_by", "decided_by").order_by("-pk")


def run_records(run: SyncRun, *, action: str = "") -> QuerySet[SyncRecord]:
    records = SyncRecord.objects.filter(run=run).order_by("position", "pk")
    if action:
        records = records.filter(action=action) if not run.dry_run else records.filter(planned_action=action)
    return records


def planned_counts(run: SyncRun) -> dict[str, int]:
    """Count a run's staged records by planned action (what a dry run or held run would do)."""
    rows = SyncRecord.objects.filter(run=run).values_list("planned_action").annotate(total=Count("pk"))
    return {action: total for action, total in rows}


def sources_overview() -> list[dict]:
    """Return each configured source with its schedule and latest run."""
    overview = []
    for source in Source:
        config = settings.SYNC_SOURCES.get(source.value)
        if config is None:
            continue
        latest = SyncRun.objects.filter(source=source.value).order_by("-pk").first()
        overview.append(
            {
                "value": source.value,
                "label": source.label,
                "time": f"{int(config.get('hour', 2)):02d}:{int(config.get('minute', 0)):02d}",
                "latest": latest,
                "running": latest is not None and latest.status == SyncRun.Status.RUNNING,
            }
        )
    return overview
