"""Signal receivers: routing a starting workflow, the audit trail, withdrawal cascade.

Connected in ``ReviewsConfig.ready``. Each receiver is thin and hands over to
``reviews.audit``, ``reviews.routing`` or ``reviews.services``.
"""

from wagtail.models import ModelLogEntry, PageLogEntry, WorkflowState
from wagtail.signals import page_unpublished, unpublished

from reviews.registry import is_reviewable, specific


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


def log_entry_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or not created:
        return
    from reviews.audit import event_from_log_entry

    event_from_log_entry(instance)


def content_unpublished(sender, instance, **kwargs):
    """Any withdrawal of approved content: note it on the record; cascade from messages."""
    if not is_reviewable(instance):
        return
    from cms.models import ApprovedMessage
    from reviews.services import cascade_withdrawal, current_withdrawal, record_withdrawal

    reason, expired = current_withdrawal() or ("Unpublished in the admin.", False)
    record_withdrawal(obj=instance, reason=reason, expired=expired)
    if isinstance(instance, ApprovedMessage):
        cascade_withdrawal(message=instance, expired=expired)


def connect():
    from django.db.models.signals import post_save, pre_save

    pre_save.connect(route_starting_workflow, sender=WorkflowState, dispatch_uid="reviews-route")
    for model in (PageLogEntry, ModelLogEntry):
        post_save.connect(
            log_entry_saved, sender=model, dispatch_uid=f"reviews-audit-{model.__name__}"
        )
    unpublished.connect(content_unpublished, dispatch_uid="reviews-unpublished")
    page_unpublished.connect(content_unpublished, dispatch_uid="reviews-page-unpublished")
