"""Celery tasks for accounts: thin wrappers around one service each."""

from celery import shared_task

from .services import expired_sessions_clear


@shared_task(name="accounts.clear_expired_sessions", ignore_result=True, max_retries=0)
def clear_expired_sessions_task() -> None:
    expired_sessions_clear()
