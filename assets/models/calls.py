"""Call outcomes: what happened on a call, in the shared status model.

After a call a rep records the call (service line × stage × segment), the buyer's status
afterwards from ``BuyerStatus`` — one status set for sales and marketing, kept by
administrators — the library items they used or sent, and the objections they heard
(logged in the objection log as well). The content influence report reads them.
"""

from django.db import models
from django.utils import timezone


class BuyerStatus(models.Model):
    """One status of the shared status model ("consult scheduled", "nurture"...)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    order = models.PositiveIntegerField(default=0, help_text="Where it sits in the list.")
    counts_as_progress = models.BooleanField(
        default=False,
        help_text="A call that leaves the buyer in this status moved them forward "
        "(the influence report's 'advanced').",
    )
    is_active = models.BooleanField(
        default=True, help_text="Reps can choose it; old calls keep it either way."
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "buyer status"
        verbose_name_plural = "buyer statuses"

    def __str__(self):
        return self.name


class CallOutcome(models.Model):
    user = models.ForeignKey(
        "cms.User", null=True, on_delete=models.SET_NULL, related_name="call_outcomes"
    )
    service_line = models.ForeignKey(
        "cms.ServiceLine", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.ForeignKey(
        "cms.JourneyStage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    segment = models.ForeignKey(
        "cms.Segment", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.ForeignKey(BuyerStatus, on_delete=models.PROTECT, related_name="calls")
    items = models.ManyToManyField(
        "assets.LibraryItemPage", blank=True, related_name="call_outcomes"
    )
    objections = models.ManyToManyField(
        "assets.Objection", blank=True, related_name="call_outcomes"
    )
    notes = models.TextField(blank=True, max_length=2000)
    logged_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-logged_at", "-pk"]
        verbose_name = "call outcome"
        indexes = [models.Index(fields=["user", "-logged_at"])]

    def __str__(self):
        return f"Call {self.pk}: {self.status}"
