"""Signal receivers of the accounts app."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from .services import api_token_revoke


@receiver(password_changed, dispatch_uid="accounts_revoke_tokens_on_password_changed")
@receiver(password_set, dispatch_uid="accounts_revoke_tokens_on_password_set")
@receiver(password_reset, dispatch_uid="accounts_revoke_tokens_on_password_reset")
def revoke_api_tokens_on_new_password(sender, request=None, user=None, **kwargs):
    """A new password (often after a suspected compromise) must sign out API clients too."""
    if user is not None:
        api_token_revoke(user=user)
