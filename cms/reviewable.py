"""Which models are reviewable: every concrete model with the approval stamp.

In ``cms`` beside the stamp (``cms.models.ApprovalStampMixin``) because the file rules
(``cms.files``, ``cms.forms``) ask it as much as the review workflow (``reviews``) does.
"""

from django.apps import apps

from cms.models import ApprovalStampMixin


def reviewable_models():
    """Concrete models that inherit ``cms.models.ApprovalStampMixin``, in a stable order."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, ApprovalStampMixin) and not model._meta.abstract
        ),
        key=lambda model: model._meta.label,
    )


def reviewable_roots():
    """Reviewable models whose rows aren't also rows of a reviewable parent model.

    With multi-table inheritance (``LibraryItemPage`` → ``EnablementAssetPage``) the
    parent's table holds every child's row, so querying the roots sees each object once.
    """
    models = reviewable_models()
    return [
        model
        for model in models
        if not any(parent in models for parent in model._meta.get_parent_list())
    ]


def routable_models():
    """Reviewable models people create (route choices): not abstract-in-spirit bases."""
    return [model for model in reviewable_models() if getattr(model, "is_creatable", True)]


def is_reviewable(obj):
    return isinstance(obj, ApprovalStampMixin)


def specific(obj):
    """The specific instance of a page (``Page`` rows from generic relations aren't)."""
    return getattr(obj, "specific", obj) if obj is not None else None
