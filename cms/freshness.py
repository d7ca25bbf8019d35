"""What changed since we cached: one number for every cache of served content.

Everything anyone is served depends on a handful of things: which pages and snippets
are live and stamped, their review-by dates, page and collection privacy, the taxonomy,
the site, approved messages, glossary terms and objections. ``ContentVersion`` is one
database row whose value moves on, in the same transaction, whenever any of them is
saved or deleted. The base watches what it owns (:func:`connect`, from
``CmsConfig.ready``); each app adds its own models with :func:`watch` in its
``AppConfig.ready`` (the glossary its terms, the library its objections). A cache key
built by :func:`key` contains:

* that value (one indexed one-row query per request: a publish, withdrawal, stamp,
  expiry, privacy or taxonomy change is seen by every worker process at once, shared
  cache or not, and a rolled-back transaction rolls it back too);
* today's date (review-by dates pass at midnight without any write);
* the *audience* (``Viewer.audience``): superuser or the user's sorted group names
  (page privacy is by group), so two reps share entries and a rep never gets a
  marketer's;
* the request's own parameters, hashed.

Stale entries are never read again (the key moved on) and expire on their own.

A queryset ``update()`` (or ``bulk_create``/``delete`` on a queryset) sends no
``post_save``: a service that changes something served that way calls :func:`bump`
itself, in its transaction (``objection_merge`` does). Counting a hearing
(``objection_log``'s ``times_heard`` update) doesn't: the count is shown on pages that
aren't cached, and call packs are keyed by their objections.
"""

import hashlib
import secrets

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.signals import post_page_move

from cms.models import ApprovedMessage, ContentVersion, JourneyStage, Segment, ServiceLine
from cms.publication import Viewer

CACHE_PREFIX = "content"


def version():
    """The current content version (one query)."""
    value = ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def bump():
    """Move every cache key on (call inside the transaction that changes things).

    The new value is random, not the old one plus one: a process may cache something
    under a value it read inside a transaction that then rolled back, and a counter
    would hand that same value to the next, different change.
    """
    value = secrets.randbits(62)
    if not ContentVersion.objects.filter(pk=1).update(value=value):
        ContentVersion.objects.update_or_create(pk=1, defaults={"value": value})


def audience(user):
    """Who the answer is for, as far as visibility goes (``Viewer.audience``): all
    superusers look alike, and so do all users with the same groups. ``user``: a
    ``Viewer`` (``request.viewer``) or a user."""
    return Viewer.of(user).audience


def key(namespace, *, user, parts, current=None):
    """A cache key for ``namespace`` that moves on with the content version, the date
    and the user's audience; ``parts`` are this request's own values (hashed)."""
    digest = hashlib.sha256()
    for part in (audience(user), *parts):
        digest.update(str(part).encode())
        digest.update(b"\x1f")
    current = version() if current is None else current
    today = timezone.localdate().isoformat()
    return f"{CACHE_PREFIX}:{namespace}:{current}:{today}:{digest.hexdigest()[:32]}"


# What moves the version on -------------------------------------------------------------

# What the base owns; apps add theirs with ``watch``.
WATCHED = (
    Page,
    PageViewRestriction,
    CollectionViewRestriction,
    Site,
    ServiceLine,
    JourneyStage,
    Segment,
    ApprovedMessage,
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
    if created and not getattr(instance, "live", True):
        return  # a new draft (a rep's new objection, a new page): nobody is served it
    bump()


def _restriction_groups_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def _page_moved(sender, **kwargs):
    bump()


def watch(*bases):
    """Move the version on when a row of any of ``bases`` (or of a concrete subclass:
    signals are sent with the concrete class, ``EnablementAssetPage`` not ``Page``) is
    saved or deleted. Call from ``AppConfig.ready``, when every model is loaded."""
    for model in apps.get_models():
        if not issubclass(model, bases):
            continue
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"freshness-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"freshness-delete-{label}")


def connect():
    """Watch what the base owns (``CmsConfig.ready``). Every page save counts (page
    privacy, moves and stamps all reach what is served through ``Page`` rows) except
    one that only records a new draft revision."""
    watch(*WATCHED)
    post_page_move.connect(_page_moved, dispatch_uid="freshness-moved")
    for restriction in (PageViewRestriction, CollectionViewRestriction):
        m2m_changed.connect(
            _restriction_groups_changed,
            sender=restriction.groups.through,
            dispatch_uid=f"freshness-{restriction.__name__}-groups",
        )
