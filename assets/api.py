"""``GET /api/v1/library/``: the rep library as JSON, for a CRM or a script.

Authentication: the browser session, or ``Authorization: Bearer <token>`` with a
Wagtail API token (``cms/api.py``). The answer is exactly what that user would see at
``/library/`` with the same parameters (``service_line``, ``stage``, ``segment``,
``kind``, ``q``, ``sort``), paginated with ``page`` and ``page_size``.
"""

from django.http import JsonResponse

from assets import selectors
from assets.filters import SORTS, CallContext, InvalidFilter, parse_library_filters
from assets.models.library import Kind
from cms.api import ApiError, api_view
from cms.openapi import component, describe, error, ok, operation, query, ref

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


# The contract of this endpoint (GET /api/v1/schema/, docs/api.md): kept beside the view.
component(
    "LibraryItem",
    {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "url": {"type": ["string", "null"], "format": "uri"},
            "kind": {"type": "string", "enum": list(Kind.values)},
            "audience": {"type": "string", "examples": ["internal", "external", "public"]},
            "service_lines": {"type": "array", "items": {"type": "string"}},
            "stages": {"type": "array", "items": {"type": "string"}},
            "segments": {"type": "array", "items": {"type": "string"}},
            "approval_code": {"type": "string", "examples": ["CARD-OP-2026-0042 v3"]},
            "review_by": {"type": ["string", "null"], "format": "date"},
            "pdf_url": {"type": ["string", "null"], "format": "uri"},
        },
        "required": [
            "title",
            "url",
            "kind",
            "audience",
            "service_lines",
            "stages",
            "segments",
            "approval_code",
            "review_by",
            "pdf_url",
        ],
    },
)
TAXONOMY_PARAMETERS = [
    query(name, f"Only items for this {label} (its slug).", {"type": "string"})
    for name, label in CallContext.LABELS.items()
]


@describe(
    get=operation(
        summary="Search the library",
        description="What the authenticated user would see at `/library/` with the same "
        "filters, as JSON: approved, current items only. An unknown slug, kind or sort is "
        "a 400 that says which.",
        operation_id="listLibraryItems",
        tags=["library"],
        parameters=[
            *TAXONOMY_PARAMETERS,
            query(
                "kind", "Only this kind of material.", {"type": "string", "enum": list(Kind.values)}
            ),
            query(
                "q",
                "Search text (at most 200 characters once spaces are collapsed).",
                {"type": "string"},
            ),
            query("sort", "Order of the results.", {"type": "string", "enum": list(SORTS)}),
            query("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
            query(
                "page_size",
                f"Items per page (default {DEFAULT_PAGE_SIZE}).",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            ),
        ],
        responses={
            200: ok(
                "One page of results.",
                {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "minimum": 0},
                        "results": {"type": "array", "items": ref("LibraryItem")},
                        "synonyms": {
                            "description": "With `q` only: the glossary's preferred terms "
                            "also searched, for the variants the search text contains.",
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "found": {"type": "string"},
                                    "preferred": {"type": "string"},
                                    "variant": {"type": "string"},
                                },
                                "required": ["found", "preferred", "variant"],
                            },
                        },
                    },
                    "required": ["count", "results"],
                },
                headers={
                    "Link": {
                        "description": 'The next page, when there is one: `<url>; rel="next"`.',
                        "schema": {"type": "string"},
                    }
                },
            ),
            400: error("A filter or page value can't be used; the message says which."),
        },
    )
)
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
    data = {"count": count, "results": [serialise_item(item, request) for item in items]}
    if filters.q:  # a search also says which glossary terms it searched for its variants
        data["synonyms"] = [synonym.as_dict() for synonym in getattr(results, "synonyms", [])]
    response = JsonResponse(data)
    if start + page_size < count:
        query = request.GET.copy()
        query["page"] = page + 1
        response["Link"] = f'<{request.build_absolute_uri("?" + query.urlencode())}>; rel="next"'
    return response
