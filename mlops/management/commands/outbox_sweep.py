from django.core.management.base import BaseCommand

from mlops.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Publish queued tasks that could not be sent while the broker was down."

    def handle(self, *args, **options):
        result = outbox_sweep()
        self.stdout.write(f"sent {result['sent']}, still pending {result['pending']}")
