"""Factories for glossary tests.

Terms are drafts by default. ``approved=True`` publishes the term and stamps it as the
review workflow would (tests only: the real stamp is written by ``reviews``).
"""

import datetime
import itertools

from django.utils import timezone

import factory

from glossary.models import GlossaryTerm
from tests.cms.factories import ApprovedMessageFactory

_codes = itertools.count(1)


def approve(obj, *, review_by=None):
    """Publish ``obj`` and write the approval stamp the workflow would write."""
    from tests.reviews.factories import approve_now

    approve_now(obj)
    lines = obj.get_service_lines()
    prefix = lines[0].code if lines else "GEN"
    obj.approval_code = f"{prefix}-{obj.approval_kind_code}-2026-{next(_codes):04d}"
    obj.approval_version = 1
    obj.approved_at = timezone.now()
    obj.review_by = review_by or timezone.localdate() + datetime.timedelta(days=365)
    obj.save(update_fields=["approval_code", "approval_version", "approved_at", "review_by"])
    return obj


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm
        skip_postgeneration_save = True

    preferred = factory.Sequence(lambda n: f"Preferred wording {n}")
    kind = GlossaryTerm.Kind.CLINICAL_TERM
    variants = ""
    definition = "What the term means."
    plain_language = "What it means for patients."
    service_line = None
    live = False

    @factory.post_generation
    def approved(obj, create, extracted, **kwargs):
        if create and extracted:
            approve(obj, review_by=kwargs.get("review_by"))


class MessageFactory(ApprovedMessageFactory):
    """An approved message (draft unless ``approved=True``) in given service lines."""

    @factory.post_generation
    def approved(obj, create, extracted, **kwargs):
        if create and extracted:
            approve(obj)
