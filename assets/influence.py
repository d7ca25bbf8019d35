"""The content influence report: which material is used on calls whose buyers move on.

From logged calls (``CallOutcome``) in a period:

* **per item**: the calls where it was used, and the share of those whose buyer status
  afterwards counts as progress (``BuyerStatus.counts_as_progress``); beside them the
  calls *of the same service line × stage × segment* where it was not used, and their
  share. Comparing within the same calls keeps an item for easy calls from looking good
  against hard ones — but it is still **correlation**: reps choose what to use.
* **per stage**: calls, the share that advanced, and the same split by whether any
  material was used;
* **objections heard** (``ObjectionHearing``: the log and logged calls) per week and
  stage, and per stage × segment over the period.

A constant number of queries (calls, their items, the items' titles, the hearings);
the figures are computed in Python.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from assets.models import CallOutcome, LibraryItemPage, ObjectionHearing

WEEKS = 8


def share(part, whole):
    return part / whole if whole else None


@dataclass
class ItemFigures:
    pk: int
    title: str
    kind: str
    used: int = 0
    used_advanced: int = 0
    without: int = 0
    without_advanced: int = 0

    @property
    def used_share(self):
        return share(self.used_advanced, self.used)

    @property
    def without_share(self):
        return share(self.without_advanced, self.without)

    @property
    def difference(self):
        if self.used_share is None or self.without_share is None:
            return None
        return self.used_share - self.without_share


@dataclass
class StageFigures:
    stage: object
    calls: int = 0
    advanced: int = 0
    with_material: int = 0
    with_material_advanced: int = 0

    @property
    def advanced_share(self):
        return share(self.advanced, self.calls)

    @property
    def with_material_share(self):
        return share(self.with_material_advanced, self.with_material)

    @property
    def without_material(self):
        return self.calls - self.with_material

    @property
    def without_material_share(self):
        return share(self.advanced - self.with_material_advanced, self.without_material)


@dataclass
class Influence:
    since: object
    calls: int
    items: list
    stages: list
    weeks: list = field(default_factory=list)  # [(week start, Counter(stage pk → n))]
    stage_segment: dict = field(default_factory=dict)  # (stage pk, segment pk) → n


def influence(*, since, taxonomy, now=None):
    """The report's figures for calls logged since ``since`` (a datetime)."""
    now = now or timezone.now()
    calls = list(
        CallOutcome.objects.filter(logged_at__gte=since).values_list(
            "pk", "service_line", "stage", "segment", "status__counts_as_progress"
        )
    )
    triple_of = {pk: (line, stage, segment) for pk, line, stage, segment, _ in calls}
    advanced = {pk: bool(progress) for pk, *_rest, progress in calls}
    used_on = defaultdict(set)  # item → calls
    items_of = defaultdict(set)  # call → items
    links = CallOutcome.items.through.objects.filter(calloutcome__logged_at__gte=since).values_list(
        "calloutcome_id", "libraryitempage_id"
    )
    for call, item in links:
        if call in triple_of:
            used_on[item].add(call)
            items_of[call].add(item)
    calls_of_triple = defaultdict(set)
    for pk, triple in triple_of.items():
        calls_of_triple[triple].add(pk)

    titles = {
        pk: (title, kind)
        for pk, title, kind in LibraryItemPage.objects.filter(pk__in=list(used_on)).values_list(
            "pk", "title", "kind"
        )
    }
    items = []
    for item, used in used_on.items():
        title, kind = titles.get(item, ("(deleted item)", ""))
        figures = ItemFigures(item, title, kind, used=len(used))
        figures.used_advanced = sum(advanced[call] for call in used)
        same_calls = set().union(*(calls_of_triple[triple_of[call]] for call in used))
        without = same_calls - used
        figures.without = len(without)
        figures.without_advanced = sum(advanced[call] for call in without)
        items.append(figures)
    items.sort(key=lambda figures: (-figures.used, figures.title))

    by_stage = {stage.pk: StageFigures(stage) for stage in taxonomy.stages}
    for pk, (_line, stage, _segment) in triple_of.items():
        figures = by_stage.get(stage)
        if figures is None:
            continue
        figures.calls += 1
        figures.advanced += advanced[pk]
        if items_of[pk]:
            figures.with_material += 1
            figures.with_material_advanced += advanced[pk]

    start = (now - timedelta(weeks=WEEKS - 1)).date()
    start -= timedelta(days=start.weekday())  # Mondays
    weeks = [start + timedelta(weeks=number) for number in range(WEEKS)]
    per_week = {week: Counter() for week in weeks}
    stage_segment = Counter()
    hearings = ObjectionHearing.objects.filter(heard_at__date__gte=min(start, since.date()))
    for heard_at, stage, segment in hearings.values_list("heard_at", "stage", "segment"):
        day = timezone.localtime(heard_at).date()
        week = day - timedelta(days=day.weekday())
        if week in per_week:
            per_week[week][stage] += 1
        if heard_at >= since:
            stage_segment[(stage, segment)] += 1
    return Influence(
        since=since,
        calls=len(calls),
        items=items,
        stages=list(by_stage.values()),
        weeks=[(week, per_week[week]) for week in weeks],
        stage_segment=dict(stage_segment),
    )


CSV_COLUMNS = (
    "item",
    "kind",
    "calls_used",
    "advanced_when_used",
    "same_calls_without",
    "advanced_without",
)


def csv_rows(report):
    """Per item: calls used, the share advanced, and the same for the same calls without."""

    def percent(value):
        return "" if value is None else f"{value * 100:.0f}%"

    yield CSV_COLUMNS
    for figures in report.items:
        yield (
            figures.title,
            figures.kind,
            figures.used,
            percent(figures.used_share),
            figures.without,
            percent(figures.without_share),
        )
