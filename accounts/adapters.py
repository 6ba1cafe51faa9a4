from allauth.account.adapter import DefaultAccountAdapter

from .models import Role
from .services import health_profile_get_or_create, user_set_role


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up is a patient; staff roles are granted by an admin."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_set_role(user=user, role=Role.PATIENT)
            health_profile_get_or_create(user=user)
        return user
