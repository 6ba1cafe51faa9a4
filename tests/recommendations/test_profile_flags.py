"""Free-text profile entries that mean pregnancy or breastfeeding: a pure function, no database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from diagnosis.engine.profile_words import profile_flags_from_words, profile_lexicon
from recommendations.safety import safety_facts_validate

KB = Path(__file__).resolve().parents[2] / "diagnosis" / "knowledge_base"


@pytest.mark.parametrize(
    "entry",
    [
        "I'm pregnant",
        "pregnant",
        "Pregnant",
        "possibly pregnant",
        "might be pregnant",
        "not sure if I'm pregnant",
        "12 weeks pregnant",
        "pregnancy - 20 weeks",
        "expecting",
        "trying for a baby",
        "trying to conceive",
        "IVF",
        "pregant",  # misspelt
        "preggers",
    ],
)
def test_words_that_mean_pregnant_set_the_pregnancy_flag(entry):
    assert profile_flags_from_words([entry]) == (True, False)


@pytest.mark.parametrize(
    "entry",
    [
        "breastfeeding",
        "breast feeding",
        "Breast-feeding",
        "nursing my baby",
        "nursing",
        "bf my 3 month old",
        "chestfeeding",
        "brestfeeding",  # misspelt
        "expressing milk",
        "breastfeeding (6 month old)",
    ],
)
def test_words_that_mean_breastfeeding_set_the_breastfeeding_flag(entry):
    assert profile_flags_from_words([entry]) == (False, True)


@pytest.mark.parametrize(
    "entry",
    [
        "not pregnant",
        "I'm not pregnant",
        "never been pregnant",
        "pregnant: no",
        "no longer breastfeeding",
        "stopped breastfeeding last year",
        "not pregnant or breastfeeding",
        "lives in a nursing home",
        "asthma",
        "hay fever",
        "lactose intolerant",
        "prednisolone",
        "",
    ],
)
def test_denials_and_other_words_set_no_flag(entry):
    assert profile_flags_from_words([entry]) == (False, False)


def test_a_denial_covers_only_its_own_part_of_an_entry():
    assert profile_flags_from_words(["not pregnant, breastfeeding"]) == (False, True)
    assert profile_flags_from_words(["asthma", "not pregnant", "nursing my baby"]) == (False, True)


def test_a_hedge_wins_over_a_denial():
    # Conservative: "I don't think I'm pregnant" may be wrong, so it counts.
    assert profile_flags_from_words(["I don't think I'm pregnant"]) == (True, False)


def test_the_words_come_from_the_lexicon_passed_in():
    lexicon = profile_lexicon({"pregnancy_words": ["enceinte"], "breastfeeding_words": ["allaitement"]})
    assert profile_flags_from_words(["enceinte", "allaitement"], lexicon) == (True, True)
    assert profile_flags_from_words(["pregnant"], lexicon) == (False, False)


def test_the_shipped_vocabulary_holds_the_words_and_safety_facts():
    vocabulary = yaml.safe_load((KB / "vocabulary.yaml").read_text())
    medicines = yaml.safe_load((KB / "medicines.yaml").read_text())
    assert safety_facts_validate(vocabulary, medicines) == []


def test_safety_facts_validate_names_the_problems():
    vocabulary = {
        "profile_conditions": {"asthma": {}},
        "drug_classes": {"beta2_agonist": {"implies_conditions": ["asthma", "wobbly_knees"]}},
        "pregnancy_words": ["pregnant"],
        "breastfeeding_words": [],
        "flag_denials": ["not", False],  # an unquoted `no` in YAML is False
        "flag_hedges": ["maybe"],
    }
    errors = safety_facts_validate(vocabulary, [{"slug": "x", "breastfeeding": "fine"}])
    assert any("wobbly_knees" in e for e in errors)
    assert any("medicine x: breastfeeding" in e for e in errors)
    assert any(e.startswith("breastfeeding_words") for e in errors)
    assert any(e.startswith("flag_denials") for e in errors)


def test_importable_and_usable_without_django_settings_or_a_database():
    """The diagnosis engine will call it: importing it must not need settings, the ORM or the database."""
    code = (
        "import json, sys\n"
        "from diagnosis.engine.profile_words import profile_flags_from_words\n"
        "flags = profile_flags_from_words(['12 weeks pregnant', 'nursing my baby'])\n"
        "print(json.dumps([flags, 'django.db.models' in sys.modules]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == [[True, True], False]
