"""Content-Security-Policy additions for third-party pages we serve but do not write.

The site's policy (settings.CONTENT_SECURITY_POLICY) allows no inline script or style. Django's
admin and django-simple-history's history page carry a few fixed inline styles; rather than
'unsafe-inline', their admin pages allow exactly those, by hash, and nothing else:

- Django admin's change list has a ``<style>`` element when a model has no actions;
- django-simple-history's history list has one ``style`` attribute (allowed through
  ``style-src-attr`` with 'unsafe-hashes', which permits only attributes with that exact text).

The hashes are computed from the installed templates, so an upgrade that changes the text keeps
working and one that adds new inline code shows up as a console error in tests/e2e.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import re
from functools import cache
from pathlib import Path

ADMIN_PREFIX = "/admin/"


def csp_hash(text: str) -> str:
    """The CSP source expression that allows an inline script/style whose content is ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _template(package: str, relative: str) -> str:
    module = importlib.import_module(package)
    return (Path(module.__file__).parent / "templates" / relative).read_text(encoding="utf-8")


@cache
def admin_style_hashes() -> tuple[list[str], list[str]]:
    """(hashes of the admin's <style> elements, hashes of its style attributes)."""
    elements = re.findall(
        r"<style>(.*?)</style>", _template("django.contrib.admin", "admin/change_list.html"), re.S
    )
    attributes = re.findall(
        r'\sstyle="([^"]*)"', _template("simple_history", "simple_history/object_history_list.html")
    )
    return [csp_hash(e) for e in elements], [csp_hash(a) for a in attributes]


def admin_csp_update() -> dict[str, list[str]]:
    elements, attributes = admin_style_hashes()
    update: dict[str, list[str]] = {"style-src": elements}
    if attributes:
        # style-src-attr overrides style-src for attributes only: 'self' never applies to them.
        update["style-src-attr"] = ["'unsafe-hashes'", *attributes]
    return update


class AdminCSPMiddleware:
    """Adds the admin's inline-style hashes to the policy on /admin/ responses only.

    Sits after csp.middleware.CSPMiddleware, so it sees the response first and leaves the update
    where CSPMiddleware reads it (the attribute django-csp's ``csp_update`` decorator sets)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(ADMIN_PREFIX) and getattr(response, "_csp_update", None) is None:
            response._csp_update = admin_csp_update()
        return response
