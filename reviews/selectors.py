"""Reads for the review screens: the reviewer's queue, the reports, the audit trail."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cms.reviewable import specific
from reviews.models import ApprovalRecord, ComplianceApprovalTask, ComplianceTaskState, ReviewEvent


def sla_business_days():
    return getattr(settings, "CONCORD_REVIEW_SLA_BUSINESS_DAYS", 5)


def expiring_soon_days():
    return getattr(settings, "CONCORD_EXPIRING_SOON_DAYS", 30)


class QueueItem:
    """One item waiting for a reviewer, with how long it has waited and when it's due."""

    def __init__(self, task_state, now):
        from reviews.services import add_business_days

        self.task_state = task_state
        self.object = specific(task_state.revision.content_object)
        self.revision = task_state.revision
        self.submitted_by = task_state.workflow_state.requested_by
        self.waiting_since = task_state.started_at
        self.due = add_business_days(
            timezone.localtime(task_state.started_at).date(), sla_business_days()
        )
        self.overdue = timezone.localtime(now).date() > self.due
        # Where each required group stands (one entry when no group is required).
        self.groups = task_state.group_reviews()
        self.votes = sum(len(review.votes) for review in self.groups)
        self.required = sum(review.needed for review in self.groups)

    @property
    def edit_url(self):
        """The editor, where reviewers act (the task, not a permission, lets them in)."""
        from wagtail.admin.admin_url_finder import AdminURLFinder

        return AdminURLFinder().get_edit_url(self.object)

    @property
    def workspace_url(self):
        """The reviewer's workspace (``reviews.workspace``), where reviewers decide."""
        from reviews.workspace import workspace_url

        return workspace_url(self.object)

    @property
    def title(self):
        return str(self.object)

    @property
    def kind(self):
        return self.object._meta.verbose_name


def review_queue(*, user):
    """What is waiting for ``user`` to review, oldest first.

    Only review steps the user reviews at (a group the step requires, or the task's
    groups when it requires none), that the user may act on (separation of duties) and
    that their group hasn't already approved.
    """
    now = timezone.now()
    tasks = ComplianceApprovalTask.objects.filter(active=True)
    ids = set()
    for task in tasks:
        ids.update(task.get_task_states_user_can_moderate(user).values_list("pk", flat=True))
    states = (
        ComplianceTaskState.objects.filter(pk__in=ids)
        .select_related("revision", "workflow_state__requested_by", "task")
        .order_by("started_at", "pk")
    )
    return [item for item in (QueueItem(state, now) for state in states) if item.object is not None]


def audit_events():
    return ReviewEvent.objects.select_related("content_type", "user").order_by("-timestamp", "-pk")


def due_for_review(*, today=None):
    """Current approvals past their review-by date or withdrawn: content to re-review.

    An item stays here until a new approval replaces its record.
    """
    today = today or timezone.localdate()
    return (
        ApprovalRecord.objects.current()
        .filter(Q(review_by__lt=today) | Q(withdrawn_at__isnull=False))
        .select_related("content_type")
        .prefetch_related("approvers")
        .order_by("review_by", "pk")
    )


def expiring_soon(*, today=None, days=None):
    """Current, not withdrawn approvals whose review-by date falls in the next ``days``."""
    today = today or timezone.localdate()
    days = expiring_soon_days() if days is None else days
    return (
        ApprovalRecord.objects.current()
        .filter(
            withdrawn_at__isnull=True,
            review_by__gte=today,
            review_by__lte=today + timezone.timedelta(days=days),
        )
        .select_related("content_type")
        .prefetch_related("approvers")
        .order_by("review_by", "pk")
    )
