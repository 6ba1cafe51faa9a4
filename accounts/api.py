"""API for accounts: issuing tokens, the health profile and training consent."""

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import has_verified_email
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from knox.models import get_token_model
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from medportal.api import (
    PRIVATE_ERRORS,
    AnonRateThrottle,
    ApiError,
    ScopedRateThrottle,
    UserRateThrottle,
    error_responses,
    validated,
)

from . import services
from .serializers import (
    ConsentInputSerializer,
    ConsentOutputSerializer,
    HealthProfileInputSerializer,
    HealthProfileOutputSerializer,
    HealthProfileReplaceSerializer,
    TokenObtainInputSerializer,
    TokenOutputSerializer,
)


class AuthTokenView(APIView):
    """POST e-mail and password for a token (patients only); DELETE revokes the caller's token."""

    throttle_classes = [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle]
    throttle_scope = "auth_token"

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        description=(
            "For patient accounts. Clinicians and admins must sign in on the website with "
            "two-factor authentication and get 403 mfa_required here. A wrong e-mail and a wrong "
            "password give the same 400 invalid_credentials. Limited to a few attempts a minute. "
            "Each call issues a new token for one client; it expires after API_TOKEN_MAX_AGE_DAYS "
            "(30 days: then 401 token_expired) and a password change or reset revokes it. Only a "
            "digest is stored, so a lost token cannot be shown again: ask for a new one."
        ),
        auth=[],
        request=TokenObtainInputSerializer,
        responses={
            200: TokenOutputSerializer,
            **error_responses(400, 401, 403, 415, 429),
        },
    )
    def post(self, request):
        data = validated(TokenObtainInputSerializer, request.data)
        django_request = request._request
        try:
            # allauth's authenticate shares the website's per-IP and per-account login_failed limits.
            user = get_adapter(django_request).authenticate(
                django_request, email=data["email"], password=data["password"]
            )
        except DjangoValidationError:
            raise ApiError(
                _("Too many failed sign-in attempts. Try again later."),
                code="throttled",
                status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            ) from None
        if user is None:
            raise ApiError(_("The e-mail address or password is not correct."), code="invalid_credentials")
        if user.needs_mfa:
            raise ApiError(
                _(
                    "Clinician and admin accounts cannot use API tokens: sign in on the website "
                    "with two-factor authentication instead."
                ),
                code="mfa_required",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        if (
            allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.MANDATORY
            and not has_verified_email(user)
        ):
            raise ApiError(
                _("Confirm your e-mail address first, using the link we sent you."),
                code="email_unverified",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        key = services.api_token_issue(user=user)
        return Response(TokenOutputSerializer({"token": key}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke your API token",
        description=(
            "Revokes the token the request was made with. From a signed-in browser session "
            "(no token), revokes every API token of the account."
        ),
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked (or there was none)."),
            **error_responses(*PRIVATE_ERRORS),
        },
    )
    def delete(self, request):
        token = request.auth if isinstance(request.auth, get_token_model()) else None
        services.api_token_revoke(user=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HealthProfileView(APIView):
    """Your health profile: what personalises triage and advice. Every field is stored encrypted."""

    @extend_schema(
        operation_id="profile_retrieve",
        summary="Read your health profile",
        responses={200: HealthProfileOutputSerializer, **error_responses(*PRIVATE_ERRORS)},
    )
    def get(self, request):
        profile = services.health_profile_get_or_create(user=request.user)
        return Response(_profile_out(profile))

    @extend_schema(
        operation_id="profile_update",
        summary="Replace your health profile",
        description=(
            "Every field must be sent: null or an empty list clears one (a field left out is a 400, "
            "so nothing is wiped by accident). Same rules as the profile page."
        ),
        request=HealthProfileReplaceSerializer,
        examples=[
            OpenApiExample(
                "A profile",
                value={
                    "date_of_birth": "1990-05-01",
                    "sex": "f",
                    "pregnancy": "no",
                    "allergies": ["penicillin"],
                    "conditions": ["asthma"],
                    "medications": ["salbutamol"],
                    "height_cm": 168,
                    "weight_kg": 64,
                },
                request_only=True,
            )
        ],
        responses={200: HealthProfileOutputSerializer, **error_responses(400, *PRIVATE_ERRORS, 415)},
    )
    def put(self, request):
        data = validated(HealthProfileReplaceSerializer, request.data)
        profile = services.health_profile_update(user=request.user, **data)
        return Response(_profile_out(profile))

    @extend_schema(
        operation_id="profile_partial_update",
        summary="Change some fields of your health profile",
        description="Fields left out keep their values. Same rules as the profile page.",
        request=HealthProfileInputSerializer,
        responses={200: HealthProfileOutputSerializer, **error_responses(400, *PRIVATE_ERRORS, 415)},
    )
    def patch(self, request):
        current = HealthProfileInputSerializer(services.health_profile_get_or_create(user=request.user)).data
        changes = request.data
        data = validated(
            HealthProfileInputSerializer, {**current, **changes} if isinstance(changes, dict) else changes
        )
        profile = services.health_profile_update(user=request.user, **data)
        return Response(_profile_out(profile))


class ConsentView(APIView):
    @extend_schema(
        operation_id="profile_consent_create",
        summary="Give or withdraw training consent",
        request=ConsentInputSerializer,
        responses={200: ConsentOutputSerializer, **error_responses(400, *PRIVATE_ERRORS, 415)},
    )
    def post(self, request):
        data = validated(ConsentInputSerializer, request.data)
        profile = services.consent_set(user=request.user, granted=data["granted"])
        return Response(ConsentOutputSerializer(profile).data)


def _profile_out(profile) -> dict:
    return HealthProfileOutputSerializer(profile).data
