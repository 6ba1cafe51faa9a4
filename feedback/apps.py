from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self):
        # Register Celery tasks in every process, the receiver that queues flagged checks and the
        # clinician's review on a check's pages (diagnosis.result_panels).
        from . import receivers, result_panels, tasks  # noqa: F401

        result_panels.register()
