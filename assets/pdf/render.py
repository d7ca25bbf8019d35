"""PDF rendering for the rep library: a locked-down fetcher, a time limit, a content cache.

Three pieces, used by ``assets.pdf.views`` and ``assets.pdf.tasks``:

``restricted_url_fetcher()``
    WeasyPrint reads every stylesheet, image and attachment named in the HTML through
    its URL fetcher, and its default one happily opens ``file:///etc/passwd`` or any
    host on the network. Ours answers only ``data:`` URLs, files under the static roots
    (paths resolved first, so ``..`` and symlinks can't leave them), and the media files
    the HTML names by the site's own ``/media/…`` URLs, which the parent process read
    through Django's storage API before the render (``stored_media``: local files or an
    object storage bucket alike). Nothing in the render process ever opens a socket.

``render_pdf(html, base_url=…)``
    Renders in a separate process forked from a warm ``forkserver`` (WeasyPrint is
    imported there once). The parent waits at most ``CONCORD_PDF_RENDER_TIMEOUT``
    seconds and kills the child after that, so a pathological document can't tie up a
    web worker. WeasyPrint has no time limit of its own, and a thread can't be killed.
    What comes back must look like a whole PDF (``check_pdf``: ``%PDF-`` at the start,
    ``%%EOF`` at the end). A render that fails any other way than by the time limit (the
    child died, WeasyPrint raised, the bytes are not a whole PDF) is tried again, up to
    ``CONCORD_PDF_RENDER_ATTEMPTS`` times in all (2): a warning per retry, an error
    with the traceback when it finally fails. Like every ``multiprocessing`` start
    method but ``fork``, the child imports the parent's main script: scripts that
    render PDFs need the ``if __name__ == "__main__":`` guard (``manage.py``,
    gunicorn, pytest and ``bench/pdf.py`` have it). ``renderer()`` is the one seam:
    ``CONCORD_PDF_RENDERER`` can name another function in WeasyPrint's place (the
    tests' stub); retries, the check and the logs stay the same.

``get_or_render(key=…, build_html=…)``
    PDF bytes live in Django's cache under a key made from the template version and
    the revisions they contain, so a new revision is a new key and nothing stale can
    be served. A per-key lock (``cache.add``, atomic in Redis and in local memory)
    makes concurrent requests for the same missing PDF render it once; the others wait
    for the result. Only bytes that pass ``check_pdf`` are stored, and a cached entry
    that doesn't pass it is treated as missing: a failed or broken render is never
    served from the cache.
"""

import base64
import functools
import hashlib
import html as html_module
import logging
import mimetypes
import multiprocessing
import re
import time
import traceback
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Where the print templates and their stylesheet live (site-wide ``templates/``).
TEMPLATE_DIR = "pdf"

DEFAULT_RENDER_TIMEOUT = 20  # seconds
DEFAULT_RENDER_ATTEMPTS = 2  # a failed render is tried once more (never after a timeout)
DEFAULT_CACHE_TIMEOUT = 60 * 60 * 24 * 30  # 30 days; keys change with content anyway
CACHE_PREFIX = "concord:pdf"


class PdfError(Exception):
    """A PDF could not be produced. ``str(error)`` is safe to show to people.

    ``detail`` holds the render process's traceback when it raised (for the logs).
    """

    detail = ""


class PdfRenderTimeout(PdfError):
    """The render took longer than the time limit and was stopped (not retried)."""


class PdfRenderCrashed(PdfError):
    """The render process died without answering (killed, crashed, out of memory)."""


class PdfInvalid(PdfError):
    """The renderer answered with bytes that are not a whole PDF."""


class ResourceRefused(ValueError):
    """The HTML named a resource the PDF renderer may not read."""


# --- The fetcher -------------------------------------------------------------------


@dataclass(frozen=True)
class FetchPolicy:
    """What a render may read. Plain data, so it can be sent to the render process.

    ``media_files`` maps a media storage name to ``(mime type, bytes)``: the media the
    HTML names, read by the parent through the storage API (``for_html``). The render
    process reads no media any other way, so it needs neither Django nor the bucket.
    """

    static_roots: tuple[str, ...]
    site_origins: tuple[str, ...]
    static_url: str
    media_url: str
    media_files: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_settings(cls):
        static_roots = [str(settings.STATIC_ROOT)]
        for entry in settings.STATICFILES_DIRS:
            # STATICFILES_DIRS items may be (prefix, path) pairs; we only use plain paths.
            if isinstance(entry, str | Path):
                static_roots.append(str(entry))
        return cls(
            static_roots=tuple(static_roots),
            site_origins=tuple(_origin(url) for url in site_base_urls()),
            static_url=_path_prefix(settings.STATIC_URL),
            media_url=_path_prefix(settings.MEDIA_URL),
        )

    @classmethod
    def for_html(cls, html, base_url):
        """The policy for rendering ``html``: the settings' rules and its media files."""
        policy = cls.from_settings()
        return replace(policy, media_files=stored_media(html, base_url, policy))

    def media_name(self, url):
        """The media storage name an absolute site URL points at, or ``None``."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or _origin(url) not in self.site_origins:
            return None
        path = unquote(parts.path)
        if not path.startswith(self.media_url):
            return None
        return path[len(self.media_url) :] or None


# Where HTML names a resource: src/href/data attributes and CSS url(…).
_RESOURCE_REFERENCE = re.compile(
    r"""\b(?:src|href|data)\s*=\s*(?:"([^"]*)"|'([^']*)')|url\(\s*["']?([^"')\s]+)""",
    re.IGNORECASE,
)


def stored_media(html, base_url, policy):
    """``{name: (mime type, bytes)}`` of every media file ``html`` names by a site URL.

    Read in the calling (Django) process through the storage API — the file system or
    an S3 bucket (``MEDIA_STORAGE``, docs/deployment.md) — so the render process gets
    the bytes and never opens a file or a socket for them. Names that aren't safe
    (``cms.media.clean_name``), files that don't exist and, on a local disk, files
    that resolve outside the storage's folder (symlinks) are left out: the render
    process then refuses them like any other unknown resource.
    """
    from cms.media import clean_name

    if not isinstance(html, str):
        return {}  # nothing to read; the renderer says what is wrong with it
    names = set()
    for match in _RESOURCE_REFERENCE.finditer(html):
        url = html_module.unescape(next(group for group in match.groups() if group is not None))
        name = clean_name(policy.media_name(urljoin(base_url, url.strip())) or "")
        if name:
            names.add(name)
    found = {}
    for name in sorted(names):
        content = _read_stored(name)
        if content is not None:
            found[name] = (mimetypes.guess_type(name)[0] or "application/octet-stream", content)
    return found


def _media_storages():
    """The storages media names may be in: the default, then the renditions' own."""
    from django.core.files.storage import default_storage

    from wagtail.images import get_image_model

    rendition_storage = get_image_model().get_rendition_model()._meta.get_field("file").storage
    storages = [default_storage]
    if rendition_storage is not default_storage:
        storages.append(rendition_storage)
    return storages


def _read_stored(name):
    for storage in _media_storages():
        try:
            local = storage.path(name)
        except NotImplementedError:
            local = None
        if local is not None:
            # On a disk: only a file that really is inside the storage's folder.
            try:
                _allowed_file(Path(local), (storage.location,), name)
            except ResourceRefused:
                continue
        try:
            with storage.open(name, "rb") as handle:
                return handle.read()
        except Exception as error:  # noqa: BLE001 - any storage's "not there" or outage
            logger.warning("PDF render: could not read media file %s: %s", name, error)
    return None


def _path_prefix(url):
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path + "/"


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def site_base_urls():
    """The site roots whose ``/static/`` and ``/media/`` URLs map onto local files."""
    base = getattr(settings, "CONCORD_PDF_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return [base.rstrip("/") + "/"]


def default_base_url():
    """The base URL of every rendered document: relative links resolve to the site."""
    return site_base_urls()[0]


@functools.cache
def _fetcher_class():
    # WeasyPrint takes over a second to import: only the render process needs it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedURLFetcher(URLFetcher):
        """WeasyPrint's fetcher, reduced to ``data:`` URLs and files under allowed roots."""

        def __init__(self, policy):
            super().__init__(allowed_protocols=("data", "file", "http", "https"))
            self.policy = policy

        def fetch(self, url, headers=None):
            path, content = resolve_resource(url, self.policy)
            if content is not None:
                mime, body = content
                return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime}
            )

        def open(self, url, data=None, timeout=None):
            # urllib-style entry points end up here too: same rules.
            return self.fetch(getattr(url, "full_url", url))

    return RestrictedURLFetcher


def restricted_url_fetcher(policy=None):
    """A WeasyPrint URL fetcher that reads only what ``policy`` allows (``resolve_resource``)."""
    return _fetcher_class()(policy or FetchPolicy.from_settings())


def resolve_resource(url, policy):
    """Decide what ``url`` may be read as. Returns ``(path, None)`` or ``(None, (mime, bytes))``.

    Raises ``ResourceRefused`` for anything else. Never touches the network.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return None, _decode_data_url(url)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Refused a file URL on another host: {url}")
        path = Path(url2pathname(unquote(parts.path)))
        return _allowed_file(path, policy.static_roots, url), None
    if scheme in ("http", "https") and _origin(url) in policy.site_origins:
        # The site's own static files are on this machine: read them from disk instead
        # of asking the web server. Its media files were read through the storage API
        # by the parent (``stored_media``).
        name = policy.media_name(url)
        if name is not None:
            if name in policy.media_files:
                return None, policy.media_files[name]
            raise ResourceRefused(f"Refused a media URL that names no stored file: {url}")
        path = unquote(parts.path)
        if path.startswith(policy.static_url):
            relative = path[len(policy.static_url) :]
            for root in policy.static_roots:
                try:
                    return _allowed_file(Path(root) / relative, (root,), url), None
                except ResourceRefused:
                    continue
        raise ResourceRefused(f"Refused a site URL outside static and media files: {url}")
    raise ResourceRefused(f"Refused a resource outside static and media files: {url}")


def _allowed_file(path, roots, url):
    """``path`` resolved, if it is a file under one of ``roots``; else ``ResourceRefused``."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise ResourceRefused(f"No such file for {url}") from error
    for root in roots:
        try:
            root_path = Path(root).resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if resolved.is_relative_to(root_path) and resolved.is_file():
            return resolved
    raise ResourceRefused(f"Refused a file outside the static and media roots: {url}")


def _decode_data_url(url):
    header, separator, payload = url[len("data:") :].partition(",")
    if not separator:
        raise ResourceRefused("Malformed data: URL")
    params = header.split(";")
    mime = params[0].strip() or "text/plain"
    if "base64" in (param.strip().lower() for param in params[1:]):
        try:
            body = base64.b64decode(unquote(payload), validate=False)
        except ValueError as error:
            raise ResourceRefused("Malformed base64 in a data: URL") from error
    else:
        body = unquote_to_bytes(payload)
    return mime, body


# --- Rendering with a time limit -------------------------------------------------------


_context = None


def _render_context():
    """A ``forkserver`` context whose server has WeasyPrint imported already.

    Forking the (possibly threaded) web process is unsafe; forking a small, clean
    server process that imported WeasyPrint once makes each render start in ~10 ms.
    """
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "assets.pdf.render"])
        _context = context
    return _context


def render_timeout():
    return float(getattr(settings, "CONCORD_PDF_RENDER_TIMEOUT", DEFAULT_RENDER_TIMEOUT))


def render_attempts():
    return max(1, int(getattr(settings, "CONCORD_PDF_RENDER_ATTEMPTS", DEFAULT_RENDER_ATTEMPTS)))


def renderer():
    """The function that turns HTML into PDF bytes, called once per attempt.

    ``CONCORD_PDF_RENDERER``, the dotted path of a function taking
    ``(html, *, base_url, timeout, policy)``, replaces WeasyPrint: tests that check only
    status codes, headers, caching or permissions use a stub that makes a tiny PDF.
    Unset (production): ``_render_once``, WeasyPrint in a child process.
    """
    path = getattr(settings, "CONCORD_PDF_RENDERER", "")
    # Looked up at each call, so a test can put a faulty ``_render_once`` in place.
    return import_string(path) if path else _render_once


def render_pdf(html, *, base_url, timeout=None, policy=None, name=None):
    """Render ``html`` to PDF bytes in a child process; raise ``PdfError`` on failure.

    The child is killed when it takes longer than ``timeout`` seconds
    (``CONCORD_PDF_RENDER_TIMEOUT`` by default); that is not retried, since the same
    document would take as long again. Any other failure, bytes that are not a whole
    PDF included, is retried up to ``CONCORD_PDF_RENDER_ATTEMPTS`` attempts in all.
    ``name`` (a file name) is for the logs.
    """
    name = name or "a PDF"
    attempts = render_attempts()
    render_once = renderer()
    policy = policy or FetchPolicy.for_html(html, base_url)
    for attempt in range(1, attempts + 1):
        started = time.monotonic()
        try:
            content = check_pdf(
                render_once(html, base_url=base_url, timeout=timeout, policy=policy)
            )
        except PdfRenderTimeout:
            logger.error("PDF render of %s stopped at the time limit", name, exc_info=True)
            raise
        except PdfError as error:
            if attempt < attempts:
                logger.warning(
                    "PDF render of %s failed (attempt %d of %d), trying again: %s",
                    name,
                    attempt,
                    attempts,
                    error,
                )
                continue
            logger.error(
                "PDF render of %s failed after %d attempt(s): %s%s",
                name,
                attempts,
                error,
                f"\nRender process traceback:\n{error.detail}" if error.detail else "",
                exc_info=True,
            )
            raise
        logger.info(
            "Rendered a PDF: %d bytes in %.0f ms",
            len(content),
            (time.monotonic() - started) * 1000,
        )
        return content
    raise AssertionError("unreachable")  # pragma: no cover


def _render_once(html, *, base_url, timeout=None, policy=None):
    """One render by WeasyPrint in one child process: its bytes, or ``PdfError``."""
    timeout = render_timeout() if timeout is None else timeout
    policy = policy or FetchPolicy.for_html(html, base_url)
    context = _render_context()
    receiver, sender = context.Pipe(duplex=False)
    # Looked up at each call (not bound at import), so a test can put a faulty child here.
    process = context.Process(
        target=_render_in_child, args=(sender, html, base_url, policy), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            process.kill()
            raise PdfRenderTimeout(
                f"The PDF took longer than {timeout:g} seconds to render and was stopped."
            )
        try:
            status, payload, warnings, detail = receiver.recv()
        except EOFError as error:
            raise PdfRenderCrashed("The PDF renderer stopped unexpectedly.") from error
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
    for message in warnings:
        logger.warning("PDF render: %s", message)
    if status != "ok":
        error = PdfError(f"The PDF could not be rendered: {payload}")
        error.detail = detail
        raise error
    return payload


# Every PDF is tagged for assistive technology: WeasyPrint's PDF/UA-1 variant writes the
# structure tree (headings, paragraphs, lists, tables with their headers, figures with
# their alt text, in reading order), the document language and title, and PDF/UA
# metadata (docs/pdfs.md, "Accessibility").
PDF_VARIANT = "pdf/ua-1"

# ``%%EOF`` must be within this many bytes of the end (PDF readers look in the last 1 KiB).
EOF_WINDOW = 1024


def is_complete_pdf(content):
    """Cheap, parse-free: ``%PDF-`` at the start and ``%%EOF`` near the end."""
    return (
        isinstance(content, bytes)
        and content.startswith(b"%PDF-")
        and b"%%EOF" in content[-EOF_WINDOW:]
    )


def check_pdf(content):
    """Raise ``PdfInvalid`` unless ``content`` looks like a whole PDF file."""
    if not is_complete_pdf(content):
        size = len(content) if isinstance(content, bytes | bytearray) else type(content).__name__
        raise PdfInvalid(f"The PDF renderer returned an incomplete file ({size} bytes).")
    return content


def _render_in_child(sender, html, base_url, policy):
    """Runs in the render process: HTML in, PDF bytes (or an error message) out.

    WeasyPrint's warnings (a refused image, an unknown CSS property) are collected and
    sent back, so they reach the site's logs instead of the child's stderr.
    """
    warnings = _CollectingHandler()
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.addHandler(warnings)
    weasyprint_logger.propagate = False
    try:
        import weasyprint

        document = weasyprint.HTML(
            string=html, base_url=base_url, url_fetcher=restricted_url_fetcher(policy)
        )
        sender.send(("ok", document.write_pdf(pdf_variant=PDF_VARIANT), warnings.messages, ""))
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
        sender.send(
            (
                "error",
                f"{type(error).__name__}: {error}",
                warnings.messages,
                traceback.format_exc(),
            )
        )
    finally:
        sender.close()


class _CollectingHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# --- Cache keys ------------------------------------------------------------------------


_template_version = None


def template_version():
    """A digest of every file under ``templates/pdf/``: editing a template or the print
    stylesheet changes every key, so old PDFs are never served with a new layout."""
    global _template_version
    if _template_version is None:
        digest = hashlib.sha256()
        for directory in _template_dirs():
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    digest.update(str(path.relative_to(directory)).encode())
                    digest.update(path.read_bytes())
        _template_version = digest.hexdigest()[:16]
    return _template_version


def _template_dirs():
    dirs = []
    for engine in settings.TEMPLATES:
        for directory in engine.get("DIRS", []):
            candidate = Path(directory) / TEMPLATE_DIR
            if candidate.is_dir():
                dirs.append(candidate)
    return dirs


def content_key(kind, *parts):
    """The cache key of a PDF: its kind, the template version and what it contains.

    ``parts`` are plain values (revision ids, approval stamps, glossary version, …);
    any change among them is a different PDF.
    """
    digest = hashlib.sha256()
    digest.update(template_version().encode())
    for part in (kind, *parts):
        digest.update(b"\x1f")
        digest.update(str(part).encode())
    return f"{kind}-{digest.hexdigest()[:40]}"


def _cache_key(key):
    return f"{CACHE_PREFIX}:{key}"


def cache_timeout():
    return int(getattr(settings, "CONCORD_PDF_CACHE_TIMEOUT", DEFAULT_CACHE_TIMEOUT))


def cached_pdf(key):
    """The PDF bytes cached under ``key``, or ``None``. A cached entry that is not a
    whole PDF (it can't be stored by ``get_or_render``, but a cache is shared) is
    deleted and reported as missing, so it is rendered again rather than served."""
    pdf = cache.get(_cache_key(key))
    if pdf is None or is_complete_pdf(pdf):
        return pdf
    logger.error("Dropped a broken cached PDF (%s): not a whole PDF file", key)
    cache.delete(_cache_key(key))
    return None


def is_cached(key):
    """Whether PDF bytes are cached under ``key``, without reading them (for 304s)."""
    return cache.has_key(_cache_key(key))


def get_or_render(*, key, build_html, base_url=None, dependencies=(), name=None):
    """The PDF stored under ``key``, rendering it (once, under a lock) when missing.

    ``build_html`` is called only when a render is needed. ``dependencies`` are labels
    (see ``dependency_label``) of the content inside: ``drop_dependents`` removes this
    PDF when any of them is withdrawn. ``name`` labels the document in the logs (the
    views pass its file name; by default the key).
    Raises ``PdfError`` when the render fails (after ``render_pdf``'s retry); nothing
    is stored then and the lock is released.
    """
    pdf = cached_pdf(key)
    if pdf is not None:
        return pdf
    timeout = render_timeout()
    # The lock outlives every attempt of one render; waiters give up a little later.
    lock_seconds = int(timeout * render_attempts()) + 10
    lock = f"{_cache_key(key)}:lock"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + lock_seconds
    while True:
        if cache.add(lock, token, timeout=lock_seconds):
            try:
                pdf = cached_pdf(key)
                if pdf is None:
                    pdf = render_pdf(
                        build_html(),
                        base_url=base_url or default_base_url(),
                        name=name or key,
                    )
                    cache.set(_cache_key(key), check_pdf(pdf), cache_timeout())
                    _remember_dependents(key, dependencies)
                return pdf
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        # Someone else is rendering this PDF: wait for it rather than render it again.
        time.sleep(0.05)
        pdf = cached_pdf(key)
        if pdf is not None:
            return pdf
        if time.monotonic() > deadline:
            raise PdfRenderTimeout("The PDF is taking too long to prepare. Try again shortly.")


def dependency_label(obj):
    """A stable label for a content object, e.g. ``assets.enablementassetpage:42``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def _dependents_key(label):
    return f"{CACHE_PREFIX}:deps:{label}"


MAX_DEPENDENTS = 200


def _remember_dependents(key, labels):
    for label in labels:
        index = _dependents_key(label)
        keys = cache.get(index) or []
        if key not in keys:
            keys = [*keys, key][-MAX_DEPENDENTS:]
            cache.set(index, keys, cache_timeout())


def drop_dependents(obj):
    """Remove every cached PDF that contains ``obj`` (on withdraw and unpublish).

    Keys already change with every revision, so this is about not keeping the bytes
    of withdrawn material around, not about correctness of what is served.
    """
    index = _dependents_key(dependency_label(obj))
    keys = cache.get(index) or []
    cache.delete_many([_cache_key(key) for key in keys] + [index])
    if keys:
        logger.info("Dropped %d cached PDF(s) containing %s", len(keys), dependency_label(obj))
    return len(keys)
