"""Each app validates and loads its own part of the knowledge base; the loader runs the sections."""

from __future__ import annotations

import copy

import pytest

from diagnosis import kb_loader
from diagnosis.kb_loader import KnowledgeBaseFiles, Section, read_files, sections, validate_diagnosis
from diagnosis.models import KnowledgeBaseVersion
from recommendations import kb as recommendations_kb


@pytest.fixture(scope="module")
def files() -> KnowledgeBaseFiles:
    return read_files()


def test_the_sections_are_diagnosis_then_recommendations():
    assert [s.name for s in sections()] == ["diagnosis", "recommendations"]


def test_the_shipped_files_pass_both_sections(files):
    assert validate_diagnosis(files) == []
    assert recommendations_kb.validate(files) == []


def test_a_medicine_problem_is_recommendations_and_a_symptom_problem_diagnosis(files):
    broken = copy.deepcopy(files)
    broken.medicines[0]["drug_class"] = "no_such_class"
    broken.conditions[0]["symptoms"][0]["symptom"] = "no_such_symptom"
    medicine = f"medicine {broken.medicines[0]['slug']}: unknown drug_class no_such_class"
    symptom = f"condition {broken.conditions[0]['slug']}: unknown symptom no_such_symptom"
    assert medicine in recommendations_kb.validate(broken) and medicine not in validate_diagnosis(broken)
    assert symptom in validate_diagnosis(broken) and symptom not in recommendations_kb.validate(broken)
    assert kb_loader.validate(broken).index(symptom) < kb_loader.validate(broken).index(medicine)


def test_advice_rules_are_recommendations(files):
    broken = copy.deepcopy(files)
    emergency = next(c for c in broken.conditions if c["default_triage"] == "emergency")
    emergency["medicines"] = [{"medicine": broken.medicines[0]["slug"], "reason": "x"}]
    broken.conditions[1]["diet"] = ["just one"]
    errors = recommendations_kb.validate(broken)
    assert f"condition {emergency['slug']}: emergency conditions must not list self-care medicines" in errors
    assert f"condition {broken.conditions[1]['slug']}: needs at least 4 diet" in errors
    assert validate_diagnosis(broken) == []


@pytest.mark.django_db
def test_load_runs_every_section_in_order_in_one_version(monkeypatch):
    calls = []

    def section(name, counts):
        def load(files):
            calls.append(name)
            return counts

        return Section(name=name, validate=lambda files: [], load=load)

    monkeypatch.setattr(
        kb_loader, "sections", lambda: [section("first", {"a": 1}), section("second", {"b": 2})]
    )
    versions = KnowledgeBaseVersion.objects.count()
    files = KnowledgeBaseFiles([], [], [], {}, [], content_hash="not-loaded-before")
    result = kb_loader.load(files)
    assert calls == ["first", "second"]
    assert result.changed and result.counts == {"a": 1, "b": 2}
    assert KnowledgeBaseVersion.objects.count() == versions + 1
