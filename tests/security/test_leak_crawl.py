"""Nothing internal reaches an anonymous visitor.

The visitor crawls the public site from ``/`` and ``/sitemap.xml`` (same-site links
only, bounded), searches with every word of the internal content, and calls every API
and download URL. No internal title, body text or document may appear in anything it
gets back. The internal words are unusual animal names (``INTERNAL_MARKERS``) so a
hit can't be a coincidence.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import reverse

import pytest

from cms.models import ServiceLinePage
from tests.security.conftest import INTERNAL_MARKERS

MAX_PAGES = 300
DRAFT_MARKERS = {
    "draft_page_title": "Capybara service launch",
    "draft_edit": "Okapi waiting-time claim awaiting review",
}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.links.append(value)


def links_in(response):
    content_type = response.get("Content-Type", "")
    text = response.content.decode(errors="replace")
    if "xml" in content_type:
        return re.findall(r"<loc>([^<]+)</loc>", text)
    if "html" in content_type:
        parser = _Links()
        parser.feed(text)
        return parser.links
    return []


def same_site(url):
    parts = urlsplit(url)
    return parts.scheme in {"", "http", "https"} and parts.netloc in {"", "testserver", "localhost"}


def leaked(text):
    lowered = text.lower()
    markers = {**INTERNAL_MARKERS, **DRAFT_MARKERS}
    return sorted(name for name, words in markers.items() if words.lower() in lowered)


def crawl(client, start):
    """Breadth-first over same-site links, following redirects by hand."""
    seen, queue, pages = set(), list(start), {}
    while queue and len(pages) < MAX_PAGES:
        url, _ = urldefrag(queue.pop(0))
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        if not same_site(url) or path in seen or path.startswith("/static/"):
            continue
        seen.add(path)
        response = client.get(path)
        pages[path] = response
        if response.status_code in (301, 302) and "Location" in response:
            queue.append(urljoin(path, response["Location"]))
        queue.extend(urljoin(path, link) for link in links_in(response))
    return pages


@pytest.fixture
def public_world(world):
    """The shared world plus public content that isn't approved yet."""
    draft = ServiceLinePage(
        title=DRAFT_MARKERS["draft_page_title"],
        slug="capybara-service-launch",
        service_line=world.cardiology,
        intro="Not yet reviewed.",
        live=False,
    )
    world.home.add_child(instance=draft)
    draft.save_revision()
    live = ServiceLinePage.objects.get(pk=world.public_page.pk)
    live.intro = DRAFT_MARKERS["draft_edit"]
    live.save_revision()  # a draft edit of a live page: the live row keeps its old intro
    world.draft_page = draft
    return world


def test_an_anonymous_crawl_of_the_public_site_finds_nothing_internal(public_world):
    client = Client()
    pages = crawl(client, ["/", "/sitemap.xml"])

    assert "/" in pages and pages["/"].status_code == 200
    assert public_world.public_page.url in pages, "the crawl should reach the public page"
    assert {"/sitemap.xml", reverse("login")} <= set(pages), sorted(pages)
    print(f"leak crawl: {len(pages)} responses")  # noqa: T201 - reported by the suite's log
    for path, response in pages.items():
        assert response.status_code < 500, path
        body = b"" if response.streaming else response.content
        assert not leaked(body.decode(errors="replace")), (path, leaked(body.decode()))
        if path.startswith(public_world.library.url):
            assert response.status_code in (302, 404), path


def test_searching_with_every_internal_word_finds_nothing(public_world):
    client = Client()
    words = {w for text in INTERNAL_MARKERS.values() for w in re.findall(r"[A-Za-z]{4,}", text)}
    search_paths = ["/", "/search/", public_world.library.url, reverse("library_api")]
    assert len(words) > 20
    for word in sorted(words):
        for path in search_paths:
            response = client.get(path, {"q": word, "query": word, "search": word})
            assert response.status_code in (200, 302, 401, 404), (path, word)
            assert not leaked(response.content.decode(errors="replace")), (path, word)


def test_every_api_and_download_url_refuses_a_visitor(public_world):
    client = Client()
    w = public_world
    urls = {
        reverse("library_api"): 401,
        reverse("library_api") + "?page_size=500&service_line=cardiology": 401,
        w.internal_document.url: 302,
        f"{w.asset.url}download/{w.attachment.pk}/": 302,
        f"{w.asset.url}pdf/": 302,
        f"{w.library.url}pack.pdf?service_line=cardiology": 302,
        f"{w.talk_track.url}pdf/": 302,
        # Wagtail's v2 API and document listing are not mounted.
        "/api/v2/pages/": 404,
        "/api/v2/documents/": 404,
        "/api/v2/images/": 404,
    }
    for url, status in urls.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert not leaked(response.content.decode(errors="replace")), url
        if status == 302:
            assert urlsplit(response["Location"]).path == reverse("login"), url

    # A bearer token that isn't one is refused, not ignored.
    response = client.get(reverse("library_api"), HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401

    # A group restriction has no password: the password forms open nothing.
    restriction = w.library.get_view_restrictions().first()
    response = client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, w.library.pk]),
        {"password": "", "return_url": w.asset.url},
    )
    assert response.status_code == 200  # the form again, with an error
    assert client.get(w.asset.url).status_code == 302


def test_the_sitemap_lists_only_approved_public_pages(public_world):
    text = Client().get("/sitemap.xml").content.decode()
    assert public_world.public_page.url in text
    assert public_world.library.url not in text
    assert public_world.draft_page.slug not in text


def test_the_whole_demo_organisation_leaks_nothing_to_a_visitor(demo_organisation):
    """The same crawl and searches over the full demo (``seed_demo``: 44 library items,
    24 objections, public service-line pages), with the demo's own words as markers."""
    from assets.models import LibraryItemPage, Objection

    markers = set(LibraryItemPage.objects.values_list("title", flat=True))
    for verbatim, response in Objection.objects.values_list("verbatim", "approved_response"):
        markers.update({verbatim, response})
    markers = {marker for marker in markers if len(marker) > 20}
    assert len(markers) > 60

    def demo_leaks(text):
        lowered = text.lower()
        return sorted(marker for marker in markers if marker.lower() in lowered)

    client = Client()
    pages = crawl(client, ["/", "/sitemap.xml"])
    public_pages = ServiceLinePage.objects.live().public()
    assert public_pages.count() >= 5
    assert all(page.url in pages for page in public_pages), sorted(pages)
    print(f"leak crawl (demo): {len(pages)} responses, {len(markers)} markers")  # noqa: T201
    words = set()
    for marker in markers:
        words.update(re.findall(r"[A-Za-z]{6,}", marker))
    for word in sorted(words)[:150]:
        pages[f"/?q={word}"] = client.get("/", {"q": word})
        pages[f"/library/?q={word}"] = client.get("/library/", {"q": word})
    for path, response in pages.items():
        assert response.status_code < 500, path
        body = b"" if response.streaming else response.content
        assert not demo_leaks(body.decode(errors="replace")), (path, demo_leaks(body.decode()))


def test_requests_the_call_kit_and_the_coverage_map_refuse_a_visitor(public_world, rep):
    """Content requests (with a rep's note naming internal material), the call kit and
    the coverage map (which lists internal titles) answer a visitor with a login page
    only."""
    from assets.services import content_request_ask

    w = public_world
    request, _ = content_request_ask(
        user=rep,
        service_line=w.cardiology,
        stage=w.stage,
        segment=w.segment,
        note=f"Like the {INTERNAL_MARKERS['asset_title']}, for evaluation",
    )
    call = "service_line=cardiology&stage=awareness&segment=referring-physician"
    site_login, admin_login = reverse("login"), reverse("wagtailadmin_login")
    urls = {
        f"{w.library.url}requests/": site_login,
        f"{w.library.url}kit/": site_login,
        f"{w.library.url}calls/": site_login,
        f"{w.library.url}calls/new/?{call}": site_login,
        reverse("assets_influence"): admin_login,
        reverse("assets_influence") + "?export=csv": admin_login,
        f"{w.library.url}kit/pdf/": site_login,
        f"{w.library.url}glossary/": site_login,
        f"{w.library.url}requests/new/?{call}&source=results": site_login,
        reverse("assets_coverage"): admin_login,
        reverse("assets_coverage") + "?export=csv": admin_login,
        reverse("assets_requests:index"): admin_login,
        reverse("assets_requests:index") + "?export=csv": admin_login,
        reverse("assets_requests:done", args=[request.pk]): admin_login,
    }
    client = Client()
    for url, login in urls.items():
        response = client.get(url)
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path == login, url
        assert not leaked(response.content.decode(errors="replace")), url
    for url, data in (
        (f"{w.library.url}requests/new/", {"service_line": "cardiology"}),
        (f"{w.asset.url}star/", {}),
        (f"{w.library.url}calls/new/", {"service_line": "cardiology"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path == site_login, url
    # The calls API answers a visitor 401, with nothing else.
    for response in (
        client.get(reverse("calls_api")),
        client.post(reverse("calls_api"), "{}", content_type="application/json"),
    ):
        assert response.status_code == 401
        assert not leaked(response.content.decode(errors="replace"))
