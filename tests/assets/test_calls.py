"""Call outcomes (the shared status model) and the content influence report."""

import csv
import io
import json
from datetime import timedelta

from django.utils import timezone

import pytest

from assets import influence, services
from assets.filters import Taxonomy
from assets.models import BuyerStatus, CallOutcome, Objection
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import UserFactory

NEW = "/library/calls/new/"
API = "/api/v1/calls/"
CALL = {"service_line": "cardiology", "stage": "evaluation", "segment": "referring-physician"}


@pytest.fixture
def call(cardiology, evaluation, physician):
    return {"service_line": cardiology, "stage": evaluation, "segment": physician}


@pytest.fixture
def one_pager(library, cardiology, evaluation, physician):
    return EnablementAssetFactory(
        title="Heart Failure Clinic for referring physicians",
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[physician],
        approved=True,
    )


def status(slug):
    return BuyerStatus.objects.get(slug=slug)


def test_the_shared_status_set_is_there_and_ordered(db):
    assert list(BuyerStatus.objects.values_list("slug", flat=True)) == [
        "interested",
        "qualified",
        "referral-pending",
        "consult-scheduled",
        "onboarded",
        "nurture",
        "not-a-fit",
    ]
    assert set(
        BuyerStatus.objects.filter(counts_as_progress=True).values_list("slug", flat=True)
    ) == {
        "qualified",
        "referral-pending",
        "consult-scheduled",
        "onboarded",
    }


# Logging a call in the library -------------------------------------------------------------


def test_the_form_comes_prefilled_from_the_call_with_its_material(rep_client, one_pager, call):
    response = rep_client.get(NEW, {**CALL, "items": [one_pager.pk]})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["service_line"].value() == "cardiology"
    assert form["segment"].value() == "referring-physician"
    assert [str(one_pager.pk)] == form["items"].value()
    body = response.content.decode()
    assert "Heart Failure Clinic for referring physicians (One-pager)" in body
    assert "Consult scheduled" in body and "Not a fit" in body


def test_a_rep_logs_a_call_with_material_and_objections(rep_client, rep, one_pager, call):
    response = rep_client.post(
        NEW,
        {
            **CALL,
            "status": status("consult-scheduled").pk,
            "items": [one_pager.pk],
            "objections": "How long until my patients are seen?\n\n  Is it covered?  ",
            "notes": "Wants the referral form.",
            "next": "/library/before-your-call/?service_line=cardiology",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/library/before-your-call/?service_line=cardiology"
    logged = CallOutcome.objects.get()
    assert (logged.user, logged.status.slug, logged.notes) == (
        rep,
        "consult-scheduled",
        "Wants the referral form.",
    )
    assert (logged.service_line, logged.stage, logged.segment) == tuple(call.values())
    assert list(logged.items.values_list("pk", flat=True)) == [one_pager.pk]
    heard = sorted(logged.objections.values_list("verbatim", flat=True))
    assert heard == ["How long until my patients are seen?", "Is it covered?"]
    # The objections are in the objection log too, heard once each on this call.
    assert Objection.objects.count() == 2
    assert all(objection.hearings.count() == 1 for objection in Objection.objects.all())
    body = rep_client.get("/library/calls/").content.decode()
    assert "Consult scheduled" in body and "Heart Failure Clinic for referring physicians" in body


def test_bad_input_is_answered_with_messages(rep_client, one_pager, call):
    response = rep_client.post(NEW, {**CALL, "stage": "", "objections": "!!!"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose the journey stage." in body
    assert "Choose where the buyer is now." in body
    assert "punctuation, emoji or invisible" in body
    assert CallOutcome.objects.count() == 0
    # An item that isn't on offer (not visible, or made up) is refused.
    draft = EnablementAssetFactory(title="Draft")
    response = rep_client.post(NEW, {**CALL, "status": status("qualified").pk, "items": [draft.pk]})
    assert response.status_code == 400
    assert "is not one of the available choices" in response.content.decode()


def test_before_your_call_links_to_logging_it(rep_client, one_pager):
    body = rep_client.get("/library/before-your-call/", CALL).content.decode()
    assert (
        "/library/calls/new/?service_line=cardiology&amp;stage=evaluation"
        '&amp;segment=referring-physician">Log this call' in body
    )


# The API -----------------------------------------------------------------------------------


def post(client, data, **extra):
    return client.post(API, json.dumps(data), content_type="application/json", **extra)


def test_the_api_records_a_call_and_answers_it(rep_client, rep, one_pager):
    response = post(
        rep_client,
        {
            **CALL,
            "status": "referral-pending",
            "items": [f"http://testserver{one_pager.url}"],
            "objections": ["Will you steal my patients?"],
            "notes": "From the CRM.",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {
        "id",
        "service_line",
        "stage",
        "segment",
        "status",
        "items",
        "objections",
        "notes",
        "logged_at",
    }
    assert data["status"] == "referral-pending"
    assert data["items"] == [f"http://testserver{one_pager.url}"]
    assert data["objections"] == ["Will you steal my patients?"]
    assert CallOutcome.objects.get(pk=data["id"]).user == rep


def test_the_api_names_each_bad_field(rep_client, one_pager):
    response = post(
        rep_client,
        {
            "service_line": "nope",
            "stage": 3,
            "status": "won",
            "items": ["/library/not-an-item/"],
            "objections": "not a list",
            "colour": "red",
        },
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["service_line"] == "There is no service line “nope”."
    assert fields["stage"] == "Must be a string."
    assert fields["segment"] == "Required."
    assert fields["status"].startswith("There is no buyer status “won”; use one of: interested,")
    assert fields["items"] == "Not a library item you can use: /library/not-an-item/"
    assert fields["objections"] == "A list of objections, each in the buyer's words."
    assert fields["colour"] == "Not a field of a call."
    assert CallOutcome.objects.count() == 0
    assert post(rep_client, []).status_code == 400
    response = rep_client.post(API, "service_line=x", content_type="text/plain")
    assert response.status_code == 415


def test_the_api_lists_only_your_own_calls_newest_first(client, rep, call):
    other = UserFactory(username="rep2", groups=["Sales reps"])
    now = timezone.now()
    services.call_log(
        user=rep, status=status("interested"), logged_at=now - timedelta(days=2), **call
    )
    services.call_log(user=rep, status=status("qualified"), logged_at=now, **call)
    services.call_log(user=other, status=status("onboarded"), **call)
    client.force_login(rep)
    data = client.get(API).json()
    assert data["count"] == 2
    assert [row["status"] for row in data["results"]] == ["qualified", "interested"]


def test_the_api_needs_a_caller_and_a_session_needs_csrf(client, rep, call):
    assert client.get(API).status_code == 401
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(rep)
    response = post(strict, {**CALL, "status": "qualified"})
    assert response.status_code == 403


# The content influence report ---------------------------------------------------------------


def test_influence_figures_on_a_hand_computed_set(
    library, rep, cardiology, orthopedics, awareness, evaluation, physician
):
    """Cardiology × evaluation × physician: 4 calls. A used on 1 (advanced) and 2 (not);
    B used on 2; calls 3 (advanced) and 4 (not) used nothing. Orthopedics × evaluation:
    call 5 (advanced) used A — its own combination has no call without A.

    A: used 3, advanced 2 → 67%; same calls without A: 3 and 4 → 1 of 2 → 50%.
    B: used 1 (call 2, not advanced) → 0%; without: 1, 3, 4 → 2 of 3 → 67%.
    Evaluation: 5 calls, 3 advanced; with material 3 (1, 2, 5) → 2 advanced; without 2 → 1.
    """
    a = EnablementAssetFactory(title="A", approved=True)
    b = EnablementAssetFactory(title="B", approved=True)
    cardio = {"service_line": cardiology, "stage": evaluation, "segment": physician}
    ortho = {"service_line": orthopedics, "stage": evaluation, "segment": physician}
    yes, no = status("consult-scheduled"), status("nurture")
    services.call_log(user=rep, status=yes, items=[a], **cardio)
    services.call_log(user=rep, status=no, items=[a, b], **cardio)
    services.call_log(user=rep, status=yes, **cardio)
    services.call_log(user=rep, status=no, **cardio)
    services.call_log(user=rep, status=yes, items=[a], **ortho)
    old = services.call_log(user=rep, status=yes, items=[b], **cardio)
    CallOutcome.objects.filter(pk=old.pk).update(logged_at=timezone.now() - timedelta(days=100))

    report = influence.influence(
        since=timezone.now() - timedelta(days=90), taxonomy=Taxonomy.load()
    )
    assert report.calls == 5
    figures = {item.title: item for item in report.items}
    assert (figures["A"].used, figures["A"].used_advanced) == (3, 2)
    assert (figures["A"].without, figures["A"].without_advanced) == (2, 1)
    assert (figures["B"].used, figures["B"].used_advanced) == (1, 0)
    assert (figures["B"].without, figures["B"].without_advanced) == (3, 2)
    assert figures["A"].used_share == pytest.approx(2 / 3)
    assert figures["B"].without_share == pytest.approx(2 / 3)
    stages = {figures.stage.slug: figures for figures in report.stages}
    e = stages["evaluation"]
    assert (e.calls, e.advanced, e.with_material, e.with_material_advanced) == (5, 3, 3, 2)
    assert e.without_material_share == pytest.approx(1 / 2)
    assert stages["awareness"].calls == 0


def test_the_report_page_charts_tables_csv_and_the_caveat(
    client, marketer, rep, library, call, one_pager
):
    services.call_log(
        user=rep,
        status=status("qualified"),
        items=[one_pager],
        objections=["Is it covered?"],
        **call,
    )
    services.call_log(user=rep, status=status("nurture"), **call)
    client.force_login(marketer)
    response = client.get("/admin/reports/influence/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "This is correlation, not cause." in body
    assert body.count("<svg") >= 2 and '<title id="item-chart-title">' in body
    assert "Heart Failure Clinic for referring physicians" in body
    assert "100% of 1" in body and "0% of 1" in body  # used: 1 of 1; without: 0 of 1
    response = client.get("/admin/reports/influence/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(influence.CSV_COLUMNS)
    assert rows[1] == [
        "Heart Failure Clinic for referring physicians",
        "one-pager",
        "1",
        "100%",
        "1",
        "0%",
    ]


def test_reps_may_not_open_the_report(rep_client, library):
    response = rep_client.get("/admin/reports/influence/")
    assert response.status_code == 302 and response["Location"].startswith("/library/")
