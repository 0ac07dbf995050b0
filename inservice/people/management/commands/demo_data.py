"""Generate a deterministic demo roster and the demo sign-in accounts."""

from django.core.management.base import BaseCommand, CommandError

from inservice.organisations.models import Unit
from inservice.people.demo import DEFAULT_PEOPLE, DEFAULT_SEED, demo_data_build


class Command(BaseCommand):
    help = (
        "Generate a demo roster for each unit given with --unit, business accounts (總負責人, 連絡人, "
        "作業人員) at the first of them, an authority account and a system administrator. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", action="append", dest="units", metavar="CODE", required=True,
                            help="MOE unit code; repeat for several units. The first gets the business accounts.")
        parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE,
                            help=f"People per unit (default {DEFAULT_PEOPLE}).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED}).")
        parser.add_argument("--fallback-first-unit", action="store_true",
                            help="Use the first active unit when no unit code given exists (for the fictional directory).")

    def handle(self, *args, **options):
        if options["people"] < 1:
            raise CommandError(f"--people must be at least 1, not {options['people']}.")
        units = []
        for code in options["units"]:
            unit = Unit.objects.filter(code=code.strip().upper()).select_related("authority").first()
            if unit is None:
                self.stderr.write(f"Unit {code} not found in the directory; skipped.")
                continue
            units.append(unit)
        if not units and options["fallback_first_unit"]:
            unit = Unit.objects.filter(is_active=True).select_related("authority").order_by("code").first()
            if unit is not None:
                self.stdout.write(f"Using the first active unit instead: {unit.code}.")
                units.append(unit)
        if not units:
            raise CommandError(
                "No unit to fill. Import a directory (manage.py import_directory FILE…) or build the fictional "
                "one (manage.py fictional_directory), then pass an existing --unit CODE."
            )
        try:
            report = demo_data_build(actor=None, units=units, people=options["people"], seed=options["seed"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo data for {', '.join(report.units)}: {report.people_created} people created, "
            f"{report.people_existing} already there; {report.users_created} sign-in accounts and "
            f"{report.accounts_created} business accounts created."
        )
