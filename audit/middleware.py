from .services import Action, audit_record, current_request


class AuditMiddleware:
    """Makes the request known to audit records made deeper down, and records refusals.

    A 403 for a signed-in user is recorded, and so is a 404 from a URL that names an object
    (``/check/12/``): the ``get_<thing>_for_user`` helpers answer 404 for other people's
    objects, so that is what probing someone else's records looks like. Only the URL name and
    the numeric ids in it are stored, never the query string (an autocomplete query holds symptoms).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        if response.status_code in (403, 404):
            self._record_refusal(request, response)
        return response

    def _record_refusal(self, request, response) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        match = getattr(request, "resolver_match", None)
        kwargs = dict(match.kwargs) if match else {}
        if response.status_code == 404 and not kwargs:
            return
        # Only numeric ids are kept: other URL parts can be secrets (e-mail confirmation keys).
        object_id = ",".join(
            f"{k}={v if str(v).isdigit() else '[redacted]'}" for k, v in sorted(kwargs.items())
        )
        audit_record(
            action=Action.AUTHZ_DENIED,
            request=request,
            actor=user,
            object_type=(match.view_name if match else "")[:100],
            object_id=object_id,
            detail=f"{response.status_code} {request.method}",
        )
