"""Two app hosts, one PostgreSQL and Redis: a model promoted through one is served by the other.

Each gunicorn (production settings, gunicorn.conf.py) has its own MODEL_CACHE_DIR, as two machines
would; the artefacts live only in the shared model storage (the database), registered by this
process (standing for a Celery worker on a third machine). The champion is switched through host A
to a version host B has never loaded; B serves it on its very next request, fetching the artefact
into its own cache.

The switch is the admin's rollback (``model_version_rollback``): the same one-row alias update as a
gated promotion, without the gates' evaluation on the frozen set (about 50 s on this machine, and
not what is under test; tests/mlops covers the gates).

Run through scripts/with_services.py (`make test-integration`).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from django.db import connection

from scripts.with_services import free_port, stop_process_group
from tests.integration.test_faults import Gunicorn, _database_url, _production_env_base, _wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def kb(transactional_db, kb_load):
    from diagnosis.models import Disease

    if not Disease.objects.exists():
        kb_load()


def _host_env(cache: Path, port: int) -> dict:
    return {
        **_production_env_base(),
        "DATABASE_URL": _database_url(),
        "MODEL_CACHE_DIR": str(cache),
        # Nothing left in a local model directory: whatever a host loads comes from the storage.
        "MODEL_STORE_DIR": str(cache.parent / "no-local-models"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }


@pytest.fixture
def two_hosts(postgres_required, redis_required, kb, static_manifest, tmp_path):
    """Hosts "a" and "b": two gunicorns on the test database, each with its own model cache."""
    hosts, procs = {}, []
    try:
        for name in ("a", "b"):
            port = free_port()
            env = _host_env(tmp_path / f"host-{name}" / "model-cache", port)
            log = tmp_path / f"gunicorn-{name}.log"
            with open(log, "w") as fh:
                proc = subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "gunicorn"),
                        "--config",
                        "gunicorn.conf.py",
                        "medportal.wsgi",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            procs.append(proc)
            server = Gunicorn(f"http://127.0.0.1:{port}", proc, log, env["HEALTH_TOKEN"])
            server.env, server.cache = env, Path(env["MODEL_CACHE_DIR"])
            hosts[name] = server
        for server in hosts.values():

            def up(server=server):
                assert server.proc.poll() is None, server.log.read_text()[-3000:]
                with contextlib.suppress(Exception):
                    return server.ready().status_code == 200

            assert _wait_for(up, 90), f"gunicorn not healthy:\n{server.log.read_text()[-3000:]}"
        yield hosts
    finally:
        for proc in procs:
            stop_process_group(proc)
        for server in hosts.values():
            print(server.log.read_text()[-2000:])


@pytest.fixture
def registry(kb, snapshot, _trained_candidate):
    """v2 the champion, having replaced v1 (set directly: the gates are not under test). v1 has
    different bytes (another temperature), so a host that loaded only v2 has no copy of it."""
    from django.utils import timezone

    from mlops.models import ModelVersion
    from mlops.training import register_candidate

    candidate, dataset = _trained_candidate
    v1 = register_candidate(replace(candidate, temperature=1.3), dataset, snapshot)
    v2 = register_candidate(candidate, dataset, snapshot)
    now = timezone.now()
    ModelVersion.objects.filter(pk=v1.pk).update(
        alias=ModelVersion.Alias.ARCHIVED, promoted_at=now - timezone.timedelta(hours=1)
    )
    ModelVersion.objects.filter(pk=v2.pk).update(
        alias=ModelVersion.Alias.CHAMPION, promoted_at=now, replaced=v1
    )
    assert v1.checksum != v2.checksum
    return v1, v2


def _check(server: Gunicorn, token: str) -> dict:
    """Submit a check through the API of one host; the answer names the model that produced it."""
    import httpx

    response = httpx.post(
        server.base + "/api/v1/checks/",
        json={"text": "itching and a skin rash"},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text[:300]
    return response.json()


def test_a_champion_switched_through_one_host_is_served_by_the_other_on_its_next_request(registry, two_hosts):
    from knox.models import AuthToken

    from accounts.models import Role
    from accounts.services import user_create
    from mlops.models import ModelVersion
    from mlops.selectors import champion_id

    v1, v2 = registry
    a, b = two_hosts["a"], two_hosts["b"]
    token = AuthToken.objects.create(
        user=user_create(email="p@example.test", password=None, role=Role.PATIENT)
    )[1]
    assert connection.vendor == "postgresql"

    for host in (a, b):
        assert host.ready().json()["model"]["serving"] == v2.label
        assert (host.cache / f"{v2.checksum}.skops").is_file()
        assert not (host.cache / f"{v1.checksum}.skops").exists()
    assert _check(b, token)["model_version"] == v2.label

    # The admin's rollback, run on host A (its settings, its cache): v1 becomes the champion.
    switch = "from mlops.services import model_version_rollback; print(model_version_rollback().label)"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", switch],
        cwd=ROOT,
        env=a.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(f"champion switch on host a: {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith(v1.label)
    assert ModelVersion.objects.get(pk=v1.pk).alias == ModelVersion.Alias.CHAMPION
    assert not (b.cache / f"{v1.checksum}.skops").exists()

    # Host B's very next request serves v1, fetched from the shared storage into B's own cache.
    assert _check(b, token)["model_version"] == v1.label
    assert (b.cache / f"{v1.checksum}.skops").is_file()
    model = b.ready().json()["model"]
    assert model["serving"] == v1.label and model["fallback_reason"] == ""
    assert _check(a, token)["model_version"] == v1.label
    assert (a.cache / f"{v1.checksum}.skops").is_file()
    # What noticing a promotion costs each request: one indexed query on PostgreSQL.
    timings = []
    for _ in range(200):
        t0 = time.perf_counter()
        champion_id()
        timings.append(time.perf_counter() - t0)
    timings.sort()
    median, p99 = timings[100] * 1000, timings[197] * 1000
    print(f"champion check per request: median {median:.3f} ms, p99 {p99:.3f} ms")
    assert median < 5, f"the per-request champion check takes {median:.2f} ms"
