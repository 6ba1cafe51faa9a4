"""The resolver's everyday forms (issue 14, fourth development set): what others notice, effects on
the day, two symptoms in one breath, adjectives and verbs for a symptom, spelling by sound, past
exposures, and the safety properties they must keep (a denial is never swallowed, an idiom or an
unrelated sentence is never read, a body part never becomes another). The examples are worded
differently from the phrases corpus, so they test the rule rather than one phrase."""

import pytest

from diagnosis.engine.resolver import sound_key


def _present(index, text):
    return set(index.resolve(text).present)


def _negated(index, text):
    return set(index.resolve(text).negated)


@pytest.mark.parametrize(
    "text, slug",
    [
        ("my son says he's gone a bit yellow", "yellowish_skin"),
        ("her speech sounds all jumbled", "slurred_speech"),
        ("my words keep coming out wrong", "slurred_speech"),
        ("he doesn't know who he is", "altered_sensorium"),
    ],
)
def test_what_others_notice_is_the_symptom(index, text, slug):
    assert slug in _present(index, text)


def test_yellow_said_of_a_body_product_is_not_yellow_skin(index):
    assert "yellowish_skin" not in _present(index, "she's got yellow phlegm")
    assert "yellowish_skin" not in _present(index, "my wee has gone yellow")


@pytest.mark.parametrize(
    "text, slug",
    [
        ("I can't move my neck to look over my shoulder", "stiff_neck"),
        ("she can't feel her fingers", "numbness_or_tingling"),
        ("the toddler won't eat anything", "loss_of_appetite"),
        ("no wet nappy all day", "reduced_urine_output"),
        ("keep falling asleep in meetings", "fatigue"),
        ("he's off his milk", "loss_of_appetite"),
        ("her grazes are taking forever to heal", "slow_healing_wounds"),
        ("my stomach is getting huge", "swelling_of_stomach"),
        ("I have to stop on the stairs to catch my breath", "breathlessness"),
        ("I have to rush out of class to be sick", "vomiting"),
    ],
)
def test_an_effect_on_the_day_is_the_symptom(index, text, slug):
    assert slug in _present(index, text)


@pytest.mark.parametrize(
    "text, slugs",
    [
        ("feeling hot and shivery", {"high_fever", "shivering"}),
        ("hot and cold on and off", {"high_fever", "chills"}),
        ("sick and shaky", {"nausea", "tremor"}),
        ("swollen and tender ankles", {"swollen_legs"}),
        ("red and watery eyes", {"redness_of_eyes", "watering_from_eyes"}),
    ],
)
def test_two_symptoms_in_one_breath_are_both_read(index, text, slugs):
    assert slugs <= _present(index, text)


def test_a_describing_word_is_shared_only_between_describing_words(index):
    """ "cough and sore throat" is two symptoms, never a "cough throat"."""
    assert _present(index, "cough and sore throat") == {"cough", "sore_throat"}


def test_struggling_for_breath_is_never_made_milder(index):
    """Stopping to get one's breath is breathlessness; struggling to catch it stays severe."""
    assert "severe_breathlessness" in _present(index, "struggling to catch my breath")
    assert "severe_breathlessness" not in _present(index, "have to sit down to get my breath")


def test_two_body_parts_sharing_one_describing_word_are_both_read(index):
    """ "my hands and face have puffed up": each a sign (pre-eclampsia), not one finding over both."""
    assert {"swollen_extremities", "puffy_face_and_eyes"} <= _present(
        index, "my hands and face have puffed up"
    )


def test_a_symptom_named_with_two_describing_words_stays_one_symptom(index):
    """ "Itchy and watery eyes" is a knowledge-base name: not split into itchy eyes and watery eyes."""
    assert _present(index, "Itchy and watery eyes") == {"itchy_watery_eyes"}


@pytest.mark.parametrize(
    "text, slug",
    [
        ("really achy today", "muscle_pain"),
        ("sicky all morning", "nausea"),
        ("he keeps scratching his scalp", "itching"),
        ("coughing stuff up all night", "phlegm"),
        ("sneezing non-stop", "continuous_sneezing"),
        ("she felt grotty", "malaise"),
        ("my heart keeps missing", "palpitations"),
        ("getting thirstier every day", "excessive_thirst"),
        ("my lower back keeps locking up", "back_pain"),
        ("weeing all through the night", "polyuria"),
    ],
)
def test_adjectives_and_verbs_of_a_symptom(index, text, slug):
    assert slug in _present(index, text)


def test_achy_said_of_a_body_part_is_left_to_that_part(index):
    """ "legs stiff and achy after the gym" is about the legs, not aching all over."""
    assert "muscle_pain" not in _present(index, "legs stiff and achy after the gym")


@pytest.mark.parametrize(
    "word, meant",
    [("cauffing", "coughing"), ("nawshus", "nauseous"), ("exorsted", "exhausted"), ("jawndis", "jaundice")],
)
def test_spelling_by_sound_shares_a_key(word, meant):
    assert sound_key(word) == sound_key(meant)


@pytest.mark.parametrize(
    "text, slug",
    [("bad cauff", "cough"), ("tummy akes", "abdominal_pain"), ("feeling nawshus", "nausea")],
)
def test_spelling_by_sound_is_read(index, text, slug):
    assert slug in _present(index, text)


def test_spelling_by_sound_never_changes_a_real_word(index):
    """ "hips" is a real word: never turned into another body part however it sounds."""
    assert index.correct("hips") == "hips"
    assert index.correct("knees") == "knees"


@pytest.mark.parametrize(
    "text",
    [
        "not achy",
        "no hot and cold spells",
        "never sick and dizzy",
        "no loose nappies",
        "not peeing all night",
        "she does not scratch her bottom",
    ],
)
def test_a_denial_still_denies_the_everyday_form(index, text):
    assert not _present(index, text)
    assert _negated(index, text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm itching to start my new job",
        "the rash went away last month",
        "my back went to see the physio",
        "prices keep coming back up",
        "the weather is so hot",
    ],
)
def test_no_symptom_is_read_from_an_idiom_or_an_unrelated_sentence(index, text):
    assert not _present(index, text)


def test_a_past_exposure_is_read_in_a_past_clause_but_not_a_relatives(index):
    assert "unsterile_injections_history" in _present(index, "I shared needles a long time ago")
    assert "blood_transfusion_history" in _present(index, "had a transfusion when I was a child")
    assert "blood_transfusion_history" not in _present(index, "my dad had a blood transfusion years ago")
    assert "blood_transfusion_history" not in _present(index, "never had a blood transfusion")


def test_cannot_without_reads_what_always_happens(index):
    assert "blister" in _present(index, "can't wear sandals without blistering")
    assert "back_pain" in _present(index, "cannot lift the baby without my back going")
