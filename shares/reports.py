"""The share report for marketing: which approved material reps send, and whether
buyers open it — per item, per journey stage and per segment, over a period.

An *open rate* is the share of links opened at least once. A bundle's opens count for
every item in it (the buyer opened the link, not one item). Items deleted since keep
the title they were shared under and have no stage or segment.
"""

import csv
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from assets.models.library import Kind
from cms.exports import neutralise
from cms.publication import viewer_of
from shares.models import ShareItem, ShareOpen
from shares.services import oversees_shares

PERIODS = {30: "Last 30 days", 90: "Last 90 days", 365: "Last 12 months"}
DEFAULT_PERIOD = 90
DELETED = "(items deleted since)"
KIND_LABELS = dict(Kind.choices)
CSV_COLUMNS = ["item", "kind", "shares", "opened", "open_rate", "opens", "pdf_downloads"]


@dataclass
class Row:
    label: str
    shares: int
    opened: int
    opens: int
    pdf_downloads: int
    detail: str = ""

    @property
    def open_rate(self):
        return round(100 * self.opened / self.shares) if self.shares else 0


def _measures():
    page_open = Q(share__opens__kind=ShareOpen.Kind.PAGE)
    pdf_open = Q(share__opens__kind=ShareOpen.Kind.PDF)
    return {
        "shares": Count("share", distinct=True),
        "opened": Count("share", filter=page_open, distinct=True),
        "opens": Count("share__opens", filter=page_open, distinct=True),
        "pdf_downloads": Count("share__opens", filter=pdf_open, distinct=True),
    }


def _counts(row):
    return {name: row[name] or 0 for name in ("shares", "opened", "opens", "pdf_downloads")}


def _grouped(queryset, *group_by):
    return queryset.values(*group_by).annotate(**_measures()).order_by(*group_by)


def share_report(*, since):
    """(by item, by stage, by segment, totals) for shares made since ``since``."""
    items = ShareItem.objects.filter(share__created_at__gte=since)
    by_item = sorted(
        (
            Row(
                label=row["page__title"] or f"{row['title']} (deleted)",
                detail=KIND_LABELS.get(row["page__kind"], ""),
                **_counts(row),
            )
            for row in _grouped(items, "page_id", "title", "page__title", "page__kind")
        ),
        key=lambda row: (-row.shares, -row.opened, row.label),
    )
    by_stage = [
        Row(label=row["page__stages__name"] or DELETED, **_counts(row))
        for row in sorted(
            _grouped(items, "page__stages__order", "page__stages__name"),
            key=lambda row: (row["page__stages__order"] is None, row["page__stages__order"] or 0),
        )
    ]
    by_segment = sorted(
        (
            Row(label=row["page__segments__name"] or DELETED, **_counts(row))
            for row in _grouped(items, "page__segments__name")
        ),
        key=lambda row: (row.label == DELETED, -row.shares, row.label),
    )
    total = Row(label="All shares", **_counts(items.aggregate(**_measures())))
    return by_item, by_stage, by_segment, total


def _chart(rows):
    """Bars for an SVG chart: each row's shares and opened shares, scaled to the widest."""
    widest = max((row.shares for row in rows), default=0) or 1
    return [
        {
            "row": row,
            "y": 8 + index * 34,
            "shares_width": round(300 * row.shares / widest),
            "opened_width": round(300 * row.opened / widest),
        }
        for index, row in enumerate(rows)
    ]


def share_report_view(request):
    if not oversees_shares(viewer_of(request)):
        raise PermissionDenied
    try:
        period = int(request.GET.get("period", DEFAULT_PERIOD))
    except (TypeError, ValueError):
        period = DEFAULT_PERIOD
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    since = timezone.now() - timedelta(days=period)
    by_item, by_stage, by_segment, total = share_report(since=since)
    if request.GET.get("export") == "csv":
        return _csv(by_item, period)
    return TemplateResponse(
        request,
        "shares/admin/report.html",
        {
            "period": period,
            "period_label": PERIODS[period],
            "periods": PERIODS,
            "by_item": by_item,
            "by_stage": by_stage,
            "by_segment": by_segment,
            "total": total,
            "stage_chart": _chart(by_stage),
            "chart_height": 16 + 34 * len(by_stage),
        },
    )


def _csv(rows, period):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="shares-last-{period}-days.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                neutralise(row.label),
                row.detail,
                row.shares,
                row.opened,
                row.open_rate,
                row.opens,
                row.pdf_downloads,
            ]
        )
    return response
