"""Editing-screen panels for library content."""

from wagtail.admin.panels import Panel


class ApprovalStampPanel(Panel):
    """Read-only: the approval code and review-by date the review workflow stamped."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", "Approval")
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "components/approval_stamp_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["stamp_label"] = getattr(self.instance, "approval_label", "")
            context["review_by"] = getattr(self.instance, "review_by", None)
            context["approved_at"] = getattr(self.instance, "approved_at", None)
            return context
