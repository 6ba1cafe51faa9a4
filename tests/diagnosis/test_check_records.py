"""run_check builds its result records with ``check.record`` instead of ``dataclasses.asdict``: the
same dicts (keys, order, values, value types) as fresh containers, for every record the complaint
layer and the red-flag rules make from the triage corpus."""

import json
from collections import namedtuple
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from diagnosis.engine.check import record
from diagnosis.engine.complaints import Subject, catalogue_from_files
from diagnosis.engine.context import Assertion
from diagnosis.engine.triage import FiredRule

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "triage_corpus"


def _same(got, expected) -> None:
    assert got == expected
    assert list(got) == list(expected)  # key order: the stored JSON and the API body keep it
    for key, value in expected.items():
        assert type(got[key]) is type(value)


@pytest.fixture(scope="module")
def assessments():
    catalogue = catalogue_from_files()
    texts = [
        json.loads(line)["text"]
        for path in sorted(CORPUS.glob("dev*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [catalogue.assess(text, Subject(age_years=30, sex="f")) for text in texts[::3]]


def test_records_equal_asdict_on_corpus_assessments(assessments):
    seen = {"complaints": 0, "fired": 0, "findings": 0}
    for assessment in assessments:
        for name in seen:
            for item in getattr(assessment, name):
                got = record(item)
                _same(got, asdict(item))
                seen[name] += 1
                for key, value in got.items():
                    if isinstance(value, list):  # a copy, never the engine's own list
                        assert value is not getattr(item, key)
    assert all(n > 20 for n in seen.values()), seen


def test_record_of_a_fired_rule_and_of_nested_and_unusual_values():
    rule = FiredRule(slug="s", name="N", level="emergency", instruction="Call")
    _same(record(rule), asdict(rule))
    pair = namedtuple("pair", "a b")

    @dataclass
    class Inner:
        words: tuple = ("a", "b")

    @dataclass
    class Outer:
        inner: Inner = field(default_factory=Inner)
        items: list = field(default_factory=lambda: [Inner(), {"k": [1, 2.5, None]}])
        named: pair = pair(1, [2])
        assertion: Assertion = Assertion.NEGATED
        nested: dict = field(default_factory=lambda: {"x": {"y": [True]}})
        other: set = field(default_factory=lambda: {1, 2})

    value = Outer()
    got = record(value)
    _same(got, asdict(value))
    assert type(got["named"]) is pair
    assert got["other"] is not value.other and got["nested"]["x"] is not value.nested["x"]
