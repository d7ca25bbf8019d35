"""The ``/api/v1/`` contract: an OpenAPI 3.1 document built from the URL patterns and
the description each endpoint gives of itself.

``GET /api/v1/schema/`` (``schema_view``) serves it. Nothing is written by hand twice:

* **paths** come from Django's URL patterns: every route under ``api/v1/``, its path
  parameters and their types (``<int:pk>`` → ``{pk}``, an integer);
* **operations** (summary, parameters, request body, responses) are described beside
  each view with ``@describe(get=operation(…), post=operation(…))``, or — for a view
  whose module can't carry it yet — registered by URL name with
  ``register("namespace:name", get=…)`` (``cms/openapi_registry.py``);
* **what every endpoint shares** is added by ``operation``: the two ways to
  authenticate (the session cookie, ``Authorization: Bearer``), the 401/403/405 answers
  of ``cms.api.api_view`` and the ``Error`` body of ``cms.api.ApiError``.

A route under ``api/v1/`` with no description is left out of the document and named by
``undescribed()``; ``tests/cms/test_openapi.py`` fails on any, so a new endpoint can't
ship without its contract. Adding one (docs/api.md, "Adding an endpoint")::

    from cms.openapi import describe, operation, ok, query

    @describe(get=operation(
        summary="Recent call outcomes",
        parameters=[query("page", "Page number, from 1.", {"type": "integer", "minimum": 1})],
        responses={200: ok("The outcomes.", {"$ref": "#/components/schemas/CallPage"})},
    ))
    @api_view(["GET", "HEAD"])
    def calls(request): ...

and its body shapes with ``component("CallPage", {...})``.
"""

import re

from django.conf import settings
from django.http import JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
API_PREFIX = "api/v1/"
METHODS = ("get", "put", "post", "delete", "patch")

SECURITY = [{"bearer": []}, {"session": []}]  # either one

_registered = {}  # URL name ("namespace:name") -> {method: operation}
_components = {
    "Error": {
        "type": "object",
        "description": "Every error answer (cms.api.ApiError): a sentence for people, and "
        "for a request body that can't be used, what is wrong with each field.",
        "properties": {
            "error": {"type": "string", "examples": ["“page” must be a whole number."]},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Field name → what is wrong with it.",
            },
        },
        "required": ["error"],
        "additionalProperties": False,
    }
}


# --- Describing endpoints -----------------------------------------------------------


def describe(**operations):
    """Decorate a view with its operations by HTTP method: ``get=operation(…)``, …"""
    unknown = set(operations) - set(METHODS)
    if unknown:
        raise ValueError(f"Not HTTP methods OpenAPI describes: {sorted(unknown)}")

    def decorate(view):
        view.openapi_operations = dict(operations)
        return view

    return decorate


def register(url_name, **operations):
    """Describe the view of the URL named ``url_name`` without touching its module."""
    describe(**operations)  # same checks
    _registered[url_name] = dict(operations)


def component(name, schema):
    """Add (or replace) a schema under ``#/components/schemas/<name>``; returns its ``$ref``."""
    _components[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def query(name, description, schema, *, required=False, example=None):
    parameter = {
        "name": name,
        "in": "query",
        "description": description,
        "required": required,
        "schema": schema,
    }
    if example is not None:
        parameter["example"] = example
    return parameter


def ok(description, schema, *, headers=None, media_type="application/json"):
    response = {"description": description, "content": {media_type: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def json_request(schema, description, *, example=None):
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "required": True, "content": {"application/json": content}}


def error(description, *, headers=None):
    return ok(description, ref("Error"), headers=headers)


UNAUTHORISED = error(
    "Not signed in, or the API token is missing, malformed or revoked.",
    headers={
        "WWW-Authenticate": {
            "description": '`Bearer realm="concord"`',
            "schema": {"type": "string"},
        }
    },
)
FORBIDDEN = error(
    "This account can't use the sales library, or a signed-in (session) request that "
    "changes something came without its CSRF token."
)


def operation(
    *,
    summary,
    responses,
    description="",
    parameters=(),
    request_body=None,
    tags=(),
    operation_id=None,
    public=False,
):
    """One operation with what ``cms.api.api_view`` adds to every endpoint.

    ``responses``: status → response; 401 and 403 (authentication, library role, CSRF)
    are added unless ``public``. Path parameters come from the URL pattern; give their
    descriptions as ``{"in": "path", "name": …, "description": …}`` in ``parameters``.
    """
    result = {"summary": summary}
    if description:
        result["description"] = description
    if operation_id:
        result["operationId"] = operation_id
    if tags:
        result["tags"] = list(tags)
    if parameters:
        result["parameters"] = list(parameters)
    if request_body is not None:
        result["requestBody"] = request_body
    answers = {str(status): response for status, response in responses.items()}
    if not public:
        answers.setdefault("401", UNAUTHORISED)
        answers.setdefault("403", FORBIDDEN)
        result["security"] = SECURITY
    else:
        result["security"] = []
    result["responses"] = answers
    return result


# --- Building the document ----------------------------------------------------------


_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_CONVERTER_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0},
    "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    "uuid": {"type": "string", "format": "uuid"},
}


def api_routes():
    """``[(route, URL name, view)]`` for every URL pattern under ``api/v1/``."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if not isinstance(entry.pattern, RoutePattern):
                continue  # regex patterns (Wagtail's pages) are never API routes
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace]))
                walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern) and route.startswith(API_PREFIX):
                name = ":".join(filter(None, [namespace, entry.name]))
                found.append((route, name, entry.callback))

    walk(get_resolver().url_patterns, "", "")
    return found


def operations_for(name, view):
    return getattr(view, "openapi_operations", None) or _registered.get(name)


def undescribed():
    """Routes under ``api/v1/`` whose view has no description (should be none)."""
    _load_registry()
    return [route for route, name, view in api_routes() if not operations_for(name, view)]


def _openapi_path(route):
    path = "/" + _ROUTE_PARAMETER.sub(lambda match: "{" + match["name"] + "}", route)
    parameters = [
        {
            "name": match["name"],
            "in": "path",
            "required": True,
            "schema": dict(_CONVERTER_SCHEMAS.get(match["converter"] or "str", {"type": "string"})),
        }
        for match in _ROUTE_PARAMETER.finditer(route)
    ]
    return path, parameters


def _with_path_parameters(op, path_parameters):
    if not path_parameters:
        return op
    op = dict(op)
    given = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
    merged = []
    for parameter in path_parameters:
        described = given.pop(("path", parameter["name"]), {})
        merged.append({**parameter, **described, "required": True})
    op["parameters"] = merged + list(given.values())
    return op


def _load_registry():
    # Descriptions of views whose modules don't carry them (yet).
    from cms import openapi_registry  # noqa: F401 - registers on import


def build_schema(server_url=None):
    """The OpenAPI document as a dict (``server_url``: where the API is served)."""
    _load_registry()
    paths = {}
    for route, name, view in api_routes():
        operations = operations_for(name, view)
        if not operations:
            continue
        path, path_parameters = _openapi_path(route)
        item = paths.setdefault(path, {})
        for method, op in operations.items():
            item[method] = _with_path_parameters(op, path_parameters)
    server = (server_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Concord API",
            "version": API_VERSION,
            "summary": "Approved sales-enablement content for CRMs and scripts.",
            "description": (
                "Everything answers exactly what the authenticated user may see in "
                "Concord's library. Authenticate with an API token (`Authorization: "
                "Bearer <token>`, issued with `manage.py issue_api_token USERNAME`) or a "
                "signed-in browser session (requests that change something then also "
                "send `X-CSRFToken`). Answers are JSON, never cached by shared caches; "
                'errors are `{"error": "…"}` with a sentence for people.'
            ),
        },
        "servers": [{"url": server}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(_components.items())),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A Wagtail API token: `manage.py issue_api_token USERNAME`.",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": settings.SESSION_COOKIE_NAME,
                    "description": "A signed-in browser session (sign in at /accounts/login/); "
                    "requests that change something also send the CSRF token in "
                    "`X-CSRFToken`.",
                },
            },
        },
    }


@require_safe
def schema_view(request):
    """``GET /api/v1/schema/``: the document, for anyone (it holds no data)."""
    response = JsonResponse(
        build_schema(request.build_absolute_uri("/")), json_dumps_params={"indent": 1}
    )
    patch_cache_control(response, no_cache=True)
    return response


describe(
    get=operation(
        summary="This document",
        description="The OpenAPI 3.1 description of every `/api/v1/` endpoint. No "
        "authentication needed.",
        operation_id="schema",
        tags=["schema"],
        public=True,
        responses={
            200: ok(
                "The OpenAPI document.",
                {"type": "object", "required": ["openapi", "info", "paths"]},
            )
        },
    )
)(schema_view)
