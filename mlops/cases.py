"""How a training case is stored without naming anyone: keyed hashes instead of links to checks and
people, and the age band instead of the age.

Shared by the writes (``services``), the reads (``selectors``: a user's data export), the importer
and the training sets, so none of them imports another for it.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.crypto import salted_hmac

from diagnosis.models import SymptomSession

# Salts of the keyed hashes (frozen copies live in migration 0006: change neither alone).
CHECK_KEY_SALT = "mlops.TrainingCase.check_key"
FINGERPRINT_SALT = "mlops.TrainingCase.fingerprint"


def _keyed_hash(salt: str, value: str, secret: str | None = None) -> str:
    """HMAC-SHA256 with a key derived from SECRET_KEY and a per-purpose salt (Django's salted_hmac)."""
    return salted_hmac(salt, value, secret=secret or settings.SECRET_KEY, algorithm="sha256").hexdigest()


def training_check_key(session_pk: int, *, secret: str | None = None) -> str:
    """The keyed hash a training case keeps instead of a link to the check it came from."""
    return _keyed_hash(CHECK_KEY_SALT, str(session_pk), secret)


def training_fingerprint(*, condition: str, symptoms, age_band: str = "", sex: str = "") -> str:
    """Keyed, so that nobody can recover a short symptom list by hashing every combination."""
    return _keyed_hash(FINGERPRINT_SALT, json.dumps([condition, sorted(symptoms), age_band or "", sex or ""]))


def training_check_keys(*, user) -> list[str]:
    """Every key the user's checks may be stored under: the current SECRET_KEY's and, after a key
    rotation, those of SECRET_KEY_FALLBACKS (rotating without keeping the old key there would
    leave old cases unreachable for a withdrawal)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    pks = SymptomSession.objects.filter(user=user).values_list("pk", flat=True)
    return [training_check_key(pk, secret=secret) for pk in pks for secret in secrets]


def chunked(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def band_age(band: str) -> int | None:
    """The youngest age of an age band ("40-64" -> 40, "65+" -> 65; "" -> None). Training cases
    store only the band, and the features only look at the band, so any age in it is the same to a
    model."""
    if not band:
        return None
    return int(band.rstrip("+").split("-")[0])
