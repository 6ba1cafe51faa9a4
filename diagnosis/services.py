"""Writes for the diagnosis app: starting a symptom check and answering its questions."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import age_band_for
from accounts.selectors import profile_snapshot

from .engine.check import CheckResult, run_check
from .engine.complaints import Subject
from .engine.context import pregnancy_and_breastfeeding, tokenise
from .engine.profile_words import ProfileLexicon, shipped_profile_lexicon
from .models import KnowledgeBaseVersion, SymptomSession
from .selectors import ANSWER_LABELS, model_version_exists, serving_snapshot_and_model
from .signals import check_saved

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


# The pregnancy and breastfeeding flags of a profile's free-text notes, by the notes themselves (not
# by user) and for one lexicon: a profile's notes rarely change, and reading them again on every
# check cost CPU for the same answer. Bounded; emptied when vocabulary.yaml's lexicon is re-read.
_NOTES_FLAGS_MAX = 1024
_notes_flags_cache: dict[tuple[str, ...], tuple[bool, bool]] = {}
_notes_flags_lexicon: list[ProfileLexicon | None] = [None]


def _notes_flags(notes) -> tuple[bool, bool]:
    """(pregnant, breastfeeding) said in the profile's notes, read as the complaint layer reads them."""
    if not notes:
        return False, False  # no words, nothing said
    key = tuple(notes)
    lexicon = shipped_profile_lexicon()
    if _notes_flags_lexicon[0] is not lexicon:
        _notes_flags_cache.clear()
        _notes_flags_lexicon[0] = lexicon
    flags = _notes_flags_cache.get(key)
    if flags is None:
        flags = pregnancy_and_breastfeeding(tokenise(" . ".join(key)))
        if len(_notes_flags_cache) >= _NOTES_FLAGS_MAX:
            _notes_flags_cache.clear()
        _notes_flags_cache[key] = flags
    return flags


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
        notes_pregnant, notes_breastfeeding = _notes_flags(profile.get("notes") or [])
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
    snapshot, model = serving_snapshot_and_model()
    return run_check(
        snapshot, model, text=text, chips=chips, answers=answers, subject=_engine_subject(subject)
    )


def _age_band(subject: dict) -> str:
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
    session.conformal = (
        {"prediction_set": result.prediction_set, "coverage": result.coverage}
        if result.prediction_set is not None
        else {}
    )
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
    check_saved.send(sender=SymptomSession, session=session, new_session=True)
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
    check_saved.send(sender=SymptomSession, session=session)
    return session


@transaction.atomic
def symptom_check_finish(*, session: SymptomSession) -> SymptomSession:
    """Stop asking questions and keep the current result."""
    session = SymptomSession.objects.select_for_update().get(pk=session.pk)
    session.status = SymptomSession.Status.COMPLETE
    session.next_question = ""
    session.save(update_fields=["status", "next_question", "updated_at"])
    check_saved.send(sender=SymptomSession, session=session)
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


# --- guest checks (no account) ----------------------------------------------------------------
#
# A guest's check is never a SymptomSession row: it lives, encrypted, in the visitor's own Django
# session (``medportal.session_keys.GUEST_CHECK``) and goes when the session does (30 minutes idle,
# 12 hours at most, or sign-out). With no row there is nothing a clinician queue, the training
# export or a rating could pick up, and nothing another session could open. Only when the visitor
# signs in and asks to save it does it become an ordinary check of their account.

_RESULT_FIELDS = (
    "symptoms",
    "negated",
    "unrecognised",
    "conditions",
    "red_flags",
    "complaints",
    "findings",
    "in_scope",
    "conformal",
    "triage",
    "low_confidence",
    "next_question",
    "status",
    "model_version_id",
    "model_label",
    "kb_version",
)


def _guest_state(check: dict, result: CheckResult) -> dict:
    shown = SymptomSession()
    _apply(shown, result)
    return {**check, **{name: getattr(shown, name) for name in _RESULT_FIELDS}}


def guest_check_start(*, text: str | None = "", chips=(), subject: dict | None = None) -> dict:
    """Run a check for a visitor without an account and return it as plain data for their session.

    Same input rules, subject rules and engine as a patient's check; "me" has no profile, so the
    age, sex and pregnancy come from the form."""
    text, chips = _clean_input(text, chips)
    facts = subject_for_check(profile=profile_snapshot(user=None), given=subject)
    result = _evaluate(text=text, chips=chips, subject=facts, answers=[])
    check = {
        "entered_text": text,
        "chips": chips,
        "subject": facts,
        "answers": [],
        "created_at": timezone.now().isoformat(),
    }
    return _guest_state(check, result)


def guest_check_answer(*, check: dict, symptom: str, answer: str) -> dict:
    """A guest's answer to the pending question; a stale or repeated one changes nothing."""
    if answer not in ANSWERS:
        raise ValidationError(_("Please answer yes, no or don't know."), code="bad_answer")
    if check.get("status") != SymptomSession.Status.ASKING or symptom != check.get("next_question"):
        return check
    answers = [*check.get("answers", []), {"symptom": symptom, "answer": answer}]
    result = _evaluate(
        text=check["entered_text"], chips=check["chips"], subject=check["subject"], answers=answers
    )
    return _guest_state({**check, "answers": answers}, result)


def guest_check_finish(*, check: dict) -> dict:
    return {**check, "status": SymptomSession.Status.COMPLETE, "next_question": ""}


@transaction.atomic
def guest_check_save(*, user, check: dict) -> SymptomSession:
    """Attach a guest's check to the account they have just signed in to, as they saw it.

    From here on it is an ordinary check of that account (history, rating, a clinician's review
    of an emergency, training only with the account's consent)."""
    session = SymptomSession(
        user=user,
        entered_text=check.get("entered_text", ""),
        chips=check.get("chips", []),
        subject=check.get("subject", {}),
        answers=check.get("answers", []),
        age_band=_age_band(check.get("subject", {})),
        sex=check.get("subject", {}).get("sex", ""),
        pregnant="yes" if check.get("subject", {}).get("pregnant") in ("yes", "unsure") else "",
        **{name: check.get(name) for name in _RESULT_FIELDS},
    )
    # The model that ran the check may have been removed since; the label still names it.
    if session.model_version_id and not model_version_exists(session.model_version_id):
        session.model_version_id = None
    session.full_clean(exclude=["user", "model_version"])
    session.save()
    check_saved.send(sender=SymptomSession, session=session, new_session=True)
    return session


def knowledge_base_bump(*, reason: str, user=None):
    """Record a knowledge-base change; snapshots and caches keyed on the version rebuild on the next check."""
    return KnowledgeBaseVersion.objects.create(
        reason=reason[:200], changed_by=user if user and user.pk else None
    )
