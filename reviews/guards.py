"""What the admin refuses: publishing directly where a workflow applies, and deleting
an account that approved content.

No role has a publish permission (``cms/roles.py``) and the Publish button is taken
out of the action menus (``reviews.menus``); these refuse a crafted publish too, even
a superuser's. Approvals name their approvers, so such an account is deactivated
instead of deleted.
"""

from django.contrib import messages
from django.shortcuts import redirect

from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Page, WorkflowMixin

from reviews.models import ApprovalVote

NO_DIRECT_PUBLISH = (
    "Content with a review workflow goes live only when it is approved: "
    "submit it for review instead of publishing."
)


def has_workflow(obj=None, model=None, parent_page=None):
    """Whether a review workflow applies to ``obj`` (or to new pages under
    ``parent_page``, or to new snippets of ``model``)."""
    if obj is not None:
        obj = getattr(obj, "specific", obj)
        return isinstance(obj, WorkflowMixin) and obj.get_workflow() is not None
    if parent_page is not None:
        return parent_page.get_workflow() is not None
    if model is not None and issubclass(model, WorkflowMixin) and not issubclass(model, Page):
        return model.get_default_workflow() is not None
    return False


def refuse_direct_publish(request, obj):
    """``before_publish_page`` / ``before_publish``: back to the editor, with the reason."""
    if not has_workflow(obj=obj):
        return None
    messages.error(request, NO_DIRECT_PUBLISH)
    return redirect(AdminURLFinder(request.user).get_edit_url(obj) or "wagtailadmin_home")


def refuse_bulk_publish(request, action_type, objects, action_class_instance):
    """``before_bulk_action``: no bulk publish of anything a workflow applies to."""
    if action_type == "publish" and any(has_workflow(obj=obj) for obj in objects):
        messages.error(request, NO_DIRECT_PUBLISH)
        return redirect("wagtailadmin_home")
    return None


def keep_approvers(request, user):
    """``before_delete_user``: deactivate an approver's account instead of deleting it."""
    if ApprovalVote.objects.filter(user=user).exists() or user.approval_records.exists():
        messages.error(
            request,
            f"{user} has approved content, and approvals keep their approvers on record. "
            "Deactivate the account instead (untick “Active”).",
        )
        return redirect("wagtailusers_users:edit", user.pk)
    return None
