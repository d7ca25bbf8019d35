"""The library's result cache never shows a rep what they may no longer see.

Result pages are cached rendered, per audience, filter set and page, under a key that
moves on with the content version (``cms.freshness``) and the date. Each test
fills the cache with a first request, changes something the way the product does
(publishing, withdrawing, stamping, privacy, taxonomy, the calendar), and checks
that the very next request shows the change.
"""

import datetime
import re

from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from assets.models.library import Purpose
from cms import freshness, roles
from cms.models import ServiceLine
from reviews.services import withdraw
from tests.assets.factories import EnablementAssetFactory
from tests.assets.test_library import titles
from tests.cms.factories import UserFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db


def outcome(response):
    """``cached`` or ``built``, from the library's Server-Timing (kept on the response:
    reps aren't sent the header, ``cms.middleware.ServerTimingMiddleware``)."""
    timing = response.get("Server-Timing") or response.server_timing
    return re.search(r'desc="(\w+)"', timing).group(1)


@pytest.fixture
def taxonomy(cardiology, awareness, physician):
    return {"service_lines": [cardiology], "stages": [awareness], "segments": [physician]}


@pytest.fixture
def item(library, taxonomy):
    return EnablementAssetFactory(title="Cardiac rehab one-pager", approved=True, **taxonomy)


def listing(client, **params):
    response = client.get("/library/", params)
    assert response.status_code == 200
    return response


def test_second_request_is_served_from_the_cache_with_fewer_queries(
    rep_client, item, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as built_queries:
        first = listing(rep_client, service_line="cardiology")
    with CaptureQueriesContext(connection) as cached_queries:
        second = listing(rep_client, service_line="cardiology")
    assert (outcome(first), outcome(second)) == ("built", "cached")
    assert titles(second) == titles(first) == ["Cardiac rehab one-pager"]
    assert len(cached_queries) < len(built_queries) - 2
    # Another filter set or page number is its own entry.
    assert outcome(listing(rep_client, service_line="cardiology", page="2")) == "built"
    assert outcome(listing(rep_client, stage="awareness")) == "built"


def test_a_newly_published_item_shows_at_once(rep_client, item, taxonomy):
    listing(rep_client)
    EnablementAssetFactory(title="Heart failure FAQ", approved=True, **taxonomy)
    response = listing(rep_client)
    assert outcome(response) == "built"
    assert set(titles(response)) == {"Cardiac rehab one-pager", "Heart failure FAQ"}


def test_a_withdrawn_item_disappears_at_once(rep_client, item):
    assert titles(listing(rep_client, q="rehab")) == ["Cardiac rehab one-pager"]
    withdraw(obj=item, reason="Claim no longer supported")
    assert titles(listing(rep_client, q="rehab")) == []
    assert titles(listing(rep_client)) == []


def test_an_expired_item_disappears_at_once(rep_client, item):
    listing(rep_client)
    withdraw(obj=item, reason="Review date passed", expired=True)
    assert titles(listing(rep_client)) == []


def test_a_new_stamp_shows_at_once(rep_client, item):
    assert item.approval_code in listing(rep_client).content.decode()
    item.title = "Cardiac rehab one-pager (2027)"
    approve_now(item, code="CARD-OP-2026-0999", version=2)  # saved as reviews stamps
    body = listing(rep_client).content.decode()
    assert "CARD-OP-2026-0999 v2" in body
    assert "Cardiac rehab one-pager (2027)" in body


def test_review_by_passing_at_midnight_hides_the_item(rep_client, item, monkeypatch):
    today = timezone.localdate()
    type(item).objects.filter(pk=item.pk).update(review_by=today)  # no write tomorrow
    freshness.bump()
    assert titles(listing(rep_client)) == ["Cardiac rehab one-pager"]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(days=1))
    response = listing(rep_client)
    assert outcome(response) == "built"
    assert titles(response) == []


def test_a_new_privacy_restriction_hides_the_item_from_reps(rep_client, item):
    assert titles(listing(rep_client)) == ["Cardiac rehab one-pager"]
    restriction = PageViewRestriction.objects.create(
        page=item, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=roles.MARKETERS)])
    assert titles(listing(rep_client)) == []


def test_audiences_never_share_entries(client, library, taxonomy):
    marketing_only = EnablementAssetFactory(title="Pricing notes", approved=True, **taxonomy)
    restriction = PageViewRestriction.objects.create(
        page=marketing_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=roles.MARKETERS)])
    marketer = UserFactory(groups=[roles.MARKETERS])
    reps = [UserFactory(groups=[roles.SALES_REPS]) for _ in range(2)]

    client.force_login(marketer)
    assert titles(listing(client)) == ["Pricing notes"]
    client.force_login(reps[0])
    first_rep = listing(client)
    assert (outcome(first_rep), titles(first_rep)) == ("built", [])
    client.force_login(reps[1])  # same groups: same entry
    second_rep = listing(client)
    assert (outcome(second_rep), titles(second_rep)) == ("cached", [])


def test_pausing_a_service_line_holds_booking_material_back_at_once(rep_client, library, taxonomy):
    EnablementAssetFactory(
        title="Book a cardiac consult", purpose=Purpose.BOOKING, approved=True, **taxonomy
    )
    assert titles(listing(rep_client, service_line="cardiology")) == ["Book a cardiac consult"]
    cardiology = taxonomy["service_lines"][0]
    cardiology.capacity = ServiceLine.Capacity.PAUSED
    cardiology.save()
    response = listing(rep_client, service_line="cardiology")
    assert titles(response) == []
    assert "held back" in response.content.decode()


def test_a_rolled_back_change_leaves_the_version_where_it_was(item):
    from django.db import transaction

    before = freshness.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        item.save()
        assert freshness.version() != before
        raise RuntimeError
    assert freshness.version() == before


def test_saving_a_draft_keeps_the_cache_and_publishing_it_does_not(rep_client, item):
    listing(rep_client)
    before = freshness.version()
    item.title = "Cardiac rehab one-pager, draft wording"
    item.save_revision()
    response = listing(rep_client)
    assert freshness.version() == before
    assert (outcome(response), titles(response)) == ("cached", ["Cardiac rehab one-pager"])
    approve_now(item, revision=item.get_latest_revision())
    assert titles(listing(rep_client)) == ["Cardiac rehab one-pager, draft wording"]


def test_logging_an_objection_keeps_the_cache(rep_client, item, cardiology, awareness, physician):
    listing(rep_client)
    response = rep_client.post(
        "/library/objections/log/",
        {
            "verbatim": "We already have a rehab partner",
            "service_line": cardiology.slug,
            "stage": awareness.slug,
            "segment": physician.slug,
        },
    )
    assert response.status_code == 302
    assert outcome(listing(rep_client)) == "cached"


def test_made_up_page_numbers_are_not_kept(rep_client, item):
    """Any page number answers (the last page past the end) but only real pages are
    cached, so a script can't fill the cache with page=1, 2, 3 … 10**9."""
    for _ in range(2):
        response = listing(rep_client, page="999")
        assert (outcome(response), titles(response)) == ("built", ["Cardiac rehab one-pager"])
    listing(rep_client, page="1")
    assert outcome(listing(rep_client, page="1")) == "cached"


# Cards: kept per version of the item (``assets.cards``), shared across rebuilt pages.


@pytest.fixture
def card_renders():
    """The items whose card template was rendered (Django's test template signal)."""
    from django.test.signals import template_rendered

    rendered = []

    def record(sender, template, context, **kwargs):
        if template.name == "components/library_item_card.html":
            rendered.append(context["item"].title)

    template_rendered.connect(record)
    yield rendered
    template_rendered.disconnect(record)


def test_a_rebuilt_page_reuses_the_cards_of_unchanged_items(
    rep_client, item, taxonomy, card_renders
):
    listing(rep_client)
    assert card_renders == ["Cardiac rehab one-pager"]
    EnablementAssetFactory(title="Heart failure FAQ", approved=True, **taxonomy)
    response = listing(rep_client)
    assert outcome(response) == "built"
    assert set(titles(response)) == {"Cardiac rehab one-pager", "Heart failure FAQ"}
    assert card_renders == ["Cardiac rehab one-pager", "Heart failure FAQ"]


def test_a_newly_approved_version_gets_a_new_card(rep_client, item, card_renders):
    listing(rep_client)
    item.title = "Cardiac rehab one-pager, second edition"
    item.summary = "Twelve weeks, three sessions a week."
    approve_now(item, revision=item.save_revision())
    body = listing(rep_client).content.decode()
    assert "Cardiac rehab one-pager, second edition" in body
    assert "Twelve weeks, three sessions a week." in body
    assert len(card_renders) == 2


def test_renaming_a_service_line_shows_on_every_card(rep_client, item, taxonomy):
    listing(rep_client)
    cardiology = taxonomy["service_lines"][0]
    cardiology.name = "Heart and vascular"
    cardiology.save()
    body = listing(rep_client).content.decode()
    assert '<span class="tag tag--line">Heart and vascular</span>' in body


def test_moving_the_item_gives_its_card_the_new_address(rep_client, item, library):
    listing(rep_client)
    new_slug = "cardiac-rehab-2027"
    item.slug = new_slug
    approve_now(item, revision=item.save_revision())
    body = listing(rep_client).content.decode()
    assert f"/library/{new_slug}/" in body
