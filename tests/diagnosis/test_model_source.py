"""The engine serves whatever the registered model source hands it (mlops registers its registry
at start-up), without importing mlops."""

from types import SimpleNamespace

import pytest

from diagnosis.engine import predictor
from diagnosis.engine.artefacts import ArtefactError
from mlops.serving import RegistrySource

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_source():
    before = predictor._source
    yield
    predictor.register_model_source(before)


def test_mlops_registers_its_registry_as_the_model_source():
    assert isinstance(predictor._source, RegistrySource)


def test_with_no_source_the_knowledge_base_model_is_served(snapshot, restore_source):
    predictor.register_model_source(None)
    model = predictor.current_model(snapshot)
    assert model.version_id is None
    assert model.fallback_reason == "no trained model is registered yet"
    with pytest.raises(ArtefactError):
        predictor.load_payload(SimpleNamespace(pk=1, label="x"))


def test_a_source_whose_champion_fails_falls_back_to_the_next_candidate(snapshot, restore_source):
    class Source:
        def champion_id(self):
            return 1

        def candidates(self, champion_id):
            return [SimpleNamespace(pk=1, label="v1"), SimpleNamespace(pk=2, label="v2")]

        def payload(self, version):
            if version.pk == 1:
                raise ArtefactError("checksum mismatch")
            kb = predictor.kb_model(snapshot)
            return {"estimator": kb.estimator, "symptoms": kb.symptoms, "classes": kb.classes}

    predictor.register_model_source(Source())
    model = predictor.current_model(snapshot)
    assert model.version_id == 2
    assert "serving last good v2" in model.fallback_reason
    assert model.errors == ["v1: checksum mismatch"]


def test_a_saved_guest_check_names_its_model_version_only_while_it_is_registered():
    from diagnosis.selectors import model_version_exists
    from mlops.models import ModelVersion

    version = ModelVersion.objects.create(version=9, algorithm="naive_bayes", data_fingerprint="f")
    assert model_version_exists(version.pk)
    version.delete()
    assert not model_version_exists(version.pk)
