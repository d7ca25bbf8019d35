"""Keep the PDF cache in step with review (connected from ``AssetsConfig.ready``).

Cache keys already change with every new revision or approval stamp, so nothing stale
is ever served; these receivers make the cache *tidy and warm*:

* approved content went live (``reviews.events.approval_live``, sent once per
  approval): drop the cached PDFs that contain its old version; pre-render a library
  item's PDF in the background, after the transaction commits;
* content withdrawn, expired or unpublished (``reviews.events.content_withdrawn``) or
  deleted: drop the cached PDFs that contain it, so its bytes don't linger.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from assets.models import LibraryItemPage, Objection
from assets.pdf import render, tasks
from cms.models import ApprovedMessage
from glossary.models import GlossaryTerm
from reviews.events import approval_live, content_withdrawn

STAMPED_SNIPPETS = (Objection, GlossaryTerm, ApprovedMessage)


def _is_library_item(instance):
    return isinstance(instance, LibraryItemPage)


def _prerender_after_commit(page):
    if page.kind in tasks.PRERENDER_KINDS:
        page_id = page.pk
        transaction.on_commit(lambda: tasks.prerender_item_pdf.enqueue(page_id))


@receiver(approval_live, dispatch_uid="assets-pdf-approval-live")
def approved_content_live(sender, obj, **kwargs):
    """Approved content went live (with its stamp): drop what contained the old version,
    and pre-render a library item's PDF once."""
    if _is_library_item(obj):
        render.drop_dependents(obj)
        _prerender_after_commit(obj)
    elif isinstance(obj, STAMPED_SNIPPETS):
        render.drop_dependents(obj)


@receiver(content_withdrawn, dispatch_uid="assets-pdf-withdrawn")
def content_taken_down(sender, obj, **kwargs):
    """Withdrawn, expired or unpublished: bytes of it don't linger in the cache."""
    if _is_library_item(obj) or isinstance(obj, STAMPED_SNIPPETS):
        render.drop_dependents(obj)


@receiver(post_delete, dispatch_uid="assets-pdf-deleted")
def content_deleted(sender, instance, **kwargs):
    if _is_library_item(instance) or isinstance(instance, STAMPED_SNIPPETS):
        render.drop_dependents(instance)
