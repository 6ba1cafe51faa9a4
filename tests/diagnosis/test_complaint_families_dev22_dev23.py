"""Phrasing families found with dev22 (people who play it down, and long stories with the deciding
fact buried) and dev23 (young people's texting voice, and messages relayed by someone else), both
written blind on 2026-12-07. Each test uses wordings that are in no corpus, with a calm twin that
must not escalate."""

from tests.diagnosis.engine_helpers import below, level

PREGNANT = {"age_years": 29, "sex": "f", "pregnant": True}


def test_baby_moving_less_told_in_passing_or_in_shorthand():
    assert level(
        "sorry to be a pain, her kicks have been much weaker since yesterday, 31 weeks", **PREGNANT
    ) == ("emergency")
    assert level(
        "is it normal for the kicks to slow right down at 36 weeks? barely any tonight", **PREGNANT
    ) == ("emergency")
    assert level("32 wks. normally loads of kicks after dinner, today just 1 all evening", **PREGNANT) == (
        "emergency"
    )
    assert level("movements quieter n fewer since this morning, 30 weeks", **PREGNANT) == "emergency"
    assert level("28 weeks and kicking loads today, is it ok to eat brie?", **PREGNANT) != "emergency"
    assert (
        level("what counts as a change in movements? 26 weeks and he never stops", **PREGNANT) != "emergency"
    )


def test_a_fall_onto_the_side_of_the_head_then_sick():
    assert level(
        "he fell off the trampoline onto the back of his head and has been sick twice", age_years=6
    ) == ("emergency")
    assert below(
        level("he fell off the trampoline onto his bottom, cried, then carried on playing", age_years=6),
        ("urgent"),
    )


def test_half_the_sight_gone_told_in_a_long_story():
    assert (
        level(
            "we were at the garden centre and suddenly I could not see a thing out of the right side, my arm felt heavy",
            age_years=70,
            sex="m",
        )
        == "emergency"
    )
    assert level(
        "could not see a thing in the fog on the drive home, just a bit tired now", age_years=70
    ) != ("emergency")


def test_shingles_hearing_and_kidney_signs_told_briefly():
    assert not below(
        level("tingling ribs for 3 days, now blistering spots on that side only", age_years=66), "gp"
    )
    assert (
        level("woke up and lost hearing in my left ear overnight, is that normal?", age_years=45) == "urgent"
    )
    assert level(
        "my dad says his wee stings and he is shivery with pain in his back", age_years=70, sex="m"
    ) in (
        "urgent",
        "emergency",
    )
    assert below(level("my dad's wee is fine, he just has a runny nose", age_years=70, sex="m"), "urgent")


def test_shorthand_for_something_in_the_eye():
    assert level("sth in my eye since using the angle grinder, cant get it out", age_years=35, sex="m") == (
        "emergency"
    )


def test_questions_and_stories_that_are_not_happening_now():
    assert level("how would i even know if my baby had sepsis? shes fine, just reading up", age_years=1) != (
        "emergency"
    )
    assert (
        level("choked on some water laughing at the telly, fine now just a tickly cough", age_years=20)
        != "emergency"
    )
    assert level("choked on a sweet and he is not fine now, cannot breathe", age_years=6) == "emergency"
    assert level(
        "my friend had a fit at uni last term, the nurse sorted it, what should I do next time?", age_years=19
    ) != ("emergency")
