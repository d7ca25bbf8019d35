"""Approval publishes the approved revision and stamps a unique, versioned code."""

import re

from django.utils import timezone

from wagtail.models import ModelLogEntry, WorkflowState

import pytest

from cms import roles
from cms.models import ApprovedMessage
from reviews.models import ApprovalRecord, ApprovalSequence, ComplianceApprovalTask, ReviewRoute
from reviews.services import add_months, approval_record, next_sequence
from tests.cms.factories import ServiceLineFactory
from tests.reviews.factories import (
    approve,
    current_task,
    draft_message,
    edit,
    group,
    group_approver,
    submit,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^[A-Z0-9]+-[A-Z]+-\d{4}-\d{4}$")


def approved_message(*, author, approver, **kwargs):
    message = draft_message(author=author, **kwargs)
    submit(message, user=author)
    approve(message, user=approver)
    message.refresh_from_db()
    return message


def test_approval_publishes_and_stamps_code_version_date_and_review_by(marketer, reviewer):
    before = timezone.now()
    message = approved_message(author=marketer, approver=reviewer)
    year = timezone.localdate().year

    assert message.live
    assert message.approval_code == f"CARD-MSG-{year}-0001"
    assert CODE.match(message.approval_code)
    assert message.approval_version == 1
    assert message.approval_label == f"CARD-MSG-{year}-0001 v1"
    assert message.approved_at >= before
    assert message.review_by == add_months(timezone.localdate(), 12)

    record = ApprovalRecord.objects.for_object(message).get()
    # Messages are public: compliance, then clinical review (in parallel).
    assert set(record.approvers.all()) == {reviewer, group_approver(roles.CLINICAL)}
    assert record.revision == message.live_revision
    assert record.is_current
    # The published revision carries the same stamp as the live row.
    stamped = message.live_revision.as_object()
    assert (stamped.approval_code, stamped.approval_version, stamped.review_by) == (
        message.approval_code,
        1,
        message.review_by,
    )
    # The approval is in the object's history.
    entry = ModelLogEntry.objects.get(action="reviews.approval")
    assert entry.data["label"] == message.approval_label


def test_codes_count_per_service_line_kind_and_year(marketer, reviewer):
    first = approved_message(author=marketer, approver=reviewer, title="One")
    second = approved_message(author=marketer, approver=reviewer, title="Two")
    ortho = ServiceLineFactory(slug="orthopedics", name="Orthopedics", code="ORTH")
    third = approved_message(author=marketer, approver=reviewer, title="Three", service_line=ortho)
    year = timezone.localdate().year
    assert [first.approval_code, second.approval_code, third.approval_code] == [
        f"CARD-MSG-{year}-0001",
        f"CARD-MSG-{year}-0002",
        f"ORTH-MSG-{year}-0001",
    ]


def test_content_without_a_service_line_uses_gen(marketer, reviewer, home_page):
    from wagtail.models import Page

    page = home_page
    page.save_revision(user=marketer)
    submit(page, user=marketer)
    approve(Page.objects.get(pk=page.pk).specific, user=reviewer)
    record = ApprovalRecord.objects.get()
    assert record.code.startswith("GEN-GEN-")


def test_reapproval_keeps_the_code_and_adds_a_version(marketer, reviewer, second_reviewer):
    message = approved_message(author=marketer, approver=reviewer)
    code = message.approval_code

    for version, approver in [(2, second_reviewer), (3, reviewer)]:
        edit(message, user=marketer, text=f"Rehabilitation starts within {version} weeks.")
        submit(message, user=marketer)
        approve(message, user=approver)
        message.refresh_from_db()
        assert (message.approval_code, message.approval_version) == (code, version)
        assert message.text == f"Rehabilitation starts within {version} weeks."

    records = ApprovalRecord.objects.for_object(message).order_by("version")
    assert [(r.code, r.version, r.is_current) for r in records] == [
        (code, 1, False),
        (code, 2, False),
        (code, 3, True),
    ]
    assert ApprovalSequence.objects.get().last_value == 1  # one number, three versions


def test_review_by_comes_from_the_route_then_settings_then_the_type(marketer, reviewer, settings):
    settings.CONCORD_REVIEW_MONTHS = {"MSG": 6}
    six = approved_message(author=marketer, approver=reviewer, title="Six")
    assert six.review_by == add_months(timezone.localdate(), 6)

    ReviewRoute.objects.filter(content_type=None, audience="public").update(review_months=3)
    three = approved_message(author=marketer, approver=reviewer, title="Three")
    assert three.review_by == add_months(timezone.localdate(), 3)


def test_add_months_clamps_to_the_end_of_the_month():
    import datetime

    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 14) == datetime.date(2028, 1, 15)


def test_two_distinct_approvers_when_the_task_asks_for_two(marketer, reviewer, second_reviewer):
    ComplianceApprovalTask.objects.filter(name="Compliance approval").update(required_approvals=2)
    # Two compliance approvals, and only compliance's (each required group would need two).
    ReviewRoute.objects.filter(content_type=None, audience="public").get().required_groups.set(
        [group(roles.COMPLIANCE)]
    )
    message = draft_message(author=marketer)
    submit(message, user=marketer)

    approve(message, user=reviewer, comment="Sources fine.")
    message.refresh_from_db()
    assert not message.live
    task, task_state = current_task(message)
    assert task_state.votes.count() == 1
    vote_log = ModelLogEntry.objects.get(action="reviews.vote")
    assert vote_log.user == reviewer and vote_log.data["votes"] == 1
    # The same person can't count twice.
    assert task.get_actions(message, reviewer) == []
    with pytest.raises(Exception, match="already approved"):
        approve(message, user=reviewer)

    approve(message, user=second_reviewer)
    message.refresh_from_db()
    assert message.live
    record = ApprovalRecord.objects.for_object(message).get()
    assert set(record.approvers.all()) == {reviewer, second_reviewer}
    assert message.workflow_states.get().status == WorkflowState.STATUS_APPROVED


def test_approval_record_is_the_service_other_code_can_call(marketer):
    """``approval_record`` stamps the approved revision; publishing it brings the stamp."""
    message = draft_message(author=marketer)
    revision = message.latest_revision
    record = approval_record(obj=message, revision=revision, approvers=[])
    assert not record.is_current, "an approval is current only once its revision is live"
    revision.refresh_from_db()
    revision.publish()
    message.refresh_from_db()
    record.refresh_from_db()
    assert message.live and message.approval_label == record.label
    assert record.is_current and record.fingerprint
    again = approval_record(obj=message, revision=revision, approvers=[])
    assert (again.code, again.version) == (record.code, 2)


def test_next_sequence_hands_out_consecutive_numbers():
    numbers = [next_sequence(service_line_code="VPC", kind="OP", year=2026) for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert next_sequence(service_line_code="VPC", kind="OP", year=2027) == 1


def test_messages_are_not_live_until_approved(marketer):
    draft_message(author=marketer)
    assert not ApprovedMessage.objects.filter(live=True).exists()


def test_the_code_follows_the_approved_revision_not_the_row_saved_at_creation(marketer, reviewer):
    ortho = ServiceLineFactory(slug="orthopedics", name="Orthopedics", code="ORTH")
    message = draft_message(author=marketer)  # created for cardiology
    draft = message.get_latest_revision_as_object()
    draft.service_lines = [ortho]
    draft.save_revision(user=marketer)
    submit(message, user=marketer)
    approve(message, user=reviewer)
    message.refresh_from_db()
    assert message.approval_code.startswith("ORTH-MSG-")
    assert list(message.service_lines.all()) == [ortho]


def test_the_finish_action_is_concords():
    """WAGTAIL_FINISH_WORKFLOW_ACTION is read at import time: check what Wagtail loaded."""
    from wagtail.models import WorkflowState

    from reviews.finish import publish_approved_revision

    assert WorkflowState.on_finish is publish_approved_revision
