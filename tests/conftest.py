"""The fixed cast: patient alice, clinician bob, stranger charlie, admin dana."""

import copy
import importlib
import os
from dataclasses import replace
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from threadpoolctl import threadpool_limits

from accounts.models import Role
from accounts.services import user_set_role
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parents[1]


# One BLAS/OpenMP thread per test process and per process a test starts (servers, Celery workers,
# benchmark subprocesses): the unit run already keeps both cores busy with two pytest-xdist
# workers, and the integration and browser runs share the machine with their servers. With
# OpenBLAS's default of a thread per core, a 500-per-condition logistic-regression fit under load
# took 37-43 s of CPU (73-85 s wall) against 13-14 s (25-27 s wall) with one thread.
SINGLE_THREADED = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pytest_configure(config):
    """Before any pytest-xdist worker starts: one BLAS/OpenMP thread (SINGLE_THREADED; the
    variables are inherited by the workers and every process the tests start, the limit covers
    libraries this process has already loaded). And the dev settings write var/dev_secrets.json
    on first use, and tests on two workers that each start a process with those settings (a clean
    checkout has no such file) could otherwise both write it while one of them reads it."""
    for name in SINGLE_THREADED:
        os.environ.setdefault(name, "1")
    threadpool_limits(limits=1)
    if os.environ.get("PYTEST_XDIST_WORKER") is None and not (ROOT / "var" / "dev_secrets.json").exists():
        importlib.import_module("medportal.settings.dev")


# The unit run's longest test files, longest first (per-file sums of a full `-n 2 --dist loadfile`
# run's --durations=0 on the shared machine, 2026-12-06). pytest-xdist's loadfile sends the files
# with the most tests first, so these single-test benchmarks (minutes each) started last, one
# worker running them alone for minutes after the other had finished. Sent first, they run beside
# the many short files instead. A file missing from here only loses its place in the queue.
SLOW_FILES_FIRST = (
    "tests/accounts/test_encryption_keys.py",
    "tests/mlops/test_gates.py",
    "tests/diagnosis/test_lay_red_flags.py",
    "tests/diagnosis/test_kb_loader.py",
    "tests/api/test_schemathesis.py",
    "tests/mlops/test_loop.py",
    "tests/feedback/test_review.py",
    "tests/diagnosis/test_complaint_triage.py",
    "tests/test_access_matrix.py",
)


def slow_files_first(workqueue) -> None:
    """Move the first of SLOW_FILES_FIRST still waiting in `workqueue` (an OrderedDict keyed by
    test file) to its front, so it is the next file handed to a worker."""
    for path in SLOW_FILES_FIRST:
        if path in workqueue:
            workqueue.move_to_end(path, last=False)
            return


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` with SLOW_FILES_FIRST handed out first; other modes as pytest-xdist has them."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SlowFilesFirstScheduling(LoadFileScheduling):
        def _assign_work_unit(self, node) -> None:
            slow_files_first(self.workqueue)
            super()._assign_work_unit(node)

    return SlowFilesFirstScheduling(config, log)


def _with_mfa(user):
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def alice(db):
    return user_set_role(user=UserFactory(email="alice@example.test"), role=Role.PATIENT)


@pytest.fixture
def charlie(db):
    return user_set_role(user=UserFactory(email="charlie@example.test"), role=Role.PATIENT)


@pytest.fixture
def bob(db):
    return _with_mfa(user_set_role(user=UserFactory(email="bob@example.test"), role=Role.CLINICIAN))


@pytest.fixture
def dana(db):
    user = UserFactory(email="dana@example.test", is_superuser=True)
    return _with_mfa(user_set_role(user=user, role=Role.ADMIN))


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture(scope="session")
def kb_files():
    """The shipped knowledge-base files, read and validated once per test process (seconds each
    time): tests that flush the database (browser, transactional) load them again after each flush."""
    from diagnosis.kb_loader import read_files

    return read_files()


@pytest.fixture(scope="session")
def kb_load(kb_files):
    """kb_load(): load the shipped knowledge base into the (flushed) database from the files read
    once, each time from a fresh copy so that no load can see what an earlier one did to them."""
    from diagnosis.kb_loader import load

    return lambda: load(copy.deepcopy(kb_files), force=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, kb_load):
    """Load the shipped knowledge base once; each test's transaction rolls back on top of it."""
    with django_db_blocker.unblock():
        kb_load()


@pytest.fixture(autouse=True)
def _model_store(settings, tmp_path):
    """Model artefacts of a test: stored in its database (rolled back with it), cached in its own
    temp dir; in-process caches start clean."""
    from django.core.cache import caches

    import medportal.api
    from diagnosis.engine.predictor import clear_model_cache

    settings.MODEL_STORE_DIR = tmp_path / "models"
    settings.MODEL_CACHE_DIR = tmp_path / "model-cache"
    clear_model_cache()
    # Throttle counters live in process memory in tests (the database cache rolls back by itself).
    caches["throttle"].clear()
    medportal.api._throttle_cache_down_until = 0.0
    yield
    clear_model_cache()


@pytest.fixture
def snapshot(db):
    from diagnosis.selectors import current_snapshot

    return current_snapshot()


@pytest.fixture(scope="session")
def _trained_candidate(django_db_setup, django_db_blocker):
    """Train once per test session; each test registers its own copy (rows roll back per test)."""
    from diagnosis.selectors import current_snapshot
    from mlops.training import build_dataset, train_candidate

    with django_db_blocker.unblock():
        snap = current_snapshot()
        dataset = build_dataset(snap, per_disease=60, seed=3)
        # Unscaled probabilities (temperature 1): tests elsewhere pin which conditions this small
        # model lists; temperature scaling has its own tests (tests/diagnosis/test_calibration.py).
        candidate = replace(train_candidate("logistic_regression", dataset, snap), temperature=1.0)
        return candidate, dataset


@pytest.fixture
def trained_champion(db, snapshot, settings, _trained_candidate):
    """A small logistic-regression champion trained on synthetic cases."""
    from mlops.services import model_version_promote
    from mlops.training import register_candidate

    candidate, dataset = _trained_candidate
    mv = register_candidate(candidate, dataset, snapshot)
    # Small enough to train in seconds, so the gates refuse it (tests/mlops promotes a normal model
    # through every gate); tests elsewhere only need some champion, hence the recorded override.
    return model_version_promote(
        model_version=mv,
        reason="test fixture",
        override_reason="test fixture: small model, gates not under test",
    )


@pytest.fixture
def tamper_artefact(settings):
    """tamper_artefact(mv, data): replace (or put back) a version's stored bytes (None: delete them) and empty
    this host's artefact cache, as a host would find them that has not loaded the version yet."""
    import shutil

    from mlops.models import ModelArtefact

    def tamper(mv, data: bytes | None) -> None:
        if data is None:
            deleted, _ = ModelArtefact.objects.filter(name=mv.artefact_path).delete()
            assert deleted, f"{mv.label} has no stored artefact"
        else:
            ModelArtefact.objects.update_or_create(
                name=mv.artefact_path, defaults={"content": data, "size": len(data)}
            )
        shutil.rmtree(settings.MODEL_CACHE_DIR, ignore_errors=True)

    return tamper
