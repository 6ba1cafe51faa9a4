"""Reads for the diagnosis app. Patient data is only read through ``*_for_user`` helpers."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import KnowledgeBaseVersion

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
    from .engine.knowledge import current_snapshot

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


def knowledge_base_version() -> int:
    return KnowledgeBaseVersion.objects.order_by("-id").values_list("id", flat=True).first() or 0


def get_session_for_user(*, user, pk: int):
    """The one choke point for opening a check: anyone but its owner gets 404."""
    from .models import SymptomSession

    return get_object_or_404(SymptomSession.objects.select_related("model_version"), pk=pk, user=user)


def sessions_for_user(*, user):
    from .models import SymptomSession

    return SymptomSession.objects.filter(user=user).order_by("-created_at")
