"""Phrasing families the rules did not name and only the old wording net caught: when the net was
retrained with dev9 to dev21 (2026-12-07) it no longer raised these development cases, so rules now
name them. Each test uses wordings that are in no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

ADULT_F = {"age_years": 30, "sex": "f"}


def test_blistering_skin_after_a_medicine_bought_from_a_chemist():
    assert (
        level(
            "bought tablets from the pharmacy for hay fever and now my neck and back have blistered and it stings",
            **ADULT_F,
        )
        == "emergency"
    )
    # Peeling is also how sunburn heals: a shop medicine beside it is not a drug reaction.
    assert (
        level(
            "my back is peeling after sunburn last week, took tablets from the chemist for hay fever",
            **ADULT_F,
        )
        != "emergency"
    )
    assert (
        level(
            "got some tablets from the chemist for my cold, my heel has a blister from new shoes", **ADULT_F
        )
        != "emergency"
    )


def test_something_still_felt_in_the_eye_after_rinsing():
    assert not below(
        level(
            "grit went in her eye on the beach, we washed it out but she says it still feels like somethings there",
            age_years=6,
        ),
        "urgent",
    )
    assert below(
        level("sand in his eye yesterday, we rinsed it out and now it feels fine", age_years=6), "urgent"
    )
