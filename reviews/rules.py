"""Separation of duties: who may not approve a piece of content.

Nobody approves content they

* submitted for review (started or resubmitted a workflow on it since its last approval),
* authored (created its first revision, own the page, or are its named content owner),
* edited since its last approval (saved a revision that changed the content after the
  revision last approved).

The rule holds for everyone, whatever their groups: a person who is both a marketer and
a reviewer can review other people's work, never their own.
"""

from wagtail.log_actions import registry as log_registry
from wagtail.models import Revision

from reviews.fingerprint import same_content

SUBMIT_ACTIONS = ("wagtail.workflow.start", "wagtail.workflow.resume")


def last_approved_at(obj):
    """When the revision behind the latest approval was saved (``None``: never approved)."""
    from reviews.models import ApprovalRecord

    record = (
        ApprovalRecord.objects.for_object(obj)
        .select_related("revision")
        .order_by("-version")
        .first()
    )
    if record is None:
        return None
    return record.revision.created_at if record.revision else record.approved_at


def editors(*, obj, since):
    """Users who changed the content of ``obj`` after ``since`` (all time if ``None``).

    A save that changed nothing (the admin saves a revision on every submit, comment
    or workflow action) doesn't make anyone an editor.
    """
    revisions = Revision.objects.filter(
        base_content_type=obj.get_base_content_type(), object_id=str(obj.pk)
    ).order_by("created_at", "pk")
    previous = None
    if since is not None:
        previous = revisions.filter(created_at__lte=since).last()
        revisions = revisions.filter(created_at__gt=since)
    found = set()
    for revision in revisions:
        if revision.user_id and (previous is None or not same_content(previous, revision)):
            found.add(revision.user_id)
        previous = revision
    return found


def conflicts(*, obj, workflow_state=None):
    """``{user_id: reason}`` for everyone who may not approve ``obj`` now."""
    since = last_approved_at(obj)
    found = dict.fromkeys(editors(obj=obj, since=since), "You edited it since its last approval.")

    submitted = log_registry.get_logs_for_instance(obj).filter(action__in=SUBMIT_ACTIONS)
    if since is not None:
        submitted = submitted.filter(timestamp__gt=since)
    submitters = set(submitted.exclude(user=None).values_list("user_id", flat=True))
    if workflow_state is not None and workflow_state.requested_by_id:
        submitters.add(workflow_state.requested_by_id)
    for user_id in submitters:
        found[user_id] = "You submitted it for review."

    first = (
        Revision.objects.filter(
            base_content_type=obj.get_base_content_type(), object_id=str(obj.pk)
        )
        .exclude(user=None)
        .order_by("created_at", "pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if first is not None:
        found[first] = "You created it."
    page_owner_id = getattr(obj, "owner_id", None)
    if page_owner_id is not None:
        found.setdefault(page_owner_id, "You are its owner.")
    owner = obj.get_content_owner() if hasattr(obj, "get_content_owner") else None
    if owner is not None:
        found.setdefault(owner.pk, "You are its content owner.")
    return found


def conflict_of_interest(*, obj, user, workflow_state=None):
    """Why ``user`` may not approve ``obj`` (a sentence), or ``None``."""
    return conflicts(obj=obj, workflow_state=workflow_state).get(user.pk)
