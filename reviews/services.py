"""Review actions: votes, approval records and codes, withdrawal and expiry, defaults.

Every function takes keyword-only arguments. Views, tasks, signals and management
commands call these; none of them changes review state by itself.
"""

import calendar
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.log_actions import log
from wagtail.models import DraftStateMixin, Page, ReferenceIndex, TaskState

from cms import indexing
from cms.indexing import batched_indexing
from cms.reviewable import is_reviewable, reviewable_models, reviewable_roots, specific
from reviews.models import ApprovalRecord, ApprovalSequence, ApprovalVote
from reviews.routing import route_for

logger = logging.getLogger(__name__)

GENERIC_CODE = "GEN"


# Dates -------------------------------------------------------------------------


def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def add_business_days(day, days):
    """``day`` plus ``days`` working days (Monday to Friday)."""
    result = day
    while days > 0:
        result += timezone.timedelta(days=1)
        if result.weekday() < 5:
            days -= 1
    return result


def review_months_for(obj):
    """How long an approval of ``obj`` lasts: its route, then settings, then its type."""
    route = route_for(obj)
    if route is not None and route.review_months:
        return route.review_months
    kind = getattr(obj, "approval_kind_code", GENERIC_CODE)
    configured = getattr(settings, "CONCORD_REVIEW_MONTHS", {}).get(kind)
    if configured:
        return configured
    return getattr(obj, "default_review_months", 12)


# Votes -------------------------------------------------------------------------


def follow_unchanged_revisions(*, task_state):
    """Move a review to the latest revision when nothing changed since it started.

    The admin saves a revision on every save, comment and editor workflow action; with
    ``WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT`` such a revision would restart review
    after approval although its content is what was checked. When the latest revision
    has the same content as the one under review, the steps already passed and this
    step are carried over to it, so the approval applies to (and publishes) the latest.
    """
    from reviews.fingerprint import same_content

    obj = specific(task_state.revision.content_object)
    latest = obj.get_latest_revision()
    if latest is None or latest.pk == task_state.revision_id:
        return task_state
    if not same_content(task_state.revision, latest):
        return task_state
    passed = TaskState.objects.filter(
        workflow_state_id=task_state.workflow_state_id,
        status=TaskState.STATUS_APPROVED,
        revision_id=task_state.revision_id,
    )
    for state in passed:
        state.copy(update_attrs={"revision": latest})
    TaskState.objects.filter(pk=task_state.pk).update(revision=latest)
    task_state.revision = latest
    return task_state


def approval_vote(*, task_state, user, checklist, comment="", meaning="", group=None):
    """Record ``user``'s signed approval (for ``group``, in a parallel review); approve
    the task once every required group has enough distinct approvers. ``meaning`` is
    what the signature states (``reviews.signatures``); the vote keeps it with the
    fingerprint of the revision signed.

    The caller (``ComplianceApprovalTask.on_action``) has already checked the rules and
    locked ``task_state``. Votes that don't complete the task are logged here
    (``reviews.vote``); the completing one is Wagtail's ``wagtail.workflow.approve``.
    """
    from reviews.fingerprint import fingerprint

    vote = ApprovalVote.objects.create(
        task_state=task_state,
        user=user,
        group=group,
        checklist=checklist,
        comment=comment,
        signature_meaning=meaning,
        signed_fingerprint=fingerprint(task_state.revision),
    )
    reviews = task_state.group_reviews()
    waiting = [review for review in reviews if not review.approved]
    if not waiting:
        task_state.approve(user=user, comment=comment)
        return vote
    count = sum(len(review.votes) for review in reviews)
    required = sum(review.needed for review in reviews)
    log(
        instance=task_state.revision.as_object(),
        action="reviews.vote",
        user=user,
        revision=task_state.revision,
        data={
            "comment": comment,
            "votes": count,
            "required": required,
            "group": group.name if group else "",
            "waiting_for": [review.label for review in waiting],
            "checklist": checklist,
            "meaning": meaning,
            "workflow": {
                "id": task_state.workflow_state.workflow_id,
                "title": task_state.workflow_state.workflow.name,
                "task": {"id": task_state.task_id, "title": task_state.task.name},
                "task_state_id": task_state.pk,
            },
        },
    )
    return vote


# Approval codes and records ------------------------------------------------------


def next_sequence(*, service_line_code, kind, year):
    """The next approval number for (service line code, kind, year).

    One ``UPDATE … SET last_value = last_value + 1`` takes the row lock, so a second
    approval in another transaction waits until this one commits and then counts on
    from the committed value (PostgreSQL), or waits for the database write lock
    (SQLite). ``get_or_create`` already retries the lookup after losing a race to
    create the row. Must run inside the approval's transaction.
    """
    counter, _created = ApprovalSequence.objects.get_or_create(
        service_line_code=service_line_code, kind=kind, year=year
    )
    ApprovalSequence.objects.filter(pk=counter.pk).update(last_value=F("last_value") + 1)
    return ApprovalSequence.objects.values_list("last_value", flat=True).get(pk=counter.pk)


def format_code(*, service_line_code, kind, year, sequence):
    return f"{service_line_code}-{kind}-{year}-{sequence:04d}"


def _live_instance(obj):
    """A fresh copy of the live row of ``obj`` (the specific class for pages)."""
    obj = specific(obj)
    return type(obj)._default_manager.get(pk=obj.pk)


@batched_indexing
@transaction.atomic
def approval_record(*, obj, revision, approvers, workflow_state=None, approved_at=None, user=None):
    """Record that ``revision`` of ``obj`` was approved, and stamp the revision.

    The first approval of an object takes the next code for its service line, kind and
    year; each re-approval keeps the code and adds one to the version. Code, kind,
    audience and review period come from the approved revision itself. The record holds
    the revision's fingerprint (``reviews.fingerprint``): its content and the files it
    uses. The stamp (``approval_code``, ``approval_version``, ``approved_at``,
    ``review_by``) is written into the revision's content, so publishing the revision —
    now, or later by ``publish_scheduled`` — brings the stamp with it, and a live row
    never carries a stamp for content it doesn't hold.

    The record starts *not current*: it becomes the current one when its revision goes
    live (:func:`approval_went_live`). Returns the new :class:`ApprovalRecord`.
    """
    from reviews.fingerprint import files_of, fingerprint

    obj = specific(obj)
    approved = specific(revision.as_object()) if revision is not None else obj
    approved_at = approved_at or timezone.now()
    approvers = [approver for approver in approvers if approver is not None]
    base_content_type = obj.get_base_content_type()
    previous = (
        ApprovalRecord.objects.select_for_update()
        .filter(base_content_type=base_content_type, object_id=str(obj.pk))
        .order_by("-version")
        .first()
    )
    service_line = (
        approved.get_approval_service_line()
        if hasattr(approved, "get_approval_service_line")
        else None
    )
    kind = getattr(approved, "approval_kind_code", GENERIC_CODE) or GENERIC_CODE
    if previous is not None:
        code_parts = {
            "service_line_code": previous.service_line_code,
            "kind": previous.kind,
            "year": previous.year,
            "sequence": previous.sequence,
        }
        version = previous.version + 1
    else:
        key = {
            "service_line_code": (service_line.code if service_line else "") or GENERIC_CODE,
            "kind": kind,
            "year": timezone.localtime(approved_at).year,
        }
        code_parts = {**key, "sequence": next_sequence(**key)}
        version = 1
    review_by = add_months(timezone.localtime(approved_at).date(), review_months_for(approved))
    record = ApprovalRecord.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        base_content_type=base_content_type,
        object_id=str(obj.pk),
        object_label=str(approved)[:255],
        revision=revision,
        workflow_state=workflow_state,
        service_line=service_line,
        code=format_code(**code_parts),
        version=version,
        audience=(
            approved.get_review_audience() if hasattr(approved, "get_review_audience") else ""
        ),
        checklist=_checklists(workflow_state, revision),
        approved_at=approved_at,
        review_by=review_by,
        is_current=False,
        fingerprint=fingerprint(revision) if revision is not None else "",
        files=files_of(approved),
        **code_parts,
    )
    record.approvers.set(approvers)

    if is_reviewable(obj) and revision is not None:
        revision.content.update(
            {
                "approval_code": record.code,
                "approval_version": record.version,
                "approved_at": record.approved_at.isoformat(),
                "review_by": record.review_by.isoformat(),
            }
        )
        revision.save(update_fields=["content"])

    log(
        instance=obj,
        action="reviews.approval",
        user=user or (approvers[-1] if approvers else None),
        revision=revision,
        data={
            "code": record.code,
            "version": record.version,
            "label": record.label,
            "review_by": record.review_by.isoformat(),
            "approvers": [str(approver) for approver in approvers],
            "scheduled": bool(revision is not None and revision.approved_go_live_at),
        },
    )
    return record


def approval_for_live(obj):
    """The approval record behind what ``obj``'s row holds live, or ``None``.

    That is the record of this very object for its live revision, not withdrawn.
    """
    live_revision_id = getattr(obj, "live_revision_id", None)
    if live_revision_id is None:
        return None
    return (
        ApprovalRecord.objects.for_object(obj)
        .filter(revision_id=live_revision_id, withdrawn_at=None)
        .order_by("-version")
        .first()
    )


def approval_went_live(*, obj, revision):
    """``revision`` of ``obj`` was just published: its approval becomes the current one."""
    record = (
        ApprovalRecord.objects.for_object(obj)
        .filter(revision=revision, withdrawn_at=None)
        .order_by("-version")
        .first()
    )
    if record is None or record.is_current:
        return record
    from reviews.events import approval_live

    with transaction.atomic():
        ApprovalRecord.objects.for_object(obj).filter(is_current=True).update(is_current=False)
        ApprovalRecord.objects.filter(pk=record.pk).update(is_current=True)
    record.is_current = True
    approval_live.send(sender=type(specific(obj)), obj=specific(obj), record=record)
    return record


def _checklists(workflow_state, revision):
    if workflow_state is None:
        return {}
    votes = ApprovalVote.objects.filter(task_state__workflow_state=workflow_state).select_related(
        "user"
    )
    if revision is not None:
        votes = votes.filter(task_state__revision=revision)
    return {vote.user.get_username(): vote.checklist for vote in votes}


def approvers_for(*, workflow_state, revision):
    """The people who approved ``revision`` in ``workflow_state``, in the order they did."""
    approved = TaskState.objects.filter(
        workflow_state=workflow_state, status=TaskState.STATUS_APPROVED, revision=revision
    )
    votes = ApprovalVote.objects.filter(task_state__in=approved).select_related("user")
    people = [vote.user for vote in votes.order_by("created_at", "pk")]
    # Other human-approved tasks (e.g. a plain Wagtail group approval) count too.
    for state in approved.exclude(finished_by=None).select_related("finished_by"):
        if state.finished_by not in people:
            people.append(state.finished_by)
    return people


@batched_indexing
@transaction.atomic
def approve_and_publish(*, obj, revision, approvers, workflow_state=None, user=None):
    """Record the approval of ``revision``, then publish it (or schedule it).

    Publishing skips the permission check on purpose: no role may publish, the approval
    is the permission. The record comes first, so the "live only if approved" rule
    (``reviews.integrity``) sees it when the row goes live.
    """
    record = approval_record(
        obj=obj, revision=revision, approvers=approvers, workflow_state=workflow_state, user=user
    )
    revision.publish(user=user, skip_permission_checks=True)
    return record


def workflow_finished(*, workflow_state, user=None):
    """The finish action: record the approval and publish the approved revision.

    A workflow that approved nothing by a person (a misconfigured workflow with only
    automatic tasks) publishes nothing.
    """
    task_state = workflow_state.current_task_state
    revision = task_state.revision if task_state else workflow_state.content_object.latest_revision
    approvers = approvers_for(workflow_state=workflow_state, revision=revision)
    obj = specific(workflow_state.content_object)
    if not approvers:
        logger.error(
            "Workflow %s finished without a human approval; nothing published.", workflow_state.pk
        )
        log(
            instance=obj,
            action="reviews.withdraw",
            user=user,
            revision=revision,
            data={"reason": "Not published: the workflow has no human approval step."},
        )
        return None
    return approve_and_publish(
        obj=obj, revision=revision, approvers=approvers, workflow_state=workflow_state, user=user
    )


# Withdrawal, expiry and the cascade ---------------------------------------------------


@batched_indexing
@transaction.atomic
def withdraw(*, obj, reason, user=None, expired=False):
    """Take ``obj`` down (unpublish), log why, and tell its owner.

    ``expired`` marks an expiry (``reviews.expire``, Wagtail's "expired" status);
    otherwise it is a withdrawal (``reviews.withdraw``). Returns ``False`` when ``obj``
    was not live (nothing to do), so callers can run again safely.
    """
    live = _live_instance(obj)
    if not isinstance(live, DraftStateMixin) or not live.live:
        return False
    revision = live.live_revision
    # Logged first so the audit trail reads cause before effect (the cascade).
    log(
        instance=live,
        action="reviews.expire" if expired else "reviews.withdraw",
        user=user,
        revision=revision,
        data={"reason": reason, "approval": getattr(live, "approval_label", "")},
    )
    # The record says why before Wagtail's "unpublished" signal fires, so the receiver
    # for unpublishing in the admin (reviews.signals) finds it handled.
    record_withdrawal(obj=live, reason=reason, expired=expired)
    # Who may withdraw is Concord's rule (compliance, the expiry job: ``reviews.withdrawal``),
    # not Wagtail's publish permission, which no role has; ``user`` is logged above.
    live.unpublish(set_expired=expired, user=None, log_action=False)
    withdrawal_done(obj=live, reason=reason, expired=expired)
    notify_owner(obj=live, reason=reason, expired=expired)
    return True


def withdrawal_done(*, obj, reason, expired):
    """After ``obj`` went down: withdraw what uses it (messages), tell the listeners."""
    from cms.models import ApprovedMessage
    from reviews.events import content_withdrawn

    if isinstance(obj, ApprovedMessage):
        cascade_withdrawal(message=obj, expired=expired)
    content_withdrawn.send(sender=type(obj), obj=obj, reason=reason, expired=expired)


def record_withdrawal(*, obj, reason, expired=False):
    """Mark the current approval record of ``obj`` as withdrawn or expired (once).

    Returns how many records it marked (0: already marked, or never approved)."""
    reason = f"{'Expired' if expired else 'Withdrawn'}: {reason}"
    return (
        ApprovalRecord.objects.for_object(obj)
        .current()
        .filter(withdrawn_at=None)
        .update(withdrawn_at=timezone.now(), withdrawal_reason=reason[:255])
    )


def dependents_of(obj):
    """Live reviewable content that uses ``obj`` (from Wagtail's reference index)."""
    indexing.flush()  # references saved earlier in this batch
    found = []
    for source, _references in ReferenceIndex.get_grouped_references_to(obj):
        source = specific(source)
        if is_reviewable(source) and isinstance(source, DraftStateMixin) and source.live:
            found.append(source)
    return found


def cascade_withdrawal(*, message, expired):
    """Withdraw everything that uses an approved message that just went down."""
    label = getattr(message, "approval_label", "") or "not approved"
    what = "expired" if expired else "was withdrawn"
    reason = f"Uses the approved message “{message}” ({label}), which {what}."
    return [
        dependent for dependent in dependents_of(message) if withdraw(obj=dependent, reason=reason)
    ]


def notify_owner(*, obj, reason, expired):
    owner = obj.get_content_owner() if hasattr(obj, "get_content_owner") else None
    if owner is None or not owner.email:
        return
    edit_url = AdminURLFinder().get_edit_url(obj)
    link = f"{settings.WAGTAILADMIN_BASE_URL}{edit_url}" if edit_url else ""
    verb = "expired" if expired else "was withdrawn"
    label = getattr(obj, "approval_label", "")
    send_mail(
        subject=f"Re-review needed: “{obj}” {verb}",
        message=(
            f"“{obj}” {f'({label}) ' if label else ''}{verb} and is no longer shown to "
            f"sales reps or the public.\n\nWhy: {reason}\n\n"
            "Update it if needed and submit it for review again"
            f"{': ' + link if link else '.'}\n"
        ),
        from_email=None,
        recipient_list=[owner.email],
        fail_silently=True,
    )


def due_for_expiry(*, today=None):
    """Live reviewable content whose review-by date has passed."""
    today = today or timezone.localdate()
    for model in reviewable_roots():
        if not issubclass(model, DraftStateMixin):
            continue
        for obj in model._default_manager.filter(live=True, review_by__lt=today).order_by("pk"):
            yield specific(obj)


@batched_indexing
def expire_content(*, today=None):
    """Withdraw everything past its review-by date. Returns what was expired.

    Idempotent: expired content is no longer live, so a second run finds nothing.
    """
    expired = []
    for obj in list(due_for_expiry(today=today)):
        reason = f"Its review-by date ({obj.review_by:%d %b %Y}) has passed."
        if withdraw(obj=obj, reason=reason, expired=True):
            expired.append(obj)
    return expired


def live_but_unapproved():
    """``[(obj, problem)]``: live rows that don't match an approval (``reviews.integrity``).

    The save-time rule keeps every path from making such a row; this finds rows made
    before it, or written to the database behind Django's back.
    """
    from reviews.integrity import live_problem

    found = []
    for model in reviewable_roots():
        if not issubclass(model, DraftStateMixin):
            continue
        for obj in model._default_manager.filter(live=True).order_by("pk"):
            obj = specific(obj)
            problem = live_problem(obj)
            if problem:
                found.append((obj, problem))
    return found


def withdraw_unapproved():
    """Withdraw every live row that doesn't match an approval. Returns what was withdrawn."""
    withdrawn = []
    for obj, problem in live_but_unapproved():
        reason = f"What is live doesn't match an approval: {problem}"
        if withdraw(obj=obj, reason=reason):
            withdrawn.append(obj)
    return withdrawn


# Default workflows ------------------------------------------------------------------


def assign_default_workflows(*, pages=True):
    """Assign the default review workflow wherever none is assigned yet. Idempotent.

    * every reviewable snippet model (one workflow per model, ``WorkflowContentType``);
    * the public tree (each site's root page) and the rep library (``LibraryIndexPage``
      pages) through ``WorkflowPage``.

    Existing assignments are left alone, so an administrator's choice survives. Routes
    (``ReviewRoute``) then pick the workflow that actually runs for each audience.
    Run it after creating the site root or the library (``reviews.demo`` does).
    """
    from django.apps import apps

    from wagtail.models import Site, WorkflowContentType, WorkflowMixin, WorkflowPage

    from reviews.defaults import DEFAULT_WORKFLOW, ensure_default_workflows

    ensure_default_workflows(apps)
    workflow = apps.get_model("wagtailcore", "Workflow").objects.get(name=DEFAULT_WORKFLOW)
    assigned = []
    for model in reviewable_models():
        if issubclass(model, Page) or not issubclass(model, WorkflowMixin):
            continue
        content_type = ContentType.objects.get_for_model(model)
        _link, created = WorkflowContentType.objects.get_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )
        if created:
            assigned.append(model._meta.label)

    if not pages:
        return assigned
    roots = [site.root_page for site in Site.objects.select_related("root_page")]
    try:
        library_model = apps.get_model("assets", "LibraryIndexPage")
    except LookupError:
        library_model = None
    if library_model is not None:
        roots += list(library_model.objects.all())
    for page in roots:
        _link, created = WorkflowPage.objects.get_or_create(
            page=page, defaults={"workflow": workflow}
        )
        if created:
            assigned.append(f"page {page.url_path}")
    return assigned
