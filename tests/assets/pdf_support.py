"""PDFs in tests: read back through pypdf as a reader would see them, content to put in
them, and ``stub_pdf_renderer`` for tests that don't need WeasyPrint's layout."""

import datetime
import io
import re
import textwrap
from html.parser import HTMLParser

from django.utils import timezone
from django.utils.text import slugify

from wagtail.rich_text import RichText

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

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


# --- A stand-in for WeasyPrint ---------------------------------------------------------

# The HTML of each render by ``stub_render`` in this test (``stub_pdf_renderer``).
STUB_RENDERS = []


@pytest.fixture
def stub_pdf_renderer(settings):
    """PDFs made by ``stub_render`` instead of WeasyPrint, for this test.

    For tests that check status codes, headers, caching, permissions or counts: the
    whole PDF path runs as usual (cache, lock, retries, ``check_pdf``, the "Rendered a
    PDF" log line) except the render process. Tests of layout or of what a page shows
    (stamps, margin boxes, pages, fonts) keep real renders. Returns the HTML of each
    render, in order.
    """
    settings.CONCORD_PDF_RENDERER = "tests.assets.pdf_support.stub_render"
    STUB_RENDERS.clear()
    yield STUB_RENDERS
    STUB_RENDERS.clear()


def stub_render(html, *, base_url, timeout=None, policy=None):
    """A tiny, whole PDF with the text of ``html``'s body, in milliseconds.

    One line of Helvetica per block of text, so ``pdf_text`` reads the text back. No
    layout: margin boxes (stamps, notices, page numbers) come from CSS and are not in it.
    """
    STUB_RENDERS.append(html)
    reader = _BodyText()
    reader.feed(html or "")
    reader.close()
    lines = [
        wrapped
        for block in "".join(reader.parts).split("\n")
        for wrapped in textwrap.wrap(" ".join(block.split()), 100)
    ]
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    for start in range(0, max(len(lines), 1), 60):
        page = writer.add_blank_page(width=612, height=792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        operations = [b"BT /F1 9 Tf 11 TL 36 756 Td"]
        operations += [b"(" + _pdf_string(line) + b") Tj T*" for line in lines[start : start + 60]]
        stream = DecodedStreamObject()
        stream.set_data(b"\n".join([*operations, b"ET"]))
        page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _BodyText(HTMLParser):
    """The text of an HTML document's body; a line break at each block element."""

    SKIPPED = frozenset({"head", "style", "script", "title"})
    BLOCKS = frozenset(
        {"p", "div", "section", "article", "header", "footer", "li", "tr", "br", "table"}
        | {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote", "figcaption"}
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _pdf_string(text):
    """``text`` as the bytes of a PDF literal string in WinAnsiEncoding."""
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


# --- Content for PDF tests: small, focused, published and stamped like reviews does --------

APPROVED_AT = datetime.datetime(2026, 1, 12, 10, 0, tzinfo=datetime.UTC)


def stamp(obj, code, version=1, *, review_by=None):
    """Set the approval stamp the PDFs show (approved on ``APPROVED_AT``), as ``reviews``
    saves a stamp (``restamp``)."""
    from tests.reviews.factories import restamp

    return restamp(
        obj,
        approval_code=code,
        approval_version=version,
        approved_at=APPROVED_AT,
        review_by=review_by or timezone.localdate() + datetime.timedelta(days=300),
    )


def publish(obj, code=None, version=1, **kwargs):
    """Approve and publish ``obj`` through the real service (``approve_now``); with a
    ``code``, then set the stamp the PDFs show (``stamp``)."""
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
