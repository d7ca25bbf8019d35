"""“Before your call”: one screen for a service line × stage × segment."""

import pytest

from assets.filters import CallContext
from assets.models.library import Kind, Purpose
from assets.packs import call_pack
from tests.assets.factories import EnablementAssetFactory, ObjectionFactory, TalkTrackFactory

pytestmark = pytest.mark.django_db
URL = "/library/before-your-call/"


@pytest.fixture
def call(cardiology, awareness, physician):
    return {"service_lines": [cardiology], "stages": [awareness], "segments": [physician]}


def test_everything_for_the_call_on_one_screen(
    rep_client, library, call, evaluation, health_plan, cardiology
):
    TalkTrackFactory(title="Cardiology intro call", approved=True, **call)
    TalkTrackFactory(title="Unapproved track", **call)
    EnablementAssetFactory(title="HF one-pager", kind=Kind.ONE_PAGER, approved=True, **call)
    EnablementAssetFactory(title="HF FAQ", kind=Kind.FAQ, approved=True, **call)
    EnablementAssetFactory(
        title="Plan deck",
        approved=True,
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[health_plan],
    )
    ObjectionFactory(verbatim="Rarely heard", times_heard=1, approved=True, **call)
    ObjectionFactory(verbatim="Heard all the time", times_heard=30, approved=True, **call)
    ObjectionFactory(
        verbatim="Heard often, other stage",
        times_heard=50,
        approved=True,
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[health_plan],
    )
    ObjectionFactory(verbatim="Not answered yet", times_heard=99, **call)

    response = rep_client.get(
        URL, {"service_line": "cardiology", "stage": "awareness", "segment": "referring-physician"}
    )
    assert response.status_code == 200
    pack = response.context["pack"]
    assert pack.talk_track.title == "Cardiology intro call"
    assert [item.title for item in pack.one_pagers] == ["HF one-pager"]
    assert [item.title for item in pack.other_assets] == ["HF FAQ"]
    # Most-heard first among the best matches; unanswered objections never show.
    assert [objection.verbatim for objection in pack.objections] == [
        "Heard all the time",
        "Rarely heard",
        "Heard often, other stage",
    ]
    body = response.content.decode()
    assert "Plan deck" not in body and "Not answered yet" not in body
    assert (
        "pack.pdf?service_line=cardiology&amp;stage=awareness&amp;segment=referring-physician"
        in body
    )
    assert "/library/glossary/cardiology/" in body
    assert "What buyers ask at awareness" in body


def test_a_paused_service_line_offers_nurture_material(
    rep_client, library, sleep, awareness, physician
):
    call = {"service_lines": [sleep], "stages": [awareness], "segments": [physician]}
    TalkTrackFactory(
        title="Sleep update call",
        next_step="Book a home sleep test.",
        nurture_next_step="Offer the reopening update list.",
        approved=True,
        **call,
    )
    EnablementAssetFactory(
        title="Book a sleep test", purpose=Purpose.BOOKING, approved=True, **call
    )
    EnablementAssetFactory(title="Sleep lab update", purpose=Purpose.NURTURE, approved=True, **call)
    response = rep_client.get(
        URL,
        {"service_line": "sleep-medicine", "stage": "awareness", "segment": "referring-physician"},
    )
    body = response.content.decode()
    assert "new consults are paused" in body
    assert "Offer the reopening update list." in body
    assert "Book a home sleep test." not in body
    assert "Sleep lab update" in body and "Book a sleep test" not in body


def test_the_choice_form_and_bad_choices(rep_client, library, call):
    response = rep_client.get(URL)
    assert response.status_code == 200 and response.context["pack"] is None
    response = rep_client.get(URL, {"service_line": "cardiology"})
    assert "Choose a service line, a stage and a buyer" in response.content.decode()
    response = rep_client.get(
        URL, {"service_line": "cardiology", "stage": "nope", "segment": "referring-physician"}
    )
    assert response.status_code == 400
    assert "There is no journey stage “nope”" in response.content.decode()


def test_call_pack_query_count_is_constant(
    rep, library, call, cardiology, awareness, physician, django_assert_max_num_queries
):
    for number in range(12):
        EnablementAssetFactory(title=f"One-pager {number}", approved=True, **call)
        ObjectionFactory(approved=True, **call)
    with django_assert_max_num_queries(14):
        pack = call_pack(user=rep, context=CallContext(cardiology, awareness, physician))
        [item.service_lines.all() for item in pack.items]
    assert len(pack.one_pagers) == 6 and len(pack.objections) == 5
