"""Enablement assets: one-pagers, FAQs, case studies, email templates, referral-intake
guides, pitch decks and checklists."""

from django.core.exceptions import ValidationError
from django.db import models

from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey

from assets.models.library import ASSET_KINDS, Kind, LibraryItemPage
from assets.panels import ApprovalStampPanel
from cms.blocks import ContentStreamBlock
from cms.checks import ContentChecksPanel
from cms.forms import ReviewablePageForm


class EnablementAssetForm(ReviewablePageForm):
    """Only asset kinds are offered. Files must fit the audience (``ReviewablePageForm``):
    internal material only uses restricted files, external and public material none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].choices = ASSET_KINDS


class EnablementAssetPage(LibraryItemPage):
    """A piece of sales material, tagged with the service lines, stages and segments it fits."""

    body = StreamField(ContentStreamBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("audience"),
        FieldPanel("purpose"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading="Files", label="File"),
        LibraryItemPage.taxonomy_panel,
        FieldPanel("content_owner"),
        ApprovalStampPanel(),
        ContentChecksPanel(),
    ]
    search_fields = [*LibraryItemPage.search_fields, index.SearchField("body")]

    base_form_class = EnablementAssetForm
    parent_page_types = ["assets.LibraryIndexPage"]
    subpage_types = []
    template = "library/asset_detail.html"

    class Meta:
        verbose_name = "enablement asset"

    def clean(self):
        super().clean()
        if self.kind == Kind.TALK_TRACK:
            raise ValidationError({"kind": "Create talk tracks as talk track pages."})

    @path("download/<int:attachment_id>/")
    def download(self, request, attachment_id):
        from assets import views

        return views.attachment_download(request, self, attachment_id)


class EnablementAssetAttachment(Orderable):
    page = ParentalKey(EnablementAssetPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    label = models.CharField(
        max_length=120, blank=True, help_text="Link text; the document's title if empty."
    )

    panels = [FieldPanel("document"), FieldPanel("label")]

    def __str__(self):
        return self.label or self.document.title

    @property
    def display_label(self):
        return self.label or self.document.title
