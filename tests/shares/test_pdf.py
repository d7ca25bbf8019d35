"""The share's PDF: the personalised cover and the approval code on every page (real
WeasyPrint renders, read back with pypdf), served from cache after the first render."""

import pytest

from shares.models import ShareOpen
from tests.assets.factories import EnablementAssetFactory
from tests.assets.pdf_support import pdf_pages, response_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_document(library, cardiology, evaluation, physician):
    paragraphs = [
        (
            "paragraph",
            f"<p>Section {n}: what the clinic offers referring practices. "
            + "Care coordination detail. " * 40
            + "</p>",
        )
        for n in range(1, 7)
    ]
    return EnablementAssetFactory(
        title="Heart Failure Clinic referral guide",
        kind="referral-intake-guide",
        body=paragraphs,
        service_lines=[cardiology],
        stages=[evaluation],
        segments=[physician],
        approved=True,
    )


def test_the_pdf_is_personalised_and_stamped_on_every_page(
    client, long_document, one_pager, make_share
):
    share = make_share(long_document, one_pager, note="As promised, the referral guide.")
    response = client.get(f"/s/{share.token}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pages = pdf_pages(response_bytes(response))
    assert len(pages) >= 4  # cover, the guide over several pages, the one-pager
    assert "Prepared for Dr. Ana Lee" in pages[0]
    assert "Riverside Family Medicine" in pages[0] and "Riley Rep" in pages[0]
    assert "As promised, the referral guide." in pages[0]
    for page in pages:
        assert long_document.approval_code in page or one_pager.approval_code in page, page[:200]
    assert any(one_pager.approval_code in page for page in pages[-1:])
    assert "Internal use only" not in " ".join(pages)


def test_the_second_download_comes_from_the_cache(client, one_pager, make_share, stub_pdf_renderer):
    share = make_share(one_pager)
    first = client.get(f"/s/{share.token}/pdf/")
    second = client.get(f"/s/{share.token}/pdf/")
    assert response_bytes(first) == response_bytes(second)
    assert len(stub_pdf_renderer) == 1
    assert share.opens.filter(kind=ShareOpen.Kind.PDF).count() == 2


def test_personal_slots_are_escaped_in_the_pdf(client, one_pager, make_share, stub_pdf_renderer):
    share = make_share(one_pager, recipient="<b>Dr. Lee</b>", note="<script>x</script>")
    client.get(f"/s/{share.token}/pdf/")
    (html,) = stub_pdf_renderer
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert "<b>Dr. Lee</b>" not in html
