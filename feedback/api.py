"""API for rating advice items and giving feedback on a symptom check."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from diagnosis.selectors import get_session_for_user
from medportal.api import PRIVATE_ERRORS, error_responses, validated

from . import services
from .serializers import (
    CheckFeedbackInputSerializer,
    CheckFeedbackOutputSerializer,
    ItemRatingInputSerializer,
    ItemRatingOutputSerializer,
)


class ItemRatingCreateView(APIView):
    @extend_schema(
        operation_id="checks_ratings_create",
        summary="Rate one advice item 1-5",
        description=(
            "Only an item of the advice for one of the check's conditions can be rated: a medicine "
            "by its slug (medicines are never shown for an emergency), a precaution, diet or "
            "activity item by its position in that list, 0 first. Rating the same item again "
            "replaces the earlier rating: 201 for a new rating, 200 for a replaced one."
        ),
        tags=["checks"],
        request=ItemRatingInputSerializer,
        examples=[
            OpenApiExample(
                "A medicine",
                value={
                    "condition": "common_cold",
                    "item_type": "medicine",
                    "item_key": "paracetamol",
                    "rating": 4,
                },
                request_only=True,
            )
        ],
        responses={
            201: ItemRatingOutputSerializer,
            200: ItemRatingOutputSerializer,
            **error_responses(400, *PRIVATE_ERRORS, 404, 415),
        },
    )
    def post(self, request, pk: int):
        session = get_session_for_user(user=request.user, pk=pk)
        data = validated(ItemRatingInputSerializer, request.data)
        rating, created = services.item_rating_submit(
            user=request.user,
            session=session,
            disease_slug=data["condition"],
            item_type=data["item_type"],
            item_key=data["item_key"],
            rating=data["rating"],
        )
        return Response(
            ItemRatingOutputSerializer(rating).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CheckFeedbackView(APIView):
    @extend_schema(
        operation_id="checks_feedback_create",
        summary="Say whether the check helped, or ask for a clinician's review",
        tags=["checks"],
        request=CheckFeedbackInputSerializer,
        examples=[
            OpenApiExample(
                "Not helpful, please review",
                value={"helpful": False, "top_correct": "unsure", "wants_clinician_review": True},
                request_only=True,
            )
        ],
        responses={200: CheckFeedbackOutputSerializer, **error_responses(400, *PRIVATE_ERRORS, 404, 415)},
    )
    def post(self, request, pk: int):
        session = get_session_for_user(user=request.user, pk=pk)
        data = validated(CheckFeedbackInputSerializer, request.data)
        feedback = services.check_feedback_submit(
            session=session,
            helpful=data.get("helpful"),
            top_correct=data.get("top_correct", ""),
            wants_clinician_review=data.get("wants_clinician_review"),
        )
        return Response(CheckFeedbackOutputSerializer(feedback).data)
