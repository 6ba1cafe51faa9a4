"""The ranker in the loop: trained on consented ratings, measured on held-out rating lists against
knowledge-base order and the per-condition mean, and promoted through ``model_version_promote``
only when its gate (not the diagnosis gates) says it wins."""

import factory
import pytest

from mlops.models import ModelVersion
from mlops.services import PromotionRefused
from recommendations.ranker_eval import CONDITION_MEAN, KB_ORDER, ndcg_at_k
from recommendations.ranking import HybridRanker, KnowledgeBaseOrder, current_ranker
from recommendations.services import ranker_train
from tests.recommendations.rating_population import rated_population

pytestmark = pytest.mark.django_db


def test_a_ranker_trained_on_ratings_with_signal_is_promoted():
    rated_population(signal=True)
    mv = ranker_train(promote=True)
    mv.refresh_from_db()
    assert mv.alias == ModelVersion.Alias.CHAMPION and isinstance(current_ranker(), HybridRanker)
    heldout = mv.metrics["heldout"]
    assert heldout["lists"] == 16 and mv.data_sources["heldout_lists"] == 16
    assert (
        heldout["ranker"] > heldout["baselines"][KB_ORDER]
        and heldout["ranker"] > heldout["baselines"][CONDITION_MEAN]
    )
    assert all(p < 0.05 for p in heldout["p_values"].values())
    # Only the ranker's gates ran: none of the diagnosis gates.
    assert {g["gate"]: g["passed"] for g in mv.metrics["gates"]} == {
        "artefact": True,
        "held-out ratings": True,
    }


def test_a_ranker_trained_on_random_ratings_is_refused_with_the_reason():
    rated_population(signal=False)
    with pytest.raises(PromotionRefused) as refused:
        ranker_train(promote=True)
    message = refused.value.message
    assert "held-out ratings gate: ranker" in message
    assert "does not beat" in message or "only by chance" in message
    mv = ModelVersion.objects.get(name="ranker")
    assert mv.alias == ModelVersion.Alias.ARCHIVED and mv.decision == message
    assert isinstance(current_ranker(), KnowledgeBaseOrder)


def test_too_few_rated_lists_to_hold_out_is_refused(alice):
    from accounts.services import consent_set
    from recommendations.models import ConditionMedicine
    from tests.factories import ItemRatingFactory

    consent_set(user=alice, granted=True)
    link = ConditionMedicine.objects.select_related("disease", "medicine").first()
    ItemRatingFactory.create_batch(
        60,
        user=alice,
        disease=link.disease,
        item_key=link.medicine.slug,
        rating=factory.Iterator([1, 2, 3, 4, 5]),
    )
    with pytest.raises(PromotionRefused, match="held-out ratings gate: no held-out evaluation"):
        ranker_train(promote=True)


def test_ndcg_at_5_uses_graded_gain_and_the_ideal_order():
    assert ndcg_at_k([5, 3, 1]) == pytest.approx(1.0)
    assert ndcg_at_k([1, 3, 5]) < ndcg_at_k([3, 1, 5]) < 1.0
    assert ndcg_at_k([1, 1]) == pytest.approx(1.0)


def test_the_nightly_ranker_retrain_is_scheduled_and_reports_a_refusal():
    from django_celery_beat.models import PeriodicTask

    from mlops.tasks import ranker_retrain_task

    task = PeriodicTask.objects.get(name="Nightly ranker retrain")
    assert task.task == "mlops.ranker_retrain" and (task.crontab.hour, task.crontab.minute) == ("3", "15")
    assert ranker_retrain_task.apply().get()["status"] == "skipped"
    rated_population(signal=False)
    result = ranker_retrain_task.apply().get()
    assert result["status"] == "refused" and "held-out ratings gate" in result["result"]
