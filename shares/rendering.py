"""What a buyer is shown: the share page's HTML and its PDF.

The page is built from the items' current approved versions (``shares.services``),
rendered with the same block templates as the library, then made self-contained for
someone outside the organisation: links into Concord (other items, the library,
documents) are turned into plain text, links to other sites keep their text and open
without a referrer, and images are embedded from storage so the page makes no request
to anything but itself. The PDF is the items' own PDF layout under a cover with the
personalisation, and the approval code in the footer of every page.
"""

import base64
import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from bs4 import BeautifulSoup

from assets.pdf import render as pdf_render
from assets.pdf.documents import ItemDocument, org_name, stamp_text
from shares.services import sender_contact

MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024
EXTERNAL_REL = "noopener noreferrer nofollow"
PDF_TEMPLATE = "shares/share_pdf.html"


# Addresses that are Concord's whatever host they are on: never a link for a buyer.
PRIVATE_PREFIXES = ("/library/", "/admin/", "/documents/", "/shares/", "/s/", "/api/", "/accounts/")
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _host(value):
    """A host name as it is compared: lower case, no brackets, no trailing dot."""
    return (value or "").strip().lower().strip("[]").rstrip(".")


def _is_own_host(host):
    host = _host(host)
    if not host or host in LOOPBACK or host.endswith(".localhost"):
        return True
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    if base and host == _host(urlsplit(base).hostname):
        return True
    for allowed in settings.ALLOWED_HOSTS:
        allowed = allowed.strip().lower()
        if allowed == "*":
            return True  # any host may be Concord's: no absolute link can be trusted
        if allowed.startswith("."):
            if host == _host(allowed[1:]) or host.endswith(_host(allowed)):
                return True
        elif host == _host(allowed):
            return True
    return False


def _is_external(href):
    """Whether a buyer may follow ``href``: another site's page, an e-mail or a phone."""
    parts = urlsplit(href)
    if parts.scheme in ("mailto", "tel"):
        return True
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    path = parts.path or "/"
    if path.startswith((*PRIVATE_PREFIXES, settings.MEDIA_URL)):
        return False
    try:
        host = parts.hostname
    except ValueError:  # a malformed address ("http://[nope/") is nobody's site
        return False
    return not _is_own_host(host)


def _inline_image(src):
    """``src`` (a media URL) as a data: URL read through storage, or None."""
    path = urlsplit(src).path
    if not path.startswith(settings.MEDIA_URL):
        return None
    name = path[len(settings.MEDIA_URL) :]
    content_type = mimetypes.guess_type(name)[0] or ""
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        return None
    try:
        if default_storage.size(name) > MAX_INLINE_IMAGE_BYTES:
            return None
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return None
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def for_buyers(html):
    """``html`` (rendered blocks) with nothing in it that leads back into Concord."""
    soup = BeautifulSoup(html, "html.parser")
    for block in soup.select(".block-document"):
        # A file block: files stay inside Concord; the buyer sees what it is.
        label = block.find("a")
        name = label.get_text(" ", strip=True) if label else block.get_text(" ", strip=True)
        block.clear()
        block.append(f"{name} — a file your contact can send you on request.")
    for link in soup.find_all("a"):
        href = (link.get("href") or "").strip()
        if href and _is_external(href):
            link.attrs = {"href": href, "rel": EXTERNAL_REL}
        else:
            link.unwrap()
    for image in soup.find_all("img"):
        inline = _inline_image(image.get("src") or "")
        if inline is None:
            image.decompose()
            continue
        alt = image.get("alt", "")
        image.attrs = {"src": inline, "alt": alt}
    for tag in soup.find_all(["script", "iframe", "object", "embed", "form", "link", "style"]):
        tag.decompose()
    return str(soup)


def item_html(page):
    """One item's approved content as the buyer reads it (title and stamp are added by
    the page template)."""
    body = render_to_string("shares/item_body.html", {"page": page, "request": _NotPreview})
    return for_buyers(body)


class _NotPreview:
    is_preview = False


def contact(share):
    name, email, phone = sender_contact(share.created_by)
    return {"name": name, "email": email, "phone": phone}


def page_context(state):
    share = state.share
    return {
        "share": share,
        "org_name": org_name(),
        "contact": contact(share),
        "items": [
            {
                "state": item,
                "page": item.page,
                "kind_label": item.page.get_kind_display(),
                "stamp": stamp_text(item.page),
                "html": item_html(item.page),
            }
            for item in state.serving
        ],
        "gone_count": len(state.gone),
        "expires_on": timezone.localtime(share.expires_at).date(),
    }


def gone_context(state):
    return {
        "share": state.share,
        "status": state.status,
        "org_name": org_name(),
        "contact": contact(state.share),
    }


# The PDF ---------------------------------------------------------------------------


class ShareDocument:
    """The PDF of a share: a cover naming the recipient and the rep, then each item
    still approved, laid out as its own PDF, its approval code on every page."""

    def __init__(self, state):
        self.state = state
        self.share = state.share
        self.documents = [ItemDocument(item.page) for item in state.serving]

    def key(self):
        share = self.share
        name, email, phone = sender_contact(share.created_by)
        parts = [share.pk, share.recipient, share.organisation, share.note, name, email, phone]
        for document in self.documents:
            parts.extend(document.key_parts())
        parts.append(len(self.state.gone))
        return pdf_render.content_key("share", *parts)

    def dependencies(self):
        return [label for document in self.documents for label in document.dependencies()]

    def filename(self):
        stem = slugify(f"{org_name()} for {self.share.organisation}") or "shared-material"
        return f"{stem}.pdf"

    def html(self):
        share = self.share
        sections = [
            {
                "id": f"item-{number}",
                "title": document.page.title,
                "kind": document.page.get_kind_display(),
                "stamp": document.stamp(),
                "body": for_buyers(document.body_html(for_buyer=True)),
            }
            for number, document in enumerate(self.documents, start=1)
        ]
        return render_to_string(
            PDF_TEMPLATE,
            {
                "document_title": f"Prepared for {share.recipient}",
                "document_description": ", ".join(d.page.title for d in self.documents),
                "org_name": org_name(),
                "internal": False,
                "draft": False,
                "share": share,
                "contact": contact(share),
                "sections": sections,
                "gone_count": len(self.state.gone),
                "cover_stamp": " · ".join(document.stamp() for document in self.documents),
            },
        )
