"""Writes for the diagnosis app: starting a symptom check and answering its questions."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import profile_snapshot
from feedback.services import review_flag

from .engine.check import CheckResult, run_check
from .engine.knowledge import current_snapshot
from .engine.predictor import current_model
from .models import SymptomSession
from .selectors import ANSWER_LABELS

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_CHIPS = 30
ANSWERS = tuple(ANSWER_LABELS)


class NoSymptomsRecognised(ValidationError):
    """Nothing the patient typed matched a known symptom; carries suggestions to show."""

    def __init__(self, unrecognised: list[str], suggestions: dict[str, list[str]]):
        super().__init__(
            _("We could not recognise a symptom you have in what you typed."), code="no_symptoms"
        )
        self.unrecognised = unrecognised
        self.suggestions = suggestions


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


def _evaluate(*, text: str, chips: list[str], profile: dict, answers: list[dict]) -> CheckResult:
    snapshot = current_snapshot()
    model = current_model(snapshot)
    return run_check(
        snapshot,
        model,
        text=text,
        chips=chips,
        age=profile["age"],
        sex=profile["sex"],
        pregnant=profile["pregnant"],
        answers=answers,
    )


def _apply(session: SymptomSession, result: CheckResult) -> None:
    session.symptoms = result.present
    session.negated = result.negated
    session.unrecognised = result.unrecognised
    session.conditions = [c.__dict__ for c in result.conditions]
    session.red_flags = result.red_flags
    session.triage = result.triage
    session.low_confidence = result.low_confidence
    session.next_question = result.next_question or ""
    session.status = SymptomSession.Status.ASKING if result.next_question else SymptomSession.Status.COMPLETE
    session.model_version_id = result.model_version_id
    session.model_label = result.model_label
    session.kb_version = result.kb_version


@transaction.atomic
def symptom_check_start(*, user, text: str | None = "", chips=()) -> SymptomSession:
    text, chips = _clean_input(text, chips)
    profile = profile_snapshot(user=user)
    result = _evaluate(text=text, chips=chips, profile=profile, answers=[])
    if not result.present:
        raise NoSymptomsRecognised(result.unrecognised, result.suggestions)
    session = SymptomSession(
        user=user,
        entered_text=text,
        chips=chips,
        age_band=profile["age_band"],
        sex=profile["sex"],
        pregnant="yes" if profile["pregnant"] else "",
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
    from accounts.models import AgeBand

    profile = profile_snapshot(user=session.user)
    # Keep the demographics the check started with.
    profile.update(sex=session.sex, pregnant=session.pregnant == "yes")
    if session.age_band != profile["age_band"] and session.age_band == AgeBand.UNKNOWN:
        profile["age"] = None
    result = _evaluate(
        text=session.entered_text, chips=session.chips, profile=profile, answers=session.answers
    )
    _apply(session, result)


def knowledge_base_bump(*, reason: str, user=None):
    """Record a knowledge-base change; snapshots and caches keyed on the version rebuild on the next check."""
    from .models import KnowledgeBaseVersion

    return KnowledgeBaseVersion.objects.create(
        reason=reason[:200], changed_by=user if user and user.pk else None
    )
