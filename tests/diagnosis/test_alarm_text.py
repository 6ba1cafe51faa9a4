"""The alarm-text safety net: it only raises, its artefact is current, its fast scoring equals
scikit-learn's, its threshold rule refuses a careless classifier, and a broken file falls back to
the rules alone."""

import dataclasses
import logging

import numpy as np
import pytest

from diagnosis.alarm_training import training_cases
from diagnosis.engine import alarm_text
from tests.diagnosis.engine_helpers import whole_check

# Wordings of our own (in no corpus) that the rules alone answer below emergency today.
MISSED_BY_RULES = [
    "there is so much blood from down below I've gone through 4 pads in an hour and feel like passing out",
    "she's making a funny rattling noise and her eyes are rolling back",
]


class _Always:
    """A stand-in classifier that always wants to raise, to test the plumbing on its own."""

    threshold = 0.5

    def raises(self, text):
        return bool(text.strip())


def _check(snapshot, text, net="shipped", **subject):
    if net != "shipped":
        snapshot = dataclasses.replace(snapshot, alarm_text=net)
    return whole_check(snapshot, text, **subject)


def test_the_shipped_artefact_was_built_from_todays_corpus():
    model = alarm_text.shipped()
    assert model is not None, "diagnosis/knowledge_base/alarm_text.npz is missing or unreadable"
    assert model.corpus_fingerprint == alarm_text.corpus_fingerprint(training_cases()), (
        "the triage corpus changed: run `manage.py train_alarm_text` and commit alarm_text.npz"
    )
    assert 0.5 <= model.threshold < 1


def test_it_never_trains_on_the_held_out_or_fresh_sets():
    assert not {case["split"] for case in training_cases()} & {"heldout", "fresh"}


def test_compact_scoring_equals_the_scikit_learn_pipeline():
    cases = training_cases()[::25]
    texts = [c["text"] for c in cases]
    labels = [c["expected"] == "emergency" for c in cases]
    transformers, classifier = alarm_text.fitted_pipeline(texts, labels)
    model = alarm_text.compact(transformers, classifier, threshold=0.8, fingerprint="x")
    unseen = ["a text with wörds and numbers 39.5 never seen", "   ", "my knee"]
    expected = alarm_text.pipeline_probabilities(transformers, classifier, texts + unseen)
    got = [model.probability(t) for t in texts + unseen]
    assert np.allclose(got, expected, atol=1e-9)


def test_the_threshold_rule_picks_the_lowest_careful_threshold_and_refuses_a_careless_model():
    emergency = [True] * 4 + [False] * 200
    by_rules = [False] * 204
    # One false raise at 0.75 (1/200 = 0.5% allowed), two at 0.7: 0.75 is the lowest careful threshold.
    probabilities = [0.9] * 4 + [0.72, 0.77] + [0.1] * 198
    assert alarm_text.choose_threshold(probabilities, emergency, by_rules) == 0.75
    # Every non-emergency scored 0.99: no threshold on the grid is careful enough.
    assert alarm_text.choose_threshold([0.99] * 204, emergency, by_rules) is None
    # A false raise the rules already make is not the net's: it does not count.
    assert alarm_text.choose_threshold([0.99] * 204, emergency, [True] * 204) == 0.5


@pytest.mark.django_db
@pytest.mark.parametrize("text", MISSED_BY_RULES)
def test_the_net_raises_wordings_the_rules_miss(snapshot, text):
    assert _check(snapshot, text, net=None).triage != "emergency"
    result = _check(snapshot, text)
    assert result.triage == "emergency"
    flag = next(f for f in result.red_flags if f["slug"] == alarm_text.SLUG)
    assert flag["level"] == "emergency" and "999" in flag["instruction"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "thanks, how do I change my password",
        "I have a cold and a runny nose",
        "my dad had a heart attack 10 years ago, he's fine now, I just want to know about cholesterol",
    ],
)
def test_harmless_messages_are_not_raised(snapshot, text):
    result = _check(snapshot, text)
    assert result.triage != "emergency" and alarm_text.SLUG not in {f["slug"] for f in result.red_flags}


@pytest.mark.django_db
def test_it_only_ever_raises_and_adds_nothing_to_an_emergency(snapshot):
    crushing = _check(snapshot, "crushing chest pain and sweating", net=_Always())
    assert crushing.triage == "emergency"
    assert alarm_text.SLUG not in {f["slug"] for f in crushing.red_flags}
    raised = _check(snapshot, "I have a cold", net=_Always())
    assert raised.triage == "emergency" and raised.next_question is None
    assert _check(snapshot, "", net=_Always()).triage != "emergency"  # chips and answers are rule-read


@pytest.mark.parametrize("content", [None, b"not a numpy archive", "missing-keys"])
def test_a_missing_or_broken_artefact_means_rules_alone_and_a_logged_error(tmp_path, caplog, content):
    path = tmp_path / "alarm_text.npz"
    if content == "missing-keys":
        np.savez(path, keys=np.arange(3))
    elif content is not None:
        path.write_bytes(content)
    with caplog.at_level(logging.ERROR, logger="diagnosis.engine.alarm_text"):
        assert alarm_text.load(path) is None
    assert "rules alone" in caplog.text


def test_its_training_splits_are_named_and_exist():
    from diagnosis.triage_corpus import CORPUS

    assert not set(alarm_text.TRAINING_SPLITS) & alarm_text.NEVER_TRAIN
    assert all((CORPUS / name).is_dir() for name in alarm_text.TRAINING_SPLITS)
    # a new development split joins only once the net retrained with it has been measured
    assert "ug1" not in alarm_text.TRAINING_SPLITS
