"""Admin wiring for reviews: no direct publishing, the reviewer queue, reports, routes."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.action_menu import SubmitForModerationMenuItem as PageSubmitMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.models import Page, WorkflowMixin
from wagtail.snippets.action_menu import SubmitForModerationMenuItem as SnippetSubmitMenuItem

from cms.menus import PermissionMenuItem, has_perm
from reviews import messages as _editor_messages  # noqa: F401 - registers its hooks
from reviews import routing, selectors, views
from reviews.models import ComplianceApprovalTask, ReviewRoute

NO_DIRECT_PUBLISH = (
    "Content with a review workflow goes live only when it is approved: "
    "submit it for review instead of publishing."
)


# Log actions --------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    @actions.register_action("reviews.vote")
    class VoteFormatter(LogFormatter):
        label = "Review: approval vote"

        def format_message(self, log_entry):
            data = log_entry.data
            return f"Approved ({data.get('votes')} of {data.get('required')} approvals needed)"

        def format_comment(self, log_entry):
            return log_entry.data.get("comment", "")

    @actions.register_action("reviews.approval")
    class ApprovalFormatter(LogFormatter):
        label = "Review: approval recorded"

        def format_message(self, log_entry):
            data = log_entry.data
            return f"Approval recorded: {data.get('label')}, review by {data.get('review_by')}"

    @actions.register_action("reviews.reroute")
    class RerouteFormatter(LogFormatter):
        label = "Review: re-routed"

        def format_message(self, log_entry):
            return f"Review re-routed: {log_entry.data.get('reason', '')}"

    @actions.register_action("reviews.withdraw")
    class WithdrawFormatter(LogFormatter):
        label = "Review: withdrawn"

        def format_message(self, log_entry):
            return f"Withdrawn: {log_entry.data.get('reason', '')}"

    @actions.register_action("reviews.expire")
    class ExpireFormatter(LogFormatter):
        label = "Review: expired"

        def format_message(self, log_entry):
            return f"Expired: {log_entry.data.get('reason', '')}"


# Nobody publishes directly --------------------------------------------------------


def _has_workflow(obj=None, model=None, parent_page=None):
    if obj is not None:
        obj = getattr(obj, "specific", obj)
        return isinstance(obj, WorkflowMixin) and obj.get_workflow() is not None
    if parent_page is not None:
        return parent_page.get_workflow() is not None
    if model is not None and issubclass(model, WorkflowMixin) and not issubclass(model, Page):
        return model.get_default_workflow() is not None
    return False


def _without_publish(menu_items):
    menu_items[:] = [item for item in menu_items if getattr(item, "name", None) != "action-publish"]


def _review_first(menu_items):
    """For a reviewer, "Approve" is the main button (saving would make them an editor)."""
    rank = {"approve": 0, "reject": 1}
    menu_items.sort(key=lambda item: rank.get(getattr(item, "name", None), 2))


def _routed_label(context, obj):
    """Name the workflow the review route will really start, not the assigned one.

    Wagtail's "Submit to …" names the workflow assigned by tree or model; an audience
    route (``reviews.routing``) may run another. ``obj`` is the latest draft in the
    edit view, whose audience decides the route; a needs-changes resubmission keeps
    Wagtail's "Resubmit to <task>".
    """
    if obj is None or not str(context.get("label", "")).startswith("Submit to "):
        return context
    workflow = routing.workflow_for(obj)
    if workflow is not None:
        context["label"] = f"Submit to {workflow.name}"
    return context


class RoutedPageSubmitMenuItem(PageSubmitMenuItem):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        return _routed_label(context, context.get("page"))


class RoutedSnippetSubmitMenuItem(SnippetSubmitMenuItem):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        return _routed_label(context, context.get("instance"))


def _with_routed_submit(menu_items, item_class):
    """Swap Wagtail's (shared, module-level) submit item for one naming the route."""
    menu_items[:] = [
        item_class(order=item.order) if getattr(item, "name", None) == "action-submit" else item
        for item in menu_items
    ]


@hooks.register("construct_page_action_menu")
def page_action_menu(menu_items, request, context):
    if _has_workflow(obj=context.get("page"), parent_page=context.get("parent_page")):
        _without_publish(menu_items)
    page = context.get("page")
    if page is not None and page.pk:
        _with_routed_submit(menu_items, RoutedPageSubmitMenuItem)
    _review_first(menu_items)


@hooks.register("construct_snippet_action_menu")
def snippet_action_menu(menu_items, request, context):
    if _has_workflow(obj=context.get("instance"), model=context.get("model")):
        _without_publish(menu_items)
    instance = context.get("instance")
    if instance is not None and instance.pk:
        _with_routed_submit(menu_items, RoutedSnippetSubmitMenuItem)
    _review_first(menu_items)


def _refuse(request, obj):
    messages.error(request, NO_DIRECT_PUBLISH)
    from wagtail.admin.admin_url_finder import AdminURLFinder

    return redirect(AdminURLFinder(request.user).get_edit_url(obj) or "wagtailadmin_home")


@hooks.register("before_publish_page")
def refuse_direct_page_publish(request, page):
    if _has_workflow(obj=page):
        return _refuse(request, page)
    return None


@hooks.register("before_publish")
def refuse_direct_snippet_publish(request, obj):
    if _has_workflow(obj=obj):
        return _refuse(request, obj)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_publish(request, action_type, objects, action_class_instance):
    if action_type == "publish" and any(_has_workflow(obj=obj) for obj in objects):
        messages.error(request, NO_DIRECT_PUBLISH)
        return redirect("wagtailadmin_home")
    return None


# Approvers stay on record ------------------------------------------------------------------


@hooks.register("before_delete_user")
def keep_approvers(request, user):
    """Approvals name their approvers; deactivate such accounts instead of deleting them."""
    from reviews.models import ApprovalVote

    if ApprovalVote.objects.filter(user=user).exists() or user.approval_records.exists():
        messages.error(
            request,
            f"{user} has approved content, and approvals keep their approvers on record. "
            "Deactivate the account instead (untick “Active”).",
        )
        return redirect("wagtailusers_users:edit", user.pk)
    return None


# The reviewer's queue on the dashboard ---------------------------------------------------


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
    return ComplianceApprovalTask.objects.filter(active=True, groups__in=user.groups.all()).exists()


def _back_to_the_queue(request, obj):
    """After a review action in the editor, land on the queue, with the outcome.

    Wagtail would return the reviewer to the explorer or the edit view, which they may
    no longer open once the item left review. The approval code is what they need next.
    """
    if "action-workflow-action" not in request.POST or request.GET.get("next"):
        return None
    obj.refresh_from_db()
    label = getattr(obj, "approval_label", "")
    if request.POST.get("workflow-action-name") == "approve" and label:
        messages.success(request, f"Approved and published: {obj} — {label}.")
    return redirect("wagtailadmin_home")


@hooks.register("after_edit_page")
def page_review_done(request, page):
    return _back_to_the_queue(request, page.specific)


@hooks.register("after_edit_snippet")
def snippet_review_done(request, instance):
    return _back_to_the_queue(request, instance)


@hooks.register("construct_homepage_panels")
def add_review_queue(request, panels):
    if not is_reviewer(request.user):
        return
    # Ours lists the same items as Wagtail's "Awaiting your review", plus the SLA.
    panels[:] = [
        panel for panel in panels if getattr(panel, "name", "") != "workflow_objects_to_moderate"
    ]
    panels.append(ReviewQueuePanel(selectors.review_queue(user=request.user)))


# Reports ---------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    for slug, name, view in [
        ("review-audit-trail", "reviews_audit_trail", views.AuditTrailView),
        ("due-for-re-review", "reviews_due_for_review", views.DueForReviewView),
        ("expiring-soon", "reviews_expiring_soon", views.ExpiringSoonView),
    ]:
        urls += [
            path(f"reports/{slug}/", view.as_view(), name=name),
            path(
                f"reports/{slug}/results/", view.as_view(results_only=True), name=f"{name}_results"
            ),
        ]
    return urls


@hooks.register("register_reports_menu_item")
def register_audit_trail_menu_item():
    return PermissionMenuItem(
        "Review audit trail",
        reverse("reviews_audit_trail"),
        name="review-audit-trail",
        icon_name="history",
        order=50,
        allowed=has_perm("reviews.view_reviewevent"),
    )


@hooks.register("register_reports_menu_item")
def register_due_menu_item():
    return PermissionMenuItem(
        "Due for re-review",
        reverse("reviews_due_for_review"),
        name="due-for-re-review",
        icon_name="warning",
        order=51,
        allowed=has_perm("reviews.view_approvalrecord"),
    )


@hooks.register("register_reports_menu_item")
def register_expiring_menu_item():
    return PermissionMenuItem(
        "Approvals expiring soon",
        reverse("reviews_expiring_soon"),
        name="expiring-soon",
        icon_name="calendar-alt",
        order=52,
        allowed=has_perm("reviews.view_approvalrecord"),
    )


# Routes (administrators) ------------------------------------------------------------------


class ReviewRouteViewSet(ModelViewSet):
    model = ReviewRoute
    icon = "tasks"
    menu_label = "Review routes"
    add_to_settings_menu = True
    list_display = ["applies_to", "audience", "workflow", "review_months"]
    list_filter = ["audience"]
    inspect_view_enabled = False
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_review_routes():
    return ReviewRouteViewSet("review_routes")
