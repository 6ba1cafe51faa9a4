import numpy as np
import pytest

from diagnosis.models import Disease
from mlops.services import model_version_promote, ranker_train
from recommendations.hybrid import HybridMF, RatingRow, item_features, user_features
from recommendations.models import ConditionMedicine
from recommendations.ranking import KnowledgeBaseOrder, current_ranker
from recommendations.safety import Profile
from recommendations.services import advice_build


def test_hybrid_model_learns_a_feature_dependent_preference():
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(600):
        band = rng.choice(["18-39", "65+"])
        for med, cls in (("a", "oral"), ("b", "topical")):
            likes_topical = band == "65+"
            rating = 5 if (cls == "topical") == likes_topical else 1
            rows.append(
                RatingRow(
                    user_features(age_band=band),
                    item_features(medicine=med, drug_class=cls, rx=False, disease="d"),
                    rating,
                )
            )
    model = HybridMF(k=4, iterations=300).fit(rows)
    items = [
        item_features(medicine="a", drug_class="oral", rx=False, disease="d"),
        item_features(medicine="b", drug_class="topical", rx=False, disease="d"),
    ]
    older = model.predict(user_features(age_band="65+"), items)
    younger = model.predict(user_features(age_band="18-39"), items)
    assert older[1] > older[0] and younger[0] > younger[1]
    # A brand-new item of a known class still gets a sensible score (cold start).
    new = model.predict(
        user_features(age_band="65+"),
        [item_features(medicine="new", drug_class="topical", rx=False, disease="d")],
    )
    assert new[0] > older[0]


@pytest.mark.django_db
def test_ranker_falls_back_to_kb_order_with_too_few_ratings():
    assert ranker_train() is None
    assert isinstance(current_ranker(), KnowledgeBaseOrder)


@pytest.mark.django_db
def test_ranker_only_reorders_what_the_safety_filter_allows(alice, trained_champion):
    from accounts.services import consent_set
    from diagnosis.services import symptom_check_start
    from feedback.models import ItemRating

    consent_set(user=alice, granted=True)
    session = symptom_check_start(user=alice, chips=["headache", "nausea", "pain behind the eyes"])
    migraine = Disease.objects.get(slug="migraine")
    kb = advice_build(disease=migraine, profile=Profile())
    last = kb.medicines[-1].slug
    for i in range(60):  # everybody loves the knowledge base's last option
        ItemRating.objects.create(
            user=alice,
            session=session if i == 0 else None,
            disease=migraine,
            item_type="medicine",
            item_key=last if i % 2 == 0 else kb.medicines[0].slug,
            rating=5 if i % 2 == 0 else 1,
            age_band="18-39",
        )
    # One user's single list cannot be held out, so the ranker gate refuses it; this test is about
    # what a serving ranker may reorder, so it is promoted by an (audited) override.
    mv = ranker_train(promote=False)
    assert mv is not None
    model_version_promote(model_version=mv, reason="test", override_reason="ordering test")
    ranked = advice_build(disease=migraine, profile=Profile(), ranker=current_ranker())
    assert ranked.medicines[0].slug == last
    linked = set(ConditionMedicine.objects.filter(disease=migraine).values_list("medicine__slug", flat=True))
    assert {m.slug for m in ranked.medicines} <= linked and len(ranked.medicines) == len(kb.medicines)
    filtered = advice_build(
        disease=migraine, profile=Profile(allergies=[kb.medicines[-1].name]), ranker=current_ranker()
    )
    assert last not in {m.slug for m in filtered.medicines}


@pytest.mark.django_db
def test_a_result_page_resolves_the_profile_once_for_the_filter_and_the_ranker(alice, trained_champion):
    """Two conditions and a learned ranker: the safety filter's resolution of the profile is
    reused by both advice blocks and by the ranker (and the ranker still orders by it)."""
    from unittest import mock

    from accounts.services import consent_set
    from diagnosis.services import symptom_check_start
    from feedback.models import ItemRating
    from recommendations import safety, services
    from recommendations.ranking import HybridRanker

    consent_set(user=alice, granted=True)
    session = symptom_check_start(user=alice, chips=["headache", "nausea", "pain behind the eyes"])
    migraine = Disease.objects.get(slug="migraine")
    for i in range(60):
        ItemRating.objects.create(
            user=alice, disease=migraine, item_type="medicine", item_key="ibuprofen", rating=1 + i % 5
        )
    mv = ranker_train(promote=False)
    model_version_promote(model_version=mv, reason="test", override_reason="ordering test")
    assert isinstance(current_ranker(), HybridRanker)
    # Two close conditions, whatever the checker now lists for these symptoms.
    top = session.conditions[0]
    other = Disease.objects.get(slug="common_cold")
    session.conditions = [top, {**top, "slug": other.slug, "name": other.name}]
    with (
        mock.patch.object(services, "resolve_profile", wraps=safety.resolve_profile) as in_services,
        mock.patch.object(safety, "resolve_profile", wraps=safety.resolve_profile) as in_safety,
    ):
        advice = services.recommendations_for_session(session=session, user=alice)
    assert len(advice) == 2 and any(a.medicines for a in advice)
    assert in_services.call_count + in_safety.call_count == 1


@pytest.mark.django_db
def test_only_consenting_users_ratings_train_the_ranker(alice, charlie):
    from accounts.services import consent_set
    from feedback.models import ItemRating
    from feedback.selectors import consented_medicine_ratings
    from recommendations.ranking import rating_rows

    migraine = Disease.objects.get(slug="migraine")
    for user in (alice, charlie):
        ItemRating.objects.create(
            user=user, disease=migraine, item_type="medicine", item_key="ibuprofen", rating=4
        )
    consent_set(user=alice, granted=True)
    assert len(rating_rows(consented_medicine_ratings())) == 1
    consent_set(user=alice, granted=False)
    assert consented_medicine_ratings() == [] and rating_rows(consented_medicine_ratings()) == []


def test_stratified_mean_shrinks_thin_cells_to_the_condition_mean_and_survives_its_artefact(tmp_path):
    from diagnosis.engine.artefacts import load_artefact, save_artefact
    from recommendations.ranker_eval import PRIOR_WEIGHT, StratifiedMean

    rows = (
        [("65+", "m", "d", "a", 5.0)]
        + [("18-39", "f", "d", "a", 1.0)] * 9
        + [("18-39", "f", "d", "b", 3.0)] * 10
    )
    model = StratifiedMean().fit(rows)
    # Condition means: a = (5 + 9) / 10 = 1.4, b = 3.0. One 65+ man's 5 is pulled most of the way
    # back to 1.4; nine 18-39 women's 1s outweigh the prior.
    a_mean = 1.4
    older = model.scores(age_band="65+", sex="m", disease="d", medicines=["a", "b", "new"])
    assert older[0] == pytest.approx((5 + PRIOR_WEIGHT * a_mean) / (1 + PRIOR_WEIGHT))
    assert older[1] == pytest.approx(3.0)  # no cell: the condition mean
    assert older[2] == pytest.approx(np.mean([r[-1] for r in rows]))  # never rated: the overall mean
    assert model.scores(age_band="18-39", sex="f", disease="d", medicines=["a"])[0] == pytest.approx(
        (9 + PRIOR_WEIGHT * a_mean) / (9 + PRIOR_WEIGHT)
    )
    assert list(model.condition_means(disease="d", medicines=["a", "b"])) == pytest.approx([a_mean, 3.0])
    path, checksum = save_artefact(model.to_payload(), tmp_path, "stratified.skops")
    again = StratifiedMean.from_payload(load_artefact(path, checksum))
    assert list(
        again.scores(age_band="65+", sex="m", disease="d", medicines=["a", "b", "new"])
    ) == pytest.approx(list(older))


class _Provider:
    """A ranker provider standing in for the registry (recommendations.ranker_source)."""

    def __init__(self, load):
        self.load, self.loads = load, 0

    def champion_key(self):
        return (7, "checksum")

    def champion(self, key):
        from recommendations.ranker_source import RankerChampion

        def load_payload():
            self.loads += 1
            return self.load()

        return RankerChampion(version_id=key[0], label="ranker-v7", load_payload=load_payload)


@pytest.fixture
def provider_slot(monkeypatch):
    from recommendations import ranker_source, ranking

    monkeypatch.setattr(ranker_source, "_provider", ranker_source.ranker_provider())
    monkeypatch.setattr(ranking, "_cache", {})
    return ranker_source


def test_mlops_registers_the_provider_serving_reads_the_ranker_from(provider_slot):
    from mlops.selectors import RegistryRankerProvider

    assert isinstance(provider_slot.ranker_provider(), RegistryRankerProvider)


def test_serving_loads_the_providers_champion_once_per_key(provider_slot):
    from recommendations.ranker_eval import StratifiedMean
    from recommendations.ranking import StratifiedRanker

    payload = StratifiedMean().fit([("18-39", "f", "d", "a", 4.0)]).to_payload()
    provider = _Provider(lambda: payload)
    provider_slot.register_ranker_provider(provider)
    first, again = current_ranker(), current_ranker()
    assert isinstance(first, StratifiedRanker) and first.version_id == 7 and first.label == "ranker-v7"
    assert again is first and provider.loads == 1


def test_no_provider_or_an_artefact_that_does_not_load_keeps_knowledge_base_order(provider_slot):
    from diagnosis.engine.artefacts import ArtefactError

    provider_slot.register_ranker_provider(None)
    assert isinstance(current_ranker(), KnowledgeBaseOrder)

    def broken():
        raise ArtefactError("checksum mismatch")

    provider_slot.register_ranker_provider(_Provider(broken))
    assert isinstance(current_ranker(), KnowledgeBaseOrder)
