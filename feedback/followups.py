"""Outcome follow-ups: a few days after a check, ask what a doctor eventually said."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from diagnosis.models import SymptomSession

logger = logging.getLogger(__name__)

# Three days: long enough to have seen a doctor, short enough to remember the check.
FOLLOW_UP_AFTER = timedelta(days=3)
# Older checks are not chased any more.
FOLLOW_UP_UNTIL = timedelta(days=14)


def follow_ups_due():
    now = timezone.now()
    return (
        SymptomSession.objects.filter(
            follow_up_sent_at=None,
            created_at__lte=now - FOLLOW_UP_AFTER,
            created_at__gte=now - FOLLOW_UP_UNTIL,
            user__is_active=True,
        )
        .exclude(feedback__top_correct__in=["yes", "no"])
        .select_related("user")
    )


def follow_ups_send(*, base_url: str | None = None, limit: int = 500) -> int:
    """E-mail each due check's owner once. The message holds no health data, only a link.

    Each check is claimed in its own short transaction (so two workers never mail the same
    person), then mailed outside it: no row lock is held during SMTP. A failed mail gives the
    claim back, so the next run tries again, and the rest of the batch still goes out."""
    base_url = (base_url or getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    sent = 0
    for session in follow_ups_due()[:limit]:
        sessions = type(session).objects.filter(pk=session.pk)
        if not sessions.filter(follow_up_sent_at=None).update(follow_up_sent_at=timezone.now()):
            continue  # another worker took it
        link = base_url + reverse("diagnosis:check_detail", args=[session.pk]) + "#outcome"
        try:
            send_mail(
                "MedPortal: how are you now?",
                f"A few days ago you did a symptom check on MedPortal ({session.created_at:%d %b %Y}).\n\n"
                f"If you have seen a doctor, one click tells us whether our suggestion matched: {link}\n\n"
                "Your answer helps improve MedPortal for everyone (only if you allowed that in your profile).\n"
                "If you feel worse, contact a doctor or call your local emergency number.",
                None,
                [session.user.email],
            )
        except Exception:
            logger.warning("follow-up e-mail for check %s could not be sent", session.pk, exc_info=True)
            sessions.update(follow_up_sent_at=None)
            continue
        sent += 1
    return sent
