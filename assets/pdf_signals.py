"""Keep the PDF cache in step with publishing (connected from ``AssetsConfig.ready``).

Cache keys already change with every new revision or approval stamp, so nothing stale
is ever served; these receivers make the cache *tidy and warm*:

* a library item published (its approval stamp comes with the approved revision):
  pre-render its PDF in the background, after the transaction commits;
* anything withdrawn (unpublished, expired, deleted) or republished: drop the cached
  PDFs that contain it, so bytes of withdrawn material don't linger.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished, published, unpublished

from assets import pdf
from assets.models import LibraryItemPage, Objection
from cms.models import ApprovedMessage
from glossary.models import GlossaryTerm

STAMPED_SNIPPETS = (Objection, GlossaryTerm, ApprovedMessage)


def _is_library_item(instance):
    return isinstance(instance, LibraryItemPage)


def _prerender_after_commit(page):
    from assets.tasks import PRERENDER_KINDS, prerender_item_pdf

    if page.kind in PRERENDER_KINDS:
        page_id = page.pk
        transaction.on_commit(lambda: prerender_item_pdf.enqueue(page_id))


@receiver(page_published, dispatch_uid="assets-pdf-page-published")
def item_published(sender, instance, **kwargs):
    if _is_library_item(instance):
        pdf.drop_dependents(instance)
        _prerender_after_commit(instance)


@receiver(page_unpublished, dispatch_uid="assets-pdf-page-unpublished")
def item_withdrawn(sender, instance, **kwargs):
    if _is_library_item(instance):
        pdf.drop_dependents(instance)


@receiver(published, dispatch_uid="assets-pdf-snippet-published")
@receiver(unpublished, dispatch_uid="assets-pdf-snippet-unpublished")
def snippet_changed(sender, instance, **kwargs):
    if isinstance(instance, STAMPED_SNIPPETS):
        pdf.drop_dependents(instance)


@receiver(post_delete, dispatch_uid="assets-pdf-deleted")
def content_deleted(sender, instance, **kwargs):
    if _is_library_item(instance) or isinstance(instance, STAMPED_SNIPPETS):
        pdf.drop_dependents(instance)
