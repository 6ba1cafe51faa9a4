#!/usr/bin/env python3
"""Start the production shape on this machine with one command (`make prod`).

PostgreSQL (a local cluster in var/prod/pgdata) and Redis (var/prod/redis) are started on
loopback ports, secrets are generated once into var/prod/secrets.json, the database is
migrated and seeded with the knowledge base and a model, and honcho runs the Procfile:
gunicorn (production settings, whitenoise static files), a Celery worker and Celery beat.
A watchdog thread restarts Redis or PostgreSQL if either dies (with backoff, logged).
Ctrl+C or SIGTERM stops everything this script started: the app processes first, then the services.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / "var" / "prod"
PG_PORT = int(os.environ.get("PROD_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("PROD_REDIS_PORT", "56379"))
VENV_BIN = Path(sys.executable).parent
logger = logging.getLogger("run_production")

sys.path.insert(0, str(ROOT / "scripts"))
from with_services import (  # noqa: E402
    loopback_production_env,
    postgres_cluster_start,
    postgres_cluster_stop,
    postgres_run_prefix,
    redis_command,
    wait_port,
)


def _pg_prefix() -> list[str]:
    return postgres_run_prefix(STATE, STATE / "pgdata")


def start_postgres() -> str:
    """The cluster in var/prod/pgdata (created on first use, kept between runs), durable."""
    (STATE / "pgdata").mkdir(parents=True, exist_ok=True)
    return postgres_cluster_start(
        STATE / "pgdata",
        PG_PORT,
        socket_dir=STATE,
        log=STATE / "postgres.log",
        prefix=_pg_prefix(),
        durable=True,
    )


def stop_postgres() -> None:
    postgres_cluster_stop(STATE / "pgdata", prefix=_pg_prefix())


def postgres_alive(data: Path = STATE / "pgdata") -> bool:
    """Whether the postmaster named in the cluster's pid file is running. pg_ctl daemonises it, so
    it is not our child: a killed one may linger as a zombie until init reaps it (in a container,
    perhaps never), which still answers signals, hence the look at its state in /proc."""
    try:
        pid = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return False
    except PermissionError:  # running as another user: it exists
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux): trust the signal check
    return state not in ("Z", "X")


class RedisChild:
    """The broker's redis-server as a child process, which the watchdog can start again on the same
    port and data directory (its append-only file brings back what was acknowledged)."""

    def __init__(self, port: int, data_dir: Path, binary: str | None = None):
        self.port, self.data_dir = port, data_dir
        self.binary = binary or shutil.which("redis-server")
        if not self.binary:
            raise SystemExit("redis-server is not installed (apt-get install redis-server)")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            redis_command(self.binary, self.port, self.data_dir, durable=True), stdout=subprocess.DEVNULL
        )
        wait_port(self.port)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis-server flushes its append-only file and exits
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


@dataclass
class Supervised:
    """A service the watchdog keeps up: how to tell it is alive and how to start it again."""

    name: str
    alive: Callable[[], bool]
    start: Callable[[], object]
    failures: int = 0  # restarts since it last stayed up for `stable_after` seconds
    next_attempt: float = 0.0  # no restart before this (monotonic clock): the back-off
    restarted_at: float = 0.0
    restarts: int = 0


class Watchdog:
    """Restarts a dead service: at once the first time, then no sooner than 1, 2, 4... seconds (at
    most `backoff_max`) after the previous restart while it keeps dying, so a service that cannot
    start does not spin the CPU; the back-off resets once it has stayed up for `stable_after`
    seconds. Every restart and failed restart is logged."""

    def __init__(
        self,
        services: list[Supervised],
        *,
        interval: float = 1.0,
        backoff_start: float = 1.0,
        backoff_max: float = 30.0,
        stable_after: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.services, self.interval, self.clock = services, interval, clock
        self.backoff_start, self.backoff_max, self.stable_after = backoff_start, backoff_max, stable_after
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="service-watchdog", daemon=True)

    def check_once(self) -> None:
        now = self.clock()
        for service in self.services:
            if service.alive():
                if service.failures and now - service.restarted_at >= self.stable_after:
                    service.failures, service.next_attempt = 0, 0.0
                continue
            if now < service.next_attempt:
                continue  # backing off: it died again soon after the last restart
            service.failures += 1
            service.restarts += 1
            service.restarted_at = now
            service.next_attempt = now + min(
                self.backoff_start * 2 ** (service.failures - 1), self.backoff_max
            )
            logger.warning("%s is not running; restarting it (restart %d)", service.name, service.restarts)
            try:
                service.start()
            except Exception as exc:  # any failure to start is retried after the back-off
                logger.error(
                    "could not restart %s (%s); next try in %.0f s",
                    service.name,
                    exc,
                    service.next_attempt - now,
                )
            else:
                logger.warning("%s restarted", service.name)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check_once()
            except Exception:  # the watchdog itself must not die
                logger.exception("watchdog check failed")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (before stopping the services, so none is restarted on the way down)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)


def secrets() -> dict:
    import secrets as pysecrets

    path = STATE / "secrets.json"
    if not path.exists():
        from cryptography.fernet import Fernet

        STATE.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "SECRET_KEY": pysecrets.token_urlsafe(50),
                    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                }
            )
        )
        path.chmod(0o600)
    keys = json.loads(path.read_text())
    if "HEALTH_TOKEN" not in keys:  # files written before /health/ready/ existed
        keys["HEALTH_TOKEN"] = pysecrets.token_urlsafe(24)
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return keys


class _Terminated(Exception):
    pass


def _on_sigterm(*_) -> None:
    raise _Terminated


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # SIGTERM (a supervisor, `kill`) unwinds like Ctrl+C: through the finally below, which stops
    # everything this script started.
    signal.signal(signal.SIGTERM, _on_sigterm)
    redis = RedisChild(REDIS_PORT, STATE / "redis")
    watchdog = honcho = None
    try:
        database_url = start_postgres()
        redis.start()
        watchdog = Watchdog(
            [
                Supervised("PostgreSQL", alive=postgres_alive, start=start_postgres),
                Supervised("Redis", alive=redis.alive, start=redis.start),
            ]
        )
        watchdog.start()
        keys = secrets()
        env = loopback_production_env(
            redis_url=f"redis://127.0.0.1:{REDIS_PORT}/0",
            secret_key=keys["SECRET_KEY"],
            field_encryption_key=keys["FIELD_ENCRYPTION_KEY"],
            DATABASE_URL=database_url,
            ALLOWED_HOSTS=os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost"),
            # Artefacts live in the database (the shared model storage); earlier `make prod` runs
            # left them in var/prod/models, which ensure_model imports once.
            MODEL_STORE_DIR=str(STATE / "models"),
            MODEL_CACHE_DIR=str(STATE / "model-cache"),
            # No mail server here: mail (with its sign-up and reset links) goes to files; EMAIL_URL overrides.
            EMAIL_URL=os.environ.get("EMAIL_URL", f"filemail:///{STATE / 'mail'}"),
            HEALTH_TOKEN=os.environ.get("HEALTH_TOKEN", keys["HEALTH_TOKEN"]),
        )
        manage = [sys.executable, str(ROOT / "manage.py")]
        for args in (
            ["migrate", "--noinput"],
            ["createcachetable"],
            ["collectstatic", "--noinput", "-v0"],
            ["load_knowledge_base"],
            ["ensure_model"],
        ):
            subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True)
        print("MedPortal (production settings) on http://127.0.0.1:8000/  (Ctrl+C stops)")
        print(
            "  readiness: /health/ready/ with the header X-Health-Token: <HEALTH_TOKEN in var/prod/secrets.json>"
        )
        print(f"  mail (sign-up and reset links) is written to {env['EMAIL_URL'].split(':///', 1)[-1]}")
        honcho = subprocess.Popen(
            [str(VENV_BIN / "honcho"), "start", "-f", str(ROOT / "Procfile")], cwd=ROOT, env=env
        )
        return honcho.wait()
    except (KeyboardInterrupt, _Terminated):
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the shutdown short
        if watchdog is not None:
            watchdog.stop()  # first: nothing may be restarted while it is being stopped
        # Ctrl+C in a terminal reaches honcho too; a signal to this process alone (a supervisor,
        # `kill -INT`) does not: stop the app processes before the services they use.
        if honcho is not None and honcho.poll() is None:
            honcho.terminate()
            try:
                honcho.wait(timeout=30)
            except subprocess.TimeoutExpired:
                honcho.kill()
        with contextlib.suppress(Exception):
            redis.stop()
        stop_postgres()


if __name__ == "__main__":
    sys.exit(main())
