from django.core.management.base import BaseCommand, CommandError

from diagnosis.engine.algorithms import ALGORITHMS, BASELINE_ALGORITHM
from diagnosis.selectors import current_snapshot
from medportal.text import positive_int
from mlops.gates import frozen_cases, frozen_set_ensure
from mlops.services import PromotionRefused, model_version_promote
from mlops.training import (
    TooFewCases,
    build_dataset,
    case_key,
    refit_candidate,
    register_candidate,
    select_candidate,
    train_candidate,
)


class Command(BaseCommand):
    help = (
        "Train and evaluate the candidate algorithms on held-out partial presentations, refit the selected "
        "one on all training data, register it, optionally promote it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", choices=["kb", "imported", "all"], default="kb")
        parser.add_argument(
            "--algorithms",
            default=",".join(ALGORITHMS),
            help=f"comma-separated subset of {', '.join(ALGORITHMS)}",
        )
        parser.add_argument(
            "--per-disease", type=positive_int, default=None, help="synthetic cases per condition"
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--promote",
            action="store_true",
            help="make the best version the champion if it passes every promotion gate",
        )

    def handle(self, *args, source, algorithms, per_disease, seed, promote, **options):
        chosen = [a.strip() for a in algorithms.split(",") if a.strip()]
        unknown = [a for a in chosen if a not in ALGORITHMS]
        if unknown or not chosen:
            raise CommandError(f"unknown algorithm(s): {', '.join(unknown) or '(none given)'}")
        snapshot = current_snapshot()
        if not snapshot.diseases:
            raise CommandError(
                "the knowledge base is empty: run `python manage.py load_knowledge_base` first"
            )
        kwargs = {"per_disease": per_disease} if per_disease else {}
        if promote:
            # The gates judge on the frozen set: no case of it may be trained on.
            frozen_set_ensure(snapshot)
            kwargs["exclude_keys"] = {case_key(c) for c in frozen_cases()[0]}
        try:
            dataset = build_dataset(snapshot, source=source, seed=seed, **kwargs)
        except TooFewCases as exc:
            raise CommandError(f"source '{source}' has too few labelled cases to train on: {exc}") from exc
        n_eval = sum(len(v) for v in dataset.evaluation.values())
        self.stdout.write(
            f"Data ({'synthetic' if source == 'kb' else source}): {len(dataset.train)} training cases after removing "
            f"{dataset.duplicates_removed} duplicates; {n_eval} held-out partial presentations (1-5 symptoms), "
            f"{dataset.dropped_as_seen} dropped as identical to a training row. Fingerprint {dataset.fingerprint[:12]}."
        )
        if dataset.imported_evaluation and BASELINE_ALGORITHM not in chosen:
            chosen.append(BASELINE_ALGORITHM)  # the baseline an imported dataset's model must reach
        candidates = self._train_and_report(chosen, dataset, snapshot, seed)
        best, why = select_candidate(candidates, dataset)
        final = refit_candidate(best, dataset, snapshot, seed=seed)
        best_mv = register_candidate(final, dataset, snapshot)
        refit = final.metrics.get("refit", {})
        self.stdout.write(
            f"Selected {why}. Refit on {refit.get('patients', len(dataset.train))} training and selection "
            f"rows ({refit.get('rows', '?')} presentations) and registered as v{best_mv.version}."
        )
        if promote:
            try:
                model_version_promote(
                    model_version=best_mv,
                    reason=f"train_models --promote: selected of {len(candidates)} on held-out partial presentations",
                )
            except PromotionRefused as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.SUCCESS(f"Promoted v{best_mv.version} to champion (every gate passed).")
            )

    def _train_and_report(self, chosen, dataset, snapshot, seed):
        """Train each algorithm and print its held-out row (and imported-data scores when there are any)."""
        header = f"{'algorithm':<20}{'top1':>7}{'top3':>7}{'prec':>7}{'recall':>7}{'F1':>7}{'brier':>7}{'ECE':>7}{'train s':>9}{'ms/pred':>9}"
        if dataset.imported_evaluation:
            header += f"{'imp top1':>10}{'imp top3':>10}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        candidates = []
        for algorithm in chosen:
            candidate = train_candidate(algorithm, dataset, snapshot, seed=seed)
            candidates.append(candidate)
            m = candidate.metrics
            line = (
                f"{algorithm:<20}{m['top1']:>7.3f}{m['top3']:>7.3f}{m['precision']:>7.3f}{m['recall']:>7.3f}"
                f"{m['f1']:>7.3f}{m['brier']:>7.3f}{m['ece']:>7.3f}{m['train_seconds']:>9.1f}{m['predict_ms']:>9.2f}"
            )
            if "imported" in m:
                line += f"{m['imported']['top1']:>10.3f}{m['imported']['top3']:>10.3f}"
            self.stdout.write(line)
        return candidates
