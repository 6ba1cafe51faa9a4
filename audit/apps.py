from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        # Receivers only record audit events; no business logic hangs off them.
        from . import receivers  # noqa: F401
