"""Deployment checks for accounts (``manage.py check --deploy``).

Imported by production settings for the backend list, so it imports nothing that needs settings.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Backends that print mail (password-reset and confirmation links end up in the log) or drop it.
NON_DELIVERING_EMAIL_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)
FILE_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@register(Tags.security, deploy=True)
def email_backend_delivers(app_configs, **kwargs):
    backend = getattr(settings, "EMAIL_BACKEND", "")
    if backend in NON_DELIVERING_EMAIL_BACKENDS:
        return [
            Error(
                f"EMAIL_BACKEND is {backend}: password-reset and e-mail-confirmation links would be "
                "printed to the log (an account takeover for anyone who reads it) or never sent.",
                hint="Set EMAIL_URL to a real mail server, e.g. smtp+tls://user:password@host:587.",
                id="accounts.E001",
            )
        ]
    if backend == FILE_EMAIL_BACKEND:
        return [
            Warning(
                "EMAIL_BACKEND writes mail, with its reset and confirmation links, to files "
                f"in {getattr(settings, 'EMAIL_FILE_PATH', '?')} instead of sending it.",
                hint="Fine for make prod on one machine; set EMAIL_URL to a mail server for real use.",
                id="accounts.W002",
            )
        ]
    return []
