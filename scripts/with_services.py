#!/usr/bin/env python3
"""Run a command with throw-away PostgreSQL and Redis servers started for it.

    python scripts/with_services.py [--postgres] [--redis] -- pytest -m integration

Each server lives in a temp directory on a free loopback port and is stopped afterwards.
DATABASE_URL / REDIS_URL are exported to the command. When a server binary is missing the
command still runs, with MEDPORTAL_MISSING_SERVICES naming what is absent, so tests can skip
with a clear reason locally; CI installs everything and tests fail instead of skipping there.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def stop_process_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Stop a process started with start_new_session=True and everything it started: `sig` to the
    group, then SIGKILL if it has not exited within `timeout` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def wait_port(port: int, seconds: float = 20.0) -> None:
    """Return once something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing is listening on 127.0.0.1:{port}")


def postgres_run_prefix(*owned_dirs: Path) -> list[str]:
    """PostgreSQL refuses to run as root: then run it as the postgres system user, who must own
    the directories it writes to."""
    if os.geteuid() != 0:
        return []
    user = pwd.getpwnam("postgres")
    for path in owned_dirs:
        os.chown(path, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


def postgres_cluster_start(
    data: Path, port: int, *, socket_dir: Path, log: Path, prefix: list[str], durable: bool, options: str = ""
) -> str:
    """initdb `data` unless it holds a cluster, start it on loopback `port`, create the
    "medportal" database (if missing) and return its URL. `durable=False` turns fsync off:
    for throw-away test clusters only."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            [*prefix, initdb, "-D", str(data), "-U", "medportal", "--auth=trust", "-E", "UTF8"]
            + ([] if durable else ["--no-sync"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    opts = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1"
    if not durable:
        opts += " -c fsync=off -c full_page_writes=off"
    if options:
        opts += f" {options}"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-l", str(log), "-o", opts, "-w", "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    created = subprocess.run(
        [
            *prefix,
            pg_bin("createdb") or "createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "medportal",
            "medportal",
        ],
        capture_output=True,
        text=True,
    )
    if created.returncode != 0 and "already exists" not in created.stderr:
        raise RuntimeError(f"createdb failed: {created.stderr.strip()}")
    return f"postgres://medportal@127.0.0.1:{port}/medportal"


def postgres_cluster_stop(data: Path, *, prefix: list[str], mode: str = "fast") -> None:
    subprocess.run(
        [*prefix, pg_bin("pg_ctl") or "pg_ctl", "-D", str(data), "-m", mode, "stop"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def postgres_server(*, durable: bool = False, options: str = "", prefix_name: str = "medportal-pg-"):
    """A throw-away cluster in a temp directory on a free port, stopped and deleted afterwards;
    None when PostgreSQL is not installed."""
    if not pg_bin("initdb") or not pg_bin("pg_ctl"):
        yield None
        return
    tmp = Path(tempfile.mkdtemp(prefix=prefix_name))
    data, port, log = tmp / "data", free_port(), tmp / "server.log"
    prefix = postgres_run_prefix(tmp)
    try:
        url = postgres_cluster_start(
            data, port, socket_dir=tmp, log=log, prefix=prefix, durable=durable, options=options
        )
        yield {
            "DATABASE_URL": url,
            "PG_PORT": str(port),
            "PG_DATA": str(data),
            "PG_CTL": pg_bin("pg_ctl"),
            "PG_LOG": str(log),
            "PG_SOCKET_DIR": str(tmp),
            "PG_RUN_PREFIX": " ".join(prefix),
        }
    finally:
        if (data / "postmaster.pid").exists():
            postgres_cluster_stop(data, prefix=prefix, mode="immediate")
        shutil.rmtree(tmp, ignore_errors=True)


def redis_command(binary: str, port: int, data_dir: Path, *, durable: bool = False) -> list[str]:
    """A loopback redis-server; `durable` keeps an append-only file in `data_dir` (the broker of
    make prod and of the integration tests), otherwise nothing is written to disk (the fault tests'
    own throw-away Redis).

    Why durable means `appendfsync always`: the outbox marks a message sent as soon as Redis
    accepts the publish, and nothing publishes it again. With `appendonly yes` Redis writes each
    command to the append-only file before it answers, so an acknowledged publish survives the
    redis-server process being killed; `appendfsync always` also fsyncs it before answering, so it
    survives a crash of the machine (power, kernel) too, where the default `everysec` may lose the
    last second of acknowledged tasks. The cost is one fsync per write, which the broker's few
    writes per check can afford."""
    persistence = (
        ["--appendonly", "yes", "--appendfsync", "always"]
        if durable
        else ["--save", "", "--appendonly", "no"]
    )
    return [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir), *persistence]


def loopback_production_env(
    *, redis_url: str, secret_key: str, field_encryption_key: str, base: dict | None = None, **extra: str
) -> dict:
    """Production settings served over plain HTTP on loopback (no TLS redirect, no secure-only
    cookies: a proxy adds TLS in real use), for make prod, the load benchmark and the fault tests.
    Dev/test switches in `base` (default: this environment) are dropped; `extra` adds or overrides
    variables (DATABASE_URL, MODEL_STORE_DIR, LOG_LEVEL...).

    Unless given: mail goes to files in var/mail (production refuses the console backend, which
    would print reset links to the log, and there is no mail server here), and HEALTH_TOKEN is a
    fresh random value, so the caller can read /health/ready/ with `X-Health-Token: env["HEALTH_TOKEN"]`.
    """
    base = os.environ if base is None else base
    defaults = {
        # Four slashes: django-environ drops the first one of the path.
        "EMAIL_URL": f"filemail:///{ROOT / 'var' / 'mail'}",
        "HEALTH_TOKEN": secrets.token_urlsafe(24),
    }
    env = {
        k: v
        for k, v in base.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER", "DEBUG"}
    }
    env.update(
        {
            **{k: v for k, v in defaults.items() if k not in base},
            "DJANGO_SETTINGS_MODULE": "medportal.settings.production",
            "REDIS_URL": redis_url,
            "SECRET_KEY": secret_key,
            "FIELD_ENCRYPTION_KEY": field_encryption_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "PATH": f"{Path(sys.executable).parent}:{base.get('PATH', '')}",
            **extra,
        }
    )
    return env


@contextmanager
def redis_server():
    binary = shutil.which("redis-server")
    if not binary:
        yield None
        return
    tmp = Path(tempfile.mkdtemp(prefix="medportal-redis-"))
    port = free_port()
    # Durable like make prod's broker, so integration tests see the same latency and guarantees.
    proc = subprocess.Popen(redis_command(binary, port, tmp, durable=True), stdout=subprocess.DEVNULL)
    try:
        wait_port(port, 10)
        yield {
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "REDIS_PORT": str(port),
            "REDIS_SERVER": binary,
            "REDIS_DIR": str(tmp),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    env = dict(os.environ)
    missing = []
    with ExitStack() as stack:
        for wanted, name, factory in (
            (args.postgres, "postgresql", postgres_server),
            (args.redis, "redis", redis_server),
        ):
            if not wanted:
                continue
            started = stack.enter_context(factory())
            if started is None:
                missing.append(name)
            else:
                env.update(started)
        env["MEDPORTAL_MISSING_SERVICES"] = ",".join(missing)
        if missing:
            print(f"with_services: not installed: {', '.join(missing)}", file=sys.stderr)
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main())
