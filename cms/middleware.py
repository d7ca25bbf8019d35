"""Concord's own middleware.

``ContentSecurityPolicyMiddleware`` is listed in ``cms/settings/production.py`` (see
docs/security.md); ``HostileInputMiddleware`` and ``ServerTimingMiddleware`` in
``base.py``. Sign-in throttling is django-axes (``cms/logins.py``).
"""

import json
import logging
import os
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError
from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import NoReverseMatch

logger = logging.getLogger(__name__)
# The public site and the library: no inline script or style, nothing from elsewhere.
PUBLIC_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

# Wagtail's admin needs inline scripts and styles (its templates and widgets use
# them), blob:/data: images (upload previews), Gravatar avatars, and same-origin
# frames (live preview).
ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https://www.gravatar.com",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Set ``Content-Security-Policy``: strict for the site, relaxed for ``/admin/``.

    A response that already has a policy keeps it (Wagtail's document view sets one
    for documents). Server errors are left alone: ``500.html`` stands alone with an
    inline style.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response or response.status_code >= 500:
            return response
        admin = request.path.startswith("/admin/")
        response["Content-Security-Policy"] = ADMIN_POLICY if admin else PUBLIC_POLICY
        return response


# Hostile input ------------------------------------------------------------------------

# Exceptions that reading raw form data into values raises on data no browser sends
# (``int("abc")``, a missing key, JSON that isn't, an id that isn't a number).
MALFORMED_DATA_ERRORS = (
    ValueError,  # includes json.JSONDecodeError
    TypeError,
    KeyError,  # includes MultiValueDictKeyError
    IndexError,
    AttributeError,
    OverflowError,
    ObjectDoesNotExist,
)
# Where widgets and blocks turn the POST into values (Django's forms call it for every
# field; Wagtail's StreamField, ListBlock, choosers and Draftail parse there) ...
FORM_DATA_READERS = frozenset({"value_from_datadict", "_widget_data_value"})
# ... and where Wagtail's chooser widget looks up the submitted id again to show the
# form with its errors (it catches DoesNotExist, not an id that isn't a number).
SUBMITTED_VALUE_LOOKUPS = frozenset(
    {(os.path.join("wagtail", "admin", "widgets", "chooser.py"), "get_instance")}
)
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
WORKFLOW_EXTRA_DATA = "workflow-action-extra-data"
SQLITE_SEARCH_BACKEND = os.path.join("modelsearch", "backends", "database", "sqlite")
# No address Concord makes carries a longer value, and SQLite can't LIKE-match one much
# longer (its pattern limit is 50,000 bytes: 12,000 characters of up to 4 bytes each).
# The library's own, friendlier limit on searches (200 characters) answers first.
MAX_QUERY_VALUE_LENGTH = 12_000
# A whole number no database column holds (beyond signed 64 bits): looking it up as an
# id failed in the driver (SQLite's OverflowError, PostgreSQL's "out of range").
HUGE_NUMBER = re.compile(r"\s*[-+]?0*\d{19,}\s*")
INT64 = 2**63


def bad_request(request, message):
    """A 400 that says what was wrong: JSON for the API, plain text elsewhere."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": message}, status=400)
    else:
        response = HttpResponseBadRequest(
            f"Bad request: {message}\n", content_type="text/plain; charset=utf-8"
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _is_utf8(query_string):
    """Whether the percent-decoded query string is UTF-8 (Django replaces what isn't
    with U+FFFD, which Wagtail's SQLite search then fails to parse)."""
    try:
        raw = query_string.encode("latin-1")  # WSGI hands the bytes over as latin-1
    except UnicodeEncodeError:
        raw = query_string.encode("utf-8")
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _values(data):
    for key in data:
        yield key
        yield from data.getlist(key)


def _has_nul(data):
    return any("\x00" in value for value in _values(data))


def _is_huge_number(value):
    if not HUGE_NUMBER.fullmatch(value):
        return False
    digits = value.strip().lstrip("+-").lstrip("0")
    # Compared as text first: int() refuses strings of more than 4,300 digits.
    return len(digits) > 19 or int(digits) >= INT64


def _has_huge_number(data):
    return any(_is_huge_number(value) for value in _values(data))


def malformed_request(request):
    """Why the request can't be from a browser using Concord's forms, or None."""
    if _has_nul(request.GET):
        return "the address contains a NUL character."
    if not _is_utf8(request.META.get("QUERY_STRING", "")):
        return "the address is not valid UTF-8."
    if any(len(value) > MAX_QUERY_VALUE_LENGTH for value in _values(request.GET)):
        return f"a value in the address is longer than {MAX_QUERY_VALUE_LENGTH} characters."
    if _has_huge_number(request.GET):
        return "a number in the address is too large."
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return None
    if _has_nul(request.POST):
        return "a form field contains a NUL character."
    if _has_huge_number(request.POST):
        return "a form field holds a number too large for any record."
    extra = request.POST.get(WORKFLOW_EXTRA_DATA)
    if extra is not None:
        try:
            value = json.loads(extra)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            return f"“{WORKFLOW_EXTRA_DATA}” must be a JSON object."
    return None


def _frames(exception):
    traceback = exception.__traceback__
    while traceback is not None:
        yield traceback.tb_frame.f_code
        traceback = traceback.tb_next


def _raised_reading_form_data(exception):
    return any(
        code.co_name in FORM_DATA_READERS
        or any(
            code.co_name == name and code.co_filename.endswith(path)
            for path, name in SUBMITTED_VALUE_LOOKUPS
        )
        for code in _frames(exception)
    )


def _search_syntax_error(exception):
    """SQLite's full-text search refusing the query (a double quote: wagtail/wagtail#13227).
    Raised inside modelsearch's SQLite backend, so it can't be a database outage."""
    return isinstance(exception, DatabaseError) and any(
        SQLITE_SEARCH_BACKEND in code.co_filename for code in _frames(exception)
    )


def _redirect_to_a_name(exception):
    """A ``NoReverseMatch`` from ``resolve_url``: a view redirected to a ``next`` the
    client sent, which is neither a URL nor a view name (Wagtail's login and workflow
    action views don't check it)."""
    return isinstance(exception, NoReverseMatch) and any(
        code.co_name == "resolve_url" for code in _frames(exception)
    )


class HostileInputMiddleware:
    """400 with a message, not a 500, for requests no browser of Concord's sends.

    * A NUL character in the query string or a form field (PostgreSQL can't even
      compare a string holding one, so any filter on it failed with a 500); a query
      value over 12,000 characters (SQLite's LIKE fails on them);
      a whole number beyond 64 bits anywhere (looked up as an id, it failed in the
      database driver); a query string that isn't UTF-8 (Django reads the bytes as
      U+FFFD, and Wagtail's SQLite search fails to parse those).
    * A ``next`` that is neither a URL nor a view name, which Wagtail's login and
      workflow-action views hand to ``redirect()`` (a ``NoReverseMatch``).
    * A search SQLite's full-text index can't parse (a ``"``), raised in modelsearch's
      SQLite backend: a 400 that says so, not the "database unavailable" 503.
    * Wagtail's editor posts ``workflow-action-extra-data`` as a JSON object; anything
      else made its edit views fail (``json.loads`` / ``**extra``).
    * An exception raised while a form's widgets read the POST
      (``value_from_datadict``): a StreamField ``-count`` that isn't a number, a
      missing ``-deleted``/``-type``/``-order``, rich text that isn't Draftail JSON, a
      chooser id that isn't a number (also when the chooser shows it again with the
      form's errors). Wagtail reads those fields without checking;
      only malformed requests get there (docs/decisions.md names the upstream issues).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = malformed_request(request)
        if problem is not None:
            logger.info("Refused a malformed request to %s: %s", request.path, problem)
            return bad_request(request, problem)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if _search_syntax_error(exception):
            logger.warning("Refused a search SQLite can't parse on %s: %s", request.path, exception)
            return bad_request(
                request,
                "this search can't be run: leave out quotation marks and other special characters.",
            )
        if _redirect_to_a_name(exception):
            logger.warning("Refused a redirect to %r from %s", str(exception)[:80], request.path)
            return bad_request(request, "the address to return to (“next”) is not valid.")
        if not isinstance(exception, MALFORMED_DATA_ERRORS):
            return None
        if not _raised_reading_form_data(exception):
            return None
        logger.warning(
            "Refused malformed form data posted to %s (%s: %s)",
            request.path,
            type(exception).__name__,
            exception,
        )
        return bad_request(
            request,
            "the form data is malformed (a field is missing or has a value of the wrong "
            "type), so nothing was saved. Reload the page and try again.",
        )


# Server-Timing ------------------------------------------------------------------------


def server_timing_allowed(request):
    """Whether ``request`` may see how long things took and what was cached."""
    if settings.DEBUG:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and (user.is_staff or user.is_superuser))


class ServerTimingMiddleware:
    """Send ``Server-Timing`` only with DEBUG or to staff.

    The library and the PDF views say whether a page or PDF was cached or built; a rep
    seeing that could tell whether a colleague already searched a query or downloaded
    a PDF. Views keep setting the header; this takes it off everyone else's responses
    and leaves its value on ``response.server_timing`` for in-process callers (tests,
    ``bench/pdf.py``), which is never sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        timing = response.headers.get("Server-Timing")
        if timing is not None and not server_timing_allowed(request):
            del response["Server-Timing"]
            response.server_timing = timing
        return response
