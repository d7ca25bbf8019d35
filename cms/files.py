"""The documents and images a piece of content uses, and the rules that follow from it.

One reading of "uses", shared by the approval fingerprint (``reviews.fingerprint``),
the file rules (who may replace or move a file, which collection a file must be in)
and media serving: Wagtail's own reference extraction, which sees foreign keys and
inline child objects (attachments), StreamField blocks (document and image choosers)
and rich-text links and embeds, on any instance — the live row or a revision's object.

The rules (docs/security.md, "Files"):

* **Privacy follows the content** — ``file_privacy_problems(obj)``: internal content
  may only use files in a collection restricted to signed-in people (a login or groups
  restriction, e.g. "Internal sales material"); public and external content only files
  in collections without any restriction (buyers and visitors couldn't open the rest).
* **Approved files are immutable** — ``locking_uses(file)``: a file used by approved,
  live content, by a revision in review or by an approved revision waiting for its
  scheduled publish can't have its file replaced or be moved to another collection.
  ``refuse_locked_file_change`` is the model-level last line (``pre_save``, connected in
  ``cms.apps``); the document and image forms and the bulk "add to collection" hook
  refuse first, with the same message. A document's *title* is locked too: it is what
  readers see for an attachment or document block without a label of its own.
* **Approved files stay** — such a file can't be deleted either (deleting a document
  deleted its attachments from the live page, and left image and document blocks
  pointing at nothing, under the old approval code): ``refuse_locked_file_delete``
  (``pre_delete``: scripts, queryset deletes, any view), and first, with the message,
  Wagtail's delete views and bulk delete (``cms.wagtail_hooks``).
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied

from wagtail.blocks import StreamValue
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.struct_block import StructValue
from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import (
    BaseViewRestriction,
    ReferenceIndex,
    Revision,
    WorkflowState,
)

from cms import indexing
from cms.reviewable import is_reviewable, specific

INTERNAL_COLLECTION_HINT = "“Internal sales material”"


def file_models():
    """``{"document": Document model, "image": Image model}``."""
    return {"document": get_document_model(), "image": get_image_model()}


def file_kind(file_obj):
    """``"document"`` or ``"image"`` for a file object, else ``None``."""
    for kind, model in file_models().items():
        if isinstance(file_obj, model):
            return kind
    return None


def file_references(obj):
    """``(kind, id, content path)`` for every use of a document or image in ``obj``.

    Content paths are Wagtail's (``body.<block id>.document``, ``attachments.<pk>.document``);
    ``readable_path`` turns them into the glossary's style (``body[1].document``).
    """
    content_types = {
        ContentType.objects.get_for_model(model).pk: kind for kind, model in file_models().items()
    }
    for (
        content_type_id,
        object_id,
        _model_path,
        content_path,
    ) in ReferenceIndex._extract_references_from_object(obj):
        kind = content_types.get(content_type_id)
        if kind is None:
            continue
        try:
            key = int(object_id)
        except (TypeError, ValueError):
            continue
        yield kind, key, content_path


def referenced_file_ids(obj):
    """``{"document": {id: first content path}, "image": {...}}`` used by ``obj``."""
    found = {kind: {} for kind in file_models()}
    for kind, key, content_path in file_references(obj):
        found[kind].setdefault(key, content_path)
    return found


def load_files(ids):
    """``[(kind, file object, content path)]`` for ``{kind: {id: path}}``, by kind and id."""
    result = []
    for kind, paths in ids.items():
        if not paths:
            continue
        model = file_models()[kind]
        for item in model.objects.filter(pk__in=paths).select_related("collection").order_by("pk"):
            result.append((kind, item, paths[item.pk]))
    return result


def referenced_files(obj):
    """``[(kind, file object, content path)]`` for every document and image ``obj`` uses.

    Files that no longer exist are left out (a chooser pointing at a deleted document
    renders nothing). Ordered by kind and id, so the result is stable.
    """
    return load_files(referenced_file_ids(obj))


# Where, for people -------------------------------------------------------------------


def readable_path(obj, content_path):
    """A Wagtail content path as the glossary checker writes paths: ``body[1].document``.

    Block ids become the block's position and type; a child object's primary key
    becomes its position (``attachments[0].document``). Anything not found is left as is.
    """
    name, _, rest = content_path.partition(".")
    parts = rest.split(".") if rest else []
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if isinstance(field, StreamField):
        return name + _value_path(getattr(obj, name, None), parts)
    manager = getattr(obj, name, None) if field is not None and field.is_relation else None
    if manager is not None and hasattr(manager, "all") and parts:
        pks = [str(child.pk) for child in manager.all()]
        if parts[0] in pks:
            return ".".join([f"{name}[{pks.index(parts[0])}]", *parts[1:]])
    return content_path


def assign_block_ids(obj):
    """Give every StreamField block of ``obj`` without an id one, as saving would.

    Blocks just submitted in a form may have none yet; ``readable_path`` needs them
    to say which block a path points at.
    """
    for field in obj._meta.get_fields():
        if isinstance(field, StreamField):
            value = getattr(obj, field.name, None)
            if isinstance(value, StreamValue):
                value.get_prep_value()  # assigns missing ids in place, nested ones too


def _value_path(value, parts):
    path = ""
    for part in parts:
        if isinstance(value, StreamValue):
            index = next((i for i, child in enumerate(value) if child.id == part), None)
            if index is not None:
                child = value[index]
                path += f"[{index}].{child.block_type}"
                value = child.value
                continue
        elif isinstance(value, ListValue):
            ids = [child.id for child in value.bound_blocks]
            if part in ids:
                index = ids.index(part)
                path += f"[{index}]"
                value = value.bound_blocks[index].value
                continue
        elif isinstance(value, StructValue) and part in value:
            path += f".{part}"
            value = value[part]
            continue
        path += f".{part}"
        value = None
    return path


def title_of(obj):
    return getattr(obj, "title", None) or str(obj)


# Privacy follows the content --------------------------------------------------------

PUBLIC = "public"  # no view restriction on the collection or any parent
SIGNED_IN = "signed-in"  # a login or groups restriction: never anonymous visitors
PASSWORD_ONLY = "password"  # noqa: S105 - only shared-password restrictions, not a password


def file_access(file_obj):
    """Who can open a file: ``PUBLIC``, ``SIGNED_IN`` or ``PASSWORD_ONLY``.

    A file is as private as its collection (Wagtail applies the restrictions of the
    collection and of every parent collection).
    """
    types = {r.restriction_type for r in file_obj.collection.get_view_restrictions()}
    if not types:
        return PUBLIC
    if types & {BaseViewRestriction.LOGIN, BaseViewRestriction.GROUPS}:
        return SIGNED_IN
    return PASSWORD_ONLY


AUDIENCE_READERS = {"external": "buyers", "public": "website visitors"}


def file_privacy_problem(*, audience, kind, file_obj, where):
    """Why ``file_obj`` may not be used by content for ``audience`` at ``where``, or ``""``."""
    access = file_access(file_obj)
    collection = file_obj.collection.name
    if audience == "internal":
        if access == PUBLIC:
            return (
                f"{where}: “{file_obj.title}” is in a public collection (“{collection}”), so "
                "anyone with its link could open it. Internal material may only use files "
                f"from a collection restricted to the sales groups, such as "
                f"{INTERNAL_COLLECTION_HINT}: choose or upload the {kind} there."
            )
        if access == PASSWORD_ONLY:
            return (
                f"{where}: “{file_obj.title}” is in “{collection}”, protected only by a "
                "shared password. Internal material may only use files from a collection "
                f"restricted to the sales groups, such as {INTERNAL_COLLECTION_HINT}: "
                f"choose or upload the {kind} there."
            )
        return ""
    if access != PUBLIC:
        readers = AUDIENCE_READERS.get(audience, "its readers")
        return (
            f"{where}: “{file_obj.title}” is in the restricted collection “{collection}”, "
            f"which {readers} can't open. {audience.capitalize()} material may only use "
            f"files from a collection without a view restriction: choose another {kind}, "
            "or make this material internal."
        )
    return ""


def file_privacy_problems(obj, *, files=None):
    """What is wrong with the files ``obj`` uses, given its audience: one message per file.

    ``obj`` is reviewable content (a live row or a revision's ``as_object()``); anything
    else has no audience and no problems. ``files`` — ``[(kind, file, readable path)]`` —
    lets an admin form pass what it is about to save (``cms.forms``).
    """
    get_audience = getattr(obj, "get_review_audience", None)
    if get_audience is None:
        return []
    audience = get_audience()
    if files is None:
        files = [
            (kind, file_obj, readable_path(obj, path))
            for kind, file_obj, path in referenced_files(obj)
        ]
    problems = []
    for kind, file_obj, where in files:
        problem = file_privacy_problem(audience=audience, kind=kind, file_obj=file_obj, where=where)
        if problem:
            problems.append(problem)
    return problems


# Approved files are immutable --------------------------------------------------------

REPLACE = "replace"
MOVE = "move"
RENAME = "rename"
DELETE = "delete"


@dataclass(frozen=True)
class FileUse:
    """Content that keeps a file as it is, e.g. “Cardiac rehab one-pager” (CARD-OP-2026-0003 v1)."""

    title: str
    state: str  # "approved", "scheduled" or "in review"
    approval_label: str = ""

    def __str__(self):
        if self.state == "approved":
            return f"“{self.title}” ({self.approval_label})"
        if self.state == "scheduled":
            return f"“{self.title}” (approved, scheduled to go live)"
        return f"“{self.title}” (in review)"


class FileInUse(PermissionDenied):
    """A change to a file that approved content or content in review uses."""


def _object_key(obj):
    if hasattr(obj, "get_base_content_type"):
        return obj.get_base_content_type().pk, str(obj.pk)
    return ContentType.objects.get_for_model(obj).pk, str(obj.pk)


def _uses_file(obj, kind, file_id):
    return file_id in referenced_file_ids(obj)[kind]


def locking_uses(file_obj):
    """The content that makes ``file_obj`` unchangeable: ``[FileUse]`` (empty: free to change).

    * approved and live: the reference index records the live rows' references (Wagtail
      re-reads the row after each save), so it finds every live user of the file;
    * in review: the revision the current step is reviewing (``as_object()``), since the
      live row may not use the file yet;
    * approved and scheduled: an approved revision waiting for ``publish_scheduled``.
    """
    kind = file_kind(file_obj)
    if kind is None or file_obj.pk is None:
        return []
    uses = {}
    indexing.flush()  # references saved earlier in this batch
    for reference in ReferenceIndex.get_references_to(file_obj).select_related("content_type"):
        model = reference.content_type.model_class()
        if model is None:
            continue
        obj = specific(model._default_manager.filter(pk=reference.object_id).first())
        if obj is None or not is_reviewable(obj):
            continue
        if getattr(obj, "live", True) and obj.approval_code:
            uses[_object_key(obj)] = FileUse(title_of(obj), "approved", obj.approval_label)

    scheduled = Revision.objects.filter(approved_go_live_at__isnull=False)
    for revision in scheduled:
        obj = revision.as_object()
        if is_reviewable(obj) and _uses_file(obj, kind, file_obj.pk):
            uses.setdefault(_object_key(obj), FileUse(title_of(obj), "scheduled"))

    in_review = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS, current_task_state__isnull=False
    ).select_related("current_task_state__revision")
    for state in in_review:
        revision = state.current_task_state.revision
        if revision is None:
            continue
        obj = revision.as_object()
        if _uses_file(obj, kind, file_obj.pk):
            uses.setdefault(_object_key(obj), FileUse(title_of(obj), "in review"))

    order = {"approved": 0, "scheduled": 1, "in review": 2}
    return sorted(uses.values(), key=lambda use: (order[use.state], use.title))


def locked_file_message(file_obj, uses, *, change):
    """The refusal: what uses the file, and what to do instead."""
    kind = file_kind(file_obj) or "file"
    states = {use.state for use in uses}
    if states <= {"approved", "scheduled"}:
        used_by = "approved content"
    elif states == {"in review"}:
        used_by = "content in review"
    else:
        used_by = "approved content and content in review"
    listed = ", ".join(str(use) for use in uses)
    if change == DELETE:
        advice = (
            f"It can't be deleted while that content uses it: replace or remove the {kind} "
            "in the content (which then goes through review), or withdraw the content, first."
        )
    elif change == RENAME:
        advice = (
            "Its title is what readers see where the content gives it no label of its own, "
            "so it stays as approved. Change the label in the content instead, which then "
            "goes through review."
        )
    elif change == MOVE:
        advice = (
            "Its collection decides who can open it, so it stays where it was approved. "
            "Upload a copy in the other collection and use that in the content, which then "
            "goes through review."
        )
    else:
        advice = (
            f"Upload the new version as a new {kind} and update that content, which then "
            "goes through review."
        )
    return f"“{file_obj.title}” is used by {used_by}: {listed}. {advice}"


def stored_change(file_obj):
    """``REPLACE``, ``MOVE``, ``RENAME`` or ``None``: how ``file_obj`` differs from its
    stored row (a title counts for documents only: an image's title isn't shown)."""
    if file_obj.pk is None:
        return None
    stored = (
        type(file_obj)
        ._default_manager.filter(pk=file_obj.pk)
        .values("file", "collection", "title")
        .first()
    )
    if stored is None:
        return None
    if stored["file"] != file_obj.file.name:
        return REPLACE
    if stored["collection"] != file_obj.collection_id:
        return MOVE
    if file_kind(file_obj) == "document" and stored["title"] != file_obj.title:
        return RENAME
    return None


def refuse_locked_file_change(sender, instance, raw=False, **kwargs):
    """``pre_save`` of the document and image models: the last line behind the forms.

    Raises ``FileInUse`` (a ``PermissionDenied``: a view that gets this far answers 403)
    before anything is written, so a script or another view can't replace or move a
    file that approved content uses. Queryset ``update()`` calls bypass signals; the
    bulk "add to collection" actions are refused by a hook instead (``cms.wagtail_hooks``).
    """
    if raw:
        return
    change = stored_change(instance)
    if change is None:
        return
    uses = locking_uses(instance)
    if uses:
        raise FileInUse(locked_file_message(instance, uses, change=change))


def refuse_locked_file_delete(sender, instance, **kwargs):
    """``pre_delete`` of the document and image models: approved files stay.

    Django sends it for every row a delete collects — ``instance.delete()``, a queryset
    ``delete()`` (Wagtail's bulk delete), a cascade — before anything is deleted, inside
    the delete's transaction, so raising ``FileInUse`` deletes nothing. Wagtail's delete
    views and bulk delete refuse first with the message (``cms.wagtail_hooks``).
    """
    uses = locking_uses(instance)
    if uses:
        raise FileInUse(locked_file_message(instance, uses, change=DELETE))
