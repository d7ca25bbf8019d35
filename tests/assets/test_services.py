"""Setting up the library, the API token command, and the public service-line pages."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.utils import timezone

from wagtail.models import APIToken, PageViewRestriction

import pytest

from assets.models import LibraryIndexPage
from assets.services import ensure_library
from cms.models import ServiceLinePage
from tests.assets.factories import publish_unapproved
from tests.cms.factories import ApprovedMessageFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db


def test_ensure_library_creates_a_restricted_library_once(home_page):
    library = ensure_library(home=home_page)
    assert library.url == "/library/"
    assert library.live
    restriction = PageViewRestriction.objects.get(page=library)
    assert restriction.restriction_type == PageViewRestriction.GROUPS
    assert set(restriction.groups.values_list("name", flat=True)) == {
        "Sales reps",
        "Marketers",
        "Compliance reviewers",
        "Clinical reviewers",
        "Legal reviewers",
    }
    # Idempotent, and it repairs a restriction someone loosened.
    restriction.groups.clear()
    assert ensure_library(home=home_page) == library
    assert LibraryIndexPage.objects.count() == 1
    assert PageViewRestriction.objects.get(page=library).groups.count() == 5


def test_issue_api_token_prints_a_working_token(client, rep, library):
    out = io.StringIO()
    call_command("issue_api_token", "rep", "--name", "CRM", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()
    assert APIToken.objects.get(user=rep).name == "CRM"
    assert client.get("/api/v1/library/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    prefix = APIToken.objects.get().prefix
    call_command("issue_api_token", "rep", "--revoke", prefix, stdout=io.StringIO())
    assert client.get("/api/v1/library/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def issue(username, name="Library API"):
    out = io.StringIO()
    call_command("issue_api_token", username, "--name", name, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def revoke(username, value):
    out = io.StringIO()
    call_command("issue_api_token", username, "--revoke", value, stdout=out)
    return out.getvalue()


def works(client, token):
    response = client.get("/api/v1/library/", HTTP_AUTHORIZATION=f"Bearer {token}")
    return response.status_code == 200


def test_revoking_with_the_whole_leaked_token(client, rep, library):
    """The full token used to find nothing (only the stored prefix was compared) and
    the command said no active token existed while the token kept working."""
    leaked, kept = issue("rep", "CRM"), issue("rep", "Scripts")
    said = revoke("rep", leaked)
    token = APIToken.objects.get(name="CRM")
    assert f"Revoked rep's token {token.prefix}… “CRM” (created " in said
    assert not works(client, leaked)
    assert works(client, kept)
    with pytest.raises(CommandError, match="already revoked"):
        revoke("rep", leaked)


@pytest.mark.parametrize("shown", ["{prefix}", "{prefix}…", "{secret}", "{long}"])
def test_revoking_with_an_unambiguous_start(client, rep, library, shown):
    leaked = issue("rep", "CRM")
    prefix = APIToken.objects.get().prefix
    value = shown.format(prefix=prefix, secret=prefix.removeprefix("wagtail_"), long=leaked[:20])
    assert "“CRM”" in revoke("rep", value)
    assert not works(client, leaked)


def test_an_ambiguous_start_revokes_nothing_and_lists_the_candidates(client, rep, library):
    first, second = issue("rep", "CRM"), issue("rep", "Scripts")
    with pytest.raises(CommandError, match="matches 2 active tokens") as caught:
        revoke("rep", "wagtail_")
    assert "“CRM”" in str(caught.value) and "“Scripts”" in str(caught.value)
    assert works(client, first) and works(client, second)


def test_unknown_and_other_users_tokens_are_refused(client, rep, marketer, library):
    mine, theirs = issue("rep"), issue("marketer")
    with pytest.raises(CommandError, match="belongs to marketer"):
        revoke("rep", theirs)
    with pytest.raises(CommandError, match="has no token that matches"):
        revoke("rep", APIToken.generate_token())
    with pytest.raises(CommandError, match="has no token starting with"):
        revoke("rep", "wagtail_zzzzzz")
    with pytest.raises(CommandError, match="Give the token"):
        revoke("rep", " ")
    assert works(client, mine) and works(client, theirs)


def test_issue_api_token_refuses_users_without_a_library_role(db):
    from tests.cms.factories import UserFactory

    UserFactory(username="outsider")
    with pytest.raises(CommandError, match="no library role"):
        call_command("issue_api_token", "outsider", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No user"):
        call_command("issue_api_token", "ghost", stdout=io.StringIO())


@pytest.fixture
def public_page(home_page, cardiology):
    message = ApprovedMessageFactory(
        title="First visit", text="Seen within 10 business days.", service_lines=[cardiology]
    )
    approve_now(message)
    page = ServiceLinePage(
        title="Heart care",
        slug="heart-care",
        service_line=cardiology,
        intro="One nurse navigator from referral to first visit.",
        body=[("approved_message", message)],
        live=False,
    )
    home_page.add_child(instance=page)
    return page, message


def test_service_line_page_shows_the_shared_approved_message(client, public_page):
    page, message = public_page
    assert client.get("/heart-care/").status_code == 404  # a draft
    publish_unapproved(page)
    assert client.get("/heart-care/").status_code == 404  # live but not approved
    assert "/heart-care/" not in client.get("/sitemap.xml").content.decode()
    approve_now(page)
    response = client.get("/heart-care/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Seen within 10 business days." in body
    assert "One nurse navigator" in body
    assert "/heart-care/" in client.get("/sitemap.xml").content.decode()

    # One wording, many uses: a newly approved wording appears without editing the page.
    message.text = "Seen within 7 business days."
    approve_now(message)
    assert "Seen within 7 business days." in client.get("/heart-care/").content.decode()


def test_service_line_page_past_review_by_is_withdrawn(client, public_page):
    page, _ = public_page
    approve_now(page, review_by=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get("/heart-care/").status_code == 404


def test_service_line_page_lists_approved_glossary_terms(client, public_page, cardiology):
    glossary = pytest.importorskip("glossary.models")
    page, _ = public_page
    approve_now(page)
    term = glossary.GlossaryTerm(
        service_line=cardiology,
        preferred="Heart Failure Clinic",
        kind=glossary.GlossaryTerm.Kind.PROGRAM_NAME,
        variants="HF clinic",
        definition="Specialist clinic for heart failure.",
        plain_language="A clinic that helps people with heart failure.",
    )
    term.save()
    approve_now(term)
    body = client.get("/heart-care/").content.decode()
    assert "Words we use" in body
    assert "A clinic that helps people with heart failure." in body


def test_service_line_page_metadata(public_page):
    page, _ = public_page
    assert page.approval_kind_code == "PUB"
    assert page.get_review_audience() == "public"
    assert page.get_service_lines() == [page.service_line]
