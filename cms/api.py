"""What every ``/api/v1/`` endpoint shares: who is calling, JSON in and out, errors.

Two ways to authenticate, the same for every endpoint:

* the browser session (a signed-in user); requests that change something must carry
  Django's CSRF token (``X-CSRFToken`` header), as any form post would;
* ``Authorization: Bearer <token>`` with a Wagtail API token (``wagtail.models.APIToken``;
  only a digest is stored; ``manage.py issue_api_token USERNAME``). A bearer request
  is not a browser's, so it needs no CSRF token, and the session cookie is ignored.

``api_view`` wraps a view with all of it. The view receives ``request.user`` (the
token's user when there is a token) and ``request.viewer`` (a ``cms.publication.Viewer``
of that user), may raise ``ApiError`` for a JSON error, and reads a JSON body with
``json_body``. Every answer is private (``Cache-Control: private, no-store``).
"""

import json
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from wagtail.models import APIToken

from cms.publication import Viewer

TOKEN_TOUCH_SECONDS = 60
MAX_BODY_BYTES = 64 * 1024
BEARER_CHALLENGE = 'Bearer realm="concord"'


class ApiError(Exception):
    """An error answer: ``message`` for people, ``fields`` (name → message) for forms."""

    def __init__(self, message, status=400, *, fields=None, headers=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields = fields or {}
        self.headers = headers or {}

    def response(self):
        payload = {"error": self.message}
        if self.fields:
            payload["fields"] = self.fields
        response = JsonResponse(payload, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return private(response)


def error(message, status, **headers):
    """A JSON error answer; ``headers`` with underscores for dashes (``WWW_Authenticate``)."""
    return ApiError(
        message, status, headers={name.replace("_", "-"): value for name, value in headers.items()}
    ).response()


def private(response):
    """Mark an API answer as per-user: never stored by a shared cache."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Authorization", "Cookie"])
    return response


def token_user(header):
    """The active user of a bearer token, or None. ``header``: the Authorization value."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not APIToken.validate_token_format(token):
        return None
    api_token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(token), revoked_at__isnull=True)
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        return None
    now = timezone.now()
    interval = getattr(settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", TOKEN_TOUCH_SECONDS)
    if interval is not None and (
        api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() >= interval
    ):
        APIToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


def json_body(request):
    """The request's JSON object, or ``ApiError`` (400/413/415) saying what is wrong."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise ApiError("Send the request body as JSON (Content-Type: application/json).", 415)
    if len(request.body) > MAX_BODY_BYTES:
        raise ApiError(f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.", 413)
    try:
        data = json.loads(request.body.decode("utf-8") or "null")
        # A lone surrogate ("\ud800") is valid JSON but not text anything can store.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError):
        raise ApiError("The request body is not valid JSON text.") from None
    except RecursionError:
        raise ApiError("The request body is nested too deeply.") from None
    if not isinstance(data, dict):
        raise ApiError("The request body must be a JSON object.")
    return data


def _csrf_fails(request):
    """Whether Django's own CSRF check refuses this session request."""
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None


def authenticate(request):
    """Set ``request.user`` and ``request.viewer`` from the token or session, or raise."""
    header = request.headers.get("Authorization", "")
    if header:
        user = token_user(header)
        if user is None:
            request.user = AnonymousUser()
            raise ApiError(
                "The API token is missing, malformed or revoked.",
                401,
                headers={"WWW-Authenticate": BEARER_CHALLENGE},
            )
        request.user = user
    elif not request.user.is_authenticated:
        raise ApiError(
            "Sign in or send an API token: Authorization: Bearer <token>.",
            401,
            headers={"WWW-Authenticate": BEARER_CHALLENGE},
        )
    elif request.method not in ("GET", "HEAD", "OPTIONS") and _csrf_fails(request):
        raise ApiError(
            "Signed-in requests that change something need the CSRF token "
            "(X-CSRFToken header), or use an API token.",
            403,
        )
    request.viewer = Viewer.of(request.user)  # the token's user, not the session's
    return request.user


def api_view(methods, *, library=True):
    """Wrap an API view: allowed ``methods``, authentication, JSON errors, privacy.

    ``library``: the caller must be able to use the sales library (reps, marketers,
    reviewers, admins), as for ``/library/``.
    """
    allowed = tuple(methods)

    def decorate(view):
        @csrf_exempt  # checked in ``authenticate`` for session requests only
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                response = error(f"{request.method} is not allowed here.", 405)
                response["Allow"] = ", ".join(allowed)
                return response
            try:
                authenticate(request)
                if library and not request.viewer.can_use_library:
                    raise ApiError("This account can't use the sales library.", 403)
                response = view(request, *args, **kwargs)
            except ApiError as failure:
                return failure.response()
            return private(response)

        return wrapper

    return decorate
