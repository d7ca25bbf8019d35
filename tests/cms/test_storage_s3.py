"""Object storage for real: ``MEDIA_STORAGE=s3`` against an S3-protocol server.

The server is moto's (``moto.server.ThreadedMotoServer``), started by these tests on
127.0.0.1 on a free port and stopped after them; each test gets a bucket of its own.
The storage is configured exactly as production configures it: the environment's
variables through ``cms.storage_settings.media_storage``. What is proved:

* files uploaded through the admin (an image and a document in the internal collection)
  land in the bucket, not on the disk, and the bucket is private (an unsigned GET of an
  object is refused by the server);
* a rep downloads them, an anonymous visitor is sent to sign in (Wagtail's document
  privacy, ``cms.media``'s image privacy), for originals and renditions, proxied by
  Django or redirected to a short-lived signed URL (``MEDIA_OFFLOAD=redirect``);
* a one-pager's PDF shows an image read from the bucket through the storage API;
* a wrong configuration fails at start-up with a sentence saying what to set.
"""

import io
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

import pytest
from pypdf import PdfReader

from assets.models.library import Audience
from assets.services import ensure_internal_collection
from cms.storage_settings import media_storage
from tests.assets.pdf_support import make_asset, make_library
from tests.cms.factories import JourneyStageFactory, SegmentFactory, ServiceLineFactory

moto_server = pytest.importorskip(
    "moto.server", reason="moto's S3 server is not installed: pip install -e '.[dev]'"
)
boto3 = pytest.importorskip("boto3", reason="boto3 is not installed: pip install -e '.[dev]'")

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "concord-test",
    "AWS_SECRET_ACCESS_KEY": "concord-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}
Document = get_document_model()
Image = get_image_model()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-protocol server on 127.0.0.1 for this test process."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    """A new, private bucket; the credentials boto3 reads from the environment."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    name = f"concord-media-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name)
    return name


def s3_client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, **_boto_credentials())


def _boto_credentials():
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "region_name": CREDENTIALS["AWS_DEFAULT_REGION"],
    }


def bucket_keys(endpoint, bucket):
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def bucket_object(endpoint, bucket, key):
    return s3_client(endpoint).get_object(Bucket=bucket, Key=key)["Body"].read()


@pytest.fixture
def s3_media(settings, s3_endpoint, bucket):
    """Media in the bucket, configured from the environment's variables as production is."""
    environ = {
        "MEDIA_STORAGE": "s3",
        "MEDIA_BUCKET": bucket,
        "MEDIA_ENDPOINT_URL": s3_endpoint,
        "MEDIA_PREFIX": "media",
    }
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(environ)}
    settings.DEBUG = False
    yield settings
    assert not Path(settings.MEDIA_ROOT).exists(), "a media file was written to the disk"


def http_get(url):
    """A plain HTTP GET with no credentials: ``(status, bytes)``."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def png_upload(name, colour="white"):
    image = get_test_image_file(filename=name, colour=colour, size=(120, 80))
    return SimpleUploadedFile(name, image.file.getvalue(), content_type="image/png")


@pytest.fixture
def signed_in(admin_user, rep):
    clients = {"anonymous": Client()}
    for name, user in (("admin", admin_user), ("rep", rep)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def test_the_settings_name_the_bucket_storage_from_the_environment(s3_endpoint, bucket):
    """A process started with only environment variables stores its files in the bucket."""
    env = {
        **os.environ,
        **CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "MEDIA_STORAGE": "s3",
        "MEDIA_BUCKET": bucket,
        "MEDIA_ENDPOINT_URL": s3_endpoint,
    }
    script = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage as s\n"
        "print(type(s._wrapped).__module__, type(s._wrapped).__name__)\n"
        "print(s.save('probe/hello.txt', ContentFile(b'from the environment')))\n"
        "print(s.url('probe/hello.txt'))\n"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "cms.storage MediaStorage",
        "probe/hello.txt",
        "/media/probe/hello.txt",  # pages link to Concord's view, never to the bucket
    ]
    assert bucket_object(s3_endpoint, bucket, "probe/hello.txt") == b"from the environment"


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs MEDIA_BUCKET"),
        ({"MEDIA_STORAGE": "gcs"}, "MEDIA_STORAGE is “gcs”: use “local”"),
        (
            {"MEDIA_STORAGE": "s3", "MEDIA_BUCKET": "b", "MEDIA_URL_EXPIRE_SECONDS": "soon"},
            "MEDIA_URL_EXPIRE_SECONDS must be a whole number",
        ),
        (
            {"MEDIA_STORAGE": "s3", "MEDIA_BUCKET": "b", "MEDIA_ADDRESSING_STYLE": "dns"},
            "MEDIA_ADDRESSING_STYLE must be “path” or “virtual”",
        ),
    ],
)
def test_a_wrong_configuration_says_what_to_set(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        media_storage(environ)


def test_local_files_stay_the_default():
    assert media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage({"MEDIA_STORAGE": "local"})["BACKEND"].endswith("FileSystemStorage")


def test_the_bucket_storage_is_private_and_signs_its_urls(s3_media, s3_endpoint, bucket):
    name = default_storage.save("images/private.png", ContentFile(b"not for everyone"))
    assert f"media/{name}" in bucket_keys(s3_endpoint, bucket)
    assert default_storage.url(name) == f"/media/{name}"
    # The bucket's own address refuses anyone without a signature …
    status, _ = http_get(f"{s3_endpoint}/{bucket}/media/{name}")
    assert status == 403
    # … and the signed URL handed out after Concord's check is short-lived and works.
    signed = default_storage.storage_url(name)
    assert signed.startswith(f"{s3_endpoint}/{bucket}/media/{name}?")
    assert "X-Amz-Expires=300" in signed
    assert http_get(signed) == (200, b"not for everyone")


def test_files_uploaded_in_the_admin_are_in_the_bucket_and_keep_their_privacy(
    s3_media, s3_endpoint, bucket, signed_in
):
    internal = ensure_internal_collection()
    admin = signed_in["admin"]
    response = admin.post(
        reverse("wagtailimages:add"),
        {"title": "Margin chart", "file": png_upload("margins.png"), "collection": internal.pk},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    pdf = b"%PDF-1.4\n% internal rate card\n%%EOF\n"
    response = admin.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Rate card",
            "file": SimpleUploadedFile("rate-card.pdf", pdf, content_type="application/pdf"),
            "collection": internal.pk,
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors

    image = Image.objects.get(title="Margin chart")
    document = Document.objects.get(title="Rate card")
    rendition = image.get_rendition("width-60")
    keys = bucket_keys(s3_endpoint, bucket)
    for name in (image.file.name, document.file.name, rendition.file.name):
        assert f"media/{name}" in keys
    original = bucket_object(s3_endpoint, bucket, f"media/{image.file.name}")
    assert bucket_object(s3_endpoint, bucket, f"media/{document.file.name}") == pdf

    rep, anonymous = signed_in["rep"], signed_in["anonymous"]
    response = rep.get(document.url)
    assert response.status_code == 200
    assert body(response) == pdf
    response = rep.get(image.file.url)
    assert response.status_code == 200
    assert body(response) == original
    assert response["Cache-Control"].startswith("private")
    response = rep.get(rendition.url)
    assert response.status_code == 200
    assert body(response).startswith(b"\x89PNG")

    for url in (document.url, image.file.url, rendition.url):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_with_redirects_a_rep_gets_a_signed_url_and_a_visitor_gets_nothing(
    s3_media, s3_endpoint, bucket, signed_in
):
    s3_media.CONCORD_MEDIA_OFFLOAD = "redirect"
    image = Image.objects.create(
        title="Margin chart",
        file=get_test_image_file(filename="margins.png", colour="red"),
        collection=ensure_internal_collection(),
    )
    original = bucket_object(s3_endpoint, bucket, f"media/{image.file.name}")

    response = signed_in["rep"].get(image.file.url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3_endpoint}/{bucket}/media/{image.file.name}?")
    assert "no-store" in response["Cache-Control"]
    assert http_get(location) == (200, original)
    assert http_get(location.split("?")[0])[0] == 403

    response = signed_in["anonymous"].get(image.file.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_public_image_is_open_to_visitors_from_the_bucket(s3_media, signed_in):
    image = Image.objects.create(
        title="Rehab gym",
        file=get_test_image_file(filename="gym.png"),
        collection=Collection.get_first_root_node(),
    )
    response = signed_in["anonymous"].get(image.file.url)
    assert response.status_code == 200
    assert body(response) == image.file.storage.open(image.file.name).read()
    assert response["Cache-Control"].startswith("public")


def test_a_pdf_shows_an_image_read_from_the_bucket(s3_media, home_page, rep, signed_in):
    image = Image.objects.create(
        title="Rehab gym",
        file=get_test_image_file(filename="gym.png", colour="blue", size=(300, 200)),
        collection=Collection.get_first_root_node(),
    )
    taxonomy = (
        ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD"),
        JourneyStageFactory(slug="awareness", name="Awareness", order=1),
        SegmentFactory(slug="referring-physician", name="Referring physician"),
    )
    asset = make_asset(
        make_library(home_page),
        "Rehab gym tour",
        taxonomy=taxonomy,
        audience=Audience.EXTERNAL,
        body=[("image", {"image": image, "alt_text": "The rehab gym", "decorative": False})],
        code="CARD-OP-2026-0101",
    )

    response = signed_in["rep"].get(asset.url + "pdf/")

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(body(response)))
    images = [picture for page in reader.pages for picture in page.images]
    assert len(images) == 1
    assert images[0].image.size == (300, 200)
    assert images[0].image.getpixel((150, 100))[:3] == (0, 0, 255)
