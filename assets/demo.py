"""The demo organisation's sales content: the library, approved messages, public
service-line pages, enablement assets, talk tracks, objections and some usage.

The content comes from ``assets/demo_data/`` (``approved_messages.yaml``,
``service_line_pages.yaml``, ``enablement_assets.yaml``, ``objections.yaml``,
``talk_tracks.yaml``, ``content_requests.yaml``), read in that order because later
files name earlier records by title. Everything is created as drafts (saved revisions)
by the demo marketer and queued for review as each record's ``review`` key says
(``cms.demodata.queue_for_review``): ``reviews.demo`` takes the queue through the real
review workflow. Until it runs, the demo library is empty — by design. Content requests
are reps' asks, made through ``content_request_ask``.

Idempotent: each object is looked up by its natural key (title, slug or normalised
objection wording) before it is created, and nothing that exists is changed. The
wording uses the glossaries' preferred terms (``glossary/demo_data/terms.yaml``) so the
terminology gate lets it through.
"""

import datetime
import random

from django.utils import timezone
from django.utils.text import slugify

from assets.models import (
    BuyerStatus,
    CallOutcome,
    EnablementAssetPage,
    LibraryItemPage,
    ObjectionLinkedAsset,
    ObjectionPhrase,
    TalkTrackAsset,
    TalkTrackObjection,
    TalkTrackPage,
    UsageEvent,
)
from assets.models.objections import Objection
from assets.services import (
    content_request_ask,
    ensure_internal_collection,
    ensure_library,
    objection_log,
)
from cms.demodata import Taxonomy, queue_for_review, read
from cms.models import ApprovedMessage, JourneyStage, Segment, ServiceLine, ServiceLinePage


def seed(context):
    taxonomy = Taxonomy()
    marketer = context.users.get("marketer")
    rep = context.users.get("rep")
    context.extra.setdefault("to_approve", [])
    context.extra.setdefault("to_submit", [])

    library = ensure_library(home=context.home)
    ensure_internal_collection()

    messages = seed_messages(context, taxonomy, marketer)
    seed_service_line_pages(context, taxonomy, messages, marketer)
    assets = seed_assets(context, library, taxonomy, messages, marketer)
    objections = seed_objections(context, taxonomy, assets, rep, marketer)
    seed_talk_tracks(context, library, taxonomy, messages, assets, objections, marketer)
    seed_usage(rep)
    seed_content_requests(context, taxonomy)
    to_approve = context.extra["to_approve"]
    seed_calls(rep, approved={o.pk for o in to_approve if isinstance(o, LibraryItemPage)})


def _review(context, obj, record):
    queue_for_review(context, obj, record.get("review", "approve"))


# Body blocks ------------------------------------------------------------------------
# A record's ``body`` is a list of one-key mappings, ``{block type: value}``, in the
# StreamField's own block names; each builder turns the short value into the block's.


def _table(rows):
    return {
        "data": rows,
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
        "table_caption": "",
    }


BODY_BLOCKS = {
    "heading": lambda text, messages: {"text": text, "level": "h2"},
    "paragraph": lambda html, messages: html,
    "approved_message": lambda title, messages: messages[title],
    "claim": lambda claim, messages: {**claim, "source_url": claim.get("source_url", "")},
    "callout": lambda text, messages: {
        "tone": "important",
        "heading": "",
        "text": f"<p>{text}</p>",
    },
    "table": lambda rows, messages: _table(rows),
}


def _body(blocks, messages):
    """StreamField data from a record's ``body``; ``messages`` maps titles to messages."""
    data = []
    for block in blocks:
        [(block_type, value)] = block.items()
        if block_type not in BODY_BLOCKS:
            raise ValueError(
                f"Unknown demo body block {block_type!r} (one of {', '.join(BODY_BLOCKS)})"
            )
        data.append((block_type, BODY_BLOCKS[block_type](value, messages)))
    return data


# Builders -----------------------------------------------------------------------------


def _add_draft(parent, page, user):
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page


def _tag(obj, taxonomy, record):
    """Set the taxonomy a record names (``service_lines``, ``stages``, ``segments``)."""
    obj.service_lines.set(taxonomy.lines(record.get("service_lines", [])))
    obj.stages.set(taxonomy.stage_list(record.get("stages", [])))
    obj.segments.set(taxonomy.segment_list(record.get("segments", [])))


def seed_messages(context, taxonomy, marketer):
    messages = {}
    for record in read("assets", "approved_messages"):
        title = record["title"]
        message = ApprovedMessage.objects.filter(title=title).first()
        if message is None:
            message = ApprovedMessage(
                title=title,
                kind=record["kind"],
                text=record["text"],
                source=record.get("source", ""),
                owner=marketer,
                live=False,
            )
            _tag(message, taxonomy, record)
            message.save()
            message.save_revision(user=marketer, log_action=True)
        messages[title] = message
        _review(context, message, record)
    return messages


def seed_service_line_pages(context, taxonomy, messages, marketer):
    for record in read("assets", "service_line_pages"):
        service_line = taxonomy.service_lines.get(record["service_line"])
        if service_line is None:
            continue
        page = ServiceLinePage.objects.filter(service_line=service_line).first()
        if page is None:
            page = ServiceLinePage(
                title=record["title"],
                slug=slugify(record["title"]),
                service_line=service_line,
                intro=record.get("intro", ""),
                body=_body(record.get("body", []), messages),
                live=False,
                owner=marketer,
                show_in_menus=True,
            )
            _add_draft(context.home, page, marketer)
        _review(context, page, record)


def seed_assets(context, library, taxonomy, messages, marketer):
    assets = {}
    for record in read("assets", "enablement_assets"):
        title = record["title"]
        slug = slugify(title)[:80]
        page = EnablementAssetPage.objects.child_of(library).filter(slug=slug).first()
        if page is None:
            page = EnablementAssetPage(
                title=title,
                slug=slug,
                kind=record["kind"],
                audience=record["audience"],
                purpose=record["purpose"],
                summary=record.get("summary", ""),
                body=_body(record.get("body", []), messages),
                content_owner=marketer,
                owner=marketer,
                live=False,
            )
            _tag(page, taxonomy, record)
            page.tags.set(record.get("tags", []))
            _add_draft(library, page, marketer)
        assets[title] = page
        _review(context, page, record)
    return assets


def seed_objections(context, taxonomy, assets, rep, marketer):
    """Objections as the rep logged them, heard ``times_heard`` times over a few months.

    A record with an ``approved_response`` becomes a draft answer (status "drafting").
    """
    objections = {}
    now = timezone.now()
    for index, record in enumerate(read("assets", "objections")):
        verbatim = record["verbatim"]
        service_line = taxonomy.service_lines.get(record["service_line"])
        if service_line is None:
            continue
        phrase = ObjectionPhrase.objects.filter(
            service_line=service_line, digest=ObjectionPhrase.key(verbatim)[1]
        ).first()
        if phrase is not None:
            objection = phrase.objection
        else:
            stages = taxonomy.stage_list(record["stages"])
            segments = taxonomy.segment_list(record["segments"])
            for hearing in range(record["times_heard"]):
                objection, _ = objection_log(
                    user=rep,
                    verbatim=verbatim,
                    service_line=service_line,
                    stage=stages[hearing % len(stages)],
                    segment=segments[hearing % len(segments)],
                    category=record["category"],
                    heard_at=now - datetime.timedelta(days=(index * 7 + hearing * 3) % 120),
                )
            objection.refresh_from_db()
            objection.stages.set(stages)
            objection.segments.set(segments)
            objection.owner = marketer
            objection.linked_assets = [
                ObjectionLinkedAsset(asset=assets[title])
                for title in record.get("assets", [])
                if title in assets
            ]
            if record.get("approved_response"):
                objection.approved_response = record["approved_response"]
                objection.status = Objection.Status.DRAFTING
            objection.save()
            objection.save_revision(user=marketer, log_action=True)
        objections[verbatim] = objection
        _review(context, objection, record)
    return objections


def seed_talk_tracks(context, library, taxonomy, messages, assets, objections, marketer):
    for record in read("assets", "talk_tracks"):
        if record["service_line"] not in taxonomy.service_lines:
            continue
        title = record["title"]
        slug = slugify(title)[:80]
        page = TalkTrackPage.objects.child_of(library).filter(slug=slug).first()
        if page is None:
            page = TalkTrackPage(
                title=title,
                slug=slug,
                summary=record.get("summary", ""),
                purpose=record["purpose"],
                opener=record.get("opener", ""),
                discovery_questions=[
                    ("question", {"question": question["question"], "listen_for": ""} | question)
                    for question in record.get("discovery_questions", [])
                ],
                key_messages=[
                    *[("approved_message", messages[name]) for name in record["key_messages"]],
                    ("talking_point", record["talking_point"]),
                ],
                next_step=record.get("next_step", ""),
                nurture_next_step=record.get("nurture_next_step", ""),
                content_owner=marketer,
                owner=marketer,
                live=False,
            )
            _tag(
                page,
                taxonomy,
                {
                    "service_lines": [record["service_line"]],
                    "stages": [record["stage"]],
                    "segments": [record["segment"]],
                },
            )
            page.linked_objections = [
                TalkTrackObjection(objection=objections[text])
                for text in record.get("objections", [])
                if text in objections
            ]
            page.linked_assets = [
                TalkTrackAsset(asset=assets[name])
                for name in record.get("assets", [])
                if name in assets
            ]
            _add_draft(library, page, marketer)
        _review(context, page, record)


def seed_usage(rep):
    """A few months of views, downloads and call packs, so the reports have data."""
    if UsageEvent.objects.exists():
        return
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data, not security
    now = timezone.now()
    items = list(LibraryItemPage.objects.order_by("path").prefetch_related("stages"))
    events = []
    for position, item in enumerate(items):
        if position % 5 == 4:
            continue  # some material nobody uses: the "unused in 90 days" report
        for _ in range(rng.randint(2, 25)):
            kind = UsageEvent.Kind.DOWNLOAD if rng.random() < 0.3 else UsageEvent.Kind.VIEW
            events.append(
                UsageEvent(
                    kind=kind,
                    page=item,
                    user=rep,
                    created_at=now - datetime.timedelta(days=rng.randint(0, 80)),
                )
            )
    # Reps looking up calls ("Before your call", the library filtered to one call): the
    # coverage map's look-up counts. The first calls of each stage, most often.
    calls = [
        (line, stage, segment)
        for line in ServiceLine.objects.order_by("name")[:4]
        for stage in JourneyStage.objects.order_by("order")[:3]
        for segment in Segment.objects.order_by("name")[:3]
    ]
    for line, stage, segment in calls:
        for _ in range(rng.randint(0, 6)):
            events.append(
                UsageEvent(
                    kind=UsageEvent.Kind.SEARCH,
                    user=rep,
                    service_line=line,
                    stage=stage,
                    segment=segment,
                    created_at=now - datetime.timedelta(days=rng.randint(0, 80)),
                )
            )
    UsageEvent.objects.bulk_create(events)


def seed_content_requests(context, taxonomy):
    """Open requests reps made for calls the library doesn't cover well. Idempotent: an
    ask by the same person is counted once (``content_request_ask``)."""
    for record in read("assets", "content_requests"):
        lines = taxonomy.lines([record["service_line"]])
        stages = taxonomy.stage_list([record["stage"]])
        segments = taxonomy.segment_list([record["segment"]])
        if not (lines and stages and segments):
            continue
        for position, username in enumerate(record["asked_by"]):
            user = context.users.get(username)
            if user is None:
                continue
            content_request_ask(
                user=user,
                service_line=lines[0],
                stage=stages[0],
                segment=segments[0],
                kind=record.get("kind") or "",
                note=record.get("note", "") if position == 0 else "",
                source=record.get("source", "other"),
            )


def seed_calls(rep, *, approved=frozenset()):
    """Six weeks of calls the demo rep logged, so the content influence report has
    something to show: the calls of a few service line × stage × buyer combinations,
    some with the material tagged for them that goes live with the demo. Made up,
    deterministic, and not a finding."""
    if CallOutcome.objects.exists() or rep is None:
        return
    rng = random.Random(17)  # noqa: S311 - deterministic demo data, not security
    statuses = {status.slug: status for status in BuyerStatus.objects.all()}
    if not statuses:
        return
    progress = [
        statuses[slug]
        for slug in ("qualified", "consult-scheduled", "referral-pending")
        if slug in statuses
    ]
    holding = [
        statuses[slug] for slug in ("interested", "nurture", "not-a-fit") if slug in statuses
    ]
    links = LibraryItemPage.stages.through.objects.values_list(
        "libraryitempage_id", "journeystage_id"
    )
    by_stage = {}
    for item, stage in links:
        by_stage.setdefault(stage, set()).add(item)
    segment_links = LibraryItemPage.segments.through.objects.values_list(
        "libraryitempage_id", "segment_id"
    )
    by_segment = {}
    for item, segment in segment_links:
        by_segment.setdefault(segment, set()).add(item)
    line_links = LibraryItemPage.service_lines.through.objects.values_list(
        "libraryitempage_id", "serviceline_id"
    )
    by_line = {}
    for item, line in line_links:
        by_line.setdefault(line, set()).add(item)
    calls = [
        (line, stage, segment)
        for line in ServiceLine.objects.order_by("name")
        for stage in JourneyStage.objects.order_by("order")[:4]
        for segment in Segment.objects.order_by("name")
    ]
    now = timezone.now()
    for line, stage, segment in calls:
        tagged = sorted(
            by_line.get(line.pk, set())
            & by_stage.get(stage.pk, set())
            & by_segment.get(segment.pk, set())
            & approved  # reps only ever had approved material to use
        )
        if not tagged:
            continue
        for _ in range(rng.randint(1, 4)):
            used = [pk for pk in tagged if rng.random() < 0.6]
            odds = 0.35 + 0.12 * len(used)
            status = rng.choice(progress if rng.random() < odds else holding)
            call = CallOutcome.objects.create(
                user=rep,
                service_line=line,
                stage=stage,
                segment=segment,
                status=status,
                logged_at=now
                - datetime.timedelta(days=rng.randint(0, 42), hours=rng.randint(0, 8)),
            )
            if used:
                call.items.set(used)
