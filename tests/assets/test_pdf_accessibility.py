"""Accessible PDFs: every PDF is a tagged PDF/UA-1 document, read back with pypdf.

Real WeasyPrint renders of a one-pager (with an image and a table), a talk track and a
call pack, downloaded as a rep, and a share link's PDF, downloaded by the buyer. For
each, the test walks the structure tree and checks what a screen reader relies on
(docs/pdfs.md, "Accessibility"): the document's language and title (shown instead of
the file name), the PDF/UA identification, headings in the order of the page, the text
as real text in the tree (not outlines), tables with header cells, and images as
figures with the alt text the content gave them. And an image without alternative text
is a finding in the editor's checks.
"""

import io
import re

from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject

from assets.models.library import Audience, Kind
from cms.accessibility import image_alt_findings
from cms.checks import gate_problems
from tests.assets.pdf_support import (
    make_asset,
    make_objection,
    make_talk_track,
    make_term,
    response_bytes,
)

pytestmark = pytest.mark.django_db

Image = get_image_model()
PACK = "/library/pack.pdf?service_line=sleep-medicine&stage=awareness&segment=referring-physician"


def resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


class Structure:
    """A PDF's catalog and structure tree, flattened in reading order."""

    def __init__(self, content):
        self.reader = PdfReader(io.BytesIO(content))
        self.catalog = resolve(self.reader.trailer["/Root"])
        self.root = resolve(self.catalog["/StructTreeRoot"])
        self.page_text = {}  # (page number, mcid) -> text, from the content streams
        self.elements = []  # (tag, element) in document order
        self._walk(self.root, None)

    def _walk(self, node, page):
        node = resolve(node)
        if isinstance(node, ArrayObject):
            for kid in node:
                self._walk(kid, page)
            return
        if not isinstance(node, DictionaryObject):
            return
        if "/S" in node:
            self.elements.append((str(node["/S"])[1:], node))
        for kid in self._kids(node):
            self._walk(kid, page)

    @staticmethod
    def _kids(node):
        kids = node.get("/K")
        if kids is None:
            return []
        kids = resolve(kids)
        return list(kids) if isinstance(kids, ArrayObject) else [kids]

    def tags(self):
        return [tag for tag, _ in self.elements]

    def text_of(self, element):
        """The real text marked with the element's content ids (its own, not its kids')."""
        page = self._page_number(element)
        texts = self._marked_text(page)
        parts = []
        for kid in self._kids(element):
            kid = resolve(kid)
            if isinstance(kid, NumberObject | int):
                parts.append(texts.get(int(kid), ""))
            elif isinstance(kid, DictionaryObject) and "/S" in kid:
                parts.append(self.text_of(kid))
        return "".join(parts)

    def _page_number(self, element):
        page = resolve(element.get("/Pg"))
        for number, candidate in enumerate(self.reader.pages):
            if candidate.indirect_reference == element.get("/Pg") or candidate == page:
                return number
        return 0

    def _marked_text(self, number):
        if number not in self.page_text:
            texts = {}
            stack = []

            def visitor(operator, args, cm, tm):
                if operator == b"BDC":
                    props = args[1] if len(args) > 1 else {}
                    stack.append(props.get("/MCID") if isinstance(props, dict) else None)
                elif operator == b"EMC" and stack:
                    stack.pop()

            def text_visitor(text, cm, tm, font, size):
                mcids = [mcid for mcid in stack if mcid is not None]
                if mcids and text:
                    texts[int(mcids[-1])] = texts.get(int(mcids[-1]), "") + text

            self.reader.pages[number].extract_text(
                visitor_operand_before=visitor, visitor_text=text_visitor
            )
            self.page_text[number] = texts
        return self.page_text[number]

    def headings(self):
        return [
            (tag, " ".join(self.text_of(element).split()))
            for tag, element in self.elements
            if tag in {"H1", "H2", "H3", "H4", "H5", "H6"}
        ]

    def figures(self):
        return [element for tag, element in self.elements if tag == "Figure"]


def check_document_level(structure, title):
    catalog = structure.catalog
    assert str(catalog["/Lang"]).lower().startswith("en")
    assert catalog["/MarkInfo"]["/Marked"] in (True, "true")
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")
    assert structure.reader.metadata.title == title
    xmp = resolve(catalog["/Metadata"]).get_data().decode()
    assert re.search(r'pdfuaid:part(="1"|>1<)', xmp), xmp  # PDF/UA-1 identification
    assert structure.tags()[0] == "Document"


def check_headings_in_order(structure, expected):
    """``expected`` (tag, text) pairs appear in this order among the document's headings."""
    headings = structure.headings()
    position = 0
    for wanted in expected:
        assert wanted in headings[position:], (wanted, headings)
        position = headings.index(wanted, position) + 1


@pytest.fixture
def taxonomy(sleep, awareness, physician):
    return (sleep, awareness, physician)


@pytest.fixture
def gym(db):
    return Image.objects.create(
        title="Rehab gym",
        file=get_test_image_file(filename="gym.png", size=(200, 120)),
        collection=Collection.get_first_root_node(),
    )


ONE_PAGER_BODY = [
    ("heading", {"text": "Why patients choose home-based rehab", "level": "h2"}),
    ("paragraph", "<p>Two in three patients finish the program at home.</p>"),
    (
        "table",
        {
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "data": [["Program", "Weeks"], ["Home-based", "12"], ["Centre-based", "12"]],
        },
    ),
]


def one_pager(library, taxonomy, gym):
    from wagtail.rich_text import RichText

    body = [
        ONE_PAGER_BODY[0],
        ("paragraph", RichText(ONE_PAGER_BODY[1][1])),
        ("image", {"image": gym, "alt_text": "Patients exercising in the rehab gym"}),
        ONE_PAGER_BODY[2],
    ]
    return make_asset(
        library,
        "Home-based cardiac rehab",
        taxonomy=taxonomy,
        kind=Kind.ONE_PAGER,
        audience=Audience.EXTERNAL,
        body=body,
        code="SLEEP-OP-2026-0001",
    )


def test_a_one_pager_is_tagged_with_headings_table_headers_and_alt_text(
    rep_client, library, taxonomy, gym
):
    asset = one_pager(library, taxonomy, gym)

    response = rep_client.get(asset.url + "pdf/")

    assert response.status_code == 200
    structure = Structure(response_bytes(response))
    check_document_level(structure, "Home-based cardiac rehab")
    check_headings_in_order(
        structure,
        [("H1", "Home-based cardiac rehab"), ("H2", "Why patients choose home-based rehab")],
    )
    paragraphs = [" ".join(structure.text_of(e).split()) for t, e in structure.elements if t == "P"]
    assert "Two in three patients finish the program at home." in paragraphs
    [figure] = structure.figures()
    assert figure["/Alt"] == "Patients exercising in the rehab gym"
    tags = structure.tags()
    assert "Table" in tags and "TH" in tags and "TD" in tags
    headers = [e for t, e in structure.elements if t == "TH"]
    assert [" ".join(structure.text_of(e).split()) for e in headers] == ["Program", "Weeks"]
    cells = [e for t, e in structure.elements if t == "TD"]
    assert all(len(cell["/A"]["/Headers"]) == 1 for cell in cells)  # each cell names its th
    # The heading, then the paragraph, then the figure, then the table: source order.
    order = [
        index
        for index, (tag, element) in enumerate(structure.elements)
        if (tag, " ".join(structure.text_of(element).split()))
        in {
            ("H2", "Why patients choose home-based rehab"),
            ("P", "Two in three patients finish the program at home."),
        }
        or tag in {"Figure", "Table"}
    ]
    assert [structure.elements[index][0] for index in order] == ["H2", "P", "Figure", "Table"]


def test_a_talk_track_is_tagged_with_its_steps_as_headings(rep_client, library, taxonomy):
    objection = make_objection(
        "We already refer to the hospital across town.",
        "Patients keep their cardiologist and start within ten business days.",
        taxonomy=taxonomy,
        code="SLEEP-OBJ-2026-0001",
    )
    track = make_talk_track(
        library,
        "First call with a referring physician",
        taxonomy=taxonomy,
        objections=[objection],
        code="SLEEP-TT-2026-0001",
    )

    response = rep_client.get(track.url + "pdf/")

    assert response.status_code == 200
    structure = Structure(response_bytes(response))
    check_document_level(structure, "First call with a referring physician")
    check_headings_in_order(
        structure,
        [
            ("H1", "First call with a referring physician"),
            ("H2", "Open the call"),
            ("H2", "Ask"),
            ("H2", "Key messages"),
            ("H2", "Next step"),
            ("H2", "Objections to prepare for"),
        ],
    )
    assert "L" in structure.tags() and "LI" in structure.tags()


def test_a_call_pack_is_tagged_with_its_contents_table(rep_client, library, taxonomy, gym):
    one_pager(library, taxonomy, gym)
    make_talk_track(
        library,
        "First call with a referring physician",
        taxonomy=taxonomy,
        code="SLEEP-TT-2026-0002",
    )
    make_term("polysomnography", service_line=taxonomy[0], code="SLEEP-TERM-2026-0001")

    response = rep_client.get(PACK)

    assert response.status_code == 200, response.content[:500]
    structure = Structure(response_bytes(response))
    assert structure.reader.metadata.title
    check_document_level(structure, structure.reader.metadata.title)
    check_headings_in_order(
        structure,
        [
            ("H1", "Sleep Medicine"),
            ("H2", "In this pack"),
            ("H1", "First call with a referring physician"),
            ("H1", "Home-based cardiac rehab"),
            ("H1", "Say it the same way"),
        ],
    )
    contents_headers = [
        " ".join(structure.text_of(e).split()) for t, e in structure.elements if t == "TH"
    ][:3]
    assert contents_headers == ["Section", "Approval", "Page"]
    [figure] = structure.figures()
    assert figure["/Alt"] == "Patients exercising in the rehab gym"


def test_an_image_without_alt_text_is_a_finding(library, taxonomy, gym, client, admin_user):
    # Two images: Wagtail loads one image used twice in a stream as one object, so two
    # blocks with the same image share the alt text of the last one.
    pool = Image.objects.create(
        title="Hydrotherapy pool",
        file=get_test_image_file(filename="pool.png"),
        collection=Collection.get_first_root_node(),
    )
    asset = make_asset(
        library,
        "Rehab gym tour",
        taxonomy=taxonomy,
        body=[
            ("image", {"image": gym, "alt_text": "The rehab gym", "decorative": False}),
            ("image", {"image": pool, "alt_text": "", "decorative": True}),
        ],
    )
    asset = type(asset).objects.get(pk=asset.pk)  # as stored: each block its own image
    findings = image_alt_findings(asset)
    assert findings == [
        "body[1].image: the image “Hydrotherapy pool” is marked decorative, so PDFs and screen "
        "readers get no description of it. Describe it in its alt text, or remove it if it "
        "adds nothing."
    ]
    assert gate_problems(asset) == findings  # what the review gate is offered

    client.force_login(admin_user)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[asset.pk])).content.decode()
    assert 'data-accessibility-findings="1"' in html
    assert "is marked decorative" in html


def test_a_share_pdf_for_a_buyer_is_tagged_too(client, rep, library, taxonomy, gym):
    from shares import services

    asset = one_pager(library, taxonomy, gym)
    share = services.create_share(
        user=rep, pages=[asset], recipient="Dr. Ana Lee", organisation="Riverside Family Medicine"
    )

    response = client.get(f"/s/{share.token}/pdf/")  # the buyer: no account

    assert response.status_code == 200
    structure = Structure(response_bytes(response))
    check_document_level(structure, structure.reader.metadata.title)
    check_headings_in_order(
        structure,
        [
            ("H1", "Prepared for Dr. Ana Lee"),
            ("H1", "Home-based cardiac rehab"),
            ("H2", "Why patients choose home-based rehab"),
        ],
    )
    [figure] = structure.figures()
    assert figure["/Alt"] == "Patients exercising in the rehab gym"
