"""Domain actions for the rep library: setting it up, objections and usage."""

import uuid

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from assets.models import (
    LibraryIndexPage,
    Objection,
    ObjectionHearing,
    ObjectionPhrase,
    UsageEvent,
)
from cms import freshness, roles
from cms.models import HomePage

INTERNAL_COLLECTION = "Internal sales material"
LIBRARY_TITLE = "Sales library"
LIBRARY_SLUG = "library"


# Setting up the library ------------------------------------------------------------


def _library_groups():
    return list(Group.objects.filter(name__in=roles.LIBRARY_ROLES))


def ensure_library(*, home=None):
    """The rep library page at ``/library/``, restricted to the library roles.

    Creates and publishes the ``LibraryIndexPage`` under the home page if there is
    none, and makes sure it carries a group restriction (Sales reps, Marketers,
    Compliance reviewers). Idempotent; safe to run from a shell on production.
    """
    library = LibraryIndexPage.objects.first()
    if library is None:
        home = home or HomePage.objects.first()
        if home is None:
            raise ValueError("Create the home page first (manage.py seed_demo does).")
        library = LibraryIndexPage(title=LIBRARY_TITLE, slug=LIBRARY_SLUG)
        home.add_child(instance=library)
        library.save_revision().publish()
    ensure_library_restriction(library=library)
    return library


def ensure_library_restriction(*, library):
    restriction = PageViewRestriction.objects.filter(
        page=library, restriction_type=PageViewRestriction.GROUPS
    ).first()
    if restriction is None:
        restriction = PageViewRestriction.objects.create(
            page=library, restriction_type=PageViewRestriction.GROUPS
        )
    groups = _library_groups()
    if set(restriction.groups.all()) != set(groups):
        restriction.groups.set(groups)
    return restriction


def ensure_internal_collection():
    """The document collection for internal attachments, restricted to library roles."""
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=INTERNAL_COLLECTION).first()
    if collection is None:
        collection = root.add_child(instance=Collection(name=INTERNAL_COLLECTION))
    restriction = CollectionViewRestriction.objects.filter(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    ).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    groups = _library_groups()
    if set(restriction.groups.all()) != set(groups):
        restriction.groups.set(groups)
    return collection


# Objections --------------------------------------------------------------------------

NO_WORDS = "Write down what the buyer said in words."


def _canonical(objection):
    """Follow "duplicate of" links to the objection that counts."""
    seen = set()
    while objection.duplicate_of_id and objection.pk not in seen:
        seen.add(objection.pk)
        objection = objection.duplicate_of
    return objection


def objection_log(*, user, verbatim, service_line, stage, segment, category="", heard_at=None):
    """Record that a rep heard an objection; returns ``(objection, created)``.

    The same wording (after ``normalise_verbatim``, compared by the digest of all of
    it) in the same service line counts the existing objection again instead of
    creating a duplicate. A new objection is saved as a draft (status "new") for
    marketing to answer; reps never see it until its response is approved.
    """
    verbatim = " ".join((verbatim or "").split())
    normalised, digest = ObjectionPhrase.key(verbatim)
    if not normalised:
        raise ValidationError({"verbatim": NO_WORDS})
    heard_at = heard_at or timezone.now()
    created = False
    with transaction.atomic():
        phrase = (
            ObjectionPhrase.objects.select_related("objection")
            .filter(service_line=service_line, digest=digest)
            .first()
        )
        if phrase is None:
            try:
                with transaction.atomic():
                    objection = _objection_create(
                        user=user,
                        verbatim=verbatim,
                        service_line=service_line,
                        stage=stage,
                        segment=segment,
                        category=category,
                    )
                    ObjectionPhrase.objects.create(
                        objection=objection,
                        service_line=service_line,
                        normalised=normalised,
                        digest=digest,
                    )
                created = True
            except IntegrityError:
                # Someone logged the same words a moment ago: count theirs.
                phrase = ObjectionPhrase.objects.select_related("objection").get(
                    service_line=service_line, digest=digest
                )
        if phrase is not None:
            objection = _canonical(phrase.objection)
        ObjectionHearing.objects.create(
            objection=objection,
            heard_by=user if getattr(user, "is_authenticated", False) else None,
            verbatim=verbatim,
            service_line=service_line,
            stage=stage,
            segment=segment,
            heard_at=heard_at,
        )
        Objection.objects.filter(pk=objection.pk).update(
            times_heard=F("times_heard") + 1,
            first_heard_at=Coalesce(Least(F("first_heard_at"), heard_at), heard_at),
            last_heard_at=Coalesce(Greatest(F("last_heard_at"), heard_at), heard_at),
        )
    objection.refresh_from_db(fields=["times_heard", "first_heard_at", "last_heard_at", "status"])
    return objection, created


def _objection_create(*, user, verbatim, service_line, stage, segment, category):
    objection = Objection(
        verbatim=verbatim,
        category=category or Objection.Category.OTHER,
        status=Objection.Status.NEW,
        logged_by=user if getattr(user, "is_authenticated", False) else None,
        live=False,
    )
    objection.service_lines.set([service_line])
    objection.stages.set([stage])
    objection.segments.set([segment])
    objection.save()
    objection.save_revision(user=objection.logged_by, log_action=True)
    return objection


def objection_merge(*, duplicate, into):
    """Mark ``duplicate`` as the same objection as ``into``.

    Its wordings, hearings and count move to ``into`` (so future hearings of either
    wording count once); ``duplicate`` is retired and points at ``into``. The rows are
    written with queryset updates, which send no save signal, so this moves the
    content version on itself: a retired objection must leave cached talk-track PDFs.
    """
    into = _canonical(into)
    if duplicate.pk == into.pk:
        raise ValidationError("An objection can't be a duplicate of itself.")
    if duplicate.duplicate_of_id:
        raise ValidationError("This objection is already marked as a duplicate.")
    with transaction.atomic():
        ObjectionPhrase.objects.filter(objection=duplicate).update(objection=into)
        ObjectionHearing.objects.filter(objection=duplicate).update(objection=into)
        Objection.objects.filter(duplicate_of=duplicate).update(duplicate_of=into)
        update = {"times_heard": F("times_heard") + duplicate.times_heard}
        if duplicate.first_heard_at:
            update["first_heard_at"] = Coalesce(
                Least(F("first_heard_at"), duplicate.first_heard_at), duplicate.first_heard_at
            )
        if duplicate.last_heard_at:
            update["last_heard_at"] = Coalesce(
                Greatest(F("last_heard_at"), duplicate.last_heard_at), duplicate.last_heard_at
            )
        Objection.objects.filter(pk=into.pk).update(**update)
        Objection.objects.filter(pk=duplicate.pk).update(
            duplicate_of=into, status=Objection.Status.RETIRED, times_heard=0
        )
        freshness.bump()
    into.refresh_from_db()
    duplicate.refresh_from_db()
    return into


# Usage ---------------------------------------------------------------------------------


def usage_record(*, user, kind, page=None, service_line=None, stage=None, segment=None):
    """Record one view or download: a single INSERT, nothing else."""
    return UsageEvent.objects.create(
        kind=kind,
        page=page,
        user=user if getattr(user, "is_authenticated", False) else None,
        service_line=service_line,
        stage=stage,
        segment=segment,
    )


def usage_record_pack(*, user, pack):
    """Record a call pack: one row per item it contained, in one bulk INSERT."""
    pack_id = uuid.uuid4()
    now = timezone.now()
    user = user if getattr(user, "is_authenticated", False) else None
    events = [
        UsageEvent(
            kind=UsageEvent.Kind.PACK,
            page_id=item.pk,
            user=user,
            service_line=pack.service_line,
            stage=pack.stage,
            segment=pack.segment,
            pack_id=pack_id,
            created_at=now,
        )
        for item in pack.items
    ] or [
        UsageEvent(
            kind=UsageEvent.Kind.PACK,
            user=user,
            service_line=pack.service_line,
            stage=pack.stage,
            segment=pack.segment,
            pack_id=pack_id,
            created_at=now,
        )
    ]
    UsageEvent.objects.bulk_create(events)
    return pack_id
