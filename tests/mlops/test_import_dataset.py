"""import_symptom_dataset on a small, deliberately messy wide CSV, then training on what it stored."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mlops.artefacts import artefact_storage
from mlops.models import ModelVersion, TrainingCase

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "messy_symptoms.csv"
SOURCE = "messy_symptoms.csv"

# What each data row of the fixture must become (label slug, symptom slugs); the
# "Unknown Disease Foo" row and the all-zero row are not imported.
EXPECTED_CASES = [
    ("fungal_infection", ["discoloured_skin_patches", "itching", "nodal_skin_eruptions", "skin_rash"]),
    ("fungal_infection", ["itching", "scarring", "skin_rash"]),
    ("allergy", ["chills", "continuous_sneezing", "shivering"]),
    ("allergy", ["chills", "continuous_sneezing", "shivering"]),  # the duplicated row
    ("allergy", ["chills", "continuous_sneezing"]),
    ("peptic_ulcer", ["stomach_pain", "vomiting"]),
    ("peptic_ulcer", ["fluid_overload", "stomach_pain", "vomiting"]),  # only "fluid_overload.1" set
    ("haemorrhoids", ["bloody_stool", "constipation", "pain_in_anal_region"]),
    ("haemorrhoids", ["constipation", "pain_in_anal_region"]),
    ("typhoid", ["chills", "fluid_overload", "high_fever", "toxic_look", "vomiting"]),  # both columns set
    ("typhoid", ["foul_smelling_urine", "high_fever", "stomach_pain", "toxic_look"]),
]

pytestmark = pytest.mark.django_db


def _import(path, **kwargs) -> str:
    out = StringIO()
    call_command("import_symptom_dataset", str(path), stdout=out, **kwargs)
    return out.getvalue()


def _stored(source=SOURCE):
    return [
        (tc.condition, sorted(tc.symptoms))
        for tc in TrainingCase.objects.filter(source=source).order_by("id")
    ]


def _command_error(path) -> str:
    with pytest.raises(CommandError) as excinfo:
        _import(path)
    message = str(excinfo.value)
    assert message.strip(), "CommandError without a message"
    assert "\n" not in message.strip(), f"message is not one line: {message!r}"
    return message


def test_fixture_is_the_messy_wide_format():
    header = FIXTURE.read_text(encoding="utf-8").splitlines()[0]
    for messy in ('" skin_rash "', "fluid_overload.1", "dischromic _patches", "not_a_real_symptom_xyz"):
        assert messy in header
    assert header.endswith(",prognosis")


def test_import_creates_cases_with_mapped_labels_and_symptoms():
    assert not TrainingCase.objects.filter(source=SOURCE).exists()
    out = _import(FIXTURE)

    stored = _stored()
    assert stored == EXPECTED_CASES
    assert TrainingCase.objects.filter(source=SOURCE).count() == len(EXPECTED_CASES)
    assert {slug for slug, _ in stored} == {
        "fungal_infection",
        "allergy",
        "peptic_ulcer",
        "haemorrhoids",
        "typhoid",
    }
    assert all(tc.fingerprint for tc in TrainingCase.objects.filter(source=SOURCE))
    assert "Imported 11 of 13 rows from messy_symptoms.csv" in out, out
    assert "1 rows without symptoms skipped" in out, out


def test_duplicated_column_is_the_same_symptom():
    out = _import(FIXTURE)
    assert "'fluid_overload.1'->fluid_overload" in out, out
    # Row with both "fluid_overload" and "fluid_overload.1" set lists the symptom once.
    typhoid = [
        sorted(tc.symptoms) for tc in TrainingCase.objects.filter(source=SOURCE) if tc.condition == "typhoid"
    ]
    assert all(s.count("fluid_overload") <= 1 for s in typhoid)
    assert any("fluid_overload" in s for s in typhoid)
    assert not any("fluid_overload.1" in s for tc in TrainingCase.objects.all() for s in tc.symptoms)


def test_messy_column_names_are_normalised():
    out = _import(FIXTURE)
    assert "'dischromic _patches'->discoloured_skin_patches" in out, out
    assert "'foul_smell_of urine'->foul_smelling_urine" in out, out
    assert "'toxic_look_(typhos)'->toxic_look" in out, out
    symptoms = {s for tc in TrainingCase.objects.filter(source=SOURCE) for s in tc.symptoms}
    assert " skin_rash " not in symptoms and "skin_rash" in symptoms


def test_unmatched_column_and_label_are_reported():
    out = _import(FIXTURE)
    warning_lines = [line for line in out.splitlines() if line.startswith("Unmatched columns")]
    assert warning_lines and "not_a_real_symptom_xyz" in warning_lines[0], out
    label_lines = [line for line in out.splitlines() if line.startswith("Unmatched labels")]
    assert label_lines and "'Unknown Disease Foo' x1" in label_lines[0], out
    # The unknown label's row is not imported under any disease.
    assert ["high_fever", "itching"] not in [tc.symptoms for tc in TrainingCase.objects.filter(source=SOURCE)]
    assert TrainingCase.objects.filter(source=SOURCE).count() == len(EXPECTED_CASES)


def test_importing_twice_does_not_duplicate():
    _import(FIXTURE)
    first = _stored()
    _import(FIXTURE)
    assert _stored() == first
    assert TrainingCase.objects.filter(source=SOURCE).count() == len(EXPECTED_CASES)


def test_source_option_tags_rows():
    _import(FIXTURE, source="kaggle-sample")
    assert TrainingCase.objects.filter(source="kaggle-sample").count() == len(EXPECTED_CASES)
    assert not TrainingCase.objects.filter(source=SOURCE).exists()


def test_missing_file_is_a_command_error(tmp_path):
    message = _command_error(tmp_path / "nope.csv")
    assert "nope.csv" in message


def test_csv_without_prognosis_column_is_a_command_error(tmp_path):
    path = tmp_path / "no_label.csv"
    path.write_text("itching,skin_rash,vomiting\n1,1,0\n0,0,1\n", encoding="utf-8")
    message = _command_error(path)
    assert "prognosis" in message
    assert not TrainingCase.objects.filter(source="no_label.csv").exists()


def test_empty_file_is_a_command_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    message = _command_error(path)
    assert "empty" in message


def test_file_with_no_matching_label_is_a_command_error(tmp_path):
    path = tmp_path / "unknown_labels.csv"
    path.write_text(
        "itching,skin_rash,prognosis\n1,1,Unknown Disease Foo\n1,0,Zzyzx syndrome\n",
        encoding="utf-8",
    )
    message = _command_error(path)
    assert "unknown_labels.csv" in message
    assert not TrainingCase.objects.filter(source="unknown_labels.csv").exists()


def test_failed_import_keeps_earlier_rows(tmp_path):
    _import(FIXTURE)
    broken = tmp_path / SOURCE
    broken.write_text("itching,prognosis\n1,Unknown Disease Foo\n", encoding="utf-8")
    _command_error(broken)
    assert _stored() == EXPECTED_CASES


def test_non_zero_exit_from_the_command_line(tmp_path):
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "import_symptom_dataset", str(tmp_path / "nope.csv")])
    with pytest.raises(SystemExit) as excinfo:
        utility.execute()
    assert excinfo.value.code not in (0, None)


def test_train_models_on_imported_cases():
    _import(FIXTURE)
    stored = TrainingCase.objects.exclude(source="confirmed").count()
    assert stored == len(EXPECTED_CASES)
    before = ModelVersion.objects.count()
    out = StringIO()
    call_command("train_models", source="imported", algorithms="naive_bayes", stdout=out)

    assert ModelVersion.objects.count() == before + 1
    mv = ModelVersion.objects.order_by("-id").first()
    # Imported data brings in the MultinomialNB baseline: naive Bayes ships only if it reaches it.
    assert mv.algorithm in ("naive_bayes", "multinomial_nb")
    assert set(mv.metrics["selection"]["candidates"]) == {"naive_bayes", "multinomial_nb"}
    assert mv.data_sources == {"stored": stored}
    assert mv.data_fingerprint
    assert artefact_storage().exists(mv.artefact_path)
    assert "naive_bayes" in out.getvalue()
    assert f"v{mv.version}" in out.getvalue()


@pytest.mark.parametrize("command", ["train_models", "retrain"])
@pytest.mark.parametrize("value", ["-1", "0", "many"])
def test_per_disease_must_be_a_positive_whole_number(command, value):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="per-disease"):
        call_command(command, "--per-disease", value)
    assert not ModelVersion.objects.exists()
