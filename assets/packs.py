"""The call pack: everything a rep needs for one call (a ``CallContext``) on one screen,
in one PDF — the newest talk track, the one-pagers and other assets, and the objections
most heard in that service line, best stage and segment matches first. Built from the
library's visibility rule (``assets.selectors``), with a constant number of queries.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Exists, OuterRef, Value, When

from assets.filters import CallContext, LibraryFilters
from assets.models import EnablementAssetPage, Objection, TalkTrackPage
from assets.models.library import Kind, Purpose
from assets.selectors import library_items, visible_objections
from cms.publication import Viewer


def top_objections(*, user, service_line, stage=None, segment=None, limit=5):
    """The most-heard objections for a service line, best stage/segment matches first."""
    queryset = visible_objections(user).filter(service_lines=service_line)
    score = Value(0)
    if stage is not None:
        in_stage = Objection.stages.through.objects.filter(
            objection=OuterRef("pk"), journeystage=stage
        )
        score = score + Case(When(Exists(in_stage), then=Value(1)), default=Value(0))
    if segment is not None:
        in_segment = Objection.segments.through.objects.filter(
            objection=OuterRef("pk"), segment=segment
        )
        score = score + Case(When(Exists(in_segment), then=Value(1)), default=Value(0))
    return list(
        queryset.annotate(match=score)
        .order_by("-match", "-times_heard", "-last_heard_at")
        .prefetch_related("stages", "segments")[:limit]
    )


@dataclass
class CallPack:
    """Everything a rep needs for one call context, on one screen."""

    context: CallContext
    talk_track: TalkTrackPage | None = None
    one_pagers: list = field(default_factory=list)
    other_assets: list = field(default_factory=list)
    objections: list = field(default_factory=list)

    @property
    def service_line(self):
        return self.context.service_line

    @property
    def stage(self):
        return self.context.stage

    @property
    def segment(self):
        return self.context.segment

    @property
    def is_paused(self):
        return self.service_line.is_paused

    @property
    def items(self):
        """Library items in the pack, talk track first (what a PDF pack contains)."""
        head = [self.talk_track] if self.talk_track else []
        return head + self.one_pagers + self.other_assets


def call_pack(*, user, context, max_assets=6):
    """The talk track, one-pagers and top objections for a call. Constant query count."""
    user = Viewer.of(user)
    filters = LibraryFilters(
        service_line=context.service_line, stage=context.stage, segment=context.segment
    )
    items = library_items(user=user, filters=filters)
    talk_track = (
        TalkTrackPage.objects.filter(pk__in=items.filter(kind=Kind.TALK_TRACK).values("pk"))
        .prefetch_related("service_lines", "stages", "segments")
        .order_by("-approved_at", "title")
        .first()
    )
    assets = list(
        EnablementAssetPage.objects.filter(pk__in=items.exclude(kind=Kind.TALK_TRACK).values("pk"))
        .prefetch_related("service_lines", "stages", "segments")
        .order_by("-approved_at", "title")[: max_assets * 2]
    )
    if context.service_line.is_paused:
        # Nurture material leads when nothing can be booked.
        assets.sort(key=lambda asset: asset.purpose != Purpose.NURTURE)
    one_pagers = [asset for asset in assets if asset.kind == Kind.ONE_PAGER][:max_assets]
    others = [asset for asset in assets if asset.kind != Kind.ONE_PAGER][:max_assets]
    return CallPack(
        context=context,
        talk_track=talk_track,
        one_pagers=one_pagers,
        other_assets=others,
        objections=top_objections(
            user=user,
            service_line=context.service_line,
            stage=context.stage,
            segment=context.segment,
        ),
    )
