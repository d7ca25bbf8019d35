"""A sales rep finds the one-pager for a call, downloads its PDF and builds a call pack."""

import io
from urllib.parse import parse_qs, urlparse

import pytest
from pypdf import PdfReader

from assets.models import UsageEvent
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import PASSWORD
from tests.e2e.conftest import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pdf_text(data):
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def one_pagers(organisation):
    def one_pager(title, summary, line, stage, segment):
        return EnablementAssetFactory(
            title=title,
            summary=summary,
            service_lines=[line],
            stages=[stage],
            segments=[segment],
            approved=True,
        )

    o = organisation
    return {
        "match": one_pager(
            "Cardiac rehabilitation for referring physicians",
            "Referral criteria and what patients hear after a referral.",
            o.cardiology,
            o.evaluation,
            o.physician,
        ),
        "other_line": one_pager(
            "Joint replacement referrals",
            "Referral criteria for orthopedic surgery.",
            o.orthopedics,
            o.evaluation,
            o.physician,
        ),
        "other_stage": one_pager(
            "Heart health at a glance",
            "An introduction to cardiology referrals.",
            o.cardiology,
            o.awareness,
            o.physician,
        ),
        "other_segment": one_pager(
            "Cardiac rehabilitation coverage for health plans",
            "Coverage and referral criteria for plan partners.",
            o.cardiology,
            o.evaluation,
            o.health_plan,
        ),
    }


def test_rep_filters_searches_downloads_the_pdf_and_builds_a_call_pack(page, one_pagers, rep):
    match = one_pagers["match"]
    login(page, "rep", PASSWORD)
    page.goto("/library/")
    for item in one_pagers.values():
        assert page.get_by_role("link", name=item.title).count() >= 1

    # A changed filter applies at once (the options say how many items each gives).
    for label, value in (
        ("Service line", "cardiology"),
        ("Stage", "evaluation"),
        ("Buyer", "referring-physician"),
    ):
        with page.expect_navigation():
            page.get_by_label(label).select_option(value)
    page.get_by_label("Search").fill("referral criteria")
    page.get_by_role("button", name="Show material").click()
    page.wait_for_url("**/library/?*")
    query = parse_qs(urlparse(page.url).query)
    assert query["service_line"] == ["cardiology"] and query["q"] == ["referral criteria"]
    assert page.get_by_role("heading", level=2, name="1 item").is_visible()
    for key in ("other_line", "other_stage", "other_segment"):
        assert page.get_by_role("link", name=one_pagers[key].title).count() == 0
    assert axe_violations(page) == []

    page.get_by_role("link", name=match.title, exact=True).click()
    page.wait_for_url(f"**{match.url}")
    assert page.get_by_role("heading", level=1).inner_text() == match.title
    page.get_by_text(match.approval_label).first.wait_for()
    assert axe_violations(page) == []

    pdf_link = page.get_by_role("link", name="Download PDF")
    response = page.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert match.approval_code in text and match.title in text.replace("\n", " ")

    page.go_back()
    pack_link = page.get_by_role("link", name="Download the call pack (PDF)")
    response = page.request.get(pack_link.get_attribute("href"))
    assert response.ok
    text = pdf_text(response.body())
    assert match.approval_code in text
    assert one_pagers["other_line"].approval_code not in text
    assert UsageEvent.objects.filter(kind="pack", page=match).count() == 1
