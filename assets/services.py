"""Domain actions for the rep library: setting it up, objections, usage and content
requests."""

import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from assets.models import (
    CallOutcome,
    ContentRequest,
    ContentRequestAsk,
    LibraryIndexPage,
    Objection,
    ObjectionHearing,
    ObjectionPhrase,
    UsageEvent,
)
from assets.models.library import Kind
from cms import freshness, roles
from cms.models import HomePage
from cms.publication import Viewer

logger = logging.getLogger(__name__)

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


def usage_record_downloads(*, user, pages):
    """Record a download of each of ``pages`` (a call kit's PDF): one bulk INSERT."""
    user = user if getattr(user, "is_authenticated", False) else None
    now = timezone.now()
    UsageEvent.objects.bulk_create(
        [
            UsageEvent(kind=UsageEvent.Kind.DOWNLOAD, page_id=page.pk, user=user, created_at=now)
            for page in pages
        ]
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


# Content requests ------------------------------------------------------------------------


def content_request_ask(
    *, user, service_line, stage, segment, kind="", note="", source=ContentRequestAsk.Source.OTHER
):
    """A rep asks marketing for material for one call: ``(request, counted)``.

    One open request per call and kind: the first ask creates it, later asks by other
    reps count on it (``times_requested + 1``); a rep who already asked isn't counted
    twice (``counted`` is False). Two reps asking at once hit the unique constraint and
    the second counts on the first's request.
    """
    if kind and kind not in Kind.values:
        raise ValidationError(f"“{kind[:60]}” is not a kind of material.")
    call = {"service_line": service_line, "stage": stage, "segment": segment, "kind": kind or ""}
    now = timezone.now()
    with transaction.atomic():
        request = ContentRequest.objects.filter(status=ContentRequest.Status.OPEN, **call).first()
        if request is None:
            try:
                with transaction.atomic():
                    request = ContentRequest.objects.create(
                        **call, first_requested_at=now, last_requested_at=now
                    )
            except IntegrityError:  # another rep asked at the same moment
                request = ContentRequest.objects.get(status=ContentRequest.Status.OPEN, **call)
        user = user if getattr(user, "is_authenticated", False) else None
        if user is not None and request.asks.filter(user=user).exists():
            return request, False
        ContentRequestAsk.objects.create(
            request=request, user=user, source=source, note=(note or "").strip()[:500], asked_at=now
        )
        ContentRequest.objects.filter(pk=request.pk).update(
            times_requested=F("times_requested") + 1, last_requested_at=now
        )
        request.refresh_from_db(fields=["times_requested", "last_requested_at"])
    return request, True


def content_request_done(*, request, item, user):
    """Mark a request done with the library item that answers it.

    The item must be tagged for the request's call. If it is already approved and
    current the reps who asked are e-mailed when this transaction commits; otherwise
    they are e-mailed when it goes live (``reviews.events.approval_live``).
    """
    item = item.specific if hasattr(item, "specific") else item
    tagged = {
        "service line": item.service_lines.filter(pk=request.service_line_id).exists(),
        "stage": item.stages.filter(pk=request.stage_id).exists(),
        "segment": item.segments.filter(pk=request.segment_id).exists(),
    }
    untagged = [name for name, ok in tagged.items() if not ok]
    if untagged:
        raise ValidationError(
            f"“{item.title}” isn't tagged with the request's {' and '.join(untagged)}; "
            "tag it first, so reps find it for this call."
        )
    with transaction.atomic():
        ContentRequest.objects.filter(pk=request.pk).update(
            status=ContentRequest.Status.DONE,
            fulfilled_by=item,
            done_at=timezone.now(),
            done_by=user if getattr(user, "is_authenticated", False) else None,
        )
        request.refresh_from_db()
        content_request_notify(item=item)
    return request


def content_request_notify(*, item):
    """E-mail the reps who asked for requests ``item`` answers, once it is approved and
    current; each request is announced once (``notified_at``). Sent after commit."""
    from assets.selectors import item_is_visible

    if not item_is_visible(item, Viewer.sales_rep()):
        return 0
    requests = list(
        ContentRequest.objects.filter(
            fulfilled_by=item, status=ContentRequest.Status.DONE, notified_at__isnull=True
        ).select_related("service_line", "stage", "segment")
    )
    if not requests:
        return 0
    ContentRequest.objects.filter(pk__in=[request.pk for request in requests]).update(
        notified_at=timezone.now()
    )
    asks = (
        ContentRequestAsk.objects.filter(request__in=requests, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "request")
    )
    _site, _root, path = item.get_url_parts() or (None, None, item.url_path)
    link = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"
    by_request = {request.pk: request for request in requests}
    messages = []
    for ask in asks:
        request = by_request[ask.request_id]
        person = ask.user
        messages.append(
            EmailMessage(
                subject=f"Now in the library: {item.title}",
                body="\n".join(
                    [
                        f"Hello {person.get_short_name() or person.get_username()},",
                        "",
                        f"You asked for {request.need}. It is approved and in the library:",
                        "",
                        f"  {item.title}",
                        f"  {link}",
                        "",
                        "— Concord",
                    ]
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[person.email],
            )
        )
    connection = get_connection()  # the e-mail settings in force now

    def send():
        try:
            connection.send_messages(messages)
        except OSError:  # the mail server is down: "My requests" still shows it
            logger.exception("Couldn't e-mail reps about %s", item.pk)

    transaction.on_commit(send)
    return len(messages)


# Call outcomes ---------------------------------------------------------------------------


def call_log(
    *, user, service_line, stage, segment, status, items=(), objections=(), notes="", logged_at=None
):
    """Record a call: its outcome, the library items used or sent, and the objections
    heard — each also logged (counted) in the objection log for this call."""
    with transaction.atomic():
        call = CallOutcome.objects.create(
            user=user if getattr(user, "is_authenticated", False) else None,
            service_line=service_line,
            stage=stage,
            segment=segment,
            status=status,
            notes=(notes or "").strip(),
            logged_at=logged_at or timezone.now(),
        )
        if items:
            call.items.set(items)
        heard = []
        for verbatim in objections:
            objection, _created = objection_log(
                user=user,
                verbatim=verbatim,
                service_line=service_line,
                stage=stage,
                segment=segment,
                heard_at=logged_at,
            )
            heard.append(objection)
        if heard:
            call.objections.set(heard)
    return call
