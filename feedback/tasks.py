from celery import shared_task

from .followups import follow_ups_send


@shared_task(name="feedback.send_follow_ups", ignore_result=True, max_retries=0)
def send_follow_ups_task() -> int:
    return follow_ups_send()
