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


def can_read_model_cards(user) -> bool:
    """Clinicians (the review queue links the champion's card) and staff (who also see it in admin)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (getattr(user, "is_clinician", False) or user.is_staff or user.is_superuser)
    )


def model_card_for(*, model_version: ModelVersion) -> dict:
    """The card's sections, rebuilt from the registry, and its Markdown: the stored card (written at
    the last registration, gate run or promotion) or, for a version registered before cards
    existed, one rendered now."""
    from .cards import model_card_build, model_card_render

    sections = model_card_build(model_version)
    return {"sections": sections, "markdown": model_version.card or model_card_render(sections)}


def model_version_for_card(*, version: int, name: str = "diagnosis") -> ModelVersion | None:
    from .cards import CARD_NAMES

    if name not in CARD_NAMES:
        return None
    return ModelVersion.objects.filter(name=name, version=version).first()
