"""The consistency report and the drift view (admin reports with CSV export)."""

import csv
import io

from django.urls import reverse

import pytest

from cms.models import ServiceLinePage
from glossary import reports
from tests.glossary.factories import GlossaryTermFactory, MessageFactory
from tests.reviews.factories import approve_now


@pytest.fixture
def public_page(home_page, cardiology):
    """A live public landing page for cardiology, worded with a variant."""
    page = ServiceLinePage(
        title="Heart care",
        slug="heart-care",
        service_line=cardiology,
        intro="Heart rehab close to home.",
        body=[("paragraph", "<p>Our Cardiac Rehabilitation Program has three sites.</p>")],
    )
    home_page.add_child(instance=page)
    approve_now(page)
    return page


@pytest.fixture
def sales_asset(home_page, cardiology):
    """A live one-pager in the library, worded with another variant."""
    from tests.assets.factories import EnablementAssetFactory

    return EnablementAssetFactory(
        title="Cardiac rehab one-pager",
        service_lines=[cardiology],
        body=[("paragraph", "<p>Refer patients to cardiac rehab after discharge.</p>")],
        approved=True,
    )


@pytest.fixture
def compliance_client(client, reviewer):
    client.force_login(reviewer)
    return client


# Consistency


def test_consistency_covers_live_content_grouped_by_where_it_sits(
    rehab_term, public_page, sales_asset, cardiology
):
    MessageFactory(title="Draft only", text="heart rehab", service_lines=[cardiology])
    rows = reports.consistency_findings()
    assert [(row.channel, row.content.title, row.path, row.found) for row in rows] == [
        ("public", "Heart care", "intro", "Heart rehab"),
        ("sales", "Cardiac rehab one-pager", "title", "Cardiac rehab"),
        ("sales", "Cardiac rehab one-pager", "body[0].paragraph", "cardiac rehab"),
    ]
    (summary,) = reports.summary_by_term(rows)
    assert summary.term == "Cardiac Rehabilitation Program (Cardiology)"
    assert summary.by_channel == [1, 2, 0]


def test_the_report_page_groups_by_term_and_channel(
    compliance_client, rehab_term, prior_auth_term, public_page, sales_asset
):
    response = compliance_client.get(reverse("glossary_admin:consistency"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cardiac Rehabilitation Program (Cardiology)" in html
    assert "“Heart rehab”" in html and "body[0].paragraph" in html
    assert "Public site" in html and "Sales material" in html

    response = compliance_client.get(reverse("glossary_admin:consistency"), {"channel": "public"})
    html = response.content.decode()
    assert "“Heart rehab”" in html and "body[0].paragraph" not in html


def test_the_report_exports_csv(compliance_client, rehab_term, public_page, sales_asset):
    response = compliance_client.get(reverse("glossary_admin:consistency"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(row["Where"], row["Found"], row["Field"]) for row in rows] == [
        ("Public site", "Heart rehab", "intro"),
        ("Sales material", "Cardiac rehab", "title"),
        ("Sales material", "cardiac rehab", "body[0].paragraph"),
    ]
    assert rows[0]["Use instead"] == "Cardiac Rehabilitation Program"


def test_hostile_filter_values_are_ignored_not_errors(compliance_client, rehab_term):
    url = reverse("glossary_admin:consistency")
    for params in ({"channel": "<script>"}, {"term": "'; drop table"}, {"p": "999"}):
        assert compliance_client.get(url, params).status_code == 200


def test_reports_need_the_report_permission(client, rep, marketer, reviewer):
    url = reverse("glossary_admin:consistency")
    client.force_login(rep)
    assert client.get(url).status_code in (302, 403)
    for user in (marketer, reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert client.get(reverse("glossary_admin:drift")).status_code == 200


def test_the_report_is_recomputed_when_content_changes(rehab_term, public_page, cardiology):
    assert len(reports.consistency_findings()) == 1
    approve_now(MessageFactory(text="Book heart rehab now.", service_lines=[cardiology]))
    assert len(reports.consistency_findings()) == 2


# Drift


def test_term_drift_when_public_and_sales_word_a_term_differently(
    rehab_term, public_page, sales_asset
):
    (drift,) = [row for row in reports.drift_rows() if row.kind == "term"]
    assert drift.term_id == rehab_term.pk
    assert dict(drift.public_wordings) == {"heart rehab": 1, "Cardiac Rehabilitation Program": 1}
    assert dict(drift.sales_wordings) == {"cardiac rehab": 2}


def test_no_term_drift_when_both_sides_use_the_same_wording(
    rehab_term, home_page, cardiology, sales_asset
):
    page = ServiceLinePage(
        title="Heart care", slug="heart-care", service_line=cardiology, intro="Cardiac rehab."
    )
    home_page.add_child(instance=page)
    approve_now(page)
    assert [row for row in reports.drift_rows() if row.kind == "term"] == []


def test_message_drift_finds_an_edited_copy(home_page, cardiology):
    message = MessageFactory(
        title="Seen fast",
        text="Most referred patients are seen within five business days.",
        service_lines=[cardiology],
        approved=True,
    )
    page = ServiceLinePage(
        title="Heart care",
        slug="heart-care",
        service_line=cardiology,
        intro="Welcome.",
        body=[
            ("approved_message", message),
            (
                "paragraph",
                "<p>Good news: most referred patients are seen within 7 business days.</p>",
            ),
            ("paragraph", "<p>Most referred patients are seen within five business days.</p>"),
        ],
    )
    home_page.add_child(instance=page)
    approve_now(page)
    (drift,) = reports.message_drift()
    assert drift.message_id == message.pk
    assert drift.path == "body[1].paragraph"
    assert drift.copy_text == "most referred patients are seen within 7 business days"
    assert drift.changes == "“five” → “7”"
    assert drift.content.channel == "public"


def test_the_drift_view_and_its_csv(compliance_client, rehab_term, public_page, sales_asset):
    url = reverse("glossary_admin:drift")
    html = compliance_client.get(url).content.decode()
    assert "Glossary term" in html and "“cardiac rehab” ×2" in html
    body = b"".join(compliance_client.get(url, {"export": "csv"}).streaming_content).decode()
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["Kind"] == "Glossary term"
    assert row["Term or message"] == "Cardiac Rehabilitation Program (Cardiology)"
    assert "Sales: “cardiac rehab” ×2" in row["How it differs"]


def test_drafts_never_appear_in_the_reports(rehab_term, cardiology, home_page):
    page = ServiceLinePage(
        title="Draft", slug="draft", service_line=cardiology, intro="Heart rehab.", live=False
    )
    home_page.add_child(instance=page)
    page.save_revision()
    GlossaryTermFactory(preferred="Unapproved", variants="draft")
    assert reports.consistency_findings() == []
    assert reports.drift_rows() == []
