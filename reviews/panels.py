"""The reviewer's queue on the dashboard, and the way back to it after a review.

"Your review queue" replaces Wagtail's "Awaiting your review" for reviewers: the same
items (``reviews.selectors.review_queue``), with how long each has waited and its due
date.
"""

from django.contrib import messages
from django.shortcuts import redirect

from wagtail.admin.ui.components import Component

from reviews import selectors
from reviews.models import ComplianceApprovalTask, ReviewRoute


class ReviewQueuePanel(Component):
    name = "reviews_queue"
    template_name = "reviews/review_queue_panel.html"
    order = 50

    def __init__(self, items):
        self.items = items

    def get_context_data(self, parent_context):
        return {
            "items": self.items,
            "sla_days": selectors.sla_business_days(),
            "overdue": sum(1 for item in self.items if item.overdue),
        }


def is_reviewer(user):
    """A member of a review step's groups, or of a group a review route requires."""
    groups = user.groups.all()
    return (
        ComplianceApprovalTask.objects.filter(active=True, groups__in=groups).exists()
        or ReviewRoute.objects.filter(required_groups__in=groups).exists()
    )


def add_review_queue(request, panels):
    """``construct_homepage_panels``: a reviewer's dashboard shows their queue."""
    if not is_reviewer(request.user):
        return
    # Ours lists the same items as Wagtail's "Awaiting your review", plus the SLA.
    panels[:] = [
        panel for panel in panels if getattr(panel, "name", "") != "workflow_objects_to_moderate"
    ]
    panels.append(ReviewQueuePanel(selectors.review_queue(user=request.user)))


def back_to_the_queue(request, obj):
    """After a review action in the editor, land on the queue, with the outcome.

    Wagtail would return the reviewer to the explorer or the edit view, which they may
    no longer open once the item left review. The approval code is what they need next.
    """
    if "action-workflow-action" not in request.POST or request.GET.get("next"):
        return None
    obj.refresh_from_db()
    label = getattr(obj, "approval_label", "")
    if request.POST.get("workflow-action-name") == "approve":
        if label and obj.live:
            messages.success(request, f"Approved and published: {obj} — {label}.")
        elif waiting := _groups_still_waiting(obj):
            messages.success(
                request, f"Your approval of {obj} is recorded. It is waiting for {waiting}."
            )
    return redirect("wagtailadmin_home")


def _groups_still_waiting(obj):
    """``"Clinical reviewers"`` while other groups of a parallel review must approve."""
    from wagtail.models import TaskState

    from reviews.models import ComplianceTaskState

    workflow_state = obj.current_workflow_state
    state = workflow_state.current_task_state if workflow_state else None
    if state is None or state.status != TaskState.STATUS_IN_PROGRESS:
        return ""
    state = ComplianceTaskState.objects.filter(pk=state.pk).first()
    if state is None or not state.is_parallel:
        return ""
    return " and ".join(review.label for review in state.waiting_for())
