"""What every API view shares: token authentication, throttles, the error body and its schema.

Kept free of ``rest_framework.views`` imports: DRF imports the classes named in
``REST_FRAMEWORK`` while building ``APIView`` itself, so importing views here would be circular.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from hmac import compare_digest

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, router
from django.db.models.query import get_related_populators
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions, parsers, serializers, status, throttling
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant

from .cache import ReusedClientRedisCache
from .exceptions import ApplicationError

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error with its own code and extra body keys, e.g. the suggestions for unknown symptoms."""

    def __init__(self, detail, *, code: str, status_code: int = status.HTTP_400_BAD_REQUEST, extra=None):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.extra = extra or {}


# --- parsing ------------------------------------------------------------------------


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a bounded body size and nesting depth.

    The standard library parser recurses once per nesting level: about 1,000 nested ``[`` (2 KB)
    raise RecursionError, which DRF does not catch (an HTML 500 for anyone, signed in or not).
    Here that is a JSON 400, as is anything nested deeper than ``API_MAX_JSON_DEPTH`` (no request
    of this API needs more than four levels), and a body over ``API_MAX_BODY_BYTES`` is a 413.
    Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE never get here: Django refuses to read them and
    ``exception_handler`` turns that into the same 413.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        # DRF hands JSON parsers the already-read body as a BytesIO; read one byte past the limit.
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise body_too_large()
        encoding = parsers.get_encoding(parser_context or {})
        try:
            data = json.loads(raw.decode(encoding), parse_constant=strict_constant if self.strict else None)
        except RecursionError:
            raise too_deep() from None
        except ValueError as exc:  # includes UnicodeDecodeError
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        if _depth_exceeds(data, settings.API_MAX_JSON_DEPTH):
            raise too_deep()
        return data


def _depth_exceeds(value, limit: int) -> bool:
    """True if ``value`` nests lists and objects more than ``limit`` deep (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def too_deep() -> ApiError:
    return ApiError(
        _("The JSON body is nested too deeply (at most %(depth)d levels).")
        % {"depth": settings.API_MAX_JSON_DEPTH},
        code="parse_error",
    )


def body_too_large() -> ApiError:
    return ApiError(
        _("The request body is too large (at most %(size)d bytes).") % {"size": settings.API_MAX_BODY_BYTES},
        code="payload_too_large",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


# --- authentication ---------------------------------------------------------------


class TokenAuthentication(knox_auth.TokenAuthentication):
    """`Authorization: Token <key>` with django-rest-knox tokens, for patients only.

    Knox stores only a digest of each key, so a copy of the database gives nobody a way into
    the API (and so around the encryption of health data). Knox's header parsing is used as it
    is, and its look-up with the user loaded in the same query; this adds three answers of our own:

    - a key that is not text (bytes that are not UTF-8, characters that are not ASCII) is an
      "Invalid token." 401 where knox would raise an error that becomes a 500;
    - the presented token, if expired, is deleted and answered ``token_expired``
      with what to do, instead of knox's "Invalid token.";
    - clinicians and admins must pass MFA, which a token cannot: the token endpoint never issues
      them one, and ``validate_user`` stops one made by hand or before a role change.
    """

    _key = ""  # the key being checked (DRF makes one instance of this class per request)
    # Set by a view whose request reads the account's health profile (starting a check): the
    # profile then comes with the token and its user, in the same query.
    with_health_profile = False

    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not key.isascii():  # knox's hash_token would raise ValueError, which it does not catch
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        self._key = key
        # Knox's own loop, with the user fetched in the same query (knox loads it lazily: a second
        # query on every API request).
        for auth_token in token_candidates(key[: CONSTANTS.TOKEN_KEY_LENGTH], self.with_health_profile):
            if self._cleanup_token(auth_token):
                continue
            if self._is_presented(auth_token):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                user, auth_token = self.validate_user(auth_token)
                if self.with_health_profile:
                    # What accounts.selectors.profile_snapshot reads instead of querying again: a
                    # named attribute set only here, never a relation some other code may have
                    # cached before the profile changed.
                    user.health_profile_with_token = getattr(user, "health_profile", None)
                return user, auth_token
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def _cleanup_token(self, auth_token) -> bool:
        """Knox's clean-up for the candidate token only: knox also loads the user and every one of
        their tokens on every request to delete other expired ones (two queries per API call); an
        expired token is deleted when it is next presented instead."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        presented = self._is_presented(auth_token)  # before deleting it (the digest is the pk)
        auth_token.delete()
        if presented:
            raise exceptions.AuthenticationFailed(
                _("This API token has expired. Request a new one with your e-mail and password."),
                code="token_expired",
            )
        return True

    def _is_presented(self, auth_token) -> bool:
        """Whether ``auth_token`` is the presented key's (knox matches candidates by the first 15 characters)."""
        try:
            return compare_digest(hash_token(self._key), auth_token.digest)
        except (TypeError, ValueError):  # binascii.Error is a ValueError
            return False

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if user.needs_mfa:
            raise exceptions.AuthenticationFailed(
                _("Staff accounts sign in on the website with two-factor authentication."),
                code="mfa_required",
            )
        return user, auth_token


def _token_query(token_key: str, with_health_profile: bool):
    related = ("user", "user__health_profile") if with_health_profile else ("user",)
    return get_token_model().objects.select_related(*related).filter(token_key=token_key)


class _CompiledTokenQuery:
    """``_token_query`` as the ORM compiles it, kept for every later request: the SQL, where the key
    goes in its parameters, the columns' converters (decryption of the profile's fields included)
    and how a row becomes the token with its user and profile. Building and compiling that
    three-table query cost about a third of a millisecond of CPU on every API request, more than
    running it; the rows become model instances exactly as ``QuerySet.__iter__`` makes them."""

    _SENTINEL = "\x00token-key\x00"

    def __init__(self, alias: str, with_health_profile: bool):
        compiler = _token_query(self._SENTINEL, with_health_profile).query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.key_at = self.params.index(self._SENTINEL)
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.converters = list(compiler.get_converters([s[0] for s in select[: compiler.col_count]]).items())
        self.populators = get_related_populators(klass_info, select, alias)
        self.alias = alias

    def run(self, token_key: str) -> list:
        params = list(self.params)
        params[self.key_at] = token_key
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        tokens = []
        for row in rows:
            row = list(row)
            for pos, (convs, expression) in self.converters:
                value = row[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                row[pos] = value
            token = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, token)
            tokens.append(token)
        return tokens


_compiled_token_queries: dict[tuple[str, bool], _CompiledTokenQuery] = {}


def token_candidates(token_key: str, with_health_profile: bool = False) -> list:
    """The tokens whose key starts with ``token_key`` (knox's look-up), each with its user and, if
    asked, the user's health profile loaded: the same instances as iterating ``_token_query``."""
    alias = router.db_for_read(get_token_model())
    compiled = _compiled_token_queries.get((alias, with_health_profile))
    if compiled is None:
        compiled = _CompiledTokenQuery(alias, with_health_profile)
        _compiled_token_queries[(alias, with_health_profile)] = compiled
    return compiled.run(token_key)


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's ``tokenAuth`` (``Authorization: Token <key>``): drf-spectacular describes DRF's
    own token class, not knox's, so the subclass is described here."""

    target_class = "medportal.api.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


# --- throttling ---------------------------------------------------------------------


# After the throttle cache fails, skip it until this time.monotonic() value.
_throttle_cache_down_until = 0.0
THROTTLE_CACHE_RETRY_SECONDS = 10.0

# DRF's sliding window (a list of request times: drop those older than the window, refuse when
# `limit` remain, else add this one) as one server-side step on a sorted set of request times, so a
# request costs one Redis round trip instead of a GET and a SET of the whole pickled list.
# Returns {allowed (0/1), requests in the window before this one, the oldest one's time or ''}.
_SLIDING_WINDOW_LUA = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local n = redis.call('ZCARD', key)
if n < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('EXPIRE', key, window)
  return {1, n, ''}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, n, oldest[2] or ''}
"""
_sliding_window_script = None


class _ThrottleBase:
    """Counters in the "throttle" cache (Redis in production), rates read on every request (not
    once at import as DRF does, so settings overrides apply), and fail-open.

    A throttle guards against abuse; a symptom check may be someone deciding whether to call an
    ambulance. If the cache is unreachable the request passes, and the cache is left alone for
    THROTTLE_CACHE_RETRY_SECONDS so an unreachable host does not cost every request a timeout.
    Password guessing stays limited by allauth's per-account limit in the database cache.
    """

    @property
    def cache(self):
        return caches["throttle"]

    @property
    def THROTTLE_RATES(self):  # noqa: N802 - the name DRF looks up
        return api_settings.DEFAULT_THROTTLE_RATES

    _in_window = None  # (requests in the window, the oldest one's time) after a Redis refusal

    def allow_request(self, request, view) -> bool:
        global _throttle_cache_down_until
        if time.monotonic() < _throttle_cache_down_until:
            return True
        try:
            if isinstance(self.cache, ReusedClientRedisCache):
                return self._allow_in_redis(request, view)
            return super().allow_request(request, view)
        except Exception as exc:  # any cache backend error: the request must not fail for it
            _throttle_cache_down_until = time.monotonic() + THROTTLE_CACHE_RETRY_SECONDS
            logger.warning(
                "throttle cache unreachable (%s: %s); letting requests through for %.0f s",
                exc.__class__.__name__,
                exc,
                THROTTLE_CACHE_RETRY_SECONDS,
            )
            return True

    def _allow_in_redis(self, request, view) -> bool:
        """DRF's ``allow_request`` in one Redis round trip (``_SLIDING_WINDOW_LUA``): the same
        window, limit and Retry-After. The set lives under its own key (``<DRF key>_log``), so a
        worker of the previous release still reading DRF's pickled list never meets it."""
        global _sliding_window_script
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        client = self.cache._cache.get_client(self.key, write=True)
        if _sliding_window_script is None:
            _sliding_window_script = client.register_script(_SLIDING_WINDOW_LUA)
        self.now = self.timer()
        allowed, count, oldest = _sliding_window_script(
            keys=[self.cache.make_and_validate_key(f"{self.key}_log")],
            args=[repr(self.now), self.duration, self.num_requests, f"{self.now!r}:{secrets.token_hex(4)}"],
            client=client,
        )
        if allowed:
            return True
        self._in_window = (int(count), float(oldest) if oldest else None)
        return self.throttle_failure()

    def wait(self):
        if self._in_window is None:
            return super().wait()
        # DRF's wait() on the window it would have held: ``count`` times, the oldest first to leave.
        count, oldest = self._in_window
        remaining = self.duration - (self.now - oldest) if count and oldest is not None else self.duration
        available = self.num_requests - count + 1
        return remaining / float(available) if available > 0 else None


class AnonRateThrottle(_ThrottleBase, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_ThrottleBase, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_ThrottleBase, throttling.ScopedRateThrottle):
    pass


# --- output ---------------------------------------------------------------------------


_output_serializers: dict[type, serializers.BaseSerializer] = {}
_output_lock = threading.Lock()


def represent(serializer_class, instance):
    """``serializer_class(instance).data`` from one shared, already-bound serializer per class.

    DRF deep-copies every declared field each time a serializer is built, and a nested
    ``many=True`` field builds its child again, for every response: about a third of the CPU of
    a symptom-check response went there. Turning an object into primitives changes no state on
    the serializer or its fields, so one instance can serve every request and thread; the
    output is the same (tests/medportal/test_api_represent.py). Output serializers only: they
    must not depend on ``context`` (the request), which a shared instance does not have.
    """
    serializer = _output_serializers.get(serializer_class)
    if serializer is None:
        with _output_lock:
            serializer = _output_serializers.get(serializer_class)
            if serializer is None:
                serializer = serializer_class()
                serializer.fields  # noqa: B018 - bind the whole field tree once, under the lock
                _output_serializers[serializer_class] = serializer
    return serializer.to_representation(instance)


def validated(serializer_class, data, **kwargs) -> dict:
    """Run an input serializer; its errors become the 400 body through ``exception_handler``."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- errors -------------------------------------------------------------------------


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests list-item errors ({"symptoms": {0: [...]}}); clients get one level: "symptoms.0"."""
    key = prefix or api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for name, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{name}" if prefix else str(name)))
        return out
    if isinstance(detail, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in detail):
            return {key: [str(item) for item in detail]}
        out = {}
        for i, value in enumerate(detail):
            out.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
        return out
    return {key: [str(detail)]}


def _code(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, exceptions.ErrorDetail) and detail.code:
        return str(detail.code)
    return exc.default_code


def exception_handler(exc, context):
    """Every API error as ``{"error": code, "detail": message, "fields"?: {...}}``.

    Django's ValidationError from a service becomes a 400 like a serializer error, and a domain
    error (``medportal.exceptions.ApplicationError``) its own status and code, so views can call
    services without catching either. Anything else unexpected stays a 500 (and is logged).
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ApplicationError):
        exc = ApiError(exc.message, code=exc.code, status_code=exc.status_code)
    elif isinstance(exc, Http404):
        # Django's message names the model; "not found" is all a client needs.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django refused to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (its own answer is an HTML 400).
        exc = body_too_large()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{exc.wait:.0f}"

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        name, messages = next(iter(fields.items()), ("", [str(exceptions.ValidationError.default_detail)]))
        first = messages[0] if messages else ""
        detail = first if name == api_settings.NON_FIELD_ERRORS_KEY else f"{name}: {first}"
        body = {"error": "invalid", "detail": detail, "fields": fields}
    elif isinstance(exc, exceptions.ParseError):
        # The parser's own message quotes the decoder; a fixed sentence is enough.
        body = {"error": "parse_error", "detail": _("The request body is not valid JSON.")}
    else:
        body = {"error": _code(exc), "detail": str(exc.detail)}
    body.update(getattr(exc, "extra", {}))
    # As DRF's own handler does: an error response must not commit a half-done ATOMIC_REQUESTS write.
    # local import: true cycle, rest_framework.views imports this module (the throttles in settings)
    from rest_framework.views import set_rollback

    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


class ApiErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    error = serializers.CharField(
        help_text=gettext_lazy(
            "Machine-readable code: invalid, parse_error, payload_too_large, not_authenticated, "
            "authentication_failed, token_expired, mfa_required, permission_denied, not_found, "
            "throttled, daily_limit, refused, conflict, service_unavailable, server_error, ..."
        )
    )
    detail = serializers.CharField(help_text=gettext_lazy("A message that can be shown to a person."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("Validation errors by field (dotted for list items); only for error=invalid."),
    )


_DESCRIPTIONS = {
    400: gettext_lazy("Invalid input (error=invalid, with fields) or a body that is not JSON (parse_error)."),
    401: gettext_lazy("Not signed in, or a bad or staff token."),
    403: gettext_lazy("Signed in but not allowed (e.g. CSRF failure, or a staff account without MFA)."),
    404: gettext_lazy("No such object, or it belongs to someone else."),
    409: gettext_lazy("The request conflicts with the object's state."),
    413: gettext_lazy("The body is larger than the API accepts (error=payload_too_large)."),
    415: gettext_lazy("The body is not application/json."),
    429: gettext_lazy("Too many requests; retry after the Retry-After header's seconds."),
}


def error_responses(*codes: int, **serializers_by_code) -> dict:
    """OpenAPI responses for the given error status codes, all with the shared error body.

    ``error_responses(400, 404, r400=SomeSerializer)`` swaps the body for one code.
    """
    out = {}
    for code in codes:
        body = serializers_by_code.get(f"r{code}", ApiErrorSerializer)
        out[code] = OpenApiResponse(response=body, description=str(_DESCRIPTIONS[code]))
    return out


# Errors any view can answer: a bad token header, and the throttles.
COMMON_ERRORS = (401, 429)
# ... plus those of every view that needs a signed-in user.
PRIVATE_ERRORS = (401, 403, 429)
