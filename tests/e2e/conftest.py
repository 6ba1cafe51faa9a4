"""Browser tests: Debian's Chromium driven by Playwright against a live Django server.

Chromium runs headless with the networking flags that stop it from calling home (the network is
closed on test machines, and a test must never depend on it). Screenshots of the main pages land in test-artifacts/.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls in the test
# body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (.ci/run installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-gpu",
            "--no-first-run",
        ],
    }


@pytest.fixture
def kb_live(live_server, transactional_db, kb_load):
    """live_server flushes the database between tests; reload the knowledge base each time (from
    the files read once per run)."""
    from diagnosis.selectors import clear_snapshot

    kb_load()
    clear_snapshot()
    return live_server


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
