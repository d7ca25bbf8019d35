"""OpenAPI descriptions of ``/api/v1/`` endpoints whose view modules don't carry one.

Prefer ``@cms.openapi.describe(…)`` beside the view (``assets/api.py`` does). This module
describes the share-link endpoints (``shares/api.py``) by URL name; moving them beside
their views is a cut and paste. ``tests/cms/test_openapi.py`` keeps both in step: every
route under ``api/v1/`` must be described, and the registered names must exist.
"""

from cms.openapi import (
    component,
    error,
    json_request,
    ok,
    operation,
    ref,
    register,
)

SHARE_STATUSES = ["active", "revoked", "expired", "gone"]
ITEM_STATUSES = ["current", "updated", "withdrawn", "expired", "deleted"]
DATE_TIME = {"type": "string", "format": "date-time"}

component(
    "ShareItem",
    {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "approval_code": {"type": "string"},
            "status": {
                "type": "string",
                "description": f"One of {', '.join(ITEM_STATUSES)}: whether the buyer "
                "still gets it (current, or updated to its newer approval).",
            },
            "url": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "The item in the library (for the rep), if it still exists.",
            },
        },
        "required": ["title", "approval_code", "status", "url"],
    },
)
component(
    "Share",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string", "format": "uri", "description": "The link for the buyer."},
            "pdf_url": {"type": "string", "format": "uri"},
            "recipient": {"type": "string"},
            "organisation": {"type": "string"},
            "note": {"type": "string"},
            "items": {"type": "array", "items": ref("ShareItem")},
            "created_at": DATE_TIME,
            "expires_at": DATE_TIME,
            "revoked_at": {"type": ["string", "null"], "format": "date-time"},
            "status": {
                "type": "string",
                "description": f"One of {', '.join(SHARE_STATUSES)}.",
            },
            "opens": {"type": "integer", "minimum": 0},
            "pdf_downloads": {"type": "integer", "minimum": 0},
            "last_opened": {"type": ["string", "null"], "format": "date-time"},
        },
        "required": [
            "id",
            "url",
            "pdf_url",
            "recipient",
            "organisation",
            "note",
            "items",
            "created_at",
            "expires_at",
            "revoked_at",
            "status",
            "opens",
            "pdf_downloads",
            "last_opened",
        ],
    },
)
component(
    "NewShare",
    {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "maxItems": 10,
                "description": "Library items, by their URL (absolute or a path).",
            },
            "recipient": {"type": "string", "description": "The buyer's name."},
            "organisation": {"type": "string", "description": "The buyer's organisation."},
            "note": {"type": "string", "description": "A short note for the buyer (optional)."},
        },
        "required": ["items", "recipient", "organisation"],
        "additionalProperties": False,
    },
)

SHARE_ID = {"in": "path", "name": "pk", "description": "The share's id."}
NOT_FOUND = error("There is no such share, or it isn't yours to manage.")

register(
    "shares_api:api_shares",
    get=operation(
        summary="Your share links",
        description="The share links you made, newest first (at most 200), with their "
        "opens and PDF downloads.",
        operation_id="listShares",
        tags=["shares"],
        responses={
            200: ok(
                "Your shares.",
                {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "minimum": 0},
                        "results": {"type": "array", "items": ref("Share")},
                    },
                    "required": ["count", "results"],
                },
            )
        },
    ),
    post=operation(
        summary="Share approved items with one buyer",
        description="Makes a link (`/s/<token>/`) that always serves the current "
        "approval of the items and stops when none is approved any more.",
        operation_id="createShare",
        tags=["shares"],
        request_body=json_request(
            ref("NewShare"),
            "What to share, and with whom.",
            example={
                "items": ["/library/cardiac-rehab-one-pager/"],
                "recipient": "Dr. Jane Doe",
                "organisation": "Riverside Family Practice",
                "note": "As discussed on Tuesday.",
            },
        ),
        responses={
            201: ok(
                "The share.",
                ref("Share"),
                headers={
                    "Location": {
                        "description": "The share's API URL.",
                        "schema": {"type": "string", "format": "uri"},
                    }
                },
            ),
            400: error("Something in the body can't be used: see `fields`."),
            413: error("The body is larger than 64 KB."),
            415: error("The body isn't JSON (`Content-Type: application/json`)."),
        },
    ),
)
register(
    "shares_api:api_share",
    get=operation(
        summary="One share link",
        operation_id="getShare",
        tags=["shares"],
        parameters=[SHARE_ID],
        responses={200: ok("The share.", ref("Share")), 404: NOT_FOUND},
    ),
    delete=operation(
        summary="Revoke a share link",
        description="The buyer's link stops working at once. Revoking twice is harmless.",
        operation_id="revokeShare",
        tags=["shares"],
        parameters=[SHARE_ID],
        responses={200: ok("The share, revoked.", ref("Share")), 404: NOT_FOUND},
    ),
)
