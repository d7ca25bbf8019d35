"""Drift: a figure that differs from the one a current approved message states."""

import pytest

from cms.models import ApprovedMessage
from reviews.drift import Figure, drift_findings, figures
from reviews.workspace import workspace_url
from tests.assets.factories import EnablementAssetFactory
from tests.reviews.factories import approve_now, edit, submit

pytestmark = pytest.mark.django_db

TEN_DAYS = "Referrals get a first visit within 10 business days, and a nurse call within two."


def approved_message(text=TEN_DAYS, title="Heart failure access"):
    message = ApprovedMessage.objects.create(
        title=title, text=text, kind=ApprovedMessage.Kind.KEY_MESSAGE, live=False
    )
    approve_now(message)
    return ApprovedMessage.objects.get(pk=message.pk)


def test_figures_are_numbers_with_what_they_count():
    assert figures("Seen in 7 business days; 30% fewer readmissions, then 2 weeks.") == [
        Figure("7", "business days"),
        Figure("30", "%"),
        Figure("2", "weeks"),
    ]
    assert figures("Call 1 and 2, at 9 am, v2.1") == []


def test_a_different_number_for_the_same_figure_is_drift(home_page):
    message = approved_message()
    findings = drift_findings("Patients are seen within 7 business days.")
    assert [(str(f.found), str(f.approved), f.message) for f in findings] == [
        ("7 business days", "10 business days", message)
    ]
    assert "the approved message “Heart failure access”" in str(findings[0])


def test_the_same_number_or_another_figure_is_not(home_page):
    approved_message()
    assert drift_findings("A first visit within 10 business days.") == []
    assert drift_findings("Twelve patients in 3 weeks.") == []


def test_withdrawn_or_unapproved_messages_dont_count(home_page):
    ApprovedMessage.objects.create(
        title="Draft", text=TEN_DAYS, kind=ApprovedMessage.Kind.KEY_MESSAGE, live=False
    )
    assert drift_findings("Seen within 7 business days.") == []


def test_the_workspace_shows_the_drift(client, reviewer, marketer, home_page):
    approved_message()
    item = EnablementAssetFactory(title="Heart failure clinic", approved=True)
    edit(item, user=marketer, summary="Every referral is seen within 7 business days.")
    submit(item, user=marketer)
    client.force_login(reviewer)
    html = client.get(workspace_url(item)).content.decode()
    assert "Figures against approved messages" in html
    assert "“7 business days” here; the approved message “Heart failure access”" in html
