"""The coverage map: each cell's state, its figures, the CSV, who may open it, and a
constant number of queries whatever the size of the taxonomy."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

import pytest

from assets import coverage, services
from assets.models import ContentRequest, UsageEvent
from assets.models.library import Kind
from reviews.services import assign_default_workflows
from tests.assets.factories import EnablementAssetFactory, TalkTrackFactory, publish_unapproved
from tests.cms.factories import JourneyStageFactory, SegmentFactory, ServiceLineFactory
from tests.reviews.factories import submit

URL = "/admin/reports/coverage/"


@pytest.fixture
def call(cardiology, evaluation, physician):
    return {"service_lines": [cardiology], "stages": [evaluation], "segments": [physician]}


def state_of(cardiology, evaluation, physician):
    return coverage.coverage_map().cell(cardiology, evaluation, physician)


def far():
    return timezone.localdate() + timedelta(days=200)


def soon():
    return timezone.localdate() + timedelta(days=coverage.EXPIRING_DAYS - 5)


def test_a_current_one_pager_covers_a_call(library, call, cardiology, evaluation, physician):
    EnablementAssetFactory(kind=Kind.ONE_PAGER, approved=True, approved__review_by=far(), **call)
    cell = state_of(cardiology, evaluation, physician)
    assert cell.state == coverage.COVERED
    assert len(cell.items) == 1


def test_a_current_talk_track_covers_a_call(library, call, cardiology, evaluation, physician):
    TalkTrackFactory(approved=True, approved__review_by=far(), **call)
    assert state_of(cardiology, evaluation, physician).state == coverage.COVERED


def test_only_other_kinds_make_a_thin_call(library, call, cardiology, evaluation, physician):
    EnablementAssetFactory(kind=Kind.FAQ, approved=True, approved__review_by=far(), **call)
    EnablementAssetFactory(kind=Kind.CASE_STUDY, approved=True, approved__review_by=far(), **call)
    cell = state_of(cardiology, evaluation, physician)
    assert cell.state == coverage.THIN
    assert len(cell.items) == 2


def test_a_call_whose_cover_is_due_for_review_within_30_days_is_expiring(
    library, call, cardiology, evaluation, physician
):
    one_pager = EnablementAssetFactory(
        kind=Kind.ONE_PAGER, approved=True, approved__review_by=soon(), **call
    )
    # An FAQ good for months doesn't cover the call: without the one-pager it is thin.
    EnablementAssetFactory(kind=Kind.FAQ, approved=True, approved__review_by=far(), **call)
    assert state_of(cardiology, evaluation, physician).state == coverage.EXPIRING

    # A second one-pager good for months: covered again.
    EnablementAssetFactory(kind=Kind.ONE_PAGER, approved=True, approved__review_by=far(), **call)
    assert state_of(cardiology, evaluation, physician).state == coverage.COVERED
    assert one_pager.review_by == soon()


def test_a_thin_call_with_only_expiring_material_is_expiring(
    library, call, cardiology, evaluation, physician
):
    EnablementAssetFactory(kind=Kind.FAQ, approved=True, approved__review_by=soon(), **call)
    assert state_of(cardiology, evaluation, physician).state == coverage.EXPIRING


def test_material_waiting_in_review_is_in_review(
    library, call, cardiology, evaluation, physician, marketer
):
    assign_default_workflows()
    draft = EnablementAssetFactory(kind=Kind.ONE_PAGER, **call)
    draft.save_revision(user=marketer)
    assert state_of(cardiology, evaluation, physician).state == coverage.MISSING
    submit(draft, user=marketer)
    cell = state_of(cardiology, evaluation, physician)
    assert cell.state == coverage.IN_REVIEW
    assert cell.in_review == 1 and cell.items == []


def test_nothing_is_missing_and_what_reps_cannot_use_does_not_cover(
    library, call, cardiology, evaluation, physician
):
    # A draft, an unapproved live page, an expired stamp: none counts.
    EnablementAssetFactory(kind=Kind.ONE_PAGER, **call)
    publish_unapproved(EnablementAssetFactory(kind=Kind.ONE_PAGER, **call))
    past = EnablementAssetFactory(kind=Kind.ONE_PAGER, approved=True, **call)
    type(past).objects.filter(pk=past.pk).update(review_by=timezone.localdate() - timedelta(days=1))
    assert state_of(cardiology, evaluation, physician).state == coverage.MISSING


def test_material_behind_page_privacy_reps_do_not_pass_does_not_cover(
    library, call, cardiology, evaluation, physician
):
    from django.contrib.auth.models import Group

    from wagtail.models import PageViewRestriction

    hidden = EnablementAssetFactory(kind=Kind.ONE_PAGER, approved=True, **call)
    restriction = PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Marketers")])
    assert state_of(cardiology, evaluation, physician).state == coverage.MISSING


def test_an_item_tagged_for_several_calls_covers_each(
    library, cardiology, evaluation, physician, health_plan, awareness
):
    EnablementAssetFactory(
        kind=Kind.ONE_PAGER,
        approved=True,
        service_lines=[cardiology],
        stages=[awareness, evaluation],
        segments=[physician, health_plan],
    )
    map_ = coverage.coverage_map()
    for stage in (awareness, evaluation):
        for segment in (physician, health_plan):
            assert map_.cell(cardiology, stage, segment).state == coverage.COVERED


def test_cells_count_open_requests_and_lookups(
    library, cardiology, evaluation, physician, rep, marketer
):
    call = {"service_line": cardiology, "stage": evaluation, "segment": physician}
    services.content_request_ask(user=rep, kind=Kind.ONE_PAGER, **call)
    services.content_request_ask(user=marketer, kind=Kind.ONE_PAGER, **call)
    services.content_request_ask(user=rep, kind=Kind.FAQ, **call)
    done, _ = services.content_request_ask(user=rep, kind=Kind.CHECKLIST, **call)
    ContentRequest.objects.filter(pk=done.pk).update(status=ContentRequest.Status.DONE)
    for _ in range(4):
        services.usage_record(user=rep, kind=UsageEvent.Kind.SEARCH, **call)
    old = services.usage_record(user=rep, kind=UsageEvent.Kind.SEARCH, **call)
    UsageEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=coverage.SEARCH_DAYS + 1)
    )
    cell = coverage.coverage_map().cell(cardiology, evaluation, physician)
    assert (cell.requests, cell.searches) == (3, 4)


def test_csv_has_one_row_per_cell(
    library,
    rep,
    marketer_client,
    cardiology,
    orthopedics,
    evaluation,
    awareness,
    physician,
    health_plan,
):
    EnablementAssetFactory(
        kind=Kind.ONE_PAGER,
        approved=True,
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[physician],
    )
    services.content_request_ask(
        user=rep, service_line=orthopedics, stage=awareness, segment=health_plan
    )
    response = marketer_client.get(URL, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["service_line", "stage", "segment", "state", "items", "requests"]
    body = {tuple(row[:3]): row[3:] for row in rows[1:]}
    assert len(body) == 2 * 2 * 2  # service lines × stages × segments
    assert body[("cardiology", "evaluation", "referring-physician")] == ["covered", "1", "0"]
    assert body[("orthopedics", "awareness", "health-plan")] == ["missing", "0", "1"]
    assert body[("cardiology", "awareness", "health-plan")] == ["missing", "0", "0"]

    # One segment only.
    response = marketer_client.get(URL, {"export": "csv", "segment": "health-plan"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert {row[2] for row in rows[1:]} == {"health-plan"} and len(rows) == 5


def test_the_page_shows_states_in_words_links_and_a_legend(
    library, marketer_client, rep, cardiology, evaluation, awareness, physician
):
    EnablementAssetFactory(
        title="Evaluation FAQ",
        kind=Kind.FAQ,
        approved=True,
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[physician],
    )
    services.content_request_ask(
        user=rep, service_line=cardiology, stage=awareness, segment=physician, kind=Kind.ONE_PAGER
    )
    response = marketer_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Referring physician" in html and "<caption" in html
    for label in ("Covered", "Thin", "Expiring", "In review", "Missing"):
        assert label in html  # the legend names every state
    assert 'data-state="thin"' in html and 'data-state="missing"' in html
    query = "service_line=cardiology&amp;stage=evaluation&amp;segment=referring-physician"
    assert f"/library/?{query}" in html
    requests_query = "service_line=cardiology&amp;stage=awareness&amp;segment=referring-physician"
    assert f"/admin/library-requests/?{requests_query}" in html
    assert "1 request" in html


def test_one_segment_and_an_unknown_one(
    library, marketer_client, physician, health_plan, cardiology, evaluation
):
    response = marketer_client.get(URL, {"segment": "health-plan"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="coverage-health-plan"' in html and 'id="coverage-referring-physician"' not in html
    response = marketer_client.get(URL, {"segment": "nobody"})
    assert response.status_code == 400
    assert "There is no segment “nobody”" in response.content.decode()


@pytest.mark.parametrize("user", ["marketer", "reviewer", "admin_user"])
def test_marketers_compliance_and_admins_may_open_it(request, client, user, library):
    client.force_login(request.getfixturevalue(user))
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"export": "csv"}).status_code == 200


def test_reps_may_not(rep_client, library):
    response = rep_client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/library/")
    assert rep_client.get(URL, {"export": "csv"}).status_code == 302


def _grow(size, rep):
    """``size`` more service lines, stages and segments, items tagged across them,
    requests and look-ups."""
    from cms.models import JourneyStage, Segment, ServiceLine

    start = ServiceLine.objects.count()
    for number in range(start, start + size):
        ServiceLineFactory(slug=f"line-{number}", name=f"Line {number}")
        JourneyStageFactory(slug=f"stage-{number}", name=f"Stage {number}", order=number)
        SegmentFactory(slug=f"segment-{number}", name=f"Segment {number}")
    lines, stages = list(ServiceLine.objects.all()), list(JourneyStage.objects.all())
    segments = list(Segment.objects.all())
    for number in range(size * 2):
        EnablementAssetFactory(
            kind=Kind.ONE_PAGER if number % 2 else Kind.FAQ,
            approved=True,
            service_lines=lines[: number % len(lines) + 1],
            stages=stages[: number % len(stages) + 1],
            segments=segments[:2],
        )
        services.content_request_ask(
            user=rep, service_line=lines[number % len(lines)], stage=stages[0], segment=segments[-1]
        )
        services.usage_record(
            user=rep,
            kind=UsageEvent.Kind.SEARCH,
            service_line=lines[0],
            stage=stages[number % len(stages)],
            segment=segments[0],
        )


def test_query_count_does_not_grow_with_the_taxonomy_or_the_library(
    library, marketer_client, rep, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        marketer_client.get(URL)  # the taxonomy is read once per content version
        with CaptureQueriesContext(connection) as captured:
            response = marketer_client.get(URL)
        assert response.status_code == 200
        return len(captured.captured_queries)

    _grow(2, rep)
    small = queries()
    _grow(6, rep)  # 8 × 8 × 8 = 512 cells, four times the items
    large = queries()
    assert small == large
    # Session, user, groups, permissions and the admin menu, the content version, and
    # the map itself: privacy restrictions, visible items, items in review, one UNION
    # of the link tables, requests and look-ups.
    with django_assert_max_num_queries(25):
        marketer_client.get(URL)


def test_the_holes_reps_hit_most_come_first(
    library, marketer_client, rep, marketer, cardiology, evaluation, awareness, physician
):
    EnablementAssetFactory(
        kind=Kind.ONE_PAGER,
        approved=True,
        service_lines=[cardiology],
        stages=[awareness],
        segments=[physician],
    )
    looked_up = {"service_line": cardiology, "segment": physician}
    for _ in range(3):  # covered: not a hole, however often it is looked up
        services.usage_record(user=rep, kind=UsageEvent.Kind.SEARCH, stage=awareness, **looked_up)
    services.usage_record(user=rep, kind=UsageEvent.Kind.SEARCH, stage=evaluation, **looked_up)
    services.content_request_ask(user=rep, stage=evaluation, **looked_up)
    services.content_request_ask(user=marketer, stage=evaluation, **looked_up)
    wanted = coverage.coverage_map().most_wanted()
    assert [(cell.stage, cell.requests, cell.searches) for cell in wanted] == [(evaluation, 2, 1)]
    html = marketer_client.get(URL).content.decode()
    assert "Holes reps hit most" in html
    assert "Cardiology · Evaluation · Referring physician" in html
