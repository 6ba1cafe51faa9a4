from .models import ModelVersion


def champion_version(name: str = "diagnosis") -> ModelVersion | None:
    return ModelVersion.objects.filter(
        name=name, alias=ModelVersion.Alias.CHAMPION, status=ModelVersion.Status.READY
    ).first()


def champion_id(name: str = "diagnosis") -> int | None:
    return (
        ModelVersion.objects.filter(name=name, alias=ModelVersion.Alias.CHAMPION)
        .values_list("id", flat=True)
        .first()
    )


def fallback_versions(name: str = "diagnosis", exclude: int | None = None):
    """Previously good versions, newest promotion first: where serving falls back to."""
    return (
        ModelVersion.objects.filter(name=name, status=ModelVersion.Status.READY)
        .exclude(pk=exclude)
        .exclude(promoted_at=None)
        .order_by("-promoted_at")
    )


def training_cases_for_user(*, user) -> list[dict]:
    """The training cases made from ``user``'s checks, decrypted, for their data export: found
    through the keyed hash of each of their checks (there is no other link to them)."""
    from .models import TrainingCase
    from .services import chunked, training_check_keys

    rows = []
    for keys in chunked(training_check_keys(user=user)):
        for case in TrainingCase.objects.filter(check_key__in=keys).order_by("pk"):
            rows.append(
                {
                    "id": case.pk,
                    "source": case.source,
                    "condition": case.condition,
                    "symptoms": case.symptoms,
                    "age_band": case.age_band,
                    "sex": case.sex,
                    "created_at": case.created_at,
                }
            )
    return rows
