"""upsert_rows: what the knowledge-base loaders write, and the history they leave."""

import pytest

from diagnosis.models import Symptom, SymptomSynonym
from medportal.upsert import upsert_rows

pytestmark = pytest.mark.django_db


def test_missing_rows_are_created_with_a_history_record_each():
    rows = {"zz-a": {"name": "A", "body_system": "general"}, "zz-b": {"name": "B", "body_system": "skin"}}
    saved = upsert_rows(Symptom, "slug", rows)
    assert {slug: (s.name, s.body_system) for slug, s in saved.items()} == {
        "zz-a": ("A", "general"),
        "zz-b": ("B", "skin"),
    }
    assert all(s.pk for s in saved.values())
    assert Symptom.history.filter(slug__in=rows, history_type="+").count() == 2


def test_only_changed_rows_are_written_and_get_a_history_record():
    upsert_rows(Symptom, "slug", {"zz-a": {"name": "A"}, "zz-b": {"name": "B"}})
    before = Symptom.history.filter(slug__in=["zz-a", "zz-b"]).count()
    saved = upsert_rows(Symptom, "slug", {"zz-a": {"name": "A"}, "zz-b": {"name": "B renamed"}})
    assert Symptom.objects.get(slug="zz-b").name == "B renamed" == saved["zz-b"].name
    changes = Symptom.history.filter(slug__in=["zz-a", "zz-b"]).exclude(history_type="+")
    assert Symptom.history.filter(slug__in=["zz-a", "zz-b"]).count() == before + 1
    assert [(h.slug, h.history_type, h.name) for h in changes] == [("zz-b", "~", "B renamed")]


def test_a_foreign_key_is_compared_by_id_and_repointed():
    first, second = (Symptom.objects.create(slug=s, name=s) for s in ("zz-first", "zz-second"))
    upsert_rows(SymptomSynonym, "phrase", {"zz phrase": {"symptom": first}})
    upsert_rows(SymptomSynonym, "phrase", {"zz phrase": {"symptom": second}})
    assert SymptomSynonym.objects.get(phrase="zz phrase").symptom == second
    assert SymptomSynonym.history.filter(phrase="zz phrase").count() == 2


def test_rows_not_given_are_left_alone():
    Symptom.objects.create(slug="zz-kept", name="Kept")
    upsert_rows(Symptom, "slug", {"zz-new": {"name": "New"}})
    assert Symptom.objects.filter(slug__in=["zz-kept", "zz-new"]).count() == 2
