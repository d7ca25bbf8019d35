"""The rep glossary page and the admin import/export views."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from glossary.models import GlossaryTerm
from tests.glossary.factories import GlossaryTermFactory

HEADER = "service_line,preferred,variants,kind,definition,plain_language,case_sensitive,notes\n"


@pytest.fixture
def library(home_page):
    from assets.services import ensure_library

    return ensure_library(home=home_page)


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def glossary_url(library, slug):
    return f"{library.url}glossary/{slug}/"


# The rep glossary page


def test_a_rep_reads_the_approved_glossary_of_a_service_line(
    rep_client, library, cardiology, orthopedics, rehab_term, prior_auth_term
):
    GlossaryTermFactory(
        service_line=cardiology, preferred="TAVR", kind="acronym", variants="TAVI", approved=True
    )
    GlossaryTermFactory(service_line=cardiology, preferred="Draft term", variants="draft words")
    GlossaryTermFactory(
        service_line=orthopedics, preferred="Joint Replacement Program", approved=True
    )
    GlossaryTermFactory(
        service_line=cardiology,
        preferred="Expired term",
        approved=True,
        approved__review_by=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = rep_client.get(glossary_url(library, "cardiology"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Cardiology glossary</h1>" in html
    for text in (
        "Cardiac Rehabilitation Program",
        "What it means for patients.",  # plain language
        "What the term means.",  # definition
        "<li>cardiac rehab</li>",  # don't say
        "<li>heart rehab</li>",
        "TAVR",
        "prior authorization",  # global terms apply everywhere
        rehab_term.approval_label,
    ):
        assert text in html
    for text in ("Draft term", "Joint Replacement Program", "Expired term"):
        assert text not in html
    assert html.index("Program names") < html.index("Acronyms") < html.index("Across all")
    assert f'href="{glossary_url(library, "orthopedics")}"' in html
    assert "private" in response["Cache-Control"]


def test_an_unknown_service_line_is_a_friendly_404(rep_client, library, cardiology, rehab_term):
    response = rep_client.get(glossary_url(library, "podiatry"))
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no service line called “podiatry”." in html
    assert f'href="{glossary_url(library, "cardiology")}"' in html


def test_a_service_line_without_approved_terms(rep_client, library, orthopedics):
    response = rep_client.get(glossary_url(library, "orthopedics"))
    assert response.status_code == 200
    assert "There are no approved terms for Orthopedics yet." in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, library, cardiology):
    response = client.get(glossary_url(library, "cardiology"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# Admin import and export


@pytest.fixture
def marketer_client(client, marketer):
    client.force_login(marketer)
    return client


def upload(text, name="glossary.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_the_import_page_imports_drafts(marketer_client, cardiology):
    url = reverse("glossary_admin:import")
    assert marketer_client.get(url).status_code == 200
    response = marketer_client.post(
        url, {"file": upload(HEADER + "cardiology,TAVR,TAVI,acronym,,,true,\n")}
    )
    assert response.status_code == 302
    term = GlossaryTerm.objects.get()
    assert (term.preferred, term.live, term.case_sensitive) == ("TAVR", False, True)


def test_the_import_page_lists_every_error_and_imports_nothing(marketer_client, cardiology):
    text = HEADER + "cardiology,TAVR,TAVI,acronym,,,true,\n" + "cardiology,,x,acronym,,,,\n"
    response = marketer_client.post(reverse("glossary_admin:import"), {"file": upload(text)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported." in html and "line 3: “preferred” is empty" in html
    assert not GlossaryTerm.objects.exists()


def test_the_import_page_refuses_a_file_that_is_not_text(marketer_client, cardiology):
    response = marketer_client.post(
        reverse("glossary_admin:import"),
        {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00garbage")},
    )
    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_reviewers_cannot_import(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("glossary_admin:import")).status_code in (302, 403)


def test_the_export_view_gives_the_import_format(marketer_client, cardiology, rehab_term):
    response = marketer_client.get(reverse("glossary_admin:export"), {"service_line": "cardiology"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        HEADER.strip(),
        "cardiology,Cardiac Rehabilitation Program,cardiac rehab|heart rehab,program_name,"
        "What the term means.,What it means for patients.,false,",
    ]


@pytest.mark.parametrize("params", [{"service_line": "nope"}, {"version": "everything"}])
def test_the_export_view_rejects_bad_parameters(marketer_client, params):
    assert marketer_client.get(reverse("glossary_admin:export"), params).status_code == 400


def test_the_term_listing_links_import_and_export(marketer_client, rehab_term):
    html = marketer_client.get(
        reverse("wagtailsnippets_glossary_glossaryterm:list")
    ).content.decode()
    assert reverse("glossary_admin:import") in html
    assert reverse("glossary_admin:export") in html


def test_the_term_listing_exports_a_report(marketer_client, rehab_term):
    url = reverse("wagtailsnippets_glossary_glossaryterm:list")
    response = marketer_client.get(url, {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    header, row = body.splitlines()[:2]
    assert header.startswith("Preferred term,Service line,Kind,Don't say")
    assert row.startswith("Cardiac Rehabilitation Program,Cardiology,Program name,")
    assert rehab_term.approval_label in row
