"""Parallel review by function: each required group approves separately, with its own
checklist, by different people; any group can send it back."""

import json
import re

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape

from wagtail.models import ModelLogEntry, WorkflowState

import pytest

from cms import roles
from cms.models import ApprovedMessage
from reviews import selectors
from reviews.forms import CHECKLISTS
from reviews.models import ApprovalRecord, ApprovalVote, ReviewEvent, ReviewRoute
from reviews.workspace import workspace_url
from tests.cms.factories import UserFactory
from tests.reviews.factories import (
    approval_form,
    approve,
    current_task,
    draft_message,
    edit,
    make_reviewer,
    request_changes,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician(db):
    return make_reviewer("clinical", roles.CLINICAL)


@pytest.fixture
def lawyer(db):
    return make_reviewer("legal", roles.LEGAL)


@pytest.fixture
def waiting(marketer):
    """An approved message (public content) submitted for review."""
    message = draft_message(author=marketer, title="Rehab access")
    submit(message, user=marketer)
    return message


def fresh(message):
    return ApprovedMessage.objects.get(pk=message.pk)


def states(obj):
    _task, task_state = current_task(obj)
    return [(review.label, review.state) for review in task_state.group_reviews()]


def test_the_default_routes_name_the_groups_that_must_approve():
    routes = {
        route.audience: sorted(group.name for group in route.required_groups.all())
        for route in ReviewRoute.objects.filter(content_type=None)
    }
    assert routes == {
        "public": [roles.CLINICAL, roles.COMPLIANCE],
        "external": [roles.CLINICAL, roles.COMPLIANCE],
        "internal": [roles.COMPLIANCE],
    }


def test_it_goes_live_only_when_every_group_has_approved(waiting, reviewer, clinician):
    approve(waiting, user=reviewer, comment="Sources fine.", others=False)
    assert not fresh(waiting).live
    assert states(waiting) == [
        (roles.CLINICAL, "Waiting"),
        (roles.COMPLIANCE, f"Approved by {reviewer}"),
    ]
    vote_log = ModelLogEntry.objects.get(action="reviews.vote")
    assert vote_log.user == reviewer
    assert vote_log.data["group"] == roles.COMPLIANCE
    assert vote_log.data["waiting_for"] == [roles.CLINICAL]

    approve(waiting, user=clinician, others=False)
    message = fresh(waiting)
    assert message.live and message.approval_code
    assert message.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    record = ApprovalRecord.objects.for_object(message).get()
    assert set(record.approvers.all()) == {reviewer, clinician}
    votes = {vote.user: vote for vote in ApprovalVote.objects.select_related("group")}
    assert votes[reviewer].group.name == roles.COMPLIANCE
    assert votes[clinician].group.name == roles.CLINICAL
    # Each group ticked its own checklist, and that is what the record keeps.
    assert set(record.checklist[clinician.username]) == {
        name for name, _ in CHECKLISTS[roles.CLINICAL]
    }
    assert set(record.checklist[reviewer.username]) == {
        name for name, _ in CHECKLISTS[roles.COMPLIANCE]
    }


def test_a_route_can_require_legal_too(waiting, marketer, reviewer, clinician, lawyer):
    route = ReviewRoute.objects.create(
        content_type=ContentType.objects.get_for_model(ApprovedMessage),
        audience="public",
        workflow=ReviewRoute.objects.get(content_type=None, audience="public").workflow,
    )
    route.required_groups.set(Group.objects.filter(name__in=roles.REVIEWER_ROLES))
    message = draft_message(author=marketer, title="Same-day discharge")
    submit(message, user=marketer)
    approve(message, user=clinician, others=False)
    approve(message, user=reviewer, others=False)
    assert not fresh(message).live
    assert states(message)[-1] == (roles.LEGAL, "Waiting")
    approve(message, user=lawyer, others=False)
    assert fresh(message).live
    # The message submitted before the route existed keeps the groups it started with.
    assert [label for label, _state in states(waiting)] == [roles.CLINICAL, roles.COMPLIANCE]


def test_a_group_that_has_approved_waits_for_the_others(waiting, reviewer, second_reviewer):
    approve(waiting, user=reviewer, others=False)
    task, task_state = current_task(waiting)
    reason = task.refusal_reason(fresh(waiting), second_reviewer)
    assert reason == ("Your group has already approved this; it is waiting for Clinical reviewers.")
    assert task.get_actions(fresh(waiting), second_reviewer) == []
    with pytest.raises(PermissionDenied, match="already approved"):
        approve(waiting, user=second_reviewer, others=False)
    assert selectors.review_queue(user=second_reviewer) == []


def test_one_person_in_two_groups_approves_for_one_of_them(waiting, reviewer):
    both = UserFactory(username="both", groups=[roles.COMPLIANCE, roles.CLINICAL])
    approve(waiting, user=both, others=False)
    [vote] = ApprovalVote.objects.all()
    assert vote.group.name == roles.CLINICAL  # the first of their groups still waiting
    task, _state = current_task(waiting)
    with pytest.raises(PermissionDenied, match="already approved"):
        approve(waiting, user=both, others=False)
    assert not fresh(waiting).live
    approve(waiting, user=reviewer, others=False)  # distinct people, one per group
    assert fresh(waiting).live


@pytest.mark.parametrize("group_name", [roles.COMPLIANCE, roles.CLINICAL])
def test_the_author_submitter_or_an_editor_is_refused_in_any_group(
    group_name, marketer, reviewer, clinician
):
    author = UserFactory(username="author", groups=[roles.MARKETERS, group_name])
    editor = UserFactory(username="editor", groups=[roles.MARKETERS, group_name])
    submitter = UserFactory(username="submitter", groups=[roles.MARKETERS, group_name])
    message = draft_message(author=author, title="Rehab access")
    edit(message, user=editor, text="Most referred patients start rehabilitation in ten days.")
    submit(message, user=submitter)
    task, _state = current_task(message)
    for person, why in [
        (author, "You created it."),
        (editor, "You edited it since its last approval."),
        (submitter, "You submitted it for review."),
    ]:
        assert task.refusal_reason(fresh(message), person) == why
        assert task.get_actions(fresh(message), person) == []
        with pytest.raises(PermissionDenied, match=why):
            approve(message, user=person, others=False)
        assert selectors.review_queue(user=person) == []
    assert not ApprovalVote.objects.exists()
    # Reviewers who had no hand in it approve it, one per group.
    approve(message, user=reviewer, others=False)
    approve(message, user=clinician, others=False)
    assert fresh(message).live


def test_one_groups_request_for_changes_sends_it_back_with_its_comment(
    client, waiting, marketer, reviewer, clinician
):
    approve(waiting, user=reviewer, others=False)
    request_changes(waiting, user=clinician, comment="Cite the trial behind “ten days”.")
    state = fresh(waiting).current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    comment = state.current_task_state.comment
    assert comment == "Clinical reviewers: Cite the trial behind “ten days”."
    assert not fresh(waiting).live
    event = ReviewEvent.objects.get(action=ReviewEvent.Action.REJECT)
    assert (event.user, event.group_name) == (clinician, roles.CLINICAL)

    # The author sees who asked, for which group, at the top of the editor.
    client.force_login(marketer)
    html = client.get(
        reverse("wagtailsnippets_cms_approvedmessage:edit", args=[waiting.pk])
    ).content.decode()
    assert "Clinical reviewers: Cite the trial behind" in html

    # Resubmitted, it needs every group again: the earlier approval was of the old
    # version.
    edit(waiting, user=marketer, source="Cardiac rehab registry, 2025")
    submit(waiting, user=marketer)
    assert states(waiting) == [(roles.CLINICAL, "Waiting"), (roles.COMPLIANCE, "Waiting")]
    approve(waiting, user=clinician, others=False)
    assert not fresh(waiting).live
    approve(waiting, user=reviewer, others=False)
    assert fresh(waiting).live


def test_the_queue_shows_each_groups_state(client, waiting, reviewer, clinician):
    [item] = selectors.review_queue(user=clinician)
    assert [(review.label, review.state) for review in item.groups] == [
        (roles.CLINICAL, "Waiting"),
        (roles.COMPLIANCE, "Waiting"),
    ]
    approve(waiting, user=reviewer, others=False)
    assert selectors.review_queue(user=reviewer) == []  # their part is done
    [item] = selectors.review_queue(user=clinician)
    assert [(review.label, review.approved) for review in item.groups] == [
        (roles.CLINICAL, False),
        (roles.COMPLIANCE, True),
    ]

    client.force_login(clinician)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your review queue" in html and "Rehab access" in html
    assert f"Approved by {reviewer}" in html
    assert re.search(r"Clinical reviewers</span>:\s*Waiting", html)


def test_the_workspace_shows_each_groups_state_and_the_groups_own_checklist(
    client, waiting, reviewer, clinician
):
    approve(waiting, user=reviewer, others=False)
    client.force_login(clinician)
    html = client.get(workspace_url(waiting)).content.decode()
    assert "You review for <strong>Clinical reviewers</strong>" in html
    assert f"Approved by {reviewer}" in html
    for _name, label in CHECKLISTS[roles.CLINICAL]:
        assert escape(label) in html
    assert CHECKLISTS[roles.COMPLIANCE][0][1] not in html  # compliance's is done

    # The compliance checklist doesn't approve for clinical: each group ticks its own.
    password = approval_form()["password"]

    def ticked(group_name):
        return {**dict.fromkeys(dict(CHECKLISTS[group_name]), "on"), "password": password}

    response = client.post(
        workspace_url(waiting), {**ticked(roles.COMPLIANCE), "action": "approve"}
    )
    assert response.status_code == 400
    assert not fresh(waiting).live
    response = client.post(workspace_url(waiting), {**ticked(roles.CLINICAL), "action": "approve"})
    assert response.status_code == 302
    assert fresh(waiting).live


def test_the_editors_approve_dialog_shows_the_reviewers_group_checklist(client, waiting, clinician):
    _task, task_state = current_task(waiting)
    url = reverse(
        "wagtailsnippets_cms_approvedmessage:workflow_action",
        args=[waiting.pk, "approve", task_state.pk],
    )
    client.force_login(clinician)
    html = json.loads(client.get(url).content)["html"]
    for _name, label in CHECKLISTS[roles.CLINICAL]:
        assert escape(label) in html
    assert CHECKLISTS[roles.COMPLIANCE][0][1] not in html


def test_a_legal_reviewer_without_a_required_group_has_no_part(client, waiting, lawyer):
    task, _state = current_task(waiting)
    assert task.refusal_reason(fresh(waiting), lawyer) == "You are not a reviewer for this step."
    assert selectors.review_queue(user=lawyer) == []
    client.force_login(lawyer)
    assert client.get(workspace_url(waiting)).status_code == 403


def test_each_required_groups_members_are_emailed(
    marketer, reviewer, clinician, lawyer, mailoutbox, django_capture_on_commit_callbacks
):
    message = draft_message(author=marketer, title="Rehab access")
    with django_capture_on_commit_callbacks(execute=True):
        submit(message, user=marketer)
    waiting = [mail for mail in mailoutbox if mail.subject.startswith("Waiting for your review")]
    assert sorted(address for mail in waiting for address in mail.to) == [
        "clinical@example.org",
        "compliance@example.org",
    ]
    by_person = {mail.to[0]: mail.body for mail in waiting}
    assert (
        "You review for: Clinical reviewers (in parallel with Compliance reviewers)"
        in by_person["clinical@example.org"]
    )
    assert (
        "You review for: Compliance reviewers (in parallel with Clinical reviewers)"
        in by_person["compliance@example.org"]
    )


def test_an_administrator_names_the_groups_of_a_route(client, admin_user):
    from cms.models import ServiceLinePage

    workflow = ReviewRoute.objects.get(content_type=None, audience="public").workflow
    page_type = ContentType.objects.get_for_model(ServiceLinePage)
    client.force_login(admin_user)
    form = client.get(reverse("review_routes:add")).content.decode()
    assert "Groups that must approve" in form and "Legal reviewers" in form
    groups = Group.objects.filter(name__in=roles.REVIEWER_ROLES)
    response = client.post(
        reverse("review_routes:add"),
        {
            "content_type": page_type.pk,
            "audience": "public",
            "workflow": workflow.pk,
            "required_groups": [group.pk for group in groups],
        },
    )
    assert response.status_code == 302
    route = ReviewRoute.objects.get(content_type=page_type)
    assert set(route.required_groups.all()) == set(groups)
    listing = client.get(reverse("review_routes:index")).content.decode()
    assert "Clinical reviewers and Compliance reviewers and Legal reviewers" in listing


def test_approving_one_group_in_the_editor_says_who_is_still_waiting(client, waiting, reviewer):
    from tests.reviews.factories import SIGNED

    client.force_login(reviewer)
    response = client.post(
        reverse("wagtailsnippets_cms_approvedmessage:edit", args=[waiting.pk]),
        {
            "title": waiting.title,
            "kind": waiting.kind,
            "text": waiting.text,
            "source": "",
            "service_lines": [waiting.service_lines.first().pk],
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps({**SIGNED, "comment": "Fine."}),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert not fresh(waiting).live
    assert (
        "Your approval of Rehab access is recorded. It is waiting for Clinical reviewers."
        in response.content.decode()
    )
