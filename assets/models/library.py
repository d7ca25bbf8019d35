"""The rep library: its index page and the base of everything listed in it.

``LibraryItemPage`` is a concrete (multi-table) base page for enablement assets and
talk tracks. It holds what the library lists, filters and searches on (kind,
audience, purpose, summary, taxonomy, tags, the approval stamp), so one query over
one table answers ``/library/`` whatever the mix of item types. It can't be created
on its own (``is_creatable = False``).
"""

from django import forms
from django.db import models

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from cms.models import ApprovalStampMixin, Audience, TaxonomyNamesMixin


class Kind(models.TextChoices):
    ONE_PAGER = "one-pager", "One-pager"
    FAQ = "faq", "FAQ"
    CASE_STUDY = "case-study", "Case study"
    EMAIL_TEMPLATE = "email-template", "Email template"
    REFERRAL_INTAKE_GUIDE = "referral-intake-guide", "Referral-intake guide"
    PITCH_DECK = "pitch-deck", "Pitch deck"
    CHECKLIST = "checklist", "Checklist"
    TALK_TRACK = "talk-track", "Talk track"


# Kind codes used in approval codes, e.g. CARD-OP-2026-0042.
KIND_CODES = {
    Kind.ONE_PAGER: "OP",
    Kind.FAQ: "FAQ",
    Kind.CASE_STUDY: "CS",
    Kind.EMAIL_TEMPLATE: "EM",
    Kind.REFERRAL_INTAKE_GUIDE: "RIG",
    Kind.PITCH_DECK: "DECK",
    Kind.CHECKLIST: "CL",
    Kind.TALK_TRACK: "TT",
}
ASSET_KINDS = [choice for choice in Kind.choices if choice[0] != Kind.TALK_TRACK]


class Purpose(models.TextChoices):
    BOOKING = "booking", "Booking: moves the buyer to a consult or referral"
    NURTURE = "nurture", "Nurture: keeps the buyer informed until they can book"
    GENERAL = "general", "General reference"


class KindCode:
    """``approval_kind_code`` that follows the instance's ``kind``.

    On the class it is the default code, so code that reads the class attribute (as
    ``ApprovalStampMixin`` documents) still gets a string.
    """

    def __init__(self, default):
        self.default = default

    def __get__(self, instance, owner=None):
        if instance is None:
            return self.default
        return KIND_CODES.get(instance.kind, self.default)


class LibraryItemTag(TaggedItemBase):
    content_object = ParentalKey(
        "assets.LibraryItemPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class LibraryItemPage(RoutablePageMixin, ApprovalStampMixin, TaxonomyNamesMixin, Page):
    """Base of every library item (enablement assets and talk tracks)."""

    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    audience = models.CharField(
        max_length=12,
        choices=Audience.choices,
        default=Audience.INTERNAL,
        help_text="Who may receive it. External and public material needs compliance approval.",
    )
    purpose = models.CharField(
        max_length=12,
        choices=Purpose.choices,
        default=Purpose.GENERAL,
        help_text="When a service line's capacity is paused, reps see nurture material "
        "and booking material is held back.",
    )
    summary = models.TextField(
        max_length=400, help_text="One or two sentences: what it is and when to use it."
    )
    service_lines = ParentalManyToManyField("cms.ServiceLine", related_name="library_items")
    stages = ParentalManyToManyField("cms.JourneyStage", related_name="library_items")
    segments = ParentalManyToManyField("cms.Segment", related_name="library_items")
    tags = ClusterTaggableManager(
        through=LibraryItemTag,
        blank=True,
        help_text="Conditions, campaigns, programs.",
    )
    content_owner = models.ForeignKey(
        "cms.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who keeps it up to date and is asked to re-review it.",
    )

    approval_kind_code = KindCode(default="LIB")

    # Uses in the last 90 days, annotated by the library's "most used" sort
    # (``assets.selectors``). Declared as a FilterField below so a search may be ordered
    # by it; the database search backend orders with the ORM annotation itself.
    recent_uses = None

    taxonomy_panel = MultiFieldPanel(
        [
            FieldPanel("service_lines", widget=forms.CheckboxSelectMultiple),
            FieldPanel("stages", widget=forms.CheckboxSelectMultiple),
            FieldPanel("segments", widget=forms.CheckboxSelectMultiple),
            FieldPanel("tags"),
        ],
        heading="Where it applies",
        help_text="Pick at least one service line, journey stage and segment.",
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.AutocompleteField("summary"),
        index.RelatedFields(
            "service_lines", [index.SearchField("name"), index.FilterField("slug")]
        ),
        index.RelatedFields("stages", [index.SearchField("name"), index.FilterField("slug")]),
        index.RelatedFields("segments", [index.SearchField("name"), index.FilterField("slug")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("kind"),
        index.FilterField("audience"),
        index.FilterField("purpose"),
        index.FilterField("expired"),
        index.FilterField("approval_code"),
        index.FilterField("approved_at"),
        index.FilterField("review_by"),
        index.FilterField("recent_uses"),
    ]

    is_creatable = False
    parent_page_types = ["assets.LibraryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "library item"
        indexes = [
            models.Index(fields=["review_by", "approval_code"]),
            # The library's default order (newest approval first): a page of results
            # is read in index order instead of sorting every match.
            models.Index(fields=["-approved_at", "-page_ptr"], name="assets_item_newest_idx"),
            # The same order within one kind ("FAQs for orthopedics"): without it the
            # database walks every item newest first to find one kind's.
            models.Index(
                fields=["kind", "-approved_at", "-page_ptr"], name="assets_item_kind_newest_idx"
            ),
        ]

    def get_content_owner(self):
        return self.content_owner or self.owner

    def get_pdf_url(self, request=None):
        url = self.get_url(request=request)
        return f"{url}pdf/" if url else None

    @property
    def pdf_url(self):
        return self.get_pdf_url()

    # Staff preview the draft as its PDF too, watermarked DRAFT (assets.pdf.views).
    preview_modes = [("", "Page"), ("pdf", "PDF (draft)")]

    def serve_preview(self, request, mode_name):
        if mode_name == "pdf":
            from assets.pdf import views as pdf_views

            return pdf_views.preview_pdf(request, self)
        return super().serve_preview(request, mode_name)

    def get_sitemap_urls(self, request=None):
        return []  # internal material never goes in the sitemap

    # Routes ---------------------------------------------------------------------

    @path("")
    def item_detail(self, request):
        from assets import views

        return views.item_detail(request, self)

    @path("pdf/")
    def item_pdf(self, request):
        from assets import views

        return views.item_pdf(request, self)

    @path("star/")
    def item_star(self, request):
        from assets import views

        return views.item_star(request, self)


class LibraryIndexPage(RoutablePageMixin, Page):
    """``/library/``: the rep library. Restricted to library roles by page privacy."""

    intro = models.CharField(
        max_length=300,
        blank=True,
        default="Approved, stage-matched material for your next call.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["assets.EnablementAssetPage", "assets.TalkTrackPage"]
    max_count = 1
    template = "library/index.html"

    class Meta:
        verbose_name = "rep library"

    def get_sitemap_urls(self, request=None):
        return []

    @path("")
    def library_index(self, request):
        from assets import views

        return views.library_index(request, self)

    @path("before-your-call/")
    def before_your_call(self, request):
        from assets import views

        return views.before_your_call(request, self)

    @path("objections/log/")
    def log_objection(self, request):
        from assets import views

        return views.objection_log(request, self)

    @path("requests/")
    def content_requests(self, request):
        from assets import views

        return views.my_requests(request, self)

    @path("requests/new/")
    def content_request(self, request):
        from assets import views

        return views.content_request(request, self)

    @path("pack.pdf/")  # Wagtail resolves sub-routes with a trailing slash
    def pack_pdf(self, request):
        from assets import views

        return views.pack_pdf(request, self)

    @path("calls/")
    def calls(self, request):
        from assets import views

        return views.my_calls(request, self)

    @path("calls/new/")
    def call_log(self, request):
        from assets import views

        return views.call_log(request, self)

    @path("kit/")
    def call_kit(self, request):
        from assets import views

        return views.call_kit(request, self)

    @path("kit/pdf/")
    def call_kit_pdf(self, request):
        from assets import views

        return views.call_kit_pdf(request, self)

    @path("glossary/")
    def glossary_index(self, request):
        from assets import views

        return views.glossary_index(request, self)

    @path("glossary/<slug:slug>/")
    def service_line_glossary(self, request, slug):
        from assets import views

        return views.service_line_glossary(request, self, slug)
