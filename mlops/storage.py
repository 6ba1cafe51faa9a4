"""A Django storage that keeps model artefacts in the database, next to the model registry.

Why a small class of our own: the database storages on PyPI either store files as base64 text
(django-db-file-storage: a third larger, and its model and URL view are for user uploads) or also
mirror every file into a local directory by name (django-binary-database-files), which would be a
second, unverified cache beside ours (``mlops.artefacts``, keyed by checksum). What is needed here
is write-once bytes by name: about fifty lines on ``ModelArtefact``.

The backend is a setting (``STORAGES["models"]``): an S3-compatible store through django-storages
replaces it without a code change.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from .models import ModelArtefact


@deconstructible
class DatabaseStorage(Storage):
    """Write-once files in ``mlops.ModelArtefact`` (never served over HTTP: ``url`` refuses)."""

    @staticmethod
    def _rows():
        return ModelArtefact.objects

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("model artefacts are written with save(), never opened for writing")
        content = self._rows().filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content) -> str:
        if hasattr(content, "chunks"):
            data = b"".join(content.chunks())
        else:
            data = content.read()
        if isinstance(data, str):
            data = data.encode()
        self._rows().create(name=name, content=data, size=len(data))
        return name

    def exists(self, name: str) -> bool:
        return self._rows().filter(name=name).exists()

    def delete(self, name: str) -> None:
        self._rows().filter(name=name).delete()

    def size(self, name: str) -> int:
        size = self._rows().filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        names = self._rows().filter(name__startswith=prefix).values_list("name", flat=True)
        dirs, files = set(), []
        for name in names:
            rest = name[len(prefix) :]
            if "/" in rest:
                dirs.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(dirs), sorted(files)

    def get_created_time(self, name: str):
        created = self._rows().filter(name=name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(name)
        return created

    get_modified_time = get_created_time

    def url(self, name: str) -> str:
        raise NotImplementedError("model artefacts are not served over HTTP")
