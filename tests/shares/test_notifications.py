"""Reps are told when something they shared is withdrawn, expires, is deleted or replaced."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

import pytest

from reviews.services import expire_content, withdraw
from shares import services
from tests.reviews.factories import approve_now, restamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(one_pager, make_share):
    return make_share(one_pager)


def test_withdrawal_is_mailed_once_with_the_links(
    shared, one_pager, rep, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://concord.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(obj=one_pager, reason="Wait times changed")
    (message,) = mail.outbox
    assert message.to == [rep.email]
    assert message.subject == f"Shared item was withdrawn by compliance: {one_pager.title}"
    assert "for Dr. Ana Lee, Riverside Family Medicine" in message.body
    assert f"https://concord.example.org/shares/{shared.pk}/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(obj=one_pager, reason="Again")
    assert len(mail.outbox) == 1


def test_expiry_is_mailed(shared, one_pager, rep, django_capture_on_commit_callbacks):
    restamp(one_pager, review_by=timezone.localdate() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        expire_content()
    (message,) = mail.outbox
    assert "passed its review-by date" in message.subject


def test_a_new_approved_version_is_mailed(shared, one_pager, django_capture_on_commit_callbacks):
    one_pager.body = [("paragraph", "<p>Referrals are seen within 7 business days.</p>")]
    with django_capture_on_commit_callbacks(execute=True):
        approve_now(one_pager)
    (message,) = mail.outbox
    assert "has a newer approved version" in message.subject
    assert "Your links now show the new version" in message.body


def test_deletion_is_mailed(shared, one_pager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        one_pager.delete()
    (message,) = mail.outbox
    assert message.subject == f"Shared item was deleted: {one_pager.title}"


def test_revoked_links_are_not_mentioned(
    shared, one_pager, rep, django_capture_on_commit_callbacks
):
    services.revoke(shared, by=rep)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(obj=one_pager, reason="Wait times changed")
    assert mail.outbox == []


def test_one_mail_per_rep_listing_every_link(
    one_pager, make_share, other_rep, rep, django_capture_on_commit_callbacks
):
    make_share(one_pager)
    make_share(one_pager, recipient="Dr. Bo Chen")
    make_share(one_pager, user=other_rep)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(obj=one_pager, reason="Wait times changed")
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {(rep.email,), (other_rep.email,)}
    body = by_recipient[(rep.email,)].body
    assert "Dr. Ana Lee" in body and "Dr. Bo Chen" in body
