"""The rep library's views. Routed from the library pages (``assets.models``).

Wagtail's page privacy already sent anonymous visitors to the login page before any
of these run; each view checks the library role again, so a page moved out of the
restricted tree still isn't open to everyone.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from assets import cards, selectors, services
from assets.cards import render_cards
from assets.filters import (
    MAX_QUERY_LENGTH,
    SORTS,
    CallContext,
    InvalidFilter,
    Taxonomy,
    parse_library_filters,
)
from assets.forms import CallLogForm, ContentRequestForm, ObjectionLogForm
from assets.models import (
    CallOutcome,
    ContentRequestAsk,
    EnablementAssetPage,
    Favourite,
    TalkTrackPage,
    UsageEvent,
)
from assets.models.library import Kind, Purpose
from assets.packs import call_pack
from assets.pdf import views as pdf_views
from cms import freshness
from cms.publication import viewer_of
from glossary import selectors as glossary_selectors
from glossary import views as glossary_views

PAGE_SIZE = 20
# A filtered listing reads all its ids at once up to this many (``paginate``).
NARROWED_IDS = 5000
USED_RESULTS_SECONDS = 5 * 60  # "most used" order changes with every view
KIT_STRIP = 6  # starred items shown first on the library page


def private(response):
    """Library responses are personal: never kept by shared caches."""
    patch_cache_control(response, private=True, no_cache=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def require_library_user(request):
    if not request.user.is_authenticated:
        raise Http404  # page privacy redirects first; this is only a safety net
    if not viewer_of(request).can_use_library:
        raise PermissionDenied


def _safe_next(request, url, fallback):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def paginate(results, number, per_page=PAGE_SIZE, *, narrowed=False, fields=None):
    """One page of ``results`` (a queryset or search results) and its paginator.

    Any ``number`` gives a page: not a number → the first, past the end → the last.
    ``narrowed``: the caller filtered the listing, so it usually holds a few thousand
    items at most; then one query reads all their ids in order (the count is their
    number, the page a slice), which costs less than a COUNT plus a sorted page. An
    unfiltered listing walks the newest-first index for one page and counts apart.
    Either way the page's rows are then read by id (only ``fields`` of them, if given).
    """
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    paginator = Paginator(results, per_page)
    if not isinstance(results, QuerySet):
        return paginator.get_page(number)
    ids = None
    if narrowed:
        ids = list(results.values_list("pk", flat=True)[: NARROWED_IDS + 1])
        if len(ids) > NARROWED_IDS:
            ids = None
        else:
            paginator.count = len(ids)  # a cached_property: no COUNT query
    number = min(number, paginator.num_pages)
    offset = (number - 1) * per_page
    if ids is None:
        page_ids = list(results.values_list("pk", flat=True)[offset : offset + per_page])
    else:
        page_ids = ids[offset : offset + per_page]
    rows = results.model._default_manager.all()
    if fields:
        rows = rows.only(*fields)
    by_pk = rows.in_bulk(page_ids)
    return Page([by_pk[pk] for pk in page_ids if pk in by_pk], number, paginator)


def _base_context(request, library, nav_current=""):
    return {
        "page": library,
        "self": library,
        "request": request,
        "library": library,
        "nav_current": nav_current,
    }


# The index -----------------------------------------------------------------------------


def library_index(request, library):
    started = time.perf_counter()
    require_library_user(request)
    current = freshness.version()
    taxonomy = Taxonomy.load(current=current)
    context = _base_context(request, library, "library")
    context.update(
        taxonomy=taxonomy,
        kinds=Kind.choices,
        sorts=SORTS,
        paused_lines=taxonomy.paused_service_lines,
        max_query_length=MAX_QUERY_LENGTH,
    )
    status = 200
    try:
        filters = parse_library_filters(request.GET, taxonomy=taxonomy)
    except InvalidFilter as error:
        filters = None
        context.update(
            filter_error=str(error),
            raw=request.GET,
            filter_fields=_filter_fields(taxonomy, None, request.GET),
        )
        status = 400
    if filters is not None:
        query = filters.as_query()
        context.update(
            filters=filters,
            raw=query,
            query_string=urlencode(query),
            pack_query=urlencode(
                {name: query[name] for name in CallContext.FIELDS if name in query}
            ),
        )
        context["results_html"], outcome = library_results_html(
            request, library, filters, taxonomy, context, current=current
        )
        context["kit"] = selectors.call_kit(viewer_of(request), limit=KIT_STRIP)
        counts = library_facets(request, library, filters, taxonomy, current=current)
        context["filter_fields"] = _filter_fields(taxonomy, counts, query)
        _record_lookup(request, filters.call_context)
    response = TemplateResponse(request, library.template, context, status=status)
    if filters is not None:
        elapsed = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f'results;dur={elapsed:.2f};desc="{outcome}"'
    return private(response)


FILTER_FIELDS = (
    ("service_line", "library-service-line", "Service line", "All service lines"),
    ("stage", "library-stage", "Stage", "All stages"),
    ("segment", "library-segment", "Buyer", "All buyers"),
    ("kind", "library-kind", "Kind", "All kinds"),
)


def _filter_fields(taxonomy, counts, raw):
    """The filters' selects: name, id, label, the "all" option, the options as
    ``(value, label, count)`` and the selected value. ``count`` is None when there are
    no counts (a request whose filters couldn't be used)."""
    options = _filter_options(taxonomy, counts)
    return [
        {
            "name": name,
            "id": field_id,
            "label": label,
            "all": all_label,
            "options": options[name],
            "selected": raw.get(name, ""),
        }
        for name, field_id, label, all_label in FILTER_FIELDS
    ]


def _filter_options(taxonomy, counts):
    def count(facet, key):
        return None if counts is None else counts[facet].get(key, 0)

    return {
        "service_line": [
            (
                line.slug,
                f"{line.name} (paused)" if line.is_paused else line.name,
                count("service_line", line.pk),
            )
            for line in taxonomy.service_lines
        ],
        "stage": [(stage.slug, stage.name, count("stage", stage.pk)) for stage in taxonomy.stages],
        "segment": [
            (segment.slug, str(segment), count("segment", segment.pk))
            for segment in taxonomy.segments
        ],
        "kind": [(value, label, count("kind", value)) for value, label in Kind.choices],
    }


def library_facets(request, library, filters, taxonomy, *, current):
    """The filter options' counts (``selectors.facet_counts``) as option labels' numbers:
    ``{"service_line": {slug: n}, ...}``. Cached like the results, per audience and
    filter set, under the content version."""
    key = freshness.key(
        "facets",
        user=viewer_of(request),
        parts=[request.get_host(), library.pk, sorted(filters.as_query().items())],
        current=current,
    )
    facets = cache.get(key)
    if facets is None:
        facets = selectors.facet_counts(viewer_of(request), filters, taxonomy=taxonomy)
        timeout = settings.CONCORD_LIBRARY_CACHE_SECONDS
        if timeout > 0:
            cache.set(key, facets, timeout)
    return facets


def library_results_html(request, library, filters, taxonomy, context, *, current):
    """The rendered results (count, cards, pagination) and ``"cached"`` or ``"built"``.

    Cached per audience, filter set and page number under a key that moves on with
    every publish, withdrawal, stamp, expiry, privacy or taxonomy change and at
    midnight (``cms.freshness``), so a cached page never shows what the user may no
    longer see. Sorting by use changes with every view, so that order is kept briefly.
    """
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        number = 1
    key = freshness.key(
        "results",
        user=viewer_of(request),
        parts=[request.get_host(), library.pk, sorted(filters.as_query().items()), number],
        current=current,
    )
    html = cache.get(key)
    if html is not None:
        return html, "cached"
    results = selectors.library_items(user=viewer_of(request), filters=filters)
    page_obj = paginate(results, number, narrowed=filters.is_filtered, fields=cards.KEY_FIELDS)
    nearest = None
    if filters.call_context is not None and not filters.q and not page_obj.object_list:
        # An empty call: offer the nearest approved material, and say how near it is.
        nearest = selectors.nearest_items(
            viewer_of(request), filters.call_context, taxonomy=taxonomy
        )
    html = render_to_string(
        "library/includes/results.html",
        {
            **context,
            "page_obj": page_obj,
            "cards": render_cards(page_obj.object_list, taxonomy, request=request),
            "matched_any_word": getattr(results, "matched_any_word", False),
            "synonyms": getattr(results, "synonyms", []),
            "nearest": nearest,
        },
        request=request,
    )
    timeout = settings.CONCORD_LIBRARY_CACHE_SECONDS
    if filters.effective_sort == "used":
        timeout = min(timeout, USED_RESULTS_SECONDS)
    # A page number past the end shows the last page; it isn't kept under its own key,
    # so made-up page numbers can't fill the cache.
    if timeout > 0 and page_obj.number == number:
        cache.set(key, html, timeout)
    return html, "built"


def _record_lookup(request, call):
    """A rep looked up one call (the first page of it): counted on the coverage map."""
    if call is None or request.GET.get("page", "1") not in ("", "1"):
        return
    services.usage_record(
        user=request.user,
        kind=UsageEvent.Kind.SEARCH,
        service_line=call.service_line,
        stage=call.stage,
        segment=call.segment,
    )


# Before your call ----------------------------------------------------------------------


def before_your_call(request, library):
    require_library_user(request)
    taxonomy = Taxonomy.load()
    context = _base_context(request, library, "call")
    context.update(taxonomy=taxonomy, raw=request.GET, pack=None)
    status = 200
    chosen = CallContext.chosen(request.GET)
    if all(chosen.values()):
        try:
            call = CallContext.parse(chosen, taxonomy=taxonomy)
        except InvalidFilter as error:
            context["filter_error"] = str(error)
            status = 400
        else:
            pack = call_pack(user=viewer_of(request), context=call)
            context.update(
                pack=pack,
                nearest=None
                if pack.items
                else selectors.nearest_items(viewer_of(request), call, taxonomy=taxonomy),
                pack_query=urlencode(call.as_query()),
                log_next=request.get_full_path(),
                request_link=request_url(
                    library,
                    context=call,
                    source=ContentRequestAsk.Source.CALL,
                    next_url=request.get_full_path(),
                ),
            )
            _record_lookup(request, call)
    elif any(chosen.values()):
        context["filter_error"] = (
            "Choose a service line, a stage and a buyer to see your call plan."
        )
    response = TemplateResponse(request, "library/before_your_call.html", context, status=status)
    return private(response)


# Logging an objection --------------------------------------------------------------------


def objection_log(request, library):
    require_library_user(request)
    taxonomy = Taxonomy.load()
    fallback = library.get_url(request=request)
    if request.method == "POST":
        form = ObjectionLogForm(request.POST, taxonomy=taxonomy)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection, created = services.objection_log(
                    user=request.user,
                    verbatim=data["verbatim"],
                    service_line=data["service_line"],
                    stage=data["stage"],
                    segment=data["segment"],
                    category=data["category"],
                )
            except ValidationError as error:  # the form shows it, with what was typed
                form.add_error(None, error)
            else:
                if created:
                    messages.success(
                        request,
                        "Thanks — objection logged. Marketing reviews new objections every month.",
                    )
                else:
                    messages.success(
                        request,
                        f"Thanks — counted. This objection has now been heard "
                        f"{objection.times_heard} times.",
                    )
                return redirect(_safe_next(request, data.get("next"), fallback))
    elif request.method == "GET":
        initial = {name: request.GET.get(name, "") for name in (*CallContext.FIELDS, "verbatim")}
        initial["next"] = _safe_next(request, request.GET.get("next"), "")
        form = ObjectionLogForm(initial=initial, taxonomy=taxonomy)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    context = _base_context(request, library, "objection")
    context.update(form=form, back_url=_safe_next(request, form["next"].value(), fallback))
    return private(TemplateResponse(request, "library/objection_log.html", context))


# Content requests ----------------------------------------------------------------------------


def request_url(library, *, context=None, kind="", source="", next_url=""):
    """The link to ask for material, with the call (a ``CallContext`` or a mapping of
    slugs), kind, where the rep was and where to come back to prefilled."""
    params = {}
    if context is not None:
        query = context.as_query() if hasattr(context, "as_query") else context
        params.update({name: query[name] for name in CallContext.FIELDS if query.get(name)})
    if kind:
        params["kind"] = kind
    if source:
        params["source"] = source
    if next_url:
        params["next"] = next_url
    base = f"{library.url}requests/new/"
    return f"{base}?{urlencode(params)}" if params else base


def content_request(request, library):
    """Ask marketing for material: GET the form (prefilled), POST counts or creates."""
    require_library_user(request)
    taxonomy = Taxonomy.load()
    fallback = f"{library.get_url(request=request)}requests/"
    if request.method == "POST":
        form = ContentRequestForm(request.POST, taxonomy=taxonomy)
        if form.is_valid():
            data = form.cleaned_data
            try:
                content_request_obj, counted = services.content_request_ask(
                    user=request.user,
                    service_line=data["service_line"],
                    stage=data["stage"],
                    segment=data["segment"],
                    kind=data["kind"],
                    note=data["note"],
                    source=data["source"] or ContentRequestAsk.Source.OTHER,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                need = content_request_obj.need
                others = content_request_obj.times_requested - 1
                if not counted:
                    messages.info(
                        request, f"You already asked for {need}. We'll e-mail you when it's ready."
                    )
                elif others:
                    messages.success(
                        request,
                        f"Thanks — counted. {others} other rep{'s' if others > 1 else ''} "
                        f"asked for {need} too; we'll e-mail you when it's published.",
                    )
                else:
                    messages.success(
                        request,
                        f"Thanks — marketing has your request for {need}. "
                        "We'll e-mail you when it's published.",
                    )
                return redirect(_safe_next(request, data.get("next"), fallback))
        status = 400 if form.errors else 200
    elif request.method == "GET":
        initial = {
            name: request.GET.get(name, "") for name in (*CallContext.FIELDS, "kind", "source")
        }
        initial["next"] = _safe_next(request, request.GET.get("next"), "")
        form = ContentRequestForm(initial=initial, taxonomy=taxonomy)
        status = 200
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    context = _base_context(request, library, "requests")
    context.update(form=form, back_url=_safe_next(request, form["next"].value(), fallback))
    return private(TemplateResponse(request, "library/request_form.html", context, status=status))


def my_requests(request, library):
    """The rep's own requests: open ones, and done ones with the item that answers them."""
    require_library_user(request)
    viewer = viewer_of(request)
    asks = list(
        ContentRequestAsk.objects.filter(user=request.user)
        .select_related(
            "request__service_line", "request__stage", "request__segment", "request__fulfilled_by"
        )
        .order_by("-asked_at")[:100]
    )
    answers = {ask.request.fulfilled_by_id for ask in asks if ask.request.fulfilled_by_id}
    visible = set(
        selectors.visible_library_items(viewer).filter(pk__in=answers).values_list("pk", flat=True)
    )
    for ask in asks:
        item = ask.request.fulfilled_by
        ask.answer = item if item is not None and item.pk in visible else None
    context = _base_context(request, library, "requests")
    context.update(asks=asks, new_url=request_url(library))
    return private(TemplateResponse(request, "library/my_requests.html", context))


# Items ---------------------------------------------------------------------------------------


def _check_item(request, item):
    require_library_user(request)
    if not selectors.item_is_visible(item, viewer_of(request)):
        raise Http404("This item isn't available in the library.")


def item_detail(request, item):
    is_preview = getattr(request, "is_preview", False)
    if not is_preview:
        _check_item(request, item)
    viewer = viewer_of(request)
    paused = [line for line in item.service_lines.all() if line.is_paused]
    context = {
        "paused_lines": paused,
        "booking_paused": bool(paused) and item.purpose == Purpose.BOOKING,
        "library": item.get_parent(),
        "pdf_url": item.get_pdf_url(request=request),
    }
    if isinstance(item, EnablementAssetPage):
        context["attachments"] = selectors.visible_attachments(item, viewer)
        # A new page previewed before its first save has no row for objections to link to.
        context["objections"] = (
            list(selectors.visible_objections(viewer).filter(linked_assets__asset=item).distinct())
            if item.pk
            else []
        )
    elif isinstance(item, TalkTrackPage):
        objections, assets = selectors.talk_track_links(item, viewer)
        context.update(
            linked_objections=objections,
            linked_assets=assets,
            log_form=ObjectionLogForm(
                initial={
                    "service_line": getattr(item.service_line, "slug", ""),
                    "stage": getattr(item.stage, "slug", ""),
                    "segment": getattr(item.segment, "slug", ""),
                    "next": item.get_url(request=request),
                },
                taxonomy=Taxonomy.load(),
            ),
        )
    if not is_preview:
        context["starred"] = selectors.is_starred(viewer, item)
        context["star_url"] = f"{item.get_url(request=request)}star/"
        services.usage_record(user=request.user, kind=UsageEvent.Kind.VIEW, page=item)
    response = item.render(request, context_overrides=context)
    return response if is_preview else private(response)


def item_pdf(request, item):
    # The PDF view applies the library's checks itself (once): signed in, library role,
    # visible to this viewer.
    response = pdf_views.item_pdf(request, item)
    if response.status_code == 200:
        services.usage_record(user=request.user, kind=UsageEvent.Kind.DOWNLOAD, page=item)
    return private(response)


def attachment_download(request, asset, attachment_id):
    _check_item(request, asset)
    for attachment in selectors.visible_attachments(asset, viewer_of(request)):
        if attachment.pk == attachment_id:
            services.usage_record(user=request.user, kind=UsageEvent.Kind.DOWNLOAD, page=asset)
            # The document view checks the collection's privacy again.
            return private(redirect(attachment.document.url))
    raise Http404("No such file.")


def pack_pdf(request, library):
    """The call-pack PDF (``assets.pdf.views.pack_pdf`` validates the parameters);
    a pack that was delivered is recorded as usage of every item in it."""
    require_library_user(request)
    response = pdf_views.pack_pdf(request, library)
    pack = getattr(response, "call_pack", None)
    if response.status_code == 200 and pack is not None:
        services.usage_record_pack(user=request.user, pack=pack)
    return private(response)


# Call outcomes -------------------------------------------------------------------------------


def call_log(request, library):
    """Record a call in under 30 seconds: the call comes prefilled (from "Before your
    call" or a pack), then the buyer's status, the material used and what was heard."""
    require_library_user(request)
    taxonomy = Taxonomy.load()
    viewer = viewer_of(request)
    source = request.POST if request.method == "POST" else request.GET
    try:
        call = CallContext.parse(CallContext.chosen(source), taxonomy=taxonomy)
    except InvalidFilter:
        call = None
    items = selectors.call_item_choices(viewer, call)
    fallback = f"{library.get_url(request=request)}calls/"
    if request.method == "POST":
        form = CallLogForm(request.POST, taxonomy=taxonomy, items=items)
        if form.is_valid():
            data = form.cleaned_data
            outcome = services.call_log(
                user=request.user,
                service_line=data["service_line"],
                stage=data["stage"],
                segment=data["segment"],
                status=data["status"],
                items=data["items"],
                objections=data["objections"],
                notes=data["notes"],
            )
            messages.success(request, f"Call logged: the buyer is now “{outcome.status}”.")
            return redirect(_safe_next(request, data.get("next"), fallback))
        status = 400
    elif request.method == "GET":
        initial = {name: request.GET.get(name, "") for name in CallContext.FIELDS}
        initial["items"] = request.GET.getlist("items")
        initial["next"] = _safe_next(request, request.GET.get("next"), "")
        form = CallLogForm(initial=initial, taxonomy=taxonomy, items=items)
        status = 200
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    context = _base_context(request, library, "calls")
    context.update(
        form=form, call=call, back_url=_safe_next(request, form["next"].value(), fallback)
    )
    return private(TemplateResponse(request, "library/call_log.html", context, status=status))


def my_calls(request, library):
    """The rep's own logged calls, newest first."""
    require_library_user(request)
    calls = (
        CallOutcome.objects.filter(user=request.user)
        .select_related("service_line", "stage", "segment", "status")
        .prefetch_related("items", "objections")[:50]
    )
    context = _base_context(request, library, "calls")
    context.update(calls=calls, new_url=f"{library.get_url(request=request)}calls/new/")
    return private(TemplateResponse(request, "library/my_calls.html", context))


# My call kit ---------------------------------------------------------------------------------


def item_star(request, item):
    """POST: star (``action=add``, the default) or unstar (``action=remove``) an item;
    back to a same-site ``next`` or the item."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _check_item(request, item)
    if request.POST.get("action") == "remove":
        Favourite.objects.filter(user=request.user, item=item).delete()
        messages.success(request, f"Removed “{item.title}” from My call kit.")
    else:
        Favourite.objects.get_or_create(user=request.user, item=item)
        messages.success(request, f"Added “{item.title}” to My call kit.")
    fallback = item.get_url(request=request)
    return private(redirect(_safe_next(request, request.POST.get("next"), fallback)))


def call_kit(request, library):
    """``/library/kit/``: the items the rep starred (and may still see), newest first,
    with the kit as one PDF."""
    require_library_user(request)
    items = selectors.attach_taxonomy(selectors.call_kit(viewer_of(request)), request=request)
    context = _base_context(request, library, "kit")
    context.update(items=items, kit_path=request.get_full_path())
    return private(TemplateResponse(request, "library/call_kit.html", context))


def call_kit_pdf(request, library):
    require_library_user(request)
    items = selectors.call_kit(viewer_of(request))
    response = pdf_views.kit_pdf(request, library, items)
    if response.status_code == 200:
        services.usage_record_downloads(user=request.user, pages=items)
    return private(response)


def glossary_index(request, library):
    """``/library/glossary/``: the service lines that have a glossary (the navigation's
    "Glossary" link), each linking to its glossary page."""
    require_library_user(request)
    context = _base_context(request, library, "glossary")
    context["glossary_service_lines"] = list(glossary_selectors.service_lines_with_glossary())
    return private(TemplateResponse(request, "library/glossary_index.html", context))


def service_line_glossary(request, library, slug):
    require_library_user(request)
    return private(glossary_views.service_line_glossary(request, library, slug))
