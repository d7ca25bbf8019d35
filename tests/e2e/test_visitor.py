"""An anonymous visitor: the library is behind sign-in, the public site shows only
approved public wording, the same words the reps' one-pager uses."""

import pytest

from cms.models import ServiceLinePage
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import PASSWORD
from tests.e2e.conftest import axe_violations, login
from tests.glossary.factories import MessageFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORDING = "Most referred patients start cardiac rehabilitation within ten days."


@pytest.fixture
def shared_message(organisation):
    o = organisation
    message = MessageFactory(
        title="Rehab access", text=WORDING, service_lines=[o.cardiology], approved=True
    )
    one_pager = EnablementAssetFactory(
        title="Internal: cardiac rehabilitation talking points",
        summary="Pricing notes for reps only; not for distribution.",
        audience="internal",
        body=[("approved_message", message)],
        service_lines=[o.cardiology],
        stages=[o.evaluation],
        segments=[o.physician],
        approved=True,
    )
    public = ServiceLinePage(
        title="Cardiology",
        slug="cardiology",
        service_line=o.cardiology,
        intro="Heart care close to home, with a named nurse from referral onwards.",
        body=[("approved_message", message)],
    )
    o.home.add_child(instance=public)
    approve_now(public)
    return one_pager, public


def library_urls(one_pager):
    return [
        "/library/",
        "/library/?service_line=cardiology&q=rehabilitation",
        "/library/before-your-call/?service_line=cardiology&stage=evaluation&segment=referring-physician",
        "/library/objections/log/",
        "/library/pack.pdf?service_line=cardiology&stage=evaluation&segment=referring-physician",
        "/library/glossary/cardiology/",
        one_pager.url,
        f"{one_pager.url}pdf/",
    ]


def test_visitor_gets_the_login_page_for_the_library_and_sees_only_public_wording(
    page, shared_message
):
    one_pager, public = shared_message
    for url in library_urls(one_pager):
        response = page.goto(url)
        assert "/accounts/login/?next=" in page.url, url
        assert response.ok and page.get_by_role("heading", name="Sign in").is_visible(), url
        assert one_pager.title not in page.content(), url

    for url in ["/", public.url, "/sitemap.xml"]:
        page.goto(url)
        html = page.content()
        assert one_pager.title not in html and "Pricing notes" not in html, url
        assert 'href="/library' not in html and "/library/</loc>" not in html, url

    page.goto(public.url)
    assert page.get_by_role("heading", level=1).inner_text() == "Cardiology"
    public_wording = page.locator(".approved-message blockquote").inner_text()
    assert public_wording == WORDING


def test_the_public_page_and_the_reps_one_pager_say_the_same_thing(page, shared_message, rep):
    one_pager, public = shared_message
    page.goto(public.url)
    public_wording = page.locator(".approved-message blockquote").inner_text()
    login(page, "rep", PASSWORD)
    page.goto(one_pager.url)
    assert page.locator(".approved-message blockquote").inner_text() == public_wording == WORDING


def test_the_public_service_line_page_has_no_serious_accessibility_violations(page, shared_message):
    _one_pager, public = shared_message
    page.goto(public.url)
    assert axe_violations(page) == []
