from django.apps import AppConfig


class MlopsConfig(AppConfig):
    name = "mlops"

    def ready(self):
        # Register the Celery tasks in every process (web, shell, commands), not only in workers:
        # the eager outbox path looks them up by name; and the receiver that releases a deleted
        # version's stored artefact (mlops.artefacts) and the one that keeps a clinician's confirmed
        # label as a training case (mlops.receivers).
        from recommendations.ranker_source import register_ranker_provider

        from . import artefacts, receivers, tasks  # noqa: F401
        from .selectors import RegistryRankerProvider

        # Serving finds the promoted medicine ranker through this registry (recommendations is a
        # layer below mlops and does not import it).
        register_ranker_provider(RegistryRankerProvider())
