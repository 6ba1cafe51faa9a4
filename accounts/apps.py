from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and health profiles"

    def ready(self):
        from . import checks, receivers  # noqa: F401 - registers the deploy checks, connects the receivers
