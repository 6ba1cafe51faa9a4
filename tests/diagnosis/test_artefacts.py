import pytest
import skops.io as sio

from diagnosis.engine.artefacts import ArtefactError, load_artefact, save_artefact, sha256_of
from diagnosis.engine.check import run_check
from diagnosis.engine.predictor import current_model, serving_status
from mlops.artefacts import artefact_load
from mlops.models import ModelArtefact, ModelVersion

pytestmark = pytest.mark.django_db


def test_saved_model_loads_back_with_its_checksum(trained_champion):
    payload = artefact_load(trained_champion.artefact_path, trained_champion.checksum)
    assert payload["classes"] and payload["symptoms"]
    assert hasattr(payload["estimator"], "predict_proba")


def test_tampered_stored_artefact_is_refused(trained_champion, tamper_artefact):
    stored = bytes(ModelArtefact.objects.get(name=trained_champion.artefact_path).content)
    tamper_artefact(trained_champion, stored + b"tampered")
    with pytest.raises(ArtefactError, match="checksum"):
        artefact_load(trained_champion.artefact_path, trained_champion.checksum)


def test_tampered_local_file_is_refused(tmp_path):
    path, checksum = save_artefact({"estimator": [1, 2, 3]}, tmp_path, "x.skops")
    with open(path, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ArtefactError, match="checksum"):
        load_artefact(path, checksum)


def test_untrusted_types_are_refused_even_with_a_matching_checksum(tmp_path):
    class Sneaky:  # any type outside the allow-list
        pass

    path = tmp_path / "evil.skops"
    sio.dump({"estimator": Sneaky()}, path)
    with pytest.raises(ArtefactError, match="untrusted"):
        load_artefact(path, sha256_of(path))


def test_writes_are_atomic_and_leave_no_temp_files(tmp_path):
    path, checksum = save_artefact({"estimator": [1, 2, 3]}, tmp_path, "x.skops")
    assert path.exists() and len(checksum) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["x.skops"]


def test_a_corrupt_champion_falls_back_to_the_last_good_version(
    snapshot, trained_champion, settings, tamper_artefact
):
    from mlops.services import model_version_promote
    from mlops.training import build_dataset, register_candidate, train_candidate

    dataset = build_dataset(snapshot, per_disease=40, seed=11)
    newer = register_candidate(train_candidate("naive_bayes", dataset, snapshot), dataset, snapshot)
    model_version_promote(model_version=newer, reason="test", override_reason="test: serving, not the gates")
    tamper_artefact(newer, b"not a zip file")
    model = current_model(snapshot)
    assert model.version_id == trained_champion.pk
    assert "last good" in model.fallback_reason
    assert serving_status()["serving"] == trained_champion.label
    result = run_check(snapshot, model, text="itching, skin rash")
    assert result.conditions


def test_a_missing_artefact_with_no_good_version_serves_the_knowledge_base(
    snapshot, trained_champion, tamper_artefact
):
    tamper_artefact(trained_champion, None)
    model = current_model(snapshot)
    assert model.version_id is None
    assert model.label.startswith("kb-bayes")
    assert "could be loaded" in model.fallback_reason


def test_promotion_is_picked_up_without_a_restart(snapshot, trained_champion, settings):
    from mlops.services import model_version_promote
    from mlops.training import build_dataset, register_candidate, train_candidate

    assert current_model(snapshot).version_id == trained_champion.pk
    dataset = build_dataset(snapshot, per_disease=40, seed=12)
    newer = register_candidate(train_candidate("naive_bayes", dataset, snapshot), dataset, snapshot)
    model_version_promote(model_version=newer, reason="test", override_reason="test: serving, not the gates")
    assert current_model(snapshot).version_id == newer.pk
    assert ModelVersion.objects.get(pk=trained_champion.pk).alias == ModelVersion.Alias.ARCHIVED
