"""Signal receivers: routing a starting workflow, the audit trail, withdrawal cascade.

Connected in ``ReviewsConfig.ready``. Each receiver is thin and hands over to
``reviews.audit``, ``reviews.routing`` or ``reviews.services``.
"""

from wagtail.models import ModelLogEntry, PageLogEntry, WorkflowState
from wagtail.signals import page_published, page_unpublished, published, unpublished

from cms.reviewable import is_reviewable, specific


def route_starting_workflow(sender, instance, raw=False, **kwargs):
    """Run the routed workflow (by content type and audience) instead of the assigned one."""
    if raw or instance.pk is not None or instance.status != WorkflowState.STATUS_IN_PROGRESS:
        return
    from reviews.routing import route_for

    obj = specific(instance.content_object)
    if obj is None:
        return
    submitted = (
        obj.get_latest_revision_as_object()
        if hasattr(obj, "get_latest_revision_as_object")
        else obj
    )
    route = route_for(submitted)
    if route is not None and route.workflow_id != instance.workflow_id:
        instance.workflow = route.workflow


def reroute_resumed_workflow(sender, instance, raw=False, **kwargs):
    """A resubmission runs the route of what is resubmitted, not the one chosen at first.

    Wagtail resumes a workflow sent back for changes at the step that sent it back. If
    the draft's route changed meanwhile (say its audience went from internal to
    external), the old workflow is cancelled here — before it resumes — with a
    ``reviews.reroute`` entry saying why, and the routed workflow starts from its
    first step. ``resume()`` then finds its state cancelled and does nothing more.
    """
    if raw or instance.pk is None or instance.status != WorkflowState.STATUS_IN_PROGRESS:
        return
    before = WorkflowState.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    if before != WorkflowState.STATUS_NEEDS_CHANGES:
        return
    from wagtail.log_actions import log

    from reviews.routing import audience_of, route_for

    obj = specific(instance.content_object)
    if obj is None or not hasattr(obj, "get_latest_revision"):
        return
    revision = obj.get_latest_revision()
    submitted = specific(revision.as_object()) if revision else obj
    route = route_for(submitted)
    if route is None or route.workflow_id == instance.workflow_id:
        return
    user = (revision.user if revision else None) or instance.requested_by
    WorkflowState.objects.filter(pk=instance.pk).update(status=WorkflowState.STATUS_CANCELLED)
    instance.status = WorkflowState.STATUS_CANCELLED
    log(
        instance=obj,
        action="reviews.reroute",
        user=user,
        revision=revision,
        data={
            "reason": (
                f"Its audience is now {audience_of(submitted)}, so it is reviewed by "
                f"“{route.workflow.name}” instead of “{instance.workflow.name}”."
            ),
            "from": {"id": instance.workflow_id, "title": instance.workflow.name},
            "to": {"id": route.workflow_id, "title": route.workflow.name},
        },
    )
    route.workflow.start(obj, user)


def approval_published(sender, instance, revision=None, **kwargs):
    """A revision went live (now or by ``publish_scheduled``): its approval is current."""
    if revision is None or not is_reviewable(instance):
        return
    if not instance.live or instance.live_revision_id != revision.pk:
        return  # scheduled for later: the approval becomes current when it goes live
    from reviews.services import approval_went_live

    approval_went_live(obj=instance, revision=revision)


def log_entry_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or not created:
        return
    from reviews.audit import event_from_log_entry

    event_from_log_entry(instance)


def content_unpublished(sender, instance, **kwargs):
    """Approved content unpublished in the admin: note it, cascade, tell the listeners.

    ``reviews.services.withdraw`` (expiry, the cascade) marks the record before it
    unpublishes and does the rest itself, so here the record is already marked.
    """
    if not is_reviewable(instance):
        return
    from reviews.services import record_withdrawal, withdrawal_done

    reason = "Unpublished in the admin."
    if record_withdrawal(obj=instance, reason=reason):
        withdrawal_done(obj=instance, reason=reason, expired=False)


def connect():
    from django.db.models.signals import post_save, pre_save

    from reviews import integrity

    pre_save.connect(route_starting_workflow, sender=WorkflowState, dispatch_uid="reviews-route")
    pre_save.connect(reroute_resumed_workflow, sender=WorkflowState, dispatch_uid="reviews-reroute")
    integrity.connect()
    published.connect(approval_published, dispatch_uid="reviews-approval-published")
    page_published.connect(approval_published, dispatch_uid="reviews-approval-page-published")
    for model in (PageLogEntry, ModelLogEntry):
        post_save.connect(
            log_entry_saved, sender=model, dispatch_uid=f"reviews-audit-{model.__name__}"
        )
    from wagtail.signals import task_submitted

    from reviews.models import ComplianceTaskState
    from reviews.notifications import review_waiting

    task_submitted.connect(
        review_waiting, sender=ComplianceTaskState, dispatch_uid="reviews-notify-reviewers"
    )
    unpublished.connect(content_unpublished, dispatch_uid="reviews-unpublished")
    page_unpublished.connect(content_unpublished, dispatch_uid="reviews-page-unpublished")
