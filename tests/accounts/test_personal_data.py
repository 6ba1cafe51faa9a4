"""The personal-data handler registry (accounts.personal_data): how data export, consent withdrawal
and account deletion reach data kept by apps above accounts, without accounts importing them."""

import pytest

from accounts import personal_data
from accounts.models import User
from accounts.personal_data import PersonalDataHandler, personal_data_handlers, register_personal_data_handler
from accounts.selectors import user_data_export
from accounts.services import account_delete, consent_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """A handler registered for one test (the registry is restored afterwards)."""
    monkeypatch.setattr(personal_data, "_handlers", dict(personal_data._handlers))
    seen = []

    def deleting(*, user):
        # Called before the account goes: the user's rows are still there to be found.
        seen.append(("deleting", User.objects.filter(pk=user.pk).exists()))

    register_personal_data_handler(
        PersonalDataHandler(
            label="tests.Thing",
            export=lambda *, user: [{"owner": user.email}],
            consent_withdrawn=lambda *, user: seen.append(("withdrawn", user.pk)),
            account_deleting=deleting,
        )
    )
    return seen


def test_mlops_registers_its_training_cases_handler():
    handler = {h.label: h for h in personal_data_handlers()}["mlops.TrainingCase"]
    assert handler.export and handler.consent_withdrawn and handler.account_deleting


def test_a_registered_handler_is_reached_by_export_withdrawal_and_deletion(alice, calls):
    assert user_data_export(user=alice)["records"]["tests.Thing"] == [{"owner": alice.email}]
    consent_set(user=alice, granted=True)
    assert calls == []
    consent_set(user=alice, granted=False)
    assert calls == [("withdrawn", alice.pk)]
    account_delete(user=alice)
    assert calls[-1] == ("deleting", True) and not User.objects.filter(pk=alice.pk).exists()


def test_registering_the_same_label_again_replaces_the_handler(calls):
    before = len(personal_data_handlers())
    register_personal_data_handler(PersonalDataHandler(label="tests.Thing"))
    assert len(personal_data_handlers()) == before
    assert {h.label: h for h in personal_data_handlers()}["tests.Thing"].export is None
