"""Phrasing families found with ug1 (same-day and GP presentations told casually, written blind on
2026-12-07). Each test uses wordings that are in no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, complaint_slugs, level

ADULT_F = {"age_years": 35, "sex": "f"}
ADULT_M = {"age_years": 45, "sex": "m"}
CHILD = {"age_years": 6, "sex": "m"}


# NHS "Suicide": someone who says they are going somewhere high "to end it" needs 999 now.
def test_going_to_a_high_place_to_end_it_is_an_emergency():
    assert level("my friend says she is heading to the cliffs tonight to end it", **ADULT_F) == "emergency"
    assert below(level("we are heading to the cliffs tonight to see the sunset", **ADULT_F), "urgent")


# NHS "Animal and human bites": a knuckle cut on someone's teeth (a fight bite) is seen the same day.
def test_a_knuckle_caught_on_teeth_is_a_human_bite():
    assert level("split my knuckle on his front teeth in a fight, it is swollen now", **ADULT_M) == "urgent"
    assert below(level("split my knuckle on the door frame, a small graze", **ADULT_M), "urgent")


# NHS "Quinsy": one side of the throat much bigger, pushing the uvula over, is seen the same day.
def test_a_throat_swollen_on_one_side_pushing_the_uvula_over_is_seen_the_same_day():
    assert (
        level("sore throat and the dangly bit at the back is pushed over to the right", **ADULT_F) == "urgent"
    )
    assert level("throat agony, one side is massive, hurts to swallow", **ADULT_F) == "urgent"
    assert level("sore throat for two days, both sides a bit red, eating fine", **ADULT_F) == "self_care"


# NICE CKS "Limp in children" and NHS "Sprains": a child who will not put a leg down is seen today.
def test_a_child_who_wakes_limping_or_will_not_put_a_leg_down_is_seen_today():
    assert level("she woke up limping and will not put her leg down", **CHILD) == "urgent"
    assert level("twisted my ankle and now I cannot put my foot down at all", **ADULT_M) == "urgent"
    assert below(level("slight limp after football, walking on it fine", **CHILD), "urgent")


def test_smudgy_vision_with_a_red_eye_is_changed_vision():
    assert level("red sore eye and my vision has gone smudgy", **ADULT_F) == "emergency"
    assert below(level("red itchy eye, vision fine, bit of crust in the morning", **ADULT_F), "urgent")


# NHS "Dental abscess": a swelling by a tooth with a bad taste needs urgent dental help today.
def test_a_swelling_by_a_back_tooth_with_a_bad_taste_needs_dental_help_today():
    assert level("gum swollen up around my back tooth and it tastes horrible", **ADULT_M) == "urgent"
    assert "hm_toothache" in complaint_slugs("cheek puffed up near my wisdom tooth")
    assert below(level("bit of sensitivity on a back tooth with cold drinks", **ADULT_M), "urgent")


# NHS "Intrahepatic cholestasis of pregnancy": itchy palms and soles in pregnancy need the midwife today.
def test_itchy_hands_and_feet_in_pregnancy_need_the_midwife_today():
    pregnant = {"age_years": 30, "sex": "f", "pregnant": True}
    assert level("really itchy palms and feet at night, no rash", **pregnant) == "urgent"
    assert below(level("really itchy palms and feet at night, no rash", **ADULT_F), "urgent")


# NHS "Addison's disease" and steroid emergency cards: being sick on daily steroids needs help today.
def test_vomiting_or_diarrhoea_on_daily_steroids_needs_help_today():
    assert level("been sick 3 times today, I take hydrocortisone every day", **ADULT_F) == "urgent"
    assert level("diarrhoea since this morning and I am on prednisolone", **ADULT_M) == "urgent"
    assert level("diarrhoea since this morning after a curry, drinking fine", **ADULT_M) == "self_care"


# NHS "Sudden hearing loss": hearing lost over a day is seen urgently.
def test_most_hearing_lost_over_the_last_day_is_sudden():
    assert level("lost most of my hearing in one ear over the last day", **ADULT_M) == "urgent"
    assert level("lost some hearing since lunchtime yesterday, no pain", **ADULT_M) == "urgent"
    assert below(level("hearing a bit muffled for months, probably wax", **ADULT_M), "urgent")


def test_a_fever_from_a_named_weekday_to_today_named_by_its_day():
    assert level("temperature since last thursday, it is tuesday now, still 38.4", **CHILD) == "urgent"
    assert below(level("temperature since thursday, its friday now, playing well", **CHILD), "urgent")


# ConText "experiencer: other", "historical" and "hypothetical", from ug1's controls.
def test_someone_elses_illness_a_past_year_a_past_episode_and_reading_up_are_not_findings():
    assert below(level("my colleague's stroke last month really shook me, I am fine", **ADULT_M), "urgent")
    assert level("my colleague is having a stroke, her face has dropped", **ADULT_M) == "emergency"
    assert below(level("back in 2018 I took an overdose, well now, asking about sleep", **ADULT_F), "urgent")
    assert below(level("couple of weeks ago I had chest pain, all checked and normal", **ADULT_M), "urgent")
    assert level("2 weeks ago I had chest pain and now it is crushing", **ADULT_M) == "emergency"
    assert below(
        level("reading about sepsis, what is the difference between sepsis and flu?", **ADULT_F), "urgent"
    )
    assert (
        level("reading about sepsis, my dad is confused, mottled and breathing fast", **ADULT_F)
        == "emergency"
    )
