"""Approving is signing: the reviewer's password, what the signature means, the record,
and refused signatures in the audit trail."""

import csv
import io
import json

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from cms.models import ApprovedMessage
from reviews import signatures
from reviews.fingerprint import fingerprint
from reviews.models import ApprovalVote, ReviewEvent
from reviews.workspace import workspace_url
from tests.cms.factories import PASSWORD
from tests.reviews.factories import (
    COMPLIANCE_TICKED,
    TICKED,
    approval_form,
    approve_other_groups,
    current_task,
    draft_message,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(marketer):
    message = draft_message(author=marketer, title="Rehab access")
    submit(message, user=marketer)
    return message


def refusals(message):
    return ModelLogEntry.objects.filter(
        action="reviews.signature_refused", object_id=str(message.pk)
    )


def test_a_wrong_password_refuses_the_approval_and_is_logged(client, reviewer, waiting):
    client.force_login(reviewer)
    data = {**approval_form(), "action": "approve", "password": "not-my-password"}
    response = client.post(workspace_url(waiting), data)
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert not ApprovalVote.objects.exists()
    assert not ApprovedMessage.objects.get(pk=waiting.pk).live
    assert refusals(waiting).get().user == reviewer
    event = ReviewEvent.objects.get(action=ReviewEvent.Action.REFUSED)
    assert event.user == reviewer and "not your password" in event.comment


def test_the_right_password_signs_with_its_meaning_and_what_was_signed(client, reviewer, waiting):
    revision = current_task(waiting)[1].revision
    approve_other_groups(waiting, besides=reviewer)  # clinical review, in parallel
    client.force_login(reviewer)
    html = client.get(workspace_url(waiting)).content.decode()
    assert "Approved for publication to the public" in html  # messages are reused publicly
    response = client.post(workspace_url(waiting), {**approval_form(), "action": "approve"})
    assert response.status_code == 302
    vote = ApprovalVote.objects.get(user=reviewer)
    assert vote.signature_meaning == "Approved for publication to the public"
    assert vote.signed_fingerprint == fingerprint(revision)
    assert not refusals(waiting).exists()
    approved = ReviewEvent.objects.get(
        object_id=str(waiting.pk), action=ReviewEvent.Action.APPROVE, user=reviewer
    )
    assert approved.signature_meaning == vote.signature_meaning
    assert approved.checklist == COMPLIANCE_TICKED
    assert approved.group_name == "Compliance reviewers"


def test_the_editor_path_needs_the_password_too(reviewer, waiting):
    task, task_state = current_task(waiting)
    with pytest.raises(PermissionDenied, match="Enter your password"):
        task.on_action(task_state, reviewer, "approve", **TICKED)
    with pytest.raises(PermissionDenied, match="not your password"):
        task.on_action(task_state, reviewer, "approve", **TICKED, password="guess")
    assert refusals(waiting).count() == 2
    assert not ApprovalVote.objects.exists()


def test_a_signature_checked_for_someone_else_does_not_sign(reviewer, second_reviewer, waiting):
    task, task_state = current_task(waiting)
    theirs = signatures.Signature(second_reviewer.pk)
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, reviewer, "approve", **TICKED, signature=theirs)
    assert not ApprovalVote.objects.exists()


def test_meanings_follow_the_audience():
    class Internal:
        def get_review_audience(self):
            return "internal"

    assert signatures.meaning_for(Internal()) == (
        "Approved for use by the sales team (internal only)"
    )
    assert signatures.meaning_for(object()) == signatures.DEFAULT_MEANING


def test_the_audit_export_has_the_signature_and_the_checklist(client, reviewer, waiting):
    approve_other_groups(waiting, besides=reviewer)  # clinical review, in parallel
    client.force_login(reviewer)
    client.post(workspace_url(waiting), {**approval_form(), "action": "approve"})
    export = client.get(reverse("reviews_audit_trail") + "?export=csv")
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    approved = next(
        row for row in rows if row["Action"] == "Approved" and row["Who"] == str(reviewer)
    )
    assert approved["Signature meaning"] == "Approved for publication to the public"
    assert approved["Checklist"].startswith("Claims sourced: yes; No patient details: yes")
    assert approved["Group"] == "Compliance reviewers"


def _editor_post(client, message, extra):
    url = reverse("wagtailsnippets_cms_approvedmessage:edit", args=[message.pk])
    return client.post(
        url,
        {
            "title": message.title,
            "kind": message.kind,
            "text": message.text,
            "source": "",
            "service_lines": [message.service_lines.first().pk],
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps(extra),
        },
    )


@pytest.mark.parametrize("smuggled", [{"request": "x"}, {"task_state": 1}, {"signature": "x"}])
def test_the_editors_extra_data_reaches_only_the_review_forms_fields(
    client, reviewer, waiting, smuggled
):
    approve_other_groups(waiting, besides=reviewer)  # clinical review, in parallel
    client.force_login(reviewer)
    signed = {**TICKED, "password": PASSWORD, "comment": "Fine."}
    response = _editor_post(client, waiting, {**signed, **smuggled})
    assert response.status_code in (200, 302)
    assert ApprovedMessage.objects.get(pk=waiting.pk).live  # approved, the extras ignored


def test_wrong_passwords_in_the_approve_dialog_count_towards_the_lockout(
    client, reviewer, waiting, settings
):
    client.force_login(reviewer)
    task_state = current_task(waiting)[1]
    url = reverse(
        "wagtailsnippets_cms_approvedmessage:workflow_action",
        args=[waiting.pk, "approve", task_state.pk],
    )
    form = dict.fromkeys(TICKED, "on")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {**form, "password": "guess"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert refusals(waiting).count() == settings.AXES_FAILURE_LIMIT
    client.post(url, {**form, "password": PASSWORD}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert not ApprovalVote.objects.exists()  # locked out: the right password can't sign now
    assert not ApprovedMessage.objects.get(pk=waiting.pk).live
