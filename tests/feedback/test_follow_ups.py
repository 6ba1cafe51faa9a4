from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from diagnosis.models import SymptomSession
from diagnosis.services import symptom_check_start
from feedback.followups import follow_ups_send
from feedback.services import check_feedback_submit

pytestmark = pytest.mark.django_db


def _aged(session, days):
    SymptomSession.objects.filter(pk=session.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_follow_up_is_sent_once_after_three_days_without_health_data(alice, trained_champion):
    fresh = symptom_check_start(user=alice, text="embarrassing itchy rash")
    due = symptom_check_start(user=alice, text="embarrassing itchy rash")
    _aged(due, 4)
    assert follow_ups_send() == 1
    assert follow_ups_send() == 0
    message = mail.outbox[-1]
    assert message.to == [alice.email]
    assert f"/check/{due.pk}/#outcome" in message.body
    assert "rash" not in message.body.lower() and "itch" not in message.subject.lower()
    fresh.refresh_from_db()
    assert fresh.follow_up_sent_at is None


def test_no_follow_up_when_the_outcome_is_already_known_or_the_check_is_old(alice, trained_champion):
    answered = symptom_check_start(user=alice, text="headache")
    old = symptom_check_start(user=alice, text="headache")
    _aged(answered, 4)
    _aged(old, 30)
    check_feedback_submit(session=answered, top_correct="yes")
    assert follow_ups_send() == 0


def test_one_click_outcome_on_the_check_page(alice_client, alice, trained_champion):
    session = symptom_check_start(user=alice, text="runny nose and sneezing")
    SymptomSession.objects.filter(pk=session.pk).update(status="complete", next_question="")
    page = alice_client.get(session.get_absolute_url()).content.decode()
    assert 'id="outcome"' in page
    alice_client.post(f"/feedback/check/{session.pk}/", {"top_correct": "no"})
    assert session.feedback.top_correct == "no"
