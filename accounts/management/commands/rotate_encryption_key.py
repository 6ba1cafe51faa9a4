from django.core.management.base import BaseCommand, CommandError

from accounts.services import encryption_keys_rotate
from medportal.encryption import EncryptionKeyError


class Command(BaseCommand):
    help = (
        "Re-encrypt every health-data value with the newest key. Set FIELD_ENCRYPTION_KEY to "
        "'NEW_KEY,OLD_KEY' first; afterwards OLD_KEY can be removed."
    )

    def handle(self, *args, **options):
        try:
            counts = encryption_keys_rotate()
        except EncryptionKeyError as exc:
            raise CommandError(str(exc)) from exc
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS("Rotation complete."))
