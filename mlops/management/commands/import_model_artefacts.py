from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from mlops.artefacts import artefacts_import_directory


class Command(BaseCommand):
    help = (
        "Copy model artefacts that are still only files in a local directory (MODEL_STORE_DIR, where "
        "earlier releases kept them) into the shared model storage. Safe to run again (ensure_model does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="the directory to read (default MODEL_STORE_DIR)")

    def handle(self, *args, dir=None, **options):
        directory = Path(dir) if dir else Path(settings.MODEL_STORE_DIR)
        counts = artefacts_import_directory(directory)
        if counts["imported"] or counts["missing"] or counts["mismatched"]:
            self.stdout.write(
                f"Model artefacts from {directory}: {counts['imported']} imported, {counts['present']} "
                f"already stored, {counts['missing']} not found, {counts['mismatched']} refused (checksum)."
            )
