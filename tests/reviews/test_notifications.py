"""Reviewers are e-mailed when work reaches them and when it is overdue; authors when
changes are requested."""

import datetime

from django.core.management import call_command
from django.utils import timezone

import pytest

from reviews.models import ComplianceTaskState, ReviewReminder
from reviews.notifications import remind_overdue
from tests.cms.factories import UserFactory
from tests.reviews.factories import (
    approved_term,
    cardiology,
    draft_message,
    make_reviewer,
    request_changes,
    submit,
)

pytestmark = pytest.mark.django_db


def to(mail):
    return sorted(address for message in mail for address in message.to)


def submitted(author, *, capture, text=None):
    message = draft_message(author=author, title="Rehab access", text=text)
    with capture(execute=True):
        submit(message, user=author)
    return message


def test_the_steps_reviewers_are_told_with_a_link_to_the_workspace(
    reviewer, second_reviewer, marketer, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="no-mail", email="", groups=["Compliance reviewers"])
    UserFactory(username="gone", is_active=False, groups=["Compliance reviewers"])
    message = submitted(marketer, capture=django_capture_on_commit_callbacks)
    mine = [mail for mail in mailoutbox if mail.subject.startswith("Waiting for your review")]
    assert to(mine) == ["compliance2@example.org", "compliance@example.org"]
    body = mine[0].body
    assert "Rehab access" in body and "Submitted by: " in body
    assert f"http://testserver/admin/reviews/cms/approvedmessage/{message.pk}/" in body


def test_the_author_is_not_told_to_review_their_own_work(
    dual_role_user, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(dual_role_user, capture=django_capture_on_commit_callbacks)
    mine = [mail for mail in mailoutbox if mail.subject.startswith("Waiting for your review")]
    assert to(mine) == ["compliance@example.org"]


def test_nothing_is_sent_when_the_gate_sends_it_straight_back(
    marketer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    approved_term(
        preferred="cardiac rehabilitation",
        variants=["cardiac rehab"],
        author=marketer,
        approver=make_reviewer("glossary-approver"),
        service_line=cardiology(),
    )
    mailoutbox.clear()
    submitted(marketer, capture=django_capture_on_commit_callbacks, text="Book cardiac rehab now.")
    assert not [mail for mail in mailoutbox if "review" in mail.subject.lower()]


def test_the_author_hears_when_changes_are_requested(
    marketer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    message = submitted(marketer, capture=django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_changes(message, user=reviewer, comment="Cite the registry.")
    assert "marketer@example.org" in to(mailoutbox)


def test_overdue_reminders_go_once_a_day(
    marketer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(marketer, capture=django_capture_on_commit_callbacks)
    mailoutbox.clear()
    today = timezone.localdate()
    assert remind_overdue(today=today) == 0  # not due yet
    ComplianceTaskState.objects.update(started_at=timezone.now() - datetime.timedelta(days=14))
    assert remind_overdue(today=today) == 1
    assert remind_overdue(today=today) == 0  # the same day: nothing more
    assert [mail.subject for mail in mailoutbox] == ["Overdue for review: Rehab access"]
    assert "was due for review on" in mailoutbox[0].body
    assert remind_overdue(today=today + datetime.timedelta(days=1)) == 1
    assert ReviewReminder.objects.count() == 2


def test_the_command_says_how_many_it_sent(marketer, reviewer, capsys):
    call_command("remind_reviewers")
    assert "Sent 0 reminders." in capsys.readouterr().out


def test_reviewers_are_told_over_real_smtp(
    smtp_server, marketer, reviewer, django_capture_on_commit_callbacks
):
    message = submitted(marketer, capture=django_capture_on_commit_callbacks)
    waiting = [mail for mail in smtp_server.messages if mail["Subject"].startswith("Waiting")]
    assert [mail["To"] for mail in waiting] == ["compliance@example.org"]
    assert f"/admin/reviews/cms/approvedmessage/{message.pk}/" in waiting[0].get_payload()


def test_a_step_decided_before_the_commit_sends_nothing(
    marketer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    message = draft_message(author=marketer, title="Rehab access")
    with django_capture_on_commit_callbacks(execute=True):
        submit(message, user=marketer)
        request_changes(message, user=reviewer, comment="Cite the registry.")
    assert not [mail for mail in mailoutbox if mail.subject.startswith("Waiting for your review")]
