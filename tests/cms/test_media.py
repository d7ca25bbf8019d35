"""Media in production: images served with their collection's privacy, documents never.

With DEBUG off, ``/media/`` is served by ``cms.media.serve``, which answers only for
image originals and renditions, with the privacy of the image's collection; documents
are only ever served by Wagtail's ``/documents/<id>/<name>`` view. Every kind of media ×
anonymous, rep, marketer and a signed-in outsider, under production-like settings.
"""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.test import Client
from django.urls import resolve

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

import pytest

from assets.services import ensure_internal_collection
from cms import roles
from tests.cms.factories import UserFactory

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_LOGIN = "302 /accounts/login/"
OK = "200"
NOT_FOUND = "404"
FORBIDDEN = "403"


@pytest.fixture
def production_like(settings):
    """DEBUG off and production's extra middleware (the content security policy)."""
    settings.DEBUG = False
    settings.MIDDLEWARE = [
        settings.MIDDLEWARE[0],
        "cms.middleware.ContentSecurityPolicyMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    settings.SECURE_CONTENT_TYPE_NOSNIFF = True
    return settings


@pytest.fixture
def media(production_like):
    root = Collection.get_first_root_node()
    internal = ensure_internal_collection()
    world = SimpleNamespace()
    world.public_image = Image.objects.create(
        title="Rehab gym", file=get_test_image_file(filename="gym.png"), collection=root
    )
    world.internal_image = Image.objects.create(
        title="Margin chart",
        file=get_test_image_file(filename="margins.png", colour="red"),
        collection=internal,
    )
    world.public_rendition = world.public_image.get_rendition("width-100")
    world.internal_rendition = world.internal_image.get_rendition("width-100")
    world.internal_document = Document.objects.create(
        title="Price sheet",
        file=ContentFile(b"%PDF-1.4 INTERNAL-RATE-CARD", name="price-sheet.pdf"),
        collection=internal,
    )
    world.public_document = Document.objects.create(
        title="Patient leaflet",
        file=ContentFile(b"%PDF-1.4 public leaflet", name="leaflet.pdf"),
        collection=root,
    )
    return world


@pytest.fixture
def clients(rep, marketer):
    outsider = UserFactory(username="outsider")  # signed in, in no Concord group
    result = {"anonymous": Client()}
    for name, user in (("rep", rep), ("marketer", marketer), ("outsider", outsider)):
        result[name] = Client()
        result[name].force_login(user)
    return result


def outcome(response):
    if response.status_code in (301, 302):
        return f"{response.status_code} {response['Location'].split('?')[0]}"
    return str(response.status_code)


def media_url(name):
    return f"{django_settings.MEDIA_URL}{name}"


# (what, path builder, answers for anonymous, rep, marketer, outsider)
MATRIX = [
    ("public image original", lambda w: w.public_image.file.url, OK, OK, OK, OK),
    ("public image rendition", lambda w: w.public_rendition.url, OK, OK, OK, OK),
    (
        "internal image original",
        lambda w: w.internal_image.file.url,
        SITE_LOGIN,
        OK,
        OK,
        FORBIDDEN,
    ),
    (
        "internal image rendition",
        lambda w: w.internal_rendition.url,
        SITE_LOGIN,
        OK,
        OK,
        FORBIDDEN,
    ),
    # Documents never come from /media/, whoever asks and whatever their collection.
    (
        "internal document file under /media/",
        lambda w: media_url(w.internal_document.file.name),
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
    ),
    (
        "public document file under /media/",
        lambda w: media_url(w.public_document.file.name),
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
    ),
    # Wagtail's document view checks the collection's privacy.
    (
        "internal document",
        lambda w: w.internal_document.url,
        SITE_LOGIN,
        OK,
        OK,
        SITE_LOGIN,
    ),
    ("public document", lambda w: w.public_document.url, OK, OK, OK, OK),
]
ROLES = ("anonymous", "rep", "marketer", "outsider")


def test_every_kind_of_media_answers_each_role_as_its_privacy_says(media, clients):
    assert django_settings.DEBUG is False
    wrong = []
    for what, build, *answers in MATRIX:
        path = build(media)
        for role, expected in zip(ROLES, answers, strict=True):
            got = outcome(clients[role].get(path))
            if got != expected:
                wrong.append(f"{role:<9} {what} ({path}): expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_an_image_is_served_with_its_type_nosniff_and_public_caching(media, clients):
    response = clients["anonymous"].get(media.public_rendition.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == Path(media.public_rendition.file.path).read_bytes()


def test_a_restricted_image_is_private_to_the_browser(media, clients):
    response = clients["rep"].get(media.internal_image.file.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert b"".join(response.streaming_content) == Path(media.internal_image.file.path).read_bytes()


def test_an_image_answers_head_but_nothing_else(media, clients):
    assert clients["anonymous"].head(media.public_image.file.url).status_code == 200
    assert clients["anonymous"].post(media.public_image.file.url).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/media/../cms/settings/base.py",
        "/media/original_images/../../cms/settings/base.py",
        "/media/%2e%2e/cms/settings/base.py",
        "/media/original_images/..%2f..%2fcms/settings/base.py",
        "/media//etc/passwd",
        "/media/original_images/%00gym.png",
        "/media/original_images\\..\\..\\secret.txt",
        "/media/secret.txt",
        "/media/original_images/stray.png",
        "/media/",
    ],
)
def test_anything_that_is_not_a_known_image_file_is_not_found(media, clients, path):
    storage = FileSystemStorage(location=django_settings.MEDIA_ROOT)
    storage.save("secret.txt", ContentFile(b"TOP-SECRET"))
    storage.save("original_images/stray.png", ContentFile(get_test_image_file().file.getvalue()))
    for role in ("anonymous", "marketer"):
        response = clients[role].get(path)
        assert response.status_code in (400, 404), (role, path, response.status_code)
        if not response.streaming:
            assert b"TOP-SECRET" not in response.content
            assert b"SECRET_KEY" not in response.content


def test_a_deleted_file_is_not_found(media, clients):
    media.public_image.file.storage.delete(media.public_image.file.name)
    assert clients["anonymous"].get(media.public_image.file.url).status_code == 404


# Offloading the bytes to the proxy ------------------------------------------------------


def test_x_accel_redirect_hands_the_bytes_to_nginx_after_the_check(media, clients, settings):
    settings.CONCORD_MEDIA_OFFLOAD = "x-accel-redirect"
    settings.CONCORD_MEDIA_ACCEL_PREFIX = "/_protected_media/"

    response = clients["rep"].get(media.internal_rendition.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected_media/{media.internal_rendition.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    # The check comes first: an anonymous visitor gets no header, only the login.
    anonymous = clients["anonymous"].get(media.internal_rendition.url)
    assert outcome(anonymous) == SITE_LOGIN
    assert "X-Accel-Redirect" not in anonymous


def test_x_accel_redirect_serves_wagtails_documents_too(media, clients, settings):
    settings.CONCORD_MEDIA_OFFLOAD = "x-accel-redirect"
    settings.CONCORD_MEDIA_ACCEL_PREFIX = "/_protected_media/"

    response = clients["rep"].get(media.internal_document.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == (
        f"/_protected_media/{media.internal_document.file.name}"
    )
    assert outcome(clients["anonymous"].get(media.internal_document.url)) == SITE_LOGIN


def test_x_sendfile_names_the_file_on_disk(media, clients, settings):
    settings.CONCORD_MEDIA_OFFLOAD = "x-sendfile"

    response = clients["rep"].get(media.internal_image.file.url)

    assert response.status_code == 200
    assert response["X-Sendfile"] == media.internal_image.file.path
    assert response.content == b""


class ProxiedObjectStorage(InMemoryStorage):
    """Object storage (no local paths) with ``cms.media.MediaViewURLsMixin``: pages link
    to the view, and the view redirects to the storage's own (signed) URL."""

    def __new__(cls, *args, **kwargs):
        from cms.media import MediaViewURLsMixin

        proxied = type("Proxied", (MediaViewURLsMixin, InMemoryStorage), {})
        return proxied(*args, **kwargs)


def _storage(settings, backend, **options):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": backend, "OPTIONS": options},
    }


def test_object_storage_without_local_paths_is_proxied_by_the_view(settings, rep):
    _storage(settings, "django.core.files.storage.InMemoryStorage", base_url="/media/")
    image = Image.objects.create(
        title="Internal chart",
        file=get_test_image_file(filename="chart.png"),
        collection=ensure_internal_collection(),
    )
    with image.file.storage.open(image.file.name) as stored:
        expected = stored.read()
    client = Client()
    client.force_login(rep)

    response = client.get(f"/media/{image.file.name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert expected.startswith(b"\x89PNG")
    assert b"".join(response.streaming_content) == expected
    assert outcome(Client().get(f"/media/{image.file.name}")) == SITE_LOGIN


def test_with_redirect_the_view_sends_the_signed_storage_url_after_the_check(settings, rep):
    _storage(
        settings,
        "tests.cms.test_media.ProxiedObjectStorage",
        base_url="https://bucket.example/signed/",
    )
    settings.CONCORD_MEDIA_OFFLOAD = "redirect"
    image = Image.objects.create(
        title="Internal chart",
        file=get_test_image_file(filename="chart.png"),
        collection=ensure_internal_collection(),
    )
    # Pages link to the view, never to the bucket.
    assert image.file.url == f"/media/{image.file.name}"
    client = Client()
    client.force_login(rep)

    response = client.get(image.file.url)

    assert response.status_code == 302
    assert response["Location"] == f"https://bucket.example/signed/{image.file.name}"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert outcome(Client().get(image.file.url)) == SITE_LOGIN


# Production settings ---------------------------------------------------------------------


def test_the_media_view_is_mounted_whatever_debug_says():
    match = resolve("/media/original_images/gym.png")
    assert match.func.__module__ == "cms.media"
    assert match.kwargs == {"path": "original_images/gym.png"}


def test_production_settings_serve_media_through_the_view():
    code = (
        "from django.conf import settings; from django.urls import resolve; "
        "print(settings.DEBUG, resolve('/media/images/a.width-100.png').func.__module__, "
        "settings.SENDFILE_BACKEND, settings.WAGTAILDOCS_SERVE_METHOD)"
    )
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-value-0123456789",
            "ALLOWED_HOSTS": "concord.example.org",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.split() == ["False", "cms.media", "cms.media", "serve_view"]


def test_library_roles_can_see_internal_images(media):
    """The internal collection's restriction names every library role."""
    restriction = media.internal_image.collection.get_view_restrictions().get()
    assert {group.name for group in restriction.groups.all()} >= set(roles.LIBRARY_ROLES)
