"""Signal handlers: objection status follows its review.

Taxonomy edits reach the library through the content version (``cms.freshness``)."""

from django.dispatch import receiver

from wagtail.signals import published

from assets.models import Objection


@receiver(published, sender=Objection, dispatch_uid="assets-objection-approved")
def objection_published(sender, instance, **kwargs):
    """A published objection response has been through review: mark it approved."""
    if instance.status in (Objection.Status.NEW, Objection.Status.DRAFTING):
        Objection.objects.filter(pk=instance.pk).update(status=Objection.Status.APPROVED)
        instance.status = Objection.Status.APPROVED
