"""What reps may see in the library: the visibility rule, listings and search.

The one rule everything here applies: a rep sees an item only when it is approved and
current (``cms.publication.current``) and not behind a page-privacy restriction the
viewer doesn't pass (``cms.publication.Viewer``). ``visible_library_items(viewer)`` is
that rule as a queryset; every listing, search, call pack (``assets.packs``) and API
answer starts from it. Functions take a ``Viewer`` (a user is turned into one).
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from assets import search, synonyms
from assets.filters import LibraryFilters, Taxonomy, parse_library_filters
from assets.models import (
    EnablementAssetPage,
    Favourite,
    LibraryItemPage,
    Objection,
    UsageEvent,
)
from assets.models.library import Kind, Purpose
from cms import publication
from cms.models import JourneyStage, Segment, ServiceLine
from cms.publication import Viewer

_NOT_SEARCHABLE = re.compile(r"[^\w'\-.]+")
POPULARITY_DAYS = 90


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


TAXONOMY_LINK_TABLES = {
    "service_lines": ("serviceline_id", ServiceLine),
    "stages": ("journeystage_id", JourneyStage),
    "segments": ("segment_id", Segment),
}


def taxonomy_links(which):
    """``(item id, relation, taxonomy pk)`` for every taxonomy link of the library items
    ``which`` selects (a ``Q`` on ``libraryitempage_id``): one UNION query of the three
    link tables; ``relation`` is ``service_lines``, ``stages`` or ``segments``."""
    queries = [
        getattr(LibraryItemPage, name)
        .through.objects.filter(which)
        .annotate(relation=Value(name, output_field=CharField()))
        .values_list("libraryitempage_id", "relation", column)
        for name, (column, _model) in TAXONOMY_LINK_TABLES.items()
    ]
    return list(queries[0].union(*queries[1:], all=True))


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
    tables = TAXONOMY_LINK_TABLES
    links = taxonomy_links(Q(libraryitempage_id__in=[item.pk for item in items]))
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
    """Full-text search: all words first; if nothing matches, any of the words. Either
    way the glossary's preferred terms for variants in ``q`` are searched too
    (``assets.synonyms``); ``results.synonyms`` says which."""
    q = search_terms(q)
    if not q:
        return queryset.none()
    found = synonyms.synonyms_for(q)
    also = [synonym.preferred for synonym in found]
    results = search.search(
        queryset, q, operator="and", order_by_relevance=order_by_relevance, also=also
    )
    if len(q.split()) > 1 and not results.count():
        results = search.search(
            queryset, q, operator="or", order_by_relevance=order_by_relevance, also=also
        )
        results.matched_any_word = True
    results.synonyms = found
    return results


# Detail pages ----------------------------------------------------


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


# Nearest match -----------------------------------------------------------------------


@dataclass
class Nearest:
    """Approved material near an empty call, and how near: ``other_segments`` (same
    service line and stage, other buyers) or ``adjacent_stages`` (same service line and
    buyer, the stage before or after). ``stages``/``segments``: where it was found."""

    how: str
    items: list
    stages: list
    segments: list

    @property
    def is_empty(self):
        return not self.items


def nearest_items(viewer, context, *, taxonomy=None, limit=6):
    """The nearest approved material for a call that has none (a ``CallContext``).

    First the same service line and stage for other segments; if there is none, the
    same service line and segment at the adjacent stages (by stage order). Through
    ``library_items``, so currency, privacy and paused capacity apply as in listings.
    ``None`` when nothing is near either.
    """
    taxonomy = taxonomy or Taxonomy.load()
    same_stage = library_items(
        user=viewer,
        filters=LibraryFilters(service_line=context.service_line, stage=context.stage),
    )
    items = list(same_stage.only(*_NEAREST_FIELDS)[:limit])
    if items:
        return _nearest("other_segments", items, taxonomy, context)
    stages = list(taxonomy.stages)
    position = next((i for i, s in enumerate(stages) if s.pk == context.stage.pk), None)
    if position is None:
        return None
    neighbours = [stages[i] for i in (position - 1, position + 1) if 0 <= i < len(stages)]
    if not neighbours:
        return None
    tagged = LibraryItemPage.stages.through.objects.filter(journeystage__in=neighbours)
    adjacent = library_items(
        user=viewer,
        filters=LibraryFilters(service_line=context.service_line, segment=context.segment),
    ).filter(pk__in=tagged.values("libraryitempage_id"))
    items = list(adjacent.only(*_NEAREST_FIELDS)[:limit])
    if items:
        return _nearest("adjacent_stages", items, taxonomy, context)
    return None


_NEAREST_FIELDS = ("title", "kind", "url_path", "slug", "approved_at")


def _nearest(how, items, taxonomy, context):
    attach_taxonomy(items, taxonomy)
    stages, segments = [], []
    for item in items:
        for stage in item.taxonomy.stages:
            if stage.pk != context.stage.pk and stage not in stages:
                stages.append(stage)
        for segment in item.taxonomy.segments:
            if segment.pk != context.segment.pk and segment not in segments:
                segments.append(segment)
    return Nearest(how=how, items=items, stages=stages, segments=segments)


# Filter counts -------------------------------------------------------------------------

FACETS = ("service_line", "stage", "segment", "kind")
_FACET_RELATIONS = {"service_line": "service_lines", "stage": "stages", "segment": "segments"}


def facet_counts(viewer, filters, *, taxonomy=None):
    """How many items this viewer would get for each filter option, the other filters
    (and the search) kept: ``{"service_line": {pk: n}, "stage": {pk: n}, "segment":
    {pk: n}, "kind": {value: n}}``.

    Counted from what the viewer may see (``library_items``), so a count never includes
    an item the viewer can't open. Three queries whatever the library's size: the
    items matching the search (or all visible ones), their taxonomy links (one UNION)
    and, for a search, their kinds.
    """
    taxonomy = taxonomy or Taxonomy.load()
    filters = parse_library_filters(filters, taxonomy=taxonomy)
    base = library_items(user=viewer, filters=LibraryFilters(q=filters.q))
    if isinstance(base, QuerySet):
        rows = list(base.order_by().values_list("pk", "kind", "purpose"))
        links = taxonomy_links(Q(libraryitempage_id__in=base.order_by().values("pk")))
    else:  # search results: their ids, then the rows' kinds
        ids = list(base.pks) if hasattr(base, "pks") else [item.pk for item in base]
        rows = list(LibraryItemPage.objects.filter(pk__in=ids).values_list("pk", "kind", "purpose"))
        links = taxonomy_links(Q(libraryitempage_id__in=ids))
    tagged = {pk: {"service_lines": set(), "stages": set(), "segments": set()} for pk, *_ in rows}
    for item_id, relation, pk in links:
        if item_id in tagged:
            tagged[item_id][relation].add(pk)
    paused = {line.pk for line in taxonomy.paused_service_lines}
    chosen = {
        "service_line": filters.service_line.pk if filters.service_line else None,
        "stage": filters.stage.pk if filters.stage else None,
        "segment": filters.segment.pk if filters.segment else None,
        "kind": filters.kind or None,
    }
    counts = {facet: {} for facet in FACETS}

    def matches(item, kind, purpose, facet, line=None):
        for other in FACETS:
            if other == facet or chosen[other] is None:
                continue
            if other == "kind":
                if kind != chosen["kind"]:
                    return False
            elif chosen[other] not in item[_FACET_RELATIONS[other]]:
                return False
        held_back = purpose == Purpose.BOOKING and kind != Kind.TALK_TRACK
        lines = [line] if line is not None else [chosen["service_line"]]
        return not (held_back and any(pk in paused for pk in lines if pk is not None))

    for pk, kind, purpose in rows:
        item = tagged[pk]
        for facet, relation in _FACET_RELATIONS.items():
            for value in item[relation]:
                line = value if facet == "service_line" else None
                if matches(item, kind, purpose, facet, line=line):
                    counts[facet][value] = counts[facet].get(value, 0) + 1
        if matches(item, kind, purpose, "kind"):
            counts["kind"][kind] = counts["kind"].get(kind, 0) + 1
    return counts


# Favourites ----------------------------------------------------------------------------


def call_kit(viewer, *, limit=None):
    """The items this viewer starred that they may still see, newest star first."""
    viewer = Viewer.of(viewer)
    if viewer.user is None or not viewer.can_use_library:
        return []
    stars = Favourite.objects.filter(
        user=viewer.user, item__in=visible_library_items(viewer).values("pk")
    ).order_by("-created_at", "-pk")
    if limit:
        stars = stars[:limit]
    ids = list(stars.values_list("item_id", flat=True))
    by_pk = LibraryItemPage.objects.in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


def is_starred(viewer, item):
    viewer = Viewer.of(viewer)
    return (
        bool(viewer.user is not None and item.pk)
        and Favourite.objects.filter(user=viewer.user, item=item).exists()
    )


# Call outcomes -------------------------------------------------------------------------


def call_item_choices(viewer, context=None):
    """Items a rep may tick as used on a call: what is approved for the call (when it
    is known), then their call kit, without repeats."""
    items = []
    if context is not None:
        items = list(
            library_items(
                user=viewer,
                filters=LibraryFilters(
                    service_line=context.service_line, stage=context.stage, segment=context.segment
                ),
            ).only("title", "kind")[:30]
        )
    seen = {item.pk for item in items}
    items += [item for item in call_kit(viewer) if item.pk not in seen]
    return items


def items_by_path(viewer, paths, *, root_path="/"):
    """Library items this viewer may see, by URL path (``/library/<slug>/``), in one
    query: ``{path: item}`` (paths of anything else are missing)."""
    by_url_path = {root_path.rstrip("/") + "/" + path.strip("/") + "/": path for path in paths}
    found = visible_library_items(viewer).filter(url_path__in=list(by_url_path))
    return {by_url_path[item.url_path]: item for item in found}
