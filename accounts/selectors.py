"""Reads for accounts. Health data is only ever read for its owner."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from medportal.encryption import all_encrypted_fields

from .models import HealthProfile, User
from .personal_data import personal_data_handlers


def health_profile_for_user(*, user: User) -> HealthProfile | None:
    return HealthProfile.objects.filter(user=user).first()


def _profile_of(user: User):
    """The user's profile (None without one); for a check started through the API, the one the
    token look-up loaded in this request with the user (``health_profile_with_token``, set by
    medportal.api.TokenAuthentication), so it costs no query of its own."""
    if hasattr(user, "health_profile_with_token"):
        return user.health_profile_with_token
    return health_profile_for_user(user=user)


def profile_snapshot(*, user: User | None) -> dict:
    """The non-identifying facts a check needs: age, age band, sex and pregnancy."""
    profile = _profile_of(user) if user and user.is_authenticated else None
    if profile is None:
        return {"age": None, "age_band": "", "sex": "", "pregnant": False, "pregnancy": "", "notes": []}
    return {
        "age": profile.age(),
        "age_band": profile.age_band,
        "sex": profile.sex,
        "pregnant": profile.is_pregnant,
        "pregnancy": profile.pregnancy,
        # Free-text entries ("I'm pregnant", "breastfeeding") the triage layer reads for pregnancy.
        "notes": [str(x) for x in [*(profile.conditions or []), *(profile.medications or [])]],
    }


# --- personal data export -------------------------------------------------------------------

# Fields never exported, whatever model they are on: credentials, one-time keys and token digests.
_SECRET_FIELD_RE = re.compile(
    r"password|secret|token|^key$|(api|private|signing)_key|otp|recovery|digest", re.IGNORECASE
)
# Models whose rows hold secrets in innocuously named fields: only these fields are exported.
_EXPORT_ONLY_FIELDS = {
    "mfa.authenticator": ("id", "type", "created_at", "last_used_at"),
}
# Links that do not cascade but still make the row the user's own: their audit events are about
# what they did (and by design hold no one's health content). Training cases have no link to a
# person at all; the export finds them through the keyed hash of each check (mlops.selectors).
_OWNER_LINKS = {("audit.auditevent", "actor")}
_MAX_PATH_HOPS = 3


@dataclass(frozen=True)
class UserDataPath:
    """An ORM lookup from a model to the user (``session__user``).

    ``owned`` when every hop cascades on delete: the row belongs to the user (their check, their
    rating) and is exported in full. Otherwise the user only acted on it (a clinician who claimed
    a review, an admin who edited the knowledge base): the row is someone else's, so only its id,
    the link and its dates are exported.
    """

    lookup: str
    owned: bool


def personal_data_models() -> dict[type[models.Model], list[UserDataPath]]:
    """Every model with a foreign-key, one-to-one or many-to-many path to the user, found from the
    models' ``_meta`` so a model added later is exported without touching this code."""
    found: dict[type[models.Model], list[UserDataPath]] = {}
    frontier: list[tuple[type[models.Model], str, bool]] = [(User, "", True)]
    while frontier:
        target, target_lookup, target_owned = frontier.pop(0)
        for model in apps.get_models():
            if model._meta.proxy or model is User:
                continue
            for field in model._meta.get_fields():
                if not (field.is_relation and (field.concrete or field.many_to_many)) or field.auto_created:
                    continue
                if field.related_model is not target:
                    continue
                lookup = f"{field.name}__{target_lookup}" if target_lookup else field.name
                if lookup.count("__") >= _MAX_PATH_HOPS:
                    continue
                on_delete = getattr(field.remote_field, "on_delete", None)
                owned = target_owned and (
                    on_delete is models.CASCADE or (model._meta.label_lower, field.name) in _OWNER_LINKS
                )
                paths = found.setdefault(model, [])
                if any(p.lookup == lookup for p in paths):
                    continue
                paths.append(UserDataPath(lookup, owned))
                frontier.append((model, lookup, owned))
    return found


def _exportable_fields(model, owned: bool, link_fields: set[str]) -> list:
    only = _EXPORT_ONLY_FIELDS.get(model._meta.label_lower)
    encrypted = set(all_encrypted_fields(model))
    fields = []
    for field in model._meta.concrete_fields:
        if only is not None and field.name not in only:
            continue
        if _SECRET_FIELD_RE.search(field.name):
            continue
        if not owned and not (
            field.primary_key
            or field.name in link_fields
            or (isinstance(field, models.DateField) and field not in encrypted)
        ):
            continue
        fields.append(field)
    return fields


def _row(obj, fields) -> dict:
    row = {}
    for field in fields:
        value = getattr(obj, field.attname)
        row[field.name] = value
        if field.choices and not field.is_relation:
            row[f"{field.name}_display"] = str(dict(field.flatchoices).get(value, value))
    return row


def _records(model, paths: list[UserDataPath], user: User) -> list[dict]:
    def q_for(selected):
        q = models.Q(pk__in=[])
        for path in selected:
            q |= models.Q(**{path.lookup: user})
        return q

    owned_paths = [p for p in paths if p.owned]
    linked_paths = [p for p in paths if not p.owned]
    manager = model._base_manager
    rows: list[dict] = []
    owned_pks: set = set()
    if owned_paths:
        fields = _exportable_fields(model, True, set())
        for obj in manager.filter(q_for(owned_paths)).distinct().order_by("pk"):
            owned_pks.add(obj.pk)
            rows.append(_row(obj, fields))
    if linked_paths:
        link_fields = {p.lookup.split("__", 1)[0] for p in linked_paths}
        fields = _exportable_fields(model, False, link_fields)
        for obj in manager.filter(q_for(linked_paths)).exclude(pk__in=owned_pks).distinct().order_by("pk"):
            rows.append(
                {**_row(obj, fields), "_about": _("a record you acted on; its content is someone else's")}
            )
    return rows


def _plain_health_profile(profile: HealthProfile | None) -> dict:
    if profile is None:
        return {}
    out = {}
    for field in HealthProfile._meta.concrete_fields:
        if field.primary_key or field.name == "user":
            continue
        value = getattr(profile, field.attname)
        if field.choices:
            value = str(dict(field.flatchoices).get(value, value))
        out[capfirst(str(field.verbose_name))] = value
    return out


# Session keys under which allauth and Django store who a session belongs to (a signed-in user, a
# login waiting for its second factor, the user whose sign-in methods are recorded).
_SESSION_USER_KEYS = frozenset({"_auth_user_id", "user_pk", "account_authentication_methods_user"})


def _session_mentions(value, *, pk: str, email: str) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key in _SESSION_USER_KEYS and str(child) == pk:
                    return True
                stack.append(child)
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, str) and email and item.strip().lower() == email:
            return True
    return False


def sessions_for_user(*, user: User) -> list:
    """Every stored session (expired or not) that holds ``user``'s id or e-mail address.

    Session rows do not link to the user, so every row is decoded: fine for the rare erasure or
    export, not for a request path.
    """
    pk, email = str(user.pk), (user.email or "").strip().lower()
    return [
        session
        for session in Session.objects.iterator(chunk_size=500)
        if _session_mentions(session.get_decoded(), pk=pk, email=email)
    ]


def user_data_export(*, user: User) -> dict:
    """Everything stored about ``user``, decrypted, as JSON-ready data (see personal_data_export)."""
    records = {
        model._meta.label: _records(model, paths, user)
        for model, paths in sorted(personal_data_models().items(), key=lambda item: item[0]._meta.label)
    }
    # Records of apps above accounts, through the handlers they registered (accounts.personal_data):
    # the training cases (mlops) hold no link to a person; they are found through each check's keyed hash.
    for handler in personal_data_handlers():
        if handler.export is not None:
            records[handler.label] = handler.export(user=user)
    return {
        "format": "medportal-personal-data-export/1",
        "generated_at": timezone.now(),
        "about": _(
            "This file holds everything MedPortal stores about you. Health details are shown decrypted. "
            "'records' lists every stored row linked to your account, grouped by kind; 'sessions' when "
            "each of your browser sessions expires. Security secrets (your password, two-factor keys, "
            "sign-in tokens, session keys) are never included."
        ),
        "account": {
            "email": user.email,
            "role": user.get_role_display(),
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "health_profile": _plain_health_profile(health_profile_for_user(user=user)),
        "records": records,
        # Only when each expires: a session key would let its holder act as you.
        "sessions": [
            {"expire_date": session.expire_date}
            for session in sorted(sessions_for_user(user=user), key=lambda s: s.expire_date)
        ],
    }
