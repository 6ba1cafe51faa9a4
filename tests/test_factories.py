"""The factories build rows the models accept (full_clean), linked as the services link them."""

import pytest

from tests.factories import (
    ClinicianReviewFactory,
    ItemRatingFactory,
    SymptomSessionFactory,
    TrainingRunFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory_class",
    [UserFactory, SymptomSessionFactory, ClinicianReviewFactory, ItemRatingFactory, TrainingRunFactory],
)
def test_each_factory_builds_a_valid_row(factory_class):
    obj = factory_class()
    obj.full_clean()
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_review_belongs_to_its_check_s_patient():
    review = ClinicianReviewFactory()
    assert review.patient == review.session.user
    assert review.patient.is_patient


def test_a_rating_is_for_a_knowledge_base_condition_and_a_session_s_owner_if_given():
    session = SymptomSessionFactory()
    rating = ItemRatingFactory(user=session.user, session=session)
    assert rating.disease.slug == "common_cold"
    assert rating.session.user == rating.user
