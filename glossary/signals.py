"""Keep the cached matcher honest: bump the glossary version when terms change.

Thin on purpose: the handlers only decide *whether* the approved glossary may have
changed and call :func:`glossary.matching.glossary_changed`.
"""

from django.db.models.signals import post_delete, post_save

from cms.models import ServiceLine
from glossary.matching import glossary_changed
from glossary.models import GlossaryTerm

# Saves that only touch bookkeeping (saving a draft revision, locking) leave the
# enforced glossary as it is.
BOOKKEEPING_FIELDS = frozenset(
    {"latest_revision", "has_unpublished_changes", "locked", "locked_at", "locked_by"}
)


def _term_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    glossary_changed()


def _term_deleted(sender, instance, **kwargs):
    glossary_changed()


def _service_line_saved(sender, instance, **kwargs):
    # Terms are scoped by service-line slug, which may have changed.
    glossary_changed()


def connect():
    post_save.connect(_term_saved, sender=GlossaryTerm, dispatch_uid="glossary-term-saved")
    post_delete.connect(_term_deleted, sender=GlossaryTerm, dispatch_uid="glossary-term-deleted")
    post_save.connect(
        _service_line_saved, sender=ServiceLine, dispatch_uid="glossary-service-line-saved"
    )
