from django.apps import AppConfig


class MlopsConfig(AppConfig):
    name = "mlops"

    def ready(self):
        # Register the Celery tasks in every process (web, shell, commands), not only in workers:
        # the eager outbox path looks them up by name; and the receiver that releases a deleted
        # version's stored artefact (mlops.artefacts), the one that keeps a clinician's confirmed
        # label as a training case (mlops.receivers), and the model source serving reads the
        # champion through (mlops.serving: the diagnosis engine sits below mlops).
        from accounts.personal_data import PersonalDataHandler, register_personal_data_handler
        from recommendations.ranker_source import register_ranker_provider

        from . import artefacts, receivers, serving, tasks  # noqa: F401
        from .selectors import RegistryRankerProvider, training_cases_for_user
        from .services import training_cases_detach, training_consent_withdrawn

        serving.register()
        # Serving finds the promoted medicine ranker through this registry (recommendations is a
        # layer below mlops and does not import it).
        register_ranker_provider(RegistryRankerProvider())
        # Data export, consent withdrawal and account deletion (accounts) reach the training cases
        # through this handler.
        register_personal_data_handler(
            PersonalDataHandler(
                label="mlops.TrainingCase",
                export=training_cases_for_user,
                consent_withdrawn=training_consent_withdrawn,
                account_deleting=training_cases_detach,
            )
        )
