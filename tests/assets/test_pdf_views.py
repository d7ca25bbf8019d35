"""Item PDFs through the library URLs: what reps get, read back from the PDF."""

import datetime
import html
import logging
import re

from django.core.cache import cache
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.utils import timezone

from wagtail.rich_text import RichText

import pytest

from assets.models import UsageEvent
from assets.models.library import Audience, Kind
from assets.pdf import render
from assets.pdf.documents import ItemDocument
from cms import roles
from tests.assets.pdf_support import (
    make_asset,
    make_library,
    make_objection,
    make_talk_track,
    pdf_pages,
    pdf_text,
    publish,
    stamp,
)
from tests.cms.factories import (
    ApprovedMessageFactory,
    JourneyStageFactory,
    SegmentFactory,
    ServiceLineFactory,
    UserFactory,
)

INTERNAL_NOTICE = "Internal use only — not for distribution"
LONG_BODY = [
    item
    for number in range(1, 9)
    for item in (
        ("heading", {"text": f"Question {number}: how does referral work?", "level": "h2"}),
        (
            "paragraph",
            RichText(
                "<p>Referring physicians send a referral through the EHR or by fax. The "
                "intake coordinator calls the patient within two business days, checks "
                "coverage and books the first visit. The referring practice receives a "
                "visit summary after every appointment.</p>" * 3
            ),
        ),
    )
]


def rendered_count(caplog):
    return sum(1 for r in caplog.records if r.getMessage().startswith("Rendered a PDF"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def taxonomy(db):
    return (
        ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD"),
        JourneyStageFactory(slug="evaluation", name="Evaluation", order=3),
        SegmentFactory(slug="referring-physician", name="Referring physician"),
    )


@pytest.fixture
def library(home_page):
    return make_library(home_page)


@pytest.fixture
def message(taxonomy):
    message = ApprovedMessageFactory(
        text="Most referred patients start cardiac rehab within five business days.",
        service_lines=[taxonomy[0]],
    )
    return publish(message, "CARD-MSG-2026-0007", 2)


@pytest.fixture
def one_pager(library, taxonomy, message):
    return make_asset(
        library,
        "Cardiac rehab one-pager",
        taxonomy=taxonomy,
        body=[
            ("heading", {"text": "Why refer to cardiac rehab", "level": "h2"}),
            ("paragraph", RichText("<p>A named nurse navigator calls every patient.</p>")),
            ("approved_message", message),
        ],
        code="CARD-OP-2026-0042",
        version=3,
    )


def download(client, user, page, **headers):
    client.force_login(user)
    return client.get(page.get_pdf_url(), **headers)


class TestOnePager:
    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_visibility_is_checked_once_per_download(self, client, rep, one_pager, monkeypatch):
        from assets import selectors

        checked = []
        real = selectors.item_is_visible

        def counting(item, viewer):
            checked.append(item.pk)
            return real(item, viewer)

        monkeypatch.setattr(selectors, "item_is_visible", counting)
        assert download(client, rep, one_pager).status_code == 200
        assert checked == [one_pager.pk]

    def test_rep_downloads_the_stamped_one_pager(self, client, rep, one_pager):
        response = download(client, rep, one_pager)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="CARD-OP-2026-0042-v3-cardiac-rehab-one-pager.pdf"'
        )
        pages = pdf_pages(response.content)
        assert len(pages) == 1
        text = pages[0]
        assert "Cardiac rehab one-pager" in text
        assert "A named nurse navigator calls every patient." in text
        assert "Most referred patients start cardiac rehab within five business days." in text
        assert "CARD-OP-2026-0042 v3 · Approved 12 Jan 2026 · Review by" in text
        assert "Page 1 of 1" in text
        # Material for buyers carries no internal notice.
        assert INTERNAL_NOTICE not in text

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_download_is_recorded(self, client, rep, one_pager):
        download(client, rep, one_pager)
        assert UsageEvent.objects.filter(
            kind=UsageEvent.Kind.DOWNLOAD, page=one_pager, user=rep
        ).exists()

    def test_a_message_past_review_by_disappears_from_the_pdf(
        self, client, rep, one_pager, message
    ):
        first = pdf_text(download(client, rep, one_pager).content)
        assert "five business days" in first
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        stamp(message, "CARD-MSG-2026-0007", 2, review_by=yesterday)
        second = pdf_text(download(client, rep, one_pager).content)
        assert "five business days" not in second
        assert "A named nurse navigator calls every patient." in second

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_withdrawing_a_message_withdraws_the_one_pager_and_its_pdf(
        self, client, rep, one_pager, message
    ):
        assert download(client, rep, one_pager).status_code == 200
        key = ItemDocument(one_pager.specific, user=rep).key()
        assert render.cached_pdf(key) is not None
        message.unpublish()  # reviews withdraws everything that uses the message
        assert render.cached_pdf(key) is None
        assert download(client, rep, one_pager).status_code == 404


class TestMultiPageDocuments:
    def test_every_page_carries_the_stamp_notice_and_page_numbers(
        self, client, rep, library, taxonomy
    ):
        faq = make_asset(
            library,
            "Heart failure clinic referral FAQ",
            taxonomy=taxonomy,
            kind=Kind.FAQ,
            audience=Audience.INTERNAL,
            body=LONG_BODY,
            code="CARD-FAQ-2026-0003",
            version=2,
        )
        response = download(client, rep, faq)
        assert response.status_code == 200
        pages = pdf_pages(response.content)
        assert len(pages) >= 3
        for number, text in enumerate(pages, start=1):
            assert "CARD-FAQ-2026-0003 v2 · Approved 12 Jan 2026 · Review by" in text
            assert INTERNAL_NOTICE in text
            assert f"Page {number} of {len(pages)}" in text


class TestTalkTrack:
    def test_printable_talk_track_in_call_order(self, client, rep, library, taxonomy, message):
        objection = make_objection(
            "Our patients can't drive forty minutes three times a week.",
            "Two in three patients choose the home-based program with weekly video check-ins.",
            taxonomy=taxonomy,
            code="CARD-OBJ-2026-0011",
        )
        track = make_talk_track(
            library,
            "Cardiac rehab evaluation call",
            taxonomy=taxonomy,
            objections=[objection],
            key_messages=[
                ("talking_point", "Start from what they told you about follow-up."),
                ("approved_message", message),
            ],
            code="CARD-TT-2026-0005",
        )
        response = download(client, rep, track)
        assert response.status_code == 200
        assert (
            "CARD-TT-2026-0005-v1-cardiac-rehab-evaluation-call.pdf"
            in (response["Content-Disposition"])
        )
        pages = pdf_pages(response.content)
        text = " ".join(pages)
        order = [
            "Open the call",
            "Ask",
            "How do patients get to cardiac rehab after discharge today?",
            "Key messages",
            "five business days",
            "Next step",
            "If new consults are paused",
            "Objections to prepare for",
            "Our patients can't drive forty minutes",
            "Two in three patients choose the home-based program",
            "CARD-OBJ-2026-0011 v1",
        ]
        positions = [text.index(marker) for marker in order]
        assert positions == sorted(positions), text
        for page in pages:
            assert INTERNAL_NOTICE in page
            assert "CARD-TT-2026-0005 v1" in page


class TestAuthorization:
    def test_anonymous_visitors_get_no_pdf(self, client, one_pager):
        response = client.get(one_pager.get_pdf_url())
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_signed_in_users_outside_the_library_roles_get_no_pdf(self, client, one_pager):
        outsider = UserFactory(username="outsider")
        response = download(client, outsider, one_pager)
        assert response.status_code in (302, 403)
        assert not response.content.startswith(b"%PDF")

    @pytest.mark.parametrize("role", [roles.SALES_REPS, roles.MARKETERS, roles.COMPLIANCE])
    def test_library_roles_get_the_approved_version(self, client, one_pager, role):
        user = UserFactory(username=f"user-{role[:5].lower()}", groups=[role])
        # An unapproved edit waits in a draft; nobody downloads it from the library.
        one_pager.title = "Cardiac rehab one-pager (UNAPPROVED EDIT)"
        one_pager.save_revision()
        response = download(client, user, one_pager)
        assert response.status_code == 200
        text = pdf_text(response.content)
        assert "UNAPPROVED EDIT" not in text
        assert "CARD-OP-2026-0042 v3" in text

    def test_never_approved_items_are_not_found(self, client, rep, library, taxonomy):
        draft = make_asset(library, "Draft sleep one-pager", taxonomy=taxonomy)
        draft.save_revision().publish()  # live but never stamped by a review
        assert download(client, rep, draft).status_code == 404

    def test_items_past_review_by_are_not_found(self, client, rep, one_pager):
        stamp(
            one_pager,
            "CARD-OP-2026-0042",
            3,
            review_by=timezone.localdate() - datetime.timedelta(days=1),
        )
        assert download(client, rep, one_pager).status_code == 404


class TestDraftPreview:
    """Staff render the page as edited from Wagtail's preview (mode "pdf")."""

    def preview(self, client, user, page):
        """What Wagtail's preview view does, as ``user`` (signed in, with their cookie)."""
        client.force_login(user)
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
        original = RequestFactory().get("/admin/", HTTP_COOKIE=cookie)
        return page.make_preview_request(original_request=original, preview_mode="pdf")

    def test_staff_get_the_draft_watermarked(self, client, marketer, one_pager):
        draft = one_pager.get_latest_revision_as_object()
        draft.title = "Cardiac rehab one-pager, new wording"
        response = self.preview(client, marketer, draft)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "inline" in response["Content-Disposition"]
        assert "DRAFT-cardiac-rehab-one-pager.pdf" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
        pages = pdf_pages(response.content)
        for text in pages:
            assert "DRAFT — not approved for use" in text
            assert "DRAFT — not approved · last approved version: CARD-OP-2026-0042 v3" in text
        assert "Cardiac rehab one-pager, new wording" in pages[0]
        # The watermark itself is on the page too.
        assert "DRAFT" in pages[0].replace("DRAFT — not approved", "")

    def test_a_talk_track_draft_shows_what_is_not_live_yet(
        self, client, marketer, library, taxonomy, message
    ):
        objection = make_objection(
            "Is cardiac rehab covered for Medicare Advantage members?",
            "Yes, after a qualifying event; the intake team checks each plan.",
            taxonomy=taxonomy,
            code="CARD-OBJ-2026-0012",
        )
        track = make_talk_track(
            library,
            "Cardiac rehab evaluation call",
            taxonomy=taxonomy,
            objections=[objection],
            key_messages=[("approved_message", message)],
        )
        message.unpublish()  # referenced, but no longer live
        response = self.preview(client, marketer, track.get_latest_revision_as_object())
        assert response.status_code == 200
        text = pdf_text(response.content)
        assert "DRAFT — not approved · never approved" in text
        assert "Is cardiac rehab covered for Medicare Advantage" in text
        assert "is not approved and live, so it won't be shown" in text
        assert "five business days" not in text

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_a_draft_preview_is_never_cached(self, client, marketer, one_pager, caplog):
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            self.preview(client, marketer, one_pager)
            self.preview(client, marketer, one_pager)
        assert rendered_count(caplog) == 2

    def test_reps_cannot_render_drafts(self, client, rep, one_pager):
        response = self.preview(client, rep, one_pager)
        assert response.status_code == 403
        assert not response.content.startswith(b"%PDF")

    def test_reps_cannot_reach_the_admin_preview(self, client, rep, one_pager):
        client.force_login(rep)
        response = client.get(f"/admin/pages/{one_pager.pk}/edit/preview/?mode=pdf")
        assert response.status_code in (302, 403)
        assert not response.content.startswith(b"%PDF")


class TestCaching:
    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_second_download_comes_from_the_cache(self, client, rep, one_pager, caplog):
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            first = download(client, rep, one_pager)
            assert rendered_count(caplog) == 1
            second = download(client, rep, one_pager)
            assert rendered_count(caplog) == 1
        assert first.content == second.content

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_etag_and_last_modified_give_304(self, client, rep, one_pager):
        first = download(client, rep, one_pager)
        assert first["ETag"]
        assert first["Last-Modified"]
        # Never kept by shared caches (Wagtail adds no-store on restricted pages too).
        assert "private" in first["Cache-Control"]
        again = client.get(one_pager.get_pdf_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        since = client.get(one_pager.get_pdf_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304
        stale = client.get(one_pager.get_pdf_url(), HTTP_IF_NONE_MATCH='"something-else"')
        assert stale.status_code == 200

    def test_a_new_approved_revision_is_a_new_pdf(self, client, rep, one_pager, caplog):
        before = download(client, rep, one_pager)
        old_key = ItemDocument(one_pager.specific, user=rep).key()
        assert render.cached_pdf(old_key) is not None

        one_pager.title = "Cardiac rehab at home one-pager"
        publish(one_pager, "CARD-OP-2026-0042", 4)
        assert render.cached_pdf(old_key) is None  # dropped on publish

        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            after = download(client, rep, one_pager)
        assert rendered_count(caplog) == 1
        assert after["ETag"] != before["ETag"]
        text = pdf_text(after.content)
        assert "Cardiac rehab at home one-pager" in text
        assert "CARD-OP-2026-0042 v4" in text
        assert (
            client.get(one_pager.get_pdf_url(), HTTP_IF_NONE_MATCH=before["ETag"]).status_code
            == 200
        )

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_withdrawing_drops_the_cached_pdf(self, client, rep, one_pager):
        download(client, rep, one_pager)
        key = ItemDocument(one_pager.specific, user=rep).key()
        assert render.cached_pdf(key) is not None
        one_pager.unpublish()
        assert render.cached_pdf(key) is None
        assert download(client, rep, one_pager).status_code == 404

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_one_pagers_are_prerendered_when_approved(
        self, client, rep, library, taxonomy, caplog, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            page = make_asset(
                library, "Structural heart one-pager", taxonomy=taxonomy, code="CARD-OP-2026-0050"
            )
        assert render.cached_pdf(ItemDocument(page.specific, user=rep).key()) is not None
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            response = download(client, rep, page)
        assert response.status_code == 200
        assert rendered_count(caplog) == 0

    @override_settings(
        TASKS={
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
            "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        }
    )
    def test_in_production_the_worker_prerenders_not_the_approving_request(
        self, client, rep, library, taxonomy, django_capture_on_commit_callbacks, monkeypatch
    ):
        """Production queues the pre-render in the database; ``db_worker`` renders it."""
        from django_tasks_db.management.commands import db_worker
        from django_tasks_db.models import DBTaskResult

        # The worker tidies connections between tasks; inside the test's transaction
        # that would close the test's own connection (the real worker runs outside one).
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

        with django_capture_on_commit_callbacks(execute=True):
            page = make_asset(
                library, "Valve clinic one-pager", taxonomy=taxonomy, code="CARD-OP-2026-0051"
            )
        key = ItemDocument(page.specific, user=rep).key()
        queued = DBTaskResult.objects.all()
        # Published, then stamped: both ask for it; the second run finds it cached.
        assert {(task.task_path, tuple(task.args_kwargs["args"])) for task in queued} == {
            ("assets.pdf.tasks.prerender_item_pdf", (page.pk,))
        }
        assert render.cached_pdf(key) is None  # nothing rendered in the request

        call_command(
            "db_worker", "--backend", "background", "--batch", "--no-startup-delay", "--no-reload"
        )
        assert {task.status for task in queued.all()} == {"SUCCESSFUL"}
        text = pdf_text(render.cached_pdf(key))
        assert "Valve clinic one-pager" in text and "CARD-OP-2026-0051 v1" in text

    def test_talk_tracks_are_prerendered_as_reps_see_them(
        self, client, rep, library, taxonomy, caplog, django_capture_on_commit_callbacks
    ):
        objection = make_objection(
            "Is cardiac rehab covered for Medicare Advantage members?",
            "Yes, after a qualifying event; the intake team checks each plan.",
            taxonomy=taxonomy,
            code="CARD-OBJ-2026-0012",
        )
        with django_capture_on_commit_callbacks(execute=True):
            track = make_talk_track(
                library,
                "Cardiac rehab evaluation call",
                taxonomy=taxonomy,
                objections=[objection],
                code="CARD-TT-2026-0009",
            )
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            response = download(client, rep, track)
        assert response.status_code == 200
        assert rendered_count(caplog) == 0
        assert "Is cardiac rehab covered for Medicare Advantage" in pdf_text(response.content)

    def test_a_failed_render_shows_an_error_page_and_caches_nothing(
        self, client, rep, one_pager, settings, caplog
    ):
        settings.CONCORD_PDF_RENDER_TIMEOUT = 0.001
        with caplog.at_level(logging.ERROR, logger="assets.pdf.views"):
            response = download(client, rep, one_pager)
        assert response.status_code == 503
        assert response["Content-Type"].startswith("text/html")
        assert "The PDF couldn't be prepared" in html.unescape(response.content.decode())
        assert any("PDF render failed" in r.getMessage() for r in caplog.records)
        key = ItemDocument(one_pager.specific, user=rep).key()
        assert render.cached_pdf(key) is None

        settings.CONCORD_PDF_RENDER_TIMEOUT = 20
        assert download(client, rep, one_pager).status_code == 200


def test_filenames_are_safe_for_any_title(library, taxonomy):
    page = make_asset(library, "Knee & hip: “fast-track” guide / 2026", taxonomy=taxonomy)
    stamp(page, "ORTH-RIG-2026-0001", 1)
    filename = ItemDocument(page.specific).filename()
    assert re.fullmatch(r"ORTH-RIG-2026-0001-v1-[a-z0-9-]+\.pdf", filename)
