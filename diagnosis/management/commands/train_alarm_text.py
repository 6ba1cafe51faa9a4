"""`manage.py train_alarm_text`: rebuild diagnosis/knowledge_base/alarm_text.npz from the corpus."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diagnosis.alarm_training import alarm_text_train
from diagnosis.engine.alarm_text import MAX_FALSE_RAISE, SHIPPED
from diagnosis.triage_corpus import CORPUS


class Command(BaseCommand):
    help = "Fit the alarm-text safety net on the triage corpus's development sets and write its artefact."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, default=CORPUS)
        parser.add_argument("--out", type=Path, default=SHIPPED)

    def handle(self, *args, corpus: Path, out: Path, **options):
        report = alarm_text_train(corpus=corpus, out=out)
        self.stdout.write(
            f"{report.cases} cases from {', '.join(report.splits)}; corpus {report.fingerprint}"
        )
        self.stdout.write(
            "threshold  rule-missed emergencies raised  non-emergencies falsely raised  (out of set)"
        )
        for threshold, raised, missed, false, non_emergency in report.rows:
            self.stdout.write(f"{threshold:9.2f}  {raised:>5}/{missed:<5}  {false:>5}/{non_emergency}")
        if report.threshold is None:
            raise CommandError(
                f"no threshold keeps false raises under {MAX_FALSE_RAISE:.1%}: artefact not written"
            )
        self.stdout.write(self.style.SUCCESS(f"threshold {report.threshold:.2f}; wrote {out}"))
