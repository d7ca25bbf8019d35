"""A rep shares a one-pager; the buyer opens it on a phone and downloads the PDF;
compliance withdraws the one-pager; the buyer's reload says the link is gone."""

import io

import pytest
from pypdf import PdfReader

from shares.models import Share, ShareOpen
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import PASSWORD
from tests.e2e.conftest import axe_violations, login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def one_pager(organisation):
    o = organisation
    return EnablementAssetFactory(
        title="Heart Failure Clinic for referring physicians",
        summary="What the clinic does and how to refer.",
        body=[("paragraph", "<p>New referrals are seen within 10 business days.</p>")],
        service_lines=[o.cardiology],
        stages=[o.evaluation],
        segments=[o.physician],
        approved=True,
    )


def test_share_open_download_withdraw(browser, page, live_server, one_pager, rep, reviewer):
    rep.first_name, rep.last_name, rep.email = "Riley", "Rep", "riley@concord.test"
    rep.save()

    # The rep shares from the item's page.
    login(page, "rep", PASSWORD)
    page.goto(one_pager.url)
    page.get_by_role("link", name="Share with a buyer").click()
    page.get_by_label("Recipient's name").fill("Dr. Ana Lee")
    page.get_by_label("Their organisation").fill("Riverside Family Medicine")
    page.get_by_label("A short note (optional)").fill("Good to meet you on Tuesday.")
    page.get_by_label("Your phone number for them (optional)").fill("+1 555 0142")
    page.get_by_role("button", name="Create the link").click()
    page.get_by_text("Your link for Dr. Ana Lee is ready").wait_for()
    link = page.get_by_label("Paste this into your e-mail or CRM").input_value()
    share = Share.objects.get()
    assert link.endswith(f"/s/{share.token}/")
    path = f"/s/{share.token}/"

    # The buyer, on a phone, with no account and no cookies.
    # bypass_csp only lets axe's script in; the policy itself is tested in tests/shares.
    phone = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        bypass_csp=True,
    )
    buyer = phone.new_page()
    requests = []
    buyer.on("request", lambda request: requests.append(request.url))
    buyer.goto(path)
    assert buyer.get_by_text("Prepared for").inner_text().startswith("Prepared for Dr. Ana Lee")
    buyer.get_by_text("New referrals are seen within 10 business days.").wait_for()
    buyer.get_by_text(one_pager.approval_code).first.wait_for()
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert phone.cookies() == []
    assert axe_violations(buyer) == []
    download = buyer.get_by_role("link", name="Download as PDF")
    with buyer.expect_download() as waiting:
        download.click()
    pdf = waiting.value.path().read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Prepared for Dr. Ana Lee" in text and one_pager.approval_code in text
    assert share.opens.filter(kind=ShareOpen.Kind.PAGE).count() == 1
    assert share.opens.filter(kind=ShareOpen.Kind.PDF).count() == 1

    # Compliance withdraws the one-pager from its library page.
    page.context.clear_cookies()
    login(page, "compliance", PASSWORD)
    page.goto(one_pager.url)
    page.get_by_role("link", name="Withdraw from use…").click()
    page.get_by_label("Why is it withdrawn?").fill("Wait times changed")
    page.get_by_role("button", name="Withdraw from use").click()
    page.wait_for_load_state()

    # The buyer reloads: the link is gone, the rep is named, nothing of the old page.
    response = buyer.reload()
    assert response.status == 410
    body = buyer.locator("body").inner_text()
    assert "This link is no longer available" in body
    assert "Riley Rep" in body and "riley@concord.test" in body
    assert "10 business days" not in body and "Dr. Ana Lee" not in body
    phone.close()
