"""Content requests: reps asking marketing for material the library doesn't have.

A request names one call (service line × stage × segment) and, optionally, the kind of
material wanted ("an evaluation one-pager for referring physicians, cardiology"). While
it is open there is one row per call and kind — a unique constraint — and each rep who
asks for the same thing is *counted* on it (``ContentRequestAsk``, one row per rep), not
added as a duplicate. A marketer marks it done with the library item that answers it;
the reps who asked are e-mailed once that item is approved and live
(``assets.services.content_request_notify``). Requests are not objections: an objection
is what a buyer said, a request is what a rep needs.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from assets.models.library import Kind


class ContentRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    service_line = models.ForeignKey(
        "cms.ServiceLine", on_delete=models.CASCADE, related_name="content_requests"
    )
    stage = models.ForeignKey(
        "cms.JourneyStage", on_delete=models.CASCADE, related_name="content_requests"
    )
    segment = models.ForeignKey(
        "cms.Segment", on_delete=models.CASCADE, related_name="content_requests"
    )
    kind = models.CharField(
        max_length=32,
        choices=Kind.choices,
        blank=True,
        help_text="The kind of material wanted; empty means any approved material.",
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    times_requested = models.PositiveIntegerField(
        default=0, help_text="How many reps asked for it."
    )
    first_requested_at = models.DateTimeField(default=timezone.now)
    last_requested_at = models.DateTimeField(default=timezone.now)
    fulfilled_by = models.ForeignKey(
        "assets.LibraryItemPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="content_requests",
        help_text="The library item that answers the request.",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "cms.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reps who asked were told it is published."
    )

    class Meta:
        verbose_name = "content request"
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "stage", "segment", "kind"],
                condition=Q(status="open"),
                name="assets_one_open_request_per_call_and_kind",
            )
        ]
        indexes = [models.Index(fields=["status", "-times_requested"])]

    def __str__(self):
        return f"Need: {self.need}"

    @property
    def kind_label(self):
        return self.get_kind_display().lower() if self.kind else "material"

    @property
    def title(self):
        """The need, capitalised, for listings."""
        need = self.need
        return need[:1].upper() + need[1:]

    @property
    def need(self):
        """ "evaluation one-pager for Referring physician (Ambulatory), Cardiology"."""
        stage, line = self.stage.name.lower(), self.service_line.name
        return f"{stage} {self.kind_label} for {self.segment}, {line}"


class ContentRequestAsk(models.Model):
    """One rep asking for a request (again): who, when, from where, in their words."""

    class Source(models.TextChoices):
        RESULTS = "results", "Library results"
        CALL = "call", "Before your call"
        PACK = "pack", "Call pack"
        OTHER = "other", "Elsewhere"

    request = models.ForeignKey(ContentRequest, on_delete=models.CASCADE, related_name="asks")
    user = models.ForeignKey(
        "cms.User", null=True, on_delete=models.SET_NULL, related_name="content_request_asks"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.OTHER)
    note = models.CharField(max_length=500, blank=True)
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "content request ask"
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="assets_one_ask_per_rep")
        ]

    def __str__(self):
        return f"{self.user or 'someone'} asked for {self.request_id}"
