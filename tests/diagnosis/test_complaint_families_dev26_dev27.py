"""Phrasing families found with dev26 (writers who have already decided it is something harmless)
and dev27 (readings from home devices and counts carry the deciding fact), both written blind on
2026-12-07. Each test uses wordings that are in no corpus, with a calm twin that must not escalate."""

from tests.diagnosis.engine_helpers import below, level

PREGNANT = {"age_years": 31, "sex": "f", "pregnant": True}


def test_movements_told_as_a_count_or_a_change():
    assert (
        level("33 weeks, kick count 2 in 3 hours, normally get 10 in half an hour", **PREGNANT) == "emergency"
    )
    assert level(
        "probably nothing but 36 weeks and he has gone from kicking loads to almost nothing", **PREGNANT
    ) == ("emergency")
    assert level("30 weeks, now only the odd flutter since breakfast", **PREGNANT) == "emergency"
    assert level("33 weeks, kick count done, 10 in 15 minutes as usual", **PREGNANT) != "emergency"


def test_a_blow_to_the_head_named_by_what_hit_it():
    assert (
        level("just a bang from the car boot, but I've been sick and feel drowsy", age_years=40)
        == "emergency"
    )
    assert level("ladder rung to the head at work, now my arm feels weak", age_years=40) == "emergency"
    assert (
        level("just a bump from the cupboard door on my shin, bit of a bruise", age_years=40) != "emergency"
    )


def test_bleeding_and_fluid_told_by_what_is_seen():
    assert (
        level("probably piles, but the toilet water was bright red again just now", age_years=45)
        == "emergency"
    )
    assert level(
        "took an elbow to the head at rugby, now clear watery stuff is running out my nose", age_years=20
    ) == ("emergency")
    assert level("hay fever, clear watery stuff running out my nose all day", age_years=20) != "emergency"


def test_a_whole_supply_taken_and_a_limb_that_is_not_theirs():
    assert level(
        "dad took the whole month of tablets from his pill box by mistake", age_years=82, sex="m"
    ) == ("emergency")
    assert level("my right arm feels like it belongs to someone else since 10 mins ago", age_years=60) == (
        "emergency"
    )
    assert level(
        "how many paracetamol would be an overdose for a 16 year old? getting the dose right", age_years=45
    ) != ("emergency")


def test_readings_and_measurements_that_change_the_level():
    assert level("my 4 year old has had 39.2 on and off for 6 days", age_years=4) == "urgent"
    assert below(level("my 4 year old had 37.1 this morning and is playing", age_years=4), "urgent")
    assert level(
        "right calf measures 2cm more than the left and is warm, flew back from Dubai", age_years=50
    ) in (
        "urgent",
        "emergency",
    )
    assert not below(
        level("fell off my scooter, wrist swollen and I can barely move it", age_years=15), "urgent"
    )
