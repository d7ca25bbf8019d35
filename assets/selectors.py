"""Reads for the rep library, its API and its reports.

The one rule everything here applies: a rep sees an item only when it is approved and
current (``cms.publication.current``) and not behind a page-privacy restriction the
viewer doesn't pass (``cms.publication.Viewer``). ``visible_library_items(viewer)`` is
that rule as a queryset; every listing, search, call pack and API answer starts from
it. Functions take a ``Viewer`` (a user is turned into one).
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from assets import freshness, search
from assets.models import (
    EnablementAssetPage,
    LibraryItemPage,
    Objection,
    TalkTrackPage,
    UsageEvent,
)
from assets.models.library import Kind, Purpose
from cms import publication
from cms.models import JourneyStage, Segment, ServiceLine
from cms.publication import Viewer

MAX_QUERY_LENGTH = 200
_NOT_SEARCHABLE = re.compile(r"[^\w'\-.]+")
POPULARITY_DAYS = 90
SORTS = {
    "relevance": "Best match",
    "newest": "Newest approval",
    "used": "Most used (90 days)",
}


class InvalidFilter(ValueError):
    """A library filter that can't be applied; the message is shown to the user."""


# Taxonomy --------------------------------------------------------------------------


TAXONOMY_CACHE_KEY = "assets:taxonomy"
TAXONOMY_CACHE_SECONDS = 60 * 60


@dataclass
class Taxonomy:
    """The three taxonomies (a few dozen rows), cached under the library version.

    Saving or deleting a service line, stage or segment moves the library version on
    (``assets.freshness``), so every worker process reads the new taxonomy on its next
    request, shared cache or not.
    """

    service_lines: list
    stages: list
    segments: list

    @classmethod
    def load(cls, *, current=None):
        """``current``: the library version, when the caller has already read it."""
        current = freshness.version() if current is None else current
        key = f"{TAXONOMY_CACHE_KEY}:{current}"
        taxonomy = cache.get(key)
        if taxonomy is None:
            taxonomy = cls(
                service_lines=list(ServiceLine.objects.all()),
                stages=list(JourneyStage.objects.all()),
                segments=list(Segment.objects.all()),
            )
            cache.set(key, taxonomy, TAXONOMY_CACHE_SECONDS)
        return taxonomy

    def by_pk(self, name):
        items = {
            "service_lines": self.service_lines,
            "stages": self.stages,
            "segments": self.segments,
        }[name]
        return {item.pk: item for item in items}

    def lookup(self, name, slug):
        items = {"service_line": self.service_lines, "stage": self.stages}.get(name, self.segments)
        for item in items:
            if item.slug == slug:
                return item
        return None

    @property
    def paused_service_lines(self):
        return [line for line in self.service_lines if line.is_paused]


@dataclass(frozen=True)
class LibraryFilters:
    service_line: ServiceLine | None = None
    stage: JourneyStage | None = None
    segment: Segment | None = None
    kind: str = ""
    q: str = ""
    sort: str = ""

    @property
    def effective_sort(self):
        if self.sort in ("newest", "used"):
            return self.sort
        return "relevance" if self.q else "newest"

    @property
    def is_filtered(self):
        return bool(self.service_line or self.stage or self.segment or self.kind or self.q)

    def as_query(self):
        """The filters as query parameters (slugs), for links and the API."""
        params = {}
        for name in ("service_line", "stage", "segment"):
            value = getattr(self, name)
            if value is not None:
                params[name] = value.slug
        for name in ("kind", "q", "sort"):
            if getattr(self, name):
                params[name] = getattr(self, name)
        return params


TAXONOMY_LABELS = {"service_line": "service line", "stage": "journey stage", "segment": "segment"}


def parse_library_filters(params, *, taxonomy=None):
    """Turn query parameters (or a dict of slugs/objects) into ``LibraryFilters``.

    Raises ``InvalidFilter`` with a message for people when a value can't be used.
    """
    if isinstance(params, LibraryFilters):
        return params
    params = params or {}
    taxonomy = taxonomy or Taxonomy.load()
    errors = []
    values = {}
    for name, label in TAXONOMY_LABELS.items():
        raw = params.get(name) or ""
        if isinstance(raw, (ServiceLine, JourneyStage, Segment)):
            values[name] = raw
            continue
        raw = str(raw).strip()
        if not raw:
            continue
        item = taxonomy.lookup(name, raw)
        if item is None:
            errors.append(f"There is no {label} “{raw[:60]}”.")
        values[name] = item
    kind = str(params.get("kind") or "").strip()
    if kind and kind not in Kind.values:
        errors.append(f"“{kind[:60]}” is not a kind of material.")
    q = " ".join(str(params.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        errors.append(f"Search text is limited to {MAX_QUERY_LENGTH} characters.")
    sort = str(params.get("sort") or "").strip()
    if sort and sort not in SORTS:
        errors.append(f"“{sort[:60]}” is not a way to sort; use relevance, newest or used.")
    if errors:
        raise InvalidFilter(" ".join(errors))
    return LibraryFilters(kind=kind, q=q, sort=sort, **values)


# Visibility ------------------------------------------------------------------------


def visible_library_items(viewer):
    """Every library item this viewer may see, as a queryset (no ordering)."""
    viewer = Viewer.of(viewer)
    if not viewer.can_use_library:
        return LibraryItemPage.objects.none()
    return viewer.visible_pages(publication.current(LibraryItemPage.objects.all()))


def item_is_visible(item, viewer):
    """The visibility rule for one page already in memory."""
    viewer = Viewer.of(viewer)
    return bool(
        viewer.can_use_library and publication.is_current(item) and viewer.may_see_page(item)
    )


@dataclass
class ItemTaxonomy:
    service_lines: list
    stages: list
    segments: list


def attach_taxonomy(items, taxonomy=None, *, request=None):
    """Set ``item.taxonomy`` (service lines, stages, segments) on library items, and
    ``item.listing_url`` (its URL, computed once).

    One query for any number of items (a UNION of the three link tables), mapped onto
    the cached taxonomy; listings use it instead of three prefetches.
    """
    items = list(items)
    if not items:
        return items
    taxonomy = taxonomy or Taxonomy.load()
    ids = [item.pk for item in items]
    tables = {
        "service_lines": ("serviceline_id", ServiceLine),
        "stages": ("journeystage_id", JourneyStage),
        "segments": ("segment_id", Segment),
    }
    queries = [
        getattr(LibraryItemPage, name)
        .through.objects.filter(libraryitempage_id__in=ids)
        .annotate(relation=Value(name, output_field=CharField()))
        .values_list("libraryitempage_id", "relation", column)
        for name, (column, _model) in tables.items()
    ]
    links = list(queries[0].union(*queries[1:], all=True))
    lookups = {name: taxonomy.by_pk(name) for name in tables}
    for name, (_column, model) in tables.items():
        missing = {pk for _, relation, pk in links if relation == name} - set(lookups[name])
        if missing:  # changed since the taxonomy was cached
            lookups[name].update(model.objects.in_bulk(missing))
    found = {item.pk: ItemTaxonomy([], [], []) for item in items}
    for item_id, relation, pk in links:
        getattr(found[item_id], relation).append(lookups[relation][pk])
    for item in items:
        for relation in tables:
            getattr(found[item.pk], relation).sort(key=_taxonomy_order)
        item.taxonomy = found[item.pk]
    _attach_urls(items, request)
    return items


def _attach_urls(items, request):
    """``item.listing_url`` for each item: Wagtail's URL routine once, then the siblings'
    URLs by swapping the slug (library items are all children of the library page)."""
    first = items[0]
    first_url = first.get_url(request=request)
    cut = len(first.slug) + 1
    url_prefix, path_prefix = (first_url or "")[:-cut], first.url_path[:-cut]
    for item in items:
        if first_url and item.url_path == f"{path_prefix}{item.slug}/":
            item.listing_url = f"{url_prefix}{item.slug}/"
        else:
            item.listing_url = item.get_url(request=request)


def _taxonomy_order(item):
    return (getattr(item, "order", 0), item.name)


def _recent_uses():
    since = timezone.now() - timedelta(days=POPULARITY_DAYS)
    counts = (
        UsageEvent.objects.filter(page=OuterRef("pk"), created_at__gte=since)
        .order_by()
        .values("page")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def library_items(*, user, filters=None):
    """What ``user`` may see in the library, filtered, searched and sorted.

    ``filters`` is a ``LibraryFilters`` or a mapping of query parameters (slugs). The
    result is a queryset, or Wagtail search results when ``q`` is given; both can be
    counted and sliced, and the number of queries doesn't depend on the result size.
    """
    filters = parse_library_filters(filters)
    queryset = visible_library_items(user)
    # Taxonomy filters. A search needs them as FilterField lookups (by slug, through
    # the related table); a plain listing filters the link tables by id, which spares
    # the database three joins (PostgreSQL's planning time grows quickly with joins).
    by_slug = bool(filters.q)
    for relation, value in (
        ("service_lines", filters.service_line),
        ("stages", filters.stage),
        ("segments", filters.segment),
    ):
        if value is not None:
            lookup = {f"{relation}__slug": value.slug} if by_slug else {relation: value.pk}
            queryset = queryset.filter(**lookup)
    if filters.service_line is not None and filters.service_line.is_paused:
        # Capacity paused: booking assets are held back, nurture material stays;
        # talk tracks stay too (they show their nurture next step instead).
        queryset = queryset.exclude(Q(purpose=Purpose.BOOKING) & ~Q(kind=Kind.TALK_TRACK))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)

    sort = filters.effective_sort
    if sort == "used":
        queryset = queryset.annotate(recent_uses=_recent_uses()).order_by(
            "-recent_uses", "-approved_at", "-id"
        )
    else:
        queryset = queryset.order_by("-approved_at", "-id")

    if not filters.q:
        return queryset
    return _search(queryset, filters.q, order_by_relevance=(sort == "relevance"))


def search_terms(q):
    """The words of a query, without operators or punctuation a search backend could
    read as syntax (quotes, brackets, ``*``, ``:``...). Letters in any script, digits,
    and apostrophes, hyphens or dots inside words are kept."""
    words = _NOT_SEARCHABLE.sub(" ", q).split()
    return " ".join(word.strip("'-.") for word in words if word.strip("'-."))


def _search(queryset, q, *, order_by_relevance):
    """Full-text search: all words first; if nothing matches, any of the words."""
    q = search_terms(q)
    if not q:
        return queryset.none()
    results = search.search(queryset, q, operator="and", order_by_relevance=order_by_relevance)
    if len(q.split()) > 1 and not results.count():
        results = search.search(queryset, q, operator="or", order_by_relevance=order_by_relevance)
        results.matched_any_word = True
    return results


# Detail pages and the call pack ----------------------------------------------------


def visible_attachments(asset, viewer):
    """The asset's files whose collection this viewer may download from."""
    viewer = Viewer.of(viewer)
    attachments = list(asset.attachments.select_related("document__collection"))
    return [
        attachment
        for attachment in attachments
        if viewer.may_download_from(attachment.document.collection)
    ]


def visible_objections(viewer):
    """Objections with an approved, current response that reps may use."""
    if not Viewer.of(viewer).can_use_library:
        return Objection.objects.none()
    return (
        publication.current(Objection.objects.all())
        .exclude(approved_response="")
        .exclude(status=Objection.Status.RETIRED)
    )


def top_objections(*, user, service_line, stage=None, segment=None, limit=5):
    """The most-heard objections for a service line, best stage/segment matches first."""
    queryset = visible_objections(user).filter(service_lines=service_line)
    score = Value(0)
    if stage is not None:
        in_stage = Objection.stages.through.objects.filter(
            objection=OuterRef("pk"), journeystage=stage
        )
        score = score + Case(When(Exists(in_stage), then=Value(1)), default=Value(0))
    if segment is not None:
        in_segment = Objection.segments.through.objects.filter(
            objection=OuterRef("pk"), segment=segment
        )
        score = score + Case(When(Exists(in_segment), then=Value(1)), default=Value(0))
    return list(
        queryset.annotate(match=score)
        .order_by("-match", "-times_heard", "-last_heard_at")
        .prefetch_related("stages", "segments")[:limit]
    )


@dataclass
class CallPack:
    """Everything a rep needs for one service line × stage × segment, on one screen."""

    service_line: ServiceLine
    stage: JourneyStage
    segment: Segment
    talk_track: TalkTrackPage | None = None
    one_pagers: list = field(default_factory=list)
    other_assets: list = field(default_factory=list)
    objections: list = field(default_factory=list)

    @property
    def is_paused(self):
        return self.service_line.is_paused

    @property
    def items(self):
        """Library items in the pack, talk track first (what a PDF pack contains)."""
        head = [self.talk_track] if self.talk_track else []
        return head + self.one_pagers + self.other_assets


def call_pack(*, user, service_line, stage, segment, max_assets=6):
    """The talk track, one-pagers and top objections for a call. Constant query count."""
    user = Viewer.of(user)
    filters = LibraryFilters(service_line=service_line, stage=stage, segment=segment)
    items = library_items(user=user, filters=filters)
    talk_track = (
        TalkTrackPage.objects.filter(pk__in=items.filter(kind=Kind.TALK_TRACK).values("pk"))
        .prefetch_related("service_lines", "stages", "segments")
        .order_by("-approved_at", "title")
        .first()
    )
    assets = list(
        EnablementAssetPage.objects.filter(pk__in=items.exclude(kind=Kind.TALK_TRACK).values("pk"))
        .prefetch_related("service_lines", "stages", "segments")
        .order_by("-approved_at", "title")[: max_assets * 2]
    )
    if service_line.is_paused:
        # Nurture material leads when nothing can be booked.
        assets.sort(key=lambda asset: asset.purpose != Purpose.NURTURE)
    one_pagers = [asset for asset in assets if asset.kind == Kind.ONE_PAGER][:max_assets]
    others = [asset for asset in assets if asset.kind != Kind.ONE_PAGER][:max_assets]
    return CallPack(
        service_line=service_line,
        stage=stage,
        segment=segment,
        talk_track=talk_track,
        one_pagers=one_pagers,
        other_assets=others,
        objections=top_objections(
            user=user, service_line=service_line, stage=stage, segment=segment
        ),
    )


def talk_track_links(talk_track, user):
    """The talk track's linked objections and assets, only those visible to ``user``."""
    user = Viewer.of(user)
    objection_ids = list(talk_track.linked_objections.values_list("objection_id", flat=True))
    asset_ids = list(talk_track.linked_assets.values_list("asset_id", flat=True))
    objections = (
        list(visible_objections(user).filter(pk__in=objection_ids)) if objection_ids else []
    )
    assets = []
    if asset_ids:
        visible = visible_library_items(user).filter(pk__in=asset_ids).values("pk")
        assets = list(EnablementAssetPage.objects.filter(pk__in=visible).order_by("title"))
    return objections, assets


# Reports -----------------------------------------------------------------------------


def objection_review(*, since=None, service_line=None, without_response=False):
    """Objections for the monthly review: most heard first, with hearings since a date."""
    queryset = Objection.objects.filter(duplicate_of__isnull=True)
    if since is not None:
        queryset = queryset.filter(first_heard_at__date__gte=since)
    if service_line is not None:
        queryset = queryset.filter(service_lines=service_line)
    has_response = (
        publication.current_q() & ~Q(approved_response="") & ~Q(status=Objection.Status.RETIRED)
    )
    if without_response:
        queryset = queryset.exclude(has_response)
    return queryset.prefetch_related("service_lines", "stages", "segments").order_by(
        "-times_heard", "-last_heard_at"
    )


def usage_by_item(*, since, kind=None, service_line=None, unused_only=False):
    """Views, downloads and packs per visible library item since a date."""

    def count(event_kind):
        counts = (
            UsageEvent.objects.filter(page=OuterRef("pk"), kind=event_kind, created_at__gte=since)
            .order_by()
            .values("page")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))

    last_used = (
        UsageEvent.objects.filter(page=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    queryset = (
        publication.current(LibraryItemPage.objects.all())
        .annotate(
            views=count(UsageEvent.Kind.VIEW),
            downloads=count(UsageEvent.Kind.DOWNLOAD),
            packs=count(UsageEvent.Kind.PACK),
            last_used_at=Subquery(last_used[:1]),
        )
        .prefetch_related("service_lines")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if service_line is not None:
        queryset = queryset.filter(service_lines=service_line)
    if unused_only:
        queryset = queryset.filter(views=0, downloads=0, packs=0)
    return queryset.order_by("-views", "-downloads", "title")


def usage_by_stage(*, since):
    """Views, downloads and packs per journey stage since a date.

    Views and downloads count towards every stage the item is tagged with; packs
    count once per pack for the stage it was built for.
    """
    events = UsageEvent.objects.filter(created_at__gte=since)

    def item_events(event_kind):
        counts = (
            events.filter(kind=event_kind, page__stages=OuterRef("pk"))
            .order_by()
            .values("page__stages")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))

    packs = (
        events.filter(kind=UsageEvent.Kind.PACK, stage=OuterRef("pk"))
        .order_by()
        .values("stage")
        .annotate(total=Count("pack_id", distinct=True))
        .values("total")
    )
    return JourneyStage.objects.annotate(
        views=item_events(UsageEvent.Kind.VIEW),
        downloads=item_events(UsageEvent.Kind.DOWNLOAD),
        packs=Coalesce(Subquery(packs, output_field=IntegerField()), Value(0)),
    ).order_by("order", "name")
