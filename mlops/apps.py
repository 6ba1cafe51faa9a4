from django.apps import AppConfig


class MlopsConfig(AppConfig):
    name = "mlops"

    def ready(self):
        # Register the Celery tasks in every process (web, shell, commands), not only in workers:
        # the eager outbox path looks them up by name; and the receiver that releases a deleted
        # version's stored artefact (mlops.artefacts); and the model source serving reads the
        # champion through (mlops.serving: the diagnosis engine sits below mlops).
        from . import artefacts, serving, tasks  # noqa: F401

        serving.register()
