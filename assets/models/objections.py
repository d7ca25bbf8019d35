"""Objections buyers raise, how often reps hear them, and the approved responses.

Counting ("times heard") works like this — see docs/library.md:

* ``ObjectionPhrase`` maps a *normalised* wording within a service line to one
  objection, with a unique constraint on (service line, digest of the whole normalised
  wording). When a rep logs an objection, the wording is normalised
  (``normalise_verbatim``) and its digest (``verbatim_digest``) looked up there: a hit
  counts the objection again, a miss creates a new objection and its first phrase. The
  digest covers the whole wording (up to 1,000 characters), so two long objections
  that share their first 255 characters stay two objections.
* Every hearing is a row in ``ObjectionHearing`` (who, when, where: service line,
  stage, segment, and the words as typed), so the review can see where it came from.
* A marketer who spots two objections that are the same marks one as a duplicate of
  the other (``assets.services.objection_merge``): its phrases and hearings move to
  the kept objection and its count is added there, so later hearings of either
  wording count once.

``times_heard``, ``first_heard_at`` and ``last_heard_at`` are running totals kept on
the objection for sorting. They are not content: ``with_content_json`` keeps them
when a revision is published, so approving an old draft never rolls the count back.
"""

import hashlib
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import Truncator

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from modelcluster.fields import ParentalKey, ParentalManyToManyField

from assets.panels import ApprovalStampPanel
from cms.checks import ContentChecksPanel
from cms.models import ReviewableSnippet, TaxonomyNamesMixin

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_verbatim(text):
    """The matching form of an objection's wording (all of it).

    Case, accents' compatibility forms, punctuation, invisible characters (zero-width
    spaces, soft hyphens) and spacing don't make a different objection: "Is this
    covered by Medicare??" and "is this covered by medicare" match. Empty when the
    wording has no letters or digits at all (only punctuation, emoji or spaces).
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(char for char in text if unicodedata.category(char) != "Cf").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def verbatim_digest(normalised):
    """The key of a normalised wording: SHA-256 of all of it (``ObjectionPhrase.digest``)."""
    return hashlib.sha256(normalised.encode()).hexdigest()


class Objection(ReviewableSnippet, TaxonomyNamesMixin):
    class Category(models.TextChoices):
        COST = "cost-coverage", "Cost / coverage"
        EVIDENCE = "clinical-evidence", "Clinical evidence"
        CAPACITY = "capacity-wait-time", "Capacity / wait time"
        WORKFLOW = "workflow-integration", "Workflow / integration"
        TRUST = "trust-reputation", "Trust / reputation"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        NEW = "new", "New"
        DRAFTING = "drafting", "Drafting a response"
        APPROVED = "approved", "Approved"
        RETIRED = "retired", "Retired"

    verbatim = models.TextField(max_length=1000, help_text="What the buyer said, in their words.")
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.OTHER)
    service_lines = ParentalManyToManyField("cms.ServiceLine", related_name="objections")
    stages = ParentalManyToManyField("cms.JourneyStage", related_name="objections")
    segments = ParentalManyToManyField("cms.Segment", related_name="objections")
    approved_response = models.TextField(
        blank=True,
        help_text="The response reps may use, word for word. Approved through review.",
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.NEW,
        help_text="“Approved” is set by the review workflow when the response goes live.",
    )
    owner = models.ForeignKey(
        "cms.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The marketer who owns the response.",
    )

    # Running totals and provenance, maintained by assets.services (not content).
    times_heard = models.PositiveIntegerField(default=0, editable=False, db_index=True)
    first_heard_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_heard_at = models.DateTimeField(null=True, blank=True, editable=False)
    logged_by = models.ForeignKey(
        "cms.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Kept from the current row when a revision is published (see module docstring).
    TALLY_FIELDS = ("times_heard", "first_heard_at", "last_heard_at", "logged_by_id")
    TALLY_FIELDS += ("duplicate_of_id",)
    # Counts and the lifecycle status are kept by services, not approved as wording.
    not_content_fields = (*TALLY_FIELDS, "status")

    panels = [
        FieldPanel("verbatim"),
        FieldPanel("category"),
        FieldPanel("approved_response"),
        FieldPanel("status"),
        MultiFieldPanel(
            [FieldPanel("service_lines"), FieldPanel("stages"), FieldPanel("segments")],
            heading="Where it is heard",
        ),
        InlinePanel("linked_assets", heading="Assets that help answer it", label="Asset"),
        FieldPanel("owner"),
        ApprovalStampPanel(),
        ContentChecksPanel(),
    ]
    search_fields = [
        index.SearchField("verbatim"),
        index.AutocompleteField("verbatim"),
        index.SearchField("approved_response"),
        index.FilterField("live"),
        index.FilterField("status"),
        index.FilterField("category"),
        # The default order (Meta.ordering): the admin listing's search sorts by it.
        index.FilterField("times_heard"),
        index.FilterField("last_heard_at"),
    ]

    approval_kind_code = "OBJ"
    default_review_months = 12
    # The buyer's words are quoted as heard: the terminology check reads the response only.
    terminology_skip_fields = ("verbatim",)

    class Meta:
        ordering = ["-times_heard", "-last_heard_at"]
        verbose_name = "objection"

    def __str__(self):
        return Truncator(self.verbatim).chars(80)

    def get_review_audience(self):
        return "internal"

    def clean(self):
        super().clean()
        if self.status == self.Status.APPROVED and not (self.live and self.approval_code):
            raise ValidationError(
                {"status": "“Approved” is set by the review workflow when the response goes live."}
            )
        if self.status == self.Status.NEW and self.approved_response.strip():
            self.status = self.Status.DRAFTING

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.TALLY_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    def get_preview_template(self, request, mode_name):
        return "components/objection_preview.html"

    @property
    def has_approved_response(self):
        """Reps can use the response: live, stamped, current and not retired."""
        return bool(
            self.is_current()
            and self.approved_response.strip()
            and self.status != self.Status.RETIRED
        )


class ObjectionPhrase(models.Model):
    """A normalised wording, within a service line, that counts towards an objection."""

    NORMALISED_MAX_LENGTH = 255

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="phrases")
    service_line = models.ForeignKey("cms.ServiceLine", on_delete=models.CASCADE, related_name="+")
    # For people: the start of the normalised wording. Matching uses ``digest``.
    normalised = models.CharField(max_length=NORMALISED_MAX_LENGTH)
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of the whole normalised wording (verbatim_digest)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "digest"], name="unique_objection_phrase_digest"
            )
        ]

    def __str__(self):
        return self.normalised

    @classmethod
    def key(cls, verbatim):
        """``(normalised, digest)`` of a wording; ``normalised`` cut to fit its column."""
        normalised = normalise_verbatim(verbatim)
        return normalised[: cls.NORMALISED_MAX_LENGTH], verbatim_digest(normalised)


class ObjectionHearing(models.Model):
    """One time a rep heard an objection on a call."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="hearings")
    heard_by = models.ForeignKey("cms.User", null=True, on_delete=models.SET_NULL, related_name="+")
    verbatim = models.TextField(max_length=1000)
    service_line = models.ForeignKey(
        "cms.ServiceLine", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.ForeignKey(
        "cms.JourneyStage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    segment = models.ForeignKey(
        "cms.Segment", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    heard_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-heard_at"]

    def __str__(self):
        return Truncator(self.verbatim).chars(60)


class ObjectionLinkedAsset(Orderable):
    objection = ParentalKey(Objection, on_delete=models.CASCADE, related_name="linked_assets")
    asset = models.ForeignKey(
        "assets.EnablementAssetPage", on_delete=models.CASCADE, related_name="objection_links"
    )

    panels = [FieldPanel("asset")]
