"""Import MOE school directory CSV files into the unit directory."""

from django.core.management.base import BaseCommand, CommandError

from inservice.organisations.services.directory import KINDS, DirectoryFileError, directory_import, import_order


class Command(BaseCommand):
    help = (
        "Import MOE school directory CSV files (國民小學名錄, 幼兒園名錄, 高級中等學校名錄, "
        "國民小學校別統計). Safe to run again; units missing from a newer file of the same kind "
        "are marked inactive, never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", metavar="FILE",
            help="CSV files. Directories are imported first and statistics files last, otherwise in the order given.",
        )
        parser.add_argument("--kind", choices=KINDS, help="File kind, for files whose kind cannot be detected from the header and school names.")
        parser.add_argument("--year", type=int, help="ROC school year of the files, when they carry none.")
        parser.add_argument(
            "--max-rejected", type=int, default=20, help="How many rejected rows to list per file (default 20)."
        )

    def handle(self, *args, **options):
        failed = False
        paths = options["files"] if options["kind"] else import_order(options["files"])
        for path in paths:
            try:
                report = directory_import(actor=None, path=path, kind=options["kind"], year=options["year"])
            except (DirectoryFileError, OSError) as error:
                self.stderr.write(f"{path}: not imported: {error}")
                failed = True
                continue
            self.stdout.write(
                f"{path} ({report.kind}, school year {report.year or 'unknown'}): {report.rows} rows, "
                f"{report.added} added, {report.updated} updated ({report.reactivated} reactivated), "
                f"{report.unchanged} unchanged, {report.deactivated} deactivated, {len(report.rejected)} rejected"
            )
            if report.deactivation_skipped_reason:
                self.stdout.write(f"  nothing deactivated: {report.deactivation_skipped_reason}")
            for rejected in report.rejected[: options["max_rejected"]]:
                self.stdout.write(f"  row {rejected.row_number} ({rejected.code or 'no code'}): {rejected.reason}")
            if len(report.rejected) > options["max_rejected"]:
                self.stdout.write(f"  … and {len(report.rejected) - options['max_rejected']} more rejected rows")
        if failed:
            raise CommandError("Some files were not imported; see the messages above.")
