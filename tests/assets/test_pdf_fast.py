"""The fast path for cached item PDFs (``assets.pdf.fast``): the second download of the
same content skips Wagtail's routing and the library's checks, and never serves what
the slow path would refuse.

Invalidation tests put the old PDF's bytes back into the cache after the change (as a
worker whose local cache still has them would): what must stop the old answer is the
route entry's key, not the PDF cache being tidied.
"""

import datetime

from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from assets.models import UsageEvent
from assets.pdf import fast, render, views
from assets.pdf.documents import ItemDocument
from cms import freshness, roles
from reviews import services as review_services
from tests.assets import test_pdf_views
from tests.assets.pdf_support import (
    make_objection,
    make_talk_track,
    pdf_pages,
    pdf_text,
    publish,
    stamp,
)
from tests.cms.factories import UserFactory

# The item PDF tests' fixtures (taxonomy, library, an approved message, a stamped
# one-pager that uses it) and their download helper.
taxonomy = test_pdf_views.taxonomy
library = test_pdf_views.library
message = test_pdf_views.message
one_pager = test_pdf_views.one_pager
download = test_pdf_views.download

FAST = 'desc="fast-cached"'
FAST_304 = 'desc="fast-revalidated"'
# Session, user, groups, content version, usage INSERT.
FAST_PATH_QUERIES = 5
# Headers that differ between any two answers by design.
PER_ANSWER = {"Server-Timing", "Expires"}


def timing(response):
    """The view's Server-Timing: the header for staff, kept on the response for others
    (``cms.middleware.ServerTimingMiddleware``; never sent to a rep)."""
    return response.get("Server-Timing") or getattr(response, "server_timing", "")


def is_fast(response):
    return 'desc="fast-' in timing(response)


def headers(response):
    return {name: value for name, value in response.items() if name not in PER_ANSWER}


def warm(client, user, page):
    """The first download (slow path, all checks) and the second (the fast path)."""
    first = download(client, user, page)
    assert first.status_code == 200
    assert not is_fast(first)
    second = client.get(page.get_pdf_url())
    assert FAST in timing(second)
    return first


def content_key(page, user):
    return ItemDocument(page.specific, user=user).key()


def keep_bytes(key, content):
    """Put the old PDF's bytes back after a change (see the module docstring)."""
    cache.set(render._cache_key(key), content)


def downloads(user):
    return UsageEvent.objects.filter(kind=UsageEvent.Kind.DOWNLOAD, user=user).count()


class TestSecondDownload:
    def test_is_served_by_the_fast_path_with_the_same_bytes_and_headers(
        self, client, rep, one_pager, django_assert_max_num_queries
    ):
        first = download(client, rep, one_pager)
        assert first.status_code == 200
        assert 'desc="rendered"' in timing(first)
        with django_assert_max_num_queries(FAST_PATH_QUERIES):
            second = client.get(one_pager.get_pdf_url())
        assert second.status_code == 200
        assert FAST in timing(second)
        assert second.content == first.content
        assert headers(second) == headers(first)
        assert second.has_header("Expires")  # Wagtail's never-cache on restricted pages
        pages = pdf_pages(second.content)
        assert len(pages) == 1
        assert "CARD-OP-2026-0042 v3 · Approved 12 Jan 2026" in pages[0]

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_fast_path_after_a_304_from_the_slow_path(self, client, rep, one_pager):
        first = download(client, rep, one_pager)
        # The route entry is made by the slow path's 304 too (a new content version).
        freshness.bump()
        revalidated = client.get(one_pager.get_pdf_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        assert revalidated.status_code == 304
        assert 'desc="revalidated"' in timing(revalidated)
        again = client.get(one_pager.get_pdf_url())
        assert FAST in timing(again)
        assert again.content == first.content
        assert headers(again) == headers(first)

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_304_from_the_fast_path(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        slow_304 = None
        for validator in (
            {"HTTP_IF_NONE_MATCH": first["ETag"]},
            {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]},
        ):
            response = client.get(one_pager.get_pdf_url(), **validator)
            assert response.status_code == 304
            assert FAST_304 in timing(response)
            assert response.content == b""
            slow_304 = slow_304 or headers(response)
        freshness.bump()
        slow = client.get(one_pager.get_pdf_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        assert 'desc="revalidated"' in timing(slow)
        assert headers(slow) == slow_304
        stale = client.get(one_pager.get_pdf_url(), HTTP_IF_NONE_MATCH='"something-else"')
        assert stale.status_code == 200
        assert stale.content == first.content

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_head_is_answered_like_the_slow_path(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        head = client.head(one_pager.get_pdf_url())
        assert head.status_code == 200
        assert FAST in timing(head)
        assert headers(head) == headers(first)

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_usage_is_recorded_as_on_the_slow_path(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        assert downloads(rep) == 2
        client.get(one_pager.get_pdf_url())
        assert downloads(rep) == 3
        assert UsageEvent.objects.filter(page=one_pager, user=rep).count() == 3
        # A 304 delivers nothing: not a download, on either path.
        client.get(one_pager.get_pdf_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        assert downloads(rep) == 3

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_missing_pdf_bytes_fall_back_to_the_slow_path(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        old_key = content_key(one_pager, rep)
        cache.delete(render._cache_key(old_key))
        revalidated = client.get(one_pager.get_pdf_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        assert 'desc="revalidated"' in timing(revalidated)
        again = client.get(one_pager.get_pdf_url())
        assert 'desc="rendered"' in timing(again)
        assert pdf_text(again.content) == pdf_text(first.content)

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_a_change_during_the_slow_request_is_not_remembered(
        self, client, rep, one_pager, monkeypatch
    ):
        """The entry goes under the key read before the checks ran: something published
        meanwhile (simulated here) leaves it unreachable."""
        key = ItemDocument.key

        def key_then_concurrent_change(document):
            freshness.bump()
            return key(document)

        monkeypatch.setattr(ItemDocument, "key", key_then_concurrent_change)
        download(client, rep, one_pager)
        monkeypatch.setattr(ItemDocument, "key", key)
        assert not is_fast(client.get(one_pager.get_pdf_url()))
        assert is_fast(client.get(one_pager.get_pdf_url()))


class TestNextRequestAfterAChange:
    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_withdrawn(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        old_key = content_key(one_pager, rep)
        one_pager.unpublish()
        keep_bytes(old_key, first.content)
        assert client.get(one_pager.get_pdf_url()).status_code == 404

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_past_review_by(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        old_key = content_key(one_pager, rep)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        stamp(one_pager, "CARD-OP-2026-0042", 3, review_by=yesterday)
        keep_bytes(old_key, first.content)
        assert client.get(one_pager.get_pdf_url()).status_code == 404

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_review_by_passes_at_midnight(self, client, rep, one_pager, monkeypatch):
        today = timezone.localdate()
        stamp(one_pager, "CARD-OP-2026-0042", 3, review_by=today)
        warm(client, rep, one_pager)
        # Nothing is written at midnight: only the clock moves on.
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + datetime.timedelta(1))
        assert client.get(one_pager.get_pdf_url()).status_code == 404

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_expired_by_expire_content(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        old_key = content_key(one_pager, rep)
        later = one_pager.review_by + datetime.timedelta(days=1)
        assert one_pager in review_services.expire_content(today=later)
        keep_bytes(old_key, first.content)
        assert client.get(one_pager.get_pdf_url()).status_code == 404

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_withdrawn_through_reviews(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        old_key = content_key(one_pager, rep)
        assert review_services.withdraw(obj=one_pager, reason="Claim no longer supported.")
        keep_bytes(old_key, first.content)
        assert client.get(one_pager.get_pdf_url()).status_code == 404

    def test_republished_with_a_new_stamp(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        one_pager.title = "Cardiac rehab at home one-pager"
        publish(one_pager, "CARD-OP-2026-0042", 4)
        response = client.get(one_pager.get_pdf_url())
        assert response.status_code == 200
        assert not is_fast(response)
        assert response["ETag"] != first["ETag"]
        text = pdf_text(response.content)
        assert "Cardiac rehab at home one-pager" in text
        assert "CARD-OP-2026-0042 v4" in text
        # The new version is then fast in turn.
        assert FAST in timing(client.get(one_pager.get_pdf_url()))

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_behind_a_restriction_the_rep_does_not_pass(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        old_key = content_key(one_pager, rep)
        restriction = PageViewRestriction.objects.create(
            page=one_pager, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set(roles_groups(roles.MARKETERS))
        keep_bytes(old_key, first.content)
        response = client.get(one_pager.get_pdf_url())
        assert response.status_code == 302  # Wagtail's privacy, as on the slow path
        assert "/accounts/login/" in response["Location"]

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_a_restriction_losing_the_reps_group(self, client, rep, one_pager):
        restriction = PageViewRestriction.objects.create(
            page=one_pager, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set(roles_groups(roles.SALES_REPS, roles.MARKETERS))
        first = warm(client, rep, one_pager)
        old_key = content_key(one_pager, rep)
        restriction.groups.remove(*roles_groups(roles.SALES_REPS))  # only the m2m changes
        keep_bytes(old_key, first.content)
        response = client.get(one_pager.get_pdf_url())
        assert response.status_code == 302
        assert not response.content.startswith(b"%PDF")

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_rep_removed_from_the_sales_reps_group(self, client, rep, one_pager):
        warm(client, rep, one_pager)
        rep.groups.clear()
        response = client.get(one_pager.get_pdf_url())
        # /library/ is restricted to the library roles: Wagtail sends them to sign in
        # before the view's own 403, as on the slow path.
        assert response.status_code in (302, 403)
        assert not response.content.startswith(b"%PDF")
        assert not is_fast(response)

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_deactivated_rep(self, client, rep, one_pager):
        warm(client, rep, one_pager)
        rep.is_active = False
        rep.save()
        response = client.get(one_pager.get_pdf_url())
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def roles_groups(*names):
    from django.contrib.auth.models import Group

    return list(Group.objects.filter(name__in=names))


@pytest.mark.usefixtures("stub_pdf_renderer")
class TestWhoGetsTheFastPath:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, rep, one_pager):
        warm(client, rep, one_pager)
        client.logout()
        response = client.get(one_pager.get_pdf_url())
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert not is_fast(response)

    def test_reps_share_an_audience(self, client, rep, one_pager):
        first = warm(client, rep, one_pager)
        other = UserFactory(username="rep-two", groups=[roles.SALES_REPS])
        response = download(client, other, one_pager)
        assert FAST in timing(response)
        assert response.content == first.content
        assert UsageEvent.objects.filter(user=other, kind=UsageEvent.Kind.DOWNLOAD).count() == 1

    def test_an_entry_is_for_its_full_url_query_string_included(self, client, rep, one_pager):
        """A variant asked for by query string never gets another URL's entry."""
        warm(client, rep, one_pager)
        variant = client.get(one_pager.get_pdf_url(), {"for": "Dr. Ana Lee"})
        assert variant.status_code == 200
        assert not is_fast(variant), "the bare URL's entry answered a query-string variant"

    def test_a_marketers_entry_is_not_used_for_a_rep(self, client, rep, marketer, one_pager):
        restriction = PageViewRestriction.objects.create(
            page=one_pager, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set(roles_groups(roles.MARKETERS))
        warm(client, marketer, one_pager)
        response = download(client, rep, one_pager)
        assert response.status_code == 302
        assert not response.content.startswith(b"%PDF")

    def test_a_reps_entry_is_not_used_for_a_marketer(self, client, rep, marketer, one_pager):
        warm(client, rep, one_pager)
        response = download(client, marketer, one_pager)
        assert response.status_code == 200
        assert not is_fast(response)  # the marketer's own first download: all checks
        assert FAST in timing(client.get(one_pager.get_pdf_url()))

    def test_users_without_a_library_role_never_hit_even_with_an_entry(
        self, client, rep, one_pager
    ):
        warm(client, rep, one_pager)
        outsider = UserFactory(username="outsider")

        def request_of(user):
            request = RequestFactory().get(one_pager.get_pdf_url())
            request.user = user
            return request

        # The rep's entry (real PDF bytes behind it), copied under the outsider's
        # audience (no groups): the middleware doesn't even look it up.
        entry = cache.get(fast.route_key(request_of(rep)))
        assert entry is not None
        assert render.cached_pdf(entry["key"]) is not None
        request = request_of(outsider)
        assert fast.route_key(request) is None
        planted = freshness.key(
            fast.NAMESPACE, user=outsider, parts=[request.get_host(), request.path]
        )
        cache.set(planted, entry)
        client.force_login(outsider)
        response = client.get(one_pager.get_pdf_url())
        assert response.status_code in (302, 403)  # as on the slow path
        assert not response.content.startswith(b"%PDF")
        assert not is_fast(response)

    def test_other_requests_are_untouched(self, rf, one_pager):
        """Anything but a GET/HEAD of ``…/pdf/`` doesn't even look at the user."""
        answer = object()
        middleware = fast.CachedPdfMiddleware(lambda request: answer)
        for request in (
            rf.get(one_pager.url),
            rf.get("/library/pack.pdf/"),
            rf.post(one_pager.get_pdf_url()),
        ):
            assert middleware(request) is answer  # no request.user: AttributeError if read

    def test_talk_tracks_follow_their_objections(self, client, rep, library, taxonomy):
        """A talk track's PDF shows its objections; withdrawing one is seen at once."""
        objection = make_objection(
            "Our patients can't drive forty minutes three times a week.",
            "Two in three patients choose the home-based program.",
            taxonomy=taxonomy,
            code="CARD-OBJ-2026-0011",
        )
        track = make_talk_track(
            library,
            "Cardiac rehab evaluation call",
            taxonomy=taxonomy,
            objections=[objection],
            code="CARD-TT-2026-0005",
        )
        first = download(client, rep, track)
        assert "Our patients can't drive forty minutes" in pdf_text(first.content)
        client.get(track.get_pdf_url())
        old_key = content_key(track, rep)
        objection.unpublish()
        keep_bytes(old_key, first.content)
        # The key of the old PDF (objection included) no longer matches what is served.
        response = client.get(track.get_pdf_url())
        assert response.status_code == 200
        assert "Our patients can't drive forty minutes" not in pdf_text(response.content)

    def test_talk_tracks_drop_an_objection_merged_into_another(
        self, client, rep, library, taxonomy
    ):
        """Merging writes with queryset updates (no save signal): it moves the library
        version on itself, so a cached talk-track PDF doesn't keep the retired one."""
        from assets.services import objection_merge

        duplicate = make_objection(
            "Our patients can't drive forty minutes three times a week.",
            "Two in three patients choose the home-based program.",
            taxonomy=taxonomy,
            code="CARD-OBJ-2026-0011",
        )
        kept = make_objection(
            "It's too far for our patients.",
            "The home-based program needs no travel at all.",
            taxonomy=taxonomy,
            code="CARD-OBJ-2026-0012",
        )
        track = make_talk_track(
            library,
            "Cardiac rehab evaluation call",
            taxonomy=taxonomy,
            objections=[duplicate],
            code="CARD-TT-2026-0005",
        )
        first = warm(client, rep, track)
        assert "Two in three patients choose" in pdf_text(first.content)
        old_key = content_key(track, rep)
        version = freshness.version()

        objection_merge(duplicate=duplicate, into=kept)

        assert freshness.version() != version
        keep_bytes(old_key, first.content)
        response = client.get(track.get_pdf_url())
        assert response.status_code == 200
        assert not is_fast(response)
        assert "Two in three patients choose" not in pdf_text(response.content)


@pytest.mark.usefixtures("stub_pdf_renderer")
def test_the_slow_path_offers_entries_for_items_only(rf, rep, one_pager):
    request = rf.get(one_pager.get_pdf_url())
    request.user = rep
    response = views.item_pdf(request, one_pager)
    assert response.status_code == 200
    offered = views.offered_route(request)
    assert offered["page_id"] == one_pager.pk
    assert offered["etag"] == response["ETag"]
