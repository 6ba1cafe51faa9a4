"""Signal receivers that only append audit events: business logic belongs in services, not signals."""

from __future__ import annotations

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .services import Action, audit_record


@receiver(auth_signals.user_logged_in, dispatch_uid="audit_login_success")
def _login_success(sender, request, user, **kwargs):
    audit_record(
        action=Action.LOGIN_SUCCESS,
        request=request,
        actor=user,
        object_type="accounts.user",
        object_id=user.pk,
    )


@receiver(auth_signals.user_logged_out, dispatch_uid="audit_logout")
def _logout(sender, request, user, **kwargs):
    if user is None:
        return
    detail = getattr(request, "_audit_logout_reason", "") if request is not None else ""
    audit_record(action=Action.LOGOUT, request=request, actor=user, detail=detail)


def _attempted_email(credentials: dict) -> str:
    """The identifier someone typed, kept only when it is an e-mail address: people sometimes
    type their password into the e-mail box, and that must not land in the audit trail."""
    for key in ("email", "login", "username"):
        value = credentials.get(key)
        if isinstance(value, str):
            value = value.strip()
            try:
                validate_email(value)
            except ValidationError:
                return ""
            return value.lower()
    return ""


@receiver(auth_signals.user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password with stars; only the e-mail is read here.
    # get_user_model(), not accounts.models: audit sits below accounts (README "Architecture").
    email = _attempted_email(credentials or {})
    actor = get_user_model().objects.filter(email=email).first() if email else None
    audit_record(
        action=Action.LOGIN_FAILED, request=request, actor=actor, actor_email=email, detail="password"
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit_mfa_failed")
def _mfa_failed(sender, request, user, authenticator=None, **kwargs):
    audit_record(
        action=Action.LOGIN_FAILED,
        request=request,
        actor=user,
        detail=f"mfa:{getattr(authenticator, 'type', '')}",
    )


def _mfa_changed(verb: str):
    def handler(sender, request, user, authenticator, **kwargs):
        audit_record(
            action=Action.MFA_CHANGE,
            request=request,
            actor=user,
            object_type="mfa.authenticator",
            object_id=authenticator.pk or "",
            detail=f"{verb}:{authenticator.type}",
        )

    return handler


_mfa_added = _mfa_changed("added")
_mfa_removed = _mfa_changed("removed")
_mfa_reset = _mfa_changed("reset")
mfa_signals.authenticator_added.connect(_mfa_added, dispatch_uid="audit_mfa_added")
mfa_signals.authenticator_removed.connect(_mfa_removed, dispatch_uid="audit_mfa_removed")
mfa_signals.authenticator_reset.connect(_mfa_reset, dispatch_uid="audit_mfa_reset")


@receiver(pre_save, sender="mlops.ModelVersion", dispatch_uid="audit_model_alias_before")
def _remember_alias(sender, instance, **kwargs):
    # Only the transition to champion is recorded, so the previous alias is read first.
    if instance.pk and instance.alias == "champion":
        instance._audit_previous_alias = (
            sender._default_manager.filter(pk=instance.pk).values_list("alias", flat=True).first()
        )


@receiver(post_save, sender="mlops.ModelVersion", dispatch_uid="audit_model_promotion")
def _model_promoted(sender, instance, created, **kwargs):
    if instance.alias != "champion":
        return
    if not created and getattr(instance, "_audit_previous_alias", None) == "champion":
        return
    # mlops.services.model_version_promote sets who promoted and, for an override, why.
    extra = getattr(instance, "_audit_detail", "")
    audit_record(
        action=Action.MODEL_PROMOTION,
        actor=getattr(instance, "_audit_actor", None),
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        detail=(f"{instance.label}; {extra}" if extra else instance.label)[:200],
    )


@receiver(post_save, sender="diagnosis.KnowledgeBaseVersion", dispatch_uid="audit_kb_change")
def _kb_changed(sender, instance, created, **kwargs):
    if created:
        audit_record(
            action=Action.KB_CHANGE,
            actor=instance.changed_by,
            object_type=instance._meta.label_lower,
            object_id=instance.pk,
            detail=instance.reason,
        )
