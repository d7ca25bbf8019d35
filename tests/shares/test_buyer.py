"""What a buyer gets from a share link, without signing in, and how it follows review."""

import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from reviews.services import withdraw
from shares import services
from shares.models import Share, ShareOpen
from tests.reviews.factories import approve_now, restamp

pytestmark = pytest.mark.django_db


def open_link(share, suffix="", method="get"):
    return getattr(Client(), method)(f"/s/{share.token}/{suffix}")


def hrefs(html):
    return re.findall(r'(?:href|src|action)="([^"]*)"', html)


class TestTheBuyersPage:
    def test_shows_the_approved_item_personalised_with_its_approval_code(
        self, one_pager, make_share, rep
    ):
        share = make_share(one_pager, note="Good to meet you on Tuesday.", phone="+1 555 0100")
        response = open_link(share)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Prepared for <strong>Dr. Ana Lee</strong>, Riverside Family Medicine" in html
        assert "Riley Rep" in html and "riley.rep@concord.test" in html and "+1 555 0100" in html
        assert "Good to meet you on Tuesday." in html
        assert "Referrals are seen within 10 business days." in html
        assert one_pager.approval_code in html

    def test_is_private_unindexed_and_strict(self, one_pager, make_share):
        response = open_link(make_share(one_pager))
        assert response["X-Robots-Tag"].startswith("noindex")
        assert '<meta name="robots" content="noindex' in response.content.decode()
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]
        assert "Set-Cookie" not in response  # the buyer gets no cookie

    def test_leads_nowhere_else_in_concord(self, one_pager, case_study, internal_item, make_share):
        one_pager.body = [
            (
                "paragraph",
                f'<p>See <a linktype="page" id="{internal_item.pk}">our pricing</a> and '
                '<a href="https://www.heart.org/en/health-topics">the AHA</a>.</p>',
            )
        ]
        approve_now(one_pager)
        share = make_share(one_pager)
        html = open_link(share).content.decode()
        assert "our pricing" in html  # the words stay, the link into Concord goes
        assert internal_item.title not in html and case_study.title not in html
        targets = hrefs(html)
        assert "https://www.heart.org/en/health-topics" in targets
        inside = [
            url for url in targets if not url.startswith(("https://www.heart.org", "mailto:"))
        ]
        assert all(url in ("pdf/",) or url.startswith("/static/") for url in inside), inside
        assert "/library/" not in html and "/admin/" not in html

    def test_every_personal_slot_is_escaped(self, one_pager, make_share):
        payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        share = make_share(one_pager, recipient=payload, organisation=payload, note=payload)
        html = open_link(share).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert html.count("&lt;script&gt;") >= 3

    def test_the_reps_own_name_is_escaped_too(self, one_pager, make_share, rep):
        rep.first_name, rep.last_name = "<b onmouseover=alert(1)>Riley", "</p><script>x()</script>"
        rep.save()
        share = make_share(one_pager)
        for response in (open_link(share), None):
            if response is None:
                services.revoke(share, by=rep)
                response = open_link(share)
            html = response.content.decode()
            assert "<script>x()" not in html and "<b onmouseover" not in html
            assert "&lt;script&gt;x()" in html

    def test_a_bundle_serves_each_item_in_order(self, one_pager, case_study, make_share):
        html = open_link(make_share(case_study, one_pager)).content.decode()
        assert html.index(case_study.title) < html.index(one_pager.title)


class TestFollowsReview:
    def test_a_newer_approved_version_is_served_and_says_so(self, one_pager, make_share):
        share = make_share(one_pager)
        assert "10 business days" in open_link(share).content.decode()
        one_pager.body = [("paragraph", "<p>Referrals are seen within 7 business days.</p>")]
        approve_now(one_pager)
        html = open_link(share).content.decode()
        assert "7 business days" in html and "10 business days" not in html
        assert "Updated on" in html

    def test_a_draft_edit_is_not_served(self, one_pager, make_share):
        share = make_share(one_pager)
        one_pager.body = [("paragraph", "<p>Unreviewed: same-day referrals.</p>")]
        one_pager.save_revision(clean=False)
        html = open_link(share).content.decode()
        assert "same-day" not in html and "10 business days" in html

    def test_withdrawal_of_one_item_in_a_bundle_leaves_a_notice(
        self, one_pager, case_study, make_share
    ):
        share = make_share(one_pager, case_study)
        assert open_link(share).status_code == 200  # cached now
        withdraw(obj=one_pager, reason="Wait times changed")
        html = open_link(share).content.decode()
        assert "10 business days" not in html and one_pager.title not in html
        assert "One item shared here is no longer available" in html
        assert case_study.title in html

    def test_when_nothing_approved_remains_the_link_is_gone(self, one_pager, make_share):
        share = make_share(one_pager)
        assert open_link(share).status_code == 200
        withdraw(obj=one_pager, reason="Wait times changed")
        for suffix in ("", "pdf/"):
            response = open_link(share, suffix)
            html = response.content.decode()
            assert response.status_code == 410
            assert "Riley Rep" in html and "riley.rep@concord.test" in html
            assert one_pager.title not in html and "10 business days" not in html
            assert "Dr. Ana Lee" not in html  # nothing of the old page either

    def test_a_cached_pdf_stops_at_once_too(self, one_pager, make_share, stub_pdf_renderer):
        share = make_share(one_pager)
        assert open_link(share, "pdf/").status_code == 200  # rendered, cached, routed
        assert open_link(share, "pdf/").status_code == 200
        withdraw(obj=one_pager, reason="Wait times changed")
        assert open_link(share, "pdf/").status_code == 410
        assert len(stub_pdf_renderer) == 1

    def test_the_reps_new_phone_number_shows_at_once(self, one_pager, make_share, rep):
        share = make_share(one_pager, phone="+1 555 0100")
        assert "+1 555 0100" in open_link(share).content.decode()
        make_share(one_pager, phone="+1 555 0199")  # the rep's number, kept for next time
        assert "+1 555 0199" in open_link(share).content.decode()

    def test_past_its_review_by_date_the_item_stops_at_once(self, one_pager, make_share):
        share = make_share(one_pager)
        assert open_link(share).status_code == 200
        restamp(one_pager, review_by=timezone.localdate() - timedelta(days=1))
        assert open_link(share).status_code == 410

    def test_the_day_review_by_passes_the_cached_page_is_not_served(
        self, one_pager, make_share, monkeypatch
    ):
        """No save happens at midnight: the date is part of what the page is cached under."""
        share = make_share(one_pager)
        restamp(one_pager, review_by=timezone.localdate())
        assert open_link(share).status_code == 200
        tomorrow = timezone.localdate() + timedelta(days=1)
        monkeypatch.setattr(timezone, "localdate", lambda value=None: tomorrow)
        assert open_link(share).status_code == 410

    def test_a_deleted_item_is_no_longer_served(self, one_pager, case_study, make_share):
        share = make_share(one_pager, case_study)
        assert open_link(share).status_code == 200
        one_pager.delete()
        html = open_link(share).content.decode()
        assert "10 business days" not in html and "no longer available" in html

    def test_an_item_moved_to_internal_use_stops(self, one_pager, make_share):
        share = make_share(one_pager)
        one_pager.audience = "internal"
        approve_now(one_pager)
        assert open_link(share).status_code == 410


class TestTheLinkItself:
    def test_revoked_links_are_gone(self, one_pager, make_share, rep):
        share = make_share(one_pager)
        assert open_link(share).status_code == 200
        services.revoke(share, by=rep)
        response = open_link(share)
        assert (
            response.status_code == 410 and "withdrawn by the sender" in response.content.decode()
        )

    def test_links_expire(self, one_pager, make_share, settings):
        settings.CONCORD_SHARE_LIFETIME_DAYS = 30
        share = make_share(one_pager)
        assert (share.expires_at - timezone.now()).days in (29, 30)
        Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        response = open_link(share)
        assert response.status_code == 410 and "It has expired" in response.content.decode()

    def test_a_token_is_long_and_random(self, one_pager, make_share):
        tokens = {make_share(one_pager).token for _ in range(5)}
        assert len(tokens) == 5
        assert all(len(token) >= 43 for token in tokens)  # 32 random bytes: 256 bits

    def test_wrong_tokens_are_a_plain_404_that_costs_the_same(self, one_pager, make_share):
        share = make_share(one_pager)
        near_miss = share.token[:-1] + ("A" if share.token[-1] != "A" else "B")
        stranger = "x" * len(share.token)
        answers, query_counts = [], []
        for token in (near_miss, stranger):
            with CaptureQueriesContext(connection) as queries:
                response = Client().get(f"/s/{token}/")
            answers.append((response.status_code, response.content))
            query_counts.append([query["sql"].split(" FROM ")[1][:30] for query in queries])
        assert answers[0] == answers[1] and answers[0][0] == 404
        # The same work for both: one indexed lookup of the token (then Wagtail's redirect
        # middleware looks at the 404), never a scan or a comparison that stops early.
        assert query_counts[0] == query_counts[1]
        assert query_counts[0][0].startswith('"shares_share"')
        body = answers[0][1].decode()
        assert "href" not in body  # no way into the rest of the site
        for malformed in ("short", "../../etc/passwd", share.token + "x"):
            assert Client().get(f"/s/{malformed}/").status_code == 404

    def test_only_get_and_head(self, one_pager, make_share):
        share = make_share(one_pager)
        assert open_link(share, method="post").status_code == 405
        assert open_link(share, method="delete").status_code == 405


class TestOpens:
    def test_each_open_is_recorded_once_and_head_is_not_an_open(self, one_pager, make_share):
        share = make_share(one_pager)
        open_link(share)
        open_link(share)  # the second from the page cache: still an open
        open_link(share, method="head")
        assert share.opens.filter(kind=ShareOpen.Kind.PAGE).count() == 2

    def test_pdf_downloads_are_recorded(self, one_pager, make_share, stub_pdf_renderer):
        share = make_share(one_pager)
        response = open_link(share, "pdf/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert list(share.opens.values_list("kind", flat=True)) == [ShareOpen.Kind.PDF]

    def test_gone_links_record_nothing(self, one_pager, make_share, rep):
        share = make_share(one_pager)
        services.revoke(share, by=rep)
        open_link(share)
        assert not share.opens.exists()
