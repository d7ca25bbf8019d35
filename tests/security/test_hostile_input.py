"""Hostile input gets a clear 4xx or a validation message — never a 500 — and
nothing is half-saved.

Query strings on the library, its API and the call pack; markup typed by a rep or a
marketer, shown escaped wherever it appears; uploads that lie about their type or
are too large; malformed glossary files.
"""

import json

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wagtail.documents.models import Document

import pytest

from assets.models import Objection
from glossary.models import GlossaryTerm
from tests.assets.factories import EnablementAssetFactory

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE wagtailcore_page; -- \" OR 1=1"
LONG = "a" * 10_000

# (parameter, value) pairs that must each give a clear answer.
HOSTILE_PARAMETERS = [
    ("q", SQL),
    ("q", XSS),
    ("q", LONG),
    ("q", "\x00\x01\x7f"),
    ("q", "%00%27%22"),
    ("q", "AND OR NOT ( ) * \" ' : ~ ^ -"),
    ("q", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ünïcödé 中文 🙂"),
    ("service_line", "no-such-line"),
    ("service_line", SQL),
    ("service_line", LONG),
    ("stage", "../../etc/passwd"),
    ("segment", XSS),
    ("kind", "not-a-kind"),
    ("kind", LONG),
    ("sort", "-id; DELETE"),
    ("sort", "__class__"),
    ("page", "-1"),
    ("page", "0"),
    ("page", "abc"),
    ("page", "9" * 50),
    ("page", "1e9"),
    ("page_size", "0"),
    ("page_size", "501"),
    ("page_size", "-5"),
    ("page_size", "NaN"),
    ("page_size", "9" * 50),
]


@pytest.fixture
def rep_client(world, rep):
    client = Client()
    client.force_login(rep)
    return client


@pytest.fixture
def marketer_client(world, marketer):
    client = Client()
    client.force_login(marketer)
    return client


@pytest.fixture
def editor_client(marketer):
    """A marketer without the library world: uploads and imports need no content."""
    client = Client()
    client.force_login(marketer)
    return client


def no_raw_markup(response):
    text = response.content.decode(errors="replace")
    return "<script>alert(" not in text and "<img src=x onerror" not in text


@pytest.mark.parametrize("target", ["library", "api", "pack"], ids=["library", "api", "pack.pdf"])
def test_hostile_query_parameters_get_a_clear_answer(rep_client, world, target):
    paths = {
        "library": world.library.url,
        "api": reverse("library_api"),
        "pack": world.library.url + "pack.pdf",
    }
    answers = []
    for name, value in HOSTILE_PARAMETERS:
        response = rep_client.get(paths[target], {name: value})
        answers.append((name, value[:20], response.status_code))
        assert response.status_code in (200, 400, 404), (name, value[:40], response.status_code)
        if target == "api":
            # JSON, never sniffed as HTML: echoed values are data.
            assert response["Content-Type"] == "application/json", (name, value[:40])
            assert response.get("X-Content-Type-Options") == "nosniff"
            if response.status_code == 400:
                assert "error" in json.loads(response.content)
        else:
            assert no_raw_markup(response), (name, value[:40])
    # Repeated and array-style parameters too.
    response = rep_client.get(
        paths[target] + "?service_line=cardiology&service_line=x&kind[]=faq&q=a&q=b"
    )
    assert response.status_code in (200, 400, 404)


def test_long_and_unknown_values_are_refused_with_400(rep_client, world):
    for params in ({"q": LONG}, {"kind": "not-a-kind"}, {"service_line": "no-such-line"}):
        assert rep_client.get(world.library.url, params).status_code == 400, params
        response = rep_client.get(reverse("library_api"), params)
        assert response.status_code == 400, params
    for size in ("0", "501", "abc"):
        assert rep_client.get(reverse("library_api"), {"page_size": size}).status_code == 400


def test_markup_in_an_objection_a_rep_logs_is_escaped_for_marketers(
    rep_client, marketer_client, world
):
    response = rep_client.post(
        world.library.url + "objections/log/",
        {
            "verbatim": XSS,
            "service_line": "cardiology",
            "stage": "awareness",
            "segment": "referring-physician",
            "category": "",
            "next": "javascript:alert(1)",
        },
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("javascript:")
    objection = Objection.objects.get(verbatim=XSS)

    listing = marketer_client.get(reverse("wagtailsnippets_assets_objection:list"))
    edit = marketer_client.get(
        reverse("wagtailsnippets_assets_objection:edit", args=[objection.pk])
    )
    report = marketer_client.get(reverse("assets_reports:objection_review"))
    for response in (listing, edit, report):
        assert response.status_code == 200
        assert no_raw_markup(response)
    assert "&lt;script&gt;" in listing.content.decode()

    # Too long a verbatim is a form error, and nothing is saved.
    count = Objection.objects.count()
    response = rep_client.post(
        world.library.url + "objections/log/",
        {
            "verbatim": LONG,
            "service_line": "cardiology",
            "stage": "awareness",
            "segment": "referring-physician",
        },
    )
    assert response.status_code == 200 and Objection.objects.count() == count


def test_markup_in_an_asset_title_and_summary_is_escaped_everywhere(
    rep_client, marketer_client, world
):
    asset = EnablementAssetFactory(
        title=f"Referral guide {XSS}",
        slug="referral-guide-markup",
        summary=f"Summary {XSS}",
        service_lines=[world.cardiology],
        stages=[world.stage],
        segments=[world.segment],
        approved=True,
    )
    for response in (
        rep_client.get(world.library.url),
        rep_client.get(world.library.url, {"q": "Referral guide"}),
        rep_client.get(asset.url),
        marketer_client.get(reverse("wagtailadmin_explore", args=[world.library.pk])),
        marketer_client.get(reverse("wagtailadmin_pages:edit", args=[asset.pk])),
    ):
        assert response.status_code == 200
        assert no_raw_markup(response)

    response = rep_client.get(reverse("library_api"))
    assert response["Content-Type"] == "application/json"
    titles = [item["title"] for item in json.loads(response.content)["results"]]
    assert f"Referral guide {XSS}" in titles  # data, served as JSON, never as HTML
    assert response.get("X-Content-Type-Options") == "nosniff"


def upload(client, name, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": root_collection_id(),
        },
    )


def root_collection_id():
    from wagtail.models import Collection

    return Collection.get_first_root_node().pk


@pytest.mark.parametrize(
    "name, content",
    [
        ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("slides.pptx", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("notes.txt", b"MZ\x90\x00" + b"\x00" * 64),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 64),
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ],
    ids=["exe-as-pdf", "elf-as-pptx", "exe-as-txt", "exe", "html"],
)
def test_a_document_that_lies_about_its_type_is_refused(editor_client, name, content):
    before = Document.objects.count()
    response = upload(editor_client, name, content)
    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors.get("file"), response.context["form"].errors
    assert Document.objects.count() == before


def test_a_real_pdf_is_accepted(editor_client):
    before = Document.objects.count()
    response = upload(editor_client, "leaflet.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert response.status_code == 302
    assert Document.objects.count() == before + 1


def test_an_oversized_document_is_refused(editor_client):
    before = Document.objects.count()
    content = b"%PDF-1.7\n" + b"0" * settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
    response = upload(editor_client, "huge.pdf", content)
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert Document.objects.count() == before


MALFORMED_GLOSSARY_FILES = {
    "empty": b"",
    "binary": b"MZ\x90\x00\x03\x00\x00\x00\xff\xfe\x00\x00",
    "latin-1": "preferred,definition\nCaf\xe9,x\n".encode("latin-1"),
    "no-header": b"Cardiology,Heart attack,MI,clinical_term\n",
    "wrong-columns": b"name,meaning\nfoo,bar\n",
    "unclosed-quote": (
        b'service_line,preferred,variants,kind\n,"Myocardial infarction,MI,clinical_term\n'
    ),
    "huge-field": b"service_line,preferred,variants,kind\n,"
    + b"x" * 200_000
    + b",,clinical_term\n",
    "bad-kind-mid-file": (
        b"service_line,preferred,variants,kind\n"
        b",Cardiac rehabilitation,cardiac rehab,clinical_term\n"
        b",Heart failure clinic,,not-a-kind\n"
    ),
    "nul-bytes": b"service_line,preferred\x00,variants\n,a\x00b,\n",
    "too-large": b"service_line,preferred\n" + b",term\n" * 400_000,
}


@pytest.mark.parametrize("name", sorted(MALFORMED_GLOSSARY_FILES))
def test_a_malformed_glossary_file_is_refused_whole(editor_client, name):
    before = GlossaryTerm.objects.count()
    response = editor_client.post(
        reverse("glossary_admin:import"),
        {"file": SimpleUploadedFile(f"{name}.csv", MALFORMED_GLOSSARY_FILES[name], "text/csv")},
    )
    assert response.status_code in (200, 400), response.status_code
    assert no_raw_markup(response)
    text = response.content.decode(errors="replace")
    assert "error" in text.lower() or "invalid" in text.lower() or "larger" in text.lower()
    assert GlossaryTerm.objects.count() == before


def test_markup_in_an_imported_glossary_term_is_escaped(editor_client):
    content = (
        f'service_line,preferred,variants,kind,definition\n,"Rehab {XSS}",,clinical_term,"{XSS}"\n'
    ).encode()
    response = editor_client.post(
        reverse("glossary_admin:import"),
        {"file": SimpleUploadedFile("markup.csv", content, "text/csv")},
    )
    assert response.status_code in (200, 302)
    term = GlossaryTerm.objects.filter(preferred__startswith="Rehab").first()
    if term is not None:  # imported as data: shown escaped
        listing = editor_client.get(reverse("wagtailsnippets_glossary_glossaryterm:list"))
        edit = editor_client.get(
            reverse("wagtailsnippets_glossary_glossaryterm:edit", args=[term.pk])
        )
        for page in (listing, edit):
            assert page.status_code == 200 and no_raw_markup(page)
    else:  # refused: a message, not a 500
        assert no_raw_markup(response)
