import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_migrations_are_complete_and_applied_on_postgresql(postgres_required):
    assert connection.vendor == "postgresql"
    # Fails if a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
