from django.core.management import call_command
from django.core.management.base import BaseCommand

from diagnosis.engine.algorithms import DEFAULT_ALGORITHM
from mlops.selectors import champion_version


class Command(BaseCommand):
    help = "Train and promote the default model if no champion is registered (used by `make run`)."

    def handle(self, *args, **options):
        champion = champion_version()
        if champion is not None:
            self.stdout.write(f"Champion model: {champion.label}.")
            return
        self.stdout.write(
            "No champion model yet: training the default algorithm on synthetic knowledge-base cases..."
        )
        call_command("train_models", algorithms=DEFAULT_ALGORITHM, promote=True, stdout=self.stdout)
