"""API for symptom checks: autocomplete, start, read, answer questions, finish."""

import re
from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from medportal.api import (
    COMMON_ERRORS,
    PRIVATE_ERRORS,
    TokenAuthentication,
    error_responses,
    represent,
    validated,
)

from . import selectors, services
from .models import SymptomSession, TriageLevel
from .selectors import current_snapshot, snapshot_for_version
from .serializers import (
    AutocompleteOutputSerializer,
    AutocompleteQuerySerializer,
    CheckAnswerInputSerializer,
    CheckOutputSerializer,
    CheckStartInputSerializer,
    CheckSummaryOutputSerializer,
    FindingOutputSerializer,
)
from .services import ANSWERS, MAX_CHIPS, MAX_TEXT

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


# --- output without the serializer machinery ------------------------------------------------
#
# A check's response is built by ``present_check`` instead of ``CheckOutputSerializer``: DRF's
# generic loop (a source look-up, a try/except and a None test per field, nested serializers for
# every condition, red flag and finding) was the largest share of the API's own work after the
# query count. The serializers stay as the schema's description of the body, and
# tests/api/test_check_presenter.py holds the two to the same output for every kind of check.

_DATETIME = serializers.DateTimeField()  # DRF's own formatting of created_at (time zone, "Z")
_STATUS = {str(k): k for k, _label in SymptomSession.Status.choices}
_LEVEL = {str(k): k for k, _label in TriageLevel.choices}
_ANSWER = {str(k): k for k in ANSWERS}
_ASSERTION = {str(k): k for k in FindingOutputSerializer._declared_fields["assertion"].choices}


def _get(item, key):
    """A nested item's field, from a dict or an object (``NextQuestion``), as DRF reads it."""
    return item[key] if isinstance(item, Mapping) else getattr(item, key)


def _str(value):
    return None if value is None else str(value)


def _strs(values):
    return None if values is None else [None if v is None else str(v) for v in values]


def _choice(value, choices: dict):
    return value if value in ("", None) else choices.get(str(value), value)


def _num(value, kind):
    return None if value is None else kind(value)


def _bool(value):
    return None if value is None else bool(value)


def _fields(item, spec: tuple) -> dict:
    """``{name: convert(item's name)}`` for a nested serializer's declared fields, in order."""
    return {name: convert(_get(item, name)) for name, convert in spec}


def _level(value):
    return _choice(value, _LEVEL)


_CONDITION = (
    ("slug", _str),
    ("name", _str),
    ("icd10", _str),
    ("probability", lambda v: _num(v, float)),
    ("supporting", _strs),
    ("typical_not_reported", _strs),
    ("against", _strs),
)
_RED_FLAG = (("slug", _str), ("name", _str), ("level", _level), ("instruction", _str))
_COMPLAINT = _RED_FLAG
_ANSWER_FIELDS = (("symptom", _str), ("answer", lambda v: _choice(v, _ANSWER)))
_FINDING = (("text", _str), ("assertion", lambda v: _choice(v, _ASSERTION)))
_EMERGENCY = (("number", _str), ("heading", _str), ("instructions", _strs))
_QUESTION = (("symptom", _str), ("text", _str), ("number", lambda v: _num(v, int)))


def _red_flag(item) -> dict:
    out = _fields(item, _RED_FLAG)
    try:
        complaint = _get(item, "complaint")
    except (KeyError, AttributeError):  # optional: absent stays absent
        return out
    out["complaint"] = _str(complaint)
    return out


def _nested(item, spec: tuple):
    return None if item is None else _fields(item, spec)


def present_check(payload: dict) -> dict:
    """``CheckOutputSerializer(payload).data`` as a plain dict, field by field (same keys, order,
    types and None handling; keys the serializer does not declare are dropped)."""
    out = {
        "id": _num(payload["id"], int),
        "created_at": _DATETIME.to_representation(payload["created_at"]),
        "status": _choice(payload["status"], _STATUS),
        "triage": _level(payload["triage"]),
        "emergency": _nested(payload["emergency"], _EMERGENCY),
        "low_confidence": _bool(payload["low_confidence"]),
        "notice": _str(payload["notice"]),
        "symptoms": _strs(payload["symptoms"]),
        "negated": _strs(payload["negated"]),
        "unrecognised": _strs(payload["unrecognised"]),
        "answers": [_fields(a, _ANSWER_FIELDS) for a in payload["answers"]],
        "conditions": [_fields(c, _CONDITION) for c in payload["conditions"]],
        "red_flags": [_red_flag(f) for f in payload["red_flags"]],
        "next_question": _nested(payload["next_question"], _QUESTION),
        "model_version": _str(payload["model_version"]),
        "kb_version": _num(payload["kb_version"], int),
        "in_scope": _bool(payload["in_scope"]),
        "complaints": [_fields(c, _COMPLAINT) for c in payload["complaints"]],
        "findings": [_fields(f, _FINDING) for f in payload["findings"]],
        "safety_net": _strs(payload["safety_net"]),
        "suggestions": {str(k): _strs(v) for k, v in payload["suggestions"].items()},
    }
    # Optional: only when the model version that answered carries a conformal calibration.
    if "prediction_set" in payload:
        out["prediction_set"] = _strs(payload["prediction_set"])
    if "coverage" in payload:
        out["coverage"] = _num(payload["coverage"], float)
    return out


# --- input: a cheap path for the common request ------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
_CHIP_MAX_LENGTH = CheckStartInputSerializer._declared_fields["symptoms"].child.max_length


def _plain_text(value) -> str | None:
    """A CharField's value as DRF would validate it (stripped, no NUL or surrogate characters), or
    None when only the serializer can say what is wrong with it."""
    if type(value) is not str:
        return None
    value = value.strip()
    if "\x00" in value or (not value.isascii() and _SURROGATE.search(value)):
        return None
    return value


def plain_check_input(data) -> dict | None:
    """``CheckStartInputSerializer(data=data).validated_data`` for the request almost every client
    sends (``text`` and/or a list of ``symptoms``, no ``subject``), without building the serializer
    and deep-copying its fields; None for anything else, which the serializer then validates and,
    if it is wrong, answers with its own messages (tests/api/test_check_presenter.py)."""
    if type(data) is not dict or "subject" in data:
        return None
    out = {}
    if "text" in data:
        text = _plain_text(data["text"])
        if text is None or len(text) > MAX_TEXT:
            return None
        out["text"] = text
    if "symptoms" in data:
        chips = data["symptoms"]
        if type(chips) is not list or len(chips) > MAX_CHIPS:
            return None
        out["symptoms"] = [_plain_text(chip) for chip in chips]
        if not all(chip and len(chip) <= _CHIP_MAX_LENGTH for chip in out["symptoms"]):
            return None
    return out


def _check_response(session, status_code=status.HTTP_200_OK) -> Response:
    return Response(present_check(check_payload(session)), status=status_code)


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
    def get_authenticators(self):
        authenticators = super().get_authenticators()
        if getattr(self.request, "method", None) == "POST":  # (no request while the schema is built)
            # A new check reads the health profile: the token look-up loads it with the user.
            for authenticator in authenticators:
                if isinstance(authenticator, TokenAuthentication):
                    authenticator.with_health_profile = True
        return authenticators

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
        data = plain_check_input(request.data)
        if data is None:
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
