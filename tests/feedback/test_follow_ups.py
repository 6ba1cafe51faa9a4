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


def test_a_failed_mail_is_tried_again_next_time_and_does_not_stop_the_batch(
    alice, trained_champion, monkeypatch, caplog
):
    from feedback import followups

    first = symptom_check_start(user=alice, text="headache")
    second = symptom_check_start(user=alice, text="headache")
    _aged(first, 5)
    _aged(second, 4)
    real_send_mail, calls = followups.send_mail, []

    def send_mail_failing_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise ConnectionRefusedError("SMTP server down")
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr(followups, "send_mail", send_mail_failing_once)
    assert follow_ups_send() == 1  # the first mail failed, the second went out
    assert "could not be sent" in caplog.text
    assert SymptomSession.objects.filter(follow_up_sent_at=None, pk__in=[first.pk, second.pk]).count() == 1
    assert follow_ups_send() == 1  # the failed one, on the next run
    assert follow_ups_send() == 0
    assert SymptomSession.objects.filter(follow_up_sent_at=None, pk__in=[first.pk, second.pk]).count() == 0
    assert len(mail.outbox) == 2


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
