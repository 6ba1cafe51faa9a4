from django.core.management.base import BaseCommand

from medportal.text import positive_int
from mlops.loop import retrain


class Command(BaseCommand):
    help = "Run one retrain now (in this process): train a challenger, evaluate on the frozen set, promote if it passes."

    def add_arguments(self, parser):
        parser.add_argument("--algorithm")
        parser.add_argument("--per-disease", type=positive_int)

    def handle(self, *args, algorithm=None, per_disease=None, **options):
        run = retrain(trigger="manual", algorithm=algorithm, per_disease=per_disease)
        self.stdout.write(f"run #{run.pk}: {run.status}: {run.result}")
