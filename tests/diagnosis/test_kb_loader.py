"""The load_knowledge_base command: idempotence, --force, and refusing broken fixture files."""

from __future__ import annotations

import shutil
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from diagnosis.models import Disease, DiseaseSymptom, KnowledgeBaseVersion
from recommendations.models import Precaution

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    """Version ids are reused after each test's rollback, so never leave a cached snapshot behind."""
    from diagnosis.selectors import clear_snapshot

    clear_snapshot()
    yield
    clear_snapshot()


@pytest.fixture
def kb_copy(tmp_path):
    target = tmp_path / "knowledge_base"
    shutil.copytree(settings.KNOWLEDGE_BASE_DIR, target)
    return target


def _load(**kwargs) -> str:
    out = StringIO()
    call_command("load_knowledge_base", stdout=out, **kwargs)
    return out.getvalue()


def _latest_version_id():
    return KnowledgeBaseVersion.objects.order_by("-id").values_list("id", flat=True).first()


def _load_error(**kwargs) -> str:
    versions = KnowledgeBaseVersion.objects.count()
    latest = _latest_version_id()
    with pytest.raises(CommandError) as excinfo:
        _load(**kwargs)
    message = str(excinfo.value)
    assert message.strip() and "\n" not in message.strip(), f"not a one-line message: {message!r}"
    assert message.startswith("knowledge base not loaded"), message
    assert KnowledgeBaseVersion.objects.count() == versions
    assert _latest_version_id() == latest
    return message


def _fungal_state():
    disease = Disease.objects.get(slug="fungal_infection")
    return (
        sorted(DiseaseSymptom.objects.filter(disease=disease).values_list("symptom__slug", "frequency")),
        list(Precaution.objects.filter(disease=disease).order_by("rank").values_list("text", flat=True)),
        disease.description,
    )


def test_second_load_is_unchanged_and_keeps_the_version():
    _load()
    versions = KnowledgeBaseVersion.objects.count()
    latest = _latest_version_id()

    out = _load()

    assert "unchanged" in out, out
    assert f"version {latest}" in out, out
    assert KnowledgeBaseVersion.objects.count() == versions
    assert _latest_version_id() == latest


def test_force_bumps_the_version():
    _load()
    versions = KnowledgeBaseVersion.objects.count()
    latest = _latest_version_id()

    out = _load(force=True)

    assert "unchanged" not in out
    assert KnowledgeBaseVersion.objects.count() == versions + 1
    new = KnowledgeBaseVersion.objects.order_by("-id").first()
    assert new.pk > latest
    assert new.content_hash == KnowledgeBaseVersion.objects.get(pk=latest).content_hash
    assert f"version {new.pk} loaded" in out, out
    assert Disease.objects.count() >= 41
    # ...and a plain load right after is unchanged again.
    assert "unchanged" in _load()
    assert KnowledgeBaseVersion.objects.count() == versions + 1


def test_unchanged_copy_at_another_path_is_unchanged(kb_copy):
    _load()
    versions = KnowledgeBaseVersion.objects.count()
    assert "unchanged" in _load(path=str(kb_copy))
    assert KnowledgeBaseVersion.objects.count() == versions


def test_broken_reference_raises_and_changes_nothing(kb_copy):
    path = kb_copy / "conditions" / "fungal_infection.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["symptoms"][0]["symptom"] = "no_such_symptom"
    data["description"] = "This text must never reach the database."
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    before = _fungal_state()

    message = _load_error(path=str(kb_copy), force=True)

    assert "no_such_symptom" in message
    assert "fungal_infection" in message
    assert _fungal_state() == before


def test_broken_medicine_reference_raises(kb_copy):
    path = kb_copy / "conditions" / "dengue.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["medicines"].append({"medicine": "no_such_medicine", "reason": "Does not exist."})
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    message = _load_error(path=str(kb_copy), force=True)

    assert "no_such_medicine" in message


def test_invalid_yaml_raises(kb_copy):
    path = kb_copy / "conditions" / "acne.yaml"
    path.write_text("slug: acne\nsymptoms: [unclosed, list\n  - {symptom: : }\n", encoding="utf-8")
    before = _fungal_state()

    message = _load_error(path=str(kb_copy), force=True)

    assert "acne.yaml" in message
    assert "YAML" in message
    assert _fungal_state() == before


def test_invalid_yaml_in_catalogue_raises(kb_copy):
    (kb_copy / "red_flags.yaml").write_text("- slug: x\n  all_of: [a, b\n", encoding="utf-8")
    message = _load_error(path=str(kb_copy), force=True)
    assert "red_flags.yaml" in message


def test_missing_folder_raises(tmp_path):
    message = _load_error(path=str(tmp_path / "no_such_folder"), force=True)
    assert "no_such_folder" in message


def test_folder_without_a_required_file_raises(kb_copy):
    (kb_copy / "medicines.yaml").unlink()
    message = _load_error(path=str(kb_copy), force=True)
    assert "medicines.yaml" in message


def test_edited_condition_updates_the_db_and_bumps_the_version(kb_copy):
    _load()
    versions = KnowledgeBaseVersion.objects.count()
    latest = _latest_version_id()
    path = kb_copy / "conditions" / "acne.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    old_first = data["precautions"][0]
    new_text = "Wash your face gently with a mild cleanser (edited in a test copy)."
    assert old_first != new_text
    data["precautions"][0] = new_text
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    acne = Disease.objects.get(slug="acne")
    assert Precaution.objects.get(disease=acne, rank=0).text == old_first.strip()

    out = _load(path=str(kb_copy))  # no --force: the changed content is picked up by its hash

    assert "unchanged" not in out, out
    assert Precaution.objects.get(disease=acne, rank=0).text == new_text
    assert Precaution.objects.filter(disease=acne).count() == len(data["precautions"])
    assert not Precaution.objects.filter(disease=acne, text=old_first.strip()).exists()
    assert KnowledgeBaseVersion.objects.count() == versions + 1
    assert _latest_version_id() > latest
    # Loading the same edited copy again is a no-op.
    assert "unchanged" in _load(path=str(kb_copy))
    assert KnowledgeBaseVersion.objects.count() == versions + 1


def test_a_complaint_or_rule_taken_out_of_the_files_stops_taking_part_and_returns_when_put_back(kb_copy):
    from diagnosis.models import PresentingComplaint, RedFlagRule
    from diagnosis.selectors import clear_snapshot, current_snapshot

    _load()
    path = kb_copy / "complaints" / "everyday_other.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    removed = data["complaints"].pop(0)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    rules_path = kb_copy / "red_flags.yaml"
    rules = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
    removed_rule = rules.pop(0)
    rules_path.write_text(yaml.safe_dump(rules, sort_keys=False, allow_unicode=True), encoding="utf-8")

    _load(path=str(kb_copy))

    complaint = PresentingComplaint.objects.get(slug=removed["slug"])
    rule = RedFlagRule.objects.get(slug=removed_rule["slug"])
    assert not complaint.is_active and not rule.is_active
    assert complaint.history.first().is_active is False  # the change is in its history
    clear_snapshot()
    snapshot = current_snapshot()
    assert removed["slug"] not in {c.slug for c in snapshot.complaints.complaints}
    assert removed_rule["slug"] not in {r.slug for r in snapshot.rules}

    _load(path=str(settings.KNOWLEDGE_BASE_DIR))  # the shipped files hold both again

    assert PresentingComplaint.objects.get(slug=removed["slug"]).is_active
    assert RedFlagRule.objects.get(slug=removed_rule["slug"]).is_active


def test_loading_into_a_database_behind_the_code_says_to_migrate(monkeypatch):
    """A pending migration gives a clear command error, not an OperationalError about a column."""
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)])
    with pytest.raises(CommandError, match="run `manage.py migrate` first"):
        _load()
