"""Reviewers approve from the editor, comment on pages, and saving without changes
doesn't count as editing (nor restart review)."""

import json

from django.urls import reverse

from wagtail.models import WorkflowState

import pytest

from reviews.models import ApprovalRecord
from tests.reviews.factories import (
    SIGNED,
    approve_other_groups,
    current_task,
    draft_message,
    public_page,
    submit,
)

pytestmark = pytest.mark.django_db


def page_form(page, **extra):
    return {
        "title": page.title,
        "slug": page.slug,
        "service_line": page.service_line_id,
        "intro": page.intro,
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        **extra,
    }


def approve_in_editor():
    return {
        "action-workflow-action": "true",
        "workflow-action-name": "approve",
        "workflow-action-extra-data": json.dumps({**SIGNED, "comment": "Fine."}),
    }


def test_a_reviewer_approves_a_snippet_from_its_editor(client, marketer, reviewer):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    approve_other_groups(message, besides=reviewer)  # clinical review, in parallel
    client.force_login(reviewer)
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    client.post(
        url,
        {
            "title": message.title,
            "kind": message.kind,
            "text": message.text,
            "source": "",
            "service_lines": [message.service_lines.first().pk],
            **approve_in_editor(),
        },
    )
    message.refresh_from_db()
    assert message.live and message.approval_version == 1
    assert message.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    record = ApprovalRecord.objects.for_object(message).get()
    assert record.revision == message.live_revision == message.latest_revision


def test_a_reviewer_comments_on_a_page_then_approves_it(client, marketer, reviewer):
    page = public_page(author=marketer)
    submit(page, user=marketer)
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    # Saving with a comment only: a new revision, but no content change.
    client.post(
        url,
        page_form(
            page,
            **{
                "comments-TOTAL_FORMS": "1",
                "comments-0-contentpath": "intro",
                "comments-0-text": "Is 'close to home' true for rural referrers?",
                "comments-0-resolved": "",
                "comments-0-replies-TOTAL_FORMS": "0",
                "comments-0-replies-INITIAL_FORMS": "0",
                "comments-0-replies-MIN_NUM_FORMS": "0",
                "comments-0-replies-MAX_NUM_FORMS": "1000",
            },
        ),
    )
    assert page.wagtail_admin_comments.count() == 1
    task, _state = current_task(page)
    assert task.get_actions(page, reviewer)  # commenting didn't make them an editor

    approve_other_groups(page, besides=reviewer)  # clinical review, in parallel
    client.post(url, page_form(page, **approve_in_editor()))
    page.refresh_from_db()
    assert page.live and page.approval_code.startswith("CARD-PUB-")


def test_a_reviewer_who_changes_the_text_in_the_editor_cannot_approve_it(
    client, marketer, reviewer
):
    page = public_page(author=marketer)
    submit(page, user=marketer)
    client.force_login(reviewer)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        page_form(page, intro="Changed by the reviewer.", **approve_in_editor()),
    )
    page.refresh_from_db()
    assert not page.live
    task, _state = current_task(page)
    assert task.get_actions(page, reviewer) == []


def test_editor_bookkeeping_in_rich_text_is_not_an_edit(marketer, reviewer):
    """Opening content written outside the editor adds Draftail block keys and stream
    block ids; the reviewer who approves from the editor didn't change the content."""
    from reviews.rules import editors, same_content

    page = public_page(author=marketer)
    first = page.latest_revision
    second = page.save_revision(user=reviewer, clean=False)
    stream = '[{"type": "paragraph", "value": "<p>Seen within ten days.</p>"}]'
    keyed = (
        '[{"type": "paragraph", "value": '
        '"<p data-block-key=\\"a1b2c\\">Seen within ten days.</p>", "id": "8f1c"}]'
    )
    first.content["body"], second.content["body"] = stream, keyed
    first.save(update_fields=["content"])
    second.save(update_fields=["content"])
    assert same_content(first, second)
    assert reviewer.pk not in editors(obj=page, since=None)

    # Text that merely looks like the bookkeeping is content, wherever it is written.
    second.content["intro"] = first.content["intro"] + ' data-block-key="x9y8z"'
    second.save(update_fields=["content"])
    assert not same_content(first, second)
    assert reviewer.pk in editors(obj=page, since=None)


def test_approving_in_the_editor_lands_on_the_queue_with_the_code(client, marketer, reviewer):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    approve_other_groups(message, besides=reviewer)  # clinical review, in parallel
    client.force_login(reviewer)
    response = client.post(
        reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk]),
        {
            "title": message.title,
            "kind": message.kind,
            "text": message.text,
            "source": "",
            "service_lines": [message.service_lines.first().pk],
            **approve_in_editor(),
        },
        follow=True,
    )
    message.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert response.status_code == 200
    assert f"Approved and published: {message} — {message.approval_label}." in (
        response.content.decode()
    )
