from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self):
        # The advice on a check's result page (diagnosis.result_panels).
        from . import result_panels

        result_panels.register()
