from django.apps import AppConfig


class MlopsConfig(AppConfig):
    name = "mlops"
