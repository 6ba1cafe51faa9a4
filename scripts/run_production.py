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
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / "var" / "prod"
PG_PORT = int(os.environ.get("PROD_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("PROD_REDIS_PORT", "56379"))
VENV_BIN = Path(sys.executable).parent

sys.path.insert(0, str(ROOT / "scripts"))
from with_services import pg_bin  # noqa: E402


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _wait_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing is listening on port {port}")


def start_postgres() -> str:
    data = STATE / "pgdata"
    prefix = _as_postgres()
    if not (data / "PG_VERSION").exists():
        STATE.mkdir(parents=True, exist_ok=True)
        data.mkdir(parents=True, exist_ok=True)
        if prefix:
            user = pwd.getpwnam("postgres")
            for path in (STATE, data):
                os.chown(path, user.pw_uid, user.pw_gid)
        subprocess.run(
            [*prefix, pg_bin("initdb"), "-D", str(data), "-U", "medportal", "--auth=trust", "-E", "UTF8"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    opts = f"-p {PG_PORT} -k {STATE} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [
            *prefix,
            pg_bin("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(STATE / "postgres.log"),
            "-o",
            opts,
            "-w",
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [*prefix, pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "medportal", "medportal"],
        stderr=subprocess.DEVNULL,
    )
    return f"postgres://medportal@127.0.0.1:{PG_PORT}/medportal"


def stop_postgres() -> None:
    subprocess.run(
        [*_as_postgres(), pg_bin("pg_ctl"), "-D", str(STATE / "pgdata"), "-m", "fast", "stop"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_redis() -> subprocess.Popen:
    redis_dir = STATE / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(redis_dir),
            "--appendonly",
            "yes",
        ],
        stdout=subprocess.DEVNULL,
    )
    _wait_port(REDIS_PORT)
    return proc


def secrets() -> dict:
    path = STATE / "secrets.json"
    if not path.exists():
        import secrets as pysecrets

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
    return json.loads(path.read_text())


def main() -> int:
    database_url = start_postgres()
    redis_proc = start_redis()
    env = {
        **os.environ,
        **secrets(),
        "DJANGO_SETTINGS_MODULE": "medportal.settings.production",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost"),
        # Plain HTTP on loopback: no TLS redirect or secure-only cookies here (a proxy adds TLS in real use).
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "MODEL_STORE_DIR": str(STATE / "models"),
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    try:
        for args in (
            ["migrate", "--noinput"],
            ["createcachetable"],
            ["collectstatic", "--noinput", "-v0"],
            ["load_knowledge_base"],
            ["ensure_model"],
        ):
            subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True)
        print("MedPortal (production settings) on http://127.0.0.1:8000/  health: /health/  (Ctrl+C stops)")
        honcho = subprocess.Popen(
            [str(VENV_BIN / "honcho"), "start", "-f", str(ROOT / "Procfile")], cwd=ROOT, env=env
        )
        signal.signal(signal.SIGTERM, lambda *_: honcho.terminate())
        return honcho.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        redis_proc.terminate()
        stop_postgres()


if __name__ == "__main__":
    sys.exit(main())
