"""The fixed cast: patient alice, clinician bob, stranger charlie, admin dana."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import Role
from accounts.services import user_set_role
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def _with_mfa(user):
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def alice(db):
    return user_set_role(user=UserFactory(email="alice@example.test"), role=Role.PATIENT)


@pytest.fixture
def charlie(db):
    return user_set_role(user=UserFactory(email="charlie@example.test"), role=Role.PATIENT)


@pytest.fixture
def bob(db):
    return _with_mfa(user_set_role(user=UserFactory(email="bob@example.test"), role=Role.CLINICIAN))


@pytest.fixture
def dana(db):
    user = UserFactory(email="dana@example.test", is_superuser=True)
    return _with_mfa(user_set_role(user=user, role=Role.ADMIN))


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client
