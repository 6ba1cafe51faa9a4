"""make prod's watchdog (scripts/run_production.py) with fake services and a fake clock."""

import logging
import os
import time
from pathlib import Path

from scripts.run_production import Supervised, Watchdog


class FakeService:
    def __init__(self, fail_starts: int = 0):
        self.up, self.starts, self.fail_starts = True, 0, fail_starts

    def start(self):
        self.starts += 1
        if self.fail_starts:
            self.fail_starts -= 1
            raise RuntimeError("port busy")
        self.up = True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def _watch(service, clock, **kw):
    supervised = Supervised("Redis", alive=lambda: service.up, start=service.start)
    return supervised, Watchdog(
        [supervised], clock=clock, backoff_start=1, backoff_max=8, stable_after=60, **kw
    )


def test_a_live_service_is_left_alone():
    service, clock = FakeService(), Clock()
    _, dog = _watch(service, clock)
    for _ in range(5):
        dog.check_once()
    assert service.starts == 0


def test_a_dead_service_is_restarted_at_once_and_logged(caplog):
    service, clock = FakeService(), Clock()
    supervised, dog = _watch(service, clock)
    service.up = False
    with caplog.at_level(logging.WARNING, logger="run_production"):
        dog.check_once()
    assert service.starts == 1 and service.up
    assert "Redis is not running; restarting it (restart 1)" in caplog.text
    assert "Redis restarted" in caplog.text


def test_a_service_that_keeps_dying_is_restarted_with_growing_back_off():
    service, clock = FakeService(), Clock()
    supervised, dog = _watch(service, clock)
    restart_times = []
    for _ in range(200):  # dies right after every restart, checked every 0.5 s for 100 s
        service.up = False
        before = service.starts
        dog.check_once()
        if service.starts > before:
            restart_times.append(clock.now)
        clock.now += 0.5
    gaps = [b - a for a, b in zip(restart_times, restart_times[1:], strict=False)]
    assert gaps[:4] == [1, 2, 4, 8] and set(gaps[4:]) == {8}, gaps


def test_a_failed_restart_is_logged_and_retried_after_the_back_off(caplog):
    service, clock = FakeService(fail_starts=1), Clock()
    _, dog = _watch(service, clock)
    service.up = False
    with caplog.at_level(logging.WARNING, logger="run_production"):
        dog.check_once()
        assert "could not restart Redis (port busy); next try in 1 s" in caplog.text
        dog.check_once()
        assert service.starts == 1  # backing off
        clock.now += 1
        dog.check_once()
    assert service.starts == 2 and service.up


def test_the_back_off_resets_after_the_service_stayed_up():
    service, clock = FakeService(), Clock()
    supervised, dog = _watch(service, clock)
    for _ in range(3):
        service.up = False
        dog.check_once()
        clock.now += 10
    assert supervised.failures == 3
    clock.now += 60
    dog.check_once()
    assert supervised.failures == 0
    service.up = False
    dog.check_once()
    assert service.starts == 4, "after a stable minute a death is restarted at once"


def test_stop_ends_the_thread_and_nothing_is_restarted_afterwards():
    service, clock = FakeService(), Clock()
    _, dog = _watch(service, clock, interval=0.01)
    dog.start()
    dog.stop()
    service.up = False
    assert not dog._thread.is_alive()
    assert service.starts == 0


def test_postgres_alive_reads_the_pid_file_and_sees_through_zombies(tmp_path):
    import subprocess
    import sys

    from scripts.run_production import postgres_alive

    assert not postgres_alive(tmp_path)  # no pid file: never started or stopped cleanly
    (tmp_path / "postmaster.pid").write_text(f"{os.getpid()}\n{tmp_path}\n")
    assert postgres_alive(tmp_path)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    while not Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
        time.sleep(0.01)  # exited, not reaped yet: a zombie still answers kill(pid, 0)
    (tmp_path / "postmaster.pid").write_text(f"{child.pid}\n")
    assert not postgres_alive(tmp_path)
    child.wait()
    assert not postgres_alive(tmp_path)  # reaped: a stale pid file after a crash


def test_sigterm_stops_the_watchdog_then_the_app_then_redis_and_postgres(monkeypatch):
    import signal

    from scripts import run_production

    events = []

    class FakeRedis:
        def __init__(self, *args, **kwargs):
            pass

        def start(self):
            events.append("redis started")

        def alive(self):
            return True

        def stop(self):
            events.append("redis stopped")

    class FakeHoncho:
        def __init__(self, *args, **kwargs):
            self.returncode = None

        def wait(self, timeout=None):
            if self.returncode is None:
                os.kill(os.getpid(), signal.SIGTERM)  # a supervisor stops make prod
                time.sleep(5)
            return self.returncode

        def poll(self):
            return self.returncode

        def terminate(self):
            events.append("app stopped")
            self.returncode = -15

    real_stop = run_production.Watchdog.stop

    def stop_watchdog(self):
        events.append("watchdog stopped")
        real_stop(self)

    monkeypatch.setattr(
        run_production, "start_postgres", lambda: events.append("pg started") or "postgres://x"
    )
    monkeypatch.setattr(run_production, "stop_postgres", lambda: events.append("pg stopped"))
    monkeypatch.setattr(run_production, "postgres_alive", lambda *a: True)
    monkeypatch.setattr(run_production, "RedisChild", FakeRedis)
    monkeypatch.setattr(
        run_production,
        "secrets",
        lambda: {"SECRET_KEY": "s", "FIELD_ENCRYPTION_KEY": "k", "HEALTH_TOKEN": "h"},
    )
    monkeypatch.setattr(run_production.Watchdog, "stop", stop_watchdog)
    monkeypatch.setattr(run_production.subprocess, "run", lambda *a, **kw: None)
    monkeypatch.setattr(run_production.subprocess, "Popen", FakeHoncho)
    saved = signal.getsignal(signal.SIGTERM)
    try:
        assert run_production.main() == 0
    finally:
        signal.signal(signal.SIGTERM, saved)
    assert events == [
        "pg started",
        "redis started",
        "watchdog stopped",
        "app stopped",
        "redis stopped",
        "pg stopped",
    ]
