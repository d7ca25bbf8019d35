"""Talk tracks: how to run a call for one service line × journey stage × segment."""

from django.db import models

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey

from assets.blocks import DiscoveryStreamBlock, KeyMessageStreamBlock
from assets.models.library import Audience, Kind, LibraryItemPage
from assets.panels import ApprovalStampPanel
from cms.checks import ContentChecksPanel
from cms.forms import ReviewablePageForm


class TalkTrackForm(ReviewablePageForm):
    """A talk track is for exactly one service line, one stage and one segment."""

    def clean(self):
        cleaned_data = super().clean()
        for name, label in [
            ("service_lines", "service line"),
            ("stages", "journey stage"),
            ("segments", "segment"),
        ]:
            chosen = cleaned_data.get(name)
            if chosen is not None and len(chosen) != 1:
                self.add_error(name, f"Pick exactly one {label}: a talk track fits one call.")
        return cleaned_data


class TalkTrackPage(LibraryItemPage):
    opener = models.TextField(help_text="How to open the call: two or three sentences.")
    discovery_questions = StreamField(DiscoveryStreamBlock(), blank=True)
    key_messages = StreamField(KeyMessageStreamBlock())
    next_step = models.TextField(help_text="The ask that ends the call, e.g. book an intake call.")
    nurture_next_step = models.TextField(
        blank=True,
        help_text="What to offer instead while the service line's capacity is paused.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("purpose"),
        LibraryItemPage.taxonomy_panel,
        FieldPanel("opener"),
        FieldPanel("discovery_questions"),
        FieldPanel("key_messages"),
        MultiFieldPanel(
            [FieldPanel("next_step"), FieldPanel("nurture_next_step")], heading="Next step"
        ),
        InlinePanel("linked_objections", heading="Objections to prepare for", label="Objection"),
        InlinePanel("linked_assets", heading="Assets to send", label="Asset"),
        FieldPanel("content_owner"),
        ApprovalStampPanel(),
        ContentChecksPanel(),
    ]
    search_fields = [
        *LibraryItemPage.search_fields,
        index.SearchField("opener"),
        index.SearchField("discovery_questions"),
        index.SearchField("key_messages"),
        index.SearchField("next_step"),
    ]

    base_form_class = TalkTrackForm
    parent_page_types = ["assets.LibraryIndexPage"]
    subpage_types = []
    template = "library/talk_track_detail.html"

    approval_kind_code = "TT"

    class Meta:
        verbose_name = "talk track"

    def save(self, *args, **kwargs):
        # Talk tracks are always sales-only talk tracks.
        self.kind = Kind.TALK_TRACK
        self.audience = Audience.INTERNAL
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        self.kind = Kind.TALK_TRACK
        self.audience = Audience.INTERNAL
        return super().full_clean(*args, **kwargs)

    def get_review_audience(self):
        return Audience.INTERNAL

    def _first(self, relation):
        items = list(getattr(self, relation).all())
        return items[0] if items else None

    @property
    def service_line(self):
        return self._first("service_lines")

    @property
    def stage(self):
        return self._first("stages")

    @property
    def segment(self):
        return self._first("segments")


class TalkTrackObjection(Orderable):
    page = ParentalKey(TalkTrackPage, on_delete=models.CASCADE, related_name="linked_objections")
    objection = models.ForeignKey(
        "assets.Objection", on_delete=models.CASCADE, related_name="talk_track_links"
    )

    panels = [FieldPanel("objection")]


class TalkTrackAsset(Orderable):
    page = ParentalKey(TalkTrackPage, on_delete=models.CASCADE, related_name="linked_assets")
    asset = models.ForeignKey(
        "assets.EnablementAssetPage", on_delete=models.CASCADE, related_name="talk_track_links"
    )

    panels = [FieldPanel("asset")]
