"""Writes for accounts: users, roles, health profiles, consent, key rotation, erasure and sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import get_token_model

from audit.services import Action, audit_record
from medportal.encryption import all_encrypted_fields
from medportal.text import word_list

from .models import ConsentEvent, HealthProfile, Pregnancy, Role, Sex, User, age_band_for
from .personal_data import personal_data_handlers
from .selectors import sessions_for_user, user_data_export

logger = logging.getLogger(__name__)


@transaction.atomic
def user_set_role(*, user: User, role: str) -> User:
    """Set a user's role and keep the matching group (the source of permissions) in step."""
    user.role = Role(role)
    user.is_staff = role == Role.ADMIN or user.is_superuser
    user.full_clean()
    user.save()
    user.groups.remove(*Group.objects.filter(name__in=Role.values))
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    return user


def active_admins():
    """Accounts that can run the portal through Django admin."""
    return User.objects.filter(is_active=True, is_staff=True).filter(
        Q(role=Role.ADMIN) | Q(is_superuser=True)
    )


def last_admin_guard(*, leaving: Iterable[User]) -> None:
    """Refuse to demote or delete `leaving` if no active admin would be left to run the portal."""
    pks = [user.pk for user in leaving]
    admins = active_admins()
    if admins.filter(pk__in=pks).exists() and not admins.exclude(pk__in=pks).exists():
        raise ValidationError(_("MedPortal needs at least one active admin: make another admin first."))


@transaction.atomic
def user_create(*, email: str, password: str | None, role: str = Role.PATIENT, **extra) -> User:
    user = User.objects.create_user(email=email, password=password, **extra)
    user_set_role(user=user, role=role)
    HealthProfile.objects.get_or_create(user=user)
    return user


def health_profile_get_or_create(*, user: User) -> HealthProfile:
    profile, _ = HealthProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def health_profile_update(
    *,
    user: User,
    date_of_birth=None,
    sex: str = "",
    pregnancy: str = Pregnancy.NOT_APPLICABLE,
    allergies=(),
    conditions=(),
    medications=(),
    height_cm: int | None = None,
    weight_kg: int | None = None,
) -> HealthProfile:
    profile = health_profile_get_or_create(user=user)
    profile.date_of_birth = date_of_birth
    profile.sex = sex or ""
    # Pregnancy only applies to people who can be pregnant; anything else is stored as n/a.
    profile.pregnancy = pregnancy if sex == Sex.FEMALE else Pregnancy.NOT_APPLICABLE
    profile.allergies = word_list(allergies)
    profile.conditions = word_list(conditions)
    profile.medications = word_list(medications)
    profile.height_cm = height_cm
    profile.weight_kg = weight_kg
    profile.age_band = age_band_for(profile.age())
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def consent_set(*, user: User, granted: bool) -> HealthProfile:
    """Give or withdraw training consent; both are one call and both are recorded."""
    profile = health_profile_get_or_create(user=user)
    if profile.training_consent != granted:
        profile.training_consent = granted
        profile.training_consent_at = timezone.now() if granted else None
        profile.save(update_fields=["training_consent", "training_consent_at", "updated_at"])
        ConsentEvent.objects.create(user=user, granted=granted)
    if not granted:
        # The training cases (mlops, a layer above) go through the handler it registered.
        for handler in personal_data_handlers():
            if handler.consent_withdrawn is not None:
                handler.consent_withdrawn(user=user)
    return profile


def encryption_keys_rotate() -> dict[str, int]:
    """Re-save every encrypted value so it is written with the newest key.

    Reading uses every configured key, writing the first; after this only the first key is
    needed. Each model is rotated in its own transaction and rows are decrypted strictly,
    so a missing old key stops the run before anything is rewritten with garbage.
    """
    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = all_encrypted_fields(model)
        if not fields:
            continue
        names = [f.name for f in fields]
        n = 0
        with transaction.atomic():
            for obj in model._default_manager.select_for_update().iterator(chunk_size=500):
                # Saving only the encrypted columns avoids touching auto_now or other fields.
                model._default_manager.filter(pk=obj.pk).update(
                    **{name: getattr(obj, name) for name in names}
                )
                n += 1
        counts[model._meta.label] = n
        logger.info("rotated %s rows of %s", n, model._meta.label)
    return counts


# --- privacy rights ---------------------------------------------------------------------------


def personal_data_export(*, user: User) -> dict:
    """The user's data export (``selectors.user_data_export``), recorded in the audit trail."""
    data = user_data_export(user=user)
    audit_record(action=Action.EXPORT, actor=user, object_type="accounts.user", object_id=user.pk)
    return data


def user_sessions_delete(*, user: User) -> int:
    """Delete every stored session holding ``user``'s id or e-mail address (all their browsers,
    and expired rows ``clearsessions`` has not removed yet). Returns how many."""
    keys = [session.session_key for session in sessions_for_user(user=user)]
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    return deleted


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase the account: profile, consent history, checks, sessions and everything hanging off
    them go; training cases from consented checks stay only as anonymised rows. The audit trail
    keeps an ``account_delete`` event with the e-mail snapshot but no link to the (deleted) user."""
    # Before the checks go: the keyed hashes that find the user's training cases (mlops, through
    # the handler it registered in accounts.personal_data) need them.
    for handler in personal_data_handlers():
        if handler.account_deleting is not None:
            handler.account_deleting(user=user)
    user_sessions_delete(user=user)
    audit_record(action=Action.ACCOUNT_DELETE, actor=user, object_type="accounts.user", object_id=user.pk)
    user_id = user.pk
    user.delete()
    logger.info("account %s deleted at the owner's request", user_id)


def api_token_issue(*, user: User) -> str:
    """A new API token for one client (each device gets its own). Only a digest is stored
    (django-rest-knox), so the key returned here is the only copy; it expires after
    API_TOKEN_MAX_AGE_DAYS."""
    _token, key = get_token_model().objects.create(
        user=user, expiry=timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)
    )
    return key


def api_token_revoke(*, user: User, token=None) -> int:
    """Sign out one API client (`token`, the one a request came with) or, without it, all of the
    user's clients (a browser session revoking, a password change or reset)."""
    tokens = get_token_model().objects.filter(user=user)
    if token is not None:
        tokens = tokens.filter(pk=token.pk)
    deleted, _ = tokens.delete()
    return deleted


def expired_sessions_clear() -> None:
    """Remove expired sessions (what ``manage.py clearsessions`` does), run daily by beat: without it
    expired rows, each holding a user id, stay in django_session forever."""
    call_command("clearsessions")
