"""Service-line glossaries: the preferred wording of terms and the variants not to use.

A :class:`GlossaryTerm` belongs to one service line, or to none (a *global* term that
applies to every piece of content). It goes through the review workflow like every
other content type; only approved, current terms (``GlossaryTerm.objects.approved()``)
are enforced by the terminology checker (see ``glossary/checking.py`` and
``docs/terminology.md``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from cms.checks import ContentChecksPanel
from cms.models import ReviewableSnippet
from cms.publication import current
from glossary.terminology import Term
from glossary.validation import term_problems


def split_variants(text):
    """The variants written one per line, blanks and duplicates dropped.

    Whitespace inside a variant is collapsed (matching ignores it anyway).
    """
    seen = set()
    variants = []
    for line in text.splitlines():
        variant = " ".join(line.split())
        if variant and variant not in seen:
            seen.add(variant)
            variants.append(variant)
    return variants


class GlossaryTermQuerySet(models.QuerySet):
    def approved(self, *, on=None):
        """Terms the checker enforces and reps see: live, approved and not past review-by.

        The same rule as everything else reps see (``cms.publication.current``): a term
        published without an approval, or past its review-by date, is not enforced.
        """
        return current(self, on=on).select_related("service_line").order_by("pk")


class GlossaryTerm(ReviewableSnippet):
    """One term of a service line's glossary (or of the global glossary)."""

    class Kind(models.TextChoices):
        PROGRAM_NAME = "program_name", "Program name"
        CARE_PATHWAY_STEP = "care_pathway_step", "Care-pathway step"
        CLINICAL_TERM = "clinical_term", "Clinical term"
        ACRONYM = "acronym", "Acronym"

    service_line = models.ForeignKey(
        "cms.ServiceLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="glossary_terms",
        help_text="Leave empty for a global term that applies to all content.",
    )
    preferred = models.CharField(
        "preferred term",
        max_length=200,
        help_text="The wording to use everywhere, e.g. 'Cardiac Rehabilitation Program'.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CLINICAL_TERM)
    definition = models.TextField(blank=True, help_text="What it means, for staff and reps.")
    plain_language = models.TextField(
        "plain-language version",
        blank=True,
        help_text="How to say it to patients and families, without jargon.",
    )
    variants = models.TextField(
        "don't say",
        blank=True,
        help_text="Disallowed variants, one per line. Matching ignores case (unless the "
        "term is case-sensitive), treats hyphens like spaces and only matches whole words.",
    )
    case_sensitive = models.BooleanField(
        default=False,
        help_text="Match the variants only exactly as written. Use for acronyms such as "
        "'ED', where the lower-case word means something else.",
    )
    match_case = models.TextField(
        "match case only for",
        blank=True,
        help_text="Variants (from “Don't say”, one per line) matched only exactly as "
        "written when the others ignore case, e.g. the acronym 'ED' beside 'emergency room'.",
    )
    exceptions = models.TextField(
        blank=True,
        help_text="Phrases in which the variants are allowed, one per line, e.g. "
        "'Internet Explorer' for the variant 'Internet', or a registered program name.",
    )
    enforce_capitalisation = models.BooleanField(
        "flag every other capitalisation",
        default=False,
        help_text="Flag the preferred term written with any other capitalisation "
        "('Mychart', 'MYCHART' for 'MyChart') without listing each.",
    )
    notes = models.TextField(
        blank=True, help_text="Internal notes: why, sources, who asked. Not checked or shown."
    )
    owner = models.ForeignKey(
        "cms.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GlossaryTermQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [FieldPanel("service_line"), FieldPanel("preferred"), FieldPanel("kind")],
            heading="Term",
        ),
        FieldPanel("definition"),
        FieldPanel("plain_language"),
        MultiFieldPanel(
            [
                FieldPanel("variants"),
                FieldPanel("case_sensitive"),
                FieldPanel("match_case"),
                FieldPanel("exceptions"),
                FieldPanel("enforce_capitalisation"),
            ],
            heading="Don't say",
        ),
        FieldPanel("notes"),
        FieldPanel("owner"),
        ContentChecksPanel(),
    ]
    search_fields = [
        index.SearchField("preferred"),
        index.AutocompleteField("preferred"),
        index.SearchField("definition"),
        index.SearchField("plain_language"),
        index.SearchField("variants"),
        index.FilterField("live"),
        index.FilterField("service_line"),
        index.FilterField("kind"),
    ]

    approval_kind_code = "GT"
    # The variants (and where they are allowed) are what the checker looks for, and
    # notes are internal: none is copy, so the check of a term itself leaves them out.
    terminology_skip_fields = ("variants", "match_case", "exceptions", "notes")

    class Meta:
        ordering = ["preferred"]
        verbose_name = "glossary term"
        constraints = [
            models.UniqueConstraint(
                Lower("preferred"),
                "service_line",
                condition=models.Q(service_line__isnull=False),
                name="glossary_term_unique_in_service_line",
                violation_error_message="This service line already has this term.",
            ),
            models.UniqueConstraint(
                Lower("preferred"),
                condition=models.Q(service_line__isnull=True),
                name="glossary_term_unique_global",
                violation_error_message="The global glossary already has this term.",
            ),
        ]
        permissions = [
            ("view_terminology_reports", "Can view the terminology reports"),
        ]

    def __str__(self):
        return f"{self.preferred} ({self.scope_label})"

    @property
    def scope_label(self):
        return self.service_line.name if self.service_line_id else "global"

    @property
    def service_line_slug(self):
        return self.service_line.slug if self.service_line_id else None

    @property
    def variant_list(self):
        return split_variants(self.variants)

    @property
    def match_case_list(self):
        return split_variants(self.match_case)

    @property
    def exception_list(self):
        return split_variants(self.exceptions)

    def as_term(self) -> Term:
        """The matcher's view of this term (``glossary.terminology``)."""
        return Term(
            key=self.pk,
            preferred=self.preferred,
            variants=self.variant_list,
            case_sensitive=self.case_sensitive,
            service_line=self.service_line_slug,
            kind=self.kind,
            match_case=self.match_case_list,
            exceptions=self.exception_list,
            enforce_capitalisation=self.enforce_capitalisation,
        )

    def get_service_lines(self):
        return [self.service_line] if self.service_line_id else []

    def get_review_audience(self):
        # Preferred terms and their plain-language versions are used on the public site.
        return "public"

    def terminology_exempt_terms(self):
        # A term's definition may name its own variants ("TAVI is the European name").
        return {self.pk} if self.pk else set()

    def get_preview_template(self, request, mode_name):
        return "glossary/term_preview.html"

    def clean(self):
        super().clean()
        self.preferred = " ".join(self.preferred.split())
        self.variants = "\n".join(self.variant_list)
        self.match_case = "\n".join(self.match_case_list)
        self.exceptions = "\n".join(self.exception_list)
        if not self.preferred:
            self.check_unique_preferred()
        problems = term_problems(self, approved=GlossaryTerm.objects.approved())
        if problems:
            raise ValidationError(problems)

    def check_unique_preferred(self):
        """The unique constraints, for a draft without a preferred term: Wagtail lets a
        draft leave ``preferred`` empty, and Django then skips the constraints on it, so
        a second such draft in a scope reached the database (an IntegrityError, a 500).
        Otherwise Django checks the constraints itself."""
        same = GlossaryTerm.objects.filter(  # service_line_id=None is IS NULL
            preferred__iexact=self.preferred, service_line_id=self.service_line_id
        ).exclude(pk=self.pk)
        if same.exists():
            raise ValidationError(
                "The global glossary already has this term."
                if self.service_line_id is None
                else "This service line already has this term."
            )
