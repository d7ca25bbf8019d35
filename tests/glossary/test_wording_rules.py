"""Exceptions, case per variant, brand capitalisation and style rules: stored, imported,
validated and enforced; and glossary files validated once for import and checking."""

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from glossary import csv_io
from glossary.checking import check_object
from glossary.importing import GlossaryImportError, glossary_import_text
from glossary.models import GlossaryTerm
from tests.glossary.factories import MessageFactory
from tests.glossary.test_commands import run
from tests.reviews.factories import approve_now

HEADER = (
    "service_line,preferred,variants,kind,definition,plain_language,case_sensitive,notes,"
    "match_case,exceptions,enforce_capitalisation\n"
)
RULES = HEADER + (
    ",emergency department,ED|emergency room,clinical_term,,,false,,ED,,\n"
    ",internet,Internet,clinical_term,,,false,,Internet,Internet Explorer,\n"
    ",MyChart,My Chart,program_name,,,,,,,true\n"
    ",follow-up care,follow up care,care_pathway_step,,,,,,,\n"
    ",COVID-19,COVID,clinical_term,,,,,,,\n"
    "cardiology,Cardiac Rehabilitation Program,rehab,program_name,,,,,,"
    "Healthy Hearts Rehab Program|rehab nurse,\n"
)
COPY = (
    "Call the ED, not the ed desk or the Emergency Room. Internet Explorer is old; "
    "the Internet is not. Log in to Mychart or My Chart. Book follow up care and "
    "follow-up care. COVID-19 and COVID vaccines. The Healthy Hearts Rehab Program and "
    "the rehab nurse; rehab anywhere else."
)
EXPECTED = [
    ("ED", "emergency department"),
    ("Emergency Room", "emergency department"),
    ("Internet", "internet"),
    ("Mychart", "MyChart"),
    ("My Chart", "MyChart"),
    ("follow up care", "follow-up care"),
    ("COVID", "COVID-19"),
    ("rehab", "Cardiac Rehabilitation Program"),
]


def test_the_rule_columns_are_read(db):
    rows = {row.preferred: row for row in csv_io.parse_glossary(RULES)}
    assert rows["emergency department"].match_case == ("ED",)
    assert rows["internet"].exceptions == ("Internet Explorer",)
    assert rows["MyChart"].enforce_capitalisation is True
    assert rows["Cardiac Rehabilitation Program"].exceptions == (
        "Healthy Hearts Rehab Program",
        "rehab nurse",
    )
    assert rows["COVID-19"].match_case == () and not rows["COVID-19"].enforce_capitalisation


def test_imported_rules_are_stored_and_enforced_once_approved(cardiology, marketer):
    result = glossary_import_text(text=RULES, user=marketer)
    assert len(result.created) == 6
    for term in GlossaryTerm.objects.all():
        approve_now(term.get_latest_revision_as_object())
    term = GlossaryTerm.objects.get(preferred="emergency department")
    assert (term.match_case_list, term.enforce_capitalisation) == (["ED"], False)
    message = MessageFactory(text=COPY, service_lines=[cardiology])
    assert [(f.found, f.preferred) for f in check_object(message)] == EXPECTED


def test_a_glossary_file_with_rules_checks_files_the_same_way(db, tmp_path):
    glossary = tmp_path / "rules.csv"
    glossary.write_text(RULES, encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(COPY, encoding="utf-8")
    status, out, _ = run("check_terminology", "--glossary", str(glossary), str(copy))
    assert status == 1
    assert [line.split(": ", 1)[1] for line in out.splitlines()[:-1]] == [
        f'"{found}" → use "{preferred}"' for found, preferred in EXPECTED
    ]


def test_an_old_file_without_the_rule_columns_still_imports(db):
    old = (
        "service_line,preferred,variants,kind,definition,plain_language,case_sensitive,notes\n"
        ",prior authorization,pre-auth|prior auth,clinical_term,,,false,\n"
    )
    [row] = csv_io.parse_glossary(old)
    assert (row.match_case, row.exceptions, row.enforce_capitalisation) == ((), (), False)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            ",emergency department,emergency room,clinical_term,,,,,ED,,",
            "line 2: “ED” is listed under “match case” but is not one of the variants.",
        ),
        (
            ",internet,Internet,clinical_term,,,,,,Web browser,",
            "line 2: The exception “Web browser” contains none of the variants, so it allows "
            "nothing.",
        ),
        (
            ",MyChart,My Chart,program_name,,,,,,,sometimes",
            "line 2: enforce_capitalisation must be true or false, not “sometimes”",
        ),
    ],
)
def test_bad_rule_cells_are_reported_with_their_line(db, line, message):
    with pytest.raises(csv_io.GlossaryFileError) as caught:
        csv_io.parse_glossary(HEADER + line + "\n")
    assert [str(error) for error in caught.value.errors] == [message]


# A line break inside a cell of variants


def test_a_line_break_inside_a_variants_cell_is_an_error_not_a_merge(db):
    text = (
        HEADER.split(",match_case")[0]
        + "\n"
        + (
            ",prior authorization,pre-auth,clinical_term,,,,\n"
            "cardiology,Cardiac Rehabilitation Program,"
            '"cardiac rehab\nheart rehab",program_name,,,,\n'
            ",TAVR,TAVI,acronym,,,true,\n"
        )
    )
    with pytest.raises(csv_io.GlossaryFileError) as caught:
        csv_io.parse_glossary(text)
    assert [str(error) for error in caught.value.errors] == [
        "line 3: “variants” has a line break inside the cell (Alt+Enter in a spreadsheet), "
        "between “cardiac rehab” and “heart rehab”; separate variants with “|”"
    ]


def test_a_line_break_inside_an_exceptions_cell_is_an_error_too(db):
    text = (
        HEADER + ',internet,Internet,clinical_term,,,,,,"Internet Explorer\r\nInternet Archive",\n'
    )
    with pytest.raises(csv_io.GlossaryFileError, match="line 2: “exceptions” has a line break"):
        csv_io.parse_glossary(text)


def test_a_line_break_in_a_free_text_cell_is_still_fine(db):
    text = HEADER + ',internet,Internet,clinical_term,"Two\nlines.",,,,,,\n'
    [row] = csv_io.parse_glossary(text)
    assert row.definition == "Two\nlines."


# One validation for the import and for check_terminology --glossary

CONFLICTING = HEADER + (
    ",heart failure clinic,HF clinic,program_name,,,,,,,\n"
    ",clinic hours,heart failure clinic,clinical_term,,,,,,,\n"
)


def test_a_file_that_cannot_be_imported_is_not_used_to_check(db, tmp_path):
    glossary = tmp_path / "conflicting.csv"
    glossary.write_text(CONFLICTING, encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text("Our heart failure clinic hours are posted.", encoding="utf-8")

    with pytest.raises(GlossaryImportError) as imported:
        glossary_import_text(text=CONFLICTING)
    status, out, err = run("check_terminology", "--glossary", str(glossary), str(copy))
    assert status == 2 and out == ""
    reported = [line.split(": ", 1)[1] for line in err.splitlines() if "line " in line]
    assert reported == [str(error) for error in imported.value.errors]
    assert reported[0].startswith("line 2: “heart failure clinic” contains")


# The admin form


def test_the_admin_form_saves_the_rules_and_reports_problems_on_their_fields(
    admin_client, cardiology
):
    url = reverse("wagtailsnippets_glossary_glossaryterm:add")
    data = {
        "service_line": cardiology.pk,
        "preferred": "emergency department",
        "kind": "clinical_term",
        "variants": "ED\nemergency room",
        "match_case": "ER",
        "exceptions": "ED Nord",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is listed under “match case” but is not one of the variants" in html
    response = admin_client.post(url, {**data, "match_case": "ED"})
    assert response.status_code == 302
    term = GlossaryTerm.objects.get()
    assert term.as_term().match_case == ("ED",)
    assert term.as_term().exceptions == ("ED Nord",)


def test_model_validation_of_an_exception(cardiology):
    term = GlossaryTerm(
        service_line=cardiology, preferred="internet", variants="Internet", exceptions="Firefox"
    )
    with pytest.raises(ValidationError) as caught:
        term.full_clean()
    assert list(caught.value.message_dict) == ["exceptions"]
