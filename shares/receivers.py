"""Reps hear when something they shared changes: withdrawn, expired, deleted or replaced.

Review sends explicit events (``reviews.events``); deletion is heard from Django's
``pre_delete``. Each change of a shared item is e-mailed once per rep (``ShareItem.notified``
remembers what they were last told), after the transaction commits. Buyers' links need
no action here: they read the items' current approval on every request.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from assets.models import LibraryItemPage
from reviews.events import approval_live, content_withdrawn
from shares.models import ShareItem

logger = logging.getLogger(__name__)

WHAT_HAPPENED = {
    "withdrawn": "was withdrawn by compliance",
    "expired": "passed its review-by date and was withdrawn",
    "deleted": "was deleted",
    "replaced": "has a newer approved version",
}
CONSEQUENCE = {
    "withdrawn": "Your links no longer show it; a link with nothing else in it no longer opens.",
    "expired": "Your links no longer show it; a link with nothing else in it no longer opens.",
    "deleted": "Your links no longer show it; a link with nothing else in it no longer opens.",
    "replaced": "Your links now show the new version; buyers see when it was updated.",
}


def _absolute(path):
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def _live_share_items(page_id):
    return ShareItem.objects.filter(
        page_id=page_id, share__revoked_at__isnull=True, share__expires_at__gt=timezone.now()
    ).select_related("share__created_by")


def notify(share_items, change, *, marker):
    """E-mail each rep once about ``change`` to the items in ``share_items`` (that they
    weren't already told about) and remember it."""
    by_rep = defaultdict(list)
    for item in share_items:
        if item.notified != marker:
            by_rep[item.share.created_by].append(item)
    for rep, items in by_rep.items():
        if rep.email and rep.is_active:
            title = items[0].title
            lines = [
                f"“{title}”, which you shared, {WHAT_HAPPENED[change]}.",
                CONSEQUENCE[change],
                "",
                "Your links that contain it:",
                *(
                    f"- for {item.share.recipient}, {item.share.organisation}: "
                    f"{_absolute(f'/shares/{item.share_id}/')}"
                    for item in items
                ),
                "",
                f"All your shares: {_absolute('/shares/')}",
            ]
            try:
                send_mail(
                    subject=f"Shared item {WHAT_HAPPENED[change]}: {title}",
                    message="\n".join(lines),
                    from_email=None,
                    recipient_list=[rep.email],
                )
            except OSError:
                logger.exception("Couldn't e-mail %s about a change to shared items", rep)
                continue
        ShareItem.objects.filter(pk__in=[item.pk for item in items]).update(notified=marker)


def _after_commit(page_id, change, marker, items=None):
    def send():
        share_items = items if items is not None else list(_live_share_items(page_id))
        notify(share_items, change, marker=marker)

    transaction.on_commit(send)


@receiver(content_withdrawn)
def shared_item_withdrawn(sender, obj, reason=None, expired=False, **kwargs):
    if isinstance(obj, LibraryItemPage):
        change = "expired" if expired else "withdrawn"
        _after_commit(obj.pk, change, f"{change}:{obj.approval_version}")


@receiver(approval_live)
def shared_item_replaced(sender, obj, record=None, **kwargs):
    if isinstance(obj, LibraryItemPage):
        version = obj.approval_version

        def send():
            share_items = [
                item
                for item in _live_share_items(obj.pk)
                if (item.approval_code, item.approval_version) != (obj.approval_code, version)
            ]
            notify(share_items, "replaced", marker=f"replaced:{version}")

        transaction.on_commit(send)


@receiver(pre_delete, sender=LibraryItemPage)
def shared_item_deleted(sender, instance, **kwargs):
    # Django sends pre_delete for each model of a multi-table page, the library item's
    # own row included. The share items are read now: deleting sets their page to null.
    items = list(_live_share_items(instance.pk))
    if items:
        _after_commit(instance.pk, "deleted", "deleted", items=items)
