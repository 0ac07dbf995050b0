"""Run one source's synchronisation from the shell: a dry run unless --apply is given."""

from django.core.management.base import BaseCommand, CommandError

from inservice.sync import selectors, services
from inservice.sync.feed import FEED_ERROR_LABELS
from inservice.sync.models import Source, SyncRun


class Command(BaseCommand):
    help = (
        "Fetch a source's feed and compare it with the last accepted one. By default this is a dry run "
        "that writes only the run's report; --apply also changes the roster."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=Source.values, help="The source to synchronise.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--dry-run", dest="apply", action="store_false", default=False,
            help="Plan only and report what would change (the default).",
        )
        mode.add_argument("--apply", dest="apply", action="store_true", help="Apply the changes to the roster.")

    def handle(self, *args, source: str, apply: bool, **options):
        try:
            run = services.sync_run_start(source=source, trigger=SyncRun.Trigger.COMMAND, dry_run=not apply)
        except services.SyncError as error:
            raise CommandError(error.message) from error
        run = services.sync_run_execute(run_id=run.pk)

        self.stdout.write(f"Run {run.pk} of {source}: {run.status}")
        if run.dry_run:
            planned = selectors.planned_counts(run)
            self.stdout.write(f"  unchanged: {run.unchanged}")
            for action, total in sorted(planned.items()):
                self.stdout.write(f"  {action}: {total}")
            self.stdout.write("Dry run: nothing was changed. Add --apply to apply these changes.")
        else:
            for field, value in services.run_counts(run).items():
                self.stdout.write(f"  {field}: {value}")
        if run.status in (SyncRun.Status.FAILED, SyncRun.Status.HELD):
            label = FEED_ERROR_LABELS.get(run.error_code, run.error_code)
            raise CommandError(f"{run.error_code} ({label}): {run.error}")
