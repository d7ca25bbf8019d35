"""Faults: the database unavailable, and PDF renders that fail.

The database tests point the real connection at a database that isn't there (a
closed port on PostgreSQL, a path that can't be opened on SQLite), exactly what
Django sees when the server is down, then put it back. The PDF tests make the real
render child crash or return a truncated file on purpose and read what is cached
back with pypdf.
"""

import copy
import html
import io
import logging
import socket

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.utils import load_backend
from django.test import Client

import pytest
from django_tasks import TaskResultStatus
from pypdf import PdfReader

from assets.pdf import render
from assets.pdf.documents import ItemDocument
from assets.pdf.tasks import prerender_item_pdf
from cms import views as cms_views
from tests.assets.pdf_support import make_asset, make_library
from tests.cms.factories import JourneyStageFactory, SegmentFactory, ServiceLineFactory
from tests.security import pdf_faults

SITE = "http://testserver/"
UNAVAILABLE_TEXT = "Concord is temporarily unavailable"
TRACEBACK_MARKERS = ("Traceback", "OperationalError", "InterfaceError", 'File "', "psycopg")


def closed_port():
    """A local TCP port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Outage:
    """Swaps the default connection for one to a database that isn't there, and back.

    The test's own connection (inside its transaction, with the test's data) is put
    aside untouched; every query meanwhile goes through a real connection attempt that
    fails the way it does in production, ``OperationalError`` from the driver.
    """

    def __init__(self, tmp_path):
        self.original = connections[DEFAULT_DB_ALIAS]
        self.missing_sqlite = str(tmp_path / "no-such-dir" / "db.sqlite3")
        self.dead = None

    def start(self):
        settings_dict = copy.deepcopy(self.original.settings_dict)
        if self.original.vendor == "sqlite":
            settings_dict["NAME"] = self.missing_sqlite
        else:
            settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
        backend = load_backend(settings_dict["ENGINE"])
        self.dead = backend.DatabaseWrapper(settings_dict, alias=DEFAULT_DB_ALIAS)
        connections[DEFAULT_DB_ALIAS] = self.dead

    def end(self):
        if self.dead is not None:
            self.dead.close()
            self.dead = None
        connections[DEFAULT_DB_ALIAS] = self.original


@pytest.fixture
def outage(db, tmp_path):
    outage = Outage(tmp_path)
    yield outage
    outage.end()


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(cms_views.RETRY_AFTER)
    assert response["Content-Type"].startswith("text/html")
    body = html.unescape(response.content.decode())
    assert UNAVAILABLE_TEXT in body
    assert "try again in a minute" in body
    for marker in TRACEBACK_MARKERS:
        assert marker not in body


class TestDatabaseDown:
    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_signed_in_rep_gets_the_503_page_everywhere(
        self, outage, one_pager, rep, settings, caplog
    ):
        settings.DEBUG = False
        client = Client(raise_request_exception=False)
        client.force_login(rep)
        urls = {
            "home": "/",
            "library": "/library/",
            "filtered library": "/library/?service_line=cardiology",
            "item": one_pager.url,
            "item PDF": one_pager.get_pdf_url(),
            "login": "/accounts/login/",
            "API": "/api/v1/library/",
        }
        # With the database up, every one of these answers (the login page sends a
        # signed-in rep on to the library).
        for name, url in urls.items():
            assert client.get(url).status_code in (200, 302), name
        assert client.get("/healthz").status_code == 200

        outage.start()
        with caplog.at_level(logging.ERROR):
            for name, url in urls.items():
                response = client.get(url)
                assert response.status_code == 503, name
                assert_unavailable_page(response)
        logged = [r for r in caplog.records if r.name == "cms.views"]
        assert len(logged) == len(urls)
        assert all("Database unavailable: answered 503" in r.getMessage() for r in logged)
        # Django's request logger keeps the traceback for the operators.
        assert any(r.name == "django.request" and r.exc_info for r in caplog.records)

        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json() == {"status": "unavailable", "database": False}

    def test_anonymous_visitors_get_the_503_page(self, outage, home_page):
        client = Client(raise_request_exception=False)
        assert client.get("/").status_code == 200
        outage.start()
        for url in ("/", "/library/", "/library/some-item/pdf/", "/sitemap.xml"):
            assert_unavailable_page(client.get(url))
        # Signing in needs the database: the form posts to a 503, not a traceback.
        response = client.post("/accounts/login/", {"username": "rep", "password": "concord-demo"})
        assert_unavailable_page(response)
        assert client.get("/healthz").status_code == 503

    def test_the_site_answers_again_when_the_database_is_back(self, outage, home_page):
        client = Client(raise_request_exception=False)
        outage.start()
        assert client.get("/").status_code == 503
        outage.end()
        assert client.get("/").status_code == 200
        assert client.get("/healthz").status_code == 200


class TestServerErrorHandler:
    """``handler500`` itself: which exceptions are an outage and which are a bug."""

    def call_handler(self, rf, error):
        try:
            raise error
        except Exception:  # noqa: BLE001 - the handler runs inside Django's except block
            return cms_views.server_error(rf.get("/library/"))

    def test_other_errors_get_the_plain_500_page(self, rf):
        response = self.call_handler(rf, ValueError("a bug"))
        assert response.status_code == 500
        assert "Something went wrong" in response.content.decode()
        assert "Retry-After" not in response

    @pytest.mark.parametrize("error_class", [OperationalError, InterfaceError])
    def test_database_errors_get_the_503_page(self, rf, error_class):
        assert_unavailable_page(self.call_handler(rf, error_class("connection refused")))

    def test_a_database_error_behind_another_error_counts(self, rf):
        def fail():
            try:
                raise OperationalError("server closed the connection unexpectedly")
            except OperationalError as error:
                raise RuntimeError("while loading the page") from error

        try:
            fail()
        except RuntimeError:
            response = cms_views.server_error(rf.get("/"))
        assert_unavailable_page(response)


# --- PDF renders that fail ------------------------------------------------------------


class FaultyRenders:
    """Makes the next ``n`` render attempts use a faulty render child.

    ``assets.pdf.render.render_pdf`` runs each attempt through ``_render_once``, which starts
    ``_render_in_child`` in a real process: for a faulty attempt that child is one of
    ``tests.security.pdf_faults`` (it dies, or sends half a PDF).
    """

    def __init__(self, monkeypatch):
        self.real_render_once = render._render_once
        self.attempts = 0
        self.faulty_left = 0
        self.child = None
        monkeypatch.setattr(render, "_render_once", self._render_once)

    def fail(self, times, child):
        self.faulty_left, self.child = times, child

    def _render_once(self, *args, **kwargs):
        self.attempts += 1
        if self.faulty_left:
            self.faulty_left -= 1
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(render, "_render_in_child", self.child)
                return self.real_render_once(*args, **kwargs)
        return self.real_render_once(*args, **kwargs)


@pytest.fixture
def faulty(monkeypatch):
    return FaultyRenders(monkeypatch)


@pytest.fixture
def one_pager(home_page):
    library = make_library(home_page)
    taxonomy = (
        ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD"),
        JourneyStageFactory(slug="evaluation", name="Evaluation", order=3),
        SegmentFactory(slug="referring-physician", name="Referring physician"),
    )
    return make_asset(
        library, "Cardiac rehab one-pager", taxonomy=taxonomy, code="CARD-OP-2026-0042"
    ).specific


def item_key(page, rep):
    return ItemDocument(page, user=rep).key()


def lock_of(key):
    return cache.get(f"{render.CACHE_PREFIX}:{key}:lock")


def read_back(content):
    """The PDF's text through pypdf: proof that the bytes are a whole, readable PDF."""
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def download(client, user, page):
    client.force_login(user)
    return client.get(page.get_pdf_url())


def messages(caplog, logger, level, containing=""):
    return [
        r
        for r in caplog.records
        if r.name == logger and r.levelno == level and containing in r.getMessage()
    ]


class TestCompletePdf:
    def test_a_real_render_is_complete(self):
        content = render.render_pdf("<p>Whole</p>", base_url=SITE)
        assert render.is_complete_pdf(content)
        assert render.check_pdf(content) is content

    @pytest.mark.parametrize(
        "content",
        [
            b"",
            b"<html>An error page</html>",
            b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",  # cut short: no %%EOF
            b"%PDF-1.7\n%%EOF\n" + b"x" * 2048,  # %%EOF, but not at the end
            "%PDF-1.7 %%EOF",  # text, not bytes
            None,
        ],
    )
    def test_anything_else_is_invalid(self, content):
        assert not render.is_complete_pdf(content)
        with pytest.raises(render.PdfInvalid):
            render.check_pdf(content)


class TestRenderRetry:
    @pytest.mark.parametrize("child", [pdf_faults.exit_at_once, pdf_faults.truncated_pdf])
    def test_a_failed_render_is_retried_and_only_the_whole_pdf_is_cached(
        self, faulty, child, caplog
    ):
        faulty.fail(1, child)
        key = render.content_key("item", "retried", child.__name__)
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            content = render.get_or_render(
                key=key, build_html=lambda: "<p>Cardiac rehab</p>", name="retried.pdf"
            )
        assert faulty.attempts == 2
        assert "Cardiac rehab" in read_back(content)
        assert "Cardiac rehab" in read_back(render.cached_pdf(key))
        (warning,) = messages(caplog, "assets.pdf.render", logging.WARNING, "trying again")
        assert "retried.pdf failed (attempt 1 of 2), trying again" in warning.getMessage()
        assert messages(caplog, "assets.pdf.render", logging.ERROR) == []

    def test_a_render_that_keeps_failing_is_reported_and_nothing_is_cached(self, faulty, caplog):
        faulty.fail(2, pdf_faults.truncated_pdf)
        key = render.content_key("item", "always-broken")
        with (
            caplog.at_level(logging.INFO, logger="assets.pdf.render"),
            pytest.raises(render.PdfInvalid, match="incomplete file"),
        ):
            render.get_or_render(key=key, build_html=lambda: "<p>x</p>", name="broken.pdf")
        assert faulty.attempts == 2
        assert render.cached_pdf(key) is None
        assert cache.get(f"{render.CACHE_PREFIX}:{key}") is None
        assert lock_of(key) is None
        (error,) = messages(caplog, "assets.pdf.render", logging.ERROR)
        assert "broken.pdf failed after 2 attempt(s)" in error.getMessage()
        assert error.exc_info is not None
        # The lock is free and nothing broken is kept: the next render works.
        content = render.get_or_render(key=key, build_html=lambda: "<p>Fixed</p>")
        assert "Fixed" in read_back(content)

    def test_an_error_in_the_renderer_is_logged_with_its_traceback(self, faulty, caplog):
        # WeasyPrint raises in the render process: no HTML to render.
        with (
            caplog.at_level(logging.ERROR, logger="assets.pdf.render"),
            pytest.raises(render.PdfError, match="could not be rendered"),
        ):
            render.render_pdf(None, base_url=SITE, name="empty.pdf")
        (error,) = messages(caplog, "assets.pdf.render", logging.ERROR)
        assert "Render process traceback" in error.getMessage()
        assert "Traceback (most recent call last)" in error.getMessage()
        assert faulty.attempts == 2

    def test_a_timeout_is_not_retried(self, faulty, caplog):
        with (
            caplog.at_level(logging.ERROR, logger="assets.pdf.render"),
            pytest.raises(render.PdfRenderTimeout),
        ):
            render.render_pdf("<p>Hello</p>" * 2000, base_url=SITE, timeout=0.01)
        assert faulty.attempts == 1
        assert any("time limit" in r.getMessage() for r in caplog.records)

    def test_a_broken_entry_in_the_cache_is_never_served(self, caplog):
        key = render.content_key("item", "broken-in-cache")
        cache.set(f"{render.CACHE_PREFIX}:{key}", b"%PDF-1.7\n1 0 obj")
        with caplog.at_level(logging.ERROR, logger="assets.pdf.render"):
            assert render.cached_pdf(key) is None
        assert any("Dropped a broken cached PDF" in r.getMessage() for r in caplog.records)
        content = render.get_or_render(key=key, build_html=lambda: "<p>Rendered again</p>")
        assert "Rendered again" in read_back(content)


class TestPdfDownloadFaults:
    def test_the_rep_gets_the_pdf_when_the_first_render_crashes(
        self, client, rep, one_pager, faulty, caplog
    ):
        faulty.fail(1, pdf_faults.exit_at_once)
        with caplog.at_level(logging.WARNING, logger="assets.pdf.render"):
            response = download(client, rep, one_pager)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "Cardiac rehab one-pager" in read_back(response.content)
        cached = render.cached_pdf(item_key(one_pager, rep))
        assert cached == response.content
        assert "CARD-OP-2026-0042" in read_back(cached)
        (warning,) = messages(caplog, "assets.pdf.render", logging.WARNING, "trying again")
        # Logged with the document's file name.
        assert "CARD-OP-2026-0042-v1-cardiac-rehab-one-pager.pdf" in warning.getMessage()
        assert "attempt 1 of 2" in warning.getMessage()

    def test_a_render_that_always_fails_gets_the_error_page_and_caches_nothing(
        self, client, rep, one_pager, faulty, caplog
    ):
        faulty.fail(2, pdf_faults.exit_at_once)
        with caplog.at_level(logging.WARNING):
            response = download(client, rep, one_pager)
        assert response.status_code == 500
        assert response["Content-Type"].startswith("text/html")
        assert "The PDF couldn't be prepared" in html.unescape(response.content.decode())
        key = item_key(one_pager, rep)
        assert render.cached_pdf(key) is None
        assert lock_of(key) is None
        (core_error,) = messages(caplog, "assets.pdf.render", logging.ERROR)
        assert "CARD-OP-2026-0042-v1-cardiac-rehab-one-pager.pdf" in core_error.getMessage()
        assert core_error.exc_info is not None
        (view_error,) = messages(caplog, "assets.pdf.views", logging.ERROR)
        assert view_error.exc_info is not None

        # The next download renders normally and is cached.
        response = download(client, rep, one_pager)
        assert response.status_code == 200
        assert "Cardiac rehab one-pager" in read_back(render.cached_pdf(key))


class TestPrerenderFaults:
    @pytest.fixture(autouse=True)
    def _no_wait(self, settings):
        settings.CONCORD_PDF_PRERENDER_RETRY_DELAY = 0

    def test_the_task_retries_until_the_pdf_is_cached(self, rep, one_pager, faulty, caplog):
        # Both attempts of the first try fail; the task's second try renders it.
        faulty.fail(2, pdf_faults.exit_at_once)
        with caplog.at_level(logging.WARNING):
            result = prerender_item_pdf.enqueue(one_pager.pk)
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == "rendered"
        assert faulty.attempts == 3
        assert "Cardiac rehab one-pager" in read_back(render.cached_pdf(item_key(one_pager, rep)))
        (warning,) = messages(caplog, "assets.pdf.tasks", logging.WARNING, "trying again")
        assert "failed (attempt 1 of 3), trying again" in warning.getMessage()
        assert f"(page {one_pager.pk})" in warning.getMessage()

    def test_the_task_reports_a_render_that_never_works(self, rep, one_pager, faulty, caplog):
        faulty.fail(6, pdf_faults.truncated_pdf)
        with caplog.at_level(logging.WARNING):
            result = prerender_item_pdf.enqueue(one_pager.pk)
        assert result.status == TaskResultStatus.FAILED
        assert faulty.attempts == 6
        (error,) = messages(caplog, "assets.pdf.tasks", logging.ERROR)
        assert "failed at attempt 3 of 3" in error.getMessage()
        assert error.exc_info is not None
        key = item_key(one_pager, rep)
        assert render.cached_pdf(key) is None
        assert lock_of(key) is None
