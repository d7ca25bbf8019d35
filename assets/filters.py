"""What a rep asks the library for: the taxonomy, the filters of a listing, and the
call context (service line × stage × segment) a call pack and "Before your call" are
built for. Parsing query parameters into these is the one place bad input becomes a
message for people (``InvalidFilter``).
"""

from dataclasses import dataclass

from django.core.cache import cache

from assets.models.library import Kind
from cms import freshness
from cms.models import JourneyStage, Segment, ServiceLine

MAX_QUERY_LENGTH = 200
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
    """The three taxonomies (a few dozen rows), cached under the content version.

    Saving or deleting a service line, stage or segment moves the content version on
    (``cms.freshness``), so every worker process reads the new taxonomy on its next
    request, shared cache or not.
    """

    service_lines: list
    stages: list
    segments: list

    @classmethod
    def load(cls, *, current=None):
        """``current``: the content version, when the caller has already read it."""
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

    @property
    def call_context(self):
        """The ``CallContext`` when service line, stage and segment are all set."""
        if None in (self.service_line, self.stage, self.segment):
            return None
        return CallContext(self.service_line, self.stage, self.segment)

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
    for name, label in CallContext.LABELS.items():
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


@dataclass(frozen=True)
class CallContext:
    """One call: a service line, a journey stage and a buyer segment, all three chosen.

    The key of a call pack (its screen, its PDF and its usage records) and of an
    objection heard on a call. ``FIELDS`` are the query-parameter names (slugs).
    """

    service_line: ServiceLine
    stage: JourneyStage
    segment: Segment

    FIELDS = ("service_line", "stage", "segment")
    LABELS = {"service_line": "service line", "stage": "journey stage", "segment": "segment"}

    @classmethod
    def chosen(cls, params):
        """The three raw values from query parameters, stripped (``""`` when absent)."""
        return {name: str(params.get(name) or "").strip() for name in cls.FIELDS}

    @classmethod
    def parse(cls, params, *, taxonomy=None):
        """A ``CallContext`` from query parameters (slugs); ``InvalidFilter`` with a
        message for people when one is missing or unknown."""
        chosen = cls.chosen(params)
        missing = [cls.LABELS[name] for name, value in chosen.items() if not value]
        if missing:
            raise InvalidFilter(f"Choose a {', a '.join(missing)}.")
        filters = parse_library_filters(chosen, taxonomy=taxonomy)
        return filters.call_context

    def as_query(self):
        return {name: getattr(self, name).slug for name in self.FIELDS}

    @property
    def slug(self):
        return "-".join(getattr(self, name).slug for name in self.FIELDS)

    def __str__(self):
        return f"{self.service_line.name} · {self.stage.name} · {self.segment}"
