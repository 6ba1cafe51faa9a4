import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run_batch(tmp_path, cases) -> list[dict]:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n")
    out = StringIO()
    call_command("recommend", batch=str(path), as_json=True, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_recommend_batch_follows_the_contract(tmp_path):
    lines = run_batch(
        tmp_path,
        [
            {
                "id": 1,
                "condition": "Migraine",
                "profile": {
                    "age": 30,
                    "sex": "f",
                    "pregnant": False,
                    "allergies": ["penicillin"],
                    "conditions": ["asthma"],
                    "medications": ["warfarin"],
                },
            },
            {"id": 2, "condition": "Heart attack (myocardial infarction)"},
            {"id": 3, "condition": "Fungal infection"},
        ],
    )
    assert [line["id"] for line in lines] == [1, 2, 3]
    first = lines[0]
    assert set(first) == {
        "id", "medicines", "withheld", "precautions", "diet", "activity", "emergency", "unrecognised_profile",
    }  # fmt: skip
    assert all(set(m) == {"name", "rx", "drug_class", "reason"} for m in first["medicines"])
    assert "Ibuprofen" not in [m["name"] for m in first["medicines"]]
    assert any(w["name"] == "Ibuprofen" for w in first["withheld"])
    assert lines[1]["emergency"] is True and lines[1]["medicines"] == []
    assert lines[2]["medicines"]
    assert all(line["unrecognised_profile"] == [] for line in lines)


def test_profile_words_that_could_not_be_resolved_are_listed(tmp_path):
    (line,) = run_batch(
        tmp_path,
        [
            {
                "id": "a",
                "condition": "Common cold",
                "profile": {
                    "allergies": ["peanuts", "pcn"],
                    "conditions": ["wobbly knee syndrome", "nursing my baby", "GI bleed"],
                    "medications": ["ventolin", "ozempic pen"],
                },
            }
        ],
    )
    assert line["unrecognised_profile"] == ["peanuts", "wobbly knee syndrome", "ozempic pen"]
    withheld = {w["name"]: w["reason"] for w in line["withheld"]}
    assert "breastfeeding" in withheld["Pseudoephedrine"]  # free text counts
    assert "asthma" in withheld["Ibuprofen"]  # the reliever inhaler means asthma


@pytest.mark.parametrize(
    ("profile", "withheld_for"),
    [
        ({"breastfeeding": True}, "breastfeeding"),
        ({"breastfeeding": "unsure"}, "breastfeeding"),
        ({"breastfeeding": "Unsure"}, "breastfeeding"),
        ({"pregnant": "unsure"}, "pregnancy"),
        ({"conditions": ["12 weeks pregnant"]}, "pregnancy"),
        ({"medications": ["breastfeeding"]}, "breastfeeding"),
    ],
)
def test_pregnancy_and_breastfeeding_are_accepted_as_flags_or_words(tmp_path, profile, withheld_for):
    (line,) = run_batch(tmp_path, [{"id": 1, "condition": "Common cold", "profile": {"age": 30, **profile}}])
    assert "Pseudoephedrine" not in [m["name"] for m in line["medicines"]]
    assert withheld_for in {w["name"]: w["reason"] for w in line["withheld"]}["Pseudoephedrine"]
    assert line["unrecognised_profile"] == []


def test_breastfeeding_false_withholds_nothing_for_it(tmp_path):
    (line,) = run_batch(
        tmp_path, [{"id": 1, "condition": "Common cold", "profile": {"age": 30, "breastfeeding": False}}]
    )
    assert "Pseudoephedrine" in [m["name"] for m in line["medicines"]]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": 1, "condition": "Made-up disease"}', "unknown condition"),
        ('{"id": 1}', "condition"),
        ("nonsense", "line 1"),
        ('{"id": 1, "condition": "Migraine", "profile": {"age": -4}}', "age"),
        ('{"id": 1, "condition": "Migraine", "profile": {"age": Infinity}}', "age"),
        ('{"id": 1, "condition": "Migraine", "profile": {"age": "inf"}}', "age"),
        ('{"id": 1, "condition": "Migraine", "profile": {"age": 1e400}}', "age"),
        ('{"id": 1, "condition": "Migraine", "profile": {"pregnant": "yes"}}', "pregnant"),
        ('{"id": 1, "condition": "Migraine", "profile": {"breastfeeding": "yes"}}', "breastfeeding"),
        ('{"id": 1, "condition": "Migraine", "profile": {"breastfeeding": 1}}', "breastfeeding"),
        ('{"id": 1, "condition": "Migraine", "profile": {"allergies": 7}}', "allergies"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(CommandError, match=message):
        call_command("recommend", batch=str(path), stdout=StringIO())
