"""Under-triage and control escalations left on the tuned corpus splits after their tuning, mended in
the fourteenth round. Each test uses wordings that are in no corpus, with a calm twin that must not
escalate, so a fix is seen to cover its family and not to over-fire."""

from diagnosis.engine.context import duration_days, join_compounds, tokenise
from tests.diagnosis.engine_helpers import below, complaint_slugs, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 45, "sex": "m"}


# NHS "Cellulitis": red, hot, swollen skin that is spreading needs antibiotics the same day.
def test_red_warm_swollen_skin_listed_with_commas_is_a_possible_skin_infection():
    assert level("my shin is red, hot, tender and the red bit is spreading", **ADULT_M) == "urgent"
    assert level("the bite on my leg went red, warm, swollen since yesterday", **ADULT_F) == "urgent"
    assert below(level("graze on my knee is a bit red, healing well, no swelling", **ADULT_M), "urgent")


# NHS "Constipation" and "Bowel obstruction": a swollen tummy with constipation is seen the same day.
def test_constipation_with_a_tummy_a_bit_swollen_is_seen_the_same_day():
    assert level("not pooed for a week and his stomach is slightly distended", **ADULT_M) == "urgent"
    assert level("no poo for 5 days, tummy a bit swollen", **ADULT_F) == "urgent"
    assert level("bit constipated for 3 days, tummy a bit bloated, eating fine", **ADULT_F) == "self_care"


# NHS "High temperature (fever) in children": a fever for 5 days or more needs a GP or 111 today.
def test_a_fever_dated_from_one_weekday_to_another_counts_its_days():
    assert duration_days(tokenise("temp began on tuesday and now it is sunday, still 38.5")) == 5
    assert duration_days(tokenise("started tuesday, by wednesday she was fine")) == 1
    # one weekday alone, a weekday that is not an onset, or the same day twice: no span
    assert duration_days(tokenise("since monday")) is None
    assert duration_days(tokenise("saw the GP on monday and by friday I was better")) is None
    assert duration_days(tokenise("started monday, still going this monday")) is None
    # "sat" and "sun" are words, not days
    assert duration_days(tokenise("started sat on the loo and by sunday it hurt")) is None
    child = {"age_years": 4, "sex": "m"}
    assert level("fever started on wednesday, now it is monday and still 38.9", **child) == "urgent"
    assert below(level("fever started on sunday, by monday it was gone, eating well", **child), "urgent")


# NHS "Self-harm": a cut made on purpose is seen the same day even when it is not deep.
def test_a_cut_with_a_promise_not_to_do_more_is_read_as_self_harm():
    teen = {"age_years": 16, "sex": "m"}
    assert level("cut my arm, only a scratch, not going to do more and I am ok", **teen) == "urgent"
    assert level("I did cut my leg last night but I will not do any more to my legs", **teen) == "urgent"
    assert level("cut my finger chopping onions, not going to do more cooking tonight", **teen) == "self_care"


def test_a_collapsed_lung_is_a_breathing_problem_not_a_person_collapsing():
    assert join_compounds("my lung has collapsed") == "my pneumothorax"
    assert join_compounds("a collapsed lung") == "a pneumothorax"
    assert "hb_collapse_unresponsive" not in complaint_slugs(
        "had a collapsed lung last month, it is fine now"
    )
    assert level("doctor said my left lung collapsed, a bit short of breath", **ADULT_M) == "urgent"
    assert level("he collapsed on the floor and is not breathing", **ADULT_M) == "emergency"
