"""Favourites: the items a rep starred, their "call kit"."""

from django.db import models
from django.utils import timezone


class Favourite(models.Model):
    """A rep starred a library item. Read only through ``selectors.call_kit`` (what the
    rep may still see), so a star on withdrawn material shows nothing."""

    user = models.ForeignKey("cms.User", on_delete=models.CASCADE, related_name="favourites")
    item = models.ForeignKey(
        "assets.LibraryItemPage", on_delete=models.CASCADE, related_name="favourites"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "favourite"
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="assets_one_star_per_item")
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user} ★ {self.item_id}"
