"""Models for the gate tests: the normal training (trained once per session) and degenerate
challengers built from it."""

import fcntl
import pickle

import numpy as np
import pytest

# The loop's normal training: the production algorithm and data size (RETRAIN_SYNTHETIC_PER_DISEASE),
# frozen cases excluded. Two seeds: a champion and a good challenger.
NORMAL = {"algorithm": "logistic_regression", "per_disease": 500}
CHAMPION_SEED, CHALLENGER_SEED = 7, 8


def _train_normal(django_db_blocker) -> dict:
    from diagnosis.engine.synthetic import Case
    from diagnosis.selectors import current_snapshot
    from mlops import gates
    from mlops.models import EvaluationCase
    from mlops.training import build_dataset, case_key, train_candidate

    with django_db_blocker.unblock():
        snap = current_snapshot()
        frozen = gates._generated_rows(snap, EvaluationCase.Kind.SYNTHETIC)
        keys = {case_key(Case(e.disease_slug, tuple(e.symptoms), e.age, e.sex)) for e in frozen}
        out = {}
        for seed in (CHAMPION_SEED, CHALLENGER_SEED):
            dataset = build_dataset(snap, per_disease=NORMAL["per_disease"], seed=seed, exclude_keys=keys)
            out[seed] = (train_candidate(NORMAL["algorithm"], dataset, snap), dataset)
        return out


@pytest.fixture(scope="session")
def normal_training(django_db_setup, django_db_blocker, tmp_path_factory, worker_id):
    """{seed: (TrainedCandidate, Dataset)} for the champion and challenger seeds.

    Trained once per run, not once per pytest-xdist worker (two production-size fits, the slowest
    setup of the unit suite): the first worker to need it trains and pickles it into the run's
    shared temp dir under a lock, the other waits for that and loads it. Every worker's knowledge
    base is the same shipped one, and training is seeded, so the bytes are what it would train."""
    if worker_id == "master":
        return _train_normal(django_db_blocker)
    shared = tmp_path_factory.getbasetemp().parent / "mlops-normal-training.pickle"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.exists():
            return pickle.loads(shared.read_bytes())
        out = _train_normal(django_db_blocker)
        shared.write_bytes(pickle.dumps(out))
        return out


@pytest.fixture
def register(snapshot, settings):
    """register(candidate, dataset) -> a new ModelVersion holding that model."""
    from mlops.training import register_candidate

    def _register(candidate, dataset):
        return register_candidate(candidate, dataset, snapshot)

    return _register


@pytest.fixture
def normal_version(normal_training, register):
    """A fresh, unpromoted version of the normal training (champion seed)."""
    return register(*normal_training[CHAMPION_SEED])


@pytest.fixture
def trained_champion(normal_version):
    """In tests/mlops the champion is the normal training, promoted through every gate (the suite-wide
    fixture's small model would be refused by the calibration and safety gates)."""
    from mlops.services import model_version_promote

    return model_version_promote(model_version=normal_version, reason="test fixture")


def constant_estimator(classes, favourite: str | None):
    """A logistic regression that ignores its input: all probability on `favourite`, or uniform."""
    from sklearn.linear_model import LogisticRegression

    from diagnosis.engine.features import N_DEMOGRAPHIC

    def build(n_symptoms):
        model = LogisticRegression()
        model.classes_ = np.asarray(classes)
        model.n_features_in_ = n_symptoms + N_DEMOGRAPHIC
        model.coef_ = np.zeros((len(classes), model.n_features_in_))
        model.intercept_ = np.zeros(len(classes))
        if favourite is not None:
            model.intercept_[list(classes).index(favourite)] = 40.0
        return model

    return build
