"""Consenting users who rated the medicines of one condition, with a preference of a given shape."""

import numpy as np

from accounts.services import consent_set
from diagnosis.models import Disease
from feedback.models import ItemRating
from recommendations.models import ConditionMedicine
from tests.factories import UserFactory

SHAPES = ("age", "condition", "age_sex", "random")


def rated_population(*, signal: bool | str, n_users: int = 80, seed: int = 0) -> Disease:
    """Each user rates the first four medicines of the condition with the most of them, in
    knowledge-base order or in reverse. Which users like the reverse order depends on ``signal``:

    - ``"age"`` (or True): the 18-39s (65+ like knowledge-base order). The per-condition mean is
      flat; both the hybrid model and the stratified mean can learn it.
    - ``"condition"``: those who list asthma, half of each age band and sex. Only the hybrid model
      sees listed conditions, so only it can learn this.
    - ``"age_sex"``: 18-39 women and 65+ men (18-39 men and 65+ women like knowledge-base order).
      An age band x sex interaction: the hybrid model adds up a band's and a sex's embeddings and
      cannot express it; the stratified mean's cells can.
    - ``"random"`` (or False): uniform 1-5 ratings.
    """
    from django.db.models import Count

    shape = {True: "age", False: "random"}.get(signal, signal)
    assert shape in SHAPES, shape
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
        sex = "f" if i % 4 < 2 else "m"
        conditions = ["asthma"] if i % 8 < 4 else []
        reverse = {
            "age": band == "18-39",
            "condition": bool(conditions),
            "age_sex": (band, sex) in {("18-39", "f"), ("65+", "m")},
            "random": False,
        }[shape]
        for j, med in enumerate(meds):
            if shape == "random":
                rating = int(rng.integers(1, 6))
            else:
                rating = 1 + j if reverse else len(meds) - j
            ItemRating.objects.create(
                user=user,
                disease=disease,
                item_type="medicine",
                item_key=med,
                rating=rating,
                age_band=band,
                sex=sex,
                profile_conditions=conditions,
            )
    return disease
