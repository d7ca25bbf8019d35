"""Review's domain signals: sent once, by the service that did the work."""

import datetime

from django.utils import timezone

import pytest

from reviews.events import approval_live, content_withdrawn
from reviews.models import ApprovalRecord
from reviews.services import expire_content
from tests.reviews.factories import approve, draft_message, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    events = []

    def on_live(sender, obj, record, **kwargs):
        events.append(("live", obj.pk, record.label))

    def on_withdrawn(sender, obj, reason, expired, **kwargs):
        events.append(("withdrawn", obj.pk, reason, expired))

    approval_live.connect(on_live, dispatch_uid="test-live")
    content_withdrawn.connect(on_withdrawn, dispatch_uid="test-withdrawn")
    yield events
    approval_live.disconnect(dispatch_uid="test-live")
    content_withdrawn.disconnect(dispatch_uid="test-withdrawn")


def test_an_approval_going_live_is_announced_once(marketer, reviewer, heard):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    approve(message, user=reviewer)
    record = ApprovalRecord.objects.for_object(message).get()
    assert heard == [("live", message.pk, record.label)]


def test_an_expiry_is_announced_once_as_an_expiry(marketer, reviewer, heard):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    approve(message, user=reviewer)
    heard.clear()
    expire_content(today=timezone.localdate() + datetime.timedelta(days=800))
    assert len(heard) == 1 and heard[0][0] == "withdrawn" and heard[0][3] is True
    assert "review-by date" in heard[0][2]


def test_unpublishing_in_the_admin_is_announced_and_recorded(
    client, admin_user, marketer, reviewer, heard
):
    from django.urls import reverse

    message = draft_message(author=marketer)
    submit(message, user=marketer)
    approve(message, user=reviewer)
    heard.clear()
    client.force_login(admin_user)
    client.post(reverse("wagtailsnippets_cms_approvedmessage:unpublish", args=[message.pk]))
    message.refresh_from_db()
    assert not message.live
    assert heard == [("withdrawn", message.pk, "Unpublished in the admin.", False)]
    record = ApprovalRecord.objects.for_object(message).get()
    assert record.withdrawal_reason == "Withdrawn: Unpublished in the admin."


def test_a_library_items_pdf_is_queued_once_per_approval(
    marketer, reviewer, home_page, monkeypatch, django_capture_on_commit_callbacks
):
    from assets.pdf import tasks
    from assets.services import ensure_library
    from tests.assets.factories import EnablementAssetFactory

    queued = []

    class Counting:
        def enqueue(self, page_id):
            queued.append(page_id)

    monkeypatch.setattr(tasks, "prerender_item_pdf", Counting())
    ensure_library(home=home_page)
    asset = EnablementAssetFactory(owner=marketer)
    asset.save_revision(user=marketer)
    submit(asset, user=marketer)
    with django_capture_on_commit_callbacks(execute=True):
        approve(asset, user=reviewer)
    assert queued == [asset.pk]
