"""Signal handlers: objection status follows its review; reps hear when what they
asked for goes live.

Taxonomy edits reach the library through the content version (``cms.freshness``)."""

from django.dispatch import receiver

from wagtail.signals import published

from assets import services
from assets.models import LibraryItemPage, Objection
from reviews.events import approval_live


@receiver(published, sender=Objection, dispatch_uid="assets-objection-approved")
def objection_published(sender, instance, **kwargs):
    """A published objection response has been through review: mark it approved."""
    if instance.status in (Objection.Status.NEW, Objection.Status.DRAFTING):
        Objection.objects.filter(pk=instance.pk).update(status=Objection.Status.APPROVED)
        instance.status = Objection.Status.APPROVED


@receiver(approval_live, dispatch_uid="assets-content-request-answered")
def request_answer_live(sender, obj, **kwargs):
    """A library item that answers content requests went live: tell the reps who asked."""
    if isinstance(obj, LibraryItemPage):
        services.content_request_notify(item=obj)
