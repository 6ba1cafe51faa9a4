"""The transactional outbox: enqueue work that survives a dead broker.

`outbox_enqueue` writes a row in the caller's transaction and tries to publish it right after
commit with short broker timeouts; a failure leaves the row pending and the request carries on.
`outbox_sweep` (run by Celery beat and by `manage.py outbox_sweep`) publishes whatever is pending.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from medportal.celery import app

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def _publish(message: OutboxMessage) -> bool:
    try:
        app.send_task(message.task_name, kwargs=message.kwargs, retry=False)
    except Exception as exc:  # the broker may be down in many ways (connection, timeout, auth)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        logger.warning(
            "task %s not published yet (%s); it stays in the outbox",
            message.task_name,
            exc.__class__.__name__,
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=message.attempts + 1)
    return True


def _run_eagerly(message: OutboxMessage) -> None:
    """Development mode (no broker): run the task in-process; a failure leaves the message pending."""
    try:
        app.tasks[message.task_name].apply(kwargs=message.kwargs, throw=True)
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=1, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        logger.exception("eager task %s failed; it stays in the outbox", message.task_name)
        return
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=1)


def outbox_enqueue(*, task_name: str, kwargs: dict | None = None, dedupe_key: str = "") -> OutboxMessage:
    """Queue a Celery task durably; publishing happens after the surrounding transaction commits."""
    if dedupe_key:
        pending = OutboxMessage.objects.filter(dedupe_key=dedupe_key, sent_at=None).first()
        if pending:
            return pending
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs or {}, dedupe_key=dedupe_key)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: _run_eagerly(message))
    else:
        transaction.on_commit(lambda: _publish(message))
    return message


def outbox_sweep(*, limit: int = 200) -> dict[str, int]:
    sent = failed = 0
    for message in OutboxMessage.objects.filter(sent_at=None).order_by("id")[:limit]:
        if _publish(message):
            sent += 1
        else:
            failed += 1
            break  # the broker is down: the rest would fail the same way
    return {"sent": sent, "pending": OutboxMessage.objects.filter(sent_at=None).count(), "failed": failed}
