"""A buyer holding a share link reaches nothing else of Concord.

The same crawl as ``test_leak_crawl`` (same-site links, followed by hand), started at a
share link as an anonymous visitor. The shared item's body links to an internal library
item and embeds an internal document, so the markers have a way in if anything lets
them through. Everything the crawl reaches must stay under the share's own address (or
the stylesheet), and nothing internal may appear in any answer, before or after the
item is withdrawn.
"""

from urllib.parse import urlsplit

from django.test import Client

import pytest

from reviews.services import withdraw
from shares.services import create_share
from tests.assets.factories import EnablementAssetFactory
from tests.cms.factories import UserFactory
from tests.security.test_leak_crawl import crawl, leaked

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world):
    from cms import roles

    item = EnablementAssetFactory(
        title="Heart care for referring practices",
        slug="heart-care-for-referring-practices",
        summary="How to refer.",
        body=[
            (
                "paragraph",
                f'<p>Read <a linktype="page" id="{world.asset.pk}">our playbook</a>, the '
                f'<a linktype="document" id="{world.internal_document.pk}">rate card</a> and '
                '<a href="/library/">the library</a>.</p>',
            ),
            ("document", {"document": world.internal_document, "label": "Rates"}),
        ],
        service_lines=[world.cardiology],
        stages=[world.stage],
        segments=[world.segment],
        approved=True,
    )
    rep = UserFactory(username="sharer", groups=[roles.SALES_REPS])
    share = create_share(user=rep, pages=[item], recipient="Dr. Ana Lee", organisation="Riverside")
    return share, item


def _check(pages, share):
    own = f"/s/{share.token}/"
    for path, response in pages.items():
        assert response.status_code < 500, path
        assert not leaked(response.content.decode(errors="replace")), (path, response.status_code)
        assert path.startswith(own), f"the crawl left the share: {path}"


def test_a_buyer_reaches_only_the_share(world, shared):
    share, item = shared
    pages = crawl(Client(), [f"/s/{share.token}/"])
    assert set(pages) == {f"/s/{share.token}/", f"/s/{share.token}/pdf/"}
    html = pages[f"/s/{share.token}/"].content.decode()
    assert "Heart care for referring practices" in html
    assert "Rates — a file your contact can send you on request." in html
    _check(pages, share)


def test_after_withdrawal_the_crawl_finds_only_the_gone_page(world, shared):
    share, item = shared
    Client().get(f"/s/{share.token}/")  # cache it first
    withdraw(obj=item, reason="Out of date")
    pages = crawl(Client(), [f"/s/{share.token}/", f"/s/{share.token}/pdf/"])
    assert {response.status_code for response in pages.values()} == {410}
    _check(pages, share)
    assert all("How to refer" not in r.content.decode() for r in pages.values())


def test_share_urls_never_open_the_library_for_a_visitor(world, shared):
    share, _ = shared
    client = Client()
    for path in ("/shares/", f"/shares/{share.pk}/", "/shares/new/", "/api/v1/shares/"):
        response = client.get(path)
        assert response.status_code in (302, 401), path
        if response.status_code == 302:
            assert urlsplit(response["Location"]).path == "/accounts/login/"
        assert not leaked(response.content.decode())
