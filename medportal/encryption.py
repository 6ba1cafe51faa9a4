"""Encrypted model fields that fail loudly on a wrong key.

django-encrypted-model-fields swallows ``InvalidToken`` and hands back the ciphertext
(or raises a confusing ValidationError for dates and numbers), so a mis-configured
FIELD_ENCRYPTION_KEY would silently show ``gAAAAA...`` to patients or save it again.
These subclasses decrypt values coming from the database strictly.
"""

import json

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from encrypted_model_fields import fields as emf


class EncryptionKeyError(ImproperlyConfigured):
    """Stored health data cannot be decrypted with the configured keys."""


class _StrictDecryptMixin:
    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            plain = emf.decrypt_str(value)
        except InvalidToken as exc:
            raise EncryptionKeyError(
                "Stored health data could not be decrypted: FIELD_ENCRYPTION_KEY does not contain "
                "the key it was written with. List the new key first and the old key after it."
            ) from exc
        # Skip EncryptedMixin.to_python (it would try to decrypt again) and convert the plain text.
        return super(emf.EncryptedMixin, self).to_python(plain)


class EncryptedCharField(_StrictDecryptMixin, emf.EncryptedCharField):
    pass


class EncryptedTextField(_StrictDecryptMixin, emf.EncryptedTextField):
    pass


class EncryptedDateField(_StrictDecryptMixin, emf.EncryptedDateField):
    pass


class EncryptedPositiveSmallIntegerField(_StrictDecryptMixin, emf.EncryptedPositiveSmallIntegerField):
    def get_db_prep_value(self, value, connection, prepared=False):
        # IntegerField would ask the backend to adapt the value for a "TextField" column, which
        # PostgreSQL's backend cannot do (KeyError); the value is encrypted as text anyway.
        return value if prepared else self.get_prep_value(value)


class EncryptedJSONTextField(EncryptedTextField):
    """A list stored as encrypted JSON text (the library has no JSON field)."""

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return None if text is None else json.loads(text or "[]")

    def to_python(self, value):
        if value is None or isinstance(value, (list, dict)):
            return value
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            return value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))


def all_encrypted_fields(model) -> list:
    """The encrypted concrete fields of a model (used by key rotation and checks)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, emf.EncryptedMixin)]


def encrypt_json(value) -> str:
    """Encrypt a JSON-serialisable value with the field key, for health data kept outside a model
    field (a guest's symptom check in the Django session, which is a plain database row)."""
    return emf.encrypt_str(json.dumps(value)).decode("ascii")


def decrypt_json(token: str):
    """The value ``encrypt_json`` wrote; None when it cannot be read (a rotated key, a tampered or
    truncated value): the caller treats that as nothing stored."""
    try:
        return json.loads(emf.decrypt_str(token))
    except (InvalidToken, TypeError, ValueError, AttributeError):
        return None
