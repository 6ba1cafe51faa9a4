from django.apps import AppConfig


class MlopsConfig(AppConfig):
    name = "mlops"

    def ready(self):
        # Register the Celery tasks in every process (web, shell, commands), not only in workers:
        # the eager outbox path looks them up by name.
        from . import tasks  # noqa: F401
