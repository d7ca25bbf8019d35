"""The terminology gate checks the submitted revision and explains every finding."""

from wagtail.models import TaskState, WorkflowState

import pytest

from reviews.gate import PASSED
from reviews.services import withdraw
from tests.reviews.factories import (
    approve,
    approved_term,
    cardiology,
    current_task,
    draft_message,
    edit,
    make_reviewer,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rehab_term(marketer):
    return approved_term(
        preferred="cardiac rehabilitation",
        variants=["cardiac rehab", "heart rehab"],
        author=marketer,
        approver=make_reviewer("glossary-approver"),
        service_line=cardiology(),
    )


def gate_state(obj):
    return TaskState.objects.filter(
        workflow_state__object_id=str(obj.pk), task__name="Terminology gate"
    ).latest("started_at", "pk")


def test_clean_content_passes_the_gate_and_reaches_compliance(marketer, rehab_term):
    message = draft_message(
        author=marketer, text="Most patients start cardiac rehabilitation within ten days."
    )
    submit(message, user=marketer)
    gate = gate_state(message)
    assert gate.status == TaskState.STATUS_APPROVED
    assert gate.comment == PASSED
    assert gate.finished_by is None  # automatic
    task, _state = current_task(message)
    assert task.name == "Compliance approval"


def test_a_disallowed_variant_sends_it_back_at_once_with_each_finding_and_fix(marketer, rehab_term):
    message = draft_message(
        author=marketer,
        text="Book cardiac rehab early.\n\nHeart rehab is covered by most plans.",
    )
    submit(message, user=marketer)

    state = message.workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    comment = gate_state(message).comment
    assert comment.startswith("Terminology gate: 2 changes needed")
    assert (
        "1. text (line 1, column 6): replace “cardiac rehab” with “cardiac rehabilitation”."
        in comment
    )
    assert (
        "2. text (line 3, column 1): replace “Heart rehab” with “cardiac rehabilitation”."
        in comment
    )
    # It never reached a reviewer.
    assert not TaskState.objects.filter(
        workflow_state=state, task__name="Compliance approval"
    ).exists()


def test_the_gate_checks_the_submitted_revision_not_the_live_text(marketer, rehab_term):
    message = draft_message(author=marketer, text="Cardiac rehabilitation starts within ten days.")
    submit(message, user=marketer)
    approve(message, user=make_reviewer("reviewer-a"))
    message.refresh_from_db()
    assert message.live

    edit(message, user=marketer, text="Cardiac rehab starts within ten days.")
    submit(message, user=marketer)
    assert gate_state(message).status == TaskState.STATUS_REJECTED
    assert "“cardiac rehab”" in gate_state(message).comment.lower()

    # Fixed and resubmitted: the gate runs again on the new revision and passes.
    edit(message, user=marketer, text="Cardiac rehabilitation starts within a week.")
    submit(message, user=marketer)
    assert gate_state(message).status == TaskState.STATUS_APPROVED


def test_content_using_a_withdrawn_approved_message_is_sent_back(marketer):
    from tests.assets.factories import EnablementAssetFactory

    message = draft_message(author=marketer, title="Rehab access")
    submit(message, user=marketer)
    approve(message, user=make_reviewer("reviewer-a"))
    message.refresh_from_db()
    withdraw(obj=message, reason="Wording under legal review.")

    asset = EnablementAssetFactory(
        title="Cardiac rehab one-pager",
        body=[("approved_message", message)],
        service_lines=[cardiology()],
    )
    asset.save_revision(user=marketer)
    submit(asset, user=marketer)
    asset.refresh_from_db()
    comment = gate_state(asset).comment
    assert gate_state(asset).status == TaskState.STATUS_REJECTED
    assert "the approved message “Rehab access” has been withdrawn" in comment


def test_a_resubmission_after_changes_requested_is_gated_before_the_reviewer_sees_it(
    marketer, rehab_term
):
    from tests.reviews.factories import request_changes

    message = draft_message(author=marketer, text="Cardiac rehabilitation starts within ten days.")
    submit(message, user=marketer)
    request_changes(message, user=make_reviewer("reviewer-a"), comment="Say who is eligible.")
    edit(message, user=marketer, text="Everyone with heart failure is eligible for heart rehab.")
    submit(message, user=marketer)  # Wagtail resumes at the compliance step

    state = message.workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    sent_back = state.current_task_state
    assert sent_back.task.name == "Compliance approval"
    assert sent_back.finished_by is None  # automatic, no reviewer involved
    assert "replace “heart rehab” with “cardiac rehabilitation”" in sent_back.comment


def test_an_image_without_a_description_sends_it_back(marketer, home_page):
    """The editor's accessibility check is part of the gate: a screen reader and the
    tagged PDF would have nothing to say about a decorative-marked picture."""
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection

    from assets.services import ensure_library
    from reviews.services import assign_default_workflows
    from tests.assets.factories import EnablementAssetFactory

    ensure_library(home=home_page)
    assign_default_workflows()
    pool = Image.objects.create(
        title="Hydrotherapy pool",
        file=get_test_image_file(filename="pool.png"),
        collection=Collection.get_first_root_node(),
    )
    asset = EnablementAssetFactory(
        title="Rehab gym tour",
        body=[("image", {"image": pool, "alt_text": "", "decorative": True})],
    )
    asset.save_revision(user=marketer)
    submit(asset, user=marketer)
    asset.refresh_from_db()
    comment = gate_state(asset).comment
    assert comment.startswith("Terminology gate: 1 change needed")
    assert "the image “Hydrotherapy pool” is marked decorative" in comment
    assert asset.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
