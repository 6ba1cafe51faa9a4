#!/usr/bin/env python3
"""Start the production shape on this machine with one command (`make prod`).

PostgreSQL (a local cluster in var/prod/pgdata) and Redis (var/prod/redis) are started on
loopback ports, secrets are generated once into var/prod/secrets.json, the database is
migrated and seeded with the knowledge base and a model, and honcho runs the Procfile:
gunicorn (production settings, whitenoise static files), a Celery worker and Celery beat.
Ctrl+C stops everything.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / "var" / "prod"
PG_PORT = int(os.environ.get("PROD_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("PROD_REDIS_PORT", "56379"))
VENV_BIN = Path(sys.executable).parent

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


def start_redis() -> subprocess.Popen:
    redis_dir = STATE / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    proc = subprocess.Popen(
        redis_command(binary, REDIS_PORT, redis_dir, durable=True), stdout=subprocess.DEVNULL
    )
    wait_port(REDIS_PORT)
    return proc


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


def main() -> int:
    database_url = start_postgres()
    redis_proc = start_redis()
    keys = secrets()
    env = loopback_production_env(
        redis_url=f"redis://127.0.0.1:{REDIS_PORT}/0",
        secret_key=keys["SECRET_KEY"],
        field_encryption_key=keys["FIELD_ENCRYPTION_KEY"],
        DATABASE_URL=database_url,
        ALLOWED_HOSTS=os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost"),
        MODEL_STORE_DIR=str(STATE / "models"),
        # No mail server here: mail (with its sign-up and reset links) goes to files; EMAIL_URL overrides.
        EMAIL_URL=os.environ.get("EMAIL_URL", f"filemail:///{STATE / 'mail'}"),
        HEALTH_TOKEN=os.environ.get("HEALTH_TOKEN", keys["HEALTH_TOKEN"]),
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    honcho = None
    try:
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
        signal.signal(signal.SIGTERM, lambda *_: honcho.terminate())
        return honcho.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        # Ctrl+C in a terminal reaches honcho too; a signal to this process alone (a supervisor,
        # `kill -INT`) does not: stop the app processes before the services they use.
        if honcho is not None and honcho.poll() is None:
            honcho.terminate()
            try:
                honcho.wait(timeout=30)
            except subprocess.TimeoutExpired:
                honcho.kill()
        redis_proc.terminate()
        stop_postgres()


if __name__ == "__main__":
    sys.exit(main())
