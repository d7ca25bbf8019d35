"""The editor's messages say what happened, at the right level.

When the terminology gate (an automatic first task) sends a submission straight back,
Wagtail still showed its green "submitted for moderation": the marketer believed it
was with compliance. ``reviews.messages`` replaces it with an error that gives the
gate's findings.
"""

from django.contrib.messages import constants
from django.urls import reverse

from wagtail.models import WorkflowState

import pytest

from tests.reviews.factories import (
    approved_term,
    cardiology,
    draft_message,
    make_reviewer,
    public_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rehab_term(marketer):
    return approved_term(
        preferred="cardiac rehabilitation",
        variants=["cardiac rehab"],
        author=marketer,
        approver=make_reviewer("glossary-approver"),
        service_line=cardiology(),
    )


def message_form(message, text, action="action-submit"):
    return {
        "title": message.title,
        "kind": message.kind,
        "text": text,
        "source": "",
        "service_lines": [message.service_lines.first().pk],
        action: "true",
    }


def page_form(page, intro, action="action-submit"):
    return {
        "title": page.title,
        "slug": page.slug,
        "service_line": page.service_line_id,
        "intro": intro,
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        action: "true",
    }


def shown(response):
    """``(level, text)`` of the messages shown on the page the editor lands on."""
    return [(message.level, str(message.message)) for message in response.context["messages"]]


def submit_snippet(client, message, text):
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    return client.post(url, message_form(message, text), follow=True)


def submit_page(client, page, intro):
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    return client.post(url, page_form(page, intro), follow=True)


def test_a_snippet_sent_back_by_the_gate_is_an_error_not_submitted(client, marketer, rehab_term):
    message = draft_message(author=marketer)
    client.force_login(marketer)
    response = submit_snippet(client, message, "Book cardiac rehab within ten days.")
    assert message.workflow_states.get().status == WorkflowState.STATUS_NEEDS_CHANGES
    messages = shown(response)
    assert not [text for _level, text in messages if "submitted for moderation" in text]
    errors = [text for level, text in messages if level == constants.ERROR]
    assert len(errors) == 1, messages
    assert "was not submitted" in errors[0] and "terminology gate sent it back" in errors[0]
    assert "replace “cardiac rehab” with “cardiac rehabilitation”" in errors[0]
    assert not [level for level, _text in messages if level == constants.SUCCESS]


def test_a_page_sent_back_by_the_gate_is_an_error_not_submitted(client, marketer, rehab_term):
    page = public_page(author=marketer)
    client.force_login(marketer)
    response = submit_page(client, page, "Cardiac rehab close to home.")
    messages = shown(response)
    assert not [text for _level, text in messages if "submitted for moderation" in text]
    errors = [text for level, text in messages if level == constants.ERROR]
    assert len(errors) == 1 and "replace “Cardiac rehab”" in errors[0], messages


def test_a_submission_that_passes_the_gate_is_still_a_success(client, marketer, rehab_term):
    message = draft_message(author=marketer)
    client.force_login(marketer)
    response = submit_snippet(client, message, "Most start cardiac rehabilitation in ten days.")
    assert message.workflow_states.get().status == WorkflowState.STATUS_IN_PROGRESS
    messages = shown(response)
    assert [level for level, text in messages if "submitted for moderation" in text] == [
        constants.SUCCESS
    ]
    assert not [level for level, _text in messages if level == constants.ERROR]


def test_other_messages_of_the_same_request_are_kept(rf, marketer, rehab_term):
    from django.contrib import messages as django_messages
    from django.contrib.messages.storage.session import SessionStorage

    from reviews.messages import tell_what_happened
    from tests.reviews.factories import submit

    message = draft_message(author=marketer, text="Book cardiac rehab within ten days.")
    submit(message, user=marketer)  # the gate sends it back
    request = rf.post("/", {"action-submit": "true"})
    request.session = {}
    request._messages = SessionStorage(request)
    django_messages.info(request, "This approved message is locked by you.")
    django_messages.success(
        request, "Approved message 'Rehab access' has been submitted for moderation."
    )
    tell_what_happened(request, message)
    kept = [(m.level, str(m.message)) for m in request._messages._queued_messages]
    assert kept[0] == (constants.INFO, "This approved message is locked by you.")
    assert [level for level, _text in kept[1:]] == [constants.ERROR]


def test_a_glossary_import_whose_terms_the_gate_sends_back_is_a_warning(client, marketer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    approved_term(
        preferred="prior authorization",
        variants=["prior auth"],
        author=marketer,
        approver=make_reviewer("glossary-approver"),
    )
    text = (
        "service_line,preferred,variants,kind,definition\n"
        ",Referral desk,,program_name,Handles prior auth requests.\n"
        ",Echo lab,,clinical_term,Where heart scans are done.\n"
    )
    client.force_login(marketer)
    response = client.post(
        reverse("glossary_admin:import"),
        {
            "file": SimpleUploadedFile("glossary.csv", text.encode(), "text/csv"),
            "submit_for_review": "on",
        },
        follow=True,
    )
    messages = shown(response)
    assert [level for level, _text in messages] == [constants.WARNING], messages
    assert "sent 1 back at once: “Referral desk”" in messages[0][1]


def test_opening_the_editor_after_a_reviewer_sent_it_back_shows_their_comment(
    client, marketer, reviewer
):
    from tests.reviews.factories import request_changes, submit

    message = draft_message(author=marketer)
    submit(message, user=marketer)
    request_changes(message, user=reviewer, comment="Cite the registry.\nShorten the title.")
    client.force_login(marketer)
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    messages = shown(client.get(url))
    errors = [text for level, text in messages if level == constants.ERROR]
    assert len(errors) == 1, messages
    assert f"Changes requested by {reviewer}" in errors[0]
    # The comment says which group asked (messages need compliance and clinical).
    assert (
        "<li>Compliance reviewers: Cite the registry.</li><li>Shorten the title.</li>" in errors[0]
    )


def test_the_gate_sending_it_back_is_said_once_after_the_submit(client, marketer, rehab_term):
    message = draft_message(author=marketer)
    client.force_login(marketer)
    submit_snippet(client, message, "Book cardiac rehab within ten days.")
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    errors = [text for level, text in shown(client.get(url)) if level == constants.ERROR]
    assert len(errors) == 1 and "Changes requested by Concord (automatic)" in errors[0]
    assert "cardiac rehabilitation" in errors[0]
