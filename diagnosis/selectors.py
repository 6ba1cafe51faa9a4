"""Reads for the diagnosis app. Patient data is only read through ``*_for_user`` helpers."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medportal.limits import DAY

from .engine.check import WIDE_SET
from .engine.knowledge import DiseaseSpec, KnowledgeSnapshot, RuleSpec, snapshot_from_data
from .engine.predictor import LoadedModel, current_model, model_source
from .models import (
    ComplaintConcept,
    Disease,
    DiseaseSymptom,
    KnowledgeBaseVersion,
    PresentingComplaint,
    RedFlagRule,
    Symptom,
    SymptomSession,
    SymptomSynonym,
)

ANSWER_LABELS = {
    "yes": gettext_lazy("Yes"),
    "no": gettext_lazy("No"),
    "dont_know": gettext_lazy("Don't know"),
}


@dataclass(frozen=True)
class NextQuestion:
    symptom: str
    text: str
    number: int


@dataclass(frozen=True)
class AnswerShown:
    symptom: str
    name: str
    answer: str
    label: str


@dataclass(frozen=True)
class SessionDisplay:
    """A check's symptom slugs as people read them: one place for the result page, the API and
    the clinician's case page, so they never name a symptom differently."""

    symptoms: list[str]
    negated: list[str]
    answers: list[AnswerShown]
    question: NextQuestion | None


def symptom_display_name(slug: str, snapshot) -> str:
    # A symptom removed from the knowledge base after the check still reads as words.
    return snapshot.symptom_names.get(slug) or slug.replace("_", " ")


def session_display(session, snapshot=None) -> SessionDisplay:
    snapshot = snapshot or current_snapshot()
    question = None
    if slug := session.next_question:
        question = NextQuestion(
            symptom=slug,
            text=snapshot.symptom_questions.get(slug)
            or _("Do you have %(s)s?") % {"s": symptom_display_name(slug, snapshot)},
            number=len(session.answers) + 1,
        )
    return SessionDisplay(
        symptoms=[symptom_display_name(s, snapshot) for s in session.symptoms],
        negated=[symptom_display_name(s, snapshot) for s in session.negated],
        answers=[
            AnswerShown(
                symptom=a["symptom"],
                name=symptom_display_name(a["symptom"], snapshot),
                answer=a["answer"],
                label=str(ANSWER_LABELS.get(a["answer"], a["answer"])),
            )
            for a in session.answers
        ],
        question=question,
    )


def _kb_version_query():
    return KnowledgeBaseVersion.objects.order_by("-id").values_list("id", flat=True)


_kb_version_sql: dict[str, str] = {}


def knowledge_base_version_statement(alias: str) -> tuple[str, tuple]:
    """The compiled statement behind ``knowledge_base_version``, for a caller that runs it together
    with others in one round trip (``mlops.selectors.kb_version_and_champion_id``)."""
    sql, params = _kb_version_query()[:1].query.get_compiler(using=alias).as_sql()
    return sql, tuple(params)


def knowledge_base_version() -> int:
    """The newest version's id (0 before any): asked on every check. The statement never changes,
    so it is compiled by the ORM once per database and then run as it is: building it cost more
    CPU than the database spent answering it."""
    alias = router.db_for_read(KnowledgeBaseVersion)
    sql = _kb_version_sql.get(alias)
    if sql is None:
        sql, params = _kb_version_query()[:1].query.get_compiler(using=alias).as_sql()
        if params:  # (no backend puts the limit in a parameter today)
            return _kb_version_query().using(alias).first() or 0
        _kb_version_sql[alias] = sql
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return (row[0] if row else None) or 0


# --- the knowledge snapshot the engine runs on ---------------------------------------------------


def knowledge_snapshot() -> KnowledgeSnapshot:
    """Read the knowledge-base tables once and hand them to the engine as plain rows
    (``diagnosis.engine.knowledge.snapshot_from_data`` builds the arrays without a database)."""
    version = knowledge_base_version()
    rules = tuple(
        _rule_spec(rule)
        for rule in RedFlagRule.objects.filter(is_active=True).prefetch_related("all_of", "any_of")
    )
    complaints = PresentingComplaint.objects.filter(is_active=True).prefetch_related("discriminators")
    return snapshot_from_data(
        version=version,
        symptoms=list(Symptom.objects.order_by("slug").values_list("slug", "name", "question")),
        synonyms=dict(SymptomSynonym.objects.values_list("phrase", "symptom__slug")),
        diseases=tuple(_disease_spec(d) for d in Disease.objects.order_by("slug")),
        links=list(DiseaseSymptom.objects.values_list("disease__slug", "symptom__slug", "frequency")),
        rules=rules,
        # by name (the model's ordering): a later alias wins
        disease_names=[(d.name, d.slug, list(d.aliases or [])) for d in Disease.objects.all()],
        complaints=[_complaint_dict(c) for c in complaints],
        concepts=dict(ComplaintConcept.objects.values_list("name", "terms")),
    )


def _disease_spec(d) -> DiseaseSpec:
    return DiseaseSpec(
        slug=d.slug,
        name=d.name,
        icd10=d.icd10,
        default_triage=d.default_triage,
        age_min=d.age_min,
        age_max=d.age_max,
        age_mode=d.age_mode,
        female_share=d.female_share,
        description=d.description,
        emergency_guidance=d.emergency_guidance,
    )


def _rule_spec(rule) -> RuleSpec:
    return RuleSpec(
        slug=rule.slug,
        name=rule.name,
        level=rule.level,
        all_of=frozenset(s.slug for s in rule.all_of.all()),
        any_of=frozenset(s.slug for s in rule.any_of.all()),
        min_age=rule.min_age,
        max_age=rule.max_age,
        sex=rule.sex,
        pregnant=rule.pregnant,
        instruction=rule.instruction,
    )


def _complaint_dict(complaint) -> dict:
    """A presenting complaint with its active discriminators, in the fixture files' shape."""
    return {
        "slug": complaint.slug,
        "name": complaint.name,
        "body_system": complaint.body_system,
        "level": complaint.level,
        "instruction": complaint.instruction,
        "safety_net": complaint.safety_net,
        "source": complaint.source,
        "terms": complaint.terms,
        "discriminators": [_discriminator_dict(d) for d in complaint.discriminators.all() if d.is_active],
    }


def _discriminator_dict(d) -> dict:
    return {
        "slug": d.slug,
        "name": d.name,
        "level": d.level,
        "instruction": d.instruction,
        "all_of": d.all_of,
        "standalone": d.standalone,
        "sex": d.sex,
        "sex_known": d.sex_known,
        "pregnant": d.pregnant,
        "age_below_months": d.age_below_months,
        "age_from_months": d.age_from_months,
        "age_from_subject": d.age_from_subject,
        "min_temperature_c": d.min_temperature_c,
        "min_duration_days": d.min_duration_days,
        "min_tablets": d.min_tablets,
    }


_snapshot_lock = threading.Lock()
_cached_snapshot: KnowledgeSnapshot | None = None


def current_snapshot(version: int | None = None) -> KnowledgeSnapshot:
    """The snapshot for the current knowledge-base version (one cheap query to check, unless the
    caller has just read ``version``), rebuilt only when the version changes, so admin edits take
    effect on the next check without a restart."""
    global _cached_snapshot
    if version is None:
        version = knowledge_base_version()
    snapshot = _cached_snapshot
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with _snapshot_lock:
        if _cached_snapshot is None or _cached_snapshot.version != version:
            _cached_snapshot = knowledge_snapshot()
        return _cached_snapshot


def serving_snapshot_and_model() -> tuple[KnowledgeSnapshot, LoadedModel]:
    """The knowledge snapshot and the model a check runs on, both as of now. A model source that
    can read the knowledge-base version and its champion's id in one statement (the registry's,
    ``mlops.serving``) saves a database round trip per check; both are still asked every time,
    so an edit or a promotion made by any process on any host is served on the next check."""
    versions = getattr(model_source(), "kb_version_and_champion_id", None)
    if versions is None:
        snapshot = current_snapshot()
        return snapshot, current_model(snapshot)
    kb_version, champion = versions()
    snapshot = current_snapshot(kb_version)
    return snapshot, current_model(snapshot, champion_id=champion)


def snapshot_for_version(version: int) -> KnowledgeSnapshot:
    """The cached snapshot if it is ``version``, without the version query; else the current one.

    A check's response shows the check just stored, run on the cached snapshot a moment ago:
    its names come from that snapshot without asking the database again."""
    snapshot = _cached_snapshot
    if snapshot is not None and snapshot.version == version:
        return snapshot
    return current_snapshot()


def clear_snapshot() -> None:
    global _cached_snapshot
    _cached_snapshot = None


def model_version_exists(version_id: int) -> bool:
    """Whether the model version a check names is still registered. The check's foreign key knows
    its target table (mlops' ModelVersion), so diagnosis asks it without importing the app above."""
    target = SymptomSession._meta.get_field("model_version").related_model
    return target._default_manager.filter(pk=version_id).exists()


def checks_in_last_day(*, user) -> int:
    return SymptomSession.objects.filter(user=user, created_at__gte=timezone.now() - DAY).count()


def daily_cap_wait_seconds(*, user) -> float | None:
    """None while ``user`` may start another check (``CHECKS_PER_DAY``; 0: no cap); otherwise
    seconds until the oldest check of the last 24 hours ages out of the window."""
    cap = settings.CHECKS_PER_DAY
    if not cap or checks_in_last_day(user=user) < cap:
        return None
    window_start = timezone.now() - DAY
    oldest = (
        SymptomSession.objects.filter(user=user, created_at__gte=window_start)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return max(1.0, ((oldest or window_start) - window_start).total_seconds())


def get_session_for_user(*, user, pk: int):
    """The one choke point for opening a check: anyone but its owner gets 404."""
    return get_object_or_404(SymptomSession.objects.select_related("model_version"), pk=pk, user=user)


def guest_check_display(check: dict):
    """A guest's check (plain data from their session) as an unsaved SymptomSession, so the
    result page, ``what_to_do`` and ``session_display`` treat it exactly like a patient's check.
    Never saved: it has no owner and no id."""
    fields = {f.name for f in SymptomSession._meta.concrete_fields} | {"model_version_id"}
    shown = SymptomSession(**{k: v for k, v in check.items() if k in fields and k != "created_at"})
    shown.created_at = parse_datetime(check.get("created_at") or "")
    return shown


def sessions_for_user(*, user):
    return SymptomSession.objects.filter(user=user).order_by("-created_at")


def generic_safety_net() -> list[str]:
    """Said on every result whatever was recognised, so nobody leaves without knowing when to act."""
    number = settings.EMERGENCY_NUMBER
    urgent = getattr(settings, "URGENT_NUMBER", "111")
    return [
        # Two short lines rather than one long one: they are read under stress (grade 8 or below,
        # tests/diagnosis/test_patient_language.py).
        _(
            "Call %(n)s now if someone has chest pain or cannot breathe well. Call too if their face droops or an arm is weak."
        )
        % {"n": number},
        _(
            "Call %(n)s now if someone has a fit or will not wake up. Call too for a rash that does not fade "
            "under a glass, or if they took too much of a medicine."
        )
        % {"n": number},
        _("Get help from %(u)s or a doctor today if you get worse, or if you are worried.") % {"u": urgent},
    ]


def safety_net_for(session) -> list[str]:
    """The "get help now if ..." lines of the complaints a check recognised, then the general ones."""
    lines: list[str] = []
    for complaint in session.complaints or []:
        for line in complaint.get("safety_net") or []:
            if line not in lines:
                lines.append(line)
    return lines[:4] + [line for line in generic_safety_net() if line not in lines]


def suggestions_for(session, snapshot=None) -> dict[str, list[str]]:
    """Did-you-mean symptom names for each phrase of a check that nothing recognised (no
    knowledge-base look-up when every phrase was recognised: most checks)."""
    if not session.unrecognised:
        return {}
    index = (snapshot or current_snapshot()).index
    return {text: index.suggest(text) for text in session.unrecognised}


@dataclass(frozen=True)
class WhatToDo:
    """The top of every result: one action for the level, the instructions that decided it, and
    when to get help sooner."""

    level: str
    heading: str
    actions: list[str]
    safety_net: list[str]
    emergency_tel: str
    urgent_number: str


def emergency_tel() -> str:
    """The dialable part of the configured emergency number ("999 (UK) / 112 (EU)" -> "999")."""
    match = re.search(r"\d+", settings.EMERGENCY_NUMBER)
    return match.group(0) if match else "999"


def what_to_do(session) -> WhatToDo:
    level = session.triage
    urgent = settings.URGENT_NUMBER
    tel = emergency_tel()
    headings = {
        "emergency": _("Call %(n)s now") % {"n": tel},
        "urgent": _("Get medical help today"),
        "gp": _("Book an appointment with a GP"),
        "self_care": _("You can probably look after this at home"),
    }
    generic = {
        "emergency": _("Call %(n)s or go to the nearest emergency department (A&E) now.") % {"n": tel},
        "urgent": _(
            "Call %(u)s today, or contact your GP or an urgent care service. Do not wait for a normal appointment."
        )
        % {"u": urgent},
        "gp": _(
            "Book a GP appointment in the next few days. For teeth, see a dentist. For eyes, see an optician."
        ),
        "self_care": _(
            "Rest and look after yourself. A pharmacist can advise you and tell you what can help."
        ),
    }
    actions: list[str] = []
    for flag in session.red_flags or []:
        if flag.get("level") == level and flag.get("instruction") and flag["instruction"] not in actions:
            actions.append(flag["instruction"])
    if not actions:
        for complaint in session.complaints or []:
            if complaint.get("level") == level and complaint.get("instruction") not in actions:
                actions.append(complaint["instruction"])
    if not actions:
        actions.append(generic[level])
    return WhatToDo(
        level=level,
        heading=headings[level],
        actions=actions[:3],
        safety_net=[] if level == "emergency" else safety_net_for(session),
        emergency_tel=tel,
        urgent_number=urgent,
    )


def knowledge_sources() -> dict[str, list[dict]]:
    """The public guidance behind every condition and active presenting complaint, for /sources/:
    each entry's name, its source note and when it last changed (its newest history row; None
    when it has never been saved through a tracked write)."""

    def notes(model, queryset) -> list[dict]:
        newest = model.history.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
        rows = queryset.annotate(updated=Subquery(newest)).only("name", "source").order_by("name")
        return [{"name": r.name, "source": r.source, "updated": r.updated} for r in rows]

    return {
        "conditions": notes(Disease, Disease.objects.all()),
        "complaints": notes(PresentingComplaint, PresentingComplaint.objects.filter(is_active=True)),
    }


# --- conditions as patients read them ----------------------------------------------------------

# At most this many conditions on a patient page: a longer list reads as a diagnosis by elimination
# and buries the action. Clinician pages and the API keep the full ranked list with ICD-10 codes.
PATIENT_CONDITIONS_SHOWN = 3

_EXPOSURES = frozenset(
    {"high_risk_sexual_contact", "unsterile_injections_history", "blood_transfusion_history"}
)
# Conditions that are frightening or stigmatising to be told about on symptoms such as tiredness or
# weight loss alone: shown only when the check found one of these specific findings.
SENSITIVE_CONDITIONS: dict[str, frozenset[str]] = {
    "hiv_aids": _EXPOSURES,
    "hepatitis_b": _EXPOSURES,
    "hepatitis_c": _EXPOSURES,
    "tuberculosis": frozenset({"blood_in_sputum"}),
}
_SEXUAL_HEALTH_TEST = gettext_lazy(
    "A sexual health clinic or your GP can test for this. Testing is free and confidential."
)
TESTING_ROUTES: dict[str, str] = {
    "hiv_aids": _SEXUAL_HEALTH_TEST,
    "hepatitis_b": _SEXUAL_HEALTH_TEST,
    "hepatitis_c": _SEXUAL_HEALTH_TEST,
    "tuberculosis": gettext_lazy("Your GP can test for this. Testing is free and confidential."),
}


@dataclass(frozen=True)
class PatientCondition:
    """One condition on a patient's result page: everyday name first, no ICD-10 code."""

    slug: str
    name: str
    medical_name: str
    probability: float
    supporting: list[str]
    typical_not_reported: list[str]
    against: list[str]
    sensitive: bool = False
    testing: str = ""


def condition_lay_names(slugs) -> dict[str, str]:
    """Slug -> everyday name for the conditions that have one (blank lay names are left out)."""
    return dict(
        Disease.objects.filter(slug__in=set(slugs)).exclude(lay_name="").values_list("slug", "lay_name")
    )


def patient_conditions(session, lay_names: dict[str, str] | None = None) -> list[PatientCondition]:
    """The conditions a patient sees, in rank order: lay names, sensitive conditions only with a
    specific supporting finding (and a route to testing), at most ``PATIENT_CONDITIONS_SHOWN``."""
    rows = session.conditions or []
    if lay_names is None:
        lay_names = condition_lay_names(c.get("slug", "") for c in rows)
    present = set(session.symptoms or [])
    shown: list[PatientCondition] = []
    for c in rows:
        slug = c.get("slug", "")
        specific = SENSITIVE_CONDITIONS.get(slug)
        if specific is not None and not present & specific:
            continue
        medical = c.get("name", "")
        shown.append(
            PatientCondition(
                slug=slug,
                name=lay_names.get(slug) or medical,
                medical_name=medical,
                probability=c.get("probability", 0),
                supporting=list(c.get("supporting") or []),
                typical_not_reported=list(c.get("typical_not_reported") or []),
                against=list(c.get("against") or []),
                sensitive=specific is not None,
                testing=str(TESTING_ROUTES.get(slug, "")),
            )
        )
        if len(shown) == PATIENT_CONDITIONS_SHOWN:
            break
    return shown


def patient_history_rows(sessions) -> list[dict]:
    """My checks: each check's symptoms and its top condition as the result page names it."""
    sessions = list(sessions)
    snapshot = current_snapshot()
    lay = condition_lay_names(c.get("slug", "") for s in sessions for c in (s.conditions or []))
    rows = []
    for s in sessions:
        shown = patient_conditions(s, lay)
        rows.append(
            {
                "session": s,
                "top": shown[0].name if shown else "",
                "symptoms": ", ".join(snapshot.symptom_names.get(x, x) for x in s.symptoms[:4]),
            }
        )
    return rows


def conformal_for(session) -> dict:
    """The check's conformal list for the API: {"prediction_set", "coverage"}, or {} when the model
    version that answered had no calibration (the fields are then absent, not empty)."""
    data = session.conformal or {}
    if data.get("prediction_set") is None:
        return {}
    return {"prediction_set": list(data["prediction_set"]), "coverage": data.get("coverage")}


@dataclass(frozen=True)
class ListCertainty:
    """How sure the condition list is, in plain words, from the conformal set."""

    narrow: bool
    size: int
    text: str
    names: list[str]
    coverage_percent: int


_SIZE_WORDS = {
    1: gettext_lazy("this one"),
    2: gettext_lazy("one of these two"),
    3: gettext_lazy("one of these three"),
    4: gettext_lazy("one of these four"),
}


def list_certainty(session) -> ListCertainty | None:
    """None when there is no calibrated set. A set of 1-4 names them ("very likely one of these
    two"); an empty set or more than 4 says plainly that it cannot be narrowed down (and the
    check is then never self-care: engine/check.py)."""
    data = conformal_for(session)
    if not data:
        return None
    names = data["prediction_set"]
    percent = round(100 * float(data.get("coverage") or 0))
    if not 0 < len(names) <= WIDE_SET:
        return ListCertainty(
            narrow=False,
            size=len(names),
            text=_("We can't narrow this down: please see a GP (sooner if the advice above says so)."),
            names=[],
            coverage_percent=percent,
        )
    which = _SIZE_WORDS[len(names)]
    listed = (
        names[0]
        if len(names) == 1
        else _("%(some)s or %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}
    )
    return ListCertainty(
        narrow=True,
        size=len(names),
        text=_(
            "The right condition is very likely %(which)s: %(names)s. For answers like yours this list "
            "holds the right condition about %(p)s times in 100; it is still not a diagnosis."
        )
        % {"which": which, "names": listed, "p": percent},
        names=list(names),
        coverage_percent=percent,
    )
