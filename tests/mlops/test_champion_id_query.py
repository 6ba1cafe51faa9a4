"""champion_id runs the ORM's own statement, compiled once per database and model name: the same
answer as the queryset, one query per call, and a change of champion made anywhere is seen on the
very next call (nothing about the answer is cached, only the statement)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mlops import selectors
from mlops.models import ModelVersion


def _version(n: int, name: str = "diagnosis", alias: str = "") -> ModelVersion:
    return ModelVersion.objects.create(
        name=name, version=n, algorithm="lr", data_fingerprint="x", alias=alias, status="ready"
    )


@pytest.mark.django_db
def test_same_answer_as_the_queryset_and_follows_every_change_at_once():
    ModelVersion.objects.all().delete()
    assert selectors.champion_id() is None
    one, two = _version(1), _version(2)
    other = _version(1, name="ranker", alias=ModelVersion.Alias.CHAMPION)
    assert selectors.champion_id() is None  # another model's champion is not ours
    assert selectors.champion_id("ranker") == other.pk
    for promoted, demoted in ((one, None), (two, one), (one, two)):
        if demoted is not None:
            ModelVersion.objects.filter(pk=demoted.pk).update(alias=ModelVersion.Alias.ARCHIVED)
        ModelVersion.objects.filter(pk=promoted.pk).update(alias=ModelVersion.Alias.CHAMPION)
        with CaptureQueriesContext(connection) as queries:
            got = selectors.champion_id()
        assert got == promoted.pk == selectors._champion_id_query("diagnosis").first()
        assert len(queries) == 1
    ModelVersion.objects.filter(pk=one.pk).update(alias="")
    assert selectors.champion_id() is None
    assert selectors.champion_id("ranker") == other.pk
