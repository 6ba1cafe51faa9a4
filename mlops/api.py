"""API: a diagnosis model version's model card, for clinicians and staff."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from medportal.api import PRIVATE_ERRORS, error_responses

from . import selectors
from .serializers import ModelCardOutputSerializer


class ModelCardView(APIView):
    @extend_schema(
        operation_id="models_card_retrieve",
        summary="The model card of a diagnosis model version (clinicians and staff)",
        description="Model details, intended use, training and evaluation data, metrics (overall, by "
        "number of findings, by age band x sex), gate results and limitations, as sections and as "
        "Markdown. Anyone else, and an unknown version, gets 404.",
        tags=["models"],
        responses={200: ModelCardOutputSerializer, **error_responses(*PRIVATE_ERRORS, 404)},
    )
    def get(self, request, version: int):
        # 404, not 403, for patients: the registry is not theirs to learn about.
        if not selectors.can_read_model_cards(request.user):
            raise NotFound()
        mv = selectors.model_version_for_card(version=version)
        if mv is None:
            raise NotFound()
        card = selectors.model_card_for(model_version=mv)
        return Response(
            ModelCardOutputSerializer(
                {
                    "name": mv.name,
                    "version": mv.version,
                    "label": mv.label,
                    "alias": mv.alias,
                    "sections": card["sections"],
                    "markdown": card["markdown"],
                }
            ).data
        )
