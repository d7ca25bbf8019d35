"""Factories for glossary tests.

Terms are drafts by default. ``approved=True`` approves and publishes them through the
real approval service (``tests.reviews.factories.approve_now``); ``approved__review_by``
sets the review-by date.
"""

import factory

from glossary.models import GlossaryTerm
from tests.cms.factories import ApprovedMessageFactory
from tests.reviews.factories import approve_now


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
            approve_now(obj, review_by=kwargs.get("review_by"))


class MessageFactory(ApprovedMessageFactory):
    """An approved message (draft unless ``approved=True``) in given service lines."""

    @factory.post_generation
    def approved(obj, create, extracted, **kwargs):
        if create and extracted:
            approve_now(obj)
