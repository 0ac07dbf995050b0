"""Serve generated feeds for the development server and the demo, on 127.0.0.1."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inservice.organisations.models import Unit
from inservice.sync.fake_server import FAULTS, FakeSourceServer, generate_people
from inservice.sync.models import Source


class Command(BaseCommand):
    help = (
        "Start a fake feed server for each source at the port of its configured URL (SYNC_SOURCES), "
        "serving generated people at the units that have that sync source. Stop with Ctrl+C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=200, help="People per source (default 200).")
        parser.add_argument("--pending-share", type=float, default=0.02,
                            help="Share of records still pending review at the source (default 0.02).")
        parser.add_argument("--fault", choices=FAULTS, help="Inject this fault into every source's responses.")
        parser.add_argument("--delay", type=float, default=0.0, help="Seconds each page waits (with --fault slow).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed of the generated people.")

    def handle(self, *args, records: int, pending_share: float, fault, delay: float, seed: int, **options):
        servers = []
        for source in Source:
            config = settings.SYNC_SOURCES.get(source.value)
            if config is None:
                continue
            port = int(config["url"].rsplit(":", 1)[-1].split("/")[0])
            codes = list(Unit.objects.filter(sync_source=source.value, is_active=True).values_list("code", flat=True))
            if not codes:
                self.stdout.write(
                    f"{source.value}: no active unit has this sync source; set Unit.sync_source on some units "
                    "(admin site) and start again. Serving an empty feed."
                )
                people = []
            else:
                people = generate_people(records, codes, source=source.value, seed=seed, pending_share=pending_share)
            server = FakeSourceServer(source.value, people, token=config.get("token", ""), port=port, fault=fault,
                                      delay=delay)
            try:
                server.start()
            except OSError as error:
                raise CommandError(f"Port {port} for {source.value} is not free ({error}).") from error
            servers.append(server)
            self.stdout.write(f"{source.value}: {len(people)} people at {server.url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            for server in servers:
                server.stop()
