"""Phrasing families found with dev40 to dev48 (chatbot answers, parents at night, older people and
their children, machine-translated English, written reports, denial checklists; then relatives'
stories in family chats, what-if questions and dated medical histories), all written blind on
2026-12-07. Each test uses wordings that are in no corpus, with a twin that must keep its level."""

from diagnosis.engine.context import denials_said_after
from diagnosis.engine.mentions import without_mentions
from tests.diagnosis.engine_helpers import level, whole_check


def checked(snapshot, text, **subject):
    """The whole check's level (symptom rules and wording net too, not only the complaint layer)."""
    return whole_check(snapshot, text, **subject).triage


def test_a_relatives_finished_story_keeps_what_it_spells_out():
    assert level(
        "My uncle had a stroke in 2018 and his speech went slurred. I have hay fever.", age_years=40
    ) != ("emergency")
    assert level(
        "Nan had meningitis as a girl - a rash that would not fade, a stiff neck. I have a cold"
    ) != ("emergency")
    assert "stiff" not in without_mentions(
        "Gran died of meningitis at 40: rash that didn't fade, stiff neck."
    )
    # not when the story is not finished, or when now comes back into it
    assert (
        level("my uncle has had a stroke, his speech went slurred, I'm with him", age_years=60) == "emergency"
    )
    assert level("Grandad had a stroke in 2018 - now his speech has gone slurred again", age_years=80) == (
        "emergency"
    )
    assert level(
        "My sister had a fit in 2015. She went blue and stopped breathing, what do I do", age_years=30
    ) == ("emergency")


def test_a_denial_said_after_the_finding():
    assert denials_said_after("blood in my wee - nope. burning - yes") == "no blood in my wee. burning - yes"
    assert (
        level("vomiting blood: none at all. just a dodgy tummy since last night", age_years=30) != "emergency"
    )
    assert level("bleeding from the bottom - nope, but loads of black tarry poo and dizzy", age_years=60) == (
        "emergency"
    )
    # a cross mark crosses a line off; the letter x may be a kiss, and a sign of life answered no is absent
    assert level("Checked:\nknocked out ✗\nsick ✗\nconfused ❌\njust a bump on the head", age_years=30) != (
        "emergency"
    )
    assert level("baby floppy x\nnot waking x\nwhat do i do x", age_months=5) == "emergency"
    assert level("is she breathing - no. she fell off the climbing frame", age_years=6) == "emergency"


def test_zero_and_nothing_sudden_deny():
    assert level("zero pain, zero swelling in my testicles, just an itchy groin", age_years=20, sex="m") != (
        "emergency"
    )
    assert level("sudden agony in one testicle, zero warning", age_years=15, sex="m") == "emergency"


def test_a_friend_in_hospital_said_in_the_next_clause():
    assert level(
        "my uncle's friend had a stroke on friday, he is stable in hospital. I have a sore throat"
    ) != ("emergency")
    assert level("my friend had a stroke on friday, he is slurring now and I'm with him") == "emergency"


def test_a_witnessed_event_spelt_out_after_a_dash():
    told = "saw a man collapse in the park last month - he wasn't breathing. I keep thinking about it"
    assert level(told) != "emergency"
    assert level("a man has just collapsed in the park - he isn't breathing") == "emergency"


def test_one_past_episode_dated_at_its_end(snapshot):
    told = "bled from my stomach and threw up blood in 2015. fine now, just a cold"
    assert checked(snapshot, told, age_years=50) != "emergency"
    assert checked(snapshot, "coughing up blood and had TB in 2017", age_years=50) in ("urgent", "emergency")


def test_the_symptom_rules_read_the_same_denials_and_stories(snapshot):
    denied = "Black poo - nope. Blood in poo - none at all. Just constipated"
    assert checked(snapshot, denied, age_years=45) != "emergency"
    story = "My uncle had a stroke in 2016 and his face drooped. I have a cold"
    assert checked(snapshot, story, age_years=40) != "emergency"
    assert checked(snapshot, "my uncle has had a stroke and his face drooped", age_years=70) == "emergency"


def test_the_throats_own_swelling_not_swollen_glands():
    assert level("sore throat and swollen glands in my neck for 3 days", age_years=25) != "emergency"
    assert level("after the prawns my throat is swelling up", age_years=25) == "emergency"


def test_emergencies_in_dev40_to_dev45_wordings():
    # a first fit told with "no known epilepsy" in brackets; "the fit has been going for 7 minutes"
    assert level("Child (9M, no known epilepsy) had a fit at lunch, now drowsy", age_years=9) == "emergency"
    assert level("the fit has been going for 7 minutes", age_years=30) == "emergency"
    # a child and medicines: a count or a volume gone
    assert level("my 2 year old had the calpol, about 40ml gone", age_years=2) == "emergency"
    assert level("found my toddler with grandad's tablets, 3 pills missing", age_years=2) == "emergency"
    # clear water from the nose after a head injury; saddle numbness told as not feeling when wiping
    assert (
        level("banged my head on the car door, clear water dripping from my nose", age_years=30)
        == "emergency"
    )
    assert level("bad back, and I do not feel my bottom when I wipe", age_years=40) == "emergency"
    assert level("coughing blood, not streaks but a lot", age_years=60) == "emergency"
    assert level("she is 2, temp 39.5, cannot keep her awake", age_years=2) == "emergency"
    assert level("20 paracetamol since yesterday for my tooth", age_years=30) == "emergency"


def test_same_day_problems_in_dev40_to_dev45_wordings():
    assert level("my 3 year old has had a fever on and off, it's 6 days now", age_years=3) == "urgent"
    assert level("a band of small blisters round my waist, burning", age_years=58) == "urgent"
    assert level("knee swelled up hot and red overnight, can barely bend it", age_years=60) == "urgent"
    assert level("knee a bit stiff after gardening, not hot, not red, not swollen", age_years=60) in (
        "self_care",
        "gp",
    )


def test_a_relatives_story_told_over_three_clauses(snapshot):
    told = "My gran had a stroke at 80, her mouth drooped and she couldn't talk. I've got a stiff neck from sleeping"
    assert checked(snapshot, told, age_years=55) != "emergency"
    assert checked(
        snapshot, "my gran has had a stroke, her mouth drooped and she can't talk", age_years=80
    ) == ("emergency")


def test_someone_admitted_then_the_writers_own_worry(snapshot):
    told = "My uncle was admitted with a heart attack on Monday and it's left me on edge, can't sleep"
    assert checked(snapshot, told, age_years=45) != "emergency"
    assert checked(
        snapshot, "my uncle was taken in by ambulance and I have crushing chest pain now", age_years=45
    ) == ("emergency")


def test_in_seconds_is_a_headache_word_only_with_a_headache():
    assert level("my 9 month old choked on a grape, coughed it out and was back to normal in seconds") != (
        "emergency"
    )
    assert (
        level("went pale for a moment then pink again in seconds, feeding well", age_months=2) != "emergency"
    )
    assert level("a headache that hit full force within seconds", age_years=45) == "emergency"


def test_what_was_feared_swallowed_was_found():
    assert (
        level("thought he'd swallowed a tablet but I found it behind the radiator", age_years=2)
        != "emergency"
    )
    assert level("thought he'd swallowed a tablet but I found it in his mouth", age_years=2) == "emergency"
    assert (
        level("thought she'd eaten some of my pills but I found them all in the drawer", age_years=3)
        != "emergency"
    )


def test_a_relatives_childhood_as_a_toddler():
    assert level("my brother had febrile convulsions as a toddler, mine has a cold, 37.8", age_years=1) != (
        "emergency"
    )


def test_a_reading_and_a_leg_not_stood_on():
    assert level("she's been 38.4 since last night and won't stand on her right leg", age_years=4) == "urgent"
    assert level("she's been 37.1 since last night, running about on both legs", age_years=4) in (
        None,
        "self_care",
    )


# dev46 to dev48 (relatives' stories in family chats, what-if questions, dated medical histories)


def test_my_own_dated_episode_spelt_out_after_a_dash_or_bracket():
    told = "Had a DVT in 2018 after a flight - calf swollen, red, hot, blood thinners for 6 months. Now: a verruca"
    assert level(told, age_years=50) != "emergency"
    told = "PMH: perforated ulcer 2015 (vomited blood, collapsed, emergency op). Today: a cold sore"
    assert level(told, age_years=60) != "emergency"
    # not when it reaches now, or when it is a comparison
    assert (
        level("Had a DVT in 2018 - calf swollen and hot again since this morning", age_years=50)
        != "self_care"
    )
    assert level("like my clot in 2018: calf swollen and hot, short of breath", age_years=50) == "emergency"


def test_a_relatives_story_dated_without_an_inherited_condition():
    told = (
        "My nephew had sepsis in 2020 - mottled skin, floppy, temp 40. Mine is 4 and has a snotty nose, 37.5"
    )
    assert level(told, age_years=4) != "emergency"
    assert level("My nephew has sepsis - mottled skin, floppy, temp 40", age_years=4) == "emergency"


def test_a_bare_year_after_an_episode_dates_it():
    assert level("Pancreatitis 2019 - agony, vomiting, 5 days in. Now a sprained wrist", age_years=45) != (
        "emergency"
    )


def test_emergencies_inside_what_if_questions():
    assert level(
        "how long is too long? she's been fitting 7 minutes, the midazolam hasn't worked", age_years=8
    ) == ("emergency")
    assert (
        level("how many is too many? he took about 16 paracetamol this morning", age_years=17) == "emergency"
    )
    told = "how long without kicks is too long? 36 weeks and haven't felt him since breakfast"
    assert level(told, age_years=28, sex="f", pregnant=True) == "emergency"
    told = "how many movements a day is normal? 36 weeks, felt him all morning"
    assert level(told, age_years=28, sex="f", pregnant=True) != "emergency"


def test_someone_elses_story_spelt_out_after_a_comma_or_ended_fine():
    told = "My sister was scalded by a pan as a baby, blistered skin all over her arm, weeks in hospital. Me: a sunburn"
    assert level(told, age_years=30) != "emergency"
    told = "My nephew had sepsis last year - mottled, floppy, temp 40 - he's fine now. Mine has a cold, 37.4"
    assert level(told, age_years=3) != "emergency"
    # said without a word that makes it theirs, it stays (it may be the writer's own)
    assert (
        level("Dad died of a heart attack at 60, crushing chest pain and sweating", age_years=58)
        == "emergency"
    )


def test_a_story_spelt_out_after_commas_alone():
    told = "my cousin was scalded as a toddler, peeling skin all over her chest, weeks in the burns unit"
    assert "peeling" not in without_mentions(told)
    assert "peeling" in without_mentions("scalded my arm an hour ago, peeling skin all over it")
