"""factory-boy factories for the models tests build. Defaults are a plain, harmless case (a
patient's "gp" check for a cough that suggests a common cold); pass what a test is about."""

import factory
from allauth.account.models import EmailAddress

from accounts.models import HealthProfile, Role, User
from diagnosis.models import Disease, SymptomSession
from feedback.models import ClinicianReview, ItemRating
from mlops.models import TrainingRun

COMMON_COLD = {"slug": "common_cold", "name": "Common cold", "icd10": "J00", "probability": 0.5}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    role = Role.PATIENT
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
            HealthProfile.objects.get_or_create(user=obj)


class SymptomSessionFactory(factory.django.DjangoModelFactory):
    """A stored check as the services leave it, without running the engine."""

    class Meta:
        model = SymptomSession

    user = factory.SubFactory(UserFactory)
    triage = "gp"
    model_label = "test"
    symptoms = factory.LazyFunction(lambda: ["cough"])
    conditions = factory.LazyFunction(lambda: [dict(COMMON_COLD)])


class ClinicianReviewFactory(factory.django.DjangoModelFactory):
    """An open review of a check, its patient copied from the check as ``review_flag`` does."""

    class Meta:
        model = ClinicianReview

    session = factory.SubFactory(SymptomSessionFactory)
    patient = factory.SelfAttribute("session.user")
    reasons = factory.LazyFunction(lambda: ["low_confidence"])
    urgency = 2


class ItemRatingFactory(factory.django.DjangoModelFactory):
    """A patient's rating of one medicine for a knowledge-base condition (the test database
    holds the shipped knowledge base)."""

    class Meta:
        model = ItemRating

    user = factory.SubFactory(UserFactory)
    disease = factory.LazyFunction(lambda: Disease.objects.get(slug="common_cold"))
    item_type = "medicine"
    item_key = "paracetamol"
    rating = 4


class TrainingRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRun

    trigger = "manual"
