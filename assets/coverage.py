"""The coverage map: for every call (service line × stage × segment), what reps have.

Each cell gets one state, read from what a sales rep may see
(``selectors.visible_library_items(Viewer.sales_rep())``: approved, current, past
page privacy) and from the review queue:

* ``covered`` — an approved, current one-pager or talk track is tagged for it;
* ``thin`` — approved, current material is tagged for it, but only other kinds;
* ``expiring`` — what covers it (the one-pagers and talk tracks of a covered cell,
  everything of a thin one) all reach their review-by date within
  ``EXPIRING_DAYS``: without a re-review the cell drops back;
* ``in_review`` — nothing approved and current, but an item tagged for it is waiting
  in a review workflow;
* ``missing`` — nothing.

Beside the state each cell counts its items, the items in review, the reps' open
requests for it (``ContentRequest``: how many reps asked) and how often reps looked
the call up in the last ``SEARCH_DAYS`` days (``UsageEvent`` ``search`` rows).

The whole map costs a constant number of queries whatever the size of the taxonomy
or the library: the visible items, the items in review, one UNION of the taxonomy
link tables for both, the open requests and the look-ups grouped by call.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, Sum
from django.utils import timezone

from wagtail.models import Page, WorkflowState

from assets.filters import Taxonomy
from assets.models import ContentRequest, UsageEvent
from assets.models.library import Kind
from assets.selectors import taxonomy_links, visible_library_items
from cms.publication import Viewer

EXPIRING_DAYS = 30
SEARCH_DAYS = 90
CORE_KINDS = frozenset({Kind.ONE_PAGER, Kind.TALK_TRACK})

COVERED = "covered"
THIN = "thin"
EXPIRING = "expiring"
IN_REVIEW = "in_review"
MISSING = "missing"

# state → (label, symbol, what it means). The symbol and the label carry the state;
# the colour only repeats it. Symbols every system font has (no emoji).
STATES = {
    COVERED: ("Covered", "✓", "An approved one-pager or talk track"),
    THIN: ("Thin", "◐", "Approved material, but no one-pager or talk track"),
    EXPIRING: ("Expiring", "!", f"What covers it is due for review within {EXPIRING_DAYS} days"),
    IN_REVIEW: ("In review", "…", "Nothing approved yet; material is in review"),
    MISSING: ("Missing", "✕", "Nothing approved or in review"),
}


@dataclass
class CoverageItem:
    pk: int
    title: str
    kind: str
    review_by: object


@dataclass
class Cell:
    service_line: object
    stage: object
    segment: object
    items: list = field(default_factory=list)
    in_review: int = 0
    requests: int = 0
    searches: int = 0
    state: str = MISSING

    @property
    def label(self):
        return STATES[self.state][0]

    @property
    def symbol(self):
        return STATES[self.state][1]

    @property
    def query(self):
        return {
            "service_line": self.service_line.slug,
            "stage": self.stage.slug,
            "segment": self.segment.slug,
        }


def cell_state(items, *, in_review, on):
    """The state of one cell from its current items (``CoverageItem``s) and how many
    items for it are in review."""
    if not items:
        return IN_REVIEW if in_review else MISSING
    core = [item for item in items if item.kind in CORE_KINDS]
    covering = core or items
    horizon = on + timedelta(days=EXPIRING_DAYS)
    if all(item.review_by is not None and item.review_by <= horizon for item in covering):
        return EXPIRING
    return COVERED if core else THIN


@dataclass
class SegmentPanel:
    segment: object
    rows: list  # [(service_line, [Cell per stage])]

    @property
    def counts(self):
        found = Counter(cell.state for _line, cells in self.rows for cell in cells)
        return [(state, STATES[state][0], STATES[state][1], found[state]) for state in STATES]


@dataclass
class CoverageMap:
    service_lines: list
    stages: list
    segments: list
    cells: dict  # (service line pk, stage pk, segment pk) → Cell

    def cell(self, service_line, stage, segment):
        return self.cells[(service_line.pk, stage.pk, segment.pk)]

    def panels(self):
        return [
            SegmentPanel(
                segment=segment,
                rows=[
                    (line, [self.cell(line, stage, segment) for stage in self.stages])
                    for line in self.service_lines
                ],
            )
            for segment in self.segments
        ]

    def most_wanted(self, limit=8):
        """Cells reps asked for or looked up that aren't covered, most wanted first."""
        holes = [
            cell for cell in self if cell.state != COVERED and (cell.requests or cell.searches)
        ]
        holes.sort(key=lambda cell: (-cell.requests, -cell.searches, cell.state != MISSING))
        return holes[:limit]

    def __iter__(self):
        for segment in self.segments:
            for line in self.service_lines:
                for stage in self.stages:
                    yield self.cell(line, stage, segment)


def _in_review_ids():
    """Ids of pages waiting in a review workflow (one query; a short list)."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS, base_content_type=page_type
    ).values_list("object_id", flat=True)
    return {int(pk) for pk in ids if str(pk).isdigit()}


def _calls(links):
    """item id → the (service line, stage, segment) pk triples it is tagged for."""
    tagged = defaultdict(lambda: {"service_lines": [], "stages": [], "segments": []})
    for item_id, relation, pk in links:
        tagged[item_id][relation].append(pk)
    calls = {}
    for item_id, tags in tagged.items():
        calls[item_id] = [
            (line, stage, segment)
            for line in tags["service_lines"]
            for stage in tags["stages"]
            for segment in tags["segments"]
        ]
    return calls


def coverage_map(*, segment=None, on=None, taxonomy=None):
    """The coverage map (all segments, or one), as reps would find the library today."""
    on = on or timezone.localdate()
    taxonomy = taxonomy or Taxonomy.load()
    segments = [segment] if segment is not None else list(taxonomy.segments)
    cells = {
        (line.pk, stage.pk, seg.pk): Cell(line, stage, seg)
        for seg in segments
        for line in taxonomy.service_lines
        for stage in taxonomy.stages
    }

    visible = visible_library_items(Viewer.sales_rep())
    items = {
        pk: CoverageItem(pk, title, kind, review_by)
        for pk, title, kind, review_by in visible.values_list("pk", "title", "kind", "review_by")
    }
    in_review = _in_review_ids()
    links = taxonomy_links(
        Q(libraryitempage_id__in=visible.values("pk")) | Q(libraryitempage_id__in=in_review)
    )
    for item_id, calls in _calls(links).items():
        for key in calls:
            cell = cells.get(key)
            if cell is None:
                continue
            if item_id in items:
                cell.items.append(items[item_id])
            if item_id in in_review:
                cell.in_review += 1

    requests = (
        ContentRequest.objects.filter(status=ContentRequest.Status.OPEN)
        .values_list("service_line", "stage", "segment")
        .annotate(asks=Sum("times_requested"))
        .order_by()
    )
    for line, stage, seg, asks in requests:
        if (line, stage, seg) in cells:
            cells[(line, stage, seg)].requests += asks or 0

    searches = (
        UsageEvent.objects.filter(
            kind=UsageEvent.Kind.SEARCH,
            created_at__gte=timezone.now() - timedelta(days=SEARCH_DAYS),
        )
        .values_list("service_line", "stage", "segment")
        .annotate(times=Count("pk"))
        .order_by()
    )
    for line, stage, seg, times in searches:
        if (line, stage, seg) in cells:
            cells[(line, stage, seg)].searches += times

    for cell in cells.values():
        cell.items.sort(key=lambda item: (item.kind not in CORE_KINDS, item.title))
        cell.state = cell_state(cell.items, in_review=cell.in_review, on=on)
    return CoverageMap(
        service_lines=list(taxonomy.service_lines),
        stages=list(taxonomy.stages),
        segments=segments,
        cells=cells,
    )


CSV_COLUMNS = ("service_line", "stage", "segment", "state", "items", "requests")


def csv_rows(coverage):
    """The map as CSV rows (slugs, the state, the number of items, the reps' open asks)."""
    yield CSV_COLUMNS
    for cell in coverage:
        yield (
            cell.service_line.slug,
            cell.stage.slug,
            cell.segment.slug,
            cell.state,
            len(cell.items),
            cell.requests,
        )
