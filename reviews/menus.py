"""The edit screen's action menu for content under review.

Where a workflow applies the Publish item is gone (``reviews.guards`` refuses a
crafted publish as well); the submit item names the workflow the review route will
really start; and for a reviewer "Approve" comes first, since saving would make them
an editor of what they review.
"""

from wagtail.admin.action_menu import SubmitForModerationMenuItem as PageSubmitMenuItem
from wagtail.snippets.action_menu import SubmitForModerationMenuItem as SnippetSubmitMenuItem

from reviews import routing
from reviews.guards import has_workflow


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


def page_action_menu(menu_items, request, context):
    """``construct_page_action_menu``."""
    if has_workflow(obj=context.get("page"), parent_page=context.get("parent_page")):
        _without_publish(menu_items)
    page = context.get("page")
    if page is not None and page.pk:
        _with_routed_submit(menu_items, RoutedPageSubmitMenuItem)
    _review_first(menu_items)


def snippet_action_menu(menu_items, request, context):
    """``construct_snippet_action_menu``."""
    if has_workflow(obj=context.get("instance"), model=context.get("model")):
        _without_publish(menu_items)
    instance = context.get("instance")
    if instance is not None and instance.pk:
        _with_routed_submit(menu_items, RoutedSnippetSubmitMenuItem)
    _review_first(menu_items)
