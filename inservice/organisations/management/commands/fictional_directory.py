"""Build a small fictional unit directory, for machines without the MOE directory files."""

from django.core.management.base import BaseCommand, CommandError

from inservice.organisations.services.fictional import fictional_directory_build


class Command(BaseCommand):
    help = "Create a few fictional units (names contain 示範) under several authorities. Safe to run again."

    def handle(self, *args, **options):
        try:
            created, existing = fictional_directory_build(actor=None)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Fictional directory: {created} units created, {existing} already there.")
