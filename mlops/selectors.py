from django.db import connections, router

from diagnosis.models import KnowledgeBaseVersion
from diagnosis.selectors import knowledge_base_version, knowledge_base_version_statement
from recommendations.ranker_source import RankerChampion
from recommendations.ranking import RANKER_NAME

from . import gates
from .artefacts import artefact_load
from .cards import CARD_NAMES, model_card_build, model_card_render
from .cases import chunked, training_check_keys
from .models import ModelVersion, TrainingCase


def champion_version(name: str = "diagnosis") -> ModelVersion | None:
    return ModelVersion.objects.filter(
        name=name, alias=ModelVersion.Alias.CHAMPION, status=ModelVersion.Status.READY
    ).first()


def _champion_id_query(name: str):
    return ModelVersion.objects.filter(name=name, alias=ModelVersion.Alias.CHAMPION).values_list(
        "id", flat=True
    )


_champion_id_sql: dict[tuple[str, str], tuple[str, tuple]] = {}


def champion_id(name: str = "diagnosis") -> int | None:
    """The champion's id, asked on every check so that a promotion made by any process on any host
    is served on the next request. The statement never changes, so the ORM compiles it once per
    database and model name and it is then run as it is: building it cost more CPU than the
    database spent answering it (as ``diagnosis.selectors.knowledge_base_version``)."""
    alias = router.db_for_read(ModelVersion)
    compiled = _champion_id_sql.get((alias, name))
    if compiled is None:
        query = _champion_id_query(name)
        query = query if query.ordered else query.order_by("pk")  # what .first() would run
        sql, params = query[:1].query.get_compiler(using=alias).as_sql()
        compiled = _champion_id_sql[(alias, name)] = (sql, tuple(params))
    sql, params = compiled
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


_versions_sql: dict[tuple[str, str], tuple[str, tuple] | None] = {}


def kb_version_and_champion_id(name: str = "diagnosis") -> tuple[int, int | None]:
    """(the newest knowledge-base version's id or 0, the champion's id or None): what every check
    asks before it runs, in one statement made of the two compiled ones (``SELECT (...), (...)``)
    instead of two round trips. Separate queries when a router keeps the tables apart."""
    alias = router.db_for_read(ModelVersion)
    if (alias, name) not in _versions_sql:
        _versions_sql[(alias, name)] = _versions_statement(alias, name)
    compiled = _versions_sql[(alias, name)]
    if compiled is None:
        return knowledge_base_version(), champion_id(name)
    sql, params = compiled
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        kb_version, champion = cursor.fetchone()
    return kb_version or 0, champion


def _versions_statement(alias: str, name: str) -> tuple[str, tuple] | None:
    if router.db_for_read(KnowledgeBaseVersion) != alias:
        return None
    kb_sql, kb_params = knowledge_base_version_statement(alias)
    query = _champion_id_query(name)
    query = query if query.ordered else query.order_by("pk")
    champion_sql, champion_params = query[:1].query.get_compiler(using=alias).as_sql()
    return f"SELECT ({kb_sql}), ({champion_sql})", (*kb_params, *champion_params)


def model_artefact_payload(mv: ModelVersion) -> dict:
    """The version's artefact, from this host's cache or else the shared storage, checksum-verified
    (raises ``diagnosis.engine.artefacts.ArtefactError`` when it cannot be loaded)."""
    return artefact_load(mv.artefact_path, mv.checksum)


def fallback_versions(name: str = "diagnosis", exclude: int | None = None):
    """Previously good versions, newest promotion first: where serving falls back to."""
    return (
        ModelVersion.objects.filter(name=name, status=ModelVersion.Status.READY)
        .exclude(pk=exclude)
        .exclude(promoted_at=None)
        .order_by("-promoted_at")
    )


def rollback_target(*, name: str = "diagnosis") -> tuple[ModelVersion | None, ModelVersion | None]:
    """(current champion, the version a rollback would return to): the champion it replaced, or
    with no champion the most recently promoted ready version. Shared by the rollback itself and
    the admin's confirmation page, so the page shows exactly what the action will do."""
    current = ModelVersion.objects.filter(name=name, alias=ModelVersion.Alias.CHAMPION).first()
    if current is None:
        return None, fallback_versions(name).first()
    return current, current.replaced


def promotion_preview(*, model_version: ModelVersion) -> dict:
    """What promoting ``model_version`` would change, for a confirmation page: the champion it
    would replace and every gate's result now. Runs the gates without recording anything (the
    promotion runs them again and records them)."""
    mv = ModelVersion.objects.get(pk=model_version.pk)
    current = ModelVersion.objects.filter(name=mv.name, alias=ModelVersion.Alias.CHAMPION).first()
    if mv.status != ModelVersion.Status.READY or mv.alias == ModelVersion.Alias.CHAMPION:
        return {
            "version": mv,
            "current": current,
            "gates": [],
            "passed": mv.status == ModelVersion.Status.READY,
        }
    report = gates.gates_run(model_version=mv)
    refused_before = gates.registry_refusal(mv)
    if refused_before is not None:
        report.results.insert(0, refused_before)
    return {
        "version": mv,
        "current": current,
        "gates": [r.as_dict() for r in report.results],
        "passed": report.passed,
    }


def training_cases_for_user(*, user) -> list[dict]:
    """The training cases made from ``user``'s checks, decrypted, for their data export: found
    through the keyed hash of each of their checks (there is no other link to them)."""
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
    sections = model_card_build(model_version)
    return {"sections": sections, "markdown": model_version.card or model_card_render(sections)}


def model_version_for_card(*, version: int, name: str = "diagnosis") -> ModelVersion | None:
    if name not in CARD_NAMES:
        return None
    return ModelVersion.objects.filter(name=name, version=version).first()


class RegistryRankerProvider:
    """Serves the medicine ranker's champion from the registry to ``recommendations.ranking``
    (registered in ``MlopsConfig.ready`` through ``recommendations.ranker_source``)."""

    def _champions(self):
        return ModelVersion.objects.filter(name=RANKER_NAME, alias=ModelVersion.Alias.CHAMPION)

    def champion_key(self) -> tuple[int, str] | None:
        """The champion's id and checksum: one indexed query of two columns per request."""
        return self._champions().values_list("id", "checksum").first()

    def champion(self, key: tuple[int, str]) -> RankerChampion | None:
        mv = self._champions().filter(pk=key[0]).first()
        if mv is None:
            return None
        return RankerChampion(
            version_id=mv.pk, label=mv.label, load_payload=lambda: model_artefact_payload(mv)
        )
