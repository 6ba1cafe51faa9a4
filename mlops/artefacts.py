"""Where model artefacts live: one storage every host sees, and a read-through cache per host.

The bytes are written once to ``STORAGES["models"]`` (the database by default, next to the
registry; an S3-compatible store by setting). A host that needs a version reads
``MODEL_CACHE_DIR/<checksum>.skops``; on a miss, or when the cached copy fails its checksum, it
fetches the bytes from the storage, checks them against the registry's checksum and only then
writes them to the cache. So a version promoted on one host is loaded by every other on its next
request, and neither a tampered cache file nor a tampered stored copy is ever unpickled.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from diagnosis.engine.artefacts import ArtefactError, load_artefact, serialise, sha256_of, write_atomic

from .models import ModelVersion

logger = logging.getLogger(__name__)

STORAGE_ALIAS = "models"


def artefact_storage():
    return storages[STORAGE_ALIAS]


def _cache_path(checksum: str) -> Path:
    return Path(settings.MODEL_CACHE_DIR) / f"{checksum}.skops"


def artefact_save(payload: dict, name: str) -> tuple[str, str]:
    """Serialise ``payload`` with skops, store it under ``name`` and put it in this host's cache.

    Returns (the name the storage chose, the SHA-256 the registry must keep)."""
    data, checksum = serialise(payload)
    stored = artefact_storage().save(name, ContentFile(data))
    write_atomic(Path(settings.MODEL_CACHE_DIR), _cache_path(checksum).name, data)
    return stored, checksum


def artefact_local_path(name: str, checksum: str) -> Path:
    """This host's verified copy of the artefact, fetched from the storage on a cache miss."""
    if not checksum:
        raise ArtefactError(f"artefact {name} has no checksum in the registry")
    path = _cache_path(checksum)
    if path.exists():
        if sha256_of(path) == checksum:
            return path
        logger.warning("cached copy of artefact %s failed its checksum: fetching it again", name)
        path.unlink(missing_ok=True)
    try:
        with artefact_storage().open(name, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise ArtefactError(f"artefact {name} is missing") from None
    except Exception as exc:  # an unreachable store must not crash a request: serving falls back
        raise ArtefactError(f"artefact {name} could not be fetched ({exc.__class__.__name__})") from exc
    if hashlib.sha256(data).hexdigest() != checksum:
        raise ArtefactError(f"artefact {name} failed its checksum (altered or corrupt)")
    return write_atomic(path.parent, path.name, data)


def artefact_load(name: str, checksum: str) -> dict:
    """The artefact's payload, through this host's cache (skops, type allow-list, checksum)."""
    return load_artefact(artefact_local_path(name, checksum), checksum, name=name)


def artefact_release(name: str) -> None:
    """Delete a stored artefact that no registered version names any more (after a version is
    deleted in the admin); the hosts' cached copies are left, as any host's cache may be emptied."""
    if name and not ModelVersion.objects.filter(artefact_path=name).exists():
        artefact_storage().delete(name)


@receiver(post_delete, sender=ModelVersion, dispatch_uid="mlops.artefacts.release")
def _release_on_delete(sender, instance: ModelVersion, **kwargs) -> None:
    """A deleted version's artefact leaves the shared storage once the deletion commits."""
    transaction.on_commit(lambda: artefact_release(instance.artefact_path))


def artefacts_import_directory(directory: Path) -> dict[str, int]:
    """Copy the artefacts of registered versions that are still only files in ``directory`` (the
    local ``MODEL_STORE_DIR`` of earlier releases) into the storage, each checked against its
    registry checksum first. Idempotent: what the storage holds already is left alone."""
    storage = artefact_storage()
    counts = {"imported": 0, "present": 0, "missing": 0, "mismatched": 0}
    for mv in ModelVersion.objects.exclude(artefact_path="").order_by("pk"):
        name = mv.artefact_path
        if storage.exists(name):
            counts["present"] += 1
            continue
        path = Path(name) if Path(name).is_absolute() else Path(directory) / name
        if not path.is_file():
            counts["missing"] += 1
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != mv.checksum:
            logger.error("not imported: %s does not match %s's checksum", path, mv.label)
            counts["mismatched"] += 1
            continue
        stored = storage.save(name if not Path(name).is_absolute() else path.name, ContentFile(data))
        if stored != mv.artefact_path:
            ModelVersion.objects.filter(pk=mv.pk).update(artefact_path=stored)
        counts["imported"] += 1
    return counts
