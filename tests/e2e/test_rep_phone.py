"""A rep on a 390 px phone: the first result shows above the folded filters; they filter
to a call the library doesn't cover, see the nearest material, ask marketing for the
missing one-pager, star an item for their call kit, and log the call afterwards."""

import pytest

from assets.models import CallOutcome, ContentRequest, Favourite
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import PASSWORD
from tests.e2e.conftest import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def material(organisation):
    o = organisation
    return EnablementAssetFactory(
        title="Cardiac rehabilitation coverage for health plans",
        summary="Coverage and referral criteria for plan partners.",
        service_lines=[o.cardiology],
        stages=[o.evaluation],
        segments=[o.health_plan],
        approved=True,
    )


def test_rep_on_a_phone_filters_asks_stars_and_logs_the_call(phone, material, rep):
    page = phone
    login(page, "rep", PASSWORD)
    page.goto("/library/")

    # The filters are folded: the first result is on screen without scrolling.
    assert not page.get_by_label("Service line").is_visible()
    first = page.get_by_role("link", name=material.title).first
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    assert axe_violations(page) == []

    # Filter to a call nothing is approved for: each choice applies at once.
    page.get_by_text("Search and filters").click()
    for label, value in (
        ("Service line", "cardiology"),
        ("Stage", "evaluation"),
        ("Buyer", "referring-physician"),
    ):
        if not page.get_by_label(label).is_visible():
            page.get_by_text("Search and filters").click()
        with page.expect_navigation():
            page.get_by_label(label).select_option(value)
    page.get_by_role("heading", level=2, name="0 items").wait_for()
    page.get_by_role("heading", name="Nearest approved material").wait_for()
    assert page.get_by_text("written for other buyers (Health plan)").is_visible()

    # Ask marketing for it: the form comes prefilled with the call.
    page.get_by_role("link", name="Ask marketing for material").click()
    page.wait_for_url("**/library/requests/new/**")
    assert page.get_by_label("Service line").input_value() == "cardiology"
    assert page.get_by_label("Journey stage").input_value() == "evaluation"
    assert page.get_by_label("Buyer").input_value() == "referring-physician"
    page.get_by_label("What would help").select_option("one-pager")
    page.get_by_label("Anything marketing should know? (optional)").fill(
        "The practice manager asks what a referral costs the patient."
    )
    page.get_by_role("button", name="Ask for it").click()
    page.wait_for_url("**/library/?*")
    page.get_by_text("marketing has your request for evaluation one-pager").wait_for()
    request = ContentRequest.objects.get()
    assert (request.kind, request.times_requested) == ("one-pager", 1)

    # Star the nearest item: it leads the library page from now on.
    page.get_by_role("link", name=material.title).first.click()
    page.wait_for_url(f"**{material.url}")
    page.get_by_role("button", name="☆ Add to My call kit").click()
    page.get_by_role("button", name="★ In My call kit — remove").wait_for()
    assert Favourite.objects.filter(user=rep, item=material).exists()
    page.goto("/library/")
    kit = page.get_by_role("region", name="★ My call kit")
    assert kit.get_by_role("link", name=material.title).is_visible()

    # After the call: log it from "Before your call", the call prefilled.
    page.goto(
        "/library/before-your-call/?service_line=cardiology&stage=evaluation"
        "&segment=referring-physician"
    )
    page.get_by_role("link", name="Log this call").click()
    page.wait_for_url("**/library/calls/new/**")
    assert page.get_by_label("Service line").input_value() == "cardiology"
    page.get_by_label("Consult scheduled").check()
    page.get_by_label(f"{material.title} (One-pager)").check()  # from the call kit
    page.get_by_label("Objections you heard (one per line, in the buyer's words)").fill(
        "Is the rehab program covered by our plan?"
    )
    page.get_by_role("button", name="Log the call").click()
    page.get_by_text("Call logged: the buyer is now “Consult scheduled”.").wait_for()
    call = CallOutcome.objects.get()
    assert (call.user, call.status.slug) == (rep, "consult-scheduled")
    assert list(call.items.values_list("pk", flat=True)) == [material.pk]
    assert list(call.objections.values_list("verbatim", flat=True)) == [
        "Is the rehab program covered by our plan?"
    ]
    assert axe_violations(page) == []
