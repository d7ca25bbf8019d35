"""An empty call offers the nearest approved material and says how near it is; a call
pack is built from any approved kind, and answers 404 only when nothing is approved
for the call, with the link to ask for material."""

import html

import pytest

from assets.filters import CallContext
from assets.models.library import Kind
from assets.selectors import nearest_items
from tests.assets.factories import EnablementAssetFactory, TalkTrackFactory
from tests.assets.pdf_support import pdf_text
from tests.cms.factories import JourneyStageFactory

CALL = {"service_line": "cardiology", "stage": "evaluation", "segment": "referring-physician"}


@pytest.fixture
def consideration(db):
    return JourneyStageFactory(slug="consideration", name="Consideration", order=2)


@pytest.fixture
def onboarding(db):
    return JourneyStageFactory(slug="onboarding", name="Onboarding", order=4)


@pytest.fixture
def context(cardiology, evaluation, physician):
    return CallContext(cardiology, evaluation, physician)


def tagged(title, service_line, stage, segment, **extra):
    return EnablementAssetFactory(
        title=title,
        service_lines=[service_line],
        stages=[stage],
        segments=[segment],
        approved=True,
        **extra,
    )


def test_first_the_same_stage_for_other_buyers(
    library, rep, context, cardiology, evaluation, consideration, physician, health_plan
):
    tagged("Evaluation for health plans", cardiology, evaluation, health_plan)
    tagged("Consideration for physicians", cardiology, consideration, physician)
    nearest = nearest_items(rep, context)
    assert nearest.how == "other_segments"
    assert [item.title for item in nearest.items] == ["Evaluation for health plans"]
    assert nearest.segments == [health_plan]


def test_then_the_adjacent_stages_for_the_same_buyer(
    library,
    rep,
    context,
    cardiology,
    orthopedics,
    awareness,
    consideration,
    evaluation,
    onboarding,
    physician,
    health_plan,
):
    tagged("Consideration for physicians", cardiology, consideration, physician)
    tagged("Onboarding for physicians", cardiology, onboarding, physician)
    tagged("Awareness for physicians", cardiology, awareness, physician)  # two stages away
    tagged("Onboarding for health plans", cardiology, onboarding, health_plan)  # other buyer
    tagged("Orthopedics evaluation", orthopedics, evaluation, physician)  # other line
    nearest = nearest_items(rep, context)
    assert nearest.how == "adjacent_stages"
    assert sorted(item.title for item in nearest.items) == [
        "Consideration for physicians",
        "Onboarding for physicians",
    ]
    assert {stage.slug for stage in nearest.stages} == {"consideration", "onboarding"}


def test_nothing_near_and_nothing_a_rep_may_not_use(
    library, rep, context, cardiology, evaluation, health_plan
):
    EnablementAssetFactory(  # a draft for another buyer: not offered
        service_lines=[cardiology], stages=[evaluation], segments=[health_plan]
    )
    assert nearest_items(rep, context) is None


def test_the_empty_listing_offers_it_and_says_so(
    rep_client, library, cardiology, evaluation, health_plan, physician
):
    tagged("Evaluation for health plans", cardiology, evaluation, health_plan)
    response = rep_client.get("/library/", CALL)
    body = html.unescape(response.content.decode())
    assert "0 items" in body
    assert "Nearest approved material" in body
    assert "Nothing is approved for exactly this call." in body
    assert "written for other buyers (Health plan)" in body
    assert "Evaluation for health plans" in body
    assert "Download the call pack" not in body  # there is nothing to put in one
    assert "Ask marketing for material" in body


def test_before_your_call_offers_it_too(
    rep_client, library, cardiology, evaluation, health_plan, physician
):
    tagged("Evaluation for health plans", cardiology, evaluation, health_plan)
    body = html.unescape(rep_client.get("/library/before-your-call/", CALL).content.decode())
    assert "Nearest approved material" in body and "Evaluation for health plans" in body
    assert "Download call pack (PDF)" not in body
    assert "Nothing approved yet: ask marketing for material" in body


def test_a_pack_is_built_from_any_approved_kind(
    client, rep, library, cardiology, evaluation, physician
):
    tagged("Cardiology evaluation FAQ", cardiology, evaluation, physician, kind=Kind.FAQ)
    tagged("Riverside case study", cardiology, evaluation, physician, kind=Kind.CASE_STUDY)
    client.force_login(rep)
    response = client.get("/library/pack.pdf", CALL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert "Cardiology evaluation FAQ" in text
    assert "Riverside case study" in text
    # The listing offers it.
    body = client.get("/library/", CALL).content.decode()
    assert "Download the call pack (PDF)" in body


@pytest.mark.usefixtures("stub_pdf_renderer")
def test_a_pack_with_nothing_approved_is_a_404_with_the_request_link(
    client, rep, library, cardiology, evaluation, physician
):
    EnablementAssetFactory(  # a draft: nothing approved
        service_lines=[cardiology], stages=[evaluation], segments=[physician]
    )
    TalkTrackFactory(service_lines=[cardiology], stages=[evaluation], segments=[physician])
    client.force_login(rep)
    response = client.get("/library/pack.pdf", CALL)
    assert response.status_code == 404
    body = html.unescape(response.content.decode())
    assert "Nothing approved is tagged for this service line, stage and segment" in body
    assert (
        "/library/requests/new/?service_line=cardiology&stage=evaluation"
        "&segment=referring-physician&source=pack" in body
    )
    assert "Ask marketing for material" in body
