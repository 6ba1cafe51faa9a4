"""Writes for the diagnosis app: starting a symptom check and answering its questions."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import profile_snapshot
from feedback.services import review_flag

from .engine.check import CheckResult, run_check
from .engine.complaints import Subject
from .engine.context import pregnancy_and_breastfeeding, tokenise
from .engine.knowledge import current_snapshot
from .engine.predictor import current_model
from .models import SymptomSession
from .selectors import ANSWER_LABELS

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_CHIPS = 30
ANSWERS = tuple(ANSWER_LABELS)
SUBJECTS = ("me", "child", "other")
YES_NO_UNSURE = ("yes", "no", "unsure", "")
MAX_AGE_YEARS = 120


def _clean_input(text: str | None, chips) -> tuple[str, list[str]]:
    text = (text or "").strip()
    if isinstance(chips, str):
        chips = chips.split(",")
    chips = [str(c).strip()[:100] for c in (chips or []) if str(c).strip()][:MAX_CHIPS]
    if not text and not chips:
        raise ValidationError(_("Tell us at least one symptom."), code="empty")
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("Please keep the description under %(n)s characters.") % {"n": MAX_TEXT}, code="too_long"
        )
    return text, chips


def _yes_no_unsure(value, field: str) -> str:
    if value is True:
        return "yes"
    if value is False or value is None:
        return "no" if value is False else ""
    value = str(value).strip().lower()
    if value not in YES_NO_UNSURE:
        raise ValidationError({field: _("Answer yes, no or unsure.")}, code="invalid")
    return value


def _age_months(given: dict) -> float | None:
    months, years = given.get("age_months"), given.get("age_years", given.get("age"))
    try:
        if months not in (None, ""):
            value = float(months)
            if not 0 <= value <= MAX_AGE_YEARS * 12 or value != value:
                raise ValueError
            return value
        if years not in (None, ""):
            value = float(years)
            if not 0 <= value <= MAX_AGE_YEARS or value != value:
                raise ValueError
            return value * 12
    except (TypeError, ValueError):
        raise ValidationError(
            {"age": _("Enter an age between 0 and %(n)s years (months for babies).") % {"n": MAX_AGE_YEARS}},
            code="invalid",
        ) from None
    return None


def subject_for_check(*, profile: dict, given: dict | None) -> dict:
    """Who the check is about, as stored on the session: the account holder by default (their
    profile's age, sex and pregnancy, with pregnancy or breastfeeding written in its free text
    counted, conservatively), or a child or another adult described in the check itself."""
    given = dict(given or {})
    who = given.get("for") or "me"
    if who not in SUBJECTS:
        raise ValidationError({"for": _("Choose me, my child or someone else.")}, code="invalid")
    sex = str(given.get("sex") or "").strip().lower()[:1]
    if sex not in ("f", "m", ""):
        raise ValidationError({"sex": _("Choose female, male or not say.")}, code="invalid")
    pregnant = _yes_no_unsure(given.get("pregnant"), "pregnant")
    breastfeeding = _yes_no_unsure(given.get("breastfeeding"), "breastfeeding")
    age_months = _age_months(given)
    if who == "me":
        notes = tokenise(" . ".join(profile.get("notes") or []))
        notes_pregnant, notes_breastfeeding = pregnancy_and_breastfeeding(notes)
        sex = sex or profile.get("sex") or ""
        if age_months is None and profile.get("age") is not None:
            age_months = float(profile["age"]) * 12
        if not pregnant:
            if profile.get("pregnant") or notes_pregnant:
                pregnant = "yes"
            elif profile.get("pregnancy") == "unsure":
                pregnant = "unsure"
        if not breastfeeding and notes_breastfeeding:
            breastfeeding = "yes"
    elif age_months is None and who == "child":
        raise ValidationError({"age": _("Tell us the child's age (in months for a baby).")}, code="required")
    if sex == "m" and pregnant in ("yes", "unsure"):
        raise ValidationError({"pregnant": _("Pregnancy only applies to someone who could be pregnant.")})
    return {
        "for": who,
        "age_months": age_months,
        "sex": sex,
        "pregnant": pregnant,
        "breastfeeding": breastfeeding,
    }


def _engine_subject(subject: dict) -> Subject:
    return Subject(
        age_months=subject.get("age_months"),
        sex=subject.get("sex") or "",
        pregnant=True if subject.get("pregnant") in ("yes", "unsure") else None,
        breastfeeding=True if subject.get("breastfeeding") in ("yes", "unsure") else None,
    )


def _evaluate(*, text: str, chips: list[str], subject: dict, answers: list[dict]) -> CheckResult:
    snapshot = current_snapshot()
    model = current_model(snapshot)
    return run_check(
        snapshot, model, text=text, chips=chips, answers=answers, subject=_engine_subject(subject)
    )


def _age_band(subject: dict) -> str:
    from accounts.models import age_band_for

    months = subject.get("age_months")
    return age_band_for(int(months // 12) if months is not None else None)


def _apply(session: SymptomSession, result: CheckResult) -> None:
    session.symptoms = result.present
    session.negated = result.negated
    session.unrecognised = result.unrecognised
    session.conditions = [c.__dict__ for c in result.conditions]
    session.red_flags = result.red_flags
    session.complaints = result.complaints
    session.findings = result.findings
    session.in_scope = result.in_scope
    session.triage = result.triage
    session.low_confidence = result.low_confidence
    session.next_question = result.next_question or ""
    session.status = SymptomSession.Status.ASKING if result.next_question else SymptomSession.Status.COMPLETE
    session.model_version_id = result.model_version_id
    session.model_label = result.model_label
    session.kb_version = result.kb_version


@transaction.atomic
def symptom_check_start(
    *, user, text: str | None = "", chips=(), subject: dict | None = None
) -> SymptomSession:
    """Run and store a check. Words nothing recognises still get a result (never self-care) with
    suggestions and when to get help: a person is never left with a bare "not recognised"."""
    text, chips = _clean_input(text, chips)
    facts = subject_for_check(profile=profile_snapshot(user=user), given=subject)
    result = _evaluate(text=text, chips=chips, subject=facts, answers=[])
    session = SymptomSession(
        user=user,
        entered_text=text,
        chips=chips,
        subject=facts,
        age_band=_age_band(facts),
        sex=facts["sex"],
        pregnant="yes" if facts["pregnant"] in ("yes", "unsure") else "",
    )
    _apply(session, result)
    # The user is the signed-in one and the model version was just read from the registry: skip
    # the two existence queries full_clean would spend on them (this is the hottest write).
    session.full_clean(exclude=["user", "model_version"])
    session.save()
    review_flag(session=session, new_session=True)
    return session


@transaction.atomic
def symptom_check_answer(*, session: SymptomSession, symptom: str, answer: str) -> SymptomSession:
    session = SymptomSession.objects.select_for_update().get(pk=session.pk)
    if answer not in ANSWERS:
        raise ValidationError(_("Please answer yes, no or don't know."), code="bad_answer")
    if session.status != SymptomSession.Status.ASKING or symptom != session.next_question:
        # A repeated or stale form (back button, double click) changes nothing.
        return session
    session.answers = [*session.answers, {"symptom": symptom, "answer": answer}]
    _rerun(session)
    session.save()
    review_flag(session=session)
    return session


@transaction.atomic
def symptom_check_finish(*, session: SymptomSession) -> SymptomSession:
    """Stop asking questions and keep the current result."""
    session = SymptomSession.objects.select_for_update().get(pk=session.pk)
    session.status = SymptomSession.Status.COMPLETE
    session.next_question = ""
    session.save(update_fields=["status", "next_question", "updated_at"])
    review_flag(session=session)
    return session


def _rerun(session: SymptomSession) -> None:
    """Answering a question re-runs the check for the same subject the check started with."""
    subject = session.subject
    if not subject:  # a check stored before subjects were recorded
        profile = profile_snapshot(user=session.user)
        subject = {
            "for": "me",
            "age_months": profile["age"] * 12 if profile["age"] is not None and session.age_band else None,
            "sex": session.sex,
            "pregnant": "yes" if session.pregnant == "yes" else "",
            "breastfeeding": "",
        }
    result = _evaluate(
        text=session.entered_text, chips=session.chips, subject=subject, answers=session.answers
    )
    _apply(session, result)


def knowledge_base_bump(*, reason: str, user=None):
    """Record a knowledge-base change; snapshots and caches keyed on the version rebuild on the next check."""
    from .models import KnowledgeBaseVersion

    return KnowledgeBaseVersion.objects.create(
        reason=reason[:200], changed_by=user if user and user.pk else None
    )
