"""A library item's card (``components/library_item_card.html``), rendered once per
version of the item and reused by every listing that shows it.

A result page is cached per audience and filter set under the content version, so
after any change each filter set is built again. Most of its items haven't changed,
so their cards are kept under a key of what a card shows: the item's live revision
(every content or tag change is a new one), its approval stamp, its place in the tree,
the taxonomy's names and pause states, and the host. Which items a viewer may see is
decided by the listing's query, never by the card, so cards are shared by audiences.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from assets import selectors

CARD_TEMPLATE = "components/library_item_card.html"


def taxonomy_stamp(taxonomy):
    """What of the taxonomy a card prints: labels, order and pause states (hashed).

    A segment prints as its label (``str(segment)``: name and care setting)."""
    digest = hashlib.sha256()
    for items in (taxonomy.service_lines, taxonomy.stages, taxonomy.segments):
        for item in items:
            parts = (item.pk, str(item), getattr(item, "order", ""), getattr(item, "is_paused", ""))
            digest.update(repr(parts).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]


# What a card's cache key reads of an item: a listing fetches only these (and the
# whole item only for cards not in the cache).
KEY_FIELDS = ("live_revision", "url_path", "approval_code", "approval_version", "review_by")


def card_key(item, *, stamp, host):
    parts = (
        host,
        item.pk,
        item.live_revision_id,
        item.url_path,
        item.approval_code,
        item.approval_version,
        item.review_by,
        stamp,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"library:card:{digest}"


def render_cards(items, taxonomy, *, request):
    """The cards of ``items`` in order, as safe HTML: cached ones read in one round
    trip, the others rendered (their taxonomy fetched in one query) and kept.

    ``items`` need only :data:`KEY_FIELDS`; the items of missing cards are read whole,
    in one query."""
    items = list(items)
    if not items:
        return []
    stamp = taxonomy_stamp(taxonomy)
    host = request.get_host()
    keys = [card_key(item, stamp=stamp, host=host) for item in items]
    timeout = settings.CONCORD_LIBRARY_CACHE_SECONDS
    found = cache.get_many(keys) if timeout > 0 else {}
    missing = {key: item for item, key in zip(items, keys, strict=True) if key not in found}
    if missing:
        if next(iter(missing.values())).get_deferred_fields():  # read with KEY_FIELDS only
            model = type(next(iter(missing.values())))
            whole = model._default_manager.in_bulk([item.pk for item in missing.values()])
            missing = {key: whole.get(item.pk, item) for key, item in missing.items()}
        selectors.attach_taxonomy(list(missing.values()), taxonomy, request=request)
        template = get_template(CARD_TEMPLATE)  # no request: a card is the same for all
        rendered = {key: template.render({"item": item}) for key, item in missing.items()}
        if timeout > 0:
            cache.set_many(rendered, timeout)
        found.update(rendered)
    return [mark_safe(found[key]) for key in keys]  # noqa: S308 - our own template's output
