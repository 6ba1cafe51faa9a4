"""Key handling runs in subprocesses: the library builds its crypter once at import.

Each subprocess starts Django (seconds under load), so one subprocess runs every step that uses the
same keys, in order; a new subprocess only where the keys change."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import sys, django
django.setup()
from django.core.management import call_command
from accounts.models import HealthProfile
from accounts.services import user_create, health_profile_update
for step in sys.argv[1:]:
    if step == "migrate":
        call_command("migrate", verbosity=0)
    elif step == "write":
        user = user_create(email="keys@example.test", password="x-long-password-1")
        health_profile_update(user=user, sex="f", allergies=["penicillin"], medications=["warfarin"])
        print("written")
    elif step == "read":
        profile = HealthProfile.objects.get(user__email="keys@example.test")
        print("allergies=" + ",".join(profile.allergies), flush=True)
    elif step == "rotate":
        call_command("rotate_encryption_key")
"""


def _run(steps: str, db_path: Path, keys: list[bytes]) -> subprocess.CompletedProcess:
    """Run the space-separated `steps` in one subprocess on `db_path` with FIELD_ENCRYPTION_KEY=keys."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medportal.settings.test",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "FIELD_ENCRYPTION_KEY": ",".join(k.decode() for k in keys),
    }
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *steps.split()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def written_db(tmp_path_factory) -> tuple[Path, bytes]:
    """A database with every migration applied and one patient's profile written under a fresh key,
    made once for this module in one subprocess (a migrate and a write per test were most of this
    file's time)."""
    key = Fernet.generate_key()
    db_path = tmp_path_factory.mktemp("keys-written") / "keys.sqlite3"
    written = _run("migrate write", db_path, [key])
    assert written.returncode == 0, written.stderr
    assert "written" in written.stdout
    return db_path, key


@pytest.fixture
def db_with_profile(tmp_path, written_db):
    """This test's own copy of the module's database (with its WAL files, if any): what one test
    rotates, no other test sees."""
    source_db, old_key = written_db
    db_path = tmp_path / "keys.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = source_db.with_name(source_db.name + suffix)
        if source.exists():
            shutil.copyfile(source, db_path.with_name(db_path.name + suffix))
    return db_path, old_key


def test_wrong_key_fails_loudly_instead_of_returning_ciphertext(db_with_profile):
    db_path, _ = db_with_profile
    result = _run("read", db_path, [Fernet.generate_key()])
    assert result.returncode != 0
    assert "EncryptionKeyError" in result.stderr
    assert "gAAAAA" not in result.stdout


def test_rotation_keeps_every_value_readable_and_drops_the_old_key(db_with_profile):
    db_path, old_key = db_with_profile
    new_key = Fernet.generate_key()
    # Both keys listed, newest first: old rows stay readable before rotation (read, then rotate,
    # in one process: the same keys).
    rotated = _run("read rotate", db_path, [new_key, old_key])
    assert rotated.returncode == 0, rotated.stderr
    out = rotated.stdout
    assert "allergies=penicillin" in out and "Rotation complete" in out, out
    assert out.index("allergies=penicillin") < out.index("Rotation complete"), out
    # After rotation the new key alone reads everything; the old key alone no longer does.
    assert "allergies=penicillin" in _run("read", db_path, [new_key]).stdout
    assert _run("read", db_path, [old_key]).returncode != 0


def test_rotation_without_the_old_key_stops_with_a_message(db_with_profile):
    db_path, _ = db_with_profile
    result = _run("rotate", db_path, [Fernet.generate_key()])
    assert result.returncode != 0
    assert "could not be decrypted" in result.stderr
