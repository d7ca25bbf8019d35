"""Making, reading and revoking share links: the rules in one place.

* ``create_share`` checks everything a share must satisfy (items the rep may see and
  that are meant for buyers; personalisation that is plain, short and in the
  glossary's words) and records it in Wagtail's audit log.
* ``share_state`` answers, at the moment it is asked, what a link serves: each item's
  *current* approved version, or why it no longer can. Nothing is copied when the link
  is made, so withdrawal, expiry, deletion and re-approval show at once.
* ``revoke``, ``record_open`` and ``can_manage`` are the rest of the life of a link.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from wagtail.log_actions import log

from assets.models import LibraryItemPage, UsageEvent
from assets.models.library import Kind
from assets.selectors import visible_library_items
from cms import roles
from cms.models import Audience
from cms.publication import Viewer, is_current
from glossary.checking import find_in_text
from glossary.matching import get_matcher
from shares.models import (
    MAX_ITEMS,
    NOTE_MAX,
    ORGANISATION_MAX,
    RECIPIENT_MAX,
    TOKEN_LENGTH,
    SenderProfile,
    Share,
    ShareItem,
    ShareOpen,
)

TOKEN_SHAPE = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")
PHONE_MAX = 40
# Characters that never belong in a name or a note because a reader can't see them:
# controls, format characters (zero-width, bidi marks and overrides, invisible
# operators, tags), private-use, unassigned and lone surrogate code points, and the
# other "default ignorable" ones (fillers, variation selectors). They would let
# "insur<invisible>ance company" past the glossary and still read as the banned words.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)
# Alphabets whose letters look alike: one word mixing them is a disguise.
_LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
_PHONE = re.compile(r"[0-9+().\-\s/x]*")

CREATE_ACTION = "concord.share.create"
REVOKE_ACTION = "concord.share.revoke"


class ShareRefused(Exception):
    """What is wrong with a share request: ``fields`` maps a field name to a message."""

    def __init__(self, fields):
        super().__init__("; ".join(f"{name}: {message}" for name, message in fields.items()))
        self.fields = fields


# The state of a link -------------------------------------------------------------------

SERVING = ("current", "updated")


@dataclass
class ItemState:
    share_item: ShareItem
    page: object  # the library item (specific when asked for), or None once deleted
    status: str  # current | updated | withdrawn | expired | deleted

    @property
    def serving(self):
        return self.status in SERVING

    @property
    def updated_on(self):
        return self.page.approved_at if self.status == "updated" else None


@dataclass
class ShareState:
    share: Share
    items: list = field(default_factory=list)
    now: object = None

    @cached_property
    def serving(self):
        return [item for item in self.items if item.serving]

    @property
    def gone(self):
        return [item for item in self.items if not item.serving]

    @property
    def status(self):
        """``revoked``, ``expired`` (the link), ``gone`` (nothing approved left) or ``active``."""
        if self.share.is_revoked:
            return "revoked"
        if self.share.has_expired(now=self.now):
            return "expired"
        if not self.serving:
            return "gone"
        return "active"

    @property
    def is_active(self):
        return self.status == "active"


def item_status(share_item, page, *, on=None, sharer=None):
    """Why ``page`` is or isn't served for ``share_item`` today. ``sharer``: the
    ``Viewer`` of the rep who shared it; an item made private to them since stops."""
    if page is None:
        return "deleted"
    hidden = sharer is not None and not sharer.may_see_page(page)
    if not is_current(page, on=on) or page.audience == Audience.INTERNAL or hidden:
        on = on or timezone.localdate()
        past_date = page.review_by is not None and page.review_by < on
        return "expired" if page.expired or past_date else "withdrawn"
    if (page.approval_code, page.approval_version) != (
        share_item.approval_code,
        share_item.approval_version,
    ):
        return "updated"
    return "current"


def share_state(share, *, specific=True, now=None, sharer=None):
    """What ``share`` serves now. ``specific``: load each page's own type (to render it).
    ``sharer``: the ``Viewer`` of the rep who made it, if the caller has it already
    (their own list); otherwise it is built (two queries)."""
    now = now or timezone.now()
    sharer = sharer or Viewer.of(share.created_by)
    today = timezone.localdate(now)
    share_items = list(share.items.all())
    pages = {}
    ids = [item.page_id for item in share_items if item.page_id]
    if ids:
        if specific:
            found = LibraryItemPage.objects.filter(pk__in=ids).specific()
            pages = {page.pk: page for page in found}
        else:
            pages = {item.page_id: item.page for item in share_items if item.page_id}
    items = []
    for item in share_items:
        page = pages.get(item.page_id)
        status = item_status(item, page, on=today, sharer=sharer)
        items.append(ItemState(item, page, status))
    return ShareState(share=share, items=items, now=now)


def shares_for(queryset):
    """``queryset`` of shares with what lists need: items and pages, open counts."""
    return (
        queryset.select_related("created_by", "revoked_by")
        .prefetch_related("items__page")
        .annotate(
            open_count=Count("opens", filter=Q(opens__kind=ShareOpen.Kind.PAGE), distinct=True),
            download_count=Count("opens", filter=Q(opens__kind=ShareOpen.Kind.PDF), distinct=True),
            last_opened=Max("opens__at"),
        )
    )


def find(token):
    """The share with ``token``, or None. A token of the wrong shape costs no query."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    return (
        Share.objects.select_related("created_by", "created_by__sender_profile")
        .filter(token=token)
        .first()
    )


# Making a share ------------------------------------------------------------------------


def clean_text(value, *, label, maximum, errors, name, required=True, lines=False):
    """``value`` as the plain text a buyer will see, or an error in ``errors[name]``."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = f"{label} must be text."
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if _has_hidden(value.replace("\n", " ")):
        errors[name] = f"{label} contains invisible or control characters; type it again."
        return ""
    # Compatibility forms read as their plain letters: "ｉｎｓｕｒａｎｃｅ" is "insurance".
    value = unicodedata.normalize("NFKC", value)
    if (word := _disguised_word(value)) is not None:
        errors[name] = (
            f"{label}: “{word}” mixes letters of different alphabets that look alike; "
            "type it again."
        )
        return ""
    if lines:
        value = "\n".join(" ".join(line.split()) for line in value.strip().split("\n"))
        value = re.sub(r"\n{3,}", "\n\n", value)
    else:
        value = " ".join(value.split())
    if required and not value:
        errors[name] = f"{label} is required."
    elif len(value) > maximum:
        errors[name] = f"{label} is limited to {maximum} characters (this has {len(value)})."
    return value


def _has_hidden(value):
    return bool(_IGNORABLE.search(value)) or any(
        unicodedata.category(char) in _HIDDEN_CATEGORIES for char in value
    )


def _disguised_word(value):
    """The first word whose letters come from more than one look-alike alphabet."""
    for word in re.findall(r"\w+", value):
        scripts = {
            script
            for char in word
            if char.isalpha()
            for script in _LOOKALIKE_SCRIPTS
            if unicodedata.name(char, "").startswith(script)
        }
        if len(scripts) > 1:
            return word
    return None


def _glossary_problems(text, service_lines):
    findings = find_in_text(text, matcher=get_matcher(), service_lines=service_lines)
    return "; ".join(
        f"write “{finding.preferred}” instead of “{finding.found}”" for finding in findings
    )


def unshareable_reason(page):
    """Why a visible library item can't go to a buyer, or None."""
    if page.audience == Audience.INTERNAL:
        return f"“{page.title}” is for internal use only and can't be sent to buyers."
    if page.kind == Kind.TALK_TRACK:
        return f"“{page.title}” is a talk track, written for your calls, not for buyers."
    return None


def shareable_choices(viewer, pages):
    """``pages`` split into (shareable, [(page, reason)]) for this viewer; pages the
    viewer may not see are left out of both, so their titles are never shown."""
    visible = set(
        visible_library_items(viewer)
        .filter(pk__in=[page.pk for page in pages])
        .values_list("pk", flat=True)
    )
    shareable, refused = [], []
    for page in pages:
        if page.pk not in visible:
            continue
        reason = unshareable_reason(page)
        if reason is None:
            shareable.append(page)
        else:
            refused.append((page, reason))
    return shareable, refused


def more_to_share(viewer, pages, *, limit=12):
    """Other items the viewer could add to a share of ``pages``: approved, for buyers,
    in the same service lines, newest approval first (for building a bundle)."""
    if not pages:
        return []
    lines = LibraryItemPage.service_lines.through.objects.filter(
        libraryitempage_id__in=[page.pk for page in pages]
    ).values("serviceline_id")
    candidates = (
        visible_library_items(viewer)
        .filter(service_lines__in=lines)
        .exclude(pk__in=[page.pk for page in pages])
        .exclude(audience=Audience.INTERNAL)
        .exclude(kind=Kind.TALK_TRACK)
        .distinct()
        .order_by("-approved_at", "-pk")
    )
    return list(candidates[:limit])


def create_share(*, user, pages, recipient, organisation, note="", phone=None, viewer=None):
    """Make a share of ``pages`` (library items, in order) for one recipient.

    Raises ``ShareRefused`` naming every problem: no items or too many, an item the user
    can't see, an internal item, personalisation that is empty, too long, contains
    control characters or uses a glossary's disallowed wording. ``phone`` (optional)
    updates the sender's contact number.
    """
    viewer = Viewer.of(viewer or user)
    errors = {}
    recipient = clean_text(
        recipient,
        label="The recipient's name",
        maximum=RECIPIENT_MAX,
        errors=errors,
        name="recipient",
    )
    organisation = clean_text(
        organisation,
        label="The organisation",
        maximum=ORGANISATION_MAX,
        errors=errors,
        name="organisation",
    )
    note = clean_text(
        note,
        label="The note",
        maximum=NOTE_MAX,
        errors=errors,
        name="note",
        required=False,
        lines=True,
    )
    if phone is not None:
        phone = clean_text(
            phone,
            label="Your phone number",
            maximum=PHONE_MAX,
            errors=errors,
            name="phone",
            required=False,
        )
        if phone and not _PHONE.fullmatch(phone):
            errors["phone"] = "Your phone number may contain digits, spaces and + ( ) - . / x only."

    pages = list(dict.fromkeys(pages))  # the same item twice is one item
    if not pages:
        errors["items"] = "Pick at least one library item to share."
    elif len(pages) > MAX_ITEMS:
        errors["items"] = f"A share holds at most {MAX_ITEMS} items (you picked {len(pages)})."
    else:
        visible = set(
            visible_library_items(viewer)
            .filter(pk__in=[page.pk for page in pages])
            .values_list("pk", flat=True)
        )
        problems = []
        for page in pages:
            if page.pk not in visible:
                problems.append("An item you picked isn't approved and available to you.")
            elif (reason := unshareable_reason(page)) is not None:
                problems.append(reason)
        if problems:
            errors["items"] = " ".join(dict.fromkeys(problems))

    if not errors:
        service_lines = sorted(
            {slug for page in pages for slug in page.service_lines.values_list("slug", flat=True)}
        )
        slots = (("recipient", recipient), ("organisation", organisation), ("note", note))
        for name, text in slots:
            problem = _glossary_problems(text, service_lines) if text else ""
            if problem:
                errors[name] = f"Use the approved wording: {problem}."
    if errors:
        raise ShareRefused(errors)

    with transaction.atomic():
        share = Share.objects.create(
            created_by=user, recipient=recipient, organisation=organisation, note=note
        )
        ShareItem.objects.bulk_create(
            ShareItem(
                share=share,
                page=page,
                position=position,
                title=page.title,
                approval_code=page.approval_code,
                approval_version=page.approval_version,
            )
            for position, page in enumerate(pages)
        )
        # The library's usage reports count shares beside views, downloads and packs.
        UsageEvent.objects.bulk_create(
            UsageEvent(kind=UsageEvent.Kind.SHARE, page=page, user=user) for page in pages
        )
        if phone is not None:
            SenderProfile.objects.update_or_create(user=user, defaults={"phone": phone})
        log(
            instance=share,
            action=CREATE_ACTION,
            user=user,
            data={
                "recipient": recipient,
                "organisation": organisation,
                "note": note,
                "items": [
                    {"id": page.pk, "title": page.title, "approval": page.approval_label}
                    for page in pages
                ],
                "expires_at": share.expires_at.isoformat(),
            },
        )
    return share


# The rest of a link's life -------------------------------------------------------------


def oversees_shares(viewer):
    """Marketers, compliance reviewers and admins see every share (the report, any
    share's page) and may revoke it; clinical and legal reviewers don't."""
    viewer = Viewer.of(viewer)
    return viewer.is_authenticated and (
        viewer.is_superuser or bool(viewer.group_names & {roles.MARKETERS, roles.COMPLIANCE})
    )


def can_manage(user, share):
    """The rep who made it, and whoever oversees shares, may see and revoke it."""
    if not user.is_authenticated:
        return False
    return share.created_by_id == user.pk or oversees_shares(user)


def revoke(share, *, by):
    """Stop the link now. Revoking twice changes nothing."""
    if share.is_revoked:
        return share
    with transaction.atomic():
        share.revoked_at = timezone.now()
        share.revoked_by = by
        share.save(update_fields=["revoked_at", "revoked_by"])
        log(instance=share, action=REVOKE_ACTION, user=by, data={"recipient": share.recipient})
    return share


def record_open(share, kind):
    ShareOpen.objects.create(share=share, kind=kind)


def sender_contact(user):
    """(name, e-mail, phone) of the rep behind a share, for the buyer (no query when
    the user was read with ``select_related("sender_profile")``, as ``find`` does)."""
    try:
        phone = user.sender_profile.phone
    except SenderProfile.DoesNotExist:
        phone = ""
    name = (user.get_full_name() or user.get_username()).strip()
    return name, user.email, phone
