"""Admin reports for marketing: the monthly objection review, library usage and the
coverage map.

The first are Wagtail ``ReportView``s, so each has filters and CSV/XLSX export
(``?export=csv``) for free; the queries behind them come first. The coverage map is a
grid, not a table of rows: its own view over ``assets.coverage``.
"""

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, NumberColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput
from wagtail.admin.widgets.boolean_radio_select import BooleanRadioSelect

import django_filters

from assets import coverage, influence
from assets.filters import Taxonomy
from assets.models import LibraryIndexPage, LibraryItemPage, Objection, UsageEvent
from assets.models.library import Kind
from cms import publication
from cms.exports import FormulaSafeExportMixin, neutralise
from cms.models import JourneyStage, ServiceLine
from cms.publication import Viewer, viewer_of

PERIODS = [("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 12 months")]
DEFAULT_PERIOD = 90


def _since(days):
    return timezone.now() - timedelta(days=days)


def _period(filterset):
    form = filterset.form if filterset is not None else None
    if form is not None and form.is_valid() and form.cleaned_data.get("period"):
        return int(form.cleaned_data["period"])
    return DEFAULT_PERIOD


# Objection review --------------------------------------------------------------------------


# The queries ---------------------------------------------------------------------------


def objection_review(*, since=None, service_line=None, without_response=False):
    """Objections for the monthly review: most heard first, with hearings since a date."""
    queryset = Objection.objects.filter(duplicate_of__isnull=True)
    if since is not None:
        queryset = queryset.filter(first_heard_at__date__gte=since)
    if service_line is not None:
        queryset = queryset.filter(service_lines=service_line)
    has_response = (
        publication.current_q() & ~Q(approved_response="") & ~Q(status=Objection.Status.RETIRED)
    )
    if without_response:
        queryset = queryset.exclude(has_response)
    return queryset.prefetch_related("service_lines", "stages", "segments").order_by(
        "-times_heard", "-last_heard_at"
    )


def usage_by_item(*, since, kind=None, service_line=None, unused_only=False):
    """Views, downloads, packs and shares per visible library item since a date."""

    def count(event_kind):
        counts = (
            UsageEvent.objects.filter(page=OuterRef("pk"), kind=event_kind, created_at__gte=since)
            .order_by()
            .values("page")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))

    last_used = (
        UsageEvent.objects.filter(page=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    queryset = (
        publication.current(LibraryItemPage.objects.all())
        .annotate(
            views=count(UsageEvent.Kind.VIEW),
            downloads=count(UsageEvent.Kind.DOWNLOAD),
            packs=count(UsageEvent.Kind.PACK),
            shares=count(UsageEvent.Kind.SHARE),
            last_used_at=Subquery(last_used[:1]),
        )
        .prefetch_related("service_lines")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if service_line is not None:
        queryset = queryset.filter(service_lines=service_line)
    if unused_only:
        queryset = queryset.filter(views=0, downloads=0, packs=0, shares=0)
    return queryset.order_by("-views", "-downloads", "title")


def usage_by_stage(*, since):
    """Views, downloads, packs and shares per journey stage since a date.

    Views, downloads and shares count towards every stage the item is tagged with;
    packs count once per pack for the stage it was built for.
    """
    events = UsageEvent.objects.filter(created_at__gte=since)

    def item_events(event_kind):
        counts = (
            events.filter(kind=event_kind, page__stages=OuterRef("pk"))
            .order_by()
            .values("page__stages")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))

    packs = (
        events.filter(kind=UsageEvent.Kind.PACK, stage=OuterRef("pk"))
        .order_by()
        .values("stage")
        .annotate(total=Count("pack_id", distinct=True))
        .values("total")
    )
    return JourneyStage.objects.annotate(
        views=item_events(UsageEvent.Kind.VIEW),
        downloads=item_events(UsageEvent.Kind.DOWNLOAD),
        packs=Coalesce(Subquery(packs, output_field=IntegerField()), Value(0)),
        shares=item_events(UsageEvent.Kind.SHARE),
    ).order_by("order", "name")


# The views -----------------------------------------------------------------------------


class ObjectionReviewFilterSet(WagtailFilterSet):
    new_since = django_filters.DateFilter(
        label="New since",
        field_name="first_heard_at",
        lookup_expr="date__gte",
        widget=AdminDateInput,
    )
    service_line = django_filters.ModelChoiceFilter(
        label="Service line", field_name="service_lines", queryset=ServiceLine.objects.all()
    )
    category = django_filters.ChoiceFilter(choices=Objection.Category.choices)
    status = django_filters.ChoiceFilter(choices=Objection.Status.choices)
    without_response = django_filters.BooleanFilter(
        label="Without an approved response",
        method="filter_without_response",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Objection
        fields = []

    def filter_without_response(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=objection_review(without_response=True).values("pk"))


class ObjectionReviewView(FormulaSafeExportMixin, ReportView):
    page_title = "Objection review"
    header_icon = "help"
    index_url_name = "assets_reports:objection_review"
    index_results_url_name = "assets_reports:objection_review_results"
    filterset_class = ObjectionReviewFilterSet
    model = Objection
    any_permission_required = ["change", "view"]
    paginate_by = 50
    export_filename = "objection-review"
    list_export = [
        "verbatim",
        "get_category_display",
        "service_line_names",
        "stage_names",
        "segment_names",
        "times_heard",
        "first_heard_at",
        "last_heard_at",
        "get_status_display",
        "has_approved_response",
        "approved_response",
        "approval_label",
    ]
    export_headings = {
        "get_category_display": "Category",
        "service_line_names": "Service lines",
        "stage_names": "Stages",
        "segment_names": "Segments",
        "get_status_display": "Status",
        "has_approved_response": "Has approved response",
        "approved_response": "Response",
        "approval_label": "Approval code",
    }

    @property
    def columns(self):
        return [
            TitleColumn(
                "verbatim",
                label="What buyers say",
                get_url=lambda obj: f"/admin/snippets/assets/objection/edit/{obj.pk}/",
            ),
            Column("get_category_display", label="Category"),
            Column("service_line_names", label="Service lines"),
            NumberColumn("times_heard", label="Times heard"),
            DateColumn("first_heard_at", label="First heard"),
            DateColumn("last_heard_at", label="Last heard"),
            Column("get_status_display", label="Status"),
            BooleanColumn("has_approved_response", label="Approved response"),
        ]

    def get_queryset(self):
        return objection_review()


# Usage ---------------------------------------------------------------------------------


class UsageFilterSet(WagtailFilterSet):
    period = django_filters.ChoiceFilter(
        label="Period", choices=PERIODS, method="filter_nothing", empty_label="Last 90 days"
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    service_line = django_filters.ModelChoiceFilter(
        label="Service line", field_name="service_lines", queryset=ServiceLine.objects.all()
    )
    unused = django_filters.BooleanFilter(
        label="Nobody used it in the period",
        method="filter_unused",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = LibraryItemPage
        fields = []

    def filter_nothing(self, queryset, name, value):
        return queryset  # the period is applied when the counts are computed

    def filter_unused(self, queryset, name, value):
        if value is None:
            return queryset
        unused = Q(views=0, downloads=0, packs=0, shares=0)
        return queryset.filter(unused) if value else queryset.exclude(unused)


class UsageReportView(FormulaSafeExportMixin, ReportView):
    page_title = "Library usage"
    header_icon = "view"
    index_url_name = "assets_reports:usage"
    index_results_url_name = "assets_reports:usage_results"
    filterset_class = UsageFilterSet
    model = UsageEvent
    any_permission_required = ["view"]
    paginate_by = 50
    export_filename = "library-usage"
    list_export = [
        "title",
        "get_kind_display",
        "service_line_names",
        "views",
        "downloads",
        "packs",
        "shares",
        "last_used_at",
        "approval_label",
    ]
    export_headings = {
        "get_kind_display": "Kind",
        "service_line_names": "Service lines",
        "views": "Views",
        "downloads": "Downloads",
        "packs": "Call packs",
        "shares": "Shared with buyers",
        "last_used_at": "Last used",
        "approval_label": "Approval code",
    }

    def get_page_subtitle(self):
        return f"Views, downloads, call packs and shares, last {_period(self.filters)} days"

    @property
    def columns(self):
        return [
            TitleColumn(
                "title", label="Item", get_url=lambda page: f"/admin/pages/{page.pk}/edit/"
            ),
            Column("get_kind_display", label="Kind"),
            Column("service_line_names", label="Service lines"),
            NumberColumn("views", label="Views"),
            NumberColumn("downloads", label="Downloads"),
            NumberColumn("packs", label="In call packs"),
            NumberColumn("shares", label="Shared with buyers"),
            DateColumn("last_used_at", label="Last used"),
        ]

    def get_queryset(self):
        return usage_by_item(since=_since(_period(self.filters)))


class StageUsageFilterSet(WagtailFilterSet):
    period = django_filters.ChoiceFilter(
        label="Period", choices=PERIODS, method="filter_nothing", empty_label="Last 90 days"
    )

    class Meta:
        model = UsageEvent
        fields = []

    def filter_nothing(self, queryset, name, value):
        return queryset


class StageUsageReportView(FormulaSafeExportMixin, ReportView):
    page_title = "Usage by stage"
    header_icon = "list-ol"
    index_url_name = "assets_reports:usage_by_stage"
    index_results_url_name = "assets_reports:usage_by_stage_results"
    filterset_class = StageUsageFilterSet
    model = UsageEvent
    any_permission_required = ["view"]
    paginate_by = None
    export_filename = "library-usage-by-stage"
    list_export = ["name", "views", "downloads", "packs", "shares"]
    export_headings = {
        "name": "Stage",
        "views": "Views",
        "downloads": "Downloads",
        "packs": "Call packs",
        "shares": "Shared with buyers",
    }
    columns = [
        Column("name", label="Stage"),
        NumberColumn("views", label="Views"),
        NumberColumn("downloads", label="Downloads"),
        NumberColumn("packs", label="Call packs"),
        NumberColumn("shares", label="Shared with buyers"),
    ]

    def get_page_subtitle(self):
        return f"Last {_period(self.filters)} days"

    def get_queryset(self):
        return usage_by_stage(since=_since(_period(self.filters)))

    def filter_queryset(self, queryset):
        return queryset  # only the period applies, in get_queryset


# Coverage map ----------------------------------------------------------------------------


def can_view_coverage(user):
    """Marketers, compliance reviewers and administrators (``Viewer.is_staff_editor``)."""
    return Viewer.of(user).is_staff_editor


class CoverageView(WagtailAdminTemplateMixin, TemplateView):
    """``/admin/reports/coverage/``: the coverage map (``assets.coverage``), one panel per
    segment or one segment (``?segment=slug``); ``?export=csv`` gives it as CSV."""

    template_name = "assets/admin/coverage.html"
    page_title = "Coverage map"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_coverage(viewer_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        taxonomy = Taxonomy.load()
        raw = request.GET.get("segment", "").strip()
        segment = taxonomy.lookup("segment", raw) if raw else None
        if raw and segment is None:
            context = self.get_context_data(
                error=f"There is no segment “{raw[:60]}”.", taxonomy=taxonomy, chosen=""
            )
            return self.render_to_response(context, status=400)
        map_ = coverage.coverage_map(segment=segment, taxonomy=taxonomy)
        if request.GET.get("export") == "csv":
            return _csv_response(coverage.csv_rows(map_), "coverage-map.csv")
        library = LibraryIndexPage.objects.first()
        context = self.get_context_data(
            coverage=map_,
            panels=map_.panels(),
            most_wanted=map_.most_wanted(),
            states=[(key, *value) for key, value in coverage.STATES.items()],
            taxonomy=taxonomy,
            chosen=segment.slug if segment else "",
            library_url=library.url if library else None,
            requests_url=reverse("assets_requests:index"),
            expiring_days=coverage.EXPIRING_DAYS,
            search_days=coverage.SEARCH_DAYS,
            export_query=urlencode({"segment": segment.slug, "export": "csv"})
            if segment
            else "export=csv",
        )
        return self.render_to_response(context)


def _csv_response(rows, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(row)
    return response


# Content influence ---------------------------------------------------------------------

INFLUENCE_PERIODS = {"30": 30, "90": 90, "365": 365}
CHART_ITEMS = 10
STAGE_COLOURS = ["#1e3a8a", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#334155"]


class InfluenceView(WagtailAdminTemplateMixin, TemplateView):
    """``/admin/reports/influence/``: which material is used on calls whose buyers move
    on (``assets.influence``), as server-rendered SVG charts with the tables beside
    them; ``?export=csv`` for the per-item table."""

    template_name = "assets/admin/influence.html"
    page_title = "Content influence"
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_coverage(viewer_of(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        period = request.GET.get("period") or "90"
        if period not in INFLUENCE_PERIODS:
            period = "90"
        days = INFLUENCE_PERIODS[period]
        taxonomy = Taxonomy.load()
        report = influence.influence(since=_since(days), taxonomy=taxonomy)
        if request.GET.get("export") == "csv":
            rows = (
                [neutralise(cell) if isinstance(cell, str) else cell for cell in row]
                for row in influence.csv_rows(report)
            )
            return _csv_response(rows, "content-influence.csv")
        context = self.get_context_data(
            report=report,
            period=period,
            periods=[(key, f"Last {value} days") for key, value in INFLUENCE_PERIODS.items()],
            item_chart=_item_chart(report.items[:CHART_ITEMS]),
            objection_chart=_objection_chart(report, taxonomy),
            stage_segment=_stage_segment_table(report, taxonomy),
        )
        return self.render_to_response(context)


def _item_chart(items):
    """Paired horizontal bars per item: share advanced when used, and in the same calls
    without it. Coordinates for the SVG, computed here."""
    label_width, bar_width, row = 260, 300, 46
    rows = []
    for index, figures in enumerate(items):
        top = 30 + index * row
        used = figures.used_share
        without = figures.without_share
        rows.append(
            {
                "title": figures.title,
                "short": figures.title if len(figures.title) <= 38 else figures.title[:36] + "…",
                "y": top,
                "used": used,
                "without": without,
                "used_width": round((used or 0) * bar_width, 1),
                "without_width": round((without or 0) * bar_width, 1),
                "used_label": "—" if used is None else f"{used * 100:.0f}% of {figures.used}",
                "without_label": "—"
                if without is None
                else f"{without * 100:.0f}% of {figures.without}",
                "text_y": top + 13,
                "without_y": top + 18,
                "without_text_y": top + 31,
            }
        )
    return {
        "rows": rows,
        "height": 40 + len(items) * row,
        "width": label_width + bar_width + 120,
        "label_width": label_width,
        "bar_width": bar_width,
        "label_x": label_width - 8,
        "ticks": [
            {"x": label_width + bar_width * fraction, "label": f"{fraction * 100:.0f}%"}
            for fraction in (0, 0.25, 0.5, 0.75, 1)
        ],
        "bottom": 30 + len(items) * row,
    }


def _objection_chart(report, taxonomy):
    """Stacked columns: objections heard per week, by stage."""
    stages = list(taxonomy.stages)
    colours = {stage.pk: STAGE_COLOURS[i % len(STAGE_COLOURS)] for i, stage in enumerate(stages)}
    peak = max([sum(counter.values()) for _week, counter in report.weeks] + [1])
    height, column, left = 160, 56, 40
    columns = []
    for index, (week, counter) in enumerate(report.weeks):
        x = left + index * column + 8
        base = height + 20
        parts = []
        for stage in stages:
            count = counter.get(stage.pk, 0)
            if not count:
                continue
            part_height = round(count / peak * height, 1)
            base -= part_height
            parts.append(
                {
                    "y": base,
                    "height": part_height,
                    "colour": colours[stage.pk],
                    "count": count,
                    "stage": stage.name,
                }
            )
        columns.append(
            {
                "x": x,
                "label_x": x + 20,
                "week": week,
                "total": sum(counter.values()),
                "parts": parts,
                "total_y": base - 4,
            }
        )
    return {
        "columns": columns,
        "width": left + len(report.weeks) * column + 20,
        "height": height + 50,
        "axis_y": height + 20,
        "label_y": height + 36,
        "peak": peak,
        "legend": [(stage.name, colours[stage.pk]) for stage in stages],
        "rows": [
            (week, [counter.get(stage.pk, 0) for stage in stages], sum(counter.values()))
            for week, counter in report.weeks
        ],
        "stages": stages,
    }


def _stage_segment_table(report, taxonomy):
    return {
        "segments": list(taxonomy.segments),
        "rows": [
            (
                stage,
                [
                    report.stage_segment.get((stage.pk, segment.pk), 0)
                    for segment in taxonomy.segments
                ],
            )
            for stage in taxonomy.stages
        ],
    }
