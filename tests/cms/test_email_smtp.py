"""Every kind of e-mail Concord sends, through a real SMTP server, with links to the site.

The server is aiosmtpd's, started by ``smtp_server`` (``tests/smtp_server.py``) on
127.0.0.1 for each test. The site's address is set to one no request uses
(``WAGTAILADMIN_BASE_URL = https://concord.example.org``), so every link checked here
was built from that setting and not from a request's host. One test per kind:

* a review step reached its group: each reviewer who may act;
* an overdue review: the daily reminder;
* changes requested: the author (Wagtail's workflow e-mail);
* approved material expired or withdrawn: its owner, to re-review;
* a password reset: the person who asked.

And production's settings read Django's ``EMAIL_*`` from the environment: a process
started with production settings sends to the test's server.
"""

import datetime
import email.header
import os
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

import pytest

from reviews.models import ComplianceTaskState
from reviews.notifications import remind_overdue
from reviews.services import assign_default_workflows, withdraw
from tests.reviews.factories import approve_now, draft_message, request_changes, submit

pytestmark = pytest.mark.django_db

SITE = "https://concord.example.org"
ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def site_address(settings, home_page):
    settings.WAGTAILADMIN_BASE_URL = SITE
    assign_default_workflows()


def text_of(message):
    """The plain-text body of a received message (the text part of a multipart one)."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text/plain part in {subject(message)!r}")


def subject(message):
    """The Subject header decoded (non-ASCII subjects arrive RFC 2047-encoded)."""
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def links_in(message):
    return URL.findall(text_of(message))


def received(inbox, subject_start):
    return [mail for mail in inbox.messages if subject(mail).startswith(subject_start)]


def submitted(author, capture):
    message = draft_message(author=author, title="Rehab access")
    with capture(execute=True):
        submit(message, user=author)
    return message


def test_a_review_step_reaching_its_group_emails_each_reviewer(
    smtp_server, marketer, reviewer, django_capture_on_commit_callbacks
):
    message = submitted(marketer, django_capture_on_commit_callbacks)

    [mail] = received(smtp_server, "Waiting for your review")
    assert mail["To"] == reviewer.email
    assert subject(mail) == "Waiting for your review: Rehab access"
    assert links_in(mail) == [f"{SITE}/admin/reviews/cms/approvedmessage/{message.pk}/"]


def test_an_overdue_review_reminds_its_reviewer(
    smtp_server, marketer, reviewer, django_capture_on_commit_callbacks
):
    message = submitted(marketer, django_capture_on_commit_callbacks)
    ComplianceTaskState.objects.update(started_at=timezone.now() - datetime.timedelta(days=14))

    assert remind_overdue(today=timezone.localdate()) == 1

    [mail] = received(smtp_server, "Overdue for review")
    assert mail["To"] == reviewer.email
    assert subject(mail) == "Overdue for review: Rehab access"
    assert "was due for review on" in text_of(mail)
    assert links_in(mail) == [f"{SITE}/admin/reviews/cms/approvedmessage/{message.pk}/"]


def test_the_author_hears_that_changes_were_requested(
    smtp_server, marketer, reviewer, django_capture_on_commit_callbacks
):
    message = submitted(marketer, django_capture_on_commit_callbacks)
    smtp_server.messages.clear()

    with django_capture_on_commit_callbacks(execute=True):
        request_changes(message, user=reviewer, comment="Cite the registry.")

    mine = [mail for mail in smtp_server.messages if mail["To"] == marketer.email]
    assert len(mine) == 1, [subject(mail) for mail in smtp_server.messages]
    [mail] = mine
    assert "Rehab access" in subject(mail) and "rejected" in subject(mail).lower()
    assert "Cite the registry." in text_of(mail)
    links = links_in(mail)
    assert links and all(link.startswith(f"{SITE}/admin/") for link in links), links
    assert any(f"/{message.pk}/" in link for link in links), links


def test_the_owner_is_asked_to_re_review_withdrawn_material(
    smtp_server, marketer, django_capture_on_commit_callbacks
):
    message = draft_message(author=marketer, title="Rehab access", owner=marketer)
    approve_now(message, code="CARD-MSG-2026-0042", version=1)
    smtp_server.messages.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert withdraw(obj=message, reason="The registry figure changed.")

    [mail] = received(smtp_server, "Re-review needed")
    assert mail["To"] == marketer.email
    assert subject(mail) == "Re-review needed: “Rehab access” was withdrawn"
    assert "The registry figure changed." in text_of(mail)
    assert links_in(mail) == [f"{SITE}/admin/snippets/cms/approvedmessage/edit/{message.pk}/"]


def test_a_password_reset_link_points_at_the_site(client, rep, smtp_server):
    response = client.post(reverse("password_reset"), {"email": rep.email})

    assert response.status_code == 302
    [mail] = smtp_server.messages
    assert mail["To"] == rep.email
    assert subject(mail) == "Reset your Concord password"
    [link] = links_in(mail)
    assert re.fullmatch(rf"{re.escape(SITE)}/accounts/password/reset/[^/]+/[^/]+/", link), link


def test_production_sends_with_the_email_settings_of_its_environment(smtp_server, settings):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("EMAIL_") and key not in {"DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-0123456789",
        ALLOWED_HOSTS="concord.example.org",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(settings.EMAIL_PORT),  # the test server's (tests/smtp_server.py)
        DEFAULT_FROM_EMAIL="Concord <concord@example.org>",
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", "sendtestemail", "ops@example.org"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [mail] = smtp_server.messages
    assert mail["To"] == "ops@example.org"
    assert mail["From"] == "Concord <concord@example.org>"
    assert subject(mail).startswith("Test email from")
