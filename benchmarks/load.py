"""Load benchmark of the symptom-check path on the production stack, against a seed-style baseline.

    cd /work/main && .venv/bin/python benchmarks/load.py [--quick] [--duration S] [--concurrency 1,8,32]
    .venv/bin/python benchmarks/load.py --profile-only   # step 6 alone: CPU per request in-process

Everything runs on this machine, on loopback only, and is stopped at the end (also on Ctrl+C or an
error):

1. a throw-away PostgreSQL cluster (default durability settings, as in production: fsync on) and a
   Redis server, on free loopback ports (helpers from scripts/with_services.py);
2. production settings (`medportal.settings.production`, plain HTTP on loopback): migrate,
   createcachetable, collectstatic, load_knowledge_base, `train_models --algorithms
   logistic_regression --promote`, then N patient users with API tokens and M signed-in web
   sessions (sessions live in PostgreSQL: `django.contrib.sessions` database backend, written
   when they change and at least once a minute to push the idle expiry forward);
3. gunicorn with gunicorn.conf.py (4 gthread workers x 2 threads unless GUNICORN_WORKERS/THREADS say
   otherwise; the model is loaded in the master before the workers fork);
4. three request paths, each at concurrency 1, 8 and 32 for a bounded time, with an async httpx
   client: `POST /api/v1/checks/` with a token, the website's `POST /check/` form with a session
   cookie and CSRF token (the 302 is measured, the redirect is not followed), and the seed-style
   Flask baseline (benchmarks/baseline_flask/app.py: a pickled LinearSVC, dictionary advice, no users,
   no persistence, no safety) under gunicorn with the same config;
5. per phase, the CPU time per request of the gunicorn workers, PostgreSQL and the load generator
   (sampled with psutil, so it holds on a shared machine) and how many workers gunicorn recycled;
   then the RSS (and USS) of every gunicorn worker with the model loaded;
6. one in-process pyinstrument profile of `diagnosis.services.symptom_check_start`, the SQL of a
   check and of a whole API / website request, and a cProfile (process time) of whole API requests
   by package.

The symptom sets sent are SYNTHETIC (3-5 symptoms of a knowledge-base condition, drawn by their
frequencies with a fixed seed); the same sets go to MedPortal and to the baseline.
Tables go to stdout and to benchmarks/results/load.md (not in --quick mode unless --output is given).

The load generator runs on the same 2 shared cores as the servers, so absolute numbers include its
own CPU use; the machine's load average is printed with every table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))
from with_services import (  # noqa: E402
    free_port,
    loopback_production_env,
    postgres_server,
    redis_server,
    stop_process_group,
)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks._common import load_average  # noqa: E402

RESULTS_FILE = ROOT / "benchmarks" / "results" / "load.md"
BASELINE_APP_DIR = ROOT / "benchmarks" / "baseline_flask"
KB_DIR = ROOT / "diagnosis" / "knowledge_base"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "load-bench-Passw0rd-long"

TARGET_P99_MS = 150.0  # at concurrency 8, sessions persisted in PostgreSQL
TARGET_RSS_MB = 300.0  # per gunicorn worker


def log(msg: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- services ---------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_cluster() -> Iterator[dict]:
    """A throw-away cluster like with_services' but with PostgreSQL's default durability (fsync on),
    as production runs it: commit latency is part of what a check costs."""
    with postgres_server(
        durable=True, options="-c max_connections=200", prefix_name="medportal-load-pg-"
    ) as pg:
        if pg is None:
            raise RuntimeError("PostgreSQL is not installed (initdb/pg_ctl not found)")
        yield pg


@contextlib.contextmanager
def process(args: list[str], *, env: dict, cwd: Path, log_path: Path) -> Iterator[subprocess.Popen]:
    """Run a server process in its own process group; stop the whole group on exit."""
    fh = open(log_path, "w")
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield proc
    finally:
        stop_process_group(proc)
        fh.close()


def wait_http_ok(url: str, proc: subprocess.Popen, log_path: Path, seconds: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            r = httpx.get(url, timeout=5)
            if r.status_code == 200:
                return
            last = f"HTTP {r.status_code}: {r.text[:300]}"
        except httpx.HTTPError as exc:
            last = exc.__class__.__name__
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {seconds:.0f} s ({last}):\n{log_path.read_text()[-3000:]}")


def production_env(services: dict, model_dir: Path) -> dict:
    from cryptography.fernet import Fernet

    return loopback_production_env(
        redis_url=services["REDIS_URL"],
        secret_key=secrets.token_urlsafe(50),
        field_encryption_key=Fernet.generate_key().decode(),
        DATABASE_URL=services["DATABASE_URL"],
        MODEL_STORE_DIR=str(model_dir),
        MODEL_CACHE_DIR=str(model_dir.parent / "model-cache"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # The load phases send hundreds of checks per user: the daily cap and the per-user rate
        # protect a real deployment, not this measurement of CPU per request.
        CHECKS_PER_DAY="0",
        API_THROTTLE_USER="100000/min",
    )


def helper(env: dict, command: str, *args: str, timeout: float = 600) -> dict:
    """Run this file's Django-side helpers (`_setup`, `_count`, `_profile`) with the production env;
    their last stdout line is JSON."""
    t0 = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), command, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    log(f"{command}: {time.monotonic() - t0:.1f} s")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- workload -------------------------------------------------------------------------------


def symptom_sets(n: int = 400, seed: int = 20240607) -> list[dict]:
    """SYNTHETIC presentations: 3-5 symptoms of a knowledge-base condition, drawn by frequency."""
    import yaml

    names = {}
    for path in sorted(KB_DIR.glob("symptoms*.yaml")):
        for row in yaml.safe_load(path.read_text()) or []:
            names[row["slug"]] = row["name"]
    conditions = []
    for path in sorted((KB_DIR / "conditions").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        conditions.append([(s["symptom"], float(s["frequency"])) for s in doc["symptoms"]])
    rng = random.Random(seed)
    out = []
    for i in range(n):
        pairs = conditions[i % len(conditions)]
        k = min(len(pairs), rng.randint(3, 5))
        chosen: list[str] = []
        pool = list(pairs)
        while len(chosen) < k and pool:
            total = sum(f for _, f in pool)
            x, acc = rng.random() * total, 0.0
            for j, (slug, f) in enumerate(pool):
                acc += f
                if acc >= x:
                    chosen.append(slug)
                    pool.pop(j)
                    break
        display = [names.get(s, s.replace("_", " ")) for s in chosen]
        # Every fourth check is typed as a sentence with a negation; the rest are picked chips.
        text = f"{', '.join(d.lower() for d in display)} but no fever" if i % 4 == 0 else ""
        out.append({"slugs": chosen, "names": [] if text else display, "text": text})
    return out


@dataclass
class PhaseResult:
    target: str
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    loadavg: str = ""
    cpu_seconds: dict = field(default_factory=dict)  # CPU used during the phase, by role
    recycled_workers: int = 0  # gunicorn workers started during the phase (max_requests)

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    @property
    def n_errors(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        values = sorted(self.latencies_ms)
        # nearest-rank percentile
        rank = max(1, int(round(q / 100 * len(values) + 0.5 - 1e-9)))
        return values[min(rank, len(values)) - 1]

    def as_dict(self) -> dict:
        return {
            "target": self.target,
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "requests": self.ok + self.n_errors,
            "ok": self.ok,
            "errors": self.n_errors,
            "error_kinds": dict(self.errors),
            "throughput": round(self.throughput, 1),
            "p50_ms": round(self.pct(50), 1),
            "p95_ms": round(self.pct(95), 1),
            "p99_ms": round(self.pct(99), 1),
            "max_ms": round(max(self.latencies_ms), 1) if self.latencies_ms else None,
            "loadavg": self.loadavg,
            # CPU milliseconds per successful request: gunicorn workers, PostgreSQL, this load generator.
            "recycled_workers": self.recycled_workers,
            "cpu_ms_per_request": {
                role: round(sec * 1000 / self.ok, 2) if self.ok else None
                for role, sec in self.cpu_seconds.items()
            },
        }


async def _drive(send, concurrency: int, seconds: float, max_requests: int) -> PhaseResult:
    result = PhaseResult(target="", concurrency=concurrency, seconds=0.0)
    counter = iter(range(max_requests))
    deadline = time.perf_counter() + seconds

    async def client(i: int) -> None:
        while time.perf_counter() < deadline:
            n = next(counter, None)
            if n is None:
                return
            t0 = time.perf_counter()
            try:
                error = await send(i, n)
            except Exception as exc:  # connection refused, timeout, protocol error: all count
                error = exc.__class__.__name__
            elapsed = (time.perf_counter() - t0) * 1000
            if error is None:
                result.latencies_ms.append(elapsed)
            else:
                result.errors[error] += 1

    start = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result


async def measure(
    target: str, make_sender, concurrency: int, seconds: float, max_requests: int = 100_000, cpu=None
) -> PhaseResult:
    """Drive one target at one concurrency for a bounded time and a bounded number of requests."""

    async def sampler():
        while True:
            await asyncio.sleep(0.2)
            cpu.sample()

    async with make_sender(concurrency) as send:
        task = None
        if cpu is not None:
            cpu.start()
            task = asyncio.create_task(sampler())
        try:
            result = await _drive(send, concurrency, seconds, max_requests)
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    result.target = target
    result.loadavg = load_average()
    if cpu is not None:
        result.cpu_seconds = cpu.stop()
        result.recycled_workers = cpu.started_workers
    return result


def _status_error(response, expected: int) -> str | None:
    return None if response.status_code == expected else f"HTTP {response.status_code}"


def api_sender(base: str, tokens: list[str], payloads: list[dict]):
    import httpx

    @contextlib.asynccontextmanager
    async def make(concurrency: int):
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

            async def send(i: int, n: int):
                p = payloads[n % len(payloads)]
                body = {"symptoms": p["names"]} if p["names"] else {"text": p["text"]}
                r = await client.post(
                    "/api/v1/checks/",
                    json=body,
                    headers={"Authorization": f"Token {tokens[n % len(tokens)]}"},
                )
                return _status_error(r, 201)

            yield send

    return make


def flask_sender(base: str, payloads: list[dict]):
    import httpx

    @contextlib.asynccontextmanager
    async def make(concurrency: int):
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

            async def send(i: int, n: int):
                r = await client.post("/predict", json={"symptoms": payloads[n % len(payloads)]["slugs"]})
                return _status_error(r, 200)

            yield send

    return make


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


async def _web_login(client, email: str) -> str:
    """The browser flow: GET the login form (CSRF cookie + token), POST credentials, GET /check/ for
    the token of the new session (Django rotates it at login). Returns the form's CSRF token."""
    page = await client.get("/accounts/login/")
    token = CSRF_INPUT.search(page.text)
    if page.status_code != 200 or not token:
        raise RuntimeError(f"login page: HTTP {page.status_code}")
    r = await client.post(
        "/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )
    if r.status_code != 302:
        raise RuntimeError(f"login of {email}: HTTP {r.status_code} {r.text[:300]}")
    form = await client.get("/check/")
    token = CSRF_INPUT.search(form.text)
    if form.status_code != 200 or not token:
        raise RuntimeError(f"check page after login: HTTP {form.status_code}")
    return token.group(1)


class WebSessions:
    """Signed-in website sessions (one httpx client and cookie jar per patient), logged in once."""

    def __init__(self, base: str, emails: list[str]):
        self.base, self.emails = base, emails
        self.clients: list = []
        self.tokens: list[str] = []

    async def open(self):
        import httpx

        self.clients = [
            httpx.AsyncClient(base_url=self.base, timeout=30, limits=httpx.Limits(max_connections=4))
            for _ in self.emails
        ]
        # Log in a few at a time: each login hashes a password (PBKDF2), which is deliberately slow.
        for start in range(0, len(self.clients), 4):
            batch = list(zip(self.clients[start : start + 4], self.emails[start : start + 4], strict=True))
            self.tokens += await asyncio.gather(*(_web_login(c, e) for c, e in batch))

    async def close(self):
        for client in self.clients:
            await client.aclose()


def web_sender(sessions: WebSessions, payloads: list[dict]):
    @contextlib.asynccontextmanager
    async def make(concurrency: int):
        async def send(i: int, n: int):
            k = i % len(sessions.clients)  # a virtual client is always the same signed-in patient
            p = payloads[n % len(payloads)]
            r = await sessions.clients[k].post(
                "/check/",
                data={
                    "text": p["text"],
                    "chips": ",".join(p["names"]),
                    "csrfmiddlewaretoken": sessions.tokens[k],
                },
            )
            if r.status_code == 302 and "/check/" in r.headers.get("location", ""):
                return None
            return f"HTTP {r.status_code}"

        yield send

    return make


# --- memory ---------------------------------------------------------------------------------


def worker_memory(master_pid: int, attempts: int = 20) -> list[dict]:
    """Memory of each worker. A worker caught while exiting (recycled by max_requests at the end
    of a phase) reads as 0 MB: sample again until every worker is a live one."""
    import psutil

    rows: list[dict] = []
    for _ in range(attempts):
        rows = []
        for child in psutil.Process(master_pid).children():
            try:
                info = child.memory_full_info()
            except psutil.Error:
                continue
            rows.append({"pid": child.pid, "rss_mb": info.rss / 2**20, "uss_mb": info.uss / 2**20})
        if rows and all(row["rss_mb"] > 0 for row in rows):
            return rows
        time.sleep(0.25)
    return rows


class CpuMeter:
    """CPU seconds used by the gunicorn workers ("server"), the PostgreSQL server ("db") and this
    process ("client") between start() and stop(), sampled every 0.2 s so that processes which come
    and go (gunicorn recycles a worker after max_requests; backends reconnect) are counted too:
    a process seen for the first time after start() counts from its birth. Also counts the gunicorn
    workers that started during the phase (recycled workers)."""

    def __init__(self, gunicorn_pid: int, pg_data: str | None):
        import psutil

        self.gunicorn = psutil.Process(gunicorn_pid)
        self.postmaster = None
        if pg_data:
            self.postmaster = psutil.Process(int((Path(pg_data) / "postmaster.pid").read_text().split()[0]))
        self.me = psutil.Process()
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.started_workers = 0

    def _procs(self):
        import psutil

        out = []
        with contextlib.suppress(psutil.Error):
            out += [("server", p) for p in self.gunicorn.children()]
        if self.postmaster is not None:
            with contextlib.suppress(psutil.Error):
                out += [("db", p) for p in [self.postmaster, *self.postmaster.children()]]
        return out

    def sample(self, initial: bool = False) -> None:
        import psutil

        for role, proc in self._procs():
            try:
                t = proc.cpu_times()
            except psutil.Error:
                continue
            key = (role, proc.pid)
            if key not in self.first:
                self.first[key] = t.user + t.system if initial else 0.0
                if role == "server" and not initial:
                    self.started_workers += 1
            self.last[key] = t.user + t.system

    def start(self) -> None:
        self.first, self.last, self.started_workers = {}, {}, 0
        self.sample(initial=True)
        t = self.me.cpu_times()
        self.client0 = t.user + t.system

    def stop(self) -> dict[str, float]:
        self.sample()
        out: dict[str, float] = {"server": 0.0}
        if self.postmaster is not None:
            out["db"] = 0.0
        for (role, _pid), value in self.last.items():
            out[role] += value - self.first[(role, _pid)]
        t = self.me.cpu_times()
        out["client"] = t.user + t.system - self.client0
        return out


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Config:
    quick: bool = False
    seconds: float = 20.0
    warmup_seconds: float = 3.0
    concurrencies: tuple[int, ...] = (1, 8, 32)
    api_users: int = 100
    web_users: int = 24  # allauth allows 30 logins a minute from one IP (its default "login" limit)
    targets: tuple[str, ...] = ("api", "web", "flask")
    workers: int = int(os.environ.get("GUNICORN_WORKERS", "4"))
    threads: int = int(os.environ.get("GUNICORN_THREADS", "2"))
    per_disease: int | None = None  # train_models' default unless set
    profile: bool = True
    max_requests: int = 100_000


def _started_services(stack: contextlib.ExitStack, tmp: Path) -> tuple[dict, dict]:
    """Start throw-away PostgreSQL and Redis (stopped when `stack` closes); their settings and
    the production environment that points at them."""
    log(f"starting PostgreSQL and Redis (work dir {tmp})")
    services = dict(stack.enter_context(postgres_cluster()))
    redis = stack.enter_context(redis_server())
    if redis is None:
        raise RuntimeError("redis-server is not installed")
    services.update(redis)
    return services, production_env(services, tmp / "models")


def run(config: Config, out=sys.stdout) -> dict:
    """Start everything, measure, stop everything. Returns the numbers (and prints the tables)."""
    t_start = time.monotonic()
    results: dict = {"phases": [], "memory": {}, "config": dict(config.__dict__), "loadavg": {}, "pids": []}
    results["loadavg"]["start"] = load_average()
    payloads = symptom_sets()
    tmp = Path(tempfile.mkdtemp(prefix="medportal-load-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        services, env = _started_services(stack, tmp)
        t0 = time.monotonic()
        setup = helper(
            env,
            "_setup",
            json.dumps(
                {
                    "api_users": config.api_users if "api" in config.targets else 0,
                    "web_users": config.web_users if "web" in config.targets else 0,
                    "collectstatic": "web" in config.targets,
                    "per_disease": config.per_disease,
                }
            ),
        )
        results["setup_steps"] = setup["steps"]
        results["model"] = setup["model"]
        results["setup_seconds"] = round(time.monotonic() - t0, 1)
        log(f"setup steps (s): {setup['steps']}")

        gunicorn_env = {
            **env,
            "GUNICORN_WORKERS": str(config.workers),
            "GUNICORN_THREADS": str(config.threads),
        }
        gunicorn = [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")]
        if any(t in config.targets for t in ("api", "web")):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log_path = tmp / "gunicorn-medportal.log"
            proc = stack.enter_context(
                process(
                    [*gunicorn, "medportal.wsgi:application"],
                    env={**gunicorn_env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    cwd=ROOT,
                    log_path=log_path,
                )
            )
            results["pids"].append(proc.pid)
            wait_http_ok(f"{base}/health/", proc, log_path)
            results["health"] = _get_json(f"{base}/health/ready/", token=env.get("HEALTH_TOKEN", ""))
            cpu = CpuMeter(proc.pid, services["PG_DATA"])
            log(f"MedPortal up on {base}: serving {(results['health'].get('model') or {}).get('serving')}")
            if "api" in config.targets:
                name = "MedPortal API POST /api/v1/checks/ (token)"
                sender = api_sender(base, setup["tokens"], payloads)
                results["phases"] += asyncio.run(measure_target(name, sender, config, cpu=cpu))
            if "web" in config.targets:
                name = "MedPortal web POST /check/ (session in PostgreSQL, CSRF)"
                results["phases"] += asyncio.run(
                    measure_target(name, None, config, web=(base, setup["web_emails"], payloads), cpu=cpu)
                )
            results["memory"]["medportal"] = worker_memory(proc.pid)
            # Every 201/302 is one stored check: count them as a check on the driver.
            if config.profile:
                results["profile"] = helper(env, "_profile", setup["profile_email"])
                results["stored_sessions"] = results["profile"]["sessions_before"]
            else:
                results["stored_sessions"] = helper(env, "_count")["sessions"]
            stop_process_group(proc)  # the baseline never shares the cores with MedPortal
        if "flask" in config.targets:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log_path = tmp / "gunicorn-flask.log"
            flask_env = {
                **gunicorn_env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "BASELINE_MODEL_DIR": str(tmp / "baseline"),
            }
            proc = stack.enter_context(
                process(
                    [*gunicorn, "app:app"],
                    env=flask_env,
                    cwd=BASELINE_APP_DIR,
                    log_path=log_path,
                )
            )
            results["pids"].append(proc.pid)
            wait_http_ok(f"{base}/health", proc, log_path)
            log(f"Flask baseline up on {base}")
            name = "Seed-style Flask baseline POST /predict"
            cpu = CpuMeter(proc.pid, None)
            results["phases"] += asyncio.run(
                measure_target(name, flask_sender(base, payloads), config, cpu=cpu)
            )
            results["memory"]["flask"] = worker_memory(proc.pid)
            stop_process_group(proc)
    results["loadavg"]["end"] = load_average()
    results["total_seconds"] = round(time.monotonic() - t_start, 1)
    results["text"] = render(results, config)
    out.write(results["text"])
    out.flush()
    return results


def run_profile_only(out=sys.stdout) -> dict:
    """Only the in-process part (item 6 above): services, setup with one patient, `_profile`. No
    gunicorn and no load generator, so its CPU numbers hold on a busy shared machine."""
    t_start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="medportal-load-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        services, env = _started_services(stack, tmp)
        setup = helper(env, "_setup", json.dumps({"api_users": 1, "web_users": 0}))
        prof = helper(env, "_profile", setup["profile_email"])
    lines = ["# In-process profile of a symptom check (benchmarks/load.py --profile-only)"]
    lines += render_profile(prof)
    lines += ["", f"Whole run {time.monotonic() - t_start:.1f} s.", ""]
    text = "\n".join(lines) + "\n"
    out.write(text)
    out.flush()
    return {"profile": prof, "text": text}


async def measure_target(name: str, sender, config: Config, web=None, cpu=None) -> list[dict]:
    """Warm up, then every concurrency in turn, in one event loop (clients stay bound to it)."""
    sessions = None
    try:
        if web is not None:
            base, emails, payloads = web
            sessions = WebSessions(base, emails)
            t0 = time.monotonic()
            await sessions.open()
            log(f"{len(emails)} web sessions signed in: {time.monotonic() - t0:.1f} s")
            sender = web_sender(sessions, payloads)
        # Load the model in every worker and fill connection pools; not measured.
        await measure("warm-up", sender, max(2, config.workers * 2), config.warmup_seconds, 2000)
        phases = []
        for c in config.concurrencies:
            phase = await measure(name, sender, c, config.seconds, config.max_requests, cpu)
            phases.append(phase.as_dict())
            log(_phase_line(phase))
        # A short burst so that a worker recycled near the end has served (and loaded the model)
        # before its memory is read.
        await measure("memory warm-up", sender, max(2, config.workers * 4), 1.0, 200)
        return phases
    finally:
        if sessions is not None:
            await sessions.close()


def _get_json(url: str, token: str = "") -> dict:
    import httpx

    headers = {"X-Health-Token": token} if token else {}
    return httpx.get(url, timeout=10, headers=headers).json()


def _phase_line(p: PhaseResult) -> str:
    return (
        f"{p.target} c={p.concurrency}: {p.ok} ok, {p.n_errors} errors {dict(p.errors) or ''}, "
        f"{p.throughput:.1f} req/s, p50 {p.pct(50):.1f} p95 {p.pct(95):.1f} p99 {p.pct(99):.1f} ms "
        f"(load {p.loadavg})"
    )


# --- the report -------------------------------------------------------------------------------


def render(results: dict, config: Config) -> str:
    lines = ["# Load benchmark: symptom-check path", ""]
    lines.append(
        f"`.venv/bin/python benchmarks/load.py{' --quick' if config.quick else ''}` on {platform.node() or 'this machine'}"
        f" ({os.cpu_count()} cores shared with other work, Python {platform.python_version()}); "
        f"{config.seconds:g} s per concurrency after a {config.warmup_seconds:g} s warm-up; "
        f"gunicorn {config.workers} gthread workers x {config.threads} threads for both apps; "
        f"PostgreSQL with default durability (fsync on); load generator (httpx async) on the same cores."
    )
    lines.append(
        f"Load average (1/5/15 min) at start {results['loadavg'].get('start')}, at end {results['loadavg'].get('end')}."
        " Inputs are SYNTHETIC symptom sets (3-5 symptoms of a knowledge-base condition)."
    )
    lines.append("")
    lines.append(
        "| path | concurrency | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms "
        "| CPU ms/req app | CPU ms/req db | CPU ms/req client | workers recycled | load avg |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for p in results["phases"]:
        cpu = p.get("cpu_ms_per_request") or {}
        cells = " | ".join("" if cpu.get(k) is None else f"{cpu[k]:.1f}" for k in ("server", "db", "client"))
        lines.append(
            f"| {p['target']} | {p['concurrency']} | {p['requests']} | {p['errors']} | {p['throughput']:.1f} | "
            f"{p['p50_ms']:.1f} | {p['p95_ms']:.1f} | {p['p99_ms']:.1f} | {p['max_ms']} | {cells} | {p.get('recycled_workers', 0)} | {p['loadavg']} |"
        )
    lines += [
        "",
        "CPU ms/req: CPU time used during the phase by gunicorn's workers (app), the PostgreSQL server (db;"
        " postmaster and backends) and the load generator (client), per successful request: what a request"
        " costs, whatever else the shared machine was doing. Workers recycled: gunicorn workers started during"
        " the phase (gunicorn.conf.py recycles a worker after max_requests=2000 +- 200; a new one boots the app"
        " and loads the model while the other serves alone).",
    ]
    errors = {
        f"{p['target']} c={p['concurrency']}": p["error_kinds"] for p in results["phases"] if p["errors"]
    }
    if errors:
        lines += ["", f"Errors: {errors}"]
    # Ratios against the baseline at equal concurrency.
    base_rows = {p["concurrency"]: p for p in results["phases"] if p["target"].startswith("Seed-style")}
    if base_rows:
        lines += ["", "Ratio to the seed-style baseline at equal concurrency (MedPortal / baseline):", ""]
        lines.append("| path | concurrency | req/s ratio | p50 ratio | p99 ratio |")
        lines.append("|---|---:|---:|---:|---:|")
        for p in results["phases"]:
            if p["target"].startswith("Seed-style") or p["concurrency"] not in base_rows:
                continue
            b = base_rows[p["concurrency"]]
            lines.append(
                f"| {p['target']} | {p['concurrency']} | {_ratio(p['throughput'], b['throughput'])} | "
                f"{_ratio(p['p50_ms'], b['p50_ms'])} | {_ratio(p['p99_ms'], b['p99_ms'])} |"
            )
    lines += ["", "Memory per gunicorn worker after the run (model loaded):", ""]
    lines.append("| app | worker pid | RSS MB | USS MB |")
    lines.append("|---|---:|---:|---:|")
    for app, rows in results["memory"].items():
        for row in rows:
            lines.append(f"| {app} | {row['pid']} | {row['rss_mb']:.0f} | {row['uss_mb']:.0f} |")
    lines += ["", "Targets:", ""]
    for verdict in verdicts(results):
        lines.append(f"- {verdict}")
    if results.get("stored_sessions") is not None:
        ok = sum(p["ok"] for p in results["phases"] if "MedPortal" in p["target"])
        lines.append(
            f"- Stored SymptomSession rows: {results['stored_sessions']} (measured successful checks {ok}, "
            "plus warm-up requests)."
        )
    prof = results.get("profile")
    if prof:
        lines += render_profile(prof)
    lines += [
        "",
        f"Setup (services, migrate, knowledge base, model, users): {results.get('setup_seconds')} s; "
        f"whole run {results.get('total_seconds')} s.",
        "",
    ]
    return "\n".join(lines) + "\n"


def render_profile(prof: dict) -> list[str]:
    lines = ["", "## Where a check's time goes (in-process, production settings, same database)", ""]
    lines.append(
        f"`symptom_check_start` alone: {prof['one_ms']:.1f} ms for one warm check, {prof['queries']} SQL statements "
        f"({prof['duplicate_queries']} repeated) taking {prof['sql_ms']:.1f} ms as Django records them; "
        f"{prof['mean_ms']:.1f} ms per check over {prof['repeat']} checks under pyinstrument (0.2 ms sampling adds"
        " overhead)."
    )
    for name, label in (("api", "`POST /api/v1/checks/` (token)"), ("web", "`POST /check/` (session)")):
        r = prof["requests"].get(name)
        if r:
            lines.append(
                f"Whole request {label} through Django's test client: HTTP {r['status']}, {r['ms']:.1f} ms, "
                f"{r['queries']} SQL statements ({r['commits']} commits) taking {r['sql_ms']:.1f} ms."
            )
    plain = prof.get("plain")
    if plain:
        lines.append(
            f"CPU of a whole `POST /api/v1/checks/` (token) request, no profiler: {plain['ms_per_request']:.2f} ms "
            f"(process time of the Django process, best of {len(plain['rounds'])} rounds of {plain['n']} requests "
            f"through the test client: {', '.join(f'{ms:.2f}' for ms in plain['rounds'])} ms)."
        )
    cpu = prof.get("cpu")
    if cpu:
        lines += [
            "",
            f"CPU of a whole `POST /api/v1/checks/` request by package (cProfile on process time, {cpu['n']} requests"
            f" through the test client; {cpu['ms_per_request']:.1f} CPU ms per request with profiling overhead):",
            "",
            "| package | CPU ms/request | share |",
            "|---|---:|---:|",
        ]
        lines += [f"| {r['package']} | {r['ms']:.2f} | {r['share']:.0%} |" for r in cpu["packages"]]
        lines += [
            "",
            "Top functions by own CPU per request:",
            "",
            "| CPU ms/request | function | file |",
            "|---:|---|---|",
        ]
        lines += [f"| {r['ms']:.2f} | `{r['function'][:70]}` | {r['file']} |" for r in cpu["functions"][:12]]
    lines += ["", "Top functions by own (wall) time per check (pyinstrument, aggregated):", ""]
    lines.append("| own ms/check | function | file |")
    lines.append("|---:|---|---|")
    for row in prof["flat"][:12]:
        lines.append(f"| {row['ms']:.2f} | `{row['function']}` | {row['file']} |")
    sections = [("`symptom_check_start`", prof["sql"])]
    sections += [(f"the whole `{name}` request", r["sql"]) for name, r in prof["requests"].items()]
    for title, rows in sections:
        lines += ["", f"SQL of {title} (ms as Django records them, whole ms; statement):", "", "```"]
        lines += [f"{q['ms']:6.2f}  {q['sql']}" for q in rows]
        lines += ["```"]
    lines += ["", "Call tree of one check:", "", "```"]
    lines += prof["tree"].rstrip().splitlines()
    lines += ["```"]
    return lines


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def verdicts(results: dict) -> list[str]:
    out = []
    for p in results["phases"]:
        if p["concurrency"] == 8 and "MedPortal" in p["target"]:
            ok = p["p99_ms"] < TARGET_P99_MS and p["errors"] == 0
            out.append(
                f"p99 < {TARGET_P99_MS:.0f} ms at concurrency 8, {p['target']}: {p['p99_ms']:.1f} ms "
                f"({'met' if ok else 'NOT met'})"
            )
    rows = results["memory"].get("medportal") or []
    if rows:
        worst = max(r["rss_mb"] for r in rows)
        out.append(
            f"RSS per MedPortal gunicorn worker < {TARGET_RSS_MB:.0f} MB: max {worst:.0f} MB "
            f"({'met' if worst < TARGET_RSS_MB else 'NOT met'})"
        )
    return out


# --- Django-side helpers (run in a subprocess with the production settings) --------------------


def _django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _setup(options: dict) -> dict:
    """Everything the servers need, in one Django process (each start-up costs seconds here):
    schema, cache table, static files, knowledge base, a promoted model, and patients with verified
    e-mail; API patients get a token, web patients a password (one hash reused: PBKDF2 is slow)."""
    _django()
    from io import StringIO

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from knox.models import AuthToken

    from accounts.models import Role
    from accounts.services import user_create

    steps = {}

    def step(name, *args, **kwargs):
        t0 = time.monotonic()
        buf = StringIO()
        call_command(*args, stdout=buf, **kwargs)
        steps[name] = round(time.monotonic() - t0, 1)
        return buf.getvalue()

    step("migrate", "migrate", interactive=False, verbosity=0)
    step("createcachetable", "createcachetable")
    if options.get("collectstatic"):
        step("collectstatic", "collectstatic", interactive=False, verbosity=0)
    step("load_knowledge_base", "load_knowledge_base")
    train = {"algorithms": "logistic_regression", "promote": True}
    if options.get("per_disease"):
        train["per_disease"] = options["per_disease"]
    trained = step("train_models", "train_models", **train)
    t0 = time.monotonic()
    encoded = make_password(PASSWORD)
    tokens, web = [], []
    n_api, n_web = options["api_users"], options["web_users"]
    with transaction.atomic():
        for i in range(max(1, n_api + n_web)):
            email = f"load{i:04d}@example.test"
            user = user_create(email=email, password=None, role=Role.PATIENT)
            user.password = encoded
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if i < n_api:
                tokens.append(AuthToken.objects.create(user=user)[1])
            elif i < n_api + n_web:
                web.append(email)
    steps["users"] = round(time.monotonic() - t0, 1)
    model = next((line for line in trained.splitlines() if line.startswith("Promoted")), "")
    return {
        "tokens": tokens,
        "web_emails": web,
        "profile_email": "load0000@example.test",
        "steps": steps,
        "model": model,
    }


def _count() -> dict:
    _django()
    from diagnosis.models import SymptomSession

    return {"sessions": SymptomSession.objects.count()}


def _sql_shape(sql: str) -> str:
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def _captured(queries) -> list[dict]:
    return [
        {"ms": float(q["time"]) * 1000, "sql": _sql_shape(q["sql"])[:150]} for q in queries.captured_queries
    ]


def _package(filename: str) -> str:
    """Which library (or our app) a profiled function belongs to."""
    if filename == "~":
        return "C built-ins (incl. psycopg/numpy C calls)"
    path = Path(filename)
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1].split(".")[0]
    with contextlib.suppress(ValueError):
        return f"MedPortal {path.relative_to(ROOT).parts[0]}/"
    return "Python stdlib"


def _plain_cpu(send, n: int = 300, rounds: int = 3) -> dict:
    """CPU time (time.process_time: this process only, so waits on PostgreSQL and other engineers'
    work on the shared cores are left out) per whole request, without a profiler; the best of
    `rounds` rounds of n requests, after 20 warm-up requests."""
    for i in range(20):
        send(i)
    per_round = []
    for _ in range(rounds):
        t0 = time.process_time()
        for i in range(n):
            send(i)
        per_round.append((time.process_time() - t0) * 1000 / n)
    return {"n": n, "rounds": [round(ms, 2) for ms in per_round], "ms_per_request": min(per_round)}


def _cpu_profile(send, n: int = 30) -> dict:
    """CPU time (not wall time: waits on PostgreSQL are left out) of n whole requests, by package and
    by function, with cProfile on time.process_time (profiling overhead inflates the absolute numbers)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)
    t0 = time.process_time()
    profiler.enable()
    for i in range(n):
        send(i)
    profiler.disable()
    total = time.process_time() - t0
    by_package: Counter = Counter()
    by_function: Counter = Counter()
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in pstats.Stats(profiler).stats.items():
        by_package[_package(filename)] += own
        short = "/".join(Path(filename).parts[-2:]) if filename != "~" else ""
        by_function[(function, short)] += own
    return {
        "n": n,
        "ms_per_request": total * 1000 / n,
        "packages": [
            {"package": k, "ms": v * 1000 / n, "share": v / total} for k, v in by_package.most_common(12)
        ],
        "functions": [
            {"function": f, "file": path, "ms": v * 1000 / n} for (f, path), v in by_function.most_common(15)
        ],
    }


def _profile(email: str, repeat: int = 30) -> dict:
    """One check in-process: SQL with timings, a pyinstrument tree, and own time over `repeat` checks;
    plus the SQL of one whole API request and one website form post (Django's test client)."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from knox.models import AuthToken
    from pyinstrument import Profiler

    from accounts.models import User
    from diagnosis.engine.knowledge import warm_reading
    from diagnosis.services import symptom_check_start

    sessions_before = _count()["sessions"]
    user = User.objects.get(email=email)
    inputs = [p for p in symptom_sets(80) if p["names"]]
    symptom_check_start(user=user, text="", chips=inputs[0]["names"])  # load snapshot and model
    warm_reading()  # word lists, as gunicorn's master loads them before forking
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        symptom_check_start(user=user, text="", chips=inputs[1]["names"])
        one_ms = (time.perf_counter() - t0) * 1000
    service_sql = _captured(queries)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    symptom_check_start(user=user, text="", chips=inputs[2]["names"])
    profiler.stop()
    tree = profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False)
    # Aggregate own time over several checks for a steadier flat table.
    flat_profiler = Profiler(interval=0.0002)
    t0 = time.perf_counter()
    flat_profiler.start()
    for i in range(repeat):
        symptom_check_start(user=user, text="", chips=inputs[3 + i % (len(inputs) - 3)]["names"])
    flat_profiler.stop()
    mean_ms = (time.perf_counter() - t0) * 1000 / repeat
    own: Counter = Counter()

    def walk(frame):
        if frame is None:
            return
        if frame.function and not frame.function.startswith("["):
            own[(frame.function, frame.file_path_short or "")] += frame.total_self_time
        for child in frame.children:
            walk(child)

    walk(flat_profiler.last_session.root_frame())
    flat = [
        {"function": fn, "file": path, "ms": seconds * 1000 / repeat}
        for (fn, path), seconds in own.most_common(25)
    ]

    # Whole requests through the middleware stack, as gunicorn runs them (minus the socket).
    _token, key = AuthToken.objects.create(user=user)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(user)
    requests = {}
    for name, send in (
        (
            "api",
            lambda p: api.post("/api/v1/checks/", {"symptoms": p["names"]}, content_type="application/json"),
        ),
        ("web", lambda p: web.post("/check/", {"text": "", "chips": ",".join(p["names"])})),
    ):
        send(inputs[-1])  # warm
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = send(inputs[-2])
            ms = (time.perf_counter() - t0) * 1000
        captured = _captured(queries)
        requests[name] = {
            "status": response.status_code,
            "ms": ms,
            "queries": len(captured),
            "commits": sum(1 for q in captured if q["sql"].startswith("COMMIT")),
            "sql_ms": sum(q["ms"] for q in captured),
            "sql": captured,
        }
    plain = _plain_cpu(
        lambda i: api.post(
            "/api/v1/checks/", {"symptoms": inputs[i % len(inputs)]["names"]}, content_type="application/json"
        )
    )
    cpu = _cpu_profile(
        lambda i: api.post(
            "/api/v1/checks/", {"symptoms": inputs[i % len(inputs)]["names"]}, content_type="application/json"
        )
    )
    shapes = Counter(q["sql"] for q in service_sql)
    return {
        "cpu": cpu,
        "plain": plain,
        "sessions_before": sessions_before,
        "repeat": repeat,
        "mean_ms": mean_ms,
        "one_ms": one_ms,
        "queries": len(service_sql),
        "duplicate_queries": sum(n - 1 for n in shapes.values() if n > 1),
        "sql_ms": sum(q["ms"] for q in service_sql),
        "sql": service_sql,
        "requests": requests,
        "tree": "\n".join(tree.splitlines()[:80]),
        "flat": flat,
    }


# --- command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_setup"]:
        print(json.dumps(_setup(json.loads(argv[1]))))
        return 0
    if argv[:1] == ["_count"]:
        print(json.dumps(_count()))
        return 0
    if argv[:1] == ["_profile"]:
        result = _profile(argv[1])
        print(result["tree"], file=sys.stderr)
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s per concurrency (default 20 s)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per concurrency")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--targets", default="api,web,flask", help="comma-separated: api, web, flask")
    parser.add_argument("--api-users", type=int, default=100)
    parser.add_argument("--web-users", type=int, default=24, help="at most 30: allauth limits logins per IP")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--profile-only",
        action="store_true",
        help="only the in-process profile (no gunicorn, no load); printed, written only with --output",
    )
    parser.add_argument(
        "--output", type=Path, default=None, help=f"markdown file (default {RESULTS_FILE} unless --quick)"
    )
    args = parser.parse_args(argv)
    config = Config(
        quick=args.quick,
        seconds=args.duration or (5.0 if args.quick else 20.0),
        warmup_seconds=2.0 if args.quick else 3.0,
        concurrencies=tuple(int(c) for c in args.concurrency.split(",") if c.strip()),
        targets=tuple(t.strip() for t in args.targets.split(",") if t.strip()),
        api_users=args.api_users,
        web_users=args.web_users,
        profile=not args.no_profile,
    )

    def on_term(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    if args.profile_only:
        try:
            results = run_profile_only()
        except KeyboardInterrupt:
            log("interrupted: everything started has been stopped")
            return 130
        if args.output:
            args.output.write_text(results["text"])
        return 0
    try:
        results = run(config)
    except KeyboardInterrupt:
        log("interrupted: everything started has been stopped")
        return 130
    output = args.output or (None if args.quick else RESULTS_FILE)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(results["text"])
        log(f"tables written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
