"""Admin for the library: objections (snippet), the duplicate merge, the reports, the
coverage map and the content-request queue."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from assets import reports, request_admin, services
from assets.models import BuyerStatus, Objection, UsageEvent
from cms.exports import FormulaSafeExportMixin
from cms.menus import PermissionMenuItem, policy_allows

objection_permissions = ModelPermissionPolicy(Objection)
usage_permissions = ModelPermissionPolicy(UsageEvent)


class ObjectionIndexView(FormulaSafeExportMixin, IndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if not instance.duplicate_of_id and objection_permissions.user_has_permission(
            self.request.user, "change"
        ):
            buttons.append(
                ListingButton(
                    "Mark as duplicate…",
                    url=reverse("assets_objection_merge", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=60,
                )
            )
        return buttons


class ObjectionViewSet(SnippetViewSet):
    model = Objection
    icon = "help"
    menu_label = "Objections"
    menu_order = 220
    add_to_admin_menu = True
    index_view_class = ObjectionIndexView
    list_display = [
        "__str__",
        "category",
        "status",
        "times_heard",
        "last_heard_at",
        "approval_code",
        LiveStatusTagColumn(),
    ]
    list_filter = ["status", "category", "service_lines", "live"]
    list_export = [
        "verbatim",
        "get_category_display",
        "get_status_display",
        "service_line_names",
        "stage_names",
        "segment_names",
        "times_heard",
        "first_heard_at",
        "last_heard_at",
        "approved_response",
        "approval_label",
        "review_by",
    ]
    export_headings = {
        "get_category_display": "Category",
        "get_status_display": "Status",
        "service_line_names": "Service lines",
        "stage_names": "Stages",
        "segment_names": "Segments",
        "approval_label": "Approval code",
        "review_by": "Review by",
    }
    export_filename = "objections"
    ordering = ["-times_heard", "-last_heard_at"]
    copy_view_enabled = False

    def get_queryset(self, request):
        return Objection.objects.prefetch_related("service_lines", "stages", "segments")


register_snippet(ObjectionViewSet)


# Marking an objection as a duplicate ---------------------------------------------------


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="It is the same objection as",
        queryset=Objection.objects.none(),
        help_text="Its wordings, hearings and count move there; this one is retired.",
    )

    def __init__(self, *args, duplicate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Objection.objects.filter(duplicate_of__isnull=True)
            .exclude(pk=duplicate.pk)
            .order_by("-times_heard")
        )


def objection_merge_view(request, pk):
    if not objection_permissions.user_has_permission(request.user, "change"):
        raise PermissionDenied
    duplicate = get_object_or_404(Objection, pk=pk)
    edit_url = reverse("wagtailsnippets_assets_objection:edit", args=[duplicate.pk])
    form = MergeForm(request.POST or None, duplicate=duplicate)
    if request.method == "POST" and form.is_valid():
        try:
            into = services.objection_merge(duplicate=duplicate, into=form.cleaned_data["into"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Marked as a duplicate. “{into}” has now been heard {into.times_heard} times.",
            )
            return redirect("wagtailsnippets_assets_objection:edit", into.pk)
    return TemplateResponse(
        request,
        "assets/admin/objection_merge.html",
        {"duplicate": duplicate, "form": form, "edit_url": edit_url},
    )


# Reports ---------------------------------------------------------------------------------


report_urls = [
    path("objections/", reports.ObjectionReviewView.as_view(), name="objection_review"),
    path(
        "objections/results/",
        reports.ObjectionReviewView.as_view(results_only=True),
        name="objection_review_results",
    ),
    path("usage/", reports.UsageReportView.as_view(), name="usage"),
    path(
        "usage/results/",
        reports.UsageReportView.as_view(results_only=True),
        name="usage_results",
    ),
    path("usage-by-stage/", reports.StageUsageReportView.as_view(), name="usage_by_stage"),
    path(
        "usage-by-stage/results/",
        reports.StageUsageReportView.as_view(results_only=True),
        name="usage_by_stage_results",
    ),
]


request_urls = [
    path("", request_admin.RequestQueueView.as_view(), name="index"),
    path(
        "results/",
        request_admin.RequestQueueView.as_view(results_only=True),
        name="index_results",
    ),
    path("<int:pk>/done/", request_admin.request_done_view, name="done"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("reports/coverage/", reports.CoverageView.as_view(), name="assets_coverage"),
        path("reports/influence/", reports.InfluenceView.as_view(), name="assets_influence"),
        path("library-requests/", include((request_urls, "assets_requests"))),
        path("library-reports/", include((report_urls, "assets_reports"))),
        path(
            "objections/merge/<int:pk>/",
            objection_merge_view,
            name="assets_objection_merge",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_objection_review_menu_item():
    return PermissionMenuItem(
        "Objection review",
        reverse("assets_reports:objection_review"),
        name="objection-review",
        icon_name="help",
        order=300,
        allowed=policy_allows(objection_permissions, ["change", "view"]),
    )


@hooks.register("register_reports_menu_item")
def register_usage_menu_item():
    return PermissionMenuItem(
        "Library usage",
        reverse("assets_reports:usage"),
        name="library-usage",
        icon_name="view",
        order=310,
        allowed=policy_allows(usage_permissions, ["view"]),
    )


@hooks.register("register_reports_menu_item")
def register_stage_usage_menu_item():
    return PermissionMenuItem(
        "Usage by stage",
        reverse("assets_reports:usage_by_stage"),
        name="usage-by-stage",
        icon_name="list-ol",
        order=320,
        allowed=policy_allows(usage_permissions, ["view"]),
    )


@hooks.register("register_reports_menu_item")
def register_coverage_menu_item():
    return PermissionMenuItem(
        "Coverage map",
        reverse("assets_coverage"),
        name="coverage-map",
        icon_name="table",
        order=290,
        allowed=reports.can_view_coverage,
    )


@hooks.register("register_reports_menu_item")
def register_influence_menu_item():
    return PermissionMenuItem(
        "Content influence",
        reverse("assets_influence"),
        name="content-influence",
        icon_name="pick",
        order=295,
        allowed=reports.can_view_coverage,
    )


@hooks.register("register_admin_menu_item")
def register_request_menu_item():
    return PermissionMenuItem(
        "Content requests",
        reverse("assets_requests:index"),
        name="content-requests",
        icon_name="mail",
        order=230,
        allowed=policy_allows(request_admin.request_permissions, ["change", "view"]),
    )


# The shared status model: administrators keep the buyer statuses reps choose from ------


class BuyerStatusViewSet(ModelViewSet):
    model = BuyerStatus
    icon = "tasks"
    menu_label = "Buyer statuses"
    add_to_settings_menu = True
    form_fields = ["name", "slug", "order", "counts_as_progress", "is_active"]
    list_display = ["name", "slug", "order", "counts_as_progress", "is_active"]
    ordering = ["order", "name"]
    copy_view_enabled = False
    inspect_view_enabled = False


@hooks.register("register_admin_viewset")
def register_buyer_status_viewset():
    return BuyerStatusViewSet("buyer_statuses")
