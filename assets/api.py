"""``GET /api/v1/library/``: the rep library as JSON, for a CRM or a script.

Authentication: the browser session, or ``Authorization: Bearer <token>`` with a
Wagtail API token (``cms/api.py``). The answer is exactly what that user would see at
``/library/`` with the same parameters (``service_line``, ``stage``, ``segment``,
``kind``, ``q``, ``sort``), paginated with ``page`` and ``page_size``.
"""

from django.http import JsonResponse

from assets import selectors
from assets.filters import InvalidFilter, parse_library_filters
from cms.api import ApiError, api_view

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


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


@api_view(["GET", "HEAD"])
def library(request):
    try:
        filters = parse_library_filters(request.GET)
        page = _positive_int(request.GET.get("page"), 1, "page")
        page_size = _positive_int(
            request.GET.get("page_size"), DEFAULT_PAGE_SIZE, "page_size", MAX_PAGE_SIZE
        )
    except InvalidFilter as error:
        raise ApiError(str(error)) from None

    results = selectors.library_items(user=request.viewer, filters=filters)
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
    return response
