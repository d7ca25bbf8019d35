"""What goes into each PDF: its content, cache key, filename and template context.

Two documents:

``ItemDocument``
    One library item (an enablement asset or a talk track), laid out by kind: a
    one-pager, a multi-page document, or a printable talk track. Its key is made of
    the item's live revision and approval stamp and of everything it shows from other
    rows: the approved messages its StreamFields reference and, for talk tracks, the
    linked objections and assets. Nothing user-specific is in it, so every rep shares
    one cached file.

``PackDocument``
    A call pack for one service line × stage × segment: a cover (with the rep's name
    and the date), the talk track, the matching one-pagers and then any other approved
    kind tagged for the call (FAQs, case studies, checklists…), the top objections with
    approved responses and the service line's glossary. It answers 404 only when
    nothing approved is tagged for the call at all. Its content comes from
    ``assets.packs.call_pack`` (the library's visibility rules), so a rep only
    ever gets approved, live, unexpired material.

Drafts (staff previews) use ``ItemDocument(page, draft=True)``: the page as edited,
watermarked DRAFT, never cached.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from types import SimpleNamespace

from django.conf import settings
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import slugify

from wagtail.blocks import StreamValue
from wagtail.fields import StreamField

from assets import packs
from assets.models.library import Audience, Kind
from assets.pdf import render
from assets.selectors import talk_track_links
from cms.blocks import ApprovedMessageBlock, message_is_current
from cms.models import ApprovedMessage
from cms.publication import Viewer
from glossary.selectors import service_line_glossary

ORG_NAME_DEFAULT = "Concord Health"

# The body of an item, by kind; pdf/item.html puts one on its own, pdf/pack.html several.
ITEM_TEMPLATES = {
    Kind.ONE_PAGER: "pdf/components/one_pager.html",
    Kind.TALK_TRACK: "pdf/components/talk_track.html",
}
DOCUMENT_TEMPLATE = "pdf/components/document.html"
ITEM_PAGE_TEMPLATE = "pdf/item.html"
PACK_TEMPLATE = "pdf/pack.html"
TOP_OBJECTIONS = 5


def org_name():
    return getattr(settings, "CONCORD_PDF_ORG_NAME", "") or ORG_NAME_DEFAULT


def human_date(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return format_date(value, "j M Y")


def stamp_text(obj):
    """What the footer of each page says about the approval of what is on it."""
    if not getattr(obj, "approval_code", ""):
        return "Not approved"
    return (
        f"{obj.approval_label} · Approved {human_date(obj.approved_at)} · "
        f"Review by {human_date(obj.review_by)}"
    )


def stamp_parts(obj):
    """The parts of an object that change its PDF: which revision is live, and its stamp."""
    return (
        render.dependency_label(obj),
        getattr(obj, "live_revision_id", None),
        obj.approval_code,
        obj.approval_version,
        obj.approved_at.isoformat() if obj.approved_at else "",
        obj.review_by.isoformat() if obj.review_by else "",
    )


def referenced_message_ids(obj):
    """Ids of approved messages referenced (top level) by the object's StreamFields.

    Read from the raw stream data, so no block is rendered and no query is made.
    """
    ids = []
    for model_field in obj._meta.get_fields():
        if not isinstance(model_field, StreamField):
            continue
        value = getattr(obj, model_field.name)
        if not isinstance(value, StreamValue):
            continue
        names = {
            name
            for name, block in model_field.stream_block.child_blocks.items()
            if isinstance(block, ApprovedMessageBlock)
        }
        for item in value.raw_data:
            if item.get("type") in names and item.get("value"):
                ids.append(item["value"])
    return ids


def message_parts(obj):
    """What changes in the PDF when a referenced message is re-approved or withdrawn."""
    ids = referenced_message_ids(obj)
    if not ids:
        return ()
    messages = ApprovedMessage.objects.filter(pk__in=ids).order_by("pk")
    return tuple((*stamp_parts(message), message_is_current(message)) for message in messages)


def _names(items):
    return [str(item) for item in items]


def _last_modified(objects):
    moments = [obj.approved_at for obj in objects if getattr(obj, "approved_at", None)]
    moments += [obj.last_published_at for obj in objects if getattr(obj, "last_published_at", None)]
    return max(moments) if moments else None


# --- One item ------------------------------------------------------------------------


@dataclass
class ItemDocument:
    page: object
    user: object = None
    draft: bool = False
    _links: tuple | None = field(default=None, repr=False)

    @property
    def is_talk_track(self):
        return self.page.kind == Kind.TALK_TRACK

    @property
    def internal(self):
        return self.page.audience == Audience.INTERNAL

    @property
    def template_name(self):
        return ITEM_TEMPLATES.get(self.page.kind, DOCUMENT_TEMPLATE)

    def links(self):
        """A talk track's linked objections and assets that the user may see."""
        if self._links is None:
            if self.is_talk_track:
                self._links = talk_track_links(self.page, self.user)
            else:
                self._links = ([], [])
        return self._links

    def key_parts(self):
        parts = [*stamp_parts(self.page), *message_parts(self.page)]
        objections, assets = self.links()
        for objection in objections:
            parts.extend(stamp_parts(objection))
        for asset in assets:
            parts.extend((*stamp_parts(asset), asset.title))
        return parts

    def key(self):
        return render.content_key("item", *self.key_parts())

    def dependencies(self):
        objections, assets = self.links()
        labels = [render.dependency_label(obj) for obj in (self.page, *objections, *assets)]
        label = ApprovedMessage._meta.label_lower
        return labels + [f"{label}:{pk}" for pk in referenced_message_ids(self.page)]

    def last_modified(self):
        objections, assets = self.links()
        return _last_modified([self.page, *objections, *assets])

    def filename(self):
        stem = slugify(self.page.slug or self.page.title) or "document"
        if self.draft:
            return f"DRAFT-{stem}.pdf"
        if self.page.approval_code:
            return f"{self.page.approval_code}-v{self.page.approval_version}-{stem}.pdf"
        return f"{stem}.pdf"

    def stamp(self):
        if self.draft:
            return "DRAFT — not approved · " + (
                f"last approved version: {self.page.approval_label}"
                if self.page.approval_code
                else "never approved"
            )
        return stamp_text(self.page)

    def context(self):
        page = self.page
        objections, assets = self.links()
        return {
            "document_title": page.title,
            "document_description": page.summary,
            "org_name": org_name(),
            "internal": self.internal,
            "draft": self.draft,
            "item": page,
            "stamp": self.stamp(),
            "kind_label": page.get_kind_display(),
            "service_lines": _names(page.service_lines.all()),
            "stages": _names(page.stages.all()),
            "segments": _names(page.segments.all()),
            "objections": [(objection, stamp_text(objection)) for objection in objections],
            "linked_assets": [(asset, stamp_text(asset)) for asset in assets],
            # Block templates read request.is_preview: drafts show what isn't live yet.
            "request": SimpleNamespace(is_preview=self.draft),
        }

    def body_html(self, **extra):
        return render_to_string(self.template_name, {**self.context(), **extra})

    def html(self):
        context = self.context()
        context["body"] = render_to_string(self.template_name, context)
        context["layout"] = self.page.kind
        return render_to_string(ITEM_PAGE_TEMPLATE, context)


# --- A call pack ---------------------------------------------------------------------


@dataclass
class PackDocument:
    pack: object  # assets.packs.CallPack
    user: object  # the rep it is prepared for (their name is printed)
    viewer: object = None  # what they may see (cms.publication.Viewer); from user if None
    glossary: object = None  # glossary.selectors.ServiceLineGlossary
    objections: list = field(default_factory=list)
    on: date = field(default_factory=timezone.localdate)

    @classmethod
    def build(cls, *, user, context, viewer=None):

        viewer = Viewer.of(viewer or user)
        pack = packs.call_pack(user=viewer, context=context)
        glossary = service_line_glossary(context.service_line)
        document = cls(pack=pack, user=user, viewer=viewer, glossary=glossary)
        document.objections = document._objections()
        return document

    def _objections(self):
        """The talk track's own objections first, then the most heard for this call."""
        talk_track = self.talk_track_document
        linked = talk_track.links()[0] if talk_track else []
        chosen = list(linked)
        for objection in self.pack.objections:
            if len(chosen) >= max(TOP_OBJECTIONS, len(linked)):
                break
            if objection not in chosen:
                chosen.append(objection)
        return chosen

    @property
    def glossary_terms(self):
        """The service line's approved terms, then the global ones."""
        if self.glossary is None:
            return []
        return [*self.glossary.terms, *self.glossary.global_terms]

    @property
    def combination(self):
        pack = self.pack
        return str(pack.context)

    @property
    def is_empty(self):
        """Nothing approved is tagged for the call, of any kind."""
        return not self.pack.items

    def missing(self):
        """What a complete pack would have and this one lacks, for people."""
        missing = []
        if self.pack.talk_track is None:
            missing.append("an approved talk track")
        if not self.pack.one_pagers:
            missing.append("approved one-pagers")
        if not self.objections:
            missing.append("objections with approved responses")
        if not self.glossary_terms:
            missing.append("approved glossary terms")
        return missing

    def items(self):
        return [*([self.pack.talk_track] if self.pack.talk_track else []), *self.assets()]

    def assets(self):
        """The pack's assets: one-pagers first, then the other kinds tagged for the call."""
        return [*self.pack.one_pagers, *self.pack.other_assets]

    @cached_property
    def talk_track_document(self):
        if self.pack.talk_track is None:
            return None
        return ItemDocument(self.pack.talk_track, user=self.viewer or self.user)

    def key(self):
        pack = self.pack
        parts = [
            self.on.isoformat(),
            self.user.pk,
            rep_name(self.user),
            pack.service_line.slug,
            pack.service_line.name,
            pack.service_line.capacity,
            pack.stage.slug,
            pack.stage.name,
            pack.stage.buyer_questions,
            pack.segment.slug,
            str(pack.segment),
        ]
        talk_track = self.talk_track_document
        if talk_track is not None:
            parts.extend(talk_track.key_parts())
        for asset in self.assets():
            parts.extend(ItemDocument(asset).key_parts())
        for objection in self.objections:
            parts.extend(stamp_parts(objection))
        for term in self.glossary_terms:
            parts.extend(stamp_parts(term))
        return render.content_key("pack", *parts)

    def dependencies(self):
        objects = [*self.items(), *self.objections, *self.glossary_terms]
        labels = [render.dependency_label(obj) for obj in objects]
        if self.talk_track_document is not None:
            labels += self.talk_track_document.dependencies()
        for page in self.assets():
            labels += ItemDocument(page, user=self.viewer or self.user).dependencies()
        return labels

    def last_modified(self):
        return _last_modified([*self.items(), *self.objections, *self.glossary_terms])

    def filename(self):
        pack = self.pack
        return f"call-pack-{pack.context.slug}-{self.on.isoformat()}.pdf"

    def context(self):
        pack = self.pack
        talk_track = self.talk_track_document
        sections = []
        if talk_track is not None:
            sections.append(
                {
                    "id": "talk-track",
                    "title": "Talk track",
                    "detail": pack.talk_track.title,
                    "stamp": stamp_text(pack.talk_track),
                }
            )
        for asset in self.assets():
            sections.append(
                {
                    "id": f"{asset.kind}-{asset.pk}",
                    "title": asset.get_kind_display(),
                    "detail": asset.title,
                    "stamp": stamp_text(asset),
                }
            )
        if self.objections:
            sections.append(
                {
                    "id": "objections",
                    "title": "Top objections",
                    "detail": f"{len(self.objections)} with approved "
                    f"response{pluralize(len(self.objections))}",
                    "stamp": "Approval code under each response",
                }
            )
        if self.glossary_terms:
            sections.append(
                {
                    "id": "glossary",
                    "title": "Glossary",
                    "detail": f"{len(self.glossary_terms)} "
                    f"term{pluralize(len(self.glossary_terms))}",
                    "stamp": "Approval code under each term",
                }
            )
        return {
            "document_title": f"Call pack: {self.combination}",
            "document_description": f"Prepared for {rep_name(self.user)} on {human_date(self.on)}",
            "org_name": org_name(),
            "internal": True,
            "draft": False,
            "pack": pack,
            "combination": self.combination,
            "rep_name": rep_name(self.user),
            "prepared_on": human_date(self.on),
            "cover_stamp": (
                f"Call pack prepared {human_date(self.on)} for {rep_name(self.user)} · "
                "each piece carries its own approval code"
            ),
            "sections": sections,
            "missing": self.missing(),
            # In a pack the talk track's objections are in "Top objections", first.
            "talk_track_html": talk_track.body_html(in_pack=True) if talk_track else "",
            "one_pagers": [  # and the other kinds of asset, after them
                (f"{page.kind}-{page.pk}", ItemDocument(page).body_html(in_pack=True))
                for page in self.assets()
            ],
            "objections": [(objection, stamp_text(objection)) for objection in self.objections],
            "objections_stamp": "Top objections · approval code under each response",
            "glossary_sections": self._glossary_sections(),
            "glossary_stamp": f"{pack.service_line.name} glossary · approval code under each term",
            "request": SimpleNamespace(is_preview=False),
        }

    def _glossary_sections(self):
        """(heading, [(term, stamp)]) by kind, then the terms for every service line."""
        if self.glossary is None:
            return []
        sections = [
            (label, [(term, stamp_text(term)) for term in terms])
            for label, terms in self.glossary.sections
        ]
        if self.glossary.global_terms:
            sections.append(
                (
                    "For every service line",
                    [(term, stamp_text(term)) for term in self.glossary.global_terms],
                )
            )
        return sections

    def html(self):
        return render_to_string(PACK_TEMPLATE, self.context())


# --- A call kit ------------------------------------------------------------------------


KIT_TEMPLATE = "pdf/kit.html"


@dataclass
class KitDocument:
    """A rep's call kit (``selectors.call_kit``: the items they starred and may still
    see) as one PDF: a cover with contents, then each item as in a call pack."""

    items: list
    user: object
    viewer: object = None
    on: date = field(default_factory=timezone.localdate)

    def documents(self):
        return [ItemDocument(item.specific, user=self.viewer or self.user) for item in self.items]

    def key(self):
        parts = [self.on.isoformat(), self.user.pk, rep_name(self.user)]
        for document in self.documents():
            parts.extend(document.key_parts())
        return render.content_key("kit", *parts)

    def dependencies(self):
        labels = []
        for document in self.documents():
            labels += document.dependencies()
        return labels

    def last_modified(self):
        return _last_modified([document.page for document in self.documents()])

    def filename(self):
        return f"call-kit-{self.on.isoformat()}.pdf"

    def context(self):
        documents = self.documents()
        return {
            "document_title": "My call kit",
            "document_description": f"Prepared for {rep_name(self.user)} on {human_date(self.on)}",
            "org_name": org_name(),
            "internal": True,
            "draft": False,
            "rep_name": rep_name(self.user),
            "prepared_on": human_date(self.on),
            "cover_stamp": (
                f"Call kit prepared {human_date(self.on)} for {rep_name(self.user)} · "
                "each piece carries its own approval code"
            ),
            "sections": [
                {
                    "id": f"{document.page.kind}-{document.page.pk}",
                    "title": document.page.get_kind_display(),
                    "detail": document.page.title,
                    "stamp": stamp_text(document.page),
                    "html": document.body_html(in_pack=True),
                }
                for document in documents
            ],
            "request": SimpleNamespace(is_preview=False),
        }

    def html(self):
        return render_to_string(KIT_TEMPLATE, self.context())


def rep_name(user):
    return (user.get_full_name() or user.get_username()).strip()


def last_modified_http(moment):
    """A datetime as the seconds Django's conditional helpers expect."""
    if moment is None:
        return None
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.min, tzinfo=timezone.get_current_timezone())
    return int(moment.timestamp())
