"""benchmarks/load.py's core in a tiny quick run: it starts, drives every path, and stops everything.

What the run measures (commit latency, the production calibration size) is the benchmark's business,
not this test's: here its PostgreSQL runs without fsync, as every other test cluster does, and the
model it trains calibrates on the test settings' 1,000 patients per cell instead of 3,000. Most of
the run was setup (migrating a durable cluster, training); the paths driven are the same.
"""

import contextlib
from io import StringIO

import psutil
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_quick_load_run_completes_without_errors_and_stops_everything(
    postgres_required, redis_required, monkeypatch
):
    from benchmarks import load
    from benchmarks.load import Config, run

    # A few users send hundreds of checks each: lift the per-user daily cap for the servers the run
    # starts (they inherit this environment through scripts/with_services.loopback_production_env).
    monkeypatch.setenv("CHECKS_PER_DAY", "0")
    monkeypatch.setenv("CONFORMAL_CALIBRATION_PER_CELL", "1000")

    @contextlib.contextmanager
    def cluster_without_fsync():
        with load.postgres_server(
            durable=False, options="-c max_connections=200", prefix_name="medportal-load-pg-"
        ) as pg:
            assert pg is not None, "PostgreSQL is not installed"
            yield pg

    monkeypatch.setattr(load, "postgres_cluster", cluster_without_fsync)

    config = Config(
        quick=True,
        seconds=1.5,
        warmup_seconds=1.0,
        concurrencies=(1, 4),
        api_users=8,
        web_users=4,
        per_disease=120,  # small, yet big enough to pass the promotion gates: this checks the machinery
        profile=False,
        workers=2,
        threads=2,
    )
    out = StringIO()
    results = run(config, out=out)

    phases = results["phases"]
    assert [(p["target"].split()[0], p["concurrency"]) for p in phases] == [
        ("MedPortal", 1),
        ("MedPortal", 4),
        ("MedPortal", 1),
        ("MedPortal", 4),
        ("Seed-style", 1),
        ("Seed-style", 4),
    ]
    for p in phases:
        assert p["errors"] == 0, p
        assert p["ok"] > 0 and p["p99_ms"] > 0, p
    assert results["health"]["status"] == "ok"
    assert results["health"]["model"]["serving"].startswith("diagnosis-v1")
    medportal_ok = sum(p["ok"] for p in phases if p["target"].startswith("MedPortal"))
    assert results["stored_sessions"] >= medportal_ok  # plus the warm-up's
    assert len(results["memory"]["medportal"]) == 2 and len(results["memory"]["flask"]) == 2
    assert all(row["rss_mb"] > 0 for rows in results["memory"].values() for row in rows)
    assert "| path | concurrency |" in out.getvalue()
    # Both gunicorn masters (and so their workers) are gone.
    for pid in results["pids"]:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
