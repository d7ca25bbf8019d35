"""PDF downloads: one library item, a call pack, and a staff preview of a draft.

Routed from the library pages (``LibraryItemPage`` ``pdf/`` and ``LibraryIndexPage``
``pack.pdf``, through ``assets.views``) and from Wagtail's preview (mode ``pdf``).
Each view checks the library role and the library's visibility rules itself, so reps
only ever get approved, live, unexpired content whatever routes here.

Responses carry an ETag (the content key) and Last-Modified; a conditional request
for an unchanged PDF gets a 304 without touching the PDF cache. The file name says
what it is: ``CARD-OP-2026-0042-v3-cardiac-rehab-one-pager.pdf``.

After serving an item (200 or 304) with every check passed, ``item_pdf`` offers a
*route entry* (``offer_route``) that the fast path's middleware (``assets.pdf.fast``)
stores, so that the same audience's next request for that URL is answered before
Wagtail's routing.
"""

import logging
import time
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.views.decorators.http import require_safe

from assets import selectors
from assets.filters import CallContext, InvalidFilter
from assets.pdf import render
from assets.pdf.documents import ItemDocument, KitDocument, PackDocument, last_modified_http
from cms import roles
from cms.publication import viewer_of

logger = logging.getLogger(__name__)


@require_safe
def item_pdf(request, page):
    """The PDF of one library item, as reps may see it (its live, approved version)."""
    started = time.perf_counter()
    denied = _check_library_user(request)
    if denied is not None:
        return denied
    page = page.specific
    if not selectors.item_is_visible(page, viewer_of(request)):
        raise Http404("This item isn't available in the library.")
    return _pdf_response(
        request, ItemDocument(page, user=viewer_of(request)), started=started, route=True
    )


@require_safe
def pack_pdf(request, library_page):
    """The call pack for ``?service_line=…&stage=…&segment=…`` (slugs)."""
    started = time.perf_counter()
    denied = _check_library_user(request)
    if denied is not None:
        return denied
    params = CallContext.chosen(request.GET)
    missing = [CallContext.LABELS[name] for name, value in params.items() if not value]
    if missing:
        return _problem(
            request,
            library_page,
            status=400,
            title="Choose what the call pack is for",
            message="A call pack is for one service line, one journey stage and one "
            f"segment. Missing: {', '.join(missing)}.",
        )
    try:
        call = CallContext.parse(params)
    except InvalidFilter as error:
        return _problem(
            request,
            library_page,
            status=400,
            title="We can't build that call pack",
            message=str(error),
        )
    document = PackDocument.build(
        user=request.user,
        viewer=viewer_of(request),
        context=call,
    )
    if document.is_empty:
        return _problem(
            request,
            library_page,
            status=404,
            title=f"No call pack for {document.combination} yet",
            message="Nothing approved is tagged for this service line, stage and segment, "
            "so there is nothing to put in a pack.",
            missing=document.missing(),
            library_query=urlencode(call.as_query()),
            request_query=urlencode({**call.as_query(), "source": "pack"}),
            pack=document.pack,
        )
    response = _pdf_response(request, document, started=started)
    # What the caller records as used, without building the pack a second time.
    response.call_pack = document.pack
    return response


def kit_pdf(request, library_page, items):
    """A rep's call kit (the items they starred and may see) as one PDF; a 404 page
    that says how to fill it when it is empty."""
    started = time.perf_counter()
    denied = _check_library_user(request)
    if denied is not None:
        return denied
    if not items:
        return _problem(
            request,
            library_page,
            status=404,
            title="Your call kit is empty",
            message="Star the items you use on calls (the ☆ on each item's page); "
            "they make up your call kit.",
        )
    document = KitDocument(items=items, user=request.user, viewer=viewer_of(request))
    return _pdf_response(request, document, started=started)


def preview_pdf(request, page):
    """Staff only: the page as edited (a draft), rendered with a DRAFT watermark.

    Used by Wagtail's preview (``preview_modes``), which has already checked that the
    user may edit the page. Never cached, never offered to reps.
    """
    if not roles.is_staff_editor(request.user):
        raise PermissionDenied
    document = ItemDocument(page, user=request.user, draft=True)
    try:
        content = render.render_pdf(
            document.html(), base_url=render.default_base_url(), name=document.filename()
        )
    except render.PdfError as error:
        logger.exception("Draft PDF preview failed for page %s", page.pk)
        return _render_failure(request, None, error)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, document.filename())
    patch_cache_control(response, private=True, no_cache=True, no_store=True)
    return response


# --- Helpers ---------------------------------------------------------------------------


def _check_library_user(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not viewer_of(request).can_use_library:
        raise PermissionDenied
    return None


def _pdf_response(request, document, *, started, route=False):
    """Serve ``document`` from the PDF cache (rendering it once if needed), or a 304.

    ``Server-Timing`` says how long this view took and whether the PDF was cached.
    ``route``: an item served to a user who passed every check — offer the fast path
    a route entry for this URL (``offer_route``).
    """
    key = document.key()
    etag = quote_etag(key)
    last_modified = last_modified_http(document.last_modified())
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=None
    )
    if not_modified is not None:
        response, outcome = not_modified, "revalidated"
    else:
        content, outcome = render.cached_pdf(key), "cached"
        if content is None:
            outcome = "rendered"
            try:
                content = render.get_or_render(
                    key=key,
                    build_html=document.html,
                    dependencies=document.dependencies(),
                    name=document.filename(),
                )
            except render.PdfError as error:
                logger.exception("PDF render failed: %s (%s)", document.filename(), key)
                return _render_failure(request, document, error)
        response = pdf_file_response(content, document.filename())
    if route and response.status_code in (200, 304):
        offer_route(request, document, key=key, etag=etag, last_modified=last_modified)
    return timed(with_validators(response, etag, last_modified), started, outcome)


# The route entry an item download offers the fast path, kept on the request until
# its middleware stores it with the final response's headers.
_ROUTE_OFFER = "_concord_pdf_route"


def offer_route(request, document, *, key, etag, last_modified):
    """Called after serving ``document`` (an item, 200 or 304) to a user who passed
    every check; the fast path's middleware stores the entry."""
    setattr(
        request,
        _ROUTE_OFFER,
        {
            "key": key,
            "etag": etag,
            "last_modified": last_modified,
            "filename": document.filename(),
            "page_id": document.page.pk,
        },
    )


def offered_route(request):
    """The route entry this request's download offered, or None."""
    return getattr(request, _ROUTE_OFFER, None)


def pdf_file_response(content, filename):
    """The PDF as a download (also used by ``assets.pdf.fast``)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    return response


def timed(response, started, outcome):
    elapsed = (time.perf_counter() - started) * 1000
    response["Server-Timing"] = f'pdf;dur={elapsed:.2f};desc="{outcome}"'
    return response


def with_validators(response, etag, last_modified):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    # Personal material: browsers may keep it but must revalidate; shared caches never.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _render_failure(request, document, error):
    timed_out = isinstance(error, render.PdfRenderTimeout)
    response = TemplateResponse(
        request,
        "pdf/problem.html",
        {
            "title": "The PDF couldn't be prepared",
            "message": (
                "It is taking longer than it should. Try again in a minute."
                if timed_out
                else "Something went wrong while preparing it. The team has been told; "
                "try again later, or read the item in the library meanwhile."
            ),
            "filename": document.filename() if document is not None else "",
        },
        status=503 if timed_out else 500,
    )
    if timed_out:
        response["Retry-After"] = "30"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _problem(request, library_page, *, status, title, message, **extra):
    response = TemplateResponse(
        request,
        "pdf/problem.html",
        {
            "page": library_page,
            "library": library_page,
            "title": title,
            "message": message,
            **extra,
        },
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
