"""Favourites, "My call kit": star items, see them first next time, take them as a PDF."""

import html

import pytest

from assets.models import Favourite, UsageEvent
from assets.models.library import Kind
from tests.assets.factories import EnablementAssetFactory, TalkTrackFactory
from tests.assets.pdf_support import pdf_text
from tests.cms.factories import UserFactory


@pytest.fixture
def items(library):
    return {
        "one_pager": EnablementAssetFactory(
            title="Heart Failure Clinic for referring physicians", approved=True
        ),
        "faq": EnablementAssetFactory(title="Coverage and cost FAQ", kind=Kind.FAQ, approved=True),
        "track": TalkTrackFactory(title="First call with a care manager", approved=True),
    }


def star(client, item, **data):
    return client.post(f"{item.url}star/", data)


def test_a_rep_stars_and_unstars_an_item(rep_client, rep, items):
    item = items["one_pager"]
    body = html.unescape(rep_client.get(item.url).content.decode())
    assert "☆ Add to My call kit" in body
    response = star(rep_client, item, next=item.url)
    assert response.status_code == 302 and response["Location"] == item.url
    assert Favourite.objects.filter(user=rep, item=item).exists()
    body = html.unescape(rep_client.get(item.url).content.decode())
    assert "★ In My call kit — remove" in body
    star(rep_client, item)  # starring twice keeps one star
    assert Favourite.objects.filter(user=rep).count() == 1
    star(rep_client, item, action="remove")
    assert not Favourite.objects.filter(user=rep).exists()


def test_starring_needs_a_post_and_a_visible_item(rep_client, library, items):
    assert rep_client.get(f"{items['faq'].url}star/").status_code == 405
    draft = EnablementAssetFactory(title="Draft")
    assert star(rep_client, draft).status_code == 404
    response = star(rep_client, items["faq"], next="https://evil.example/")
    assert response["Location"] == items["faq"].url


def test_starred_items_come_first_on_the_library_page(rep_client, rep, items):
    body = html.unescape(rep_client.get("/library/").content.decode())
    assert "★ My call kit" not in body
    star(rep_client, items["faq"])
    star(rep_client, items["track"])
    body = html.unescape(rep_client.get("/library/", {"kind": "one-pager"}).content.decode())
    strip = body[body.index("★ My call kit") : body.index('id="results-heading"')]
    assert strip.index("First call with a care manager") < strip.index("Coverage and cost FAQ")


def test_the_kit_page_lists_only_what_the_rep_may_still_see(rep_client, rep, items):
    for item in items.values():
        star(rep_client, item)
    withdrawn = items["one_pager"]
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(expired=True)
    body = html.unescape(rep_client.get("/library/kit/").content.decode())
    body = body[body.index("<main") :]  # after the "Added … to My call kit" messages
    assert "Coverage and cost FAQ" in body and "First call with a care manager" in body
    assert withdrawn.title not in body
    assert "Download my call kit (PDF)" in body


def test_each_rep_has_their_own_kit(client, rep, items):
    other = UserFactory(username="rep2", groups=["Sales reps"])
    Favourite.objects.create(user=other, item=items["faq"])
    client.force_login(rep)
    body = html.unescape(client.get("/library/kit/").content.decode())
    assert "Nothing starred yet." in body and "Coverage and cost FAQ" not in body


def test_the_kit_as_one_pdf(rep_client, rep, items):
    star(rep_client, items["faq"])
    star(rep_client, items["track"])
    response = rep_client.get("/library/kit/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(content)
    assert "My call kit" in text
    assert "Coverage and cost FAQ" in text and "First call with a care manager" in text
    downloads = UsageEvent.objects.filter(kind=UsageEvent.Kind.DOWNLOAD, user=rep)
    assert {event.page_id for event in downloads} == {items["faq"].pk, items["track"].pk}


@pytest.mark.usefixtures("stub_pdf_renderer")
def test_an_empty_kit_is_a_404_that_says_how_to_fill_it(rep_client, library):
    response = rep_client.get("/library/kit/pdf/")
    assert response.status_code == 404
    assert "Your call kit is empty" in html.unescape(response.content.decode())
