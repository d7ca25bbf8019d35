"""The demo's reviews: everything goes live through the real workflow.

Earlier demo modules save content as drafts and queue it in ``context.extra``
(``cms.demodata.queue_for_review``):

* ``to_approve``: submitted by the marketer, checked by the terminology gate and
  approved by each group its route requires (compliance, clinical, legal: each by its
  own demo reviewer) with the group's checklist ticked, so it is published with an
  approval code exactly as in production;
* ``to_submit``: submitted and left waiting in the reviewers' queues.

Before that it adds the demo's own review routes (service-line pages also need legal
review). After it, two approved pages are edited and submitted again, so each
reviewer — compliance, clinical and legal — has something waiting; and one approved
library page is made past its review-by date and ``expire_content`` withdraws it, so
the "due for re-review" report has something in it. Who submits, who approves for
each group, the routes, the comment and those pages come from
``reviews/demo_data/reviews.yaml``.

Idempotent: approved content (it has an approval record) and content that has been
submitted before are left alone, and the expiry example is made only once. Workflow
notification emails are not sent while the demo loads.
"""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test.utils import override_settings
from django.utils import timezone

from wagtail.models import Page, Workflow, WorkflowState

from cms import indexing
from cms.demodata import read
from cms.reviewable import specific
from reviews import signatures
from reviews.forms import all_checklist_items
from reviews.models import ApprovalRecord, ComplianceApprovalTask, ReviewRoute
from reviews.selectors import due_for_review
from reviews.services import add_months, assign_default_workflows, expire_content

# Every group's checklist, ticked: each group's form reads its own items.
CHECKED = {name: True for name, _label in all_checklist_items()}


def seed(context):
    data = read("reviews", "reviews")
    marketer = context.users.get(data["submitted_by"])
    reviewers = [
        user
        for username in data["approved_by"].values()
        if (user := context.users.get(username)) is not None
    ]
    if marketer is None or not reviewers:
        return
    assign_default_workflows()
    add_routes(data.get("routes", []))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        signed = sign_once(reviewers, context.password)
        approved, problems = approve_all(
            context.extra.get("to_approve", []), marketer, signed, data["comment"]
        )
        waiting = submit_all(context.extra.get("to_submit", []), marketer)
        waiting += submit_a_change(marketer, **data["re_review"])
        waiting += submit_a_public_change(marketer, **data["public_re_review"])
        # Withdrawing content looks up what uses it in Wagtail's reference index.
        indexing.flush()
        expired = make_one_item_due_for_re_review(**data["past_review_by"])
    summary = f"Reviews: {approved} approved, {waiting} submitted for review"
    if expired:
        summary += f", “{expired}” past its review-by date and withdrawn"
    context.stdout.write(summary + ".")
    for problem in problems:
        context.stdout.write(f"  not approved: {problem}")


def sign_once(reviewers, password):
    """``[(reviewer, signature)]``: each reviewer's password checked, but each stored
    password hash only once (the demo's users share one), not for every approval."""
    checked, signed = {}, []
    for reviewer in reviewers:
        if reviewer.password not in checked:
            checked[reviewer.password] = signatures.verify(reviewer, password) is not None
        if checked[reviewer.password]:
            signed.append((reviewer, signatures.Signature(reviewer.pk)))
    return signed


def add_routes(routes):
    """The demo's routes beside the defaults, each created once with its groups."""
    for fields in routes:
        app_label, model = fields["content_type"].split(".")
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        workflow = Workflow.objects.filter(name=fields["workflow"]).first()
        if workflow is None:
            continue
        route, created = ReviewRoute.objects.get_or_create(
            content_type=content_type, audience=fields["audience"], defaults={"workflow": workflow}
        )
        if created:
            route.required_groups.set(Group.objects.filter(name__in=fields["required_groups"]))


def _fresh(obj):
    return specific(type(obj)._default_manager.get(pk=obj.pk))


def _has_record(obj):
    return ApprovalRecord.objects.for_object(obj).exists()


def approve_all(objects, marketer, signed, comment):
    approved, problems = 0, []
    for obj in objects:
        obj = _fresh(obj)
        if _has_record(obj):
            continue
        problem = take_through_review(obj, marketer, signed, comment)
        if problem:
            problems.append(f"{obj} — {problem}")
        else:
            approved += 1
    return approved, problems


def take_through_review(obj, marketer, signed, comment):
    """Submit ``obj`` as the marketer; at each step, the first demo reviewer who may
    approve it now (their group is still waiting) approves, until it is done.

    The reviewers act through the task's own ``on_action``, which checks separation of
    duties and each group's checklist as it does for a click in the admin.
    """
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
        reviewer, signature = next(
            (
                (reviewer, signature)
                for reviewer, signature in signed
                if task.refusal_reason(obj, reviewer, task_state=task_state) is None
            ),
            (None, None),
        )
        if reviewer is None:
            waiting = ", ".join(review.label for review in task_state.waiting_for())
            return f"no demo reviewer may approve it at “{task}” for {waiting}"
        try:
            task.on_action(
                task_state, reviewer, "approve", **CHECKED, comment=comment, signature=signature
            )
        except PermissionDenied as refusal:
            return f"{reviewer} can't approve at “{task}”: {refusal}"
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


def submit_a_change(marketer, *, title, summary):
    """Edit the approved library page ``title`` and submit it again (once): the demo's
    re-review. Returns how many items it submitted (0 or 1)."""
    from assets.models import LibraryItemPage

    page = LibraryItemPage.objects.filter(title=title, live=True).order_by("pk").first()
    if page is None or page.summary == summary or page.current_workflow_state is not None:
        return 0
    page = page.specific
    latest = page.get_latest_revision_as_object()
    latest.summary = summary
    latest.save_revision(user=marketer, clean=False)
    page.get_workflow().start(page, marketer)
    return 1


def submit_a_public_change(marketer, *, title, intro):
    """Edit the approved public page ``title``'s intro and submit it again (once).
    Returns how many items it submitted (0 or 1)."""
    from cms.models import ServiceLinePage

    page = ServiceLinePage.objects.filter(title=title, live=True).order_by("pk").first()
    if page is None or page.current_workflow_state is not None:
        return 0
    latest = page.get_latest_revision_as_object()
    if latest.intro == intro:
        return 0
    latest.intro = intro
    latest.save_revision(user=marketer, clean=False)
    page.get_workflow().start(page, marketer)
    return 1


def make_one_item_due_for_re_review(*, title, approved_days_ago, review_by_months_ago):
    """Age the approved page ``title`` past its review-by date, then expire it (once)."""
    if due_for_review().exists():
        return None
    page = Page.objects.filter(title=title, live=True).order_by("pk").last()
    if page is None:
        return None
    record = (
        ApprovalRecord.objects.for_object(page)
        .current()
        .filter(withdrawn_at=None)
        .order_by("pk")
        .last()
    )
    if record is None:
        return None
    today = timezone.localdate()
    approved_at = timezone.now() - timezone.timedelta(days=approved_days_ago)
    review_by = add_months(today, -review_by_months_ago)
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
