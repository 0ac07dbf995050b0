"""Print the demo sign-in accounts made by ``demo_data``."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from inservice.people.demo import demo_logins


class Command(BaseCommand):
    help = "Print the demo sign-in accounts (username, password, role, unit)."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            rows = demo_logins()
        if not rows:
            self.stdout.write("No demo accounts yet: run `manage.py demo_data --unit CODE` first.")
            return
        self.stdout.write("Demo sign-in accounts (development only):")
        for row in rows:
            unit = f"  {row['unit']}" if row["unit"] else ""
            self.stdout.write(f"  {row['username']:<22} {row['password']}  {row['role']}{unit}")
