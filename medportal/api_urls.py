"""The REST API under /api/v1/ (DRF); each app contributes its api.py views here."""

from django.urls import path, re_path, register_converter
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts import api as accounts_api
from diagnosis import api as diagnosis_api
from feedback import api as feedback_api
from mlops import api as mlops_api
from recommendations import api as recommendations_api


class IdConverter:
    """A positive id of at most 18 digits: a longer one cannot exist, and SQLite would overflow
    (a 500) before answering 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Unknown paths under /api/v1/ answer with the API's JSON 404, not the website's HTML page."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound()

    def get(self, request, *args, **kwargs):
        raise NotFound()


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the site's CSP allows no inline script;
    # our template moves the page's inline <style> to a file and gives the page a language.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("auth/token/", accounts_api.AuthTokenView.as_view(), name="api-auth-token"),
    path("profile/", accounts_api.HealthProfileView.as_view(), name="api-profile"),
    path("profile/consent/", accounts_api.ConsentView.as_view(), name="api-profile-consent"),
    path(
        "symptoms/autocomplete/",
        diagnosis_api.SymptomAutocompleteView.as_view(),
        name="api-symptom-autocomplete",
    ),
    path("checks/", diagnosis_api.CheckListCreateView.as_view(), name="api-checks"),
    path("checks/<id:pk>/", diagnosis_api.CheckDetailView.as_view(), name="api-check"),
    path("checks/<id:pk>/answer/", diagnosis_api.CheckAnswerView.as_view(), name="api-check-answer"),
    path("checks/<id:pk>/finish/", diagnosis_api.CheckFinishView.as_view(), name="api-check-finish"),
    path(
        "checks/<id:pk>/recommendations/",
        recommendations_api.CheckRecommendationsView.as_view(),
        name="api-check-recommendations",
    ),
    path("checks/<id:pk>/ratings/", feedback_api.ItemRatingCreateView.as_view(), name="api-check-ratings"),
    path("checks/<id:pk>/feedback/", feedback_api.CheckFeedbackView.as_view(), name="api-check-feedback"),
    path("models/<id:version>/card/", mlops_api.ModelCardView.as_view(), name="api-model-card"),
    re_path(r"^.*$", NotFoundView.as_view(), name="api-not-found"),
]
