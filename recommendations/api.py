"""API for the advice that goes with a finished symptom check."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from diagnosis.api import not_a_diagnosis_notice
from diagnosis.selectors import get_session_for_user
from medportal.api import PRIVATE_ERRORS, ApiError, error_responses

from .serializers import CheckRecommendationsOutputSerializer
from .services import recommendations_for_session


class CheckRecommendationsView(APIView):
    @extend_schema(
        operation_id="checks_recommendations",
        summary="Advice for a finished check",
        description=(
            "Medicines (minus what the profile rules out), precautions, diet and activity. "
            "Emergency checks get guidance only, never medicines. 409 while questions are pending."
        ),
        tags=["checks"],
        responses={
            200: CheckRecommendationsOutputSerializer,
            **error_responses(*PRIVATE_ERRORS, 404, 409),
        },
    )
    def get(self, request, pk: int):
        session = get_session_for_user(user=request.user, pk=pk)
        if session.status != session.Status.COMPLETE:
            # As on the result page: advice only once the questions are answered or skipped.
            raise ApiError(
                _("Answer the remaining questions or finish the check first."),
                code="check_not_complete",
                status_code=status.HTTP_409_CONFLICT,
            )
        advice = recommendations_for_session(session=session, user=request.user)
        payload = {
            "check_id": session.pk,
            "emergency": session.is_emergency,
            "notice": not_a_diagnosis_notice(),
            "advice": advice,  # the serializer reads the dataclasses' fields and MedicineItem.label
        }
        return Response(CheckRecommendationsOutputSerializer(payload).data)
