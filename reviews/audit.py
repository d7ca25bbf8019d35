"""The audit trail: one :class:`ReviewEvent` per review-relevant log entry.

Wagtail logs every workflow step, publish and unpublish; ``reviews`` logs votes,
approval records, withdrawals and expiries. This module copies those entries into
``ReviewEvent`` rows with what an auditor filters and exports by (service lines, the
approval code, the comment), fixed at the time of the event.
"""

import logging

from django.contrib.contenttypes.models import ContentType

from wagtail.models import Page, Task, TaskState, WorkflowMixin

from reviews.models import ReviewEvent
from reviews.revision_objects import read_only_object

logger = logging.getLogger(__name__)

Action = ReviewEvent.Action

AUDITED_ACTIONS = {
    "wagtail.workflow.start": Action.SUBMIT,
    "wagtail.workflow.resume": Action.SUBMIT,
    "wagtail.workflow.approve": Action.APPROVE,
    "wagtail.workflow.reject": Action.REJECT,
    "wagtail.workflow.cancel": Action.CANCEL,
    "reviews.reroute": Action.CANCEL,
    "reviews.vote": Action.VOTE,
    "wagtail.publish": Action.PUBLISH,
    "reviews.approval": Action.RECORD,
    "wagtail.unpublish": Action.WITHDRAW,
    "reviews.withdraw": Action.WITHDRAW,
    "reviews.expire": Action.EXPIRE,
    "reviews.signature_refused": Action.REFUSED,
}

AUTOMATIC = "Concord (automatic)"


def _object_for(log_entry):
    """The object as it was at the logged revision, else the live row, else ``None``."""
    if log_entry.revision_id:
        try:
            return read_only_object(log_entry.revision)
        except Exception:  # a broken old revision must not stop the audit trail
            logger.warning("Can't load revision %s for the audit trail", log_entry.revision_id)
    model = log_entry.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=log_entry.object_id).first()


def _started_workflow_state(log_entry):
    """The workflow state a ``wagtail.workflow.start`` entry is about, if it can be found."""
    task_state_id = ((log_entry.data or {}).get("workflow") or {}).get("task_state_id")
    if not task_state_id:
        return None
    task_state = (
        TaskState.objects.filter(pk=task_state_id)
        .select_related("workflow_state__workflow")
        .first()
    )
    return task_state.workflow_state if task_state else None


def _fix_routed_start(log_entry, workflow_state):
    """Wagtail logs the *assigned* workflow when one starts; name the routed one instead."""
    workflow = workflow_state.workflow
    workflow_data = log_entry.data["workflow"]
    if workflow_data.get("id") == workflow.pk:
        return
    workflow_data.update({"id": workflow.pk, "title": workflow.name})
    type(log_entry).objects.filter(pk=log_entry.pk).update(data=log_entry.data)


def _by_automatic_step(log_entry):
    """Whether ``log_entry`` is an automatic task's decision (the terminology gate).

    Wagtail logs it under whoever's request ran the task — the author who submitted —
    which would read as the author approving their own work.
    """
    if log_entry.action not in ("wagtail.workflow.approve", "wagtail.workflow.reject"):
        return False
    task = ((log_entry.data or {}).get("workflow") or {}).get("task") or {}
    if not task.get("id"):
        return False
    task = Task.objects.filter(pk=task["id"]).first()
    return task is not None and getattr(task.specific_class, "automatic", False)


def _signed(log_entry, user):
    """``(checklist, meaning, group name)`` of the vote an approval log entry records,
    if any."""
    from reviews.models import ApprovalVote

    task_state_id = ((log_entry.data or {}).get("workflow") or {}).get("task_state_id")
    if not task_state_id or user is None:
        return {}, "", ""
    vote = (
        ApprovalVote.objects.filter(task_state_id=task_state_id, user=user)
        .select_related("group")
        .first()
    )
    if vote is None:
        return {}, "", ""
    return vote.checklist, vote.signature_meaning, vote.group.name if vote.group else ""


def _rejecting_group(log_entry, user):
    """The required group a reviewer requested changes for (parallel review), or ``""``."""
    from reviews.models import ComplianceTaskState

    task_state_id = ((log_entry.data or {}).get("workflow") or {}).get("task_state_id")
    if not task_state_id or user is None:
        return ""
    task_state = ComplianceTaskState.objects.filter(pk=task_state_id).first()
    group = task_state.group_for(user) if task_state is not None else None
    return group.name if group else ""


def _comment(action, data):
    if action == Action.RECORD:
        approvers = ", ".join(data.get("approvers") or []) or "—"
        label, review_by = data.get("label", ""), data.get("review_by", "")
        return f"{label}; review by {review_by}; approved by {approvers}"
    if action == Action.VOTE:
        votes = f"Approval {data.get('votes')} of {data.get('required')}"
        if data.get("group"):
            waiting = " and ".join(data.get("waiting_for") or [])
            votes = f"{votes}; waiting for {waiting}"
        return f"{votes}: {data['comment']}" if data.get("comment") else votes
    return data.get("comment") or data.get("reason") or ""


def event_from_log_entry(log_entry):
    """Create the audit row for ``log_entry`` if it is a review event. Idempotent."""
    action = AUDITED_ACTIONS.get(log_entry.action)
    if action is None:
        return None
    timestamp = log_entry.timestamp
    if log_entry.action == "wagtail.workflow.start":
        workflow_state = _started_workflow_state(log_entry)
        if workflow_state is not None:
            _fix_routed_start(log_entry, workflow_state)
            # Wagtail logs the start after the first (automatic) step has run.
            timestamp = min(timestamp, workflow_state.created_at)
    obj = _object_for(log_entry)
    if obj is not None and not isinstance(obj, WorkflowMixin):
        return None  # publishing a plain model: not part of review
    data = log_entry.data or {}
    workflow_data = data.get("workflow") or {}
    live = _live(log_entry)
    service_lines = obj.get_service_lines() if hasattr(obj, "get_service_lines") else []
    user = None if _by_automatic_step(log_entry) else log_entry.user
    checklist, meaning, group_name = {}, "", ""
    if action in (Action.APPROVE, Action.VOTE):
        checklist, meaning, group_name = _signed(log_entry, user)
    elif action == Action.REJECT:
        group_name = _rejecting_group(log_entry, user)
    if isinstance(obj, Page) or issubclass(log_entry.content_type.model_class() or object, Page):
        base_content_type = ContentType.objects.get_for_model(Page)
    else:
        base_content_type = log_entry.content_type
    event, created = ReviewEvent.objects.get_or_create(
        source_log_model=log_entry._meta.label_lower,
        source_log_id=log_entry.pk,
        defaults={
            "action": action,
            "log_action": log_entry.action,
            "timestamp": timestamp,
            "user": user,
            "user_display": str(user) if user is not None else AUTOMATIC,
            "content_type": log_entry.content_type,
            "base_content_type": base_content_type,
            "object_id": str(log_entry.object_id),
            "object_label": (log_entry.label or str(obj or ""))[:255],
            "revision_id": log_entry.revision_id,
            "revision_number": log_entry.revision_id,
            "workflow_name": workflow_data.get("title", "")[:255],
            "task_name": ((workflow_data.get("task") or {}).get("title") or "")[:255],
            "group_name": group_name[:150],
            "approval_label": (
                data.get("label") or data.get("approval") or getattr(live, "approval_label", "")
            )[:60],
            "comment": _comment(action, data),
            "checklist": checklist,
            "signature_meaning": meaning,
            "service_line_codes": ", ".join(sorted(line.code for line in service_lines)),
        },
    )
    if created and service_lines:
        event.service_lines.set(service_lines)
    return event


def _live(log_entry):
    model = log_entry.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=log_entry.object_id).first()
