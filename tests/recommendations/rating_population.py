"""Consenting users who rated the medicines of one condition: with a preference the features carry,
or at random."""

import numpy as np

from accounts.services import consent_set
from diagnosis.models import Disease
from feedback.models import ItemRating
from recommendations.models import ConditionMedicine
from tests.factories import UserFactory


def rated_population(*, signal: bool, n_users: int = 80, seed: int = 0) -> Disease:
    """Each user rates the first four medicines of the condition with the most of them. With
    ``signal``, 18-39s like them in reverse knowledge-base order and 65+ in knowledge-base order:
    the per-condition mean is then flat (it can only fall back on knowledge-base order) and only a
    ranker that uses the age band orders both groups well. Without it, ratings are uniform 1-5."""
    from django.db.models import Count

    disease = Disease.objects.annotate(n=Count("medicine_links")).order_by("-n", "slug").first()
    meds = [
        link.medicine.slug
        for link in ConditionMedicine.objects.filter(disease=disease)
        .select_related("medicine")
        .order_by("rank")[:4]
    ]
    rng = np.random.default_rng(seed)
    for i in range(n_users):
        user = UserFactory(email=f"rater{seed}-{i}@example.test")
        consent_set(user=user, granted=True)
        band = "18-39" if i % 2 == 0 else "65+"
        for j, med in enumerate(meds):
            if signal:
                rating = 1 + j if band == "18-39" else len(meds) - j
            else:
                rating = int(rng.integers(1, 6))
            ItemRating.objects.create(
                user=user, disease=disease, item_type="medicine", item_key=med, rating=rating, age_band=band
            )
    return disease
