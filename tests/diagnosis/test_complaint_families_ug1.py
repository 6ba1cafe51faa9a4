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


# NHS "Urinary tract infections": wee that is cloudy or smells, told by a carer or a parent, is a
# possible infection; a man or a child is seen the same day.
def test_cloudy_smelly_wee_and_crying_on_the_potty_are_urine_symptoms():
    assert level("his wee smells awful and he keeps running to the loo", age_years=70, sex="m") == "urgent"
    assert level("she cries when she wees and the wee is cloudy", age_years=3, sex="f") == "urgent"
    assert below(level("wee smells a bit after asparagus for tea", age_years=30, sex="f"), "urgent")


# NICE CG84: a baby under 12 months with D&V is seen the same day.
def test_d_and_v_is_diarrhoea_and_vomiting():
    assert level("D&V since this morning", age_months=9, sex="m") == "urgent"
    assert level("bit of D and V after a takeaway, keeping water down", **ADULT_M) == "self_care"


def test_a_stripe_of_spots_on_one_side_is_shingles():
    assert "shingles" in complaint_slugs("a stripe of red spots round my side, burning")
    assert "shingles" not in complaint_slugs("a stripe of paint on my side from decorating")


def test_something_dropped_on_a_foot_that_cannot_be_walked_on_is_seen_today():
    assert level("dropped a heavy box on my foot and now I cannot walk on it", **ADULT_M) == "urgent"
    # "black and blue" is a bruise: not the blue, cold limb of a cut-off blood supply
    assert level("dropped a slab on my toe, it is black and blue, walking ok", **ADULT_M) != "emergency"
    assert level("after the fall his foot is cold and blue and numb", **ADULT_M) == "emergency"
    # a purple patch on top of a foot after a knock is a bruise; purple toes are not
    assert level("dropped a jar on my foot, a bit purple on top, walking fine", **ADULT_M) == "self_care"
    assert level("trapped my foot under the car, purple toes, cannot feel them", **ADULT_M) == "emergency"


# NHS "Sudden confusion (delirium)": seeing people who are not there or talking nonsense, newly.
def test_delirium_told_by_what_the_person_sees_and_says():
    older = {"age_years": 86, "sex": "f"}
    assert level("mum keeps seeing children who are not there and talks nonsense", **older) == "emergency"
    assert below(level("mum talks about the children who visited, happy and chatty", **older), "urgent")
    assert (
        level("my nan sees people in her room who are not there and talks nonsense", **older) == "emergency"
    )
    # seeing things alone is psychosis (same day), not delirium, in a young adult
    assert level("I keep seeing people in my flat who are not there", age_years=24, sex="m") == "urgent"


# NICE CKS "Drug allergy": a rash after a medicine the doctor put someone on is checked today.
def test_a_rash_after_being_put_on_a_medicine_is_a_new_medicine_rash():
    assert level("the GP put me on nitrofurantoin and now I have a red rash all over", **ADULT_F) == "urgent"


# NHS "Help for suicidal thoughts", "Self-harm": a wish not to exist, or self-harm with a sharp thing.
def test_a_wish_not_to_exist_and_scratching_with_a_blade_are_mental_health_emergencies_of_today():
    teen = {"age_years": 15, "sex": "f"}
    assert level("she said she wishes she could vanish forever", **teen) == "urgent"
    assert level("I think he has been scratching with a compass, his arms are marked", **teen) == "urgent"
    assert below(level("she wishes she could visit her gran more often", **teen), "urgent")


# NICE NG19 "Diabetic foot problems": an infected-looking foot sore with diabetes, within a working day.
def test_a_red_warm_foot_sore_with_diabetes_is_seen_today():
    assert level("type 2 diabetic, blister on my foot gone red and warm", age_years=64, sex="m") == "urgent"
    assert level("blister on my heel from new boots, clean and healing", age_years=64, sex="m") == "self_care"


# NHS "High blood sugar (hyperglycaemia)": a meter or sensor reading high, in mmol/L, is for 111 or the
# diabetes team today; a blood pressure or heart-rate monitor's numbers are not sugar readings.
def test_a_glucose_meter_or_sensor_reading_high_is_high_blood_sugar():
    assert level("libre showing 17.2 all day and I feel rough", **ADULT_F) == "urgent"
    assert level("my meter keeps saying 22, got a cold", **ADULT_M) == "urgent"
    assert "hb_high_blood_sugar" not in complaint_slugs("BP monitor says 150 over 90")
    assert "hb_high_blood_sugar" not in complaint_slugs("meter says 6.2 this morning, all good")


# NICE CG103 "Delirium": an older person suddenly much less able to stand or walk is seen the same day.
def test_an_older_person_suddenly_unable_to_stand_or_walk_is_seen_today():
    older = {"age_years": 83, "sex": "m"}
    assert level("grandad cannot stand without help since this morning", **older) == "urgent"
    assert level("she is barely getting from the bed to the commode now", age_years=90, sex="f") == "urgent"
    # the same words from a younger person recovering from an operation are not this
    assert level("after my knee op I cannot stand without help yet", age_years=40, sex="m") is None
