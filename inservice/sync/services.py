"""Synchronisation services: start a run, execute it under the source's lock, approve or discard it.

A run goes through three phases. It fetches the whole feed through the
source's adapter, plans the changes against the last accepted feed
(``planning``), and applies them in atomic batches (``applying``). A feed
fault fails the run; a plan that would end too many memberships holds it
for a system administrator. Both alert the administrators by e-mail.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inservice.accounts.models import User
from inservice.audit.services import audit_record

from .adapters import adapter_for, source_settings
from .applying import apply_run
from .feed import FEED_ERROR_LABELS, FeedError
from .locks import SourceBusy, source_lock
from .models import Source, SyncRun
from .planning import plan_run

logger = logging.getLogger(__name__)

# A scheduled run belongs to the night that began this many hours before it.
NIGHT_OFFSET = datetime.timedelta(hours=12)


class SyncError(Exception):
    """A request about runs that cannot be carried out; ``message`` is shown to the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def night_of(moment: datetime.datetime) -> datetime.date:
    """Return the night a moment belongs to: the Asia/Taipei date twelve hours earlier.

    02:00 on 5 December and 23:30 on 4 December both belong to the night of
    4 December, so two schedulers firing either side of midnight share a key.
    """
    return (timezone.localtime(moment) - NIGHT_OFFSET).date()


def _check_source(source: str) -> None:
    if source not in Source.values:
        raise SyncError("unknown_source", _("There is no synchronisation source named “%(source)s”.") % {"source": source})
    source_settings(source)


def sync_run_start(
    *,
    source: str,
    trigger: str,
    actor: User | None = None,
    night: datetime.date | None = None,
    dry_run: bool = False,
) -> SyncRun:
    """Record a new run. A second scheduled run for the same source and night raises SyncError."""
    _check_source(source)
    if trigger == SyncRun.Trigger.SCHEDULE and night is None:
        raise ValueError("A scheduled run needs its night.")

    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                source=source,
                trigger=trigger,
                night=night if trigger == SyncRun.Trigger.SCHEDULE else None,
                dry_run=dry_run,
                requested_by=actor if getattr(actor, "pk", None) else None,
            )
            audit_record(
                actor=actor,
                actor_label="" if actor else "system",
                action="sync.run_started",
                target=run,
                after={"source": source, "trigger": trigger, "dry_run": dry_run},
            )
    except IntegrityError:
        raise SyncError(
            "already_ran",
            _("The %(source)s run for the night of %(night)s already exists.")
            % {"source": Source(source).label, "night": night},
        ) from None
    logger.info("Sync run %s created for %s (%s)", run.pk, source, trigger)
    return run


def _finish(run: SyncRun, *, status: str, error_code: str = "", error: str = "") -> None:
    run.status = status
    run.phase = SyncRun.Phase.DONE
    run.finished_at = timezone.now()
    run.error_code = error_code
    run.error = error
    run.save(update_fields=["status", "phase", "finished_at", "error_code", "error"])


def _alert_admins(run: SyncRun) -> None:
    """E-mail every active system administrator that the run failed or is held."""
    recipients = list(
        User.objects.filter(Q(kind=User.Kind.ADMIN) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if not recipients:
        logger.warning("Sync run %s needs attention but no system administrator has an e-mail address", run.pk)
        return
    link = settings.SITE_URL.rstrip("/") + reverse("sync:run_detail", args=[run.pk])
    with translation.override(settings.LANGUAGE_CODE):
        source = Source(run.source).label
        if run.status == SyncRun.Status.HELD:
            subject = _("Synchronisation held for approval: %(source)s") % {"source": source}
        else:
            subject = _("Synchronisation failed: %(source)s") % {"source": source}
        body = _(
            "Run %(run)s of %(source)s did not apply its changes.\n"
            "Reason: %(reason)s\n%(detail)s\n\n"
            "Review the run and decide what to do: %(link)s"
        ) % {
            "run": run.pk,
            "source": source,
            "reason": FEED_ERROR_LABELS.get(run.error_code, run.error_code),
            "detail": run.error,
            "link": link,
        }
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=False))


def _fail(run: SyncRun, error: FeedError) -> None:
    with transaction.atomic():
        _finish(run, status=SyncRun.Status.FAILED, error_code=error.code, error=error.message)
        audit_record(
            actor=None, actor_label="system", action="sync.run_failed", target=run, after={"error": error.code}
        )
        _alert_admins(run)
    logger.warning("Sync run %s of %s failed: %s", run.pk, run.source, error.code)


def _retire_older_runs(run: SyncRun) -> None:
    """Close runs of the source that nobody is working on, now that this run holds the lock.

    A run still marked running was interrupted; a held run is replaced by
    this newer plan. Their committed batches are already in the accepted
    state, so this run's plan covers what they left undone.
    """
    others = SyncRun.objects.filter(source=run.source).exclude(pk=run.pk)
    now = timezone.now()
    others.filter(status=SyncRun.Status.RUNNING, started_at__isnull=False).update(
        status=SyncRun.Status.FAILED,
        phase=SyncRun.Phase.DONE,
        finished_at=now,
        error_code="interrupted",
        error=f"Interrupted; run {run.pk} continued its work.",
    )
    others.filter(status=SyncRun.Status.RUNNING, started_at__isnull=True).update(
        status=SyncRun.Status.FAILED,
        phase=SyncRun.Phase.DONE,
        finished_at=now,
        error_code="superseded",
        error=f"Waiting when run {run.pk} started, which covers the same changes.",
    )
    if not run.dry_run:
        others.filter(status=SyncRun.Status.HELD).update(
            status=SyncRun.Status.DISCARDED,
            phase=SyncRun.Phase.DONE,
            finished_at=now,
            error_code="superseded",
            error=f"Replaced by run {run.pk}.",
        )


def _fetch_and_plan(run: SyncRun) -> bool:
    """Fetch and plan; return False when the run ended here (failed, held or dry run)."""
    SyncRun.objects.filter(pk=run.pk).update(phase=SyncRun.Phase.FETCHING)

    def report_page(fetched: int, total: int) -> None:
        SyncRun.objects.filter(pk=run.pk).update(pages_fetched=fetched, pages_total=max(total, fetched))

    try:
        feed = adapter_for(run.source).fetch(on_page=report_page)
    except FeedError as error:
        _fail(run, error)
        return False

    SyncRun.objects.filter(pk=run.pk).update(phase=SyncRun.Phase.PLANNING)
    plan_run(run, feed)

    if run.dry_run:
        _finish(run, status=SyncRun.Status.PLANNED)
        return False
    if _exceeds_guard(run):
        with transaction.atomic():
            _finish(
                run,
                status=SyncRun.Status.HELD,
                error_code="mass_change",
                error=(
                    f"The plan would end {run.planned_ends} of {run.current_memberships} current memberships "
                    f"(limit {settings.SYNC_MAX_END_SHARE:.0%})."
                ),
            )
            audit_record(
                actor=None,
                actor_label="system",
                action="sync.run_held",
                target=run,
                after={"planned_ends": run.planned_ends, "current": run.current_memberships},
            )
            _alert_admins(run)
        logger.warning("Sync run %s of %s held: %s planned ends", run.pk, run.source, run.planned_ends)
        return False
    return True


def _exceeds_guard(run: SyncRun) -> bool:
    if run.current_memberships == 0:
        return False
    return run.planned_ends > settings.SYNC_MAX_END_SHARE * run.current_memberships


def sync_run_execute(*, run_id: int, max_batches: int | None = None) -> SyncRun:
    """Execute or resume a run under its source's lock and return it.

    A run that is already finished or held is returned unchanged. If another
    run of the source holds the lock, a run that had not started fails as
    busy, and a run that had started is left to whoever is working on it.
    ``max_batches`` stops after that many batches, leaving the run resumable.
    """
    run = SyncRun.objects.get(pk=run_id)
    if run.status != SyncRun.Status.RUNNING:
        return run

    try:
        with source_lock(run.source) as lock:
            run.refresh_from_db()
            if run.status != SyncRun.Status.RUNNING:
                return run
            if run.started_at is None:
                run.started_at = timezone.now()
                run.save(update_fields=["started_at"])
            _retire_older_runs(run)

            if run.planned_at is None and not _fetch_and_plan(run):
                run.refresh_from_db()
                return run

            SyncRun.objects.filter(pk=run.pk).update(phase=SyncRun.Phase.APPLYING)
            finished = apply_run(
                run, batch_size=settings.SYNC_BATCH_SIZE, on_batch=lock.renew, max_batches=max_batches
            )
            run.refresh_from_db()
            if not finished:
                logger.info("Sync run %s stopped after %s batches; it can be resumed", run.pk, max_batches)
                return run
            with transaction.atomic():
                _finish(run, status=SyncRun.Status.SUCCEEDED)
                audit_record(
                    actor=None,
                    actor_label="system",
                    action="sync.run_succeeded",
                    target=run,
                    after=run_counts(run),
                )
            logger.info("Sync run %s of %s succeeded: %s", run.pk, run.source, run_counts(run))
            return run
    except SourceBusy:
        run.refresh_from_db()
        if run.started_at is None and run.status == SyncRun.Status.RUNNING:
            _finish(
                run,
                status=SyncRun.Status.FAILED,
                error_code="busy",
                error="Another run of this source was in progress; this one did not start.",
            )
        logger.info("Sync run %s of %s not executed: the source is busy", run.pk, run.source)
        return run


def run_counts(run: SyncRun) -> dict[str, int]:
    fields = ("created", "moved", "updated", "ended", "unchanged", "pending", "rejected", "skipped")
    return {field: getattr(run, field) for field in fields}


def sync_scheduled(*, source: str, now: datetime.datetime | None = None) -> SyncRun | None:
    """Start (or resume) the source's run for tonight; a second scheduler's call changes nothing."""
    night = night_of(now or timezone.now())
    try:
        run = sync_run_start(source=source, trigger=SyncRun.Trigger.SCHEDULE, night=night)
    except SyncError:
        run = SyncRun.objects.get(source=source, trigger=SyncRun.Trigger.SCHEDULE, night=night)
        if run.status != SyncRun.Status.RUNNING:
            logger.info("Sync of %s for night %s already ran (run %s)", source, night, run.pk)
            return run
        # The run of this night exists and is unfinished: resume it unless it is still running.
    return sync_run_execute(run_id=run.pk)


def sync_run_now(*, source: str, actor: User) -> SyncRun:
    """Start a run on a system administrator's request; it executes in the background."""
    from .tasks import enqueue_run

    if SyncRun.objects.filter(source=source, status=SyncRun.Status.RUNNING, started_at__isnull=False).exists():
        raise SyncError(
            "busy",
            _("A %(source)s run is already in progress. Wait for it to finish, then start another.")
            % {"source": Source(source).label},
        )
    run = sync_run_start(source=source, trigger=SyncRun.Trigger.MANUAL, actor=actor)
    transaction.on_commit(lambda: enqueue_run(run.pk))
    return run


def _held_run_for_decision(run_id: int) -> SyncRun:
    run = SyncRun.objects.select_for_update().get(pk=run_id)
    if run.status != SyncRun.Status.HELD:
        raise SyncError("not_held", _("Run %(run)s is not held for approval, so it cannot be decided.") % {"run": run.pk})
    return run


def sync_run_approve(*, run_id: int, actor: User) -> SyncRun:
    """Approve a held run: its planned changes are applied in the background."""
    from .tasks import enqueue_run

    with transaction.atomic():
        run = _held_run_for_decision(run_id)
        newer = SyncRun.objects.filter(source=run.source, pk__gt=run.pk, dry_run=False).exclude(
            status__in=[SyncRun.Status.FAILED, SyncRun.Status.DISCARDED]
        )
        if newer.exists():
            raise SyncError(
                "stale_plan",
                _("A newer run of this source exists, so this plan is out of date. Discard it instead."),
            )
        run.status = SyncRun.Status.RUNNING
        run.phase = SyncRun.Phase.APPLYING
        run.decided_by = actor
        run.finished_at = None
        run.save(update_fields=["status", "phase", "decided_by", "finished_at"])
        audit_record(actor=actor, action="sync.run_approved", target=run, after={"planned_ends": run.planned_ends})
        transaction.on_commit(lambda: enqueue_run(run.pk))
    return run


def sync_run_discard(*, run_id: int, actor: User) -> SyncRun:
    """Discard a held run: nothing of its plan is applied."""
    with transaction.atomic():
        run = _held_run_for_decision(run_id)
        run.status = SyncRun.Status.DISCARDED
        run.decided_by = actor
        run.save(update_fields=["status", "decided_by"])
        audit_record(actor=actor, action="sync.run_discarded", target=run)
    return run
