"""One number that changes whenever what reps may see could have changed."""

from django.db import models


class LibraryVersion(models.Model):
    """A single row (``pk=1``) whose ``value`` goes up on every change that can alter
    the library: a library page saved, published, withdrawn, moved or deleted; an
    approval stamp written; a privacy restriction, a taxonomy item, an approved message
    or a glossary term changed (``assets.freshness`` connects the signals).

    It lives in the database, not the cache, so every worker process sees a change at
    once (even without a shared cache) and a rolled-back transaction rolls it back too.
    Caches of what reps see (``assets.freshness.cached``) put it in their keys.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "library version"

    def __str__(self):
        return f"library version {self.value}"
