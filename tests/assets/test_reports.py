"""Marketing's reports: the monthly objection review and library usage, with CSV."""

import csv
import datetime
import io

from django.utils import timezone

import pytest

from assets.models import Objection, UsageEvent
from assets.services import objection_log
from tests.assets.factories import EnablementAssetFactory, ObjectionFactory, TalkTrackFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def heard(rep, cardiology, orthopedics, awareness, physician):
    """Three objections heard 3, 1 and 2 times; only the first has an approved response."""
    where = {"stage": awareness, "segment": physician}
    long_ago = timezone.now() - datetime.timedelta(days=60)
    for _ in range(3):
        objection_log(
            user=rep, verbatim="Too expensive", service_line=cardiology, heard_at=long_ago, **where
        )
    answered = Objection.objects.get()
    answered.approved_response = "Most plans cover it."
    approve_now(answered)
    Objection.objects.filter(pk=answered.pk).update(
        approval_code="CARD-OBJ-2026-0001",
        approval_version=1,
        review_by=timezone.localdate() + datetime.timedelta(days=30),
    )
    objection_log(user=rep, verbatim="Parking is hard", service_line=orthopedics, **where)
    for _ in range(2):
        objection_log(user=rep, verbatim="Is there a waitlist?", service_line=cardiology, **where)


def test_objection_review_lists_most_heard_first_and_flags_missing_responses(
    marketer_client, heard
):
    response = marketer_client.get("/admin/library-reports/objections/")
    assert response.status_code == 200
    rows = [(row.verbatim, row.times_heard) for row in response.context["object_list"]]
    assert rows == [("Too expensive", 3), ("Is there a waitlist?", 2), ("Parking is hard", 1)]
    flags = {row.verbatim: row.has_approved_response for row in response.context["object_list"]}
    assert flags == {"Too expensive": True, "Is there a waitlist?": False, "Parking is hard": False}


def test_objection_review_filters(marketer_client, heard, cardiology):
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    response = marketer_client.get("/admin/library-reports/objections/", {"new_since": since})
    assert {row.verbatim for row in response.context["object_list"]} == {
        "Is there a waitlist?",
        "Parking is hard",
    }
    response = marketer_client.get(
        "/admin/library-reports/objections/",
        {"without_response": "true", "service_line": cardiology.pk},
    )
    assert [row.verbatim for row in response.context["object_list"]] == ["Is there a waitlist?"]


def test_objection_review_exports_csv(marketer_client, heard):
    response = marketer_client.get("/admin/library-reports/objections/", {"export": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response)
    assert [row["Verbatim"] for row in rows] == [
        "Too expensive",
        "Is there a waitlist?",
        "Parking is hard",
    ]
    assert rows[0]["Times heard"] == "3"
    assert rows[0]["Has approved response"] == "True"
    assert rows[0]["Response"] == "Most plans cover it."
    assert rows[1]["Has approved response"] == "False"
    assert rows[0]["Service lines"] == "Cardiology"


@pytest.fixture
def usage(rep, library, cardiology, awareness, evaluation):
    popular = EnablementAssetFactory(title="Popular", stages=[awareness], approved=True)
    quiet = EnablementAssetFactory(title="Quiet", stages=[evaluation], approved=True)
    old = EnablementAssetFactory(title="Used long ago", stages=[evaluation], approved=True)
    track = TalkTrackFactory(title="Track", stages=[awareness], approved=True)
    now = timezone.now()
    events = [UsageEvent(kind=UsageEvent.Kind.VIEW, page=popular, user=rep) for _ in range(3)]
    events += [UsageEvent(kind=UsageEvent.Kind.DOWNLOAD, page=popular, user=rep)]
    events += [
        UsageEvent(
            kind=UsageEvent.Kind.VIEW,
            page=old,
            user=rep,
            created_at=now - datetime.timedelta(days=120),
        )
    ]
    events += [
        UsageEvent(kind=UsageEvent.Kind.PACK, page=page, stage=awareness, pack_id=pack_id)
        for pack_id, page in [
            ("00000000-0000-0000-0000-000000000001", popular),
            ("00000000-0000-0000-0000-000000000001", track),
        ]
    ]
    UsageEvent.objects.bulk_create(events)
    return {"popular": popular, "quiet": quiet, "old": old, "track": track}


def test_usage_per_item_and_unused_in_90_days(marketer_client, usage):
    response = marketer_client.get("/admin/library-reports/usage/")
    assert response.status_code == 200
    counts = {
        row.title: (row.views, row.downloads, row.packs) for row in response.context["object_list"]
    }
    assert counts == {
        "Popular": (3, 1, 1),
        "Track": (0, 0, 1),
        "Quiet": (0, 0, 0),
        "Used long ago": (0, 0, 0),
    }
    response = marketer_client.get("/admin/library-reports/usage/", {"unused": "true"})
    assert sorted(row.title for row in response.context["object_list"]) == [
        "Quiet",
        "Used long ago",
    ]
    response = marketer_client.get("/admin/library-reports/usage/", {"period": "365"})
    counts = {row.title: row.views for row in response.context["object_list"]}
    assert counts["Used long ago"] == 1

    rows = csv_rows(
        marketer_client.get("/admin/library-reports/usage/", {"export": "csv", "unused": "true"})
    )
    assert sorted(row["Title"] for row in rows) == ["Quiet", "Used long ago"]
    assert {"Views", "Downloads", "Call packs", "Last used"} <= set(rows[0])


def test_usage_by_stage(marketer_client, usage):
    response = marketer_client.get("/admin/library-reports/usage-by-stage/")
    assert response.status_code == 200
    awareness = next(row for row in response.context["object_list"] if row.slug == "awareness")
    evaluation = next(row for row in response.context["object_list"] if row.slug == "evaluation")
    assert (awareness.views, awareness.downloads, awareness.packs) == (3, 1, 1)
    assert (evaluation.views, evaluation.downloads, evaluation.packs) == (0, 0, 0)
    rows = csv_rows(marketer_client.get("/admin/library-reports/usage-by-stage/?export=csv"))
    assert {"Stage", "Views", "Downloads", "Call packs"} <= set(rows[0])


def test_reps_cannot_open_the_reports(rep_client, heard):
    for url in ("/admin/library-reports/objections/", "/admin/library-reports/usage/"):
        response = rep_client.get(url)
        assert response.status_code in (302, 403)


def test_reports_are_in_the_reports_menu(marketer_client, heard):
    body = marketer_client.get("/admin/").content.decode()
    assert "/admin/library-reports/objections/" in body
    assert "/admin/library-reports/usage/" in body


def test_objection_snippet_listing_exports_csv(marketer_client, cardiology):
    ObjectionFactory(verbatim="Too far away", times_heard=4, service_lines=[cardiology])
    response = marketer_client.get("/admin/snippets/assets/objection/", {"export": "csv"})
    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0]["Verbatim"] == "Too far away"
    assert rows[0]["Times heard"] == "4"
