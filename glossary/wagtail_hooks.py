from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from cms.exports import FormulaSafeExportMixin
from cms.menus import PermissionMenuItem
from glossary import admin_views, live
from glossary.models import GlossaryTerm


class GlossaryTermIndexView(FormulaSafeExportMixin, IndexView):
    """The term listing, with the glossary import and export in its "more" menu."""

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        user = self.request.user
        if admin_views.can_import(user):
            buttons.append(
                Button(
                    "Import glossary CSV",
                    url=reverse("glossary_admin:import"),
                    icon_name="upload",
                    priority=100,
                )
            )
        buttons.append(
            Button(
                "Download glossary CSV (import format)",
                url=reverse("glossary_admin:export"),
                icon_name="download",
                priority=110,
            )
        )
        return buttons


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    index_view_class = GlossaryTermIndexView
    icon = "title"
    menu_label = "Glossary"
    menu_order = 220
    add_to_admin_menu = True
    list_display = [
        "preferred",
        "service_line",
        "kind",
        "approval_code",
        "review_by",
        LiveStatusTagColumn(),
    ]
    list_filter = ["service_line", "kind", "live", "case_sensitive"]
    # No ``search_fields``: the model is indexed, and a field-restricted search fails on
    # SQLite ("no such column"); the search covers the model's own search fields.
    list_export = [
        "preferred",
        "service_line",
        "get_kind_display",
        "variant_list",
        "definition",
        "plain_language",
        "case_sensitive",
        "live",
        "approval_label",
        "review_by",
    ]
    export_headings = {
        "get_kind_display": "Kind",
        "variant_list": "Don't say",
        "approval_label": "Approval",
    }
    export_filename = "glossary-terms"


register_snippet(GlossaryTermViewSet)


@hooks.register("register_admin_urls")
def register_glossary_admin_urls():
    urls = [
        path("import/", admin_views.GlossaryImportView.as_view(), name="import"),
        path("export.csv", admin_views.glossary_export, name="export"),
        path("live-check/", live.live_check, name="live_check"),
        path(
            "reports/consistency/",
            admin_views.ConsistencyReportView.as_view(),
            name="consistency",
        ),
        path(
            "reports/consistency/results/",
            admin_views.ConsistencyReportView.as_view(results_only=True),
            name="consistency_results",
        ),
        path("reports/drift/", admin_views.DriftReportView.as_view(), name="drift"),
        path(
            "reports/drift/results/",
            admin_views.DriftReportView.as_view(results_only=True),
            name="drift_results",
        ),
    ]
    return [path("glossary/", include((urls, "glossary_admin"), namespace="glossary_admin"))]


@hooks.register("register_reports_menu_item")
def register_consistency_report_menu_item():
    return PermissionMenuItem(
        "Terminology consistency",
        reverse("glossary_admin:consistency"),
        name="terminology-consistency",
        icon_name="clipboard-list",
        order=1300,
        allowed=admin_views.can_view_reports,
    )


@hooks.register("register_reports_menu_item")
def register_drift_report_menu_item():
    return PermissionMenuItem(
        "Terminology drift",
        reverse("glossary_admin:drift"),
        name="terminology-drift",
        icon_name="resubmit",
        order=1310,
        allowed=admin_views.can_view_reports,
    )
