"""/library/: filters, search, sorting, visibility and bad input."""

import datetime
import html
import re

from django.utils import timezone

import pytest

from assets.models import LibraryItemPage, UsageEvent
from assets.models.library import Kind, Purpose
from tests.assets.factories import EnablementAssetFactory, TalkTrackFactory
from tests.cms.factories import UserFactory

pytestmark = pytest.mark.django_db

LIBRARY_URLS = [
    "/library/",
    "/library/?service_line=cardiology",
    "/library/before-your-call/",
    "/library/objections/log/",
    "/library/pack.pdf?service_line=cardiology&stage=awareness&segment=referring-physician",
    "/library/glossary/cardiology/",
]


CARD_TITLE = re.compile(r'<h3 class="item-card__title"><a href="[^"]*">(.*?)</a></h3>')
RESULT_COUNT = re.compile(r'<h2 id="results-heading">(\d+) items?')


def titles(response):
    """The titles of the result cards, as the rep sees them (in order)."""
    return [html.unescape(title) for title in CARD_TITLE.findall(response.content.decode())]


def result_count(response):
    return int(RESULT_COUNT.search(response.content.decode()).group(1))


@pytest.fixture
def catalogue(library, cardiology, orthopedics, awareness, evaluation, physician, health_plan):
    """Four approved items spread over the taxonomy, plus a talk track."""
    return {
        "hf": EnablementAssetFactory(
            title="Heart Failure Clinic one-pager",
            summary="First visit within ten business days.",
            service_lines=[cardiology],
            stages=[awareness],
            segments=[physician],
            approved=True,
        ),
        "rehab_faq": EnablementAssetFactory(
            title="Cardiac rehabilitation FAQ",
            kind=Kind.FAQ,
            summary="Coverage and prior authorization questions.",
            service_lines=[cardiology],
            stages=[evaluation],
            segments=[health_plan],
            approved=True,
        ),
        "joint": EnablementAssetFactory(
            title="Joint Replacement Program one-pager",
            summary="One team from consult to physical therapy.",
            service_lines=[orthopedics],
            stages=[awareness],
            segments=[physician],
            approved=True,
        ),
        "plan_deck": EnablementAssetFactory(
            title="Orthopedics for health plans",
            kind=Kind.PITCH_DECK,
            summary="Outcomes for network teams.",
            service_lines=[orthopedics, cardiology],
            stages=[evaluation],
            segments=[health_plan],
            approved=True,
        ),
        "track": TalkTrackFactory(
            title="Cardiology intro call",
            service_lines=[cardiology],
            stages=[awareness],
            segments=[physician],
            approved=True,
        ),
    }


def test_the_whole_library_lists_every_visible_item(rep_client, catalogue):
    response = rep_client.get("/library/")
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(item.title for item in catalogue.values())
    body = response.content.decode()
    # Approval code (with version) and review-by date on every card.
    assert catalogue["hf"].approval_label in body
    assert catalogue["hf"].review_by.strftime("%-d %b %Y") in body
    assert (
        response["Cache-Control"].startswith("no-cache") or "private" in response["Cache-Control"]
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"service_line": "cardiology"}, {"hf", "rehab_faq", "plan_deck", "track"}),
        ({"service_line": "orthopedics"}, {"joint", "plan_deck"}),
        ({"stage": "awareness"}, {"hf", "joint", "track"}),
        ({"stage": "evaluation"}, {"rehab_faq", "plan_deck"}),
        ({"segment": "health-plan"}, {"rehab_faq", "plan_deck"}),
        ({"segment": "referring-physician"}, {"hf", "joint", "track"}),
        ({"kind": "faq"}, {"rehab_faq"}),
        ({"kind": "talk-track"}, {"track"}),
        ({"kind": "one-pager"}, {"hf", "joint"}),
    ],
)
def test_each_filter_alone(rep_client, catalogue, params, expected):
    response = rep_client.get("/library/", params)
    assert response.status_code == 200
    assert set(titles(response)) == {catalogue[key].title for key in expected}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"service_line": "cardiology", "stage": "awareness"}, {"hf", "track"}),
        ({"service_line": "cardiology", "stage": "awareness", "kind": "one-pager"}, {"hf"}),
        (
            {"service_line": "orthopedics", "stage": "evaluation", "segment": "health-plan"},
            {"plan_deck"},
        ),
        ({"service_line": "orthopedics", "segment": "referring-physician"}, {"joint"}),
        ({"service_line": "cardiology", "kind": "pitch-deck", "q": "outcomes"}, {"plan_deck"}),
        ({"stage": "awareness", "segment": "health-plan"}, set()),
    ],
)
def test_filters_combined(rep_client, catalogue, params, expected):
    response = rep_client.get("/library/", params)
    assert set(titles(response)) == {catalogue[key].title for key in expected}


def test_full_text_search_finds_words_in_title_summary_and_body(rep_client, catalogue):
    assert titles(rep_client.get("/library/", {"q": "rehabilitation"})) == [
        "Cardiac rehabilitation FAQ"
    ]
    assert titles(rep_client.get("/library/", {"q": "authorization"})) == [
        "Cardiac rehabilitation FAQ"
    ]
    # Body text (the factory's paragraph block) is searchable too.
    assert "Heart Failure Clinic one-pager" in titles(
        rep_client.get("/library/", {"q": "navigator"})
    )
    # Search respects filters.
    response = rep_client.get("/library/", {"q": "navigator", "service_line": "orthopedics"})
    assert sorted(titles(response)) == [
        "Joint Replacement Program one-pager",
        "Orthopedics for health plans",
    ]


def test_search_falls_back_to_any_word_when_no_item_has_all(rep_client, catalogue):
    response = rep_client.get("/library/", {"q": "rehabilitation zebra"})
    assert titles(response) == ["Cardiac rehabilitation FAQ"]
    assert "some of them" in response.content.decode()


def test_sort_by_newest_and_by_most_used(rep_client, catalogue, rep):
    older = catalogue["joint"]
    LibraryItemPage.objects.filter(pk=older.pk).update(
        approved_at=timezone.now() - datetime.timedelta(days=30)
    )
    assert titles(rep_client.get("/library/", {"sort": "newest"}))[-1] == older.title

    UsageEvent.objects.bulk_create(
        [UsageEvent(kind=UsageEvent.Kind.VIEW, page=older, user=rep) for _ in range(3)]
    )
    assert titles(rep_client.get("/library/", {"sort": "used"}))[0] == older.title
    assert titles(rep_client.get("/library/", {"sort": "used", "q": "one-pager"}))[0] == (
        older.title
    )


def test_drafts_unapproved_and_expired_content_never_reach_reps(
    rep_client, library, cardiology, awareness, physician
):
    taxonomy = {"service_lines": [cardiology], "stages": [awareness], "segments": [physician]}
    EnablementAssetFactory(title="A draft", **taxonomy)
    EnablementAssetFactory(title="Published without approval", published=True, **taxonomy)
    EnablementAssetFactory(
        title="Past its review-by date",
        approved=True,
        approved__review_by=timezone.localdate() - datetime.timedelta(days=1),
        **taxonomy,
    )
    expired = EnablementAssetFactory(title="Expired page", approved=True, **taxonomy)
    LibraryItemPage.objects.filter(pk=expired.pk).update(expired=True)
    withdrawn = EnablementAssetFactory(title="Withdrawn", approved=True, **taxonomy)
    withdrawn.unpublish()
    visible = EnablementAssetFactory(title="Approved and current", approved=True, **taxonomy)

    for params in ({}, {"q": "approved"}, {"service_line": "cardiology"}):
        assert titles(rep_client.get("/library/", params)) in ([visible.title], [])
    assert titles(rep_client.get("/library/")) == [visible.title]
    # Detail pages of hidden items answer 404, even when live.
    for title in ("Published without approval", "Past its review-by date"):
        page = LibraryItemPage.objects.get(title=title)
        assert rep_client.get(page.url).status_code == 404


def test_review_by_today_is_still_visible(rep_client, library):
    item = EnablementAssetFactory(
        title="Last day", approved=True, approved__review_by=timezone.localdate()
    )
    assert titles(rep_client.get("/library/")) == [item.title]


def test_page_privacy_inside_the_library_is_respected(rep_client, marketer, library):
    from django.contrib.auth.models import Group

    from wagtail.models import PageViewRestriction

    secret = EnablementAssetFactory(title="Marketing only", approved=True)
    restriction = PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Marketers")])
    EnablementAssetFactory(title="For everyone", approved=True)

    assert titles(rep_client.get("/library/")) == ["For everyone"]
    assert titles(rep_client.get("/library/", {"q": "marketing"})) == []
    rep_client.force_login(marketer)
    assert sorted(titles(rep_client.get("/library/"))) == ["For everyone", "Marketing only"]


@pytest.mark.parametrize("url", LIBRARY_URLS)
def test_anonymous_visitors_get_the_login_page_for_every_library_url(client, library, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_visitors_get_the_login_page_for_item_urls(client, library):
    item = EnablementAssetFactory(approved=True)
    for url in (item.url, item.url + "pdf/", item.url + "download/1/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_signed_in_users_without_a_library_role_are_kept_out(client, library):
    client.force_login(UserFactory(username="patient-portal"))
    response = client.get("/library/")
    assert response.status_code in (302, 403)
    assert "Sales library" not in response.content.decode()


def test_the_library_is_not_in_the_sitemap(client, library):
    EnablementAssetFactory(title="Internal one-pager", approved=True)
    body = client.get("/sitemap.xml").content.decode()
    assert "/library/" not in body


def test_paused_service_line_holds_booking_material_back(rep_client, library, sleep):
    EnablementAssetFactory(
        title="Book a home sleep test",
        purpose=Purpose.BOOKING,
        service_lines=[sleep],
        approved=True,
    )
    EnablementAssetFactory(
        title="Sleep lab update", purpose=Purpose.NURTURE, service_lines=[sleep], approved=True
    )
    response = rep_client.get("/library/", {"service_line": "sleep-medicine"})
    assert titles(response) == ["Sleep lab update"]
    body = response.content.decode()
    assert "New consults paused" in body
    assert "held back" in body
    # Unfiltered, booking material is still listed but marked.
    response = rep_client.get("/library/")
    assert "Booking paused · Sleep Medicine" in response.content.decode()


class TestBadInput:
    def test_unknown_slugs_say_so(self, rep_client, catalogue):
        response = rep_client.get("/library/", {"service_line": "dermatology", "kind": "poster"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "There is no service line “dermatology”" in body
        assert "“poster” is not a kind of material" in body
        assert titles(response) == []
        assert "results-heading" in body and "item-card" not in body

    @pytest.mark.parametrize("page", ["999", "-3", "abc", "", "1e9", "0"])
    def test_any_page_number_gives_a_page(self, rep_client, catalogue, page):
        response = rep_client.get("/library/", {"page": page})
        assert response.status_code == 200
        assert titles(response)

    def test_a_huge_query_is_refused_politely(self, rep_client, catalogue):
        response = rep_client.get("/library/", {"q": "x" * 10_000})
        assert response.status_code == 400
        assert "limited to 200 characters" in response.content.decode()

    @pytest.mark.parametrize(
        "q",
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE wagtailcore_page; --",
            '" OR 1=1 --',
            "AND OR NOT ( ) * ^ : NEAR",
            "rehab*",
            "\x1f\x7f",
            "🫀 heart",
        ],
    )
    def test_hostile_queries_are_just_text(self, rep_client, catalogue, q):
        response = rep_client.get("/library/", {"q": q})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()
        assert LibraryItemPage.objects.count() == 5

    def test_a_nul_byte_is_refused_with_a_message(self, rep_client, catalogue):
        # PostgreSQL can't compare a string holding one (cms.middleware).
        response = rep_client.get("/library/", {"q": "heart\x00"})
        assert response.status_code == 400
        assert "NUL character" in response.content.decode()

    def test_unknown_sort_is_explained(self, rep_client, catalogue):
        response = rep_client.get("/library/", {"sort": "random"})
        assert response.status_code == 400
        assert "not a way to sort" in response.content.decode()


@pytest.mark.parametrize("count", [3, 25])  # one partial page; more than a page
def test_query_count_does_not_grow_with_results(
    rep_client, library, cardiology, awareness, physician, django_assert_max_num_queries, count
):
    for number in range(count):
        EnablementAssetFactory(
            title=f"Asset {number}",
            service_lines=[cardiology],
            stages=[awareness],
            segments=[physician],
            approved=True,
        )
    for params in (
        {},
        {"service_line": "cardiology", "stage": "awareness"},
        {"q": "asset"},
        {"sort": "used"},
    ):
        # About two dozen queries whatever the number of results (routing, session,
        # privacy, taxonomy, count, page, three prefetches); per-item queries would
        # add at least twenty.
        with django_assert_max_num_queries(30):
            response = rep_client.get("/library/", params)
        assert response.status_code == 200
        assert len(titles(response)) == min(count, 20)


def test_relevance_puts_title_matches_first_and_hides_invisible_matches(rep_client, library):
    EnablementAssetFactory(
        title="Referral guide", summary="Mentions coverage once, in passing.", approved=True
    )
    EnablementAssetFactory(title="Coverage FAQ", summary="Who pays for what.", approved=True)
    EnablementAssetFactory(title="Coverage draft", summary="Coverage, coverage.")
    response = rep_client.get("/library/", {"q": "coverage"})
    assert titles(response) == ["Coverage FAQ", "Referral guide"]
    assert result_count(response) == 2
