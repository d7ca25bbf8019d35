"""Separation of duties: nobody approves what they submitted, authored or edited.

Each rule is tried through every door: what the admin offers (``get_actions``), the
workflow action URL the dashboard and modals post to, the edit view's own workflow
action, and ``on_action`` called directly.
"""

import json

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from wagtail.models import WorkflowState

import pytest

from cms.models import ApprovedMessage
from tests.cms.factories import UserFactory
from tests.reviews.factories import (
    SIGNED,
    approval_form,
    approve,
    current_task,
    draft_message,
    edit,
    submit,
)

pytestmark = pytest.mark.django_db


def action_url(message, action="approve"):
    _task, task_state = current_task(message)
    return reverse(
        "wagtailsnippets_cms_approvedmessage:workflow_action",
        args=[message.pk, action, task_state.pk],
    )


def edit_url(message):
    return reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])


def assert_refused(response):
    """Wagtail answers a PermissionDenied with 403, or (admin views) a redirect home."""
    assert response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    ), response


def assert_still_in_review(message):
    message.refresh_from_db()
    assert not message.live
    assert message.approval_code == ""
    assert message.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_the_author_is_offered_nothing_and_their_crafted_approve_post_is_refused(client, marketer):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    task, _state = current_task(message)
    assert task.get_actions(message, marketer) == []

    client.force_login(marketer)
    assert_refused(client.post(action_url(message), approval_form()))
    assert_still_in_review(message)


def test_on_action_itself_refuses_the_author_and_the_submitter(marketer, dual_role_user):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    with pytest.raises(PermissionDenied, match="not a reviewer"):
        approve(message, user=marketer)
    assert_still_in_review(message)

    edit(message, user=marketer, text="Rehabilitation starts within ten days for most patients.")
    # A dual-role colleague resubmits (cancel, then start again): now they submitted it.
    message.current_workflow_state.cancel(user=marketer)
    submit(message, user=dual_role_user)
    with pytest.raises(PermissionDenied, match="submitted"):
        approve(message, user=dual_role_user)
    assert_still_in_review(message)


def test_dual_role_author_cannot_approve_from_anywhere(client, dual_role_user, reviewer):
    message = draft_message(author=dual_role_user)
    submit(message, user=dual_role_user)
    task, task_state = current_task(message)
    assert task.get_actions(message, dual_role_user) == []

    client.force_login(dual_role_user)
    # The edit screen offers no Approve button ...
    page = client.get(edit_url(message)).content.decode()
    assert "approve" not in [
        chunk.split('"')[0] for chunk in page.split('data-workflow-action-name="')[1:]
    ]
    # ... the workflow action URL (modal, dashboard) refuses ...
    assert_refused(client.post(action_url(message), approval_form()))
    # ... and so does the edit view's own workflow action, with the checklist attached.
    client.post(
        edit_url(message),
        {
            "title": message.title,
            "kind": message.kind,
            "text": message.text,
            "source": "",
            "service_lines": [message.service_lines.first().pk],
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps({**SIGNED, "comment": ""}),
        },
    )
    assert_still_in_review(message)
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, dual_role_user, "approve", **SIGNED)

    # Someone else in the compliance group can. (The refused POST saved a revision
    # that changed nothing: it makes nobody an editor and doesn't restart review.)
    approve(message, user=reviewer)
    message.refresh_from_db()
    assert message.live and message.approval_code


def test_dual_role_user_may_approve_other_peoples_work(marketer, dual_role_user):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    task, _state = current_task(message)
    assert [name for name, _label, _modal in task.get_actions(message, dual_role_user)] == [
        "reject",
        "approve",
    ]
    approve(message, user=dual_role_user)
    message.refresh_from_db()
    assert message.live


def test_an_author_who_did_not_submit_still_cannot_approve(marketer, dual_role_user):
    message = draft_message(author=dual_role_user)  # wrote it ...
    submit(message, user=marketer)  # ... a colleague submitted it
    with pytest.raises(PermissionDenied, match="created"):
        approve(message, user=dual_role_user)


def test_a_reviewer_who_edited_it_during_review_cannot_approve(marketer, reviewer, second_reviewer):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    edit(message, user=reviewer, text="Most referred patients start rehabilitation within 10 days.")
    task, _state = current_task(message)
    assert task.get_actions(message, reviewer) == []
    with pytest.raises(PermissionDenied, match="edited"):
        approve(message, user=reviewer)
    # The approval of the submitted revision sends the edited one back through the
    # gate and to compliance again; the editor still can't approve it.
    approve(message, user=second_reviewer)
    assert_still_in_review(message)
    task, task_state = current_task(message)
    assert task_state.revision == message.latest_revision
    assert task.get_actions(message, reviewer) == []
    approve(message, user=second_reviewer)
    message.refresh_from_db()
    assert message.live
    assert message.text == "Most referred patients start rehabilitation within 10 days."


def test_editing_before_the_last_approval_does_not_bar_the_next_one(
    marketer, reviewer, second_reviewer
):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    edit(message, user=reviewer, text="Most patients start cardiac rehabilitation within ten days.")
    approve(message, user=second_reviewer)  # restarts review on the edited revision
    approve(message, user=second_reviewer)  # v1: the reviewer's edit is in it

    edit(message, user=marketer, text="Most patients start cardiac rehabilitation within a week.")
    submit(message, user=marketer)
    # Since v1 the reviewer changed nothing, so they may approve v2; the v1 approver
    # didn't edit either.
    task, _state = current_task(message)
    assert task.get_actions(message, reviewer)
    approve(message, user=reviewer)
    message.refresh_from_db()
    assert message.approval_version == 2


def test_the_named_content_owner_cannot_approve(marketer, reviewer, second_reviewer):
    message = draft_message(author=marketer, owner=reviewer)
    submit(message, user=marketer)
    with pytest.raises(PermissionDenied, match="owner"):
        approve(message, user=reviewer)
    approve(message, user=second_reviewer)


def test_a_post_naming_another_items_task_state_is_refused(client, dual_role_user, marketer):
    """The workflow action URL names an object *and* a task state; check the task state's."""
    own = draft_message(author=dual_role_user, title="Own message")
    submit(own, user=dual_role_user)
    other = draft_message(author=marketer, title="Someone else's message")
    submit(other, user=marketer)
    _task, own_state = current_task(own)

    client.force_login(dual_role_user)
    crafted = reverse(
        "wagtailsnippets_cms_approvedmessage:workflow_action",
        args=[other.pk, "approve", own_state.pk],  # allowed on `other`, but it's `own`'s state
    )
    assert_refused(client.post(crafted, approval_form()))
    assert_still_in_review(own)


def test_administrators_outside_the_review_group_cannot_approve(admin_user, marketer):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    task, _state = current_task(message)
    assert task.get_actions(message, admin_user) == []
    with pytest.raises(PermissionDenied):
        approve(message, user=admin_user)


def test_nobody_outside_the_group_is_offered_approval(marketer):
    colleague = UserFactory(username="colleague", groups=["Marketers"])
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    task, _state = current_task(message)
    assert task.get_actions(message, colleague) == []
    assert not ApprovedMessage.objects.filter(live=True).exists()


def test_an_approver_account_is_deactivated_not_deleted(client, admin_user, marketer, reviewer):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    approve(message, user=reviewer)
    client.force_login(admin_user)
    response = client.post(reverse("wagtailusers_users:delete", args=[reviewer.pk]))
    assert response.status_code == 302
    reviewer.refresh_from_db()  # still there
    assert ApprovedMessage.objects.get(pk=message.pk).approval_code
