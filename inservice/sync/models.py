"""Synchronisation runs, their per-record reports, and the last accepted feed of each source."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """The external sources; the values match Unit.sync_source and Membership.source."""

    KINDERGARTEN = "kindergarten", _("National preschool information network")
    TAIPEI = "taipei", _("Taipei teacher in-service network")


class SyncRun(models.Model):
    """One pull of a source's feed: fetch, plan the changes, then apply them in batches."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nightly schedule")
        MANUAL = "manual", _("Run now by a system administrator")
        COMMAND = "command", _("Management command")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PLANNED = "planned", _("Dry run planned")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Held for approval")
        DISCARDED = "discarded", _("Discarded")

    class Phase(models.TextChoices):
        WAITING = "waiting", _("Waiting to start")
        FETCHING = "fetching", _("Fetching the feed")
        PLANNING = "planning", _("Comparing with the last accepted feed")
        APPLYING = "applying", _("Applying changes")
        DONE = "done", _("Finished")

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    trigger = models.CharField(_("started by"), max_length=16, choices=Trigger.choices)
    # The night a scheduled run belongs to: the Asia/Taipei date twelve hours
    # before it starts, so 23:30 and 02:00 runs fall on the same night.
    night = models.DateField(_("night"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.WAITING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("start"), null=True, blank=True)
    finished_at = models.DateTimeField(_("end"), null=True, blank=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)

    feed_records = models.PositiveIntegerField(_("records in feed"), default=0)
    pages_fetched = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    # Planned changes: staged SyncRecord rows still to apply, and those done.
    to_apply = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    # Memberships of this source that were current when the run was planned,
    # and how many of them the plan would end (the mass-change guard).
    current_memberships = models.PositiveIntegerField(default=0)
    planned_ends = models.PositiveIntegerField(default=0)

    created = models.PositiveIntegerField(_("created"), default=0)
    moved = models.PositiveIntegerField(_("moved"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    ended = models.PositiveIntegerField(_("ended"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    pending = models.PositiveIntegerField(_("pending review"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    skipped = models.PositiveIntegerField(_("kept newer change"), default=0)

    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("synchronisation run")
        verbose_name_plural = _("synchronisation runs")
        constraints = [
            # The run key: one scheduled run per source per night, however
            # many schedulers fire.
            models.UniqueConstraint(
                fields=["source", "night"],
                condition=Q(trigger="schedule"),
                name="one_scheduled_sync_run_per_night",
            ),
        ]
        indexes = [models.Index(fields=["source", "status"])]

    def __str__(self) -> str:
        return f"SyncRun {self.pk} ({self.source})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.RUNNING,)

    @property
    def progress_percent(self) -> int:
        """Share of the run done, 0-100: fetching counts for the first half when nothing is planned yet."""
        if self.status != self.Status.RUNNING:
            return 100
        if self.phase in (self.Phase.WAITING, self.Phase.FETCHING):
            if not self.pages_total:
                return 0
            return min(40, int(40 * self.pages_fetched / self.pages_total))
        if self.phase == self.Phase.PLANNING:
            return 45
        if not self.to_apply:
            return 95
        return 50 + int(50 * self.applied / self.to_apply)


class SyncRecord(models.Model):
    """One feed record that a run acts on or reports: a change, a pending or a rejected record.

    Unchanged records are only counted on the run, so a quiet night writes no rows.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("New membership")
        MOVE = "move", _("Moved to another unit")
        UPDATE = "update", _("Details updated")
        END = "end", _("Membership ended")
        PENDING = "pending", _("Pending review at the source")
        REJECT = "reject", _("Rejected")
        SKIP = "skip", _("Kept a newer change made elsewhere")
        UNCHANGED = "unchanged", _("No change needed")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="records")
    # Position in the feed (1-based); records of people absent from the feed have none.
    position = models.PositiveIntegerField(_("feed position"), null=True, blank=True)
    identity_hash = models.CharField(max_length=64, blank=True)
    identity_encrypted = models.BinaryField(null=True, blank=True)
    identity_masked = models.CharField(_("identity number"), max_length=12, blank=True)
    name = models.CharField(_("full name"), max_length=64, blank=True)
    gender = models.CharField(_("gender"), max_length=1, blank=True)
    title = models.CharField(_("title"), max_length=16, blank=True)
    unit_code = models.CharField(_("unit code"), max_length=12, blank=True)
    employed = models.BooleanField(_("employed"), default=True)
    changed_at = models.DateTimeField(_("change time"), null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    planned_action = models.CharField(_("planned action"), max_length=16, choices=Action.choices)
    action = models.CharField(_("outcome"), max_length=16, choices=Action.choices, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PLANNED)
    # Why a record was rejected or skipped: a key of reasons.REASONS and its values.
    reason_code = models.CharField(_("reason"), max_length=32, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run", "position", "pk"]
        indexes = [models.Index(fields=["run", "state", "id"]), models.Index(fields=["run", "action"])]

    def __str__(self) -> str:
        return f"SyncRecord {self.pk} of run {self.run_id}"

    @property
    def reason(self) -> str:
        from .reasons import reason_text

        return reason_text(self.reason_code, self.reason_params)


class SourceRecord(models.Model):
    """A person's record in the last accepted feed of a source, compared with each new feed."""

    source = models.CharField(max_length=16, choices=Source.choices)
    identity_hash = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    unit_code = models.CharField(max_length=12)
    title = models.CharField(max_length=16)
    employed = models.BooleanField(default=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    accepted_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["source", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "identity_hash"], name="one_source_record_per_person"),
        ]

    def __str__(self) -> str:
        return f"SourceRecord {self.pk} ({self.source})"
