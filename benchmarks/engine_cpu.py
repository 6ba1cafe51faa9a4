"""CPU per check of the diagnosis engine alone, in-process: best of N passes, process time.

Every text of the tuned triage splits (dev ... dev6) goes once per pass through `run_check`, as
`benchmarks/triage.py` sends it (no questions), and through the engine's parts separately: the
complaint layer's `assess`, its term reading `read`, the symptom resolver and the pregnancy and
breastfeeding reader. Process time of the best pass is robust on a shared machine; wall-clock is
not. Each text is read once per pass, so nothing gains from a cache of whole texts.

    .venv/bin/python benchmarks/engine_cpu.py               # best of 5
    .venv/bin/python benchmarks/engine_cpu.py --repeats 9 --split fresh --part run_check

Needs the knowledge base loaded (`manage.py migrate && manage.py load_knowledge_base`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medportal.settings.dev")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

from benchmarks._common import load_average, loaded_snapshot  # noqa: E402
from benchmarks.triage import load_cases as triage_cases  # noqa: E402
from diagnosis.engine.check import run_check  # noqa: E402
from diagnosis.engine.context import pregnancy_and_breastfeeding, tokenise  # noqa: E402
from diagnosis.triage_corpus import case_subject  # noqa: E402

# The six splits the README's per-text CPU figures (2,143 texts) were measured on; kept explicit so
# that a new corpus split does not silently change what those numbers mean.
TUNED = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6")


def load_cases(splits: tuple[str, ...]) -> list[dict]:
    return [case for split in splits for case in triage_cases(split)]


def best_ms(run, count: int, repeats: int) -> float:
    """CPU ms per item of the fastest of `repeats` passes."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best / count * 1000


def per_case(snapshot, model, splits: tuple[str, ...], repeats: int) -> int:
    """Each case's CPU through `run_check` as `benchmarks/triage.py` times it (wall clock there), as the
    best of `repeats` runs of that case, so a busy machine's waits do not count: p50, p99 and max."""
    print(f"CPU ms per check, each case best of {repeats} (process time); load {load_average()}")
    for split in splits:
        times = []
        for case in load_cases((split,)):
            subject = case_subject(case)
            best = float("inf")
            for _ in range(repeats):
                start = time.process_time()
                run_check(snapshot, model, text=case["text"], subject=subject, ask_questions=False)
                best = min(best, time.process_time() - start)
            times.append(best * 1000)
        times.sort()
        p50, p99 = times[len(times) // 2], times[int(0.99 * (len(times) - 1))]
        print(f"{split:8s} n={len(times):4d}  p50 {p50:6.2f}  p99 {p99:6.2f}  max {times[-1]:6.2f}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--split", action="append", help="triage splits (default: the tuned ones)")
    parser.add_argument("--part", action="append", help="only these parts (default: all), e.g. run_check")
    parser.add_argument(
        "--per-case",
        action="store_true",
        help="per split: each case's best-of-N process time through run_check, p50/p99/max (as triage.py's p99)",
    )
    parser.add_argument(
        "--load-sets",
        action="store_true",
        help="the load benchmark's 400 synthetic symptom sets (chips, every fourth as a sentence) instead",
    )
    args = parser.parse_args(argv)
    from diagnosis.engine.predictor import current_model

    snapshot = loaded_snapshot()
    model = current_model(snapshot)
    if args.per_case:
        return per_case(snapshot, model, tuple(args.split or (*TUNED, "heldout", "fresh")), args.repeats)
    if args.load_sets:
        from benchmarks.load import symptom_sets

        # As the API sends them: the names as chips, or the sentence when there is one.
        sets = symptom_sets()
        cases = [{"text": p["text"], "chips": [] if p["text"] else p["names"]} for p in sets]
    else:
        cases = load_cases(tuple(args.split or TUNED))
    subjects = [case_subject(c) for c in cases]
    texts = [c["text"] for c in cases]
    chips = [c.get("chips") or [] for c in cases]
    tokens = [tokenise(". ".join([t, *c])) for t, c in zip(texts, chips, strict=True)]
    catalogue, index = snapshot.complaints, snapshot.index
    run_check(snapshot, model, text=texts[0], chips=chips[0], subject=subjects[0])  # warm
    asks = bool(args.load_sets)  # the API asks its next question; triage.py does not
    parts = {
        "run_check": lambda: [
            run_check(snapshot, model, text=t, chips=c, subject=s, ask_questions=asks)
            for t, c, s in zip(texts, chips, subjects, strict=True)
        ],
        "complaints.assess": lambda: [
            catalogue.assess(". ".join([t, *c]), s) for t, c, s in zip(texts, chips, subjects, strict=True)
        ],
        "complaints.read": lambda: [
            catalogue.read(". ".join([t, *c])) for t, c in zip(texts, chips, strict=True)
        ],
        "resolver.resolve": lambda: [index.resolve(t, c) for t, c in zip(texts, chips, strict=True)],
        "pregnancy_and_breastfeeding": lambda: [pregnancy_and_breastfeeding(t) for t in tokens],
        # Scored only when the rules answered less than emergency (alarm_text.alarm_flag); here every text.
        "alarm_text.probability": lambda: [snapshot.alarm_text.probability(t) for t in texts if t],
    }
    source = "load benchmark symptom sets" if args.load_sets else ", ".join(args.split or TUNED)
    print(f"{len(texts)} texts ({source}); load {load_average()}")
    for name, run in parts.items():
        if args.part and name not in args.part:
            continue
        print(
            f"{name:28s} {best_ms(run, len(texts), args.repeats):7.3f} CPU ms per text (best of {args.repeats})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
