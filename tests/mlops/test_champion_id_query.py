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


@pytest.mark.django_db
def test_both_versions_a_check_needs_in_one_statement_follow_every_change():
    from diagnosis.models import KnowledgeBaseVersion
    from diagnosis.selectors import knowledge_base_version

    ModelVersion.objects.all().delete()
    KnowledgeBaseVersion.objects.all().delete()
    assert selectors.kb_version_and_champion_id() == (0, None)
    one, two = _version(1), _version(2)
    for promoted in (one, two, one):
        ModelVersion.objects.exclude(pk=promoted.pk).update(alias=ModelVersion.Alias.ARCHIVED)
        ModelVersion.objects.filter(pk=promoted.pk).update(alias=ModelVersion.Alias.CHAMPION)
        edit = KnowledgeBaseVersion.objects.create(reason=f"edit before {promoted.version}")
        with CaptureQueriesContext(connection) as queries:
            got = selectors.kb_version_and_champion_id()
        assert len(queries) == 1
        assert got == (edit.pk, promoted.pk) == (knowledge_base_version(), selectors.champion_id())


@pytest.mark.django_db
def test_a_check_reads_both_versions_in_one_query_from_the_registry_and_asks_any_other_source(snapshot):
    from diagnosis import selectors as diagnosis_selectors
    from diagnosis.engine import predictor

    with CaptureQueriesContext(connection) as queries:
        served, model = diagnosis_selectors.serving_snapshot_and_model()
    assert len(queries) == 1 and "mlops_modelversion" in queries[0]["sql"]
    assert served.version == snapshot.version
    assert model.version_id == selectors.champion_id()

    asked = []

    class PlainSource:  # the engine's protocol only: no combined statement
        def champion_id(self):
            asked.append("champion")
            return None

    registry = predictor.model_source()
    predictor.register_model_source(PlainSource())
    try:
        with CaptureQueriesContext(connection) as queries:
            served, model = diagnosis_selectors.serving_snapshot_and_model()
    finally:
        predictor.register_model_source(registry)
    assert asked == ["champion"]
    assert len(queries) == 1 and "mlops_modelversion" not in queries[0]["sql"]  # the version only
    assert served.version == snapshot.version and model.version_id is None
