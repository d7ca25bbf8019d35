"""Security helpers that belong to no single app.

``DocumentForm`` — the base of Wagtail's document forms
(``WAGTAILDOCS_DOCUMENT_FORM_BASE``): Wagtail checks only a file's *name* against
``WAGTAILDOCS_EXTENSIONS``, so an executable renamed ``.pdf`` would be stored and
handed to reps as a PDF. This form also checks the first bytes against the type the
name claims.

Login throttling — counts failed sign-ins per (username, client IP); see below and
``cms.middleware``. Content security policy — ``cms.middleware``.
"""

import hashlib
import os

from django import forms
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.dispatch import receiver

from wagtail.documents.forms import BaseDocumentForm

# What the first bytes of each allowed type look like. Office Open XML and
# OpenDocument files are ZIP archives.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
}
TEXT_EXTENSIONS = {"csv", "txt"}
HEAD_BYTES = 8192


def file_matches_extension(*, name, head):
    """Whether ``head`` (the file's first bytes) fits the type ``name`` claims."""
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension in SIGNATURES:
        return head.startswith(SIGNATURES[extension])
    if extension in TEXT_EXTENSIONS:
        return b"\x00" not in head
    return True  # other extensions are refused by WAGTAILDOCS_EXTENSIONS


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            upload.seek(0)
            head = upload.read(HEAD_BYTES)
            upload.seek(0)
            if not file_matches_extension(name=upload.name, head=head):
                raise forms.ValidationError(
                    "The file's contents don't match its name: this is not a real "
                    "%(extension)s file.",
                    code="file_type_mismatch",
                    params={"extension": os.path.splitext(upload.name)[1].lstrip(".").upper()},
                )
        return upload


# Login throttling ---------------------------------------------------------------
#
# Failed sign-ins are counted per (username, client IP) in the cache for
# LOGIN_THROTTLE_WINDOW seconds; at LOGIN_THROTTLE_FAILURES the login forms answer
# 429 for that pair until the window ends (``cms.middleware.LoginThrottleMiddleware``).
# A successful sign-in clears the count. With several workers the cache must be shared
# (REDIS_URL), or each worker counts on its own.


USERNAME_FIELDS = ("username", "email")


def throttle_settings():
    return (
        getattr(settings, "LOGIN_THROTTLE_FAILURES", 5),
        getattr(settings, "LOGIN_THROTTLE_WINDOW", 15 * 60),
    )


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the address the trusted proxy saw.

    ``TRUSTED_PROXY_COUNT`` (default 0) is how many proxies in front of the app append
    to ``X-Forwarded-For``; the client is that many entries from the right. Entries
    further left are set by the client and never trusted.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _throttle_key(*, username, ip):
    digest = hashlib.sha256(f"{username.strip().casefold()}\x00{ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


def login_blocked(*, username, ip):
    limit, _window = throttle_settings()
    return cache.get(_throttle_key(username=username, ip=ip), 0) >= limit


def record_login_failure(*, username, ip):
    _limit, window = throttle_settings()
    key = _throttle_key(username=username, ip=ip)
    cache.add(key, 0, timeout=window)  # the window starts at the first failure
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def clear_login_failures(*, username, ip):
    cache.delete(_throttle_key(username=username, ip=ip))


def _submitted_username(credentials):
    return next((str(credentials[name]) for name in USERNAME_FIELDS if credentials.get(name)), "")


@receiver(user_login_failed, dispatch_uid="concord-login-failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        record_login_failure(username=_submitted_username(credentials), ip=client_ip(request))


@receiver(user_logged_in, dispatch_uid="concord-logged-in")
def _on_logged_in(sender, request, user, **kwargs):
    if request is not None:
        clear_login_failures(username=user.get_username(), ip=client_ip(request))
