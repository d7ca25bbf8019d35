"""Live means approved: the last line that keeps unreviewed content off the site.

Whatever path saves a reviewable row as live — the finish action, ``publish_scheduled``,
a page copy with "publish copies", an alias, the create view's publish action, a script —
the row may only *be* live when

* an approval record of this very object covers its live revision (not withdrawn), and
* the row's content and files match that record's fingerprint (``reviews.fingerprint``).

Otherwise the row is saved as a draft instead (``live=False``, no approval stamp) and
the refusal is logged. Connected as a ``pre_save`` receiver for each reviewable model in
``ReviewsConfig.ready``, so a new content type is covered by inheriting the stamp.
"""

import logging

from reviews.fingerprint import NOT_CONTENT, content_of, fingerprint

logger = logging.getLogger(__name__)

STAMP = {"approval_code": "", "approval_version": 0, "approved_at": None, "review_by": None}


def live_problem(obj):
    """Why ``obj``'s row may not be live as it stands (a sentence), or ``None``."""
    from reviews.services import approval_for_live

    if obj.pk is None:
        return "It has never been reviewed."
    record = approval_for_live(obj)
    if record is None:
        return "Its live version has no approval."
    if record.fingerprint:
        if fingerprint(obj) != record.fingerprint:
            return "Its content or files differ from what was approved."
    elif record.revision is not None and content_of(obj) != content_of(record.revision):
        return "Its content differs from what was approved."
    return None


def _saves_content(update_fields):
    return update_fields is None or not set(update_fields) <= NOT_CONTENT


def keep_unapproved_rows_draft(sender, instance, raw=False, update_fields=None, **kwargs):
    """``pre_save``: a live row that isn't exactly an approved revision becomes a draft."""
    if raw or not getattr(instance, "live", False) or not _saves_content(update_fields):
        return
    problem = live_problem(instance)
    if problem is None:
        return
    logger.warning(
        "Refused to make %s %r live: %s Saved as a draft.",
        type(instance).__name__,
        getattr(instance, "pk", None),
        problem,
    )
    instance.live = False
    instance.has_unpublished_changes = True
    for name, value in STAMP.items():
        setattr(instance, name, value)
    if update_fields is not None:
        # A partial save wouldn't write the refusal: write it directly.
        type(instance)._default_manager.filter(pk=instance.pk).update(
            live=False, has_unpublished_changes=True, **STAMP
        )


def connect():
    from django.db.models.signals import pre_save

    from cms.reviewable import reviewable_models

    for model in reviewable_models():
        pre_save.connect(
            keep_unapproved_rows_draft,
            sender=model,
            dispatch_uid=f"reviews-live-means-approved-{model._meta.label_lower}",
        )
