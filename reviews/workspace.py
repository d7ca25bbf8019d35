"""The reviewer's workspace: one screen with exactly what is being approved.

``/admin/reviews/<app_label>/<model_name>/<pk>/`` shows the revision under review
rendered as its readers will see it (the page, or the snippet's rendered form; library
items also as their draft PDF), a redline of its visible words against the last
approved revision, the automatic checks run again on this revision, and the approval
checklist beside it. Approving or requesting changes there goes through the review
task's own ``on_action``, with every rule it applies (separation of duties, the
checklist, one vote per reviewer).

Who may open it: members of the groups of the review step the object is waiting at,
and superusers. Everyone else gets 403, as does anyone when nothing is waiting.
"""

import logging
from dataclasses import dataclass

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import TaskState

from cms.reviewable import reviewable_models, specific
from reviews import redline as redlines
from reviews import signatures
from reviews.claims import CHECKED_AUDIENCES, unsupported_claims
from reviews.drift import drift_findings
from reviews.forms import ApprovalChecklistForm, RequestChangesForm
from reviews.models import ApprovalRecord, ComplianceApprovalTask, ReviewEvent
from reviews.routing import audience_of

logger = logging.getLogger(__name__)

ACTIONS = {"approve": ApprovalChecklistForm, "reject": RequestChangesForm}


@dataclass
class Review:
    """What the workspace shows: the object, the step it waits at, what is under review."""

    obj: object
    task_state: object
    task: ComplianceApprovalTask
    revision: object
    under_review: object  # the revision as an object

    @property
    def preview_modes(self):
        return list(getattr(self.under_review, "preview_modes", [("", "Preview")]))

    def history(self, limit=30):
        """The object's review history, newest first (the audit trail's rows)."""
        return list(
            ReviewEvent.objects.filter(
                base_content_type=self.obj.get_base_content_type(), object_id=str(self.obj.pk)
            ).order_by("-timestamp", "-pk")[:limit]
        )

    def last_approved(self):
        """``(record, object)``: the latest approval record and its revision as an object;
        ``(None, None)`` for a first approval."""
        record = (
            ApprovalRecord.objects.for_object(self.obj)
            .exclude(revision=None)
            .select_related("revision")
            .order_by("-approved_at", "-pk")
            .first()
        )
        if record is None:
            return None, None
        return record, specific(record.revision.as_object())


def _object(app_label, model_name, pk):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    if model not in reviewable_models() or not -(2**63) <= pk < 2**63:
        raise Http404  # not reviewed content, or no database's id
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return specific(obj)


def review_for(obj, user):
    """The review ``user`` may look at on ``obj``; ``PermissionDenied`` otherwise."""
    workflow_state = obj.current_workflow_state
    task_state = workflow_state.current_task_state if workflow_state else None
    if task_state is None or task_state.status != TaskState.STATUS_IN_PROGRESS:
        raise PermissionDenied("This is not waiting for review.")
    task = task_state.task.specific
    if not isinstance(task, ComplianceApprovalTask):
        raise PermissionDenied("This is not waiting for review.")
    task_state = task_state.specific
    if not (user.is_superuser or task_state.user_group_ids(user)):
        raise PermissionDenied("You are not a reviewer for this step.")
    revision = task_state.revision
    return Review(obj, task_state, task, revision, specific(revision.as_object()))


def workspace_url(obj):
    return reverse("reviews_workspace", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


def _rendered_text(obj, request):
    """The words readers see of ``obj`` (a revision's object), or ``None`` if it can't
    be rendered."""
    try:
        response = obj.make_preview_request(original_request=request, preview_mode="")
        if hasattr(response, "render"):
            response.render()
    except Exception:  # a broken old revision must not hide the review
        logger.exception("Couldn't render %r for the redline", obj)
        return None
    if response.status_code != 200:
        return None
    return redlines.visible_text(response.content)


def _denied(request, error):
    """403 with the reason (Wagtail's admin would redirect to the dashboard instead)."""
    reason = str(error) or "You may not review this."
    context = {"reason": reason}
    return TemplateResponse(request, "reviews/workspace_denied.html", context, status=403)


@require_http_methods(["GET", "HEAD", "POST"])
def workspace(request, app_label, model_name, pk):
    obj = _object(app_label, model_name, pk)
    try:
        return _workspace(request, obj)
    except PermissionDenied as error:
        return _denied(request, error)


def _forms_for(review, user):
    """The action forms: the approval checklist of the group ``user`` approves for."""
    group = review.task_state.group_for(user)
    return {"approve": ApprovalChecklistForm.for_group(group), "reject": RequestChangesForm}


def _workspace(request, obj):
    review = review_for(obj, request.user)
    refusal = review.task.refusal_reason(obj, request.user, task_state=review.task_state)
    form_classes = _forms_for(review, request.user)
    forms = {name: form_class(auto_id=f"rw-{name}-%s") for name, form_class in form_classes.items()}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            raise PermissionDenied(f"Unknown review action “{action}”.")
        if refusal is not None:
            raise PermissionDenied(refusal)
        form = form_classes[action](data=request.POST, auto_id=f"rw-{action}-%s")
        forms[action] = form
        if form.is_valid():
            try:
                return _act(request, review, action, form)
            except PermissionDenied as error:
                if str(error) not in (signatures.REFUSED_WRONG, signatures.REFUSED_MISSING):
                    raise
                form.add_error("password", str(error))  # refused, and logged
        status = 400
    return _render(request, review, refusal, forms, status)


def _act(request, review, action, form):
    data = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
    review.task.on_action(review.task_state, request.user, action, **data)
    obj = specific(type(review.obj)._default_manager.get(pk=review.obj.pk))
    if action == "reject":
        messages.success(request, f"Sent back to the author with your comments: {obj}.")
    elif getattr(obj, "approval_label", "") and obj.live:
        messages.success(request, f"Approved and published: {obj} — {obj.approval_label}.")
    else:
        messages.success(request, f"Your approval of {obj} is recorded.{_still_waiting(review)}")
    return redirect("wagtailadmin_home")


def _still_waiting(review):
    """`` It is waiting for Clinical reviewers.`` after one group's approval."""
    state = type(review.task_state).objects.filter(pk=review.task_state.pk).first()
    if state is None or state.status != TaskState.STATUS_IN_PROGRESS or not state.is_parallel:
        return ""
    waiting = " and ".join(group_review.label for group_review in state.waiting_for())
    return f" It is waiting for {waiting}." if waiting else ""


def _render(request, review, refusal, forms, status):
    from reviews.gate import gate_decision
    from reviews.selectors import QueueItem

    record, approved = review.last_approved()
    after = _rendered_text(review.under_review, request)
    before = _rendered_text(approved, request) if approved is not None else None
    redline = redlines.redline(before or "", after) if after is not None else None
    passed, checks = gate_decision(review.under_review)
    lines = getattr(review.under_review, "get_service_lines", lambda: [])()
    drift = drift_findings(after or "", service_lines=lines, exclude=review.obj)
    audience = audience_of(review.under_review)
    item = QueueItem(review.task_state, timezone.now())
    context = {
        "review": review,
        "object": review.obj,
        "item": item,
        "refusal": refusal,
        "forms": forms,
        "redline": redline,
        "first_approval": approved is None,
        "last_record": record,
        "checks_passed": passed,
        "checks": [line for line in checks.splitlines() if line.strip()],
        "drift": drift,
        "claim_flags": unsupported_claims(after or "", audience=audience),
        "claims_checked": audience in CHECKED_AUDIENCES,
        "preview_url": reverse(
            "reviews_workspace_preview",
            args=[review.obj._meta.app_label, review.obj._meta.model_name, review.obj.pk],
        ),
        "edit_url": AdminURLFinder(request.user).get_edit_url(review.obj),
        "kind": review.obj._meta.verbose_name,
        "meaning": signatures.meaning_for(review.obj),
        "groups": item.groups,
        "your_group": review.task_state.group_for(request.user),
        "history": review.history(),
    }
    return TemplateResponse(request, "reviews/workspace.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def preview(request, app_label, model_name, pk):
    """The revision under review, rendered (``?mode=`` one of its preview modes)."""
    obj = _object(app_label, model_name, pk)
    try:
        review = review_for(obj, request.user)
    except PermissionDenied as error:
        return HttpResponseForbidden(str(error), content_type="text/plain; charset=utf-8")
    mode = request.GET.get("mode", "")
    if mode not in {name for name, _label in review.preview_modes}:
        mode = ""
    response = review.under_review.make_preview_request(original_request=request, preview_mode=mode)
    response["X-Frame-Options"] = "SAMEORIGIN"  # shown in the workspace's frame
    return response


def urls():
    return [
        path(
            "reviews/<str:app_label>/<str:model_name>/<int:pk>/",
            workspace,
            name="reviews_workspace",
        ),
        path(
            "reviews/<str:app_label>/<str:model_name>/<int:pk>/preview/",
            preview,
            name="reviews_workspace_preview",
        ),
    ]
