"""The interview never opens with a stigmatising question when another question tells as much.

Rule (diagnosis/engine/questions.py ``choose_question``): a stigmatising risk-factor question
(shared needles, sex without a condom, heavy drinking) is never the first question of a check
while any other question has an expected information gain of at least ``MIN_GAIN`` (the bar every
question must clear to be asked at all); later it is asked only when its gain is at least
``STIGMA_MARGIN`` times the best other question's.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagnosis.engine.check import _posterior, run_check
from diagnosis.engine.predictor import current_model
from diagnosis.engine.questions import (
    MIN_GAIN,
    STIGMA_MARGIN,
    STIGMATISING,
    choose_question,
    expected_information_gain,
    likelihood_matrix,
)
from diagnosis.kb_loader import read_files


def test_the_stigmatising_list_names_risk_factor_symptoms_of_the_knowledge_base():
    body_system = {s["slug"]: s["body_system"] for s in read_files().symptoms}
    assert {slug: body_system.get(slug) for slug in STIGMATISING} == dict.fromkeys(
        STIGMATISING, "risk_factor"
    )


# --- the rule on its own, over random gains -------------------------------------------------------
gains_st = st.lists(st.floats(min_value=0.0, max_value=2.0), min_size=2, max_size=8)


@given(gains=gains_st, data=st.data())
def test_choose_question_holds_stigmatising_questions_back(gains, data):
    n = len(gains)
    stigmatising = set(data.draw(st.sets(st.integers(0, n - 1), max_size=n - 1)))
    exclude = set(data.draw(st.sets(st.integers(0, n - 1), max_size=n - 1)))
    first = data.draw(st.booleans())
    chosen = choose_question(np.array(gains), exclude, stigmatising, first=first)
    plain = [g for i, g in enumerate(gains) if i not in stigmatising and i not in exclude]
    best_plain = max(plain, default=-np.inf)
    if chosen is None:
        assert all(g < MIN_GAIN for i, g in enumerate(gains) if i not in exclude)
        return
    assert chosen not in exclude and gains[chosen] >= MIN_GAIN
    if chosen in stigmatising and best_plain >= MIN_GAIN:
        assert not first
        assert gains[chosen] >= STIGMA_MARGIN * best_plain
    if chosen not in stigmatising:
        assert gains[chosen] == best_plain


@given(gains=gains_st)
def test_without_stigmatising_candidates_the_most_informative_question_wins(gains):
    chosen = choose_question(np.array(gains), set(), set(), first=True)
    best = int(np.argmax(gains))
    assert chosen == (best if gains[best] >= MIN_GAIN else None)


def test_a_stigmatising_question_comes_later_only_with_a_clear_margin():
    gains = np.array([0.3, 0.5, 0.1])  # 1 is stigmatising, 0 the best other question
    assert choose_question(gains, set(), {1}, first=True) == 0
    assert choose_question(gains, set(), {1}, first=False) == 1  # 0.5 >= 1.5 x 0.3
    assert choose_question(np.array([0.4, 0.5, 0.1]), set(), {1}, first=False) == 0
    # Nothing else is worth asking: the stigmatising question may be asked, even first.
    assert choose_question(np.array([0.01, 0.5, 0.0]), set(), {1}, first=True) == 1


# --- the interview --------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("text", ["tired all the time", "tired all the time, can't concentrate"])
def test_tired_all_the_time_does_not_open_with_shared_needles(snapshot, trained_champion, text):
    # The probability stop rule: the conformal one may (rightly) stop once the list is short; what
    # is under test is which question comes first when one is asked.
    result = run_check(snapshot, current_model(snapshot), text=text, stop_rule="probability")
    assert "fatigue" in result.present
    assert result.next_question is not None
    assert result.next_question not in STIGMATISING


@pytest.mark.django_db
def test_tired_and_cannot_concentrate_would_have_opened_with_needles_on_gain_alone(
    snapshot, trained_champion
):
    """The case the rule exists for: on information gain alone the needles question comes first."""
    model = current_model(snapshot)
    result = run_check(snapshot, model, text="tired all the time, can't concentrate", stop_rule="probability")
    col = {s: i for i, s in enumerate(snapshot.symptoms)}
    gains = expected_information_gain(
        _posterior(snapshot, model, result.present, [], None, ""), likelihood_matrix(snapshot.frequency)
    )
    gains[[col[s] for s in result.present]] = -np.inf
    assert result.present == ["fatigue", "lack_of_concentration"]
    assert snapshot.symptoms[int(np.argmax(gains))] == "unsterile_injections_history"
    gains[[col[s] for s in STIGMATISING]] = -np.inf
    assert result.next_question == snapshot.symptoms[int(np.argmax(gains))]


def _presentations(snapshot):
    """Each condition's one, two and three most frequent symptoms (risk factors left out), as typed."""
    for d in range(len(snapshot.diseases)):
        freq = snapshot.frequency[d]
        order = [snapshot.symptoms[i] for i in np.argsort(-freq, kind="stable") if freq[i] > 0]
        order = [s for s in order if s not in STIGMATISING]
        for k in (1, 2, 3):
            yield [snapshot.symptom_names[s] for s in order[:k]]


@pytest.mark.django_db
def test_no_presentation_opens_with_a_stigmatising_question_when_another_is_informative(snapshot):
    """Over every condition's typical presentations (knowledge-base model): the first question is
    stigmatising only if no other question gains MIN_GAIN; and the rule is exercised, i.e. some
    presentations would have opened with one on gain alone."""
    model = current_model(snapshot)
    likelihood = likelihood_matrix(snapshot.frequency)
    col = {s: i for i, s in enumerate(snapshot.symptoms)}
    stigmatising = [col[s] for s in STIGMATISING]
    asked, held_back, wrong = 0, 0, []
    for names in _presentations(snapshot):
        result = run_check(snapshot, model, text=", ".join(names))
        if result.next_question is None:
            continue
        asked += 1
        gains = expected_information_gain(
            _posterior(snapshot, model, result.present, result.negated, None, ""), likelihood
        )
        gains[[col[s] for s in result.present + result.negated if s in col]] = -np.inf
        plain = gains.copy()
        plain[stigmatising] = -np.inf
        if int(np.argmax(gains)) in stigmatising and plain.max() >= MIN_GAIN:
            held_back += 1
        if result.next_question in STIGMATISING and plain.max() >= MIN_GAIN:
            wrong.append((names, result.next_question, float(plain.max())))
    assert asked > 50
    assert held_back > 0
    assert not wrong, wrong
