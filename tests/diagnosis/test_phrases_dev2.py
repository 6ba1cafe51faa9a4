"""benchmarks/phrases.py, second development set (benchmarks/phrases_corpus/dev2.jsonl).

Ceilings at the tuned values measured on 2026-12-06 (benchmarks/results/phrases.md): a synonym or
resolver change that loses ordinary phrases, reads a trap ("hay fever" as a fever) or adds false
positives shows here. Only dev2's own texts appear in failure messages.
"""

import pytest

from benchmarks.phrases import index_from_files, load_split, measure

MAX_UNRECOGNISED = 13  # of 387 phrases with a labelled symptom (lowered after the dev4 resolver work)
MIN_RIGHT = 371
MIN_PRECISION = 0.99
MAX_TRAPS_READ = 0  # of 59 negative items


@pytest.fixture(scope="module")
def result():
    return measure("dev2", index_from_files())


def test_dev2_unrecognised_stays_within_the_tuned_ceiling(result):
    assert len(result.unrecognised) <= MAX_UNRECOGNISED, [p["text"] for p, _ in result.unrecognised]
    assert result.right >= MIN_RIGHT


def test_dev2_no_trap_is_read(result):
    assert len(result.trapped) <= MAX_TRAPS_READ, [(p["text"], got) for p, got in result.trapped]


def test_dev2_precision_does_not_drop(result):
    assert result.precision >= MIN_PRECISION, [(p["text"], extra) for p, extra in result.false_positives]


def test_dev2_is_a_separate_set_with_negative_items():
    dev2, dev = load_split("dev2"), load_split("dev")
    assert len(dev2) >= 300
    assert not {p["text"].lower() for p in dev2} & {p["text"].lower() for p in dev}
    negatives = [p for p in dev2 if p.get("not_symptoms") or not p["symptoms"]]
    assert len(negatives) >= 40
    assert len({p["id"] for p in dev2}) == len(dev2)
