"""Approving needs the whole checklist; requesting changes needs a comment."""

import json

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from wagtail.models import WorkflowState

import pytest

from cms import roles
from reviews.forms import CHECKLIST
from reviews.models import ApprovalVote
from tests.reviews.factories import (
    CLINICAL_TICKED,
    COMPLIANCE_TICKED,
    approval_form,
    approve,
    current_task,
    draft_message,
    group_approver,
    request_changes,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(marketer):
    message = draft_message(author=marketer)
    submit(message, user=marketer)
    return message


def action_url(message, action):
    _task, task_state = current_task(message)
    return reverse(
        "wagtailsnippets_cms_approvedmessage:workflow_action",
        args=[message.pk, action, task_state.pk],
    )


def test_the_approve_modal_shows_every_checklist_item(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.get(action_url(in_review, "approve"))
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    for name, label in CHECKLIST:
        assert f'name="{name}"' in html
        assert label in html


@pytest.mark.parametrize("missing", [name for name, _label in CHECKLIST])
def test_approval_without_a_ticked_item_is_refused(client, reviewer, in_review, missing):
    client.force_login(reviewer)
    data = approval_form()
    del data[missing]
    response = client.post(
        action_url(in_review, "approve"), data, headers={"x-requested-with": "XMLHttpRequest"}
    )
    # The modal comes back with the error; nothing is approved.
    payload = json.loads(response.content)
    assert payload["step"] == "action"
    assert "Tick this to confirm it" in payload["html"]
    in_review.refresh_from_db()
    assert not in_review.live
    assert not ApprovalVote.objects.exists()

    # Without the modal (a crafted POST) it is refused the same way ...
    client.post(action_url(in_review, "approve"), data)
    in_review.refresh_from_db()
    assert not in_review.live
    # ... and on_action checks the checklist itself (the edit view passes raw data).
    with pytest.raises(PermissionDenied, match="incomplete"):
        approve(in_review, user=reviewer, **{missing: False})


def test_the_ticked_checklist_is_kept_with_the_vote_and_the_record(client, reviewer, in_review):
    clinician = group_approver(roles.CLINICAL)
    approve(in_review, user=clinician, others=False)  # clinical review, in parallel
    client.force_login(reviewer)
    response = client.post(action_url(in_review, "approve"), approval_form("Sources checked."))
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.live
    vote = ApprovalVote.objects.get(user=reviewer)
    assert vote.checklist == COMPLIANCE_TICKED and vote.comment == "Sources checked."
    assert vote.group.name == roles.COMPLIANCE
    record = in_review_record(in_review)
    # Each group's own checklist, as its reviewer ticked it.
    assert record.checklist == {
        reviewer.username: COMPLIANCE_TICKED,
        clinician.username: CLINICAL_TICKED,
    }


def in_review_record(message):
    from reviews.models import ApprovalRecord

    return ApprovalRecord.objects.for_object(message).get()


@pytest.mark.parametrize("comment", ["", "   "])
def test_requesting_changes_needs_a_comment(client, reviewer, in_review, comment):
    client.force_login(reviewer)
    response = client.post(
        action_url(in_review, "reject"),
        {"comment": comment},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert "Say what needs to change" in json.loads(response.content)["html"]
    assert in_review.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    with pytest.raises(PermissionDenied):
        request_changes(in_review, user=reviewer, comment=comment)


def test_requesting_changes_sends_it_back_with_the_comment(client, marketer, reviewer, in_review):
    client.force_login(reviewer)
    client.post(action_url(in_review, "reject"), {"comment": "Add the registry source and year."})
    state = in_review.workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    # The author is told which group asked (messages need compliance and clinical).
    assert (
        state.current_task_state.comment
        == "Compliance reviewers: Add the registry source and year."
    )
    assert state.current_task_state.finished_by == reviewer

    # The author fixes it and resubmits; it goes through the gate and back to review.
    submit(in_review, user=marketer)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task, _task_state = current_task(in_review)
    assert task.name == "Compliance approval"
