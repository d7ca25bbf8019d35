"""The demo's reviews: everything goes live through the real workflow.

Earlier demo modules save content as drafts and queue it in ``context.extra``:

* ``to_approve``: submitted by ``marketer``, checked by the terminology gate and
  approved by ``compliance`` with the checklist ticked, so it is published with an
  approval code exactly as in production;
* ``to_submit``: submitted and left waiting in the reviewer's queue.

Then one approved library item is made past its review-by date and ``expire_content``
withdraws it, so the "due for re-review" report has something in it.

Idempotent: approved content (it has an approval record) and content that has been
submitted before are left alone, and the expiry example is made only once. Workflow
notification emails are not sent while the demo loads.
"""

from django.test.utils import override_settings
from django.utils import timezone

from wagtail.models import WorkflowState

from cms.reviewable import specific
from reviews.forms import CHECKLIST
from reviews.models import ApprovalRecord, ComplianceApprovalTask
from reviews.selectors import due_for_review
from reviews.services import add_months, assign_default_workflows, expire_content

CHECKED = {name: True for name, _label in CHECKLIST}
DEMO_COMMENT = "Checked against the source and the glossary."


def seed(context):
    marketer = context.users.get("marketer")
    reviewer = context.users.get("compliance")
    if marketer is None or reviewer is None:
        return
    assign_default_workflows()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        approved, problems = approve_all(context.extra.get("to_approve", []), marketer, reviewer)
        waiting = submit_all(context.extra.get("to_submit", []), marketer)
        expired = make_one_item_due_for_re_review()
    summary = f"Reviews: {approved} approved, {waiting} submitted for review"
    if expired:
        summary += f", “{expired}” past its review-by date and withdrawn"
    context.stdout.write(summary + ".")
    for problem in problems:
        context.stdout.write(f"  not approved: {problem}")


def _fresh(obj):
    return specific(type(obj)._default_manager.get(pk=obj.pk))


def _has_record(obj):
    return ApprovalRecord.objects.for_object(obj).exists()


def approve_all(objects, marketer, reviewer):
    approved, problems = 0, []
    for obj in objects:
        obj = _fresh(obj)
        if _has_record(obj):
            continue
        problem = take_through_review(obj, marketer, reviewer)
        if problem:
            problems.append(f"{obj} — {problem}")
        else:
            approved += 1
    return approved, problems


def take_through_review(obj, marketer, reviewer):
    """Submit ``obj`` as the marketer and approve every step as the reviewer."""
    state = obj.current_workflow_state
    if state is None:
        state = obj.get_workflow().start(obj, marketer)
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return f"sent back earlier: {state.current_task_state.comment}"
    while state.status == WorkflowState.STATUS_IN_PROGRESS:
        task_state = state.current_task_state.specific
        task = task_state.task.specific
        if not isinstance(task, ComplianceApprovalTask):
            return f"waiting at “{task}”, which the demo can't approve"
        reason = task.refusal_reason(obj, reviewer, task_state=task_state)
        if reason:
            return f"{reviewer} can't approve at “{task}”: {reason}"
        task.on_action(task_state, reviewer, "approve", **CHECKED, comment=DEMO_COMMENT)
        state.refresh_from_db()
    if state.status != WorkflowState.STATUS_APPROVED:
        return f"sent back: {state.current_task_state.comment}"
    return ""


def submit_all(objects, marketer):
    submitted = 0
    for obj in objects:
        obj = _fresh(obj)
        if _has_record(obj) or obj.workflow_states.exists():
            continue
        obj.get_workflow().start(obj, marketer)
        submitted += 1
    return submitted


def make_one_item_due_for_re_review():
    """Age one approved enablement asset past its review-by date, then expire it (once)."""
    if due_for_review().exists():
        return None
    record = (
        ApprovalRecord.objects.current()
        .filter(content_type__model="enablementassetpage", withdrawn_at=None)
        .order_by("pk")
        .last()
    )
    if record is None:
        return None
    today = timezone.localdate()
    approved_at = timezone.now() - timezone.timedelta(days=400)
    review_by = add_months(today, -1)
    ApprovalRecord.objects.filter(pk=record.pk).update(approved_at=approved_at, review_by=review_by)
    obj = record.specific_object
    type(obj)._default_manager.filter(pk=obj.pk).update(
        approved_at=approved_at, review_by=review_by
    )
    if record.revision_id:
        record.revision.content.update(
            {"approved_at": approved_at.isoformat(), "review_by": review_by.isoformat()}
        )
        record.revision.save(update_fields=["content"])
    expire_content(today=today)
    return obj
