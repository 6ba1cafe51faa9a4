"""Key handling runs in subprocesses: the library builds its crypter once at import."""

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
step = sys.argv[1]
if step == "migrate":
    call_command("migrate", verbosity=0)
elif step == "write":
    user = user_create(email="keys@example.test", password="x-long-password-1")
    health_profile_update(user=user, sex="f", allergies=["penicillin"], medications=["warfarin"])
    print("written")
elif step == "read":
    profile = HealthProfile.objects.get(user__email="keys@example.test")
    print("allergies=" + ",".join(profile.allergies))
elif step == "rotate":
    call_command("rotate_encryption_key")
"""


def _run(step: str, db_path: Path, keys: list[bytes]) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medportal.settings.test",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "FIELD_ENCRYPTION_KEY": ",".join(k.decode() for k in keys),
    }
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, step], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory) -> Path:
    """An empty database with every migration applied, made once for this module (a migrate run in
    a subprocess was most of each test's time): no row is encrypted yet, so no key is in it."""
    db_path = tmp_path_factory.mktemp("keys-migrated") / "keys.sqlite3"
    migrated = _run("migrate", db_path, [Fernet.generate_key()])
    assert migrated.returncode == 0, migrated.stderr
    return db_path


@pytest.fixture
def db_with_profile(tmp_path, migrated_db):
    """A copy of the migrated database (with its WAL files, if the migrate left any) holding one
    patient's profile written under a fresh key."""
    old_key = Fernet.generate_key()
    db_path = tmp_path / "keys.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = migrated_db.with_name(migrated_db.name + suffix)
        if source.exists():
            shutil.copyfile(source, db_path.with_name(db_path.name + suffix))
    written = _run("write", db_path, [old_key])
    assert written.returncode == 0, written.stderr
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
    # Both keys listed, newest first: old rows stay readable before rotation.
    assert "allergies=penicillin" in _run("read", db_path, [new_key, old_key]).stdout
    rotated = _run("rotate", db_path, [new_key, old_key])
    assert rotated.returncode == 0, rotated.stderr
    assert "Rotation complete" in rotated.stdout
    # After rotation the new key alone reads everything; the old key alone no longer does.
    assert "allergies=penicillin" in _run("read", db_path, [new_key]).stdout
    assert _run("read", db_path, [old_key]).returncode != 0


def test_rotation_without_the_old_key_stops_with_a_message(db_with_profile):
    db_path, _ = db_with_profile
    result = _run("rotate", db_path, [Fernet.generate_key()])
    assert result.returncode != 0
    assert "could not be decrypted" in result.stderr
