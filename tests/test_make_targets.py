"""`make test-integration-e2e` (what `make test` and CI run after the unit run) reports and fails on
each of its three runs. The runs are replaced by shell commands, so this checks the recipe's
plumbing, not the suites: a run that fails must fail the target, and every run's output is printed."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _run(integration: str, e2e: str, benchmarks: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "make",
            "-s",
            "-o",
            ".venv/.installed",
            "-o",
            "frontend",
            "-o",
            "static/vendor/nhsuk/nhsuk.css",
            "test-integration-e2e",
            f"INTEGRATION_TESTS={integration}",
            f"E2E_TESTS={e2e}",
            f"BENCHMARK_TESTS={benchmarks}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_all_three_runs_pass_and_print():
    result = _run("echo ran-integration", "echo ran-e2e", "echo ran-benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
    for line in ("[integration] ran-integration", "[e2e] ran-e2e", "[benchmarks] ran-benchmarks"):
        assert line in result.stdout
    assert "integration exit 0, e2e exit 0, benchmarks exit 0" in result.stdout


@pytest.mark.parametrize("failing", ["integration", "e2e", "benchmarks"])
def test_any_failing_run_fails_the_target_and_the_others_are_still_reported(failing):
    commands = {name: f"echo ran-{name}" for name in ("integration", "e2e", "benchmarks")}
    commands[failing] = "false"
    result = _run(**commands)
    assert result.returncode != 0
    assert f"{failing} exit 1" in result.stdout, result.stdout
    for name in commands.keys() - {failing}:
        assert f"[{name}] ran-{name}" in result.stdout


def test_no_tests_collected_counts_as_success():
    result = _run("sh -c 'exit 5'", "echo ran-e2e", "sh -c 'exit 5'")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "integration exit 0, e2e exit 0, benchmarks exit 0" in result.stdout
