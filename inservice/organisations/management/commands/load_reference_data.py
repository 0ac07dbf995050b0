"""Load authorities, the 任教科目 taxonomy and course terms; safe to run again."""

from django.core.management.base import BaseCommand

from inservice.organisations.services.reference import reference_data_load


class Command(BaseCommand):
    help = "Create or correct the authorities, the subject taxonomy and the course categories and tags."

    def handle(self, *args, **options):
        counts = reference_data_load(actor=None)
        for label, (created, updated, unchanged) in counts.details.items():
            self.stdout.write(f"{label}: {created} created, {updated} updated, {unchanged} unchanged")
