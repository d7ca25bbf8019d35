"""Share links: approved library items a rep sent to one buyer, and what happened to them.

A ``Share`` is one link (``/s/<token>/``) for one recipient, holding one or more
``ShareItem`` rows in the order the rep chose. The personalisation (recipient,
organisation, note) is written once, checked, and never edited: a different wording is
a new share. What a buyer sees is worked out on every request from the items' *current*
approval (``shares.services.share_state``), never from a copy taken when the link was
made, so the link follows review: a newer approved version is served, a withdrawn,
expired or deleted item is not.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_BYTES = 32  # 256 bits; ``secrets.token_urlsafe`` gives 43 characters
TOKEN_LENGTH = 43
DEFAULT_LIFETIME_DAYS = 90

RECIPIENT_MAX = 120
ORGANISATION_MAX = 160
NOTE_MAX = 600
MAX_ITEMS = 10


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def lifetime():
    days = getattr(settings, "CONCORD_SHARE_LIFETIME_DAYS", DEFAULT_LIFETIME_DAYS)
    return timedelta(days=int(days))


def default_expiry():
    return timezone.now() + lifetime()


class Share(models.Model):
    """One link for one buyer. Immutable except for revocation."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        "cms.User", on_delete=models.PROTECT, related_name="shares", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(default=default_expiry)
    recipient = models.CharField(max_length=RECIPIENT_MAX)
    organisation = models.CharField(max_length=ORGANISATION_MAX)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "cms.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        verbose_name = "share link"

    def __str__(self):
        return f"For {self.recipient}, {self.organisation}"

    def get_absolute_url(self):
        return f"/s/{self.token}/"

    @property
    def full_url(self):
        """The link to send: on the site's canonical address (``WAGTAILADMIN_BASE_URL``),
        whatever host the rep happens to use Concord on."""
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.get_absolute_url()

    @property
    def full_pdf_url(self):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.get_pdf_url()

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def has_expired(self, *, now=None):
        return (now or timezone.now()) >= self.expires_at

    def get_pdf_url(self):
        return f"/s/{self.token}/pdf/"


class ShareItem(models.Model):
    """A library item in a share, and what it was when it was shared.

    ``page`` becomes null when the item is deleted; the title, approval code and
    version taken at share time are for the rep's list and the audit trail only —
    buyers are never shown them.
    """

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        "assets.LibraryItemPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=255)
    approval_code = models.CharField(max_length=64)
    approval_version = models.PositiveIntegerField(default=1)
    # What the rep was last told about this item ("withdrawn", "expired", "deleted",
    # "replaced:<version>"), so each change is e-mailed once.
    notified = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["page"])]

    def __str__(self):
        return self.title


class ShareOpen(models.Model):
    """A buyer opened the link (``page``) or downloaded its PDF (``pdf``).

    Nothing about the buyer is stored: no address, no cookie, no user agent.
    """

    class Kind(models.TextChoices):
        PAGE = "page", "Opened"
        PDF = "pdf", "Downloaded the PDF"

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="opens")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["share", "-at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class SenderProfile(models.Model):
    """How a buyer reaches the rep who shared: shown on every share page and PDF.

    Name and e-mail come from the account; the phone number is asked for the first
    time a rep shares and kept here for next time.
    """

    user = models.OneToOneField(
        "cms.User", on_delete=models.CASCADE, primary_key=True, related_name="sender_profile"
    )
    phone = models.CharField(max_length=40, blank=True)

    def __str__(self):
        return f"Contact details of {self.user}"
