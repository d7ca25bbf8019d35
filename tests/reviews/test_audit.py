"""The audit trail: every submit, approve, reject, cancel, withdraw and expiry, exportable."""

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from cms import roles
from reviews.models import ReviewEvent
from reviews.services import expire_content, withdraw
from tests.cms.factories import ServiceLineFactory
from tests.reviews.factories import (
    approve,
    cardiology,
    draft_message,
    edit,
    group_approver,
    request_changes,
    submit,
)

pytestmark = pytest.mark.django_db

URL = reverse("reviews_audit_trail")


@pytest.fixture
def history(marketer, reviewer, second_reviewer):
    """One message's whole life, and a cancelled one in another service line."""
    message = draft_message(author=marketer, title="Rehab access")
    submit(message, user=marketer)
    request_changes(message, user=reviewer, comment="Add the registry source.")
    edit(message, user=marketer, source="Cardiac rehab registry, 2025")
    submit(message, user=marketer)
    approve(message, user=second_reviewer, comment="Source checked.")
    message.refresh_from_db()
    withdraw(obj=message, reason="Wording under legal review.")

    ortho = ServiceLineFactory(slug="orthopedics", name="Orthopedics", code="ORTH")
    other = draft_message(author=marketer, title="Joint replacement recovery", service_line=ortho)
    submit(other, user=marketer)
    other.current_workflow_state.cancel(user=marketer)

    expiring = draft_message(author=marketer, title="Heart failure clinic")
    submit(expiring, user=marketer)
    approve(expiring, user=reviewer)
    type(expiring).objects.filter(pk=expiring.pk).update(
        review_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    expire_content()
    return message


def export(client, fmt="csv", **params):
    response = client.get(URL, {"export": fmt, **params})
    assert response.status_code == 200
    if fmt == "csv":
        body = b"".join(response.streaming_content).decode()
        return list(csv.DictReader(io.StringIO(body)))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_export_has_every_review_step_with_who_when_revision_and_comment(
    client, reviewer, marketer, second_reviewer, history
):
    client.force_login(reviewer)
    rows = [row for row in export(client) if row["Content"] == "Rehab access"]
    rows.reverse()  # oldest first
    steps = [(row["Action"], row["Who"], row["Group"]) for row in rows]
    clinician = str(group_approver(roles.CLINICAL))
    assert steps == [
        ("Submitted", str(marketer), ""),
        ("Approved", "Concord (automatic)", ""),  # the terminology gate
        ("Changes requested", str(reviewer), roles.COMPLIANCE),
        ("Submitted", str(marketer), ""),  # resumed at the reviewer's step ...
        # ... where compliance and clinical reviewers approve in parallel ...
        ("Approval vote", str(second_reviewer), roles.COMPLIANCE),
        ("Approved", clinician, roles.CLINICAL),
        ("Approved", "Concord (automatic)", ""),  # ... and the gate re-checks the final revision
        # The approval is recorded first; publishing the approved revision follows.
        ("Approval recorded", clinician, ""),
        ("Published", clinician, ""),
        ("Withdrawn", "Concord (automatic)", ""),
    ]
    by_action = {row["Action"]: row for row in rows}
    assert (
        by_action["Changes requested"]["Comment"]
        == "Compliance reviewers: Add the registry source."
    )
    assert by_action["Withdrawn"]["Comment"] == "Wording under legal review."
    approval = [row for row in rows if row["Who"] == str(second_reviewer)][0]
    assert approval["Comment"] == "Approval 1 of 2; waiting for Clinical reviewers: Source checked."
    assert approval["Revision"] == str(history.live_revision_id or history.latest_revision_id)
    assert by_action["Approval recorded"]["Approval code"] == history.approval_label
    assert all(row["Service lines"] == "CARD" for row in rows)
    assert all(row["When (UTC)"] for row in rows)


def test_cancel_and_expiry_are_in_the_trail(client, reviewer, history):
    client.force_login(reviewer)
    actions = {(row["Action"], row["Content"]) for row in export(client)}
    assert ("Cancelled", "Joint replacement recovery") in actions
    assert ("Expired", "Heart failure clinic") in actions


def test_filters_by_service_line_user_and_date(client, reviewer, marketer, history):
    client.force_login(reviewer)
    ortho = ServiceLineFactory(slug="orthopedics")
    rows = export(client, service_line=ortho.pk)
    assert rows and {row["Content"] for row in rows} == {"Joint replacement recovery"}

    rows = export(client, user=reviewer.pk)
    assert rows and {row["Who"] for row in rows} == {str(reviewer)}

    today = timezone.localdate()
    assert export(client, timestamp_from=(today + datetime.timedelta(days=1)).isoformat()) == []
    assert len(export(client, timestamp_from=today.isoformat())) == ReviewEvent.objects.count()

    rows = export(client, action="reject,cancel")
    assert {row["Action"] for row in rows} == {"Changes requested", "Cancelled"}


def test_xlsx_export_has_the_same_rows(client, reviewer, history):
    client.force_login(reviewer)
    csv_rows = export(client)
    xlsx_rows = export(client, "xlsx")
    assert len(xlsx_rows) == len(csv_rows) == ReviewEvent.objects.count()
    assert [row["Action"] for row in xlsx_rows] == [row["Action"] for row in csv_rows]
    assert isinstance(xlsx_rows[0]["When (UTC)"], datetime.datetime)


def test_the_report_page_lists_events_and_only_auditors_see_it(
    client, reviewer, marketer, rep, history
):
    client.force_login(reviewer)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Review audit trail" in html and "Rehab access" in html
    assert "?export=csv" in html or "export=csv" in html
    # Hostile filter values are a form error, not a crash.
    assert (
        client.get(URL, {"timestamp_from": "not-a-date", "service_line": "x' OR 1=1"}).status_code
        == 200
    )

    client.force_login(marketer)
    assert client.get(URL).status_code in (302, 403)
    client.force_login(rep)
    assert client.get(URL).status_code == 302


def test_reports_for_re_review_are_visible_to_marketers_and_reviewers(
    client, marketer, reviewer, history
):
    for user in (marketer, reviewer):
        client.force_login(user)
        due = client.get(reverse("reviews_due_for_review"))
        assert due.status_code == 200
        html = due.content.decode()
        assert "Heart failure clinic" in html and "Rehab access" in html
        rows = export_records(client, "reviews_due_for_review")
        assert {row["Content"] for row in rows} == {"Heart failure clinic", "Rehab access"}
        assert client.get(reverse("reviews_expiring_soon")).status_code == 200


def export_records(client, name):
    response = client.get(reverse(name), {"export": "csv"})
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_cardiology_fixture_is_shared():
    assert cardiology().code == "CARD"
