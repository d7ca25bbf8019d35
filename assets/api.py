"""``GET /api/v1/library/``: the rep library as JSON, for a CRM or a script; and
``/api/v1/calls/``: call outcomes recorded (POST) and listed (GET, your own).

Authentication: the browser session, or ``Authorization: Bearer <token>`` with a
Wagtail API token (``cms/api.py``). The answer is exactly what that user would see at
``/library/`` with the same parameters (``service_line``, ``stage``, ``segment``,
``kind``, ``q``, ``sort``), paginated with ``page`` and ``page_size``.
"""

import unicodedata
from urllib.parse import urlsplit

from django.http import JsonResponse

from wagtail.models import Site

from assets import selectors, services
from assets.filters import SORTS, CallContext, InvalidFilter, Taxonomy, parse_library_filters
from assets.models import BuyerStatus, CallOutcome
from assets.models.library import Kind
from assets.models.objections import normalise_verbatim
from cms.api import ApiError, api_view, json_body
from cms.openapi import (
    component,
    describe,
    error,
    json_request,
    ok,
    operation,
    query,
    ref,
)

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


# Call outcomes: POST /api/v1/calls/ (record one), GET (your own, newest first) ----------

MAX_CALL_ITEMS = 30
MAX_CALL_OBJECTIONS = 20
CALLS_LISTED = 200
CALL_FIELDS = ("service_line", "stage", "segment", "status", "items", "objections", "notes")

component(
    "Call",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "service_line": {"type": ["string", "null"]},
            "stage": {"type": ["string", "null"]},
            "segment": {"type": ["string", "null"]},
            "status": {"type": "string", "examples": ["consult-scheduled"]},
            "items": {"type": "array", "items": {"type": "string", "format": "uri"}},
            "objections": {"type": "array", "items": {"type": "string"}},
            "notes": {"type": "string"},
            "logged_at": {"type": "string", "format": "date-time"},
        },
        "required": [
            "id",
            "service_line",
            "stage",
            "segment",
            "status",
            "items",
            "objections",
            "notes",
            "logged_at",
        ],
    },
)
component(
    "NewCall",
    {
        "type": "object",
        "properties": {
            "service_line": {"type": "string", "description": "A service line's slug."},
            "stage": {"type": "string", "description": "A journey stage's slug."},
            "segment": {"type": "string", "description": "A segment's slug."},
            "status": {"type": "string", "description": "A buyer status's slug."},
            "items": {
                "type": "array",
                "items": {"type": "string"},
                "maxItems": MAX_CALL_ITEMS,
                "description": "URLs of library items used or sent (absolute, or paths).",
            },
            "objections": {
                "type": "array",
                "items": {"type": "string", "maxLength": 1000},
                "maxItems": MAX_CALL_OBJECTIONS,
                "description": "Objections heard, in the buyer's words.",
            },
            "notes": {"type": "string", "maxLength": 2000},
        },
        "required": ["service_line", "stage", "segment", "status"],
        "additionalProperties": False,
    },
)


def serialise_call(call, request):
    return {
        "id": call.pk,
        "service_line": call.service_line.slug if call.service_line else None,
        "stage": call.stage.slug if call.stage else None,
        "segment": call.segment.slug if call.segment else None,
        "status": call.status.slug,
        "items": [
            request.build_absolute_uri(item.get_url(request=request)) for item in call.items.all()
        ],
        "objections": [objection.verbatim for objection in call.objections.all()],
        "notes": call.notes,
        "logged_at": call.logged_at.isoformat(),
    }


def _text(data, name, errors, *, required, max_length):
    value = data.get(name, "" if not required else None)
    if value is None or (required and value == ""):
        errors[name] = "Required."
        return ""
    if not isinstance(value, str):
        errors[name] = "Must be a string."
        return ""
    if len(value) > max_length:
        errors[name] = f"At most {max_length} characters."
        return ""
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value):
        errors[name] = "Contains control characters."
        return ""
    return value.strip()


def _call_from_body(request, data):
    """The call to record from a JSON body, or ``ApiError`` naming each bad field."""
    errors = {}
    unknown = sorted(set(data) - set(CALL_FIELDS))
    for name in unknown[:10]:
        errors[str(name)[:60]] = "Not a field of a call."
    taxonomy = Taxonomy.load()
    values = {}
    for name, label in CallContext.LABELS.items():
        slug = _text(data, name, errors, required=True, max_length=100)
        if slug:
            values[name] = taxonomy.lookup(name, slug)
            if values[name] is None:
                errors[name] = f"There is no {label} “{slug[:60]}”."
    status_slug = _text(data, "status", errors, required=True, max_length=100)
    status = None
    if status_slug:
        status = BuyerStatus.objects.filter(slug=status_slug, is_active=True).first()
        if status is None:
            choices = ", ".join(
                BuyerStatus.objects.filter(is_active=True).values_list("slug", flat=True)
            )
            errors["status"] = (
                f"There is no buyer status “{status_slug[:60]}”; use one of: {choices}."
            )
    notes = _text(data, "notes", errors, required=False, max_length=2000)
    items = []
    raw_items = data.get("items", [])
    if not isinstance(raw_items, list) or not all(isinstance(v, str) for v in raw_items):
        errors["items"] = "A list of library item URLs."
    elif len(raw_items) > MAX_CALL_ITEMS:
        errors["items"] = f"At most {MAX_CALL_ITEMS} items."
    elif raw_items:
        paths = [urlsplit(value).path for value in raw_items]
        site = Site.find_for_request(request)
        root = site.root_page.url_path if site else "/"
        found = selectors.items_by_path(request.viewer, paths, root_path=root)
        missing = [value for value, path in zip(raw_items, paths, strict=True) if path not in found]
        if missing:
            errors["items"] = "Not a library item you can use: " + ", ".join(
                value[:200] for value in missing[:5]
            )
        else:
            items = list({found[path].pk: found[path] for path in paths}.values())
    objections = []
    raw_objections = data.get("objections", [])
    if not isinstance(raw_objections, list) or not all(isinstance(v, str) for v in raw_objections):
        errors["objections"] = "A list of objections, each in the buyer's words."
    elif len(raw_objections) > MAX_CALL_OBJECTIONS:
        errors["objections"] = f"At most {MAX_CALL_OBJECTIONS} objections."
    else:
        for text in raw_objections:
            if (
                len(text) > 1000
                or not normalise_verbatim(text)
                or any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text)
            ):
                errors["objections"] = (
                    "Each objection is the buyer's words: letters or digits, at most "
                    "1,000 characters, no control characters."
                )
                break
            objections.append(text.strip())
    if errors:
        raise ApiError("The call can't be recorded.", fields=errors)
    return {**values, "status": status, "items": items, "objections": objections, "notes": notes}


@describe(
    get=operation(
        summary="Your logged calls",
        description=f"The calls you recorded, newest first (at most {CALLS_LISTED}).",
        operation_id="listCalls",
        tags=["calls"],
        responses={
            200: ok(
                "Your calls.",
                {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "minimum": 0},
                        "results": {"type": "array", "items": ref("Call")},
                    },
                    "required": ["count", "results"],
                },
            )
        },
    ),
    post=operation(
        summary="Record a call's outcome",
        description="The call (slugs), the buyer's status afterwards (a buyer status's "
        "slug), the library items used or sent, the objections heard (each is also "
        "logged in the objection log) and notes.",
        operation_id="createCall",
        tags=["calls"],
        request_body=json_request(
            ref("NewCall"),
            "The call.",
            example={
                "service_line": "cardiology",
                "stage": "evaluation",
                "segment": "referring-physician",
                "status": "consult-scheduled",
                "items": ["/library/heart-failure-clinic-for-referring-physicians/"],
                "objections": ["How long until my patients are seen?"],
                "notes": "Wants the referral form by e-mail.",
            },
        ),
        responses={
            201: ok("The recorded call.", ref("Call")),
            400: error("Something in the body can't be used: see `fields`."),
            413: error("The body is larger than 64 KB."),
            415: error("The body isn't JSON (`Content-Type: application/json`)."),
        },
    ),
)
@api_view(["GET", "HEAD", "POST"])
def calls(request):
    if request.method == "POST":
        values = _call_from_body(request, json_body(request))
        call = services.call_log(user=request.user, **values)
        return JsonResponse(serialise_call(call, request), status=201)
    own = (
        CallOutcome.objects.filter(user=request.user)
        .select_related("service_line", "stage", "segment", "status")
        .prefetch_related("items", "objections")[:CALLS_LISTED]
    )
    results = [serialise_call(call, request) for call in own]
    return JsonResponse({"count": len(results), "results": results})
