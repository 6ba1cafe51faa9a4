"""Conformal condition lists: coverage, Mondrian fallback, storage with the model version, and
where they show (run_check triage, API, predict --json, the result and case pages)."""

import json
from dataclasses import replace
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from diagnosis.engine.check import WIDE_SET, run_check
from diagnosis.engine.conformal import (
    MIN_CELL,
    POOLED,
    ConformalCalibration,
    artefact_entry,
    cell_of,
    from_artefact,
    partial_presentations,
)
from diagnosis.engine.predictor import current_model, kb_model

CELLS = [(None, ""), (8, "f"), (30, "f"), (30, "m"), (70, "m")]


def synthetic_scores(n: int, n_classes: int, seed: int):
    """Probabilities whose labels are drawn from them: a calibrated model, so coverage is testable."""
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.full(n_classes, 0.3), size=n)
    labels = np.array([rng.choice(n_classes, p=p) for p in proba])
    who = [CELLS[i] for i in rng.integers(0, len(CELLS), size=n)]
    return proba, labels, [a for a, _ in who], [s for _, s in who]


def test_coverage_on_a_synthetic_calibration_is_within_tolerance():
    proba, labels, ages, sexes = synthetic_scores(9000, 12, seed=1)
    cal = ConformalCalibration.fit(proba[:4000], list(range(12)), labels[:4000], ages[:4000], sexes[:4000])
    test = slice(4000, None)
    for target in (0.8, 0.9):
        sets = cal.prediction_sets(proba[test], ages[test], sexes[test], coverage=target)
        covered = sets[np.arange(len(labels[test])), labels[test]]
        assert abs(covered.mean() - target) < 0.02
        cells = np.array([cell_of(a, s) for a, s in zip(ages[test], sexes[test], strict=True)])
        for cell in set(cells):  # per cell too (about 1,000 test cases each)
            assert abs(covered[cells == cell].mean() - target) < 0.04, cell
    # A higher target never gives smaller sets.
    assert (
        cal.prediction_sets(proba[test], ages[test], sexes[test], 0.95).sum()
        >= cal.prediction_sets(proba[test], ages[test], sexes[test], 0.9).sum()
    )


def test_a_cell_with_too_few_calibration_cases_falls_back_to_the_pooled_scores():
    rng = np.random.default_rng(2)
    # The 18-39 women's cell has its own, very easy scores; the 0-11 girls' cell has too few.
    cells = {
        "18-39|f": rng.uniform(0, 0.1, 400),
        "40-64|m": rng.uniform(0.5, 1.0, 400),
        "0-11|f": rng.uniform(0, 0.01, MIN_CELL - 1),
    }
    cal = ConformalCalibration(cells=cells)
    assert cal.cell_used(30, "f") == "18-39|f"
    assert cal.cell_used(5, "f") == POOLED
    assert cal.cell_used(None, "") == POOLED  # a cell with no calibration at all
    proba = np.array([0.6, 0.3, 0.06, 0.04])
    classes = ["a", "b", "c", "d"]
    own = cal.prediction_set(proba, classes, 30, "f", coverage=0.9)
    pooled = ConformalCalibration(cells={"all": np.concatenate(list(cells.values()))}, min_cell=1)
    assert own == []  # easy cell: a tight threshold, so a 60% condition is not enough there
    fallback = cal.prediction_set(proba, classes, 5, "f", 0.9)
    assert fallback == pooled.prediction_set(proba, classes, 1, "x", 0.9) == ["a", "b"]


def test_the_calibration_round_trips_through_json():
    proba, labels, ages, sexes = synthetic_scores(1500, 8, seed=3)
    cal = ConformalCalibration.fit(proba[:1000], list(range(8)), labels[:1000], ages[:1000], sexes[:1000])
    text = cal.to_json()
    assert json.loads(text)["cells"]  # plain JSON
    again = ConformalCalibration.from_json(text)
    assert again.n == cal.n == 1000
    assert np.array_equal(
        again.prediction_sets(proba[1000:], ages[1000:], sexes[1000:], 0.9),
        cal.prediction_sets(proba[1000:], ages[1000:], sexes[1000:], 0.9),
    )
    assert from_artefact({"conformal": text}) is not None
    assert from_artefact({}) is None
    assert from_artefact({"conformal": '{"schema": 99}'}) is None


def test_a_score_tied_with_stored_ones_stays_tied_after_the_json_round_trip():
    """Stored scores have six decimals; a new case's equal, unrounded score must still count as equal
    (a stored 0.123456 below a served 0.1234564 dropped the class from the set: under-coverage)."""
    cal = ConformalCalibration(cells={"18-39|f": np.full(200, 0.1234564)}, min_cell=1)
    again = ConformalCalibration.from_json(cal.to_json())
    proba = np.array([1 - 0.1234564, 0.1234564 - 0.01, 0.01])
    classes = ["a", "b", "c"]
    assert again.prediction_set(proba, classes, 30, "f", 0.9) == ["a"]
    assert cal.prediction_set(proba, classes, 30, "f", 0.9) == ["a"]


def test_registration_stores_the_calibration_the_benchmarks_measure(snapshot, settings, _trained_candidate):
    """benchmarks/conformal.py and benchmarks/questions.py calibrate through conformal_entry: it must
    be exactly what register_candidate stores with the version."""
    from mlops.selectors import model_artefact_payload
    from mlops.training import conformal_entry, register_candidate

    candidate, dataset = _trained_candidate
    mv = register_candidate(candidate, dataset, snapshot)
    stored = model_artefact_payload(mv)["conformal"]
    assert stored == conformal_entry(candidate, dataset, snapshot)["conformal"]
    assert from_artefact({"conformal": stored}).n > 18 * MIN_CELL


def test_training_stores_the_calibration_with_the_model_version(
    snapshot, trained_champion, _trained_candidate
):
    model = current_model(snapshot)
    assert model.version_id == trained_champion.pk
    assert model.conformal is not None and model.conformal.n > MIN_CELL
    # Too few held-out patients: no calibration, so nothing is claimed.
    candidate, dataset = _trained_candidate
    assert artefact_entry(candidate.estimator, dataset.holdout[:5], snapshot) == {}
    cases = partial_presentations(dataset.holdout[:20], snapshot, seed=1)
    assert all(1 <= len(c.symptoms) <= 5 for c in cases)


def _model_with(snapshot, cells):
    return replace(kb_model(snapshot), conformal=ConformalCalibration(cells=cells, min_cell=1))


def test_a_wide_or_empty_set_is_never_self_care(snapshot):
    text = "runny nose, sneezing, sore throat"
    plain = run_check(snapshot, kb_model(snapshot), text=text, age=30, sex="f", ask_questions=False)
    assert plain.triage == "self_care" and plain.prediction_set is None and plain.coverage is None
    # Scores of 1: every condition is in the set (41 > WIDE_SET).
    wide = run_check(snapshot, _model_with(snapshot, {"all": np.ones(200)}), text=text, age=30, sex="f")
    assert len(wide.prediction_set) > WIDE_SET and wide.triage == "gp"
    # Scores of 0: no condition is in the set.
    empty = run_check(snapshot, _model_with(snapshot, {"all": np.zeros(200)}), text=text, age=30, sex="f")
    assert empty.prediction_set == [] and empty.triage == "gp"
    # A narrow set leaves the level alone.
    narrow = run_check(
        snapshot, _model_with(snapshot, {"all": np.full(200, 0.5)}), text=text, age=30, sex="f"
    )
    assert narrow.prediction_set == ["Common cold"] and narrow.coverage == 0.9
    assert narrow.triage == "self_care"


def test_the_coverage_setting_is_used(snapshot, settings):
    settings.CONFORMAL_COVERAGE = 0.8
    model = _model_with(snapshot, {"all": np.linspace(0, 1, 200)})
    result = run_check(snapshot, model, text="runny nose, sneezing", age=30, sex="f")
    assert result.coverage == 0.8


def _predict(**kwargs) -> dict:
    out = StringIO()
    call_command("predict", stdout=out, as_json=True, **kwargs)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_predict_json_has_the_set_when_calibrated_and_not_otherwise(trained_champion):
    line = _predict(symptoms="runny nose, sneezing, sore throat", age=30, sex="f")
    assert isinstance(line["prediction_set"], list) and line["coverage"] == 0.9
    assert all(isinstance(name, str) for name in line["prediction_set"])


@pytest.mark.django_db
def test_predict_json_without_a_calibrated_model_has_no_set_fields():
    line = _predict(symptoms="runny nose, sneezing, sore throat", age=30, sex="f")
    assert "prediction_set" not in line and "coverage" not in line
    assert {"id", "triage", "conditions", "unrecognised", "model_version"} <= set(line)


@pytest.mark.django_db
def test_api_check_has_the_set_when_calibrated(alice, trained_champion):
    from tests.api.conftest import token_client

    body = token_client(alice).post("/api/v1/checks/", {"symptoms": ["runny nose", "sneezing"]}).json()
    assert isinstance(body["prediction_set"], list) and body["coverage"] == 0.9
    assert body["conditions"]  # the existing fields are unchanged


@pytest.mark.django_db
def test_api_check_without_calibration_has_no_set_fields(alice):
    from tests.api.conftest import token_client

    body = token_client(alice).post("/api/v1/checks/", {"symptoms": ["runny nose", "sneezing"]}).json()
    assert "prediction_set" not in body and "coverage" not in body
    assert body["triage"] in ("urgent", "gp", "self_care")


@pytest.mark.django_db
def test_result_page_says_how_sure_the_list_is(alice_client, alice, trained_champion):
    from diagnosis.services import symptom_check_start

    session = symptom_check_start(user=alice, text="runny nose, sneezing, sore throat")
    session.refresh_from_db()
    assert session.conformal["coverage"] == 0.9
    session.conformal = {"prediction_set": ["Common cold", "Flu (influenza)"], "coverage": 0.9}
    session.low_confidence = True
    session.save()
    page = alice_client.get(session.get_absolute_url()).content.decode()
    assert "The right condition is very likely one of these two: Common cold or Flu (influenza)" in page
    assert "Not enough information to be confident" not in page  # the narrow set says more
    session.conformal = {
        "prediction_set": [f"Condition number {i}" for i in range(WIDE_SET + 1)],
        "coverage": 0.9,
    }
    session.save()
    page = alice_client.get(session.get_absolute_url()).content.decode()
    assert "We can&#x27;t narrow this down: please see a GP" in page
    assert "Not enough information to be confident" in page
    assert "Condition number 0" not in page


@pytest.mark.django_db
def test_result_page_without_calibration_says_nothing_about_the_list(alice_client, alice):
    from diagnosis.services import symptom_check_start

    session = symptom_check_start(user=alice, text="runny nose, sneezing, sore throat")
    assert session.conformal == {}
    page = alice_client.get(session.get_absolute_url()).content.decode()
    assert 'id="list-certainty"' not in page


@pytest.mark.django_db
def test_clinicians_see_the_set_its_size_and_coverage(client, alice, bob):
    from django.urls import reverse

    from diagnosis.models import SymptomSession
    from feedback.services import review_flag

    session = SymptomSession.objects.create(
        user=alice,
        triage="gp",
        model_label="test",
        symptoms=["cough"],
        conformal={"prediction_set": ["Common cold", "Flu (influenza)"], "coverage": 0.9},
    )
    review = review_flag(session=session, reasons=["patient_request"])
    client.force_login(bob)
    page = client.get(reverse("feedback:review_detail", args=[review.pk])).content.decode()
    assert "Conformal set (2 conditions, target coverage 90%): Common cold, Flu (influenza)" in page


def test_the_conformal_stop_rule_stops_on_a_small_set_and_asks_on_a_wide_one(snapshot):
    narrow = _model_with(snapshot, {"all": np.full(200, 0.5)})  # the set: conditions >= 50% likely
    kwargs = {"text": "runny nose, sneezing", "age": 30, "sex": "f"}
    by_confidence = run_check(snapshot, narrow, stop_rule="confidence", **kwargs)
    assert by_confidence.conditions[0].probability < 0.75 and by_confidence.next_question is not None
    by_set = run_check(snapshot, narrow, stop_rule="conformal", **kwargs)
    assert len(by_set.prediction_set) == 1 and by_set.next_question is None
    wide = _model_with(snapshot, {"all": np.ones(200)})
    kwargs["text"] = "runny nose, sneezing, sore throat"
    assert run_check(snapshot, wide, stop_rule="confidence", **kwargs).next_question is None
    assert run_check(snapshot, wide, stop_rule="conformal", **kwargs).next_question is not None
    # Without a calibration the conformal rule falls back to today's.
    plain = run_check(snapshot, kb_model(snapshot), stop_rule="conformal", **kwargs)
    assert plain.next_question is None


def test_cells_by_findings_fall_back_to_the_same_number_of_findings_then_pooled():
    rng = np.random.default_rng(4)
    cells = {
        "18-39|f|k1": rng.uniform(0.5, 1, 400),
        "40-64|m|k1": rng.uniform(0.5, 1, 50),
        "40-64|m|k3": rng.uniform(0, 0.2, 50),
    }
    cal = ConformalCalibration(cells=cells, by_findings=True)
    assert cal.cell_used(30, "f", 1) == "18-39|f|k1"
    assert cal.cell_used(50, "m", 1) == "any|k1"  # 450 one-finding cases across demographics
    assert cal.cell_used(50, "m", 3) == POOLED  # only 50 three-finding cases anywhere
    assert cal.cell_used(50, "m", 9) == POOLED  # 5 or more findings: none calibrated
    again = ConformalCalibration.from_json(cal.to_json())
    assert again.by_findings and again.cell_used(50, "m", 1) == "any|k1"


def test_splitting_by_findings_keeps_coverage_for_few_and_many_findings():
    """Few findings: flat probabilities; many: peaked. Pooled over k, one finding is under-covered."""
    rng = np.random.default_rng(5)
    n, n_classes = 12000, 10
    k = rng.integers(1, 6, size=n)
    proba = np.array([rng.dirichlet(np.full(n_classes, 2.0 / kk**2)) for kk in k])
    labels = np.array([rng.choice(n_classes, p=p) for p in proba])
    ages, sexes = [30] * n, ["f"] * n
    cal, test = slice(0, 6000), slice(6000, None)
    rows = np.arange(n - 6000)
    for by_findings in (False, True):
        fitted = ConformalCalibration.fit(
            proba[cal],
            list(range(n_classes)),
            labels[cal],
            ages[cal],
            sexes[cal],
            findings=list(k[cal]) if by_findings else None,
        )
        sets = fitted.prediction_sets(proba[test], ages[test], sexes[test], 0.9, findings=list(k[test]))
        covered = sets[rows, labels[test]]
        one = covered[k[test] == 1].mean()
        if by_findings:
            assert abs(one - 0.9) < 0.03 and abs(covered[k[test] == 5].mean() - 0.9) < 0.03
        else:
            assert one < 0.87  # the problem the split fixes
