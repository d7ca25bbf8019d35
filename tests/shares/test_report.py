"""The share report: shares, opens and open rate per item, stage and segment."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

import pytest

from shares.models import Share, ShareOpen
from shares.reports import share_report
from tests.cms.factories import JourneyStageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(one_pager, case_study, make_share, evaluation):
    """Three links: one_pager alone (opened twice, one PDF), a bundle of both (opened
    once), case_study alone (never opened); and one old link outside the period."""
    alone = make_share(one_pager)
    bundle = make_share(one_pager, case_study, recipient="Dr. Bo Chen")
    make_share(case_study, recipient="Dr. Cy Diaz")
    old = make_share(case_study, recipient="Dr. Old")
    Share.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))
    ShareOpen.objects.bulk_create(
        [
            ShareOpen(share=alone, kind=ShareOpen.Kind.PAGE),
            ShareOpen(share=alone, kind=ShareOpen.Kind.PAGE),
            ShareOpen(share=alone, kind=ShareOpen.Kind.PDF),
            ShareOpen(share=bundle, kind=ShareOpen.Kind.PAGE),
            ShareOpen(share=old, kind=ShareOpen.Kind.PAGE),
        ]
    )


def test_figures_by_item_stage_and_segment(data, one_pager, case_study):
    by_item, by_stage, by_segment, total = share_report(since=timezone.now() - timedelta(days=90))
    items = {row.label: row for row in by_item}
    assert (items[one_pager.title].shares, items[one_pager.title].opened) == (2, 2)
    assert (items[one_pager.title].opens, items[one_pager.title].pdf_downloads) == (3, 1)
    assert items[one_pager.title].open_rate == 100
    assert (items[case_study.title].shares, items[case_study.title].opened) == (2, 1)
    assert items[case_study.title].open_rate == 50
    # Both items are evaluation / referring physician: each link counts once there.
    (stage,) = by_stage
    assert (stage.label, stage.shares, stage.opened, stage.opens) == ("Evaluation", 3, 2, 3)
    (segment,) = by_segment
    assert (segment.label, segment.shares, segment.opened) == ("Referring physician", 3, 2)
    assert (total.shares, total.opened, total.open_rate) == (3, 2, 67)


def test_stages_in_journey_order(one_pager, make_share, library, cardiology, physician):
    from tests.assets.factories import EnablementAssetFactory

    awareness = JourneyStageFactory(slug="awareness", name="Awareness", order=1)
    early = EnablementAssetFactory(
        title="Early",
        stages=[awareness],
        service_lines=[cardiology],
        segments=[physician],
        approved=True,
    )
    make_share(one_pager)
    make_share(one_pager)
    make_share(early)
    _, by_stage, _, _ = share_report(since=timezone.now() - timedelta(days=1))
    assert [row.label for row in by_stage] == ["Awareness", "Evaluation"]


def test_deleted_items_keep_their_shared_title(one_pager, make_share):
    make_share(one_pager)
    title = one_pager.title
    one_pager.delete()
    by_item, by_stage, _, _ = share_report(since=timezone.now() - timedelta(days=1))
    assert by_item[0].label == f"{title} (deleted)"
    assert by_stage[0].label == "(items deleted since)"


def test_the_page_chart_and_csv(data, marketer, one_pager):
    client = Client()
    client.force_login(marketer)
    response = client.get("/admin/reports/shares/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "3 of 3 opened" not in html and "2 of 3 opened (67%)" in html
    assert one_pager.title in html
    csv = client.get("/admin/reports/shares/?export=csv&period=30").content.decode().splitlines()
    assert csv[0] == "item,kind,shares,opened,open_rate,opens,pdf_downloads"
    assert f"{one_pager.title},One-pager,2,2,100,3,1" in csv


def test_reps_and_visitors_cannot_see_it(rep_client):
    assert rep_client.get("/admin/reports/shares/").status_code in (302, 403)
    assert Client().get("/admin/reports/shares/").status_code == 302


def test_a_hostile_period_falls_back_to_the_default(data, marketer):
    client = Client()
    client.force_login(marketer)
    for value in ("abc", "-1", "99999999999999999999", "7", "30.5"):
        response = client.get("/admin/reports/shares/", {"period": value})
        if response.status_code == 400:  # refused by the hostile-input guard, in words
            assert value == "99999999999999999999" and response.content
            continue
        assert response.status_code == 200 and "Last 90 days" in response.content.decode()


def test_the_library_usage_reports_count_shares(one_pager, case_study, make_share, marketer):
    make_share(one_pager, case_study)
    make_share(one_pager)
    client = Client()
    client.force_login(marketer)
    rows = client.get("/admin/library-reports/usage/").context["object_list"]
    shares = {row.title: row.shares for row in rows}
    assert shares == {one_pager.title: 2, case_study.title: 1}
    unused = client.get("/admin/library-reports/usage/", {"unused": "true"})
    assert list(unused.context["object_list"]) == []  # shared is used
    response = client.get("/admin/library-reports/usage/", {"export": "csv"})
    csv = b"".join(response.streaming_content).decode()
    assert "Shared with buyers" in csv.splitlines()[0]
    stages = client.get("/admin/library-reports/usage-by-stage/").context["object_list"]
    evaluation = next(row for row in stages if row.slug == "evaluation")
    assert evaluation.shares == 3
