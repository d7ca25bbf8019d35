"""Admin views: glossary import and export, and the terminology reports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.models import WorkflowState
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from cms.exports import FormulaSafeExportMixin
from cms.models import ServiceLine
from glossary import csv_io, reports
from glossary.importing import glossary_import_text
from glossary.models import GlossaryTerm
from glossary.selectors import CHANNEL_LABELS, export_rows

MAX_UPLOAD_BYTES = 2 * 1024 * 1024

term_permissions = ModelPermissionPolicy(GlossaryTerm)


def can_view_reports(user):
    return user.is_active and user.has_perm("glossary.view_terminology_reports")


def can_import(user):
    return term_permissions.user_has_permission(
        user, "add"
    ) and term_permissions.user_has_permission(user, "change")


def can_export(user):
    return term_permissions.user_has_any_permission(user, ["add", "change", "delete", "view"])


# Import and export


class GlossaryImportForm(forms.Form):
    file = forms.FileField(
        label="Glossary file (CSV)",
        help_text="UTF-8 CSV with the columns service_line, preferred, variants, kind, "
        "definition, plain_language, case_sensitive, notes (and optionally match_case, "
        "exceptions, enforce_capitalisation). At most 2 MB.",
    )
    submit_for_review = forms.BooleanField(
        required=False,
        label="Submit new and changed terms for review",
        help_text="Otherwise they wait as drafts until someone submits them.",
    )

    def __init__(self, *args, can_submit=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        if can_submit:
            self.fields["submit_for_review"].initial = True
        else:
            self.fields["submit_for_review"].disabled = True
            self.fields["submit_for_review"].help_text = (
                "No review workflow is assigned to glossary terms yet, so imported terms "
                "stay drafts."
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        try:
            return csv_io.decode(upload.read())
        except csv_io.GlossaryFileError as error:
            raise forms.ValidationError(error.report()) from error


class GlossaryImportView(WagtailAdminTemplateMixin, FormView):
    """Upload a glossary CSV; every row is imported as a draft, or nothing is."""

    template_name = "glossary/admin/import.html"
    form_class = GlossaryImportForm
    page_title = "Import glossary"
    header_icon = "upload"
    index_url_name = "wagtailsnippets_glossary_glossaryterm:list"

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def can_submit(self):
        return GlossaryTerm.get_default_workflow() is not None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "can_submit": self.can_submit}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Glossary terms"},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = csv_io.COLUMNS
        context["export_url"] = reverse("glossary_admin:export")
        return context

    def form_valid(self, form):
        try:
            result = glossary_import_text(
                text=form.cleaned_data["file"],
                user=self.request.user,
                submit=self.can_submit and form.cleaned_data["submit_for_review"],
            )
        except csv_io.GlossaryFileError as error:
            # Every problem of the file, format and database alike, with line numbers;
            # nothing was imported.
            return self.render_to_response(
                self.get_context_data(form=form, import_errors=error.report()), status=400
            )
        sent_back = sent_back_at_once(result.submitted)
        if sent_back:
            # Not a plain success: some of what was submitted never reached a reviewer.
            names = ", ".join(f"“{term.preferred}”" for term in sent_back)
            messages.warning(
                self.request,
                f"Glossary imported: {result.summary()}. The terminology gate sent "
                f"{len(sent_back)} back at once: {names}. Open each term to see what to "
                "change, then submit it again.",
            )
        else:
            messages.success(self.request, f"Glossary imported: {result.summary()}.")
        return redirect(self.index_url_name)


def sent_back_at_once(terms):
    """The submitted terms whose review an automatic task (the gate) already sent back."""
    return [
        term
        for term in terms
        if (state := type(term).objects.get(pk=term.pk).current_workflow_state) is not None
        and state.status == WorkflowState.STATUS_NEEDS_CHANGES
    ]


def glossary_export(request):
    """The glossary as a CSV in the import format: ``?service_line=<slug>|global``,
    ``?version=latest`` (default: drafts included) or ``approved`` (what is enforced)."""
    if not can_export(request.user):
        raise PermissionDenied
    version = request.GET.get("version") or "latest"
    if version not in ("latest", "approved"):
        return HttpResponseBadRequest("version must be “latest” or “approved”.")
    scope = (request.GET.get("service_line") or "").strip()
    service_line = None
    if scope and scope != "global":
        service_line = ServiceLine.objects.filter(slug=scope).first()
        if service_line is None:
            return HttpResponseBadRequest("Unknown service line.")
    rows = export_rows(
        approved_only=version == "approved",
        service_line=service_line,
        global_only=scope == "global",
    )
    response = HttpResponse(csv_io.glossary_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"glossary-{scope or 'all'}-{version}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Reports


def _term_choices(rows):
    return sorted({(str(row.term_id), row.term) for row in rows}, key=lambda item: item[1])


class _ListFilterSet(WagtailFilterSet):
    """Filters that work on the report's list of rows (not a queryset)."""

    channel = django_filters.ChoiceFilter(
        label="Where", choices=list(CHANNEL_LABELS.items()), method="filter_channel"
    )

    def filter_queryset(self, rows):
        # django-filter insists on querysets; these filters take and return lists.
        for name, value in self.form.cleaned_data.items():
            rows = self.filters[name].filter(rows, value)
        return rows

    def filter_channel(self, rows, name, value):
        return [row for row in rows if row.content.channel == value]


class ConsistencyFilterSet(_ListFilterSet):
    term = django_filters.ChoiceFilter(label="Term", method="filter_term")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["term"].extra["choices"] = _term_choices(reports.consistency_findings())

    def filter_term(self, rows, name, value):
        return [row for row in rows if str(row.term_id) == value]


class _TerminologyReportView(FormulaSafeExportMixin, ReportView):
    """A report over a computed list of rows (not a queryset)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_view_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "queryset": _Rows(self.get_queryset())}


class _Rows(list):
    """Report rows; django-filter wants a ``model`` on what it filters."""

    model = None


class ConsistencyReportView(_TerminologyReportView):
    page_title = "Terminology consistency"
    header_icon = "clipboard-list"
    results_template_name = "glossary/reports/consistency_results.html"
    index_url_name = "glossary_admin:consistency"
    index_results_url_name = "glossary_admin:consistency_results"
    filterset_class = ConsistencyFilterSet
    export_filename = "terminology-consistency"
    list_export = [
        "term",
        "found",
        "preferred",
        "channel_label",
        "content.type_label",
        "content.title",
        "content.source",
        "path",
        "line",
        "column",
        "context",
    ]
    export_headings = {
        "term": "Term",
        "found": "Found",
        "preferred": "Use instead",
        "channel_label": "Where",
        "content.type_label": "Content type",
        "content.title": "Content",
        "content.source": "Source",
        "path": "Field",
        "line": "Line",
        "column": "Column",
        "context": "Context",
    }
    paginate_by = 100

    def get_queryset(self):
        return reports.consistency_findings()

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["summary"] = reports.summary_by_term(self.object_list)
        context["channels"] = list(CHANNEL_LABELS.items())
        return context


class DriftFilterSet(_ListFilterSet):
    kind = django_filters.ChoiceFilter(
        label="Kind",
        choices=[("term", "Glossary terms"), ("message", "Approved messages")],
        method="filter_kind",
    )

    def filter_kind(self, rows, name, value):
        return [row for row in rows if row.kind == value]

    def filter_channel(self, rows, name, value):
        # Term drift always involves both sides; message drift sits on one.
        return [row for row in rows if row.kind == "term" or row.content.channel == value]


class DriftReportView(_TerminologyReportView):
    page_title = "Terminology drift"
    header_icon = "resubmit"
    results_template_name = "glossary/reports/drift_results.html"
    index_url_name = "glossary_admin:drift"
    index_results_url_name = "glossary_admin:drift_results"
    filterset_class = DriftFilterSet
    export_filename = "terminology-drift"
    list_export = ["kind_label", "subject", "summary", "location"]
    export_headings = {
        "kind_label": "Kind",
        "subject": "Term or message",
        "summary": "How it differs",
        "location": "Where",
    }
    paginate_by = 100

    def get_queryset(self):
        return reports.drift_rows()
