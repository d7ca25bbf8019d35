"""Usage of the library: one row per view, download or call-pack item."""

from django.db import models
from django.utils import timezone


class UsageEvent(models.Model):
    """What a rep used, recorded with a single INSERT and read only by the reports.

    ``share`` rows record an item a rep sent to a buyer as a share link (``shares``),
    one row per item of the link.

    ``search`` rows (no page) record a rep looking up one call: the library filtered to
    a service line, stage and segment, or "Before your call" for them. The coverage map
    counts them per cell.

    A call pack writes one row per library item it contained (one bulk INSERT), all
    sharing the same ``pack_id``; the pack's service line, stage and segment are on
    every row. Taxonomy foreign keys use ``related_name="+"`` so usage history never
    stops a taxonomy item from being deleted.
    """

    class Kind(models.TextChoices):
        VIEW = "view", "View"
        DOWNLOAD = "download", "Download"
        PACK = "pack", "Call pack"
        SEARCH = "search", "Looked up a call"
        SHARE = "share", "Shared with a buyer"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    page = models.ForeignKey(
        "assets.LibraryItemPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="usage_events",
    )
    user = models.ForeignKey(
        "cms.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service_line = models.ForeignKey(
        "cms.ServiceLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.ForeignKey(
        "cms.JourneyStage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    segment = models.ForeignKey(
        "cms.Segment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pack_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["page", "created_at"]),
            models.Index(fields=["kind", "created_at"]),
        ]
        verbose_name = "usage event"

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"
