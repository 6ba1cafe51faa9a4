"""ConText comparison: our diagnosis/engine/context.py against medspaCy 1.3.1 on the same items.

Issue 14 asked to choose medspaCy or our own ConText and to measure both. The project stays on
Python 3.11 (medspaCy needs 3.12 beside numpy 2), so the comparison runs in two steps over one
shared file of labelled items, `benchmarks/context_items.jsonl` (sentence, target finding, expected
assertion), written before either system was run on it:

    .venv/bin/python benchmarks/context_compare.py ours               # 3.11: our ConText
    .venv-medspacy/bin/python benchmarks/context_compare.py medspacy  # 3.12: medSpaCy, writes the report

`make bench-context` builds the 3.12 venv (requirements/medspacy.txt) and runs both. The first
step writes `benchmarks/results/context_ours.json`; the second reads it and writes
`benchmarks/results/context_compare.md`.

medspaCy is scored twice: with its default ConText rules, and with those rules plus our trigger
lexicon turned into ConTextRules (the lists in context.py, not tuned on these items). Each
system's answer is one label, chosen in the same order for both: family, historical,
hypothetical, negated, uncertain, present.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ITEMS_FILE = ROOT / "benchmarks" / "context_items.jsonl"
OURS_FILE = ROOT / "benchmarks" / "results" / "context_ours.json"
RESULTS_FILE = ROOT / "benchmarks" / "results" / "context_compare.md"
CLASSES = ("present", "negated", "uncertain", "hypothetical", "historical", "family")
NOT_FOUND = "not found"


def load_items(path: Path = ITEMS_FILE) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# --- our ConText -------------------------------------------------------------------------------
_OUR_LABELS = {
    "present": "present",
    "possible": "uncertain",
    "negated": "negated",
    "family": "family",
    "historical": "historical",
    "hypothetical": "hypothetical",
}


def ours_assertion(text: str, target: str) -> str:
    """The label our complaint layer gives `target` in `text`: the target is the only term of a
    one-complaint catalogue, so it goes through the same clauses, answers and triggers as triage."""
    from diagnosis.engine.complaints import ComplaintCatalogue

    catalogue = ComplaintCatalogue.from_dicts(
        [{"slug": "target", "name": "target", "level": "self_care", "terms": [target.lower()]}], {}
    )
    _tokens, hits = catalogue.read(text)
    if not hits:
        return NOT_FOUND
    return _OUR_LABELS[str(hits[0].assertion)]


def score_ours(items: list[dict]) -> tuple[list[str], list[float]]:
    """Labels and milliseconds per item (the catalogue is built outside the timed part)."""
    from diagnosis.engine.complaints import ComplaintCatalogue

    ours_assertion("warm-up: no headache", "headache")  # loads wordfreq once, outside the timing
    labels, times = [], []
    for item in items:
        catalogue = ComplaintCatalogue.from_dicts(
            [{"slug": "target", "name": "target", "level": "self_care", "terms": [item["target"].lower()]}],
            {},
        )
        started = time.perf_counter()
        _tokens, hits = catalogue.read(item["text"])
        times.append((time.perf_counter() - started) * 1000)
        labels.append(_OUR_LABELS[str(hits[0].assertion)] if hits else NOT_FOUND)
    return labels, times


# --- medspaCy ------------------------------------------------------------------------------------
def _medspacy_label(span) -> str:
    if span._.is_family:
        return "family"
    if span._.is_historical:
        return "historical"
    if span._.is_hypothetical:
        return "hypothetical"
    if span._.is_negated:
        return "negated"
    if span._.is_uncertain:
        return "uncertain"
    return "present"


def our_lexicon_rules():
    """Our trigger lexicon (diagnosis/engine/context.py) as medspaCy ConTextRules."""
    from medspacy.context import ConTextRule

    from diagnosis.engine import context as ours

    rules = []

    def add(literal: str, category: str, direction: str, max_scope: int | None = None) -> None:
        rules.append(ConTextRule(literal, category, direction=direction, max_scope=max_scope))

    for word in sorted(ours.NEGATION_WORDS):
        add(word, "NEGATED_EXISTENCE", "FORWARD", ours.NEGATION_WINDOW)
    for word in sorted(ours.PSEUDO_NEGATION_NEXT):
        add(f"not {word}", "PSEUDO", "PSEUDO")
        add(f"n't {word}", "PSEUDO", "PSEUDO")
    for word in ("idea", "improvement", "better", "relief", "change", "longer"):
        add(f"no {word}", "PSEUDO", "PSEUDO")
    for word in sorted(ours.UNCERTAINTY_WORDS) + ["not sure"]:
        add(word, "POSSIBLE_EXISTENCE", "FORWARD")
    for phrase in ours.HISTORY_PHRASES:
        add(" ".join(phrase), "HISTORICAL", "BIDIRECTIONAL")
    for phrase in ours.HYPOTHETICAL_PHRASES:
        add(" ".join(phrase), "HYPOTHETICAL", "FORWARD")
    for phrase in ("runs in", "family history", "in my family", "in the family"):
        add(phrase, "FAMILY", "BIDIRECTIONAL")
    for word in sorted(ours.TERMINATORS):
        add(word, "TERMINATE", "TERMINATE")
    return rules


def _quiet_pyrush() -> None:
    """PyRuSH's sentencizer logs every token at DEBUG through loguru: keep warnings only."""
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="WARNING")


def score_medspacy(items: list[dict], extended: bool) -> tuple[list[str], list[float]]:
    import medspacy
    from medspacy.ner import TargetRule

    _quiet_pyrush()
    nlp = medspacy.load()  # a blank English pipeline: PyRuSH sentences, target matcher, ConText
    if extended:
        nlp.get_pipe("medspacy_context").add(our_lexicon_rules())
    matcher = nlp.get_pipe("medspacy_target_matcher")
    matcher.add([TargetRule(t, "TARGET") for t in sorted({i["target"].lower() for i in items})])
    nlp("warm-up: no headache")
    labels, times = [], []
    for item in items:
        started = time.perf_counter()
        doc = nlp(item["text"])
        times.append((time.perf_counter() - started) * 1000)
        wanted = [e for e in doc.ents if e.text.lower() == item["target"].lower()]
        labels.append(_medspacy_label(wanted[0]) if wanted else NOT_FOUND)
    return labels, times


# --- the report ----------------------------------------------------------------------------------
def accuracy_by_class(items: list[dict], labels: list[str]) -> dict[str, tuple[int, int]]:
    right: Counter = Counter()
    total: Counter = Counter()
    for item, label in zip(items, labels, strict=True):
        total[item["expected"]] += 1
        right[item["expected"]] += label == item["expected"]
    return {c: (right[c], total[c]) for c in CLASSES}


def correct_count(items: list[dict], labels: list[str]) -> int:
    return sum(label == item["expected"] for item, label in zip(items, labels, strict=True))


def _cell(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.0f}%)" if total else "-"


def render(items: list[dict], systems: dict[str, tuple[list[str], list[float]]], env: str) -> str:
    names = list(systems)
    lines = [
        "# ConText comparison: our context.py against medspaCy 1.3.1",
        "",
        f"{len(items)} labelled items (`benchmarks/context_items.jsonl`, written before either system was run",
        "on them: the issue's examples and sentences from the dev triage corpus). Generated by",
        "`make bench-context` (`benchmarks/context_compare.py`). " + env,
        "",
        "| expected | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    per = {name: accuracy_by_class(items, labels) for name, (labels, _t) in systems.items()}
    for c in CLASSES:
        total = per[names[0]][c][1]
        lines.append(f"| {c} (n={total}) | " + " | ".join(_cell(*per[n][c]) for n in names) + " |")
    lines.append(
        f"| **all** (n={len(items)}) | "
        + " | ".join(f"**{_cell(correct_count(items, systems[n][0]), len(items))}**" for n in names)
        + " |"
    )
    lines.append(
        "| ms per sentence (median / mean) | "
        + " | ".join(
            f"{statistics.median(t):.2f} / {statistics.mean(t):.2f}" for _labels, t in systems.values()
        )
        + " |"
    )
    lines += ["", "## Errors", ""]
    for name, (labels, _t) in systems.items():
        wrong = [(i, lab) for i, lab in zip(items, labels, strict=True) if lab != i["expected"]]
        confusions = Counter((i["expected"], lab) for i, lab in wrong)
        lines += [f"### {name}: {len(wrong)} errors", ""]
        lines.append(
            "Confusions (expected → given): "
            + ", ".join(f"{e} → {g} {n}" for (e, g), n in confusions.most_common())
            + "."
        )
        lines += ["", "| id | sentence | target | expected | given |", "|---|---|---|---|---|"]
        for item, label in wrong:
            text = item["text"].replace("|", "/")
            lines.append(f"| {item['id']} | {text} | {item['target']} | {item['expected']} | {label} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def run_ours() -> dict:
    items = load_items()
    labels, times = score_ours(items)
    right = correct_count(items, labels)
    result = {
        "python": sys.version.split()[0],
        "labels": dict(zip([i["id"] for i in items], labels, strict=True)),
        "ms": times,
    }
    OURS_FILE.write_text(json.dumps(result, indent=1) + "\n")
    print(f"ours: {right}/{len(items)} correct; written {OURS_FILE.relative_to(ROOT)}")
    return result


def run_medspacy() -> None:
    import medspacy

    items = load_items()
    if not OURS_FILE.exists():
        sys.exit(f"{OURS_FILE} is missing: run the `ours` step under .venv first")
    ours = json.loads(OURS_FILE.read_text())
    systems: dict[str, tuple[list[str], list[float]]] = {}
    systems["our context.py"] = ([ours["labels"][i["id"]] for i in items], ours["ms"])
    systems["medspaCy default rules"] = score_medspacy(items, extended=False)
    systems["medspaCy + our lexicon"] = score_medspacy(items, extended=True)
    env = (
        f"Ours on Python {ours['python']}; medspaCy {medspacy.__version__} on Python "
        f"{sys.version.split()[0]}, blank English pipeline (PyRuSH sentences), no model downloaded."
    )
    RESULTS_FILE.write_text(render(items, systems, env))
    for name, (labels, times) in systems.items():
        print(
            f"{name}: {correct_count(items, labels)}/{len(items)}, {statistics.median(times):.2f} ms median"
        )
    print(f"written {RESULTS_FILE.relative_to(ROOT)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["ours", "medspacy"])
    args = parser.parse_args(argv)
    if args.step == "ours":
        run_ours()
    else:
        run_medspacy()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
