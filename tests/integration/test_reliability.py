"""make prod's reliability against real servers: the watchdog restarts a killed Redis or PostgreSQL,
and an outbox publish Redis acknowledged survives Redis being killed (durable broker settings).

Run through scripts/with_services.py --postgres --redis; every server started here is on loopback
in a temp directory and stopped at the end of its test."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from scripts.run_production import RedisChild, Supervised, Watchdog, postgres_alive
from scripts.with_services import (
    free_port,
    pg_bin,
    postgres_cluster_start,
    postgres_cluster_stop,
    postgres_run_prefix,
    redis_command,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _wait_for(predicate, timeout: float, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            value = predicate()
            if value:
                return value
        time.sleep(interval)
    return None


def _client(port: int):
    import redis

    return redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5, socket_timeout=2)


def _redis_binary() -> str:
    return os.environ.get("REDIS_SERVER") or shutil.which("redis-server")


# --- the watchdog -----------------------------------------------------------------------------


def test_the_watchdog_restarts_a_killed_redis_on_the_same_data(redis_required, tmp_path):
    redis = RedisChild(free_port(), tmp_path / "redis", binary=_redis_binary())
    redis.start()
    client = _client(redis.port)
    client.set("kept", "yes")
    dog = Watchdog([Supervised("Redis", alive=redis.alive, start=redis.start)], interval=0.1)
    dog.start()
    try:
        killed = redis.proc.pid
        os.kill(killed, signal.SIGKILL)
        assert _wait_for(lambda: redis.proc.pid != killed and client.ping(), 15), "Redis did not come back"
        assert client.get("kept") == b"yes"
        assert dog.services[0].restarts == 1
    finally:
        dog.stop()
        redis.stop()
    assert not redis.alive(), "stop() must end the (restarted) child"


@pytest.mark.skipif(not pg_bin("initdb"), reason="PostgreSQL is not installed")
def test_the_watchdog_restarts_a_killed_postgres():
    # Not pytest's tmp_path: its parents are private to root, and PostgreSQL runs as its own user.
    tmp = Path(tempfile.mkdtemp(prefix="medportal-watchdog-pg-"))
    data, port, log = tmp / "data", free_port(), tmp / "server.log"
    prefix = postgres_run_prefix(tmp)

    def start() -> str:
        return postgres_cluster_start(data, port, socket_dir=tmp, log=log, prefix=prefix, durable=False)

    start()
    dog = Watchdog([Supervised("PostgreSQL", alive=lambda: postgres_alive(data), start=start)], interval=0.2)
    dog.start()
    try:
        assert postgres_alive(data)
        postmaster = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(postmaster, signal.SIGKILL)  # stale pid file, orphaned backends: the worst case
        ready = [pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)]

        def accepting() -> bool:
            current = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
            return current != postmaster and subprocess.run(ready, capture_output=True).returncode == 0

        assert _wait_for(accepting, 60, 0.3), log.read_text()[-2000:]
    finally:
        dog.stop()
        postgres_cluster_stop(data, prefix=prefix, mode="immediate")
        stopped = not postgres_alive(data)
        shutil.rmtree(tmp, ignore_errors=True)
    assert stopped


# --- the broker keeps what it acknowledged --------------------------------------------------


class KillableRedis:
    def __init__(self, *, durable: bool, data_dir: Path):
        self.port, self.dir, self.durable = free_port(), data_dir, durable
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        command = redis_command(_redis_binary(), self.port, self.dir, durable=self.durable)
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        assert _wait_for(lambda: _client(self.port).ping(), 10), "redis-server did not start"

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def killable_broker(request, redis_required, settings, tmp_path):
    """A redis-server of our own as Celery's broker (eager mode off); restored afterwards."""
    from medportal.celery import app

    server = KillableRedis(durable=request.param, data_dir=tmp_path)
    server.start()
    url = f"redis://127.0.0.1:{server.port}/0"
    saved = app.conf.broker_url, app._pool, app.amqp._producer_pool
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = url
    app.conf.broker_url = url
    app._pool = app.amqp._producer_pool = None
    yield server
    with contextlib.suppress(Exception):
        if app._pool is not None:
            app._pool.force_close_all()
    app.conf.broker_url = saved[0]
    app._pool, app.amqp._producer_pool = saved[1], saved[2]
    server.stop()


@pytest.mark.parametrize("killable_broker", [True, False], ids=["durable", "not-durable"], indirect=True)
def test_an_acknowledged_outbox_publish_survives_redis_being_killed(
    db, killable_broker, django_capture_on_commit_callbacks
):
    """The durable broker (make prod, with_services) keeps it; the non-durable control shows the
    test can tell the difference."""
    from mlops.models import OutboxMessage
    from mlops.outbox import outbox_enqueue

    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(task_name="mlops.outbox_sweep", kwargs={}, dedupe_key="")
    message.refresh_from_db()
    assert message.sent_at is not None, "the outbox saw the publish acknowledged"
    killable_broker.kill()  # at once, no shutdown: nothing flushed after the acknowledgement
    killable_broker.start()  # same port, same data directory
    queued = _client(killable_broker.port).lrange("celery", 0, -1)
    if killable_broker.durable:
        assert [json.loads(m)["headers"]["task"] for m in queued] == ["mlops.outbox_sweep"]
        assert not OutboxMessage.objects.filter(sent_at=None).exists()
    else:
        assert queued == [], "without an append-only file a killed Redis forgets the task"
