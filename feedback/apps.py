from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self):
        # Register Celery tasks in every process, and the receiver that queues flagged checks.
        from . import receivers, tasks  # noqa: F401
