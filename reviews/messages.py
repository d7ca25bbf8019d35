"""The editor's messages after a submit say what really happened.

Wagtail's edit and create views add a green "… has been submitted for moderation" (or
"Workflow … has been restarted") as soon as the workflow has *started*. When its first
task is automatic and decides at once — the terminology gate sending the content back
with its findings — that success message is wrong: the content never reached a
reviewer. :func:`tell_what_happened` runs right after (``after_edit_page``,
``after_create_page``, ``after_edit_snippet``, ``after_create_snippet``, registered in
``reviews.wagtail_hooks``), takes that success message out and adds an error with the
task's comment, which says what to change and where. It returns nothing, so the views'
own redirects (and other hooks) are unchanged.
"""

from django.contrib import messages
from django.utils.html import format_html, format_html_join

from wagtail.admin.messages import render
from wagtail.models import TaskState, WorkflowState

from reviews.audit import AUTOMATIC

SUBMIT_ACTIONS = ("action-submit", "action-restart-workflow")
# What Wagtail's submit and restart messages say (wagtail.admin.views.pages.edit and
# .create, wagtail.admin.views.generic.mixins.CreateEditViewOptionalFeaturesMixin).
SUBMITTED_PHRASES = ("submitted for moderation", "has been restarted")


def automatic_rejection(obj):
    """The task state that sent ``obj`` back without a person, if that just happened."""
    state = getattr(obj, "current_workflow_state", None)
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    rejected = (
        state.task_states.filter(status=TaskState.STATUS_REJECTED)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if rejected is None or rejected.finished_by_id is not None:
        return None  # a reviewer's decision, from an earlier round
    return rejected


def _is_submitted_message(message):
    return message.level == messages.SUCCESS and any(
        phrase in str(message.message) for phrase in SUBMITTED_PHRASES
    )


def _findings(comment):
    lines = [line.strip() for line in (comment or "").splitlines() if line.strip()]
    if not lines:
        return ""
    return format_html(
        '<ul class="review-gate-findings">{}</ul>',
        format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
    )


def tell_what_happened(request, obj):
    """Replace Wagtail's "submitted" success with an error when ``obj`` was sent back."""
    if not any(action in request.POST for action in SUBMIT_ACTIONS):
        return
    rejected = automatic_rejection(obj)
    if rejected is None:
        return
    storage = messages.get_messages(request)
    queued = list(storage)  # marks them used; the ones kept are added again below
    for message in queued:
        if not _is_submitted_message(message):
            messages.add_message(
                request, message.level, message.message, extra_tags=message.extra_tags
            )
    task = rejected.task.specific if rejected.task_id else None
    text = format_html(
        "“{}” was not submitted: the {} sent it back. Make the changes below, save, and "
        "submit again.",
        obj.get_admin_display_title() if hasattr(obj, "get_admin_display_title") else obj,
        str(task.name).lower() if task is not None else "automatic check",
    )
    messages.error(request, render(text, None, detail=_findings(rejected.comment)))


def _has_error(request):
    """Whether an error is already waiting to be shown (the storage stays unread)."""
    storage = messages.get_messages(request)
    found = any(message.level == messages.ERROR for message in storage)
    storage.used = False
    return found


def changes_requested(request, obj):
    """``before_edit_page`` / ``before_edit_snippet``: opening the editor of something
    sent back for changes shows who asked for what, as an error at the top — not only
    a status in the side panel."""
    if request.method != "GET":
        return
    state = getattr(obj, "current_workflow_state", None)
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return
    rejected = (
        state.task_states.filter(status=TaskState.STATUS_REJECTED)
        .select_related("finished_by", "task")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if rejected is None or _has_error(request):
        return  # nothing to say, or the submit's own error says it already
    who = rejected.finished_by or AUTOMATIC
    text = format_html(
        "Changes requested by {} at the “{}” step. Make them, save, and submit again.",
        who,
        rejected.task.name if rejected.task_id else "review",
    )
    messages.error(request, render(text, None, detail=_findings(rejected.get_comment())))
