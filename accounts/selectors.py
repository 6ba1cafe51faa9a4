"""Reads for accounts. Health data is only ever read for its owner."""

from .models import HealthProfile, User


def health_profile_for_user(*, user: User) -> HealthProfile | None:
    return HealthProfile.objects.filter(user=user).first()


def profile_snapshot(*, user: User | None) -> dict:
    """The non-identifying facts a check needs: age, age band, sex and pregnancy."""
    profile = health_profile_for_user(user=user) if user and user.is_authenticated else None
    if profile is None:
        return {"age": None, "age_band": "", "sex": "", "pregnant": False}
    return {
        "age": profile.age(),
        "age_band": profile.age_band,
        "sex": profile.sex,
        "pregnant": profile.is_pregnant,
    }
