"""Share links, for the buyer (``/s/<token>/``) and for the rep (``/shares/``).

Buyers need no account. Everything a buyer's request can reach is in this module's
first half: the page and its PDF, each answering a plain 404 for a token that isn't
one, 410 for a link that no longer serves anything, and nothing that leads elsewhere
in Concord. The rep's side (make a share, see "My shares", revoke) follows.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from assets.models import LibraryItemPage
from assets.pdf import render as pdf_render
from assets.pdf import views as pdf_views
from cms import freshness
from cms.publication import Viewer, viewer_of
from shares import rendering, services
from shares.forms import ShareForm
from shares.models import SenderProfile, Share, ShareOpen

# Strict: the page loads its own stylesheet and embedded images, and nothing else.
BUYER_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
CACHE_SECONDS = 24 * 60 * 60


def _buyer_headers(response):
    response["Content-Security-Policy"] = BUYER_POLICY
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    # The token is the key to the page: never send it to another site as a referrer.
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _not_found(request):
    """The same plain answer for every token that isn't one: no site navigation."""
    response = TemplateResponse(request, "shares/not_found.html", {}, status=404)
    return _buyer_headers(response.render())


def _share_or_refusal(request, token):
    if request.method not in ("GET", "HEAD"):
        return None, _buyer_headers(HttpResponseNotAllowed(["GET", "HEAD"]))
    share = services.find(token)
    if share is None:
        return None, _not_found(request)
    return share, None


def _gone(request, state):
    response = TemplateResponse(
        request, "shares/gone.html", rendering.gone_context(state), status=410
    )
    return _buyer_headers(response.render())


def _cache_key(namespace, share):
    """Where what a share serves is kept. Everything that changes it moves the content
    version or the date on (``cms.freshness.key``), except the rep's contact details,
    which are part of the key; revocation and the link's expiry are checked before."""
    parts = [share.pk, *services.sender_contact(share.created_by)]
    return freshness.key(namespace, user=Viewer.anonymous(), parts=parts)


@csrf_exempt  # nothing but GET and HEAD is answered, so other methods get a plain 405
def buyer_page(request, token):
    share, refused = _share_or_refusal(request, token)
    if refused:
        return refused
    if share.is_revoked or share.has_expired():
        return _gone(request, services.ShareState(share=share))
    key = _cache_key("share-page", share)
    cached = cache.get(key)
    if cached is None:
        state = services.share_state(share)
        if not state.is_active:
            cached = (410, None)
        else:
            html = render_to_string(
                "shares/share.html", rendering.page_context(state), request=request
            )
            cached = (200, html)
        cache.set(key, cached, CACHE_SECONDS)
    status, html = cached
    if status == 410:
        return _gone(request, services.ShareState(share=share))
    if request.method == "GET":
        services.record_open(share, ShareOpen.Kind.PAGE)
    return _buyer_headers(HttpResponse(html))


@csrf_exempt
def buyer_pdf(request, token):
    share, refused = _share_or_refusal(request, token)
    if refused:
        return refused
    if share.is_revoked or share.has_expired():
        return _gone(request, services.ShareState(share=share))
    # Which PDF this share is now (its content key and file name), kept like the page;
    # the PDF bytes themselves are in the PDF cache under that content key.
    route_key = _cache_key("share-pdf", share)
    route = cache.get(route_key)
    content = pdf_render.cached_pdf(route[0]) if route and route[0] else None
    if route is not None and route[0] is None:
        return _gone(request, services.ShareState(share=share))
    if content is None:
        state = services.share_state(share)
        if not state.is_active:
            cache.set(route_key, (None, None), CACHE_SECONDS)
            return _gone(request, state)
        document = rendering.ShareDocument(state)
        try:
            key = document.key()
            content = pdf_render.get_or_render(
                key=key,
                build_html=document.html,
                dependencies=document.dependencies(),
                name=document.filename(),
            )
        except pdf_render.PdfError:
            response = TemplateResponse(
                request, "shares/pdf_problem.html", rendering.gone_context(state), status=503
            )
            response["Retry-After"] = "30"
            return _buyer_headers(response.render())
        route = (key, document.filename())
        cache.set(route_key, route, CACHE_SECONDS)
    if request.method == "GET":
        services.record_open(share, ShareOpen.Kind.PDF)
    return _buyer_headers(pdf_views.pdf_file_response(content, route[1]))


# The rep's side ---------------------------------------------------------------------


def _library_user(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not viewer_of(request).can_use_library:
        raise PermissionDenied
    return None


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def _picked_pages(source):
    ids = []
    # ``offered``: every item the form showed, ticked or not (so a form sent back with
    # an error still offers them all).
    for value in [*source.getlist("items"), *source.getlist("offered")]:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    by_id = LibraryItemPage.objects.in_bulk(ids[:50])
    return [by_id[pk] for pk in dict.fromkeys(ids) if pk in by_id]


@require_http_methods(["GET", "HEAD", "POST"])
def new_share(request):
    if (refused := _library_user(request)) is not None:
        return refused
    viewer = viewer_of(request)
    source = request.POST if request.method == "POST" else request.GET
    pages, refused_pages = services.shareable_choices(viewer, _picked_pages(source))
    if request.method != "POST":
        # A bundle: what the rep picked, ticked, then more from the same service lines.
        picked = pages
        pages = picked + services.more_to_share(viewer, picked)
    else:
        picked = None  # the form says what is ticked
    profile = SenderProfile.objects.filter(user=request.user).first()
    form = ShareForm(
        request.POST or None,
        pages=pages,
        picked=picked,
        initial={"phone": profile.phone if profile else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            share = services.create_share(
                user=request.user,
                viewer=viewer,
                pages=form.cleaned_data["items"],
                recipient=form.cleaned_data["recipient"],
                organisation=form.cleaned_data["organisation"],
                note=form.cleaned_data["note"],
                phone=form.cleaned_data["phone"],
            )
        except services.ShareRefused as refused:
            for name, message in refused.fields.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(
                request,
                f"Your link for {share.recipient} is ready. Copy it into your e-mail or CRM.",
            )
            return redirect("shares:detail", pk=share.pk)
    return _private(
        TemplateResponse(
            request,
            "shares/new.html",
            {"form": form, "refused_pages": refused_pages, "nav_current": "shares"},
            status=400 if request.method == "POST" else 200,
        )
    )


def my_shares(request):
    if (refused := _library_user(request)) is not None:
        return refused
    shares = services.shares_for(Share.objects.filter(created_by=request.user))[:200]
    viewer = viewer_of(request)
    rows = [(share, services.share_state(share, specific=False, sharer=viewer)) for share in shares]
    return _private(
        TemplateResponse(request, "shares/mine.html", {"rows": rows, "nav_current": "shares"})
    )


def _managed_share(request, pk):
    share = get_object_or_404(services.shares_for(Share.objects.all()), pk=pk)
    if not services.can_manage(request.user, share):
        raise Http404  # not "forbidden": another rep's share isn't there for you
    return share


def share_detail(request, pk):
    if (refused := _library_user(request)) is not None:
        return refused
    share = _managed_share(request, pk)
    state = services.share_state(share, specific=False)
    opens = share.opens.all()[:50]
    return _private(
        TemplateResponse(
            request,
            "shares/detail.html",
            {
                "share": share,
                "state": state,
                "opens": opens,
                "nav_current": "shares",
            },
        )
    )


@require_http_methods(["POST"])
def revoke_share(request, pk):
    if (refused := _library_user(request)) is not None:
        return refused
    share = _managed_share(request, pk)
    services.revoke(share, by=request.user)
    messages.success(request, f"The link for {share.recipient} no longer opens.")
    return redirect("shares:detail", pk=share.pk)
