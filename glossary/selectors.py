"""Reads: a service line's glossary, the stored content to check, glossary rows to export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from wagtail.models import DraftStateMixin, Page, Revision

from cms.models import ApprovalStampMixin, ServiceLine
from glossary.csv_io import row_of_term
from glossary.extract import child_relation_names
from glossary.models import GlossaryTerm

# Where a piece of content is seen, for the reports.
PUBLIC = "public"
SALES = "sales"
SHARED = "shared"
CHANNEL_LABELS = {
    PUBLIC: "Public site",
    SALES: "Sales material",
    SHARED: "Shared (approved messages, glossary)",
}

LIVE = "live"
DRAFT = "draft"


@dataclass
class ServiceLineGlossary:
    """What a rep reads for one service line: its terms by kind, then the global ones."""

    service_line: object
    sections: list[tuple[str, list]] = field(default_factory=list)
    global_terms: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not self.sections and not self.global_terms

    @property
    def terms(self):
        return [term for _, terms in self.sections for term in terms]


def service_line_glossary(service_line, *, on=None) -> ServiceLineGlossary:
    """The approved glossary of ``service_line``, grouped by kind, plus the global terms.

    Used by the rep glossary page and the call pack PDF.
    """
    terms = GlossaryTerm.objects.approved(on=on).filter(
        Q(service_line=service_line) | Q(service_line__isnull=True)
    )
    own, shared = [], []
    for term in sorted(terms, key=lambda term: term.preferred.casefold()):
        (own if term.service_line_id else shared).append(term)
    sections = []
    for kind, label in GlossaryTerm.Kind.choices:
        of_kind = [term for term in own if term.kind == kind]
        if of_kind:
            sections.append((label, of_kind))
    return ServiceLineGlossary(service_line=service_line, sections=sections, global_terms=shared)


def service_lines_with_glossary(*, on=None):
    """Service lines that have at least one approved term, by name."""

    ids = GlossaryTerm.objects.approved(on=on).exclude(service_line=None).values("service_line")
    return ServiceLine.objects.filter(pk__in=ids).order_by("name")


# Stored content.


def content_models() -> list[type]:
    """Every model whose objects are content to check.

    Every page type, and every model with the approval stamp (the reviewable snippets:
    approved messages, objections, glossary terms, ...).
    """
    found = []
    for model in apps.get_models():
        if model._meta.proxy or model is Page:
            continue
        if issubclass(model, Page | ApprovalStampMixin):
            found.append(model)
    return sorted(found, key=lambda model: model._meta.label)


def channel_of(obj) -> str:
    """``public``, ``sales`` or ``shared``: where readers meet this content (or model).

    A model may say so itself with a ``terminology_channel`` attribute. Otherwise pages
    of the ``assets`` app (the library) and its snippets are sales material, other
    pages are the public site, and the rest (approved messages, glossary terms) is
    shared by both.
    """
    model = obj if isinstance(obj, type) else type(obj)
    explicit = getattr(model, "terminology_channel", None)
    if explicit:
        return explicit
    if model._meta.app_label == "assets":
        return SALES
    if issubclass(model, Page):
        return PUBLIC
    return SHARED


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One version of a stored object to check: the live one or the latest draft.

    For a live version loaded in bulk, ``children`` (inline children by relation name)
    and ``service_lines`` (slugs) were read for the whole batch at once; ``None``
    means "ask the object".
    """

    obj: object
    version: str  # LIVE or DRAFT
    live_object: object  # the database row (for URLs, titles, ids)
    children: dict | None = None
    service_lines: tuple[str, ...] | None = None

    @property
    def source(self) -> str:
        return source_of(self.live_object)


def source_of(obj) -> str:
    """``app_label.model:pk``, e.g. ``cms.approvedmessage:12``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def stored_versions(*, live_only: bool = False, models=None) -> Iterator[StoredVersion]:
    """Every stored content object, as the versions a check should read.

    The live version of every live object; unless ``live_only``, also the latest
    draft of every object that has one (never published, or changed since). Objects
    are loaded in batches; per batch, one query reads the inline children, one the
    service lines and one the drafts' revisions.
    """
    for model in models or content_models():
        queryset = _bulk_queryset(model)
        draftable = issubclass(model, DraftStateMixin)
        if live_only and draftable:
            queryset = queryset.filter(live=True)
        for batch in _batches(queryset.iterator(chunk_size=_BATCH_SIZE), _BATCH_SIZE):
            live = [obj for obj in batch if not draftable or obj.live]
            children = _children_of(model, live)
            scopes = _service_line_slugs_of(model, live)
            revisions = {}
            if draftable and not live_only:
                wanted = [
                    obj.latest_revision_id
                    for obj in batch
                    if obj.latest_revision_id is not None and _has_draft(obj)
                ]
                revisions = Revision.objects.in_bulk(wanted) if wanted else {}
            for obj in batch:
                if not draftable or obj.live:
                    yield StoredVersion(
                        obj,
                        LIVE,
                        obj,
                        children=children.get(obj.pk) if children is not None else None,
                        service_lines=scopes.get(obj.pk, ()) if scopes is not None else None,
                    )
                if draftable and not live_only and _has_draft(obj):
                    revision = revisions.get(obj.latest_revision_id)
                    draft = revision.as_object() if revision is not None else obj
                    yield StoredVersion(draft, DRAFT, obj)


def _children_of(model, objects) -> dict | None:
    """``{pk: {relation: [children]}}`` for the inline children extraction reads."""
    names = child_relation_names(model)
    if not names:
        return None
    ids = [obj.pk for obj in objects]
    found = {pk: {name: [] for name in names} for pk in ids}
    relations = {relation.get_accessor_name(): relation for relation in model._meta.related_objects}
    for name in names:
        relation = relations[name]
        parent_field = relation.field.attname
        for child in relation.related_model._default_manager.filter(
            **{f"{relation.field.name}__in": ids}
        ):
            found[getattr(child, parent_field)][name].append(child)
    return found


def _service_line_slugs_of(model, objects) -> dict | None:
    """``{pk: slugs}`` for models that keep the default ``get_service_lines()`` (the
    ``service_lines`` many-to-many); ``None`` when the model decides itself."""
    if getattr(model, "get_service_lines", None) is not ApprovalStampMixin.get_service_lines:
        return None
    field = next(
        (f for f in model._meta.get_fields() if f.name == "service_lines" and f.many_to_many),
        None,
    )
    if field is None:
        return None
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    slugs: dict = {}
    rows = through.objects.filter(**{f"{source}__in": [obj.pk for obj in objects]}).values_list(
        f"{source}_id", f"{target}__slug"
    )
    for pk, slug in rows:
        slugs.setdefault(pk, set()).add(slug)
    return {pk: tuple(sorted(values)) for pk, values in slugs.items()}


_BATCH_SIZE = 500


def _has_draft(obj) -> bool:
    """A version to check besides the live one: never published, or changed since."""
    return not obj.live or (obj.has_unpublished_changes and obj.latest_revision_id is not None)


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk_queryset(model):
    """A queryset of ``model`` that loads what extraction and scoping need in bulk."""
    queryset = model._default_manager.all()
    if issubclass(model, Page):
        queryset = queryset.exact_type(model)
    service_line = next(
        (f for f in model._meta.get_fields() if f.name == "service_line" and f.many_to_one),
        None,
    )
    if service_line is not None:
        queryset = queryset.select_related("service_line")
    return queryset.order_by("pk")


def export_rows(*, approved_only=False, service_line=None, global_only=False):
    """Glossary rows in the import format, in creation order.

    By default each term's latest version (drafts included, so an import followed by
    an export gives the same file back); ``approved_only`` gives the enforced terms.
    """
    if approved_only:
        terms = list(GlossaryTerm.objects.approved())
    else:
        terms = []
        queryset = GlossaryTerm.objects.select_related("latest_revision").order_by("pk")
        for term in queryset:
            if term.latest_revision_id and (term.has_unpublished_changes or not term.live):
                term = term.latest_revision.as_object()
            terms.append(term)
    service_lines = {line.pk: line for line in ServiceLine.objects.all()}
    rows = []
    for term in terms:
        if global_only and term.service_line_id is not None:
            continue
        if service_line is not None and term.service_line_id != service_line.pk:
            continue
        term.service_line = service_lines.get(term.service_line_id)
        rows.append(row_of_term(term))
    return rows
