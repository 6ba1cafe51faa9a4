from django.core.management.base import BaseCommand, CommandError

from mlops.importing import ImportFailed, import_symptom_csv


class Command(BaseCommand):
    help = "Import a wide symptom CSV (0/1 symptom columns + 'prognosis') as labelled training cases."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", help="name to tag the rows with (default: the file name)")

    def handle(self, *args, path, source=None, **options):
        try:
            report = import_symptom_csv(path, source=source)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.imported} of {report.rows} rows from {report.source} "
                f"({len(report.column_map)} symptom columns matched, {report.duplicate_rows} duplicate rows kept for "
                f"deduplication at training, {report.skipped_no_symptoms} rows without symptoms skipped)."
            )
        )
        renamed = {raw: slug for raw, slug in report.column_map.items() if raw.strip() != slug}
        if renamed:
            self.stdout.write(
                "Columns matched by normalising or synonyms: "
                + ", ".join(f"{raw!r}->{slug}" for raw, slug in sorted(renamed.items()))
            )
        if report.unmatched_columns:
            self.stdout.write(
                self.style.WARNING("Unmatched columns (ignored): " + ", ".join(report.unmatched_columns))
            )
        if report.unmatched_labels:
            self.stdout.write(
                self.style.WARNING(
                    "Unmatched labels (rows skipped): "
                    + ", ".join(f"{label!r} x{n}" for label, n in report.unmatched_labels.items())
                )
            )
