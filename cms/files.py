"""The documents and images a piece of content uses.

One reading of "uses", shared by the approval fingerprint (``reviews.fingerprint``),
the file rules (who may replace or move a file, which collection a file must be in)
and media serving: Wagtail's own reference extraction, which sees foreign keys and
inline child objects (attachments), StreamField blocks (document and image choosers)
and rich-text links and embeds, on any instance — the live row or a revision's object.
"""

from django.contrib.contenttypes.models import ContentType

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex


def file_models():
    """``{"document": Document model, "image": Image model}``."""
    return {"document": get_document_model(), "image": get_image_model()}


def referenced_file_ids(obj):
    """``{"document": {id: first content path}, "image": {...}}`` used by ``obj``."""
    content_types = {
        ContentType.objects.get_for_model(model).pk: kind for kind, model in file_models().items()
    }
    found = {kind: {} for kind in file_models()}
    for content_type_id, object_id, _model_path, content_path in (
        ReferenceIndex._extract_references_from_object(obj)
    ):
        kind = content_types.get(content_type_id)
        if kind is None:
            continue
        try:
            key = int(object_id)
        except (TypeError, ValueError):
            continue
        found[kind].setdefault(key, content_path)
    return found


def referenced_files(obj):
    """``[(kind, file object, content path)]`` for every document and image ``obj`` uses.

    Files that no longer exist are left out (a chooser pointing at a deleted document
    renders nothing). Ordered by kind and id, so the result is stable.
    """
    result = []
    for kind, ids in referenced_file_ids(obj).items():
        if not ids:
            continue
        model = file_models()[kind]
        for item in model.objects.filter(pk__in=ids).select_related("collection").order_by("pk"):
            result.append((kind, item, ids[item.pk]))
    return result
