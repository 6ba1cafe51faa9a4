"""API for symptom checks: autocomplete, start, read, answer questions, finish."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from medportal.api import COMMON_ERRORS, PRIVATE_ERRORS, error_responses, represent, validated

from . import selectors, services
from .selectors import current_snapshot, snapshot_for_version
from .serializers import (
    AutocompleteOutputSerializer,
    AutocompleteQuerySerializer,
    CheckAnswerInputSerializer,
    CheckOutputSerializer,
    CheckStartInputSerializer,
    CheckSummaryOutputSerializer,
)

TAG = "checks"


def not_a_diagnosis_notice() -> str:
    """The notice every result carries (the same words as the result page)."""
    return " ".join(
        [
            _("This is not a diagnosis."),
            _(
                "It lists conditions that can cause symptoms like yours, to help you decide what to do "
                "next. Only a clinician who examines you can diagnose you."
            ),
        ]
    )


def check_payload(session) -> dict:
    """What a client needs to show a check, with symptom slugs turned into display names."""
    # Once, and without the version query when the check ran on the cached snapshot (a new one).
    snapshot = snapshot_for_version(session.kb_version)
    shown = selectors.session_display(session, snapshot)
    emergency = None
    if session.is_emergency:
        # The result page's banner: a heading, then each fired rule's instruction.
        instructions = [f["instruction"] for f in session.red_flags if f.get("level") == "emergency"]
        emergency = {
            "number": settings.EMERGENCY_NUMBER,
            "heading": _("Call %(n)s now") % {"n": settings.EMERGENCY_NUMBER},
            "instructions": instructions
            or [
                _(
                    "Your symptoms could be a medical emergency. Call your local emergency number "
                    "or go to the nearest emergency department now."
                )
            ],
        }
    payload = {
        "id": session.pk,
        "created_at": session.created_at,
        "status": session.status,
        "triage": session.triage,
        "emergency": emergency,
        "low_confidence": session.low_confidence,
        "notice": not_a_diagnosis_notice(),
        "symptoms": shown.symptoms,
        "negated": shown.negated,
        "unrecognised": list(session.unrecognised),
        "answers": list(session.answers),
        "conditions": list(session.conditions),
        "red_flags": list(session.red_flags),
        "next_question": shown.question,
        "model_version": session.model_label,
        "kb_version": session.kb_version,
        "in_scope": session.in_scope,
        "complaints": [
            {k: c[k] for k in ("slug", "name", "level", "instruction")} for c in session.complaints or []
        ],
        "findings": list(session.findings or []),
        "safety_net": selectors.safety_net_for(session),
        "suggestions": selectors.suggestions_for(session, snapshot),
    }
    # Optional: only when the model version that answered carries a conformal calibration.
    payload.update(selectors.conformal_for(session))
    return payload


def _summary(session) -> dict:
    top = session.top_condition
    return {
        "id": session.pk,
        "created_at": session.created_at,
        "status": session.status,
        "triage": session.triage,
        "low_confidence": session.low_confidence,
        "top_condition": {k: top[k] for k in ("name", "icd10", "probability")} if top else None,
    }


def _check_response(session, status_code=status.HTTP_200_OK) -> Response:
    return Response(represent(CheckOutputSerializer, check_payload(session)), status=status_code)


class SymptomAutocompleteView(APIView):
    """Public: suggestions come from the knowledge base and reveal nothing about anyone."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="symptoms_autocomplete",
        summary="Suggest symptoms for what has been typed",
        tags=["symptoms"],
        parameters=[AutocompleteQuerySerializer],
        responses={200: AutocompleteOutputSerializer, **error_responses(400, *COMMON_ERRORS)},
    )
    def get(self, request):
        query = validated(AutocompleteQuerySerializer, request.query_params)["q"]
        results = current_snapshot().index.autocomplete(query[:60])
        return Response(represent(AutocompleteOutputSerializer, {"results": results}))


class CheckListCreateView(GenericAPIView):
    def get_queryset(self):
        # Owner-filtered here: DRF checks object permissions in get_object() only, never on lists.
        return selectors.sessions_for_user(user=self.request.user)

    @extend_schema(
        operation_id="checks_list",
        summary="Your symptom checks, newest first",
        tags=[TAG],
        responses={200: CheckSummaryOutputSerializer(many=True), **error_responses(*PRIVATE_ERRORS, 404)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = [represent(CheckSummaryOutputSerializer, _summary(s)) for s in page]
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="checks_create",
        summary="Start a symptom check",
        description=(
            "Give `text`, `symptoms` or both, and optionally `subject` (who the check is for). Words "
            "nothing recognises still get a result (triage never self_care, `in_scope` false, "
            "`unrecognised` with `suggestions`); error=invalid when the body is empty."
        ),
        tags=[TAG],
        request=CheckStartInputSerializer,
        examples=[
            OpenApiExample(
                "Words and picked symptoms",
                value={
                    "text": "sore throat since yesterday but no fever",
                    "symptoms": ["runny nose", "sneezing"],
                },
                request_only=True,
            ),
            OpenApiExample(
                "Picked symptoms only", value={"symptoms": ["headache", "nausea"]}, request_only=True
            ),
        ],
        responses={
            201: CheckOutputSerializer,
            **error_responses(400, *PRIVATE_ERRORS, 415),
        },
    )
    def post(self, request):
        data = validated(CheckStartInputSerializer, request.data)
        session = services.symptom_check_start(
            user=request.user,
            text=data.get("text", ""),
            chips=data.get("symptoms", []),
            subject=data.get("subject"),
        )
        response = _check_response(session, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(reverse("api-check", args=[session.pk]))
        return response


class CheckDetailView(APIView):
    @extend_schema(
        operation_id="checks_retrieve",
        summary="One of your symptom checks",
        tags=[TAG],
        responses={200: CheckOutputSerializer, **error_responses(*PRIVATE_ERRORS, 404)},
    )
    def get(self, request, pk: int):
        return _check_response(selectors.get_session_for_user(user=request.user, pk=pk))


class CheckAnswerView(APIView):
    @extend_schema(
        operation_id="checks_answer",
        summary="Answer the check's next question",
        description="Answering anything but the current `next_question` changes nothing (200).",
        tags=[TAG],
        request=CheckAnswerInputSerializer,
        responses={200: CheckOutputSerializer, **error_responses(400, *PRIVATE_ERRORS, 404, 415)},
    )
    def post(self, request, pk: int):
        session = selectors.get_session_for_user(user=request.user, pk=pk)
        data = validated(CheckAnswerInputSerializer, request.data)
        session = services.symptom_check_answer(
            session=session, symptom=data["symptom"], answer=data["answer"]
        )
        return _check_response(session)


class CheckFinishView(APIView):
    @extend_schema(
        operation_id="checks_finish",
        summary="Skip the remaining questions and keep the result",
        tags=[TAG],
        request=None,
        responses={200: CheckOutputSerializer, **error_responses(*PRIVATE_ERRORS, 404)},
    )
    def post(self, request, pk: int):
        session = selectors.get_session_for_user(user=request.user, pk=pk)
        return _check_response(services.symptom_check_finish(session=session))
