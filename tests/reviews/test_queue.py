"""The reviewer's queue on the dashboard: what waits for me, how long, and when it's due."""

import datetime

from django.urls import reverse
from django.utils import timezone

from wagtail.models import TaskState

import pytest

from reviews import selectors
from reviews.services import add_business_days
from tests.reviews.factories import approve, draft_message, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(marketer):
    message = draft_message(author=marketer, title="Heart failure clinic access")
    submit(message, user=marketer)
    return message


def test_the_queue_lists_what_waits_for_me_with_its_due_date(reviewer, waiting):
    [item] = selectors.review_queue(user=reviewer)
    assert item.object == waiting
    started = timezone.localtime(item.waiting_since).date()
    assert item.due == add_business_days(started, 5)
    assert not item.overdue
    # Messages are public: compliance and clinical review them in parallel.
    assert [(review.label, review.state) for review in item.groups] == [
        ("Clinical reviewers", "Waiting"),
        ("Compliance reviewers", "Waiting"),
    ]
    assert (item.votes, item.required) == (0, 2)


def test_items_past_the_sla_are_overdue(reviewer, waiting):
    TaskState.objects.filter(status="in_progress").update(
        started_at=timezone.now() - datetime.timedelta(days=10)
    )
    [item] = selectors.review_queue(user=reviewer)
    assert item.overdue


def test_my_own_submissions_and_approved_items_are_not_in_my_queue(
    dual_role_user, reviewer, marketer, waiting
):
    own = draft_message(author=dual_role_user, title="Own work")
    submit(own, user=dual_role_user)
    assert [item.title for item in selectors.review_queue(user=dual_role_user)] == [
        "Heart failure clinic access"
    ]
    approve(waiting, user=reviewer)
    assert [item.title for item in selectors.review_queue(user=reviewer)] == ["Own work"]
    assert selectors.review_queue(user=marketer) == []


def test_the_dashboard_panel_shows_the_queue_to_reviewers_only(client, reviewer, marketer, waiting):
    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your review queue" in html
    assert "Heart failure clinic access" in html
    workspace_url = reverse("reviews_workspace", args=["cms", "approvedmessage", waiting.pk])
    assert f'href="{workspace_url}"' in html
    assert "5 business days" in html
    # Wagtail's own "Awaiting your review" panel is replaced by this one.
    assert "Awaiting your review" not in html
    # The reviewer can open the item from the queue, and in the editor.
    assert client.get(workspace_url).status_code == 200
    edit_url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[waiting.pk])
    assert client.get(edit_url).status_code == 200

    client.force_login(marketer)
    assert "Your review queue" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_business_days_skip_weekends():
    friday = datetime.date(2026, 11, 27)
    assert friday.weekday() == 4
    assert add_business_days(friday, 1) == datetime.date(2026, 11, 30)
    assert add_business_days(friday, 5) == datetime.date(2026, 12, 4)
