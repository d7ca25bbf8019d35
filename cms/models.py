"""Site-wide models: the user, the shared taxonomy, the approval stamp and the public site.

The taxonomy (service lines, journey stages, segments) tags every content type in
``assets`` and ``glossary``. It is edited by administrators in the Wagtail admin
(see ``cms/wagtail_hooks.py``) and can't be deleted while content still uses it.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.text import Truncator

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Page,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel

from cms.blocks import ContentStreamBlock
from cms.checks import ContentChecksPanel
from cms.sections import render_sections


class User(AbstractUser):
    """Concord's user. Custom from the first migration so fields can be added later."""

    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username


class TaxonomyQuerySet(models.QuerySet):
    def delete(self):
        for obj in self:
            obj.check_deletable()
        return super().delete()


class TaxonomyBase(models.Model):
    """Shared behaviour of the three taxonomies: slugs, and refusal to delete in use."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def usages(self):
        """(label, count) for every kind of content that still points here."""
        found = []
        for rel in self._meta.related_objects:
            accessor = rel.get_accessor_name()
            if not accessor:
                continue
            related = getattr(self, accessor, None)
            if related is None:
                continue
            count = 1 if rel.one_to_one else related.count()
            if count:
                opts = rel.related_model._meta
                label = opts.verbose_name if count == 1 else opts.verbose_name_plural
                found.append((str(label), count))
        return found

    def usage_description(self):
        return ", ".join(f"{count} {label}" for label, count in self.usages())

    def check_deletable(self):
        usages = self.usages()
        if usages:
            raise ProtectedError(
                f"“{self}” is still used by {self.usage_description()}. "
                "Retag or delete that content first.",
                set(),
            )

    def delete(self, *args, **kwargs):
        self.check_deletable()
        return super().delete(*args, **kwargs)


class ServiceLine(TaxonomyBase):
    class Capacity(models.TextChoices):
        ACCEPTING = "accepting", "Accepting new consults"
        WAITLIST = "waitlist", "Waitlist"
        PAUSED = "paused", "Paused"

    code = models.CharField(
        max_length=8,
        unique=True,
        help_text="Short upper-case code used in approval codes, e.g. CARD.",
    )
    sales_owner = models.ForeignKey(
        "cms.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_service_lines",
    )
    capacity = models.CharField(
        max_length=12,
        choices=Capacity.choices,
        default=Capacity.ACCEPTING,
        help_text="When paused, reps are shown nurture material instead of booking material.",
    )
    description = models.TextField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("code"),
        FieldPanel("sales_owner"),
        FieldPanel("capacity"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["name"]

    def clean(self):
        super().clean()
        if self.code:
            self.code = self.code.strip().upper()
            if not self.code.isalnum():
                raise ValidationError({"code": "Use letters and digits only, e.g. CARD."})

    @property
    def is_paused(self):
        return self.capacity == self.Capacity.PAUSED


class JourneyStage(TaxonomyBase):
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position in the buyer journey; lower comes first."
    )
    buyer_questions = models.TextField(
        blank=True, help_text="Questions buyers typically ask at this stage, one per line."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("order"),
        FieldPanel("buyer_questions"),
    ]

    class Meta:
        ordering = ["order", "name"]

    @property
    def questions(self):
        return [line.strip() for line in self.buyer_questions.splitlines() if line.strip()]


class Segment(TaxonomyBase):
    name = models.CharField("buyer role", max_length=120, unique=True)
    care_setting = models.CharField(
        max_length=120, blank=True, help_text="Optional: narrows the segment, e.g. 'Inpatient'."
    )
    description = models.TextField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("care_setting"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.care_setting})" if self.care_setting else self.name


class TaxonomyNamesMixin:
    """Comma-separated taxonomy names, for admin listings and CSV exports.

    For content with ``service_lines``, ``stages`` and ``segments`` relations; prefetch
    them in listings.
    """

    @property
    def service_line_names(self):
        return ", ".join(line.name for line in self.service_lines.all())

    @property
    def stage_names(self):
        return ", ".join(stage.name for stage in self.stages.all())

    @property
    def segment_names(self):
        return ", ".join(str(segment) for segment in self.segments.all())


class Audience(models.TextChoices):
    """Who content is for; it decides the review route (``reviews.ReviewRoute``)."""

    INTERNAL = "internal", "Internal (sales only)"
    EXTERNAL = "external", "External (given to buyers)"
    PUBLIC = "public", "Public (website)"


class ApprovalStampMixin(models.Model):
    """What an approval stamps on content: the code, version, date and review-by date.

    Every reviewable content type (pages and snippets) inherits this. The stamp is
    written only by the review workflow (``reviews``), never edited by hand. The
    methods below are the protocol ``reviews``, ``glossary`` and the library rely on;
    content types override them where the defaults don't fit.
    """

    # Short kind code used in approval codes, e.g. "OP" in CARD-OP-2026-0042.
    approval_kind_code = "GEN"
    # How long an approval lasts unless the review rules say otherwise (months).
    default_review_months = 12
    # A copy (pages) is a new draft: it never inherits the original's approval, in its
    # row or in its copied revisions.
    exclude_fields_in_copy = ["approval_code", "approval_version", "approved_at", "review_by"]
    # Fields that change without changing what was approved (running totals, lifecycle
    # bookkeeping kept by services): the approval fingerprint leaves them out.
    not_content_fields = ()

    approval_code = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    approval_version = models.PositiveIntegerField(default=0, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_by = models.DateField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    @property
    def approval_label(self):
        """The code as printed for people, e.g. ``CARD-OP-2026-0042 v3``."""
        if not self.approval_code:
            return ""
        return f"{self.approval_code} v{self.approval_version}"

    def is_current(self, *, on=None):
        """Approved and current: live, stamped, not past review-by (``cms.publication``)."""
        from cms.publication import is_current

        return is_current(self, on=on)

    def get_review_audience(self):
        """``internal``, ``external`` or ``public``: decides which review route applies."""
        return getattr(self, "audience", "internal") or "internal"

    def get_service_lines(self):
        """The service lines this content belongs to (may be empty: global content)."""
        related = getattr(self, "service_lines", None)
        return list(related.all()) if related is not None else []

    def get_approval_service_line(self):
        """The service line whose code starts the approval code (None: ``GEN``)."""
        lines = sorted(self.get_service_lines(), key=lambda line: line.name)
        return lines[0] if lines else None

    def get_content_owner(self):
        """Who is told when the content expires or comes back for re-review."""
        return getattr(self, "owner", None)


class ReviewableSnippet(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ApprovalStampMixin,
    ClusterableModel,
):
    """The base of every reviewed snippet (approved messages, glossary terms, objections).

    Drafts and revisions, locking, a preview, search, the approval stamp and inline
    children, with the review workflow on top: what the review workflow needs of a
    snippet. Pages get the same from ``Page`` plus ``ApprovalStampMixin``.
    """

    class Meta:
        abstract = True


class HomePage(Page):
    """The public site's root."""

    intro = models.CharField(max_length=255, blank=True)
    body = RichTextField(blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "pages/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["public_children"] = self.get_children().live().public().in_menu().specific()
        return context


class ApprovedMessage(ReviewableSnippet):
    """One approved wording of a claim or key message, used by reference everywhere.

    Assets, talk tracks and public service-line pages point at a message instead of
    copying its text, so the public site and sales material can't drift apart.
    """

    class Kind(models.TextChoices):
        KEY_MESSAGE = "key_message", "Key message"
        CLAIM = "claim", "Claim"
        DISCLAIMER = "disclaimer", "Disclaimer"

    title = models.CharField(max_length=200, help_text="An internal name, e.g. 'Rehab access'.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.KEY_MESSAGE)
    text = models.TextField(help_text="The exact approved wording.")
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Evidence for a claim: study, registry or internal data, with its date.",
    )
    service_lines = ParentalManyToManyField("cms.ServiceLine", related_name="messages")
    stages = ParentalManyToManyField("cms.JourneyStage", blank=True, related_name="messages")
    segments = ParentalManyToManyField("cms.Segment", blank=True, related_name="messages")
    owner = models.ForeignKey(
        "cms.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("text"),
        FieldPanel("source"),
        MultiFieldPanel(
            [FieldPanel("service_lines"), FieldPanel("stages"), FieldPanel("segments")],
            heading="Where it applies",
        ),
        FieldPanel("owner"),
        ContentChecksPanel(),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("text"),
        index.SearchField("source"),
        index.FilterField("live"),
    ]

    approval_kind_code = "MSG"
    # The title is an internal name, not copy: the terminology check leaves it out.
    terminology_skip_fields = ("title",)

    class Meta:
        ordering = ["title"]
        verbose_name = "approved message"

    def __str__(self):
        return self.title

    def get_review_audience(self):
        # Approved messages are reused on the public site, so they get the strictest route.
        return "public"

    def clean(self):
        super().clean()
        if self.kind == self.Kind.CLAIM and not self.source.strip():
            raise ValidationError({"source": "A claim needs its source."})

    def get_preview_template(self, request, mode_name):
        return "components/approved_message_preview.html"

    @property
    def wording(self):
        """The start of the message's words, for listings."""
        return Truncator(self.text).chars(90)


class ServiceLinePage(ApprovalStampMixin, Page):
    """A public landing page for one service line.

    Its claims and key messages are approved messages used by reference (the same rows
    the sales one-pagers use), and the sections other apps register (``cms.sections``)
    follow its body: the glossary lists the service line's approved terms, so the
    website and the sales call say the same thing in the same words.
    """

    service_line = models.ForeignKey(
        "cms.ServiceLine", on_delete=models.PROTECT, related_name="public_pages"
    )
    intro = models.CharField(
        max_length=300, help_text="One or two sentences under the title: who it is for."
    )
    body = StreamField(ContentStreamBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("service_line"),
        FieldPanel("intro"),
        FieldPanel("body"),
        ContentChecksPanel(),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("service_line"),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    template = "pages/service_line_page.html"

    approval_kind_code = "PUB"

    def __str__(self):
        return self.title

    def get_review_audience(self):
        return "public"

    def get_service_lines(self):
        return [self.service_line] if self.service_line_id else []

    @property
    def is_approved_and_current(self):
        from cms.publication import is_current

        return is_current(self)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_approved_and_current else []

    def serve(self, request, *args, **kwargs):
        # Published but not (or no longer) approved: the public never sees it.
        if not self.is_approved_and_current and not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["page_sections"] = render_sections(self, request)
        return context


class ContentVersion(models.Model):
    """One row (``pk=1``) whose ``value`` moves on, in the same transaction, whenever
    something anyone is served may have changed (``cms.freshness``). Every cache of
    served content puts it in its keys: library results, taxonomy lists, PDF routes,
    the glossary matcher, terminology reports.

    It lives in the database, not the cache, so every worker process sees a change at
    once (even without a shared cache) and a rolled-back transaction rolls it back too.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"content version {self.value}"
