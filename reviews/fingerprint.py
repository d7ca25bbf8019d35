"""What a piece of content *is*, for comparing it: the approval fingerprint.

One rule, used for three questions:

* **who edited it** — a revision whose content differs from the one before it makes
  its author an editor (``reviews.rules.editors``);
* **is this unchanged** — a revision saved without changing anything (the admin saves
  one on every comment and workflow action) carries a review over
  (``reviews.services.follow_unchanged_revisions``);
* **may this be served** — a live row must match the fingerprint its approval record
  holds (``reviews.integrity``), or it is put back to draft.

Content is compared *structurally*, field by field, using each field's own type:

* rich text (``RichTextField``, ``RichTextBlock``) is parsed as HTML; only the
  ``data-block-key`` *attribute* Draftail adds to each block is ignored, never text
  that merely looks like one;
* StreamField JSON is walked with the field's block definitions; the ``id`` of each
  stream child is ignored *by key*;
* inline child objects (attachments, tags) are compared without their own primary keys
  and parental keys, which change when a draft is published;
* many-to-many values are compared as sets;
* bookkeeping (publishing state, tree position, locks, comments, scheduling, the
  approval stamp) is left out — see :data:`NOT_CONTENT`.

The full fingerprint adds the identity, collection and SHA-1 of every document and
image the content uses (``cms.files``), so replacing a file's bytes changes it.
"""

import hashlib
import json
from html.parser import HTMLParser

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from wagtail import blocks
from wagtail.fields import RichTextField, StreamField

from modelcluster.fields import ParentalManyToManyField

# Revision fields that change without anyone changing the content: bookkeeping,
# publishing state and schedule, tree position, locks, comments and the stamp itself.
NOT_CONTENT = frozenset(
    {
        "pk",
        "id",
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "live",
        "live_revision",
        "first_published_at",
        "last_published_at",
        "go_live_at",
        "expire_at",
        "expired",
        "locked",
        "locked_at",
        "locked_by",
        "path",
        "depth",
        "numchild",
        "url_path",
        "draft_title",
        "wagtail_admin_comments",
        "approval_code",
        "approval_version",
        "approved_at",
        "review_by",
    }
)

# Rich-text attributes that are editor bookkeeping, not content.
IGNORED_HTML_ATTRIBUTES = frozenset({"data-block-key"})


class _CanonicalHTML(HTMLParser):
    """HTML as a list of events, attributes sorted, editor bookkeeping dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.events = []

    def _attrs(self, attrs):
        return sorted(
            (name, value or "") for name, value in attrs if name not in IGNORED_HTML_ATTRIBUTES
        )

    def handle_starttag(self, tag, attrs):
        self.events.append(["<", tag, self._attrs(attrs)])

    def handle_startendtag(self, tag, attrs):
        self.events.append(["<>", tag, self._attrs(attrs)])

    def handle_endtag(self, tag):
        self.events.append([">", tag])

    def handle_data(self, data):
        if self.events and self.events[-1][0] == "text":
            self.events[-1][1] += data
        else:
            self.events.append(["text", data])

    def handle_comment(self, data):
        self.events.append(["comment", data])

    def unknown_decl(self, data):
        self.events.append(["decl", data])

    def handle_decl(self, decl):
        self.events.append(["decl", decl])

    def handle_pi(self, data):
        self.events.append(["pi", data])


def canonical_html(value):
    """Rich text as a structure: same meaning and markup ⇔ same structure."""
    if not isinstance(value, str):
        return value
    parser = _CanonicalHTML()
    parser.feed(value)
    parser.close()
    return parser.events


# StreamField ------------------------------------------------------------------------


def _stream_children(value):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return value


def _block(block, value):
    """``value`` (raw JSON) of ``block`` without editor bookkeeping."""
    if isinstance(block, blocks.RichTextBlock):
        return canonical_html(value)
    if isinstance(block, blocks.StreamBlock):
        children = _stream_children(value)
        if not isinstance(children, list):
            return children
        result = []
        for child in children:
            if isinstance(child, dict) and "type" in child:
                child_block = block.child_blocks.get(child["type"])
                child_value = child.get("value")
                result.append(
                    [
                        child["type"],
                        _block(child_block, child_value) if child_block else child_value,
                    ]
                )
            else:
                result.append(child)
        return result
    if isinstance(block, blocks.ListBlock):
        if not isinstance(value, list):
            return value
        result = []
        for item in value:
            # Newer ListBlock JSON: {"type": "item", "value": …, "id": …}.
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                item = item["value"]
            result.append(_block(block.child_block, item))
        return result
    if isinstance(block, blocks.StructBlock):
        if not isinstance(value, dict):
            return value
        return {
            name: (_block(block.child_blocks[name], item) if name in block.child_blocks else item)
            for name, item in value.items()
        }
    return value


# Fields -----------------------------------------------------------------------------


def _fields_by_name(model):
    fields = {}
    for field in model._meta.get_fields(include_hidden=False):
        name = getattr(field, "name", None)
        if name:
            fields[name] = field
        if getattr(field, "one_to_many", False) and hasattr(field, "get_accessor_name"):
            fields[field.get_accessor_name()] = field
    return fields


def _child_rows(field, rows):
    """Inline child objects without their keys (they change when a draft is published)."""
    parental = field.field.name
    result = []
    for row in rows:
        if not isinstance(row, dict):
            result.append(row)
            continue
        kept = {key: value for key, value in row.items() if key not in (parental, "sort_order")}
        result.append(normalised_fields(field.related_model, kept))  # the list order is the order
    return result


def _field(field, value):
    if isinstance(field, StreamField):
        return _block(field.stream_block, _stream_children(value))
    if isinstance(field, RichTextField):
        return canonical_html(value)
    if isinstance(field, ParentalManyToManyField | models.ManyToManyField):
        if isinstance(value, list):
            return sorted(value, key=str)
        return value
    if getattr(field, "one_to_many", False) and isinstance(value, list):
        return _child_rows(field, value)
    return value


def normalised_fields(model, content):
    """``content`` (a revision's JSON) of ``model`` reduced to what it says."""
    fields = _fields_by_name(model)
    skipped = set()
    for name in getattr(model, "not_content_fields", ()):
        skipped |= {name, name.removesuffix("_id")}
    result = {}
    for key, value in content.items():
        if key in NOT_CONTENT or key in skipped:
            continue
        field = fields.get(key)
        result[key] = _field(field, value) if field is not None else value
    return result


def _as_stored(content):
    """``content`` as a revision stores it: JSON, dates as ISO strings."""
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


def _model_and_content(source):
    """``(model, content dict)`` of a revision or a model instance, in stored form."""
    from wagtail.models import Revision

    if isinstance(source, Revision):
        model = source.content_type.model_class() or type(source.content_object)
        return model, _as_stored(source.content)
    source = getattr(source, "specific", source)
    return type(source), _as_stored(source.serializable_data())


def content_of(source):
    """What a revision (or an instance) says, without bookkeeping: a comparable value."""
    model, content = _model_and_content(source)
    return normalised_fields(model, content)


def same_content(first, second):
    return content_of(first) == content_of(second)


# Files and the whole fingerprint -------------------------------------------------------


def files_of(obj):
    """``[[kind, id, collection id, sha1], …]`` for every document and image ``obj`` uses."""
    from cms.files import referenced_files

    result = []
    for kind, item, _path in referenced_files(obj):
        result.append([kind, item.pk, item.collection_id, _file_hash(item)])
    return sorted(result)


def _file_hash(item):
    """The stored SHA-1 of a document or image, computed (and saved) if missing."""
    if item.file_hash:
        return item.file_hash
    try:
        return item.get_file_hash()
    except (OSError, ValueError):
        return "missing"


def fingerprint(source):
    """SHA-256 of a revision's (or instance's) content and the files it uses."""
    from wagtail.models import Revision

    from reviews.revision_objects import read_only_object

    obj = (
        read_only_object(source)
        if isinstance(source, Revision)
        else getattr(source, "specific", source)
    )
    payload = {"content": content_of(source), "files": files_of(obj)}
    encoded = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()
