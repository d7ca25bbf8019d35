"""The fast path for cached item PDFs: the second download of the same content.

A cached one-pager costs about 1 ms in ``assets.pdf.views``; the rest of a normal
request is Wagtail's site lookup and page routing, page privacy, the library's
visibility check. ``CachedPdfMiddleware`` (right after ``AuthenticationMiddleware``)
skips all of that for a URL the same *audience* was already served:

* a GET or HEAD whose path ends in ``/pdf/``, from a signed-in user with a library
  role (every other request pays one string comparison);
* a *route entry* in the cache under ``freshness.key("pdf-route", user=…,
  parts=[host, full path])`` — the content version, today's date, the audience
  (superuser, or the sorted group names) and the URL, query string included;
* the PDF bytes still in the PDF cache.

Then the answer is the PDF (or a 304) with the headers the slow path sent, the usage
event the slow path records, and ``Server-Timing: pdf;dur=…;desc="fast-cached"``
(``"fast-revalidated"`` for a 304). Otherwise the request goes through the normal
stack untouched.

Route entries are made only by the slow path: ``assets.pdf.views.item_pdf`` offers
one (``views.offer_route``) after it served an item with every check passed — Wagtail's
page privacy, the library role, ``selectors.item_is_visible``. The middleware stores
it with the final response's headers, under the key it computed *before* the slow
path ran: a change committed meanwhile has moved the version on, so an entry made
from older checks is never read. Why this is safe: ``docs/pdfs.md``.
"""

import time

from django.core.cache import cache
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from assets import services
from assets.models import LibraryItemPage, UsageEvent
from assets.pdf import render, views
from cms import freshness
from cms.publication import viewer_of

PATH_SUFFIX = "/pdf/"
NAMESPACE = "pdf-route"
ROUTE_TIMEOUT = 60 * 60 * 24  # the date in the key moves on at midnight anyway

# Headers the fast path writes itself for each answer; every other header of the slow
# path's response (Cache-Control, Vary, ETag, Last-Modified, X-Frame-Options, …) is
# kept in the entry and repeated as it was.
OWN_HEADERS = frozenset(
    {"content-type", "content-disposition", "content-length", "server-timing", "expires"}
)


def route_key(request):
    """The route entry's cache key for this request, or None if the fast path doesn't
    apply to this user (anonymous, or no library role: the slow path answers)."""
    viewer = viewer_of(request)
    if not viewer.can_use_library:
        return None
    # The full URL: a variant asked for by query string (a personalised PDF, say) must
    # never be answered with the entry of another.
    return freshness.key(
        NAMESPACE, user=viewer, parts=[request.get_host(), request.get_full_path()]
    )


class CachedPdfMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.endswith(PATH_SUFFIX) or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        started = time.perf_counter()
        key = route_key(request)
        if key is not None:
            entry = cache.get(key)
            if entry is not None:
                response = serve(request, entry, started=started)
                if response is not None:
                    return response
        response = self.get_response(request)
        if key is not None:
            remember(request, response, key)
        return response


def serve(request, entry, *, started):
    """Answer from ``entry`` (a 304, or the PDF from the PDF cache), or None."""
    response = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=None
    )
    if response is not None:
        # A 412 (If-Match…) is left to the slow path; a 304 needs the PDF still cached.
        if response.status_code != 304 or not render.is_cached(entry["key"]):
            return None
        outcome = "fast-revalidated"
    else:
        content = render.cached_pdf(entry["key"])
        if content is None:
            return None
        response = views.pdf_file_response(content, entry["filename"])
        outcome = "fast-cached"
    for name, value in entry["headers"].items():
        response[name] = value
    if entry["never_cache"]:
        response["Expires"] = http_date()  # what add_never_cache_headers writes
    if response.status_code == 200:
        # As ``assets.views.item_pdf``: a delivered PDF is a download; a 304 is not.
        services.usage_record(
            user=request.user,
            kind=UsageEvent.Kind.DOWNLOAD,
            page=LibraryItemPage(pk=entry["page_id"]),
        )
    return views.timed(response, started, outcome)


def remember(request, response, key):
    """Store the route entry the slow path offered, with its response's headers."""
    offered = views.offered_route(request)
    if offered is None or response.status_code not in (200, 304) or response.streaming:
        return
    headers = {name: value for name, value in response.items() if name.lower() not in OWN_HEADERS}
    entry = {**offered, "headers": headers, "never_cache": response.has_header("Expires")}
    cache.set(key, entry, ROUTE_TIMEOUT)
