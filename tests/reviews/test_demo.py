"""reviews.demo takes the demo content through the real workflow, once."""

from django.contrib.auth import get_user_model

from wagtail.models import Revision, TaskState, WorkflowState

import pytest

from cms.models import ApprovedMessage
from cms.reviewable import reviewable_roots, specific
from reviews.models import ApprovalRecord, ApprovalVote, ReviewEvent
from reviews.routing import route_for
from reviews.selectors import due_for_review, review_queue

pytestmark = pytest.mark.django_db


DEMO_REVIEWERS = {
    "Compliance reviewers": "compliance",
    "Clinical reviewers": "clinical",
    "Legal reviewers": "legal",
}
REVIEW_MODELS = (ApprovalRecord, ApprovalVote, ReviewEvent, WorkflowState, TaskState, Revision)
REVIEW_TABLES = {model.__name__: model._meta.label for model in REVIEW_MODELS}


def review_counts():
    return {model.__name__: model.objects.count() for model in REVIEW_MODELS}


def test_demo_content_goes_live_only_through_review_and_a_second_run_changes_nothing(
    demo_organisation,
):
    # The first run is the shared demo organisation's (``seed_demo``, once per session).
    first = review_counts()

    # Everything live and reviewable was approved, with a code, at its live revision,
    # by the demo reviewer of each group its route requires: compliance for internal
    # material, compliance and clinical for external and public material, and legal
    # too for the public service-line pages (the demo's own route).
    live = [
        specific(obj)
        for model in reviewable_roots()
        for obj in model._default_manager.filter(live=True)
    ]
    assert len(live) > 20
    for obj in live:
        record = ApprovalRecord.objects.for_object(obj).get(is_current=True)
        assert obj.approval_label == record.label
        assert record.revision_id == obj.live_revision_id
        groups = route_for(record.revision.as_object()).required_groups.all()
        expected = sorted(DEMO_REVIEWERS[group.name] for group in groups)
        assert sorted(user.username for user in record.approvers.all()) == expected, obj
    assert ApprovedMessage.objects.filter(live=True).exclude(approval_code="").exists()
    # Submissions by the marketer only.
    assert set(WorkflowState.objects.values_list("requested_by__username", flat=True)) == {
        "marketer"
    }
    # Some wait in review, at the compliance step.
    waiting = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS)
    assert waiting.exists()
    assert {state.current_task_state.task.name for state in waiting} <= {
        "Compliance approval",
        "Internal approval",
    }
    # Each demo reviewer has something waiting: compliance, clinical and legal.
    User = get_user_model()
    for username in DEMO_REVIEWERS.values():
        assert review_queue(user=User.objects.get(username=username)), username
    assert {
        ApprovalRecord.objects.filter(approvers__username=username).exists()
        for username in DEMO_REVIEWERS.values()
    } == {True}

    # One item is past its review-by date and has been withdrawn.
    [due] = due_for_review()
    assert due.withdrawn_at and due.withdrawal_reason.startswith("Expired")
    assert not due.specific_object.live

    # A second run (shared with the other idempotency test) adds no review row.
    before, after = demo_organisation.run_again()
    assert {name: after["rows"][label] for name, label in REVIEW_TABLES.items()} == first
    assert {name: before["rows"][label] for name, label in REVIEW_TABLES.items()} == first
