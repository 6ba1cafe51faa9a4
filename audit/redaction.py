"""Keeps passwords, tokens, secrets and health values out of log output and error reports.

Wired in settings (LOGGING filters, DEFAULT_EXCEPTION_REPORTER_FILTER). This module is imported
while logging is configured, before the app registry is ready, so it imports no models.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from django.apps import apps
from django.views.debug import SafeExceptionReporterFilter

from medportal.encryption import all_encrypted_fields

REDACTED = "[redacted]"

# Key names whose values are never logged: any name containing one of these words...
SECRET_WORDS = (
    "password",
    "passwd",
    "token",
    "secret",
    "apikey",
    "authorization",
    "sessionid",
    "csrfmiddlewaretoken",
    "totp",
    "otp_code",
    "recovery_code",
)
# ...and "key" as a whole word or a suffix (key=, api_key, FIELD_ENCRYPTION_KEY; not KeyError), and
# "code" as a whole name: one-time codes (allauth's e-mail and login codes, TOTP) sit under it in the
# template contexts django.template logs at DEBUG; status_code and error codes are left alone.
_KEY_NAME = r"(?:(?:[\w-]*_)?key|code)\b"
# Health profile keys, known even before the app registry is ready; the encrypted fields of every
# model are added once it is (see ``sensitive_keys``).
HEALTH_WORDS = (
    "date_of_birth",
    "sex",
    "pregnancy",
    "pregnant",
    "allergies",
    "conditions",
    "medications",
    "height_cm",
    "weight_kg",
)

_VALUE = r"""(?:\[[^\]]*\]|\{[^}]*\}|"[^"]*"|'[^']*'|[^\s,;&}\])]+)"""
# Secret-like words also match inside longer names (new_password1, auth_token, SECRET_KEY).
_SECRET_NAMES = "|".join(SECRET_WORDS)
_SECRET_RE = re.compile(
    rf"""(?P<key>["']?(?:[\w-]*(?:{_SECRET_NAMES})[\w-]*|\b{_KEY_NAME})["']?\s*[:=]\s*){_VALUE}""",
    re.IGNORECASE,
)
# Paths that carry one-time keys (password reset, e-mail confirmation) and query strings.
_PATH_RES = (
    (re.compile(r"(/password/reset/key/)[^\s/\"']+", re.IGNORECASE), r"\1" + REDACTED),
    (re.compile(r"(/confirm-email/)[^\s/\"']+", re.IGNORECASE), r"\1" + REDACTED),
    (re.compile(r"(\s/[^\s?\"']*)\?[^\s\"']*"), r"\1?" + REDACTED),
)


def sensitive_keys() -> frozenset[str]:
    return _sensitive_keys(_apps_ready())


def _apps_ready() -> bool:
    return apps.ready


@lru_cache(maxsize=2)
def _sensitive_keys(ready: bool) -> frozenset[str]:
    keys = set(HEALTH_WORDS)
    if ready:
        for model in apps.get_models():
            keys.update(f.name for f in all_encrypted_fields(model))
    return frozenset(keys)


@lru_cache(maxsize=2)
def _health_re(keys: frozenset[str]) -> re.Pattern:
    names = "|".join(sorted((re.escape(k) for k in keys), key=len, reverse=True))
    return re.compile(rf"""(?P<key>["']?\b(?:{names})\b["']?\s*[:=]\s*){_VALUE}""", re.IGNORECASE)


def _is_secret_key(name: str) -> bool:
    lowered = name.lower()
    return (
        any(word in lowered for word in SECRET_WORDS)
        or re.fullmatch(_KEY_NAME, lowered) is not None
        or lowered in sensitive_keys()
    )


def redact_text(text: str) -> str:
    text = _SECRET_RE.sub(lambda m: m.group("key") + REDACTED, text)
    text = _health_re(sensitive_keys()).sub(lambda m: m.group("key") + REDACTED, text)
    for pattern, replacement in _PATH_RES:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value, depth: int = 0):
    """A copy of ``value`` with secret or health values of mappings replaced, strings scrubbed."""
    if depth > 5:
        return REDACTED
    if isinstance(value, dict):
        return {
            k: (REDACTED if isinstance(k, str) and _is_secret_key(k) else redact_value(v, depth + 1))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v, depth + 1) for v in value)
    if isinstance(value, str):
        return redact_text(value)
    return value


class RedactingFilter(logging.Filter):
    """Rewrites each record so the formatted message and traceback carry no secret or health value."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            # Mapping arguments lose their key names once formatted: scrub them by key first.
            record.args = redact_value(record.args)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log the template, not the arguments
            message = str(record.msg)
        record.msg = redact_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True


class HealthDataSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (admin e-mails) show no POST values and no frame variables: on this site any
    of them can be health data or a credential. Like Django's filter, inactive when DEBUG is on."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|REDIS_URL|EMAIL_URL", flags=re.I
    )

    def get_post_parameters(self, request):
        if request is None:
            return {}
        if not self.is_active(request):
            return request.POST
        cleansed = request.POST.copy()
        for key in cleansed:
            cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
