"""Factories for library content.

Pages are created as drafts (``live=False``) under the library. ``approved=True``
approves and publishes them through the real approval service
(``tests.reviews.factories.approve_now``); ``published=True`` makes them live without any
approval, as old or tampered data would be (``publish_unapproved``).
"""

import itertools

from django.utils.text import slugify

import factory

from assets.models import (
    EnablementAssetAttachment,
    EnablementAssetPage,
    LibraryIndexPage,
    Objection,
    ObjectionLinkedAsset,
    TalkTrackAsset,
    TalkTrackObjection,
    TalkTrackPage,
)
from assets.models.library import Audience, Kind, Purpose
from assets.services import ensure_internal_collection, ensure_library
from cms import indexing
from tests.cms.factories import JourneyStageFactory, SegmentFactory, ServiceLineFactory
from tests.reviews.factories import approve_now

_titles = itertools.count(1)  # shared by every page factory: slugs never collide


def publish_unapproved(obj):
    """Make ``obj`` live *without* an approval, as old or tampered data would be.

    The "live means approved" rule stops every save path from doing this, so it is
    written straight to the database; readers must still never show such rows.
    """
    revision = obj.save_revision()
    type(obj).objects.filter(pk=obj.pk).update(
        live=True, live_revision=revision, has_unpublished_changes=False
    )
    obj.refresh_from_db()
    return obj


def _library():
    return LibraryIndexPage.objects.first() or ensure_library()


class _TaxonomyHooks(factory.django.DjangoModelFactory):
    """Post-generation hooks shared by every tagged content factory."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _generate(cls, strategy, params):
        # Saved several times on the way (tree, taxonomy, approval): indexed once.
        with indexing.batched():
            return super()._generate(strategy, params)

    @factory.post_generation
    def service_lines(obj, create, extracted, **kwargs):
        obj.service_lines.set(extracted or [ServiceLineFactory()])

    @factory.post_generation
    def stages(obj, create, extracted, **kwargs):
        obj.stages.set(extracted or [JourneyStageFactory()])

    @factory.post_generation
    def segments(obj, create, extracted, **kwargs):
        obj.segments.set(extracted or [SegmentFactory()])
        if create:
            obj.save()

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if create and extracted:
            publish_unapproved(obj)

    @factory.post_generation
    def approved(obj, create, extracted, **kwargs):
        if create and extracted:
            approve_now(obj, review_by=kwargs.get("review_by"))


class LibraryPageFactory(_TaxonomyHooks):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    title = factory.LazyFunction(lambda: f"Library item {next(_titles)}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:80])
    summary = "When to use it and what it covers."
    live = False

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        page = model_class(*args, **kwargs)
        (parent or _library()).add_child(instance=page)
        return page


class EnablementAssetFactory(LibraryPageFactory):
    class Meta:
        model = EnablementAssetPage

    kind = Kind.ONE_PAGER
    audience = Audience.EXTERNAL
    purpose = Purpose.GENERAL
    body = factory.LazyFunction(
        lambda: [
            ("heading", {"text": "Why it matters", "level": "h2"}),
            ("paragraph", "<p>Patients get a named navigator before their first visit.</p>"),
        ]
    )


class TalkTrackFactory(LibraryPageFactory):
    class Meta:
        model = TalkTrackPage

    kind = Kind.TALK_TRACK
    audience = Audience.INTERNAL
    purpose = Purpose.BOOKING
    opener = "Thanks for making time. I'd like to understand how referrals work today."
    discovery_questions = factory.LazyFunction(
        lambda: [("question", {"question": "Where do referrals stall today?", "listen_for": ""})]
    )
    key_messages = factory.LazyFunction(
        lambda: [("talking_point", "Lead with the named navigator.")]
    )
    next_step = "Offer to book a 20-minute intake walkthrough."


class ObjectionFactory(_TaxonomyHooks):
    class Meta:
        model = Objection
        skip_postgeneration_save = True

    verbatim = factory.Sequence(lambda n: f"Is this covered by our plan (case {n})?")
    category = Objection.Category.COST
    approved_response = "Most commercial plans cover it; we check coverage before intake."
    status = Objection.Status.DRAFTING
    live = False
    times_heard = 1


def attach(asset, document, label=""):
    """Attach a document to an asset (on the live row and its next revision)."""
    attachment = EnablementAssetAttachment.objects.create(
        page=asset, document=document, label=label
    )
    return attachment


def link_objection(talk_track, objection):
    return TalkTrackObjection.objects.create(page=talk_track, objection=objection)


def link_asset(talk_track, asset):
    return TalkTrackAsset.objects.create(page=talk_track, asset=asset)


def link_objection_asset(objection, asset):
    return ObjectionLinkedAsset.objects.create(objection=objection, asset=asset)


def internal_collection():
    return ensure_internal_collection()
