"""Phrasing families found with dev11 (controls with emergency twins and same-day problems asked in
a calm, pharmacy-seeking voice, written blind on 2026-12-07). Each test uses wordings that are in no
corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, complaint_slugs, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 45, "sex": "m"}
TODDLER = {"age_years": 2, "sex": "f"}


# NHS "Help for suicidal thoughts": wanting to be dead with the means at hand.
def test_wanting_to_be_dead_on_a_bridge_is_an_emergency():
    assert level("want to be dead, I am on the bridge and cannot stop myself", **ADULT_M) == "emergency"
    assert "hm_suicidal_thoughts" in complaint_slugs("some days I want to be dead")
    assert below(level("walked over the bridge to work, legs tired", **ADULT_M), "urgent")


# Same-day problems asked as if for the pharmacy.
def test_same_day_problems_asked_calmly_are_urgent():
    assert level("had my hip replaced a week ago, wound is leaking and warm", **ADULT_F) == "urgent"
    assert level("stopped my prednisolone suddenly, now weak and dizzy", **ADULT_F) == "urgent"
    assert level("my little girl's eyelid is red and puffy, what drops?", **TODDLER) == "urgent"
    assert level("had a tooth pulled 3 days ago, now agony, any gel?", **ADULT_M) == "urgent"
    assert level("chipped my front tooth, there is a pink spot showing", **ADULT_M) == "urgent"
    assert level("calf is sore and a bit puffy since my operation", **ADULT_F) == "urgent"
    assert level("got a tattoo last week, hot and oozing now", **ADULT_F) == "urgent"
    older = {"age_years": 84, "sex": "f"}
    assert level("mum has had 3 falls this week, wobbly", **older) == "urgent"
    pregnant = {"age_years": 28, "sex": "f", "pregnant": True}
    assert level("being sick all day, cannot even keep water down, 11 weeks", **pregnant) == "urgent"


def test_their_calm_twins_stay_below_urgent():
    assert below(level("had my hip replaced last year, scar looks fine", **ADULT_F), "urgent")
    assert below(level("my little girl's eyelid has a small stye, no redness", **TODDLER), "urgent")
    assert below(level("got a tattoo last week, healing nicely", **ADULT_F), "urgent")
    assert below(level("holiday tummy, keeping fluids down fine", **ADULT_F), "urgent")


# ConText from dev11's controls: something read or watched, googling, an episode last Tuesday.
def test_things_read_or_watched_and_an_episode_last_tuesday_are_not_findings():
    assert level("saw a video about meningitis rash on tiktok, kids fine", **ADULT_F) != "emergency"
    assert level("watched a show where a man had a stroke, scary", **ADULT_F) != "emergency"
    assert level("whats the first aid for a burn from a kettle?", **ADULT_F) != "emergency"
    assert level("keep googling heart attack symptoms, no pain at all", **ADULT_F) != "emergency"
    assert "hb_chest_pain" not in complaint_slugs("had chest pain last tuesday, A&E said muscular")
    assert "hb_chest_pain" in complaint_slugs("chest pain since last tuesday, getting worse")


# NHS "Stretch marks", "Nail problems", "Smelly urine", "Your baby's nappies": common and harmless,
# so self-care instead of "see a GP" for words nothing recognised; with pain or a fever, a GP.
def test_common_harmless_changes_are_self_care_unless_a_warning_sign_comes_with_them():
    for text in [
        "got stretch marks on my hips after a growth spurt",
        "tiny white spots on his fingernails, is that normal",
        "wee smells odd after asparagus at dinner",
        "breastfed baby, poo is yellow and seedy",
    ]:
        assert "ev_harmless_body_changes" in complaint_slugs(text), text
        assert level(text, **ADULT_F) == "self_care", text
    assert level("white marks on my nails and the nail is lifting and sore", **ADULT_F) == "gp"
    assert level("stretch marks and a fever", **ADULT_F) != "self_care"
