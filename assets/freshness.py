"""Caching what reps see without ever showing them something withdrawn.

Everything a rep sees in the library depends on a handful of things: which library
pages are live and stamped, their review-by dates, page privacy, the taxonomy, the
site and (inside PDFs) approved messages, glossary terms and objections.
``LibraryVersion`` is one database row whose value goes up, in the same transaction,
whenever any of them is saved or deleted (the receivers below). A cache key built by
``key()`` contains:

* that value (one indexed one-row query per request: a publish, withdrawal, stamp,
  expiry, privacy or taxonomy change is seen by every worker process at once, shared
  cache or not, and a rolled-back transaction rolls it back too);
* today's date (review-by dates pass at midnight without any write);
* the *audience*: superuser or the user's sorted group names (page privacy is by
  group), so two reps share entries and a rep never gets a marketer's;
* the request's own parameters, hashed.

Stale entries are never read again (the key moved on) and expire on their own.

A queryset ``update()`` (or ``bulk_create``/``delete`` on a queryset of a model without
per-row signals) sends no ``post_save``: a service that changes something reps see
that way calls :func:`bump` itself, in its transaction (``objection_merge`` does).
Counting a hearing (``objection_log``'s ``times_heard`` update) doesn't: the count is
shown on pages that aren't cached, and call packs are keyed by their objections.
"""

import hashlib

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.signals import post_page_move

from assets.models import LibraryVersion, Objection
from cms.models import ApprovedMessage, JourneyStage, Segment, ServiceLine
from cms.publication import Viewer
from glossary.models import GlossaryTerm

CACHE_PREFIX = "library"


def version():
    """The current library version (one query)."""
    value = LibraryVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def bump():
    """Move every library cache key on (call inside the transaction that changes things)."""
    if not LibraryVersion.objects.filter(pk=1).update(value=F("value") + 1):
        LibraryVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def audience(user):
    """Who the answer is for, as far as visibility goes (``Viewer.audience``): all
    superusers look alike, and so do all users with the same groups. ``user``: a
    ``Viewer`` (``request.viewer``) or a user."""
    return Viewer.of(user).audience


def key(namespace, *, user, parts, current=None):
    """A cache key for ``namespace`` that moves on with the library version, the date
    and the user's audience; ``parts`` are this request's own values (hashed)."""
    digest = hashlib.sha256()
    for part in (audience(user), *parts):
        digest.update(str(part).encode())
        digest.update(b"\x1f")
    current = version() if current is None else current
    today = timezone.localdate().isoformat()
    return f"{CACHE_PREFIX}:{namespace}:{current}:{today}:{digest.hexdigest()[:32]}"


# What moves the version on -------------------------------------------------------------

WATCHED = (
    Page,
    PageViewRestriction,
    CollectionViewRestriction,
    Site,
    ServiceLine,
    JourneyStage,
    Segment,
    ApprovedMessage,
    GlossaryTerm,
    Objection,  # talk-track PDFs print their linked objections' approved responses
)


# What saving a draft revision writes on the live row (Wagtail's ``save_revision``,
# locking): nothing a rep sees, so it doesn't empty the caches.
DRAFT_BOOKKEEPING = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "wagtail_admin_comments",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def _changed(sender, instance=None, update_fields=None, created=False, **kwargs):
    if instance is None:
        return
    if update_fields and set(update_fields) <= DRAFT_BOOKKEEPING:
        return
    if created and isinstance(instance, Objection) and not instance.live:
        return  # a rep logged a new objection: nobody sees it until it is approved
    bump()


def _restriction_groups_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def _page_moved(sender, **kwargs):
    bump()


def watched_models():
    """Every concrete model whose rows are (or subclass) one of ``WATCHED``: signals are
    sent with the concrete class (``EnablementAssetPage``, not ``Page``)."""
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, WATCHED)]


def connect():
    """Connect the receivers (``AssetsConfig.ready``), each with its ``sender``. Every
    page save counts (page privacy, moves and stamps all reach the library through
    ``Page`` rows) except one that only records a new draft revision."""
    for model in watched_models():
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"assets-freshness-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"assets-freshness-delete-{label}")
    post_page_move.connect(_page_moved, dispatch_uid="assets-freshness-moved")
    for restriction in (PageViewRestriction, CollectionViewRestriction):
        m2m_changed.connect(
            _restriction_groups_changed,
            sender=restriction.groups.through,
            dispatch_uid=f"assets-freshness-{restriction.__name__}-groups",
        )
