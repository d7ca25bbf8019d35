"""The PDF core (``assets.pdf.render``): the restricted fetcher, the time limit, the cache."""

import base64
import logging
import socket
import threading

from django.core.cache import cache

import pytest

from assets.pdf import render
from tests.assets.pdf_support import pdf_attachments, pdf_text

SITE = "http://testserver"


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media_root(settings):
    root = settings.MEDIA_ROOT
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def fetcher(media_root):
    return render.restricted_url_fetcher()


def page(body, head=""):
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


class TestFetcher:
    def test_refuses_system_files(self, fetcher):
        with pytest.raises(render.ResourceRefused):
            fetcher.fetch("file:///etc/passwd")

    @pytest.mark.parametrize(
        "url",
        [
            "{media}/../../../../etc/passwd",
            "{media}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        ],
    )
    def test_refuses_traversal_out_of_the_media_root(self, fetcher, media_root, url):
        with pytest.raises(render.ResourceRefused):
            fetcher.fetch(url.format(media=media_root.as_uri()))

    @pytest.mark.parametrize(
        "url",
        [
            f"{SITE}/static/../../../../../../etc/passwd",
            f"{SITE}/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            f"{SITE}/media/../../../../../../etc/passwd",
            f"{SITE}/library/",
            f"{SITE}/admin/",
        ],
    )
    def test_refuses_site_urls_outside_static_and_media(self, fetcher, url):
        with pytest.raises(render.ResourceRefused):
            fetcher.fetch(url)

    def test_refuses_a_symlink_that_leaves_the_media_root(self, fetcher, media_root):
        (media_root / "innocent.txt").symlink_to("/etc/passwd")
        with pytest.raises(render.ResourceRefused):
            fetcher.fetch((media_root / "innocent.txt").as_uri())
        with pytest.raises(render.ResourceRefused):
            fetcher.fetch(f"{SITE}/media/innocent.txt")

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9/static/css/concord.css",
            "https://example.org/static/css/concord.css",
            "ftp://example.org/file.txt",
            "file://otherhost/etc/hostname",
            "javascript:alert(1)",
        ],
    )
    def test_refuses_every_other_host_and_scheme(self, fetcher, url):
        with pytest.raises(render.ResourceRefused):
            fetcher.fetch(url)

    def test_reads_static_files_by_site_url_and_by_path(self, fetcher, settings):
        expected = (settings.BASE_DIR / "static" / "css" / "concord.css").read_bytes()
        by_url = fetcher.fetch(f"{SITE}/static/css/concord.css")
        assert by_url.read() == expected
        assert by_url.content_type == "text/css"
        by_path = fetcher.fetch((settings.BASE_DIR / "static" / "css" / "concord.css").as_uri())
        assert by_path.read() == expected

    def test_reads_the_media_files_the_html_names_through_the_storage(self, media_root):
        (media_root / "images").mkdir()
        (media_root / "images" / "logo.svg").write_text("<svg/>")
        (media_root / "images" / "other.svg").write_text("<svg/>")
        (media_root / "innocent.txt").symlink_to("/etc/passwd")
        html = page(
            '<img src="/media/images/logo.svg">'
            f'<img src="{SITE}/media/innocent.txt"><img src="/media/images/missing.png">'
        )
        policy = render.FetchPolicy.for_html(html, SITE + "/")
        assert set(policy.media_files) == {"images/logo.svg"}
        fetcher = render.restricted_url_fetcher(policy)
        response = fetcher.fetch(f"{SITE}/media/images/logo.svg")
        assert response.read() == b"<svg/>"
        assert response.content_type == "image/svg+xml"
        # Only what the HTML names was read: other media files are refused.
        for url in (f"{SITE}/media/images/other.svg", f"{SITE}/media/innocent.txt"):
            with pytest.raises(render.ResourceRefused):
                fetcher.fetch(url)

    def test_reads_data_urls(self, fetcher):
        encoded = base64.b64encode(b"hello").decode()
        response = fetcher.fetch(f"data:text/plain;base64,{encoded}")
        assert response.read() == b"hello"
        assert fetcher.fetch("data:text/css,p%7Bcolor:red%7D").read() == b"p{color:red}"


class TestRender:
    def test_a_system_file_named_in_the_html_is_not_embedded(self, media_root):
        (media_root / "rates.txt").write_text("Allowed attachment body")
        html = page(
            "<p>Hello</p>"
            '<img src="file:///etc/passwd">'
            '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
            head='<link rel="stylesheet" href="file:///etc/passwd">'
            '<link rel="attachment" href="file:///etc/passwd">'
            f'<link rel="attachment" href="{SITE}/media/rates.txt">',
        )
        content = render.render_pdf(html, base_url=SITE + "/")
        attachments = pdf_attachments(content)
        # The allowed attachment is embedded, which shows a refused one would have been.
        assert attachments == {"rates.txt": b"Allowed attachment body"}
        assert b"root:" not in content
        assert "Hello" in pdf_text(content)

    def test_no_request_reaches_a_listener_on_localhost(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        accepted = []

        def accept():
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                accepted.append(connection.recv(1024))
                connection.close()

        stop = threading.Event()
        thread = threading.Thread(target=accept)
        thread.start()
        try:
            origin = f"http://127.0.0.1:{port}"
            html = page(
                f'<img src="{origin}/pixel.png">'
                f'<a rel="attachment" href="{origin}/file.txt">f</a>'
                f'<object data="{origin}/object.svg"></object>'
                f"<p style=\"background: url('{origin}/bg.png')\">Text</p>",
                head=f'<link rel="stylesheet" href="{origin}/style.css">'
                f"<style>@import url('{origin}/import.css');"
                f"@font-face {{ font-family: X; src: url('{origin}/font.woff2'); }}"
                "p { font-family: X; }</style>",
            )
            content = render.render_pdf(html, base_url=origin + "/")
            assert "Text" in pdf_text(content)
            assert accepted == []
            # The listener does see a connection when one is made.
            with socket.create_connection(("127.0.0.1", port)) as probe:
                probe.sendall(b"probe")
            stop.wait(0.5)
        finally:
            stop.set()
            thread.join()
            listener.close()
        assert accepted == [b"probe"]

    def test_a_render_over_the_time_limit_is_stopped(self):
        html = page("<p>Hello</p>" * 2000)
        with pytest.raises(render.PdfRenderTimeout, match="longer than"):
            render.render_pdf(html, base_url=SITE + "/", timeout=0.01)

    def test_a_renderer_named_in_the_settings_replaces_weasyprint(self, stub_pdf_renderer, caplog):
        html = page(
            "<h1>Cardiac rehab</h1><p>At home (weekly) — 3 × a week</p>", head="<style>p{}</style>"
        )
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            content = render.render_pdf(html, base_url=SITE + "/")
        assert stub_pdf_renderer == [html]
        assert render.is_complete_pdf(content)
        assert pdf_text(content) == "Cardiac rehab At home (weekly) — 3 × a week"
        assert [r.getMessage()[:14] for r in caplog.records] == ["Rendered a PDF"]

    def test_refused_resources_are_logged(self, caplog):
        with caplog.at_level(logging.WARNING, logger="assets.pdf.render"):
            render.render_pdf(page('<img src="file:///etc/passwd">'), base_url=SITE + "/")
        assert any("/etc/passwd" in record.getMessage() for record in caplog.records)


class TestCache:
    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_second_request_is_served_from_the_cache(self):
        calls = []

        def build():
            calls.append(1)
            return page("<p>Cardiac rehab</p>")

        key = render.content_key("item", 41, "CARD-OP-2026-0042", 3)
        first = render.get_or_render(key=key, build_html=build)
        second = render.get_or_render(key=key, build_html=build)
        assert first == second
        assert len(calls) == 1
        assert "Cardiac rehab" in pdf_text(first)

    def test_keys_change_with_what_the_pdf_contains(self):
        key = render.content_key("item", 41, "CARD-OP-2026-0042", 3)
        assert key == render.content_key("item", 41, "CARD-OP-2026-0042", 3)
        assert key != render.content_key("item", 42, "CARD-OP-2026-0042", 3)
        assert key != render.content_key("item", 41, "CARD-OP-2026-0042", 4)
        assert key != render.content_key("pack", 41, "CARD-OP-2026-0042", 3)

    def test_a_failed_render_stores_nothing(self, settings):
        key = render.content_key("item", "failing")
        settings.CONCORD_PDF_RENDER_TIMEOUT = 0.01
        with pytest.raises(render.PdfError):
            render.get_or_render(key=key, build_html=lambda: page("<p>x</p>" * 2000))
        assert render.cached_pdf(key) is None
        settings.CONCORD_PDF_RENDER_TIMEOUT = 20
        assert render.get_or_render(key=key, build_html=lambda: page("<p>x</p>")).startswith(
            b"%PDF"
        )

    def test_concurrent_requests_render_once(self, caplog):
        calls = []
        start = threading.Barrier(6)
        results = [None] * 6
        key = render.content_key("item", "concurrent")

        def build():
            calls.append(threading.current_thread().name)
            return page("<p>Rendered once</p>" * 40)

        def download(index):
            start.wait()
            results[index] = render.get_or_render(key=key, build_html=build)

        threads = [threading.Thread(target=download, args=(i,)) for i in range(6)]
        with caplog.at_level(logging.INFO, logger="assets.pdf.render"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        renders = [r for r in caplog.records if r.getMessage().startswith("Rendered a PDF")]
        assert len(calls) == 1
        assert len(renders) == 1
        assert all(result == results[0] for result in results)
        assert results[0].startswith(b"%PDF")

    @pytest.mark.usefixtures("stub_pdf_renderer")
    def test_dropping_dependents_removes_the_stored_pdfs(self, rep):
        key = render.content_key("item", "dependent")
        render.get_or_render(
            key=key, build_html=lambda: page("<p>x</p>"), dependencies=[f"cms.user:{rep.pk}"]
        )
        assert render.cached_pdf(key) is not None
        assert render.drop_dependents(rep) == 1
        assert render.cached_pdf(key) is None
