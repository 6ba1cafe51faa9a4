"""Model artefacts in the shared storage (STORAGES["models"]) and each host's cache by checksum."""

from __future__ import annotations

import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diagnosis.engine.artefacts import ArtefactError
from diagnosis.engine.predictor import clear_model_cache, current_model
from mlops.artefacts import (
    artefact_load,
    artefact_local_path,
    artefact_save,
    artefact_storage,
    artefacts_import_directory,
)
from mlops.models import ModelArtefact
from mlops.storage import DatabaseStorage

pytestmark = pytest.mark.django_db


def test_the_database_storage_keeps_bytes_by_name():
    storage = DatabaseStorage()
    name = storage.save("diagnosis-abc.skops", ContentFile(b"\x00\x01bytes"))
    assert name == "diagnosis-abc.skops" and storage.exists(name) and storage.size(name) == 7
    with storage.open(name) as fh:
        assert fh.read() == b"\x00\x01bytes"
    assert storage.listdir("") == ([], [name])
    # Write-once: a second save under the same name gets a new name, the first stays as it was.
    other = storage.save(name, ContentFile(b"other"))
    assert other != name and storage.open(name).read() == b"\x00\x01bytes"
    with pytest.raises(NotImplementedError):
        storage.url(name)
    with pytest.raises(ValueError):
        storage.open(name, "wb")
    storage.delete(name)
    assert not storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)


def test_the_models_storage_is_the_database_by_default():
    assert isinstance(artefact_storage(), DatabaseStorage)


def test_a_registered_version_is_stored_and_cached_by_its_checksum(trained_champion, settings):
    stored = bytes(ModelArtefact.objects.get(name=trained_champion.artefact_path).content)
    assert hashlib.sha256(stored).hexdigest() == trained_champion.checksum
    cached = Path(settings.MODEL_CACHE_DIR) / f"{trained_champion.checksum}.skops"
    assert cached.read_bytes() == stored
    assert not list(Path(settings.MODEL_CACHE_DIR).glob(".tmp-*"))


def test_a_cache_miss_fetches_from_the_storage_and_a_hit_does_not(
    trained_champion, settings, tamper_artefact
):
    stored = bytes(ModelArtefact.objects.get(name=trained_champion.artefact_path).content)
    tamper_artefact(trained_champion, stored)  # same bytes; only this host's cache is emptied
    with CaptureQueriesContext(connection) as miss:
        path = artefact_local_path(trained_champion.artefact_path, trained_champion.checksum)
    assert path == Path(settings.MODEL_CACHE_DIR) / f"{trained_champion.checksum}.skops"
    assert path.read_bytes() == stored and len(miss) == 1
    with CaptureQueriesContext(connection) as hit:
        payload = artefact_load(trained_champion.artefact_path, trained_champion.checksum)
    assert len(hit) == 0 and hasattr(payload["estimator"], "predict_proba")


def test_a_tampered_cache_file_is_fetched_again_from_the_storage(trained_champion, settings):
    cached = Path(settings.MODEL_CACHE_DIR) / f"{trained_champion.checksum}.skops"
    cached.write_bytes(b"tampered on this host")
    payload = artefact_load(trained_champion.artefact_path, trained_champion.checksum)
    assert payload["classes"]
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == trained_champion.checksum


def test_a_tampered_stored_copy_is_refused_and_never_cached(trained_champion, settings, tamper_artefact):
    tamper_artefact(trained_champion, b"not a zip file")
    with pytest.raises(ArtefactError, match="checksum"):
        artefact_load(trained_champion.artefact_path, trained_champion.checksum)
    assert not Path(settings.MODEL_CACHE_DIR).exists() or not any(Path(settings.MODEL_CACHE_DIR).iterdir())


def test_a_version_with_no_checksum_is_refused(trained_champion):
    with pytest.raises(ArtefactError, match="no checksum"):
        artefact_load(trained_champion.artefact_path, "")


def test_the_storage_is_swapped_by_setting_alone(settings, tmp_path):
    """What an S3 store through django-storages would be: another backend under STORAGES["models"]."""
    settings.STORAGES = {
        **settings.STORAGES,
        "models": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "bucket")},
        },
    }
    name, checksum = artefact_save({"estimator": [1, 2, 3]}, "ranker-x.skops")
    settings.MODEL_CACHE_DIR = tmp_path / "another-host"
    assert artefact_load(name, checksum) == {"estimator": [1, 2, 3]}
    assert (tmp_path / "bucket" / name).is_file()
    assert not ModelArtefact.objects.exists()


def test_a_check_costs_one_query_to_learn_the_champion_is_unchanged(snapshot, trained_champion):
    clear_model_cache()
    assert current_model(snapshot).version_id == trained_champion.pk
    with CaptureQueriesContext(connection) as queries:
        assert current_model(snapshot).version_id == trained_champion.pk
    assert len(queries) == 1, [q["sql"] for q in queries]


def _legacy_file(mv, directory: Path) -> bytes:
    """Move a version's artefact out of the storage into a directory, as an earlier release kept it."""
    row = ModelArtefact.objects.get(name=mv.artefact_path)
    data = bytes(row.content)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / mv.artefact_path).write_bytes(data)
    row.delete()
    return data


def test_artefacts_left_in_the_old_directory_are_imported_once(trained_champion, settings, tmp_path):
    data = _legacy_file(trained_champion, Path(settings.MODEL_STORE_DIR))
    assert artefacts_import_directory(settings.MODEL_STORE_DIR) == {
        "imported": 1,
        "present": 0,
        "missing": 0,
        "mismatched": 0,
    }
    assert bytes(ModelArtefact.objects.get(name=trained_champion.artefact_path).content) == data
    assert artefacts_import_directory(settings.MODEL_STORE_DIR)["present"] == 1
    assert ModelArtefact.objects.count() == 1


def test_an_old_file_that_fails_its_checksum_is_not_imported(trained_champion, settings):
    _legacy_file(trained_champion, Path(settings.MODEL_STORE_DIR))
    (Path(settings.MODEL_STORE_DIR) / trained_champion.artefact_path).write_bytes(b"altered")
    assert artefacts_import_directory(settings.MODEL_STORE_DIR)["mismatched"] == 1
    assert not artefact_storage().exists(trained_champion.artefact_path)


def test_ensure_model_imports_an_existing_registry_before_looking_for_a_champion(
    snapshot, trained_champion, settings, tmp_path
):
    _legacy_file(trained_champion, Path(settings.MODEL_STORE_DIR))
    settings.MODEL_CACHE_DIR = tmp_path / "fresh-host"
    out = StringIO()
    call_command("ensure_model", stdout=out)
    assert "1 imported" in out.getvalue() and trained_champion.label in out.getvalue()
    clear_model_cache()
    assert current_model(snapshot).version_id == trained_champion.pk


def test_deleting_a_version_deletes_its_stored_artefact(trained_champion, django_capture_on_commit_callbacks):
    from mlops.models import ModelVersion

    archived = ModelVersion.objects.get(pk=trained_champion.pk)
    ModelVersion.objects.filter(pk=archived.pk).update(alias=ModelVersion.Alias.ARCHIVED)
    assert artefact_storage().exists(archived.artefact_path)
    with django_capture_on_commit_callbacks(execute=True):
        archived.delete()
    assert not artefact_storage().exists(archived.artefact_path)
