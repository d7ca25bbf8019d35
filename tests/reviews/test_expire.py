"""expire_content withdraws what is past review-by, once; approved messages cascade."""

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import ModelLogEntry, PageLogEntry

import pytest

from reviews import selectors
from reviews.models import ApprovalRecord, ReviewEvent
from reviews.services import withdraw
from tests.assets.factories import EnablementAssetFactory
from tests.reviews.factories import approve, cardiology, draft_message, submit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def approved(obj, *, author, approver):
    obj.save_revision(user=author) if not obj.latest_revision else None
    submit(obj, user=author)
    approve(obj, user=approver)
    obj.refresh_from_db()
    assert obj.live
    return obj


def age(obj, *, review_by):
    """Pretend the approval was given long ago (only the dates move)."""
    type(obj).objects.filter(pk=obj.pk).update(review_by=review_by)
    ApprovalRecord.objects.for_object(obj).update(review_by=review_by)
    obj.refresh_from_db()


def expire(**kwargs):
    out = StringIO()
    call_command("expire_content", stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def message(marketer, reviewer):
    return approved(
        draft_message(author=marketer, owner=marketer), author=marketer, approver=reviewer
    )


@pytest.fixture
def asset_using_message(marketer, second_reviewer, message):
    asset = EnablementAssetFactory(
        title="Cardiac rehab referral guide",
        body=[("approved_message", message)],
        service_lines=[cardiology()],
        content_owner=marketer,
    )
    asset.save_revision(user=marketer)
    return approved(asset, author=marketer, approver=second_reviewer)


def test_expire_content_withdraws_what_is_past_review_by_and_is_idempotent(marketer, message):
    age(message, review_by=TODAY - datetime.timedelta(days=1))
    output = expire()
    assert "1 item(s) expired" in output
    assert message.approval_label in output

    message.refresh_from_db()
    assert not message.live and message.expired
    assert message.approval_code  # the stamp stays: it says what expired
    entry = ModelLogEntry.objects.get(action="reviews.expire")
    assert "review-by date" in entry.data["reason"]
    assert [m.to for m in mail.outbox if "Re-review" in m.subject] == [[marketer.email]]
    assert ReviewEvent.objects.filter(action="expire", object_id=str(message.pk)).count() == 1
    assert list(selectors.due_for_review()) == list(ApprovalRecord.objects.for_object(message))

    # A second run changes nothing.
    logs, emails = ModelLogEntry.objects.count(), len(mail.outbox)
    assert "0 item(s) expired" in expire()
    assert (ModelLogEntry.objects.count(), len(mail.outbox)) == (logs, emails)


def test_content_still_within_review_by_is_left_alone(message):
    age(message, review_by=TODAY)
    assert "0 item(s) expired" in expire()
    message.refresh_from_db()
    assert message.live


def test_dry_run_changes_nothing(message):
    age(message, review_by=TODAY - datetime.timedelta(days=3))
    output = expire(dry_run=True)
    assert "would expire" in output and "1 item(s)" in output
    message.refresh_from_db()
    assert message.live


def test_an_expired_message_takes_the_assets_that_use_it_down(
    marketer, message, asset_using_message
):
    age(message, review_by=TODAY - datetime.timedelta(days=1))
    expire()
    asset_using_message.refresh_from_db()
    assert not asset_using_message.live
    assert not asset_using_message.expired  # withdrawn because of the message, not itself
    entry = PageLogEntry.objects.get(page=asset_using_message, action="reviews.withdraw")
    assert "Rehab access" in entry.data["reason"] and "expired" in entry.data["reason"]
    record = ApprovalRecord.objects.for_object(asset_using_message).get()
    assert record.withdrawn_at is not None and record.withdrawal_reason.startswith("Withdrawn:")
    owners_mail = [m for m in mail.outbox if "Cardiac rehab referral guide" in m.subject]
    assert owners_mail and owners_mail[0].to == [marketer.email]


def test_withdrawing_a_message_in_the_admin_cascades_too(
    client, admin_user, message, asset_using_message
):
    from django.urls import reverse

    client.force_login(admin_user)
    response = client.post(
        reverse("wagtailsnippets_cms_approvedmessage:unpublish", args=[message.pk])
    )
    assert response.status_code == 302
    message.refresh_from_db()
    asset_using_message.refresh_from_db()
    assert not message.live and not asset_using_message.live
    assert ReviewEvent.objects.filter(action="withdraw").count() == 2


def test_expiring_soon_lists_the_next_30_days(marketer, reviewer, message):
    later = approved(
        draft_message(author=marketer, title="Later"), author=marketer, approver=reviewer
    )
    age(message, review_by=TODAY + datetime.timedelta(days=30))
    age(later, review_by=TODAY + datetime.timedelta(days=31))
    assert [record.object_label for record in selectors.expiring_soon()] == ["Rehab access"]


def test_withdraw_is_a_no_op_on_content_that_is_not_live(marketer):
    draft = draft_message(author=marketer)
    assert withdraw(obj=draft, reason="Not needed") is False
