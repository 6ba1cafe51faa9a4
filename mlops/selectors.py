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
