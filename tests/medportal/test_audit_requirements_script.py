"""scripts/audit_requirements.sh never passes when nothing could be checked."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens, connections are refused


@pytest.mark.parametrize("service", ["pypi", "osv"])
def test_an_unreachable_vulnerability_source_is_a_clear_failure_not_a_pass(service):
    env = {
        **os.environ,
        "HTTPS_PROXY": UNREACHABLE,
        "HTTP_PROXY": UNREACHABLE,
        "https_proxy": UNREACHABLE,
        "http_proxy": UNREACHABLE,
        "NO_PROXY": "",
        "no_proxy": "",
        "AUDIT_VULNERABILITY_SERVICE": service,
        "AUDIT_TIMEOUT": "5",
    }
    result = subprocess.run(
        [str(ROOT / "scripts" / "audit_requirements.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "NOT CHECKED" in result.stderr
    assert ("pypi.org" if service == "pypi" else "api.osv.dev") in result.stderr  # which source failed
    assert "No known vulnerabilities" not in output
