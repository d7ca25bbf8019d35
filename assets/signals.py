"""Signal handlers: objection status follows its review; taxonomy edits reach the library."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.signals import published

from assets.models import Objection
from assets.selectors import Taxonomy
from cms.models import JourneyStage, Segment, ServiceLine


@receiver(published, sender=Objection, dispatch_uid="assets-objection-approved")
def objection_published(sender, instance, **kwargs):
    """A published objection response has been through review: mark it approved."""
    if instance.status in (Objection.Status.NEW, Objection.Status.DRAFTING):
        Objection.objects.filter(pk=instance.pk).update(status=Objection.Status.APPROVED)
        instance.status = Objection.Status.APPROVED


def taxonomy_changed(sender, **kwargs):
    Taxonomy.forget()


for model in (ServiceLine, JourneyStage, Segment):
    for signal in (post_save, post_delete):
        signal.connect(taxonomy_changed, sender=model, dispatch_uid=f"assets-taxonomy-{model}")
