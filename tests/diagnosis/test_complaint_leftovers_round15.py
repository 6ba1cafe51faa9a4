"""GP presentations the ug1 split still answered self-care (or recognised nothing in) after its
first tuning, mended in the fifteenth round. The wordings are in no corpus, and each family has a
calm twin that must stay where it was."""

from diagnosis.engine.context import duration_days, tokenise
from tests.diagnosis.engine_helpers import complaint_slugs, level

ADULT_F = {"age_years": 29, "sex": "f"}
OLDER_M = {"age_years": 71, "sex": "m"}


def test_the_last_month_is_a_duration_but_a_window_or_a_time_point_is_not():
    assert duration_days(tokenise("been bunged up for the last month")) == 30
    assert duration_days(tokenise("cough over the past fortnight")) == 14
    assert duration_days(tokenise("two chest infections in the last year")) is None
    assert duration_days(tokenise("last week I twisted my knee")) is None
    assert duration_days(tokenise("the last time I had this it went")) is None


# NHS "Constipation": constipation lasting weeks needs a GP; NHS "Bowel cancer": a change in your
# poo that lasts 3 weeks or more is a reason to see a GP.
def test_a_bowel_change_told_in_everyday_words_is_a_gp_matter():
    assert level("been more constipated than usual for the past month", **OLDER_M) == "gp"
    assert level("his bowels have changed, flitting between the runs and nothing", **OLDER_M) == "gp"
    assert level("bit constipated since yesterday after a curry", **OLDER_M) == "self_care"


# NHS "Moles": a mole that bleeds or itches is checked by a GP.
def test_a_mole_that_bled_or_itches_after_a_relative_clause_is_checked():
    assert level("there is a mole on my back which has started itching", **OLDER_M) == "gp"
    assert level("the mole by my ear bled on the towel", **ADULT_F) == "gp"
    assert "skin_lump_or_mole" not in complaint_slugs("my moles look the same as ever")


# NHS "Irregular periods": see a GP if periods become irregular, come more often than every 21 days
# or less often than every 35 days.
def test_irregular_or_infrequent_periods_are_a_gp_matter():
    assert level("my periods have been irregular since the summer", **ADULT_F) == "gp"
    teen = {"age_years": 16, "sex": "f"}
    assert level("she has only had two periods since last spring", **teen) == "gp"
    assert level("random question, period pain this month, what helps", **ADULT_F) == "self_care"


# NHS "Blood in urine", "Breast cancer in women", "Unintentional weight loss": each needs a GP.
def test_red_pee_an_inverted_nipple_and_kilos_lost_are_recognised():
    assert "ap_blood_in_urine" in complaint_slugs("peed pink twice today, looked like red wine")
    assert level("my nipple seems to be pulling inwards lately", **ADULT_F) == "gp"
    assert "ev_weight_loss" in complaint_slugs("gone from 70 to 63 kg and not trying")
    assert "ev_weight_loss" not in complaint_slugs("went from 5k to 10k runs this year")


# NHS "Dysphagia (swallowing problems)": food or tablets that stick when swallowing need a GP.
def test_food_or_tablets_sticking_on_the_way_down_is_a_gp_matter():
    assert level("bread keeps sticking halfway down lately", **OLDER_M) == "gp"
    assert level("my pills get stuck and I have to gulp water", **OLDER_M) == "gp"
    assert level("heartburn after a big curry, settled with gaviscon", **ADULT_F) == "self_care"


# Everyday problems that recognised nothing (and so were answered "see a GP"): a mouth full of
# sores, a white furry tongue, a red scabby new tattoo, a nicked finger, a day in the sun.
def test_everyday_problems_in_everyday_words_are_recognised_as_self_care():
    for text, slug in [
        ("his mouth is full of tiny ulcers", "hm_mouth_ulcer"),
        ("tongue looks white and coated this week", "hm_mouth_ulcer"),
        ("fresh tattoo on my arm is a bit sore and crusty", "ev_piercing_problem"),
        ("nicked my thumb on the bread knife, plaster on", "cut_or_wound"),
        ("caught the sun on my neck gardening", "sunburn"),
    ]:
        assert slug in complaint_slugs(text), text
        assert level(text, **ADULT_F) == "self_care", text


# NHS "Mallet finger": a fingertip that will not straighten after a knock is seen the same day.
def test_a_ball_on_the_finger_with_a_tip_that_will_not_straighten_is_seen_today():
    assert level("netball hit my finger and now the tip droops", **ADULT_F) == "urgent"
    assert level("jammed my finger in goal, it is stiff but bends fine", **ADULT_F) == "self_care"


# "not coping" alone is not low mood: the pollen and the weather are not depression.
def test_a_hoarse_voice_and_crying_every_day_are_read_but_not_coping_with_pollen_is_not():
    assert "hm_low_mood" in complaint_slugs("crying every night since the breakup")
    assert "hm_low_mood" not in complaint_slugs("not coping with this heat, sweaty and fed up")
    assert level("lost my speaking voice six weeks ago and it is still gravelly", **OLDER_M) == "gp"


# NHS "Low blood pressure": light-headed on standing again and again, or since a new blood
# pressure tablet, is a GP matter; once after standing up too fast is not.
def test_dizzy_on_standing_again_and_again_is_a_gp_matter():
    assert level("dizzy spells when I get up off the sofa", **ADULT_F) == "gp"
    assert level("dad keeps going dizzy since his new heart tablets", **OLDER_M) == "gp"
    assert level("went dizzy once standing up too fast after the sauna", **ADULT_F) == "self_care"


# Recognised in other words: a back tooth throbbing with a swollen jaw (urgent dentist), bruises
# "coming up" with bleeding gums (a blood test today), ankles "blown up" with breathlessness,
# an ankle gone over at sport and unable to take weight, a blistery band on one side (shingles).
def test_same_day_families_told_in_other_words():
    assert level("molar at the back is killing me and my cheek has swelled up", **ADULT_F) == "urgent"
    assert level("bruises keep turning up on my legs and my gums bleed", **ADULT_F) == "urgent"
    assert level("he is out of puff and his ankles have ballooned", **OLDER_M) == "emergency"
    assert level("went over at football, cannot put weight on it", **ADULT_F) == "urgent"
    assert "shingles" in complaint_slugs("blistering band across my back, one side")
    assert level("my ankles are a bit puffy after the flight, breathing fine", **ADULT_F) == "gp"
