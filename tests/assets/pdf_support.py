"""Reading PDFs back in tests: page texts through pypdf, the way a reader would see them."""

import datetime
import io
import re

from django.utils import timezone
from django.utils.text import slugify

from wagtail.rich_text import RichText

from pypdf import PdfReader

from assets.models import (
    EnablementAssetPage,
    Objection,
    TalkTrackObjection,
    TalkTrackPage,
)
from assets.models.library import Audience, Kind
from assets.services import ensure_library
from glossary.models import GlossaryTerm

STAMP_RE = re.compile(
    r"[A-Z0-9]+-[A-Z]+-\d{4}-\d{4} v\d+ · Approved \d{1,2} \w+ \d{4} · Review by \d{1,2} \w+ \d{4}"
)


def pdf_pages(content):
    """The text of each page, whitespace collapsed (margin boxes included)."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_text(content):
    return " ".join(pdf_pages(content))


def pdf_attachments(content):
    reader = PdfReader(io.BytesIO(content))
    return {name: data for name, values in reader.attachments.items() for data in values}


def response_bytes(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# --- Content for PDF tests: small, focused, published and stamped like reviews does --------

APPROVED_AT = datetime.datetime(2026, 1, 12, 10, 0, tzinfo=datetime.UTC)


def stamp(obj, code, version=1, *, review_by=None):
    """Write an approval stamp on the live row the way ``reviews`` does (tests only)."""
    obj.approval_code = code
    obj.approval_version = version
    obj.approved_at = APPROVED_AT
    obj.review_by = review_by or timezone.localdate() + datetime.timedelta(days=300)
    fields = ["approval_code", "approval_version", "approved_at", "review_by"]
    if hasattr(obj, "get_parent"):
        obj.save(update_fields=fields, clean=False)
    else:
        obj.save(update_fields=fields)
    return obj


def publish(obj, code=None, version=1, **kwargs):
    """Publish the object's current state as a new revision, then stamp it."""
    from tests.reviews.factories import approve_now

    approve_now(obj)
    if code:
        stamp(obj, code, version, **kwargs)
    return obj


def make_library(home_page):
    """The library at /library/, restricted to the library roles, as in production."""
    return ensure_library(home=home_page)


def make_asset(
    library,
    title,
    *,
    taxonomy,
    kind=Kind.ONE_PAGER,
    audience=Audience.EXTERNAL,
    body=None,
    summary="What it is and when to use it.",
    code=None,
    version=1,
):
    service_line, stage, segment = taxonomy
    page = EnablementAssetPage(
        title=title,
        slug=slugify(title),
        kind=kind,
        audience=audience,
        summary=summary,
        body=body if body is not None else [("paragraph", RichText(f"<p>{title} body.</p>"))],
    )
    page.service_lines = [service_line]
    page.stages = [stage]
    page.segments = [segment]
    library.add_child(instance=page)
    return publish(page, code, version) if code else page


def make_talk_track(library, title, *, taxonomy, objections=(), code=None, key_messages=None):
    service_line, stage, segment = taxonomy
    page = TalkTrackPage(
        title=title,
        slug=slugify(title),
        summary="How to run a first evaluation call with a referring physician.",
        opener="Thank them for the referrals so far and ask how follow-up works today.",
        discovery_questions=[
            (
                "question",
                {
                    "question": "How do patients get to cardiac rehab after discharge today?",
                    "listen_for": "Long drives or waits: lead with the home-based option.",
                },
            )
        ],
        key_messages=key_messages
        or [("talking_point", "Start from what they told you about follow-up.")],
        next_step="Offer to book a 20-minute intake call with the rehab coordinator.",
        nurture_next_step="Offer the monthly update email instead of a booking.",
    )
    page.service_lines = [service_line]
    page.stages = [stage]
    page.segments = [segment]
    page.linked_objections = [TalkTrackObjection(objection=o) for o in objections]
    library.add_child(instance=page)
    return publish(page, code) if code else page


def make_objection(verbatim, response, *, taxonomy, code=None, times_heard=1):
    service_line, stage, segment = taxonomy
    objection = Objection(
        verbatim=verbatim,
        approved_response=response,
        category=Objection.Category.COST,
        status=Objection.Status.DRAFTING,
        times_heard=times_heard,
    )
    objection.service_lines = [service_line]
    objection.stages = [stage]
    objection.segments = [segment]
    objection.save()
    return publish(objection, code) if code else objection


def make_term(preferred, *, service_line, code=None, variants="", definition=""):
    term = GlossaryTerm(
        service_line=service_line,
        preferred=preferred,
        definition=definition or f"What {preferred} means for referring physicians.",
        plain_language=f"{preferred}, in plain words.",
        variants=variants,
        kind=GlossaryTerm.Kind.PROGRAM_NAME,
    )
    term.save()
    return publish(term, code) if code else term
