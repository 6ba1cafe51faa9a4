"""The ranker in the loop: both methods (hybrid MF, stratified mean) trained on consented ratings,
measured on held-out rating lists against knowledge-base order, the per-condition mean and each
other; the winner is promoted through ``model_version_promote`` only when its gate (not the
diagnosis gates) says it wins."""

import factory
import pytest

from mlops.models import ModelVersion
from mlops.services import PromotionRefused, ranker_train
from recommendations.models import ConditionMedicine
from recommendations.ranker_eval import CONDITION_MEAN, HYBRID_MF, KB_ORDER, STRATIFIED_MEAN, ndcg_at_k
from recommendations.ranking import HybridRanker, KnowledgeBaseOrder, StratifiedRanker, current_ranker
from recommendations.safety import Profile
from recommendations.services import advice_build
from tests.recommendations.rating_population import rated_population

pytestmark = pytest.mark.django_db


def test_a_ranker_trained_on_ratings_with_signal_is_promoted():
    """Both methods learn an age-band preference perfectly: the tie goes to the stratified mean."""
    rated_population(signal=True)
    mv = ranker_train(promote=True)
    mv.refresh_from_db()
    assert mv.alias == ModelVersion.Alias.CHAMPION and isinstance(current_ranker(), StratifiedRanker)
    heldout = mv.metrics["heldout"]
    assert heldout["method"] == STRATIFIED_MEAN and mv.algorithm == "stratified_mean"
    assert heldout["ranker"] == heldout["rivals"][HYBRID_MF] == 1.0
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


def test_the_hybrid_model_wins_and_serves_when_listed_conditions_drive_the_preference():
    rated_population(signal="condition")
    mv = ranker_train(promote=True)
    mv.refresh_from_db()
    heldout = mv.metrics["heldout"]
    assert heldout["method"] == HYBRID_MF and mv.algorithm == "hybrid_mf"
    # The stratified mean sees no listed conditions: its cells are flat, as is the condition mean.
    assert heldout["ranker"] > heldout["rivals"][STRATIFIED_MEAN] + 0.05
    assert all(p < 0.05 for p in heldout["p_values"].values())
    assert mv.alias == ModelVersion.Alias.CHAMPION and isinstance(current_ranker(), HybridRanker)


def test_the_hybrid_model_is_refused_when_the_stratified_mean_beats_it_and_the_winner_serves():
    """An age band x sex interaction: the hybrid model cannot express it, the stratified mean can."""
    disease = rated_population(signal="age_sex")
    with pytest.raises(PromotionRefused) as refused:
        ranker_train(promote=True, method=HYBRID_MF)
    message = refused.value.message
    assert "ranker (hybrid MF)" in message and STRATIFIED_MEAN in message.split("does not beat", 1)[1]
    assert ModelVersion.objects.get(name="ranker").alias == ModelVersion.Alias.ARCHIVED
    assert isinstance(current_ranker(), KnowledgeBaseOrder)

    mv = ranker_train(promote=True)  # the nightly job: the winner is registered and promoted
    mv.refresh_from_db()
    heldout = mv.metrics["heldout"]
    assert heldout["method"] == STRATIFIED_MEAN and heldout["ranker"] > heldout["rivals"][HYBRID_MF]
    assert mv.alias == ModelVersion.Alias.CHAMPION
    ranker = current_ranker()
    assert isinstance(ranker, StratifiedRanker) and ranker.version_id == mv.pk
    # What serves: a 65+ man gets the reverse of the knowledge-base order of the four rated
    # medicines (first), a 65+ woman that order.
    rated = list(
        ConditionMedicine.objects.filter(disease=disease)
        .order_by("rank")
        .values_list("medicine__slug", flat=True)
    )[:4]
    for sex, expected in (("m", rated[::-1]), ("f", rated)):
        profile = Profile(age=70, sex=sex)
        kb = advice_build(disease=disease, profile=profile)
        ranked = advice_build(disease=disease, profile=profile, ranker=ranker)
        # Reordered before the list is cut to five, so the set may change, but only within the
        # medicines the safety filter allowed.
        withheld = {w["name"] for w in kb.withheld}
        linked = set(
            ConditionMedicine.objects.filter(disease=disease).values_list("medicine__slug", flat=True)
        )
        assert len(ranked.medicines) == len(kb.medicines) and ranked.withheld == kb.withheld
        assert all(m.slug in linked and m.name not in withheld for m in ranked.medicines)
        shown = [m.slug for m in ranked.medicines if m.slug in rated]
        assert shown == [m for m in expected if m in shown] and len(shown) >= 2


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


def test_ranker_train_refuses_an_unknown_method():
    with pytest.raises(ValueError, match="unknown ranking method"):
        ranker_train(method="popularity")


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
