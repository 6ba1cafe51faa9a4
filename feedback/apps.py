from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self):
        from . import tasks  # noqa: F401  (register Celery tasks in every process)
