"""Approval covers exactly what goes live: the routes to live content that skipped review.

Each test plays an attacker with an ordinary account (or a superuser where the route
is a superuser's) over the admin's own views, and checks what reps and the public
would be served afterwards.
"""

import datetime
import json

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.log_actions import registry as log_registry
from wagtail.models import Revision, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from assets.models import EnablementAssetPage
from assets.services import ensure_library
from cms.models import ApprovedMessage, ServiceLinePage
from reviews.models import ApprovalRecord
from reviews.services import expire_content
from tests.reviews.factories import (
    SIGNED,
    approve,
    current_task,
    draft_message,
    edit,
    public_page,
    request_changes,
    submit,
)

pytestmark = pytest.mark.django_db

# Text shaped like the editor's bookkeeping: it used to be invisible to review.
MARKUP = ' data-block-key="a1b2c"'


def approve_in_editor():
    return {
        "action-workflow-action": "true",
        "workflow-action-name": "approve",
        "workflow-action-extra-data": json.dumps({**SIGNED, "comment": "Fine."}),
    }


def message_form(message, **changes):
    data = {
        "title": message.title,
        "kind": message.kind,
        "text": message.text,
        "source": message.source,
        "service_lines": [line.pk for line in message.service_lines.all()],
    }
    data.update(changes)
    return data


def page_form(page, *, heading="Why refer to us", paragraph="<p>Seen within ten days.</p>", **kw):
    data = nested_form_data(
        {
            "title": kw.pop("title", page.title),
            "slug": page.slug,
            "service_line": page.service_line_id,
            "intro": kw.pop("intro", page.intro),
            "body": streamfield(
                [
                    ("heading", {"text": heading, "level": "h2"}),
                    ("paragraph", rich_text(paragraph)),
                ]
            ),
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(kw)
    return data


def submitted_page(client, marketer):
    """A public page with a heading and a paragraph, written in the editor and submitted."""
    page = public_page(author=marketer)
    client.force_login(marketer)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**page_form(page), "action-submit": "true"},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    return page


# 1. Edit detection is structural ---------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "text", "source"])
def test_dual_role_append_to_a_snippet_field_then_approve_is_refused(
    client, marketer, dual_role_user, field
):
    message = draft_message(author=marketer)
    ApprovedMessage.objects.filter(pk=message.pk).update(source="Registry 2025")
    message.refresh_from_db()
    message.save_revision(user=marketer)
    submit(message, user=marketer)

    client.force_login(dual_role_user)
    changed = {field: getattr(message, field) + MARKUP}
    client.post(
        reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk]),
        {**message_form(message, **changed), **approve_in_editor()},
    )

    message.refresh_from_db()
    assert getattr(message.get_latest_revision_as_object(), field).endswith(MARKUP)
    assert not message.live and message.approval_code == ""
    task, _state = current_task(message)
    assert task.get_actions(message, dual_role_user) == []


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Cardiology" + MARKUP},
        {"intro": "Heart care close to home." + MARKUP},
        {"heading": "Why refer to us" + MARKUP},
        {"paragraph": "<p>Seen within ten days." + MARKUP + "</p>"},
        {"paragraph": '<p>Seen within ten days.</p><p data-block-key="zz">' + MARKUP + "</p>"},
    ],
    ids=["title", "plain-text", "stream-block", "rich-text", "rich-text-new-paragraph"],
)
def test_dual_role_append_to_a_page_field_then_approve_is_refused(
    client, marketer, dual_role_user, change
):
    page = submitted_page(client, marketer)

    client.force_login(dual_role_user)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**page_form(page, **change), **approve_in_editor()},
    )

    page.refresh_from_db()
    assert page.latest_revision.user == dual_role_user, "the edit was saved"
    assert not page.live and page.approval_code == ""
    task, _state = current_task(page)
    assert task.get_actions(page, dual_role_user) == []
    response = client.get(page.url or "/cardiology/")
    assert response.status_code == 404


def test_a_reviewers_edit_during_review_is_not_published_by_a_second_approval(
    client, marketer, reviewer, second_reviewer
):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    original = message.text

    client.force_login(reviewer)
    client.post(
        reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk]),
        message_form(message, text=original + MARKUP),
    )
    approve(message, user=second_reviewer)

    message.refresh_from_db()
    if message.live:
        assert message.text == original, "only the reviewed wording may go live"
    # Whatever is in review now is the edited wording, and its editor can't approve it.
    state = message.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.revision.as_object().text.endswith(MARKUP)
    task, _state = current_task(message)
    assert task.get_actions(message, reviewer) == []


# 2. A scheduled approval stamps the revision, not the live row -----------------------------


def test_a_scheduled_approval_leaves_the_old_version_and_its_stamp_until_it_goes_live(
    marketer, reviewer, second_reviewer
):
    message = draft_message(author=marketer, text="Seen within ten business days.")
    submit(message, user=marketer)
    approve(message, user=reviewer)
    message.refresh_from_db()
    first = ApprovalRecord.objects.for_object(message).get()
    # The first approval is about to run out.
    soon = timezone.localdate() + datetime.timedelta(days=3)
    ApprovedMessage.objects.filter(pk=message.pk).update(review_by=soon)
    ApprovalRecord.objects.filter(pk=first.pk).update(review_by=soon)

    go_live = timezone.now() + datetime.timedelta(days=10)
    edit(message, user=marketer, text="Seen within seven business days.", go_live_at=go_live)
    submit(message, user=marketer)
    approve(message, user=second_reviewer)

    message.refresh_from_db()
    second = ApprovalRecord.objects.for_object(message).get(version=2)
    # Reps keep the old wording under the old approval and its review-by date.
    assert message.live and message.text == "Seen within ten business days."
    assert message.approval_label == first.label and message.review_by == soon
    assert not second.is_current and ApprovalRecord.objects.get(pk=first.pk).is_current

    # The old version still expires on its date.
    assert expire_content(today=soon + datetime.timedelta(days=1)) == [message]
    message.refresh_from_db()
    assert not message.live

    # When the scheduled publish happens, the new wording arrives with its own stamp.
    # (Time passes: the go-live moment is now in the past.)
    past = timezone.now() - datetime.timedelta(minutes=1)
    scheduled = Revision.objects.get(pk=second.revision_id)
    scheduled.content["go_live_at"] = past.isoformat()
    scheduled.approved_go_live_at = past
    scheduled.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")
    message.refresh_from_db()
    assert message.live and message.text == "Seen within seven business days."
    assert message.approval_label == second.label and message.review_by == second.review_by
    second.refresh_from_db()
    assert second.is_current


# 5. The route is recomputed when a review resumes -----------------------------------------


def test_an_audience_changed_to_external_on_resubmission_gets_the_compliance_route(
    marketer, reviewer, home_page
):
    from tests.assets.factories import EnablementAssetFactory

    ensure_library(home=home_page)
    asset = EnablementAssetFactory(audience="internal", owner=marketer)
    asset.save_revision(user=marketer)
    submit(asset, user=marketer)
    assert asset.current_workflow_state.workflow.name == "Internal review"
    request_changes(asset, user=reviewer, comment="Needs a clearer next step.")

    edit(asset, user=marketer, audience="external", summary="For referring practices.")
    submit(asset, user=marketer)  # resumes the sent-back workflow, as the editor does

    asset = EnablementAssetPage.objects.get(pk=asset.pk)
    state = asset.current_workflow_state
    assert state.workflow.name == "Compliance review"
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    old = WorkflowState.objects.for_instance(asset).get(workflow__name="Internal review")
    assert old.status == WorkflowState.STATUS_CANCELLED
    reroute = log_registry.get_logs_for_instance(asset).filter(action="reviews.reroute").get()
    assert "external" in reroute.data["reason"] and "Compliance review" in reroute.data["reason"]


# 6. Copy, alias and create never make anything live ------------------------------------------


@pytest.fixture
def approved_page(client, marketer, reviewer):
    page = submitted_page(client, marketer)
    approve(page, user=reviewer)
    page.refresh_from_db()
    assert page.live and page.approval_code
    return page


def copy_url(page):
    return reverse("wagtailadmin_pages:copy", args=[page.pk])


def test_a_superusers_copy_with_publish_copies_is_an_unapproved_draft(
    client, admin_user, approved_page
):
    client.force_login(admin_user)
    response = client.post(
        copy_url(approved_page),
        {
            "new_title": "Cardiology — unreviewed title",
            "new_slug": "cardiology-copy",
            "new_parent_page": approved_page.get_parent().pk,
            "publish_copies": "on",
        },
    )
    assert response.status_code == 302
    copy = ServiceLinePage.objects.get(slug="cardiology-copy")
    assert not copy.live and copy.approval_code == "" and copy.review_by is None
    for revision in Revision.objects.filter(object_id=str(copy.pk)):
        assert not revision.content.get("approval_code")
    client.logout()
    assert client.get("/cardiology-copy/").status_code == 404


def test_a_superusers_alias_is_never_live(client, admin_user, approved_page):
    client.force_login(admin_user)
    client.post(
        copy_url(approved_page),
        {
            "new_title": "Cardiology alias",
            "new_slug": "cardiology-alias",
            "new_parent_page": approved_page.get_parent().pk,
            "alias": "on",
        },
    )
    alias = ServiceLinePage.objects.filter(slug="cardiology-alias").first()
    if alias is not None:
        assert not alias.live
    client.logout()
    assert client.get("/cardiology-alias/").status_code == 404


def test_a_superusers_create_and_publish_saves_a_draft(client, admin_user, cardiology, home_page):
    client.force_login(admin_user)
    data = nested_form_data(
        {
            "title": "Orthopedics",
            "slug": "orthopedics-new",
            "service_line": cardiology.pk,
            "intro": "Joint care.",
            "body": streamfield([("paragraph", rich_text("<p>Unreviewed words.</p>"))]),
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        }
    )
    client.post(
        reverse("wagtailadmin_pages:add", args=["cms", "servicelinepage", home_page.pk]),
        {**data, "action-publish": "true"},
    )
    page = ServiceLinePage.objects.get(slug="orthopedics-new")
    assert not page.live and page.approval_code == ""
    client.logout()
    assert client.get("/orthopedics-new/").status_code == 404


def test_a_superusers_snippet_create_and_publish_saves_a_draft(client, admin_user, cardiology):
    client.force_login(admin_user)
    client.post(
        reverse("wagtailsnippets_cms_approvedmessage:add"),
        {
            "title": "Unreviewed claim",
            "kind": "key_message",
            "text": "We cure everything.",
            "source": "",
            "service_lines": [cardiology.pk],
            "action-publish": "true",
        },
    )
    message = ApprovedMessage.objects.get(title="Unreviewed claim")
    assert not message.live and message.approval_code == ""


def test_a_snippet_copy_starts_without_the_stamp(client, admin_user, marketer, reviewer):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    approve(message, user=reviewer)
    client.force_login(admin_user)
    response = client.get(reverse("wagtailsnippets_cms_approvedmessage:copy", args=[message.pk]))
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.approval_code not in response.content.decode()


# Rows made live behind Django's back -----------------------------------------------------


def test_expire_content_withdraws_live_rows_that_match_no_approval(marketer, reviewer):
    approved = draft_message(author=marketer, title="Approved one")
    submit(approved, user=marketer)
    approve(approved, user=reviewer)
    tampered = draft_message(author=marketer, title="Written to the database")
    revision = tampered.save_revision(user=marketer)
    ApprovedMessage.objects.filter(pk=tampered.pk).update(live=True, live_revision=revision)
    # And an approved row whose words were changed in the database afterwards.
    ApprovedMessage.objects.filter(pk=approved.pk).update(text="Changed behind review.")

    call_command("expire_content", verbosity=0)

    for message in (approved, tampered):
        message.refresh_from_db()
        assert not message.live, message
    reasons = [
        entry.data["reason"]
        for entry in log_registry.get_logs_for_instance(tampered).filter(action="reviews.withdraw")
    ]
    assert reasons and "doesn't match an approval" in reasons[0]
