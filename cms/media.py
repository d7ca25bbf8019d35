"""``/media/…``: image files served with the privacy of the image's collection.

Mounted in every environment (``cms/urls.py``), DEBUG or not, so development behaves
like production and nobody needs to point a proxy at ``MEDIA_ROOT`` — which would hand
out restricted documents and internal images to anyone with the URL.

* Only **image originals and renditions** are answered, found by their exact stored
  name; everything else under ``/media/`` is 404 — documents included: they are served
  only by Wagtail's ``/documents/<id>/<name>`` view, which checks their collection.
  A path with ``..``, an empty segment, a backslash or a NUL is 404 before any lookup.
* The image's collection restrictions (``CollectionViewRestriction``, the collection's
  and its parents') apply as for documents: ``restriction.accept_request(request)``.
  Anonymous visitors are sent to the sign-in page; signed-in people outside the
  restriction's groups get 403; a password restriction is 403 (an ``<img>`` can't ask).
* ``Content-Type`` from the file's extension, ``X-Content-Type-Options: nosniff`` and a
  ``Content-Security-Policy`` that runs nothing. Public images: ``Cache-Control:
  public`` for ``CONCORD_MEDIA_MAX_AGE`` seconds; restricted ones ``private`` and
  ``Vary: Cookie``, so no shared cache keeps them.

Who sends the bytes, after the check (``CONCORD_MEDIA_OFFLOAD``, docs/deployment.md):

* ``""`` (default) — Django streams them (``storage.open`` when the storage has no
  local path, e.g. object storage);
* ``"x-accel-redirect"`` — nginx: an empty response with ``X-Accel-Redirect:
  CONCORD_MEDIA_ACCEL_PREFIX + name``, an ``internal`` location aliased to MEDIA_ROOT;
* ``"x-sendfile"`` — Apache mod_xsendfile / lighttpd: ``X-Sendfile: <absolute path>``;
* ``"redirect"`` — object storage: a 302 to the storage's own URL (signed, for a private
  bucket with query-string auth), ``Cache-Control: private, no-store``. The bucket
  storage (``MEDIA_STORAGE=s3``: ``cms.storage.MediaStorage``) has
  ``MediaViewURLsMixin``, so pages link to this view, not to the bucket.

The same module is Wagtail's ``SENDFILE_BACKEND`` (``sendfile`` below), so documents
served by ``/documents/`` are handed to nginx or Apache the same way.
"""

import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import filepath_to_uri
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

from wagtail.images import get_image_model
from wagtail.models import BaseViewRestriction
from wagtail.utils import sendfile_streaming_backend

IMAGE_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
# Nothing in a media response may run: it matters for SVG opened on its own.
MEDIA_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
OFFLOAD_METHODS = {"", "x-accel-redirect", "x-sendfile", "redirect"}


def clean_name(path):
    """The storage name a ``/media/`` path asks for, or ``None`` if it is unsafe."""
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return path


def image_for(name):
    """The image whose original or rendition is stored as ``name``, or ``None``."""
    Image = get_image_model()
    image = Image.objects.filter(file=name).select_related("collection").first()
    if image is not None:
        return image
    Rendition = Image.get_rendition_model()
    rendition = Rendition.objects.filter(file=name).select_related("image__collection").first()
    return rendition.image if rendition is not None else None


def refusal(request, collection):
    """``None`` if ``request`` may see files of ``collection``; else what to answer.

    The same check as Wagtail's document view (``wagtail.documents.wagtail_hooks``).
    """
    from wagtail.wagtail_hooks import require_wagtail_login

    for restriction in collection.get_view_restrictions():
        if restriction.accept_request(request):
            continue
        if restriction.restriction_type != BaseViewRestriction.PASSWORD and (
            not request.user.is_authenticated
        ):
            return require_wagtail_login(next=request.get_full_path())
        raise PermissionDenied
    return None


@require_safe
def serve(request, path):
    name = clean_name(path)
    image = image_for(name) if name else None
    if image is None:
        raise Http404("No such image.")
    answer = refusal(request, image.collection)
    if answer is not None:
        return answer
    restricted = image.collection.get_view_restrictions().exists()
    response = file_response(request, image.file.storage, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_POLICY
    if response.status_code == 302:
        patch_cache_control(response, private=True, no_store=True)
    elif restricted:
        patch_cache_control(response, private=True, max_age=max_age())
    else:
        patch_cache_control(response, public=True, max_age=max_age())
    if restricted:
        patch_vary_headers(response, ["Cookie"])
    return response


def max_age():
    return getattr(settings, "CONCORD_MEDIA_MAX_AGE", 3600)


def offload_method():
    method = getattr(settings, "CONCORD_MEDIA_OFFLOAD", "") or ""
    if method not in OFFLOAD_METHODS:
        raise ValueError(f"CONCORD_MEDIA_OFFLOAD must be one of {sorted(OFFLOAD_METHODS)}")
    return method


def content_type(name):
    extension = os.path.splitext(name)[1].lower()
    return IMAGE_TYPES.get(extension) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def local_path(storage, name):
    """The file's path on this machine, or ``None`` (object storage, in-memory storage)."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        return None
    return path if os.path.isfile(path) else None


def file_response(request, storage, name):
    """The bytes of ``name`` (already checked), sent the configured way."""
    method = offload_method()
    path = local_path(storage, name)
    if method == "redirect":
        target = getattr(storage, "storage_url", storage.url)(name)
        if target != request.path:  # a storage whose URLs are this view: send the bytes
            return redirect(target)
        method = ""
    if method == "x-accel-redirect":
        response = HttpResponse(content_type=content_type(name))
        response["X-Accel-Redirect"] = accel_location(name)
        return response
    if path is not None:
        if method == "x-sendfile":
            response = HttpResponse(content_type=content_type(name))
            response["X-Sendfile"] = path
            return response
        modified = os.stat(path).st_mtime
        if not was_modified_since(request.headers.get("if-modified-since"), modified):
            return HttpResponseNotModified()
        response = FileResponse(open(path, "rb"), content_type=content_type(name))  # noqa: SIM115 - FileResponse closes it
        response["Last-Modified"] = http_date(modified)
        return response
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("No such file.") from error
    return FileResponse(handle, content_type=content_type(name))


def accel_location(name):
    prefix = getattr(settings, "CONCORD_MEDIA_ACCEL_PREFIX", "/_protected_media/")
    return prefix.rstrip("/") + "/" + quote(name)


def sendfile(request, filename, **kwargs):
    """Wagtail's ``SENDFILE_BACKEND`` (document downloads, after Wagtail's privacy check).

    ``filename`` is an absolute path under MEDIA_ROOT. Offloaded to the proxy as
    ``CONCORD_MEDIA_OFFLOAD`` says; streamed by Django otherwise (and for ``redirect``,
    which only concerns images).
    """
    method = offload_method()
    if method == "x-accel-redirect":
        name = os.path.relpath(filename, settings.MEDIA_ROOT)
        if name.startswith(".."):
            raise Http404("Not a media file.")
        response = HttpResponse()
        response["X-Accel-Redirect"] = accel_location(name.replace(os.sep, "/"))
        return response
    if method == "x-sendfile":
        response = HttpResponse()
        response["X-Sendfile"] = filename
        return response
    return sendfile_streaming_backend.sendfile(request, filename, **kwargs)


class MediaViewURLsMixin:
    """A storage mixin: file URLs point at this view (``MEDIA_URL`` + name).

    For object storage (``class MediaStorage(MediaViewURLsMixin, S3Storage)``): pages
    then link to ``/media/…``, where privacy is checked, and never to the bucket;
    ``storage_url`` is the storage's own URL (signed for a private bucket), used by the
    ``redirect`` method.
    """

    def url(self, name, *args, **kwargs):
        return settings.MEDIA_URL + filepath_to_uri(name)

    def storage_url(self, name):
        return super().url(name)
