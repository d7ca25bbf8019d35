"""Admin views: the reports (the audit trail, content due for re-review, approvals
expiring soon) with their URLs and menu items, and the review-route settings.

Each report is a Wagtail ``ReportView`` with filters and ``?export=csv|xlsx``. The
queries live in ``reviews.selectors``.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils import timezone

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from cms.exports import FormulaSafeExportMixin
from cms.menus import PermissionMenuItem, has_perm
from cms.models import ServiceLine
from reviews import selectors
from reviews.models import ApprovalRecord, ReviewEvent, ReviewRoute


def _event_users(request):
    User = get_user_model()
    return User.objects.filter(
        pk__in=ReviewEvent.objects.exclude(user=None).values("user")
    ).order_by(User.USERNAME_FIELD)


class AuditTrailFilterSet(WagtailFilterSet):
    timestamp = django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget)
    service_line = django_filters.ModelChoiceFilter(
        label="Service line",
        field_name="service_lines",
        queryset=ServiceLine.objects.all(),
        empty_label="Any service line",
    )
    user = django_filters.ModelChoiceFilter(
        label="Who", field_name="user", queryset=_event_users, empty_label="Anyone"
    )
    action = django_filters.MultipleChoiceFilter(
        label="Action", choices=ReviewEvent.Action.choices, widget=django_filters.widgets.CSVWidget
    )

    class Meta:
        model = ReviewEvent
        fields = ["timestamp", "service_line", "user", "action"]


class AuditTrailView(FormulaSafeExportMixin, ReportView):
    page_title = "Review audit trail"
    header_icon = "history"
    filterset_class = AuditTrailFilterSet
    index_url_name = "reviews_audit_trail"
    index_results_url_name = "reviews_audit_trail_results"
    permission_policy = ModelPermissionPolicy(ReviewEvent)
    permission_required = "view"
    paginate_by = 50
    columns = [
        DateColumn("timestamp", label="When"),
        Column("get_action_display", label="Action"),
        Column("object_label", label="Content"),
        Column("object_type", label="Type"),
        Column("approval_label", label="Approval code"),
        Column("revision_number", label="Revision"),
        Column("user_display", label="Who"),
        Column("group_name", label="Group"),
        Column("signature_meaning", label="Signed as"),
        Column("comment", label="Comment"),
        Column("service_line_codes", label="Service lines"),
    ]
    list_export = [
        "timestamp",
        "get_action_display",
        "object_label",
        "object_type",
        "object_id",
        "approval_label",
        "revision_number",
        "workflow_name",
        "task_name",
        "user_display",
        "group_name",
        "signature_meaning",
        "checklist_summary",
        "comment",
        "service_line_codes",
    ]
    export_headings = {
        "timestamp": "When (UTC)",
        "get_action_display": "Action",
        "object_label": "Content",
        "object_type": "Type",
        "object_id": "Object ID",
        "approval_label": "Approval code",
        "revision_number": "Revision",
        "workflow_name": "Workflow",
        "task_name": "Step",
        "user_display": "Who",
        "group_name": "Group",
        "signature_meaning": "Signature meaning",
        "checklist_summary": "Checklist",
        "comment": "Comment",
        "service_line_codes": "Service lines",
    }

    def get_filename(self):
        return f"review-audit-trail-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        return selectors.audit_events()


class _RecordReport(FormulaSafeExportMixin, ReportView):
    header_icon = "calendar-alt"
    permission_policy = ModelPermissionPolicy(ApprovalRecord)
    permission_required = "view"
    columns = [
        Column("object_label", label="Content"),
        Column("label", label="Approval code"),
        DateColumn("approved_at", label="Approved"),
        Column("review_by", label="Review by"),
        Column("approver_names", label="Approved by"),
        Column("owner_name", label="Owner"),
        Column("status", label="Status"),
    ]
    list_export = [
        "object_label",
        "label",
        "approved_at",
        "review_by",
        "approver_names",
        "owner_name",
        "status",
        "service_line_code",
    ]
    export_headings = {
        "object_label": "Content",
        "label": "Approval code",
        "approved_at": "Approved (UTC)",
        "review_by": "Review by",
        "approver_names": "Approved by",
        "owner_name": "Owner",
        "status": "Status",
        "service_line_code": "Service line",
    }

    def decorate_paginated_queryset(self, object_list):
        records = list(object_list)
        for record in records:
            obj = record.specific_object
            owner = (
                obj.get_content_owner()
                if obj is not None and hasattr(obj, "get_content_owner")
                else None
            )
            record.owner_name = str(owner) if owner else ""
        return records

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get_heading(self, queryset, field):
        return self.export_headings.get(field, field)


class DueForReviewView(_RecordReport):
    page_title = "Due for re-review"
    index_url_name = "reviews_due_for_review"
    index_results_url_name = "reviews_due_for_review_results"
    export_filename = "due-for-re-review"
    no_results_message = "Nothing is waiting for re-review."

    def get_queryset(self):
        return selectors.due_for_review()


class ExpiringSoonView(_RecordReport):
    page_title = "Approvals expiring soon"
    index_url_name = "reviews_expiring_soon"
    index_results_url_name = "reviews_expiring_soon_results"
    export_filename = "expiring-soon"

    @property
    def no_results_message(self):
        return f"No approval expires in the next {selectors.expiring_soon_days()} days."

    def get_queryset(self):
        return selectors.expiring_soon()


# Where the reports are ----------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    slug: str
    url_name: str
    view: type
    label: str
    icon_name: str
    order: int
    permission: str

    def urls(self):
        return [
            path(f"reports/{self.slug}/", self.view.as_view(), name=self.url_name),
            path(
                f"reports/{self.slug}/results/",
                self.view.as_view(results_only=True),
                name=f"{self.url_name}_results",
            ),
        ]

    def menu_item(self):
        """The Reports menu's item, shown to who may open the report."""
        return PermissionMenuItem(
            self.label,
            reverse(self.url_name),
            name=self.slug,
            icon_name=self.icon_name,
            order=self.order,
            allowed=has_perm(self.permission),
        )


AUDIT_TRAIL = Report(
    "review-audit-trail",
    "reviews_audit_trail",
    AuditTrailView,
    "Review audit trail",
    "history",
    50,
    "reviews.view_reviewevent",
)
DUE_FOR_REVIEW = Report(
    "due-for-re-review",
    "reviews_due_for_review",
    DueForReviewView,
    "Due for re-review",
    "warning",
    51,
    "reviews.view_approvalrecord",
)
EXPIRING_SOON = Report(
    "expiring-soon",
    "reviews_expiring_soon",
    ExpiringSoonView,
    "Approvals expiring soon",
    "calendar-alt",
    52,
    "reviews.view_approvalrecord",
)
REPORTS = (AUDIT_TRAIL, DUE_FOR_REVIEW, EXPIRING_SOON)


def report_urls():
    return [url for report in REPORTS for url in report.urls()]


# Review routes (administrators, under Settings) ----------------------------------------


class ReviewRouteViewSet(ModelViewSet):
    model = ReviewRoute
    icon = "tasks"
    menu_label = "Review routes"
    add_to_settings_menu = True
    list_display = [
        "applies_to",
        "audience",
        "workflow",
        "groups_display",
        "review_months",
        "in_use",
    ]
    list_filter = ["audience"]
    inspect_view_enabled = False
    copy_view_enabled = False
