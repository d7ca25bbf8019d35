"""``GET /api/v1/library/``: the rep library as JSON, for a CRM or a script.

Authentication: the browser session, or ``Authorization: Bearer <token>`` with a
Wagtail API token (``wagtail.models.APIToken``; only a digest is stored). Issue one
with ``manage.py issue_api_token USERNAME``. The answer is exactly what that user
would see at ``/library/`` with the same parameters (``service_line``, ``stage``,
``segment``, ``kind``, ``q``, ``sort``), paginated with ``page`` and ``page_size``.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from wagtail.models import APIToken

from assets import selectors
from assets.filters import InvalidFilter, parse_library_filters
from cms.publication import Viewer

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
TOKEN_TOUCH_SECONDS = 60


def _error(message, status, **headers):
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return _private(response)


def _private(response):
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


def _positive_int(value, default, name, maximum=None):
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidFilter(f"“{name}” must be a whole number.") from None
    if number < 1 or (maximum is not None and number > maximum):
        limit = f" between 1 and {maximum}" if maximum else " of 1 or more"
        raise InvalidFilter(f"“{name}” must be a number{limit}.")
    return number


def serialise_item(item, request):
    url = item.listing_url
    absolute = request.build_absolute_uri(url) if url else None
    return {
        "title": item.title,
        "url": absolute,
        "kind": item.kind,
        "audience": item.audience,
        "service_lines": [line.slug for line in item.taxonomy.service_lines],
        "stages": [stage.slug for stage in item.taxonomy.stages],
        "segments": [segment.slug for segment in item.taxonomy.segments],
        "approval_code": item.approval_label,
        "review_by": item.review_by.isoformat() if item.review_by else None,
        "pdf_url": f"{absolute}pdf/" if absolute else None,
    }


@require_GET
def library(request):
    header = request.headers.get("Authorization", "")
    if header:
        user = token_user(header)
        if user is None:
            request.user = AnonymousUser()
            return _error(
                "The API token is missing, malformed or revoked.",
                401,
                WWW_Authenticate='Bearer realm="concord"',
            )
        request.user = user
    user = request.user
    if not user.is_authenticated:
        return _error(
            "Sign in or send an API token: Authorization: Bearer <token>.",
            401,
            WWW_Authenticate='Bearer realm="concord"',
        )
    viewer = Viewer.of(user)  # the token's user, not the session's
    if not viewer.can_use_library:
        return _error("This account can't use the sales library.", 403)
    try:
        filters = parse_library_filters(request.GET)
        page = _positive_int(request.GET.get("page"), 1, "page")
        page_size = _positive_int(
            request.GET.get("page_size"), DEFAULT_PAGE_SIZE, "page_size", MAX_PAGE_SIZE
        )
    except InvalidFilter as error:
        return _error(str(error), 400)

    results = selectors.library_items(user=viewer, filters=filters)
    count = results.count()
    start = (page - 1) * page_size
    items = list(results[start : start + page_size]) if start < count else []
    selectors.attach_taxonomy(items, request=request)
    response = JsonResponse(
        {"count": count, "results": [serialise_item(item, request) for item in items]}
    )
    if start + page_size < count:
        query = request.GET.copy()
        query["page"] = page + 1
        response["Link"] = f'<{request.build_absolute_uri("?" + query.urlencode())}>; rel="next"'
    return _private(response)
