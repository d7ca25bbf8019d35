"""The approval fingerprint: every change of content is seen, editor bookkeeping is not.

Most of these run on revision JSON alone (no database), so the property test can try
hundreds of random edits in a second or two.
"""

import copy
import html
import json

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.models import EnablementAssetPage
from cms.models import ApprovedMessage
from reviews.fingerprint import canonical_html, fingerprint, normalised_fields

BODY = [
    {"type": "heading", "value": {"text": "Who to refer", "level": "h2"}, "id": "b1"},
    {
        "type": "paragraph",
        "value": '<p data-block-key="k1">Seen within <b>ten</b> days.</p>'
        '<ul><li data-block-key="k2">Heart failure</li></ul>',
        "id": "b2",
    },
    {
        "type": "claim",
        "value": {"claim": "87% finish rehab.", "source": "Registry 2025", "source_url": ""},
        "id": "b3",
    },
    {"type": "approved_message", "value": 4, "id": "b4"},
    {"type": "document", "value": {"document": 7, "label": "Referral form"}, "id": "b5"},
]


def asset_content(**changes):
    content = {
        "pk": 10,
        "title": "Cardiac rehab one-pager",
        "draft_title": "Cardiac rehab one-pager",
        "slug": "cardiac-rehab",
        "summary": "When to use it.",
        "kind": "one-pager",
        "audience": "external",
        "body": json.dumps(BODY),
        "attachments": [{"pk": 3, "page": 10, "sort_order": 0, "document": 7, "label": ""}],
        "tagged_items": [{"pk": 1, "tag": 5, "content_object": 10}],
        "service_lines": [1, 2],
        "stages": [3],
        "segments": [4],
        "live": True,
        "approval_code": "CARD-OP-2026-0001",
        "latest_revision_created_at": "2026-12-01T10:00:00Z",
    }
    content.update(changes)
    return content


def said(content):
    return normalised_fields(EnablementAssetPage, content)


# Bookkeeping is not content -------------------------------------------------------------


def test_stream_ids_block_keys_child_keys_order_of_sets_and_the_stamp_are_bookkeeping():
    rekeyed = copy.deepcopy(BODY)
    for number, block in enumerate(rekeyed):
        block["id"] = f"new-{number}"
    rekeyed[1]["value"] = (
        '<p data-block-key="zz9">Seen within <b>ten</b> days.</p>'
        '<ul><li data-block-key="q1">Heart failure</li></ul>'
    )
    other = asset_content(
        body=json.dumps(rekeyed),
        attachments=[{"pk": None, "page": 99, "sort_order": 5, "document": 7, "label": ""}],
        tagged_items=[{"pk": 8, "tag": 5, "content_object": 99}],
        service_lines=[2, 1],
        live=False,
        approval_code="",
        latest_revision_created_at="2026-12-02T10:00:00Z",
    )
    assert said(other) == said(asset_content())


def test_character_references_are_the_same_text():
    assert canonical_html("<p>Don&#x27;t wait</p>") == canonical_html("<p>Don't wait</p>")


# Every change is content, however it looks -----------------------------------------------

MARKUP = ' data-block-key="a1b2c"'


def edited_body(index, key, value):
    body = copy.deepcopy(BODY)
    if key is None:
        body[index]["value"] = value
    else:
        body[index]["value"][key] = value
    return json.dumps(body)


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Cardiac rehab one-pager" + MARKUP},
        {"summary": "[{" + MARKUP},
        {"slug": "cardiac-rehab-2"},
        {"body": edited_body(0, "text", "Who to refer" + MARKUP)},
        {
            "body": edited_body(
                1, None, '<p data-block-key="k1">Seen within <b>ten</b> days.' + MARKUP + "</p>"
            )
        },
        {"body": edited_body(1, None, BODY[1]["value"] + '<p data-block-key="k9"></p>')},
        {"body": edited_body(2, "source", "Registry 2024")},
        {"body": edited_body(3, None, 5)},
        {"body": edited_body(4, "document", 8)},
        {"attachments": []},
        {"attachments": [{"pk": 3, "page": 10, "sort_order": 0, "document": 8, "label": ""}]},
        {"tagged_items": []},
        {"service_lines": [1]},
        {"audience": "internal"},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_any_change_of_what_it_says_is_seen(changes):
    assert said(asset_content(**changes)) != said(asset_content())


def test_markup_looking_text_in_a_snippet_field_is_seen():
    before = {"title": "Rehab access", "text": "Most start within ten days.", "source": ""}
    for field in before:
        after = {**before, field: before[field] + MARKUP}
        assert normalised_fields(ApprovedMessage, after) != normalised_fields(
            ApprovedMessage, before
        ), field


# The property: random edits to any field are always detected --------------------------------

# Random text, and text shaped like what the comparison must see through: editor
# bookkeeping, stream JSON, entities, tags.
TRICKY = [
    MARKUP,
    ' data-block-key=""',
    '"id": "b1"',
    '[{"type": "heading", "value": "x"}]',
    "&amp;",
    "&#x27;",
    "<br/>",
    "\u200b",
    " ",
]
TEXT = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(TRICKY),
    st.builds(lambda tricky, tail: tricky + tail, st.sampled_from(TRICKY), st.text(max_size=5)),
)


def _text_positions(value):
    """Offsets in an HTML string where text may be inserted (outside tags)."""
    positions, inside = [], False
    for offset, char in enumerate(value):
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
            positions.append(offset + 1)
        elif not inside:
            positions.append(offset)
    return positions or [0]


@st.composite
def edits(draw):
    """``(description, edited content)``: one random change to one field."""
    field = draw(
        st.sampled_from(
            ["title", "summary", "heading", "rich_text", "claim", "source", "message", "tags"]
        )
    )
    text = draw(TEXT)
    if field in ("title", "summary"):
        original = asset_content()[field]
        at = draw(st.integers(0, len(original)))
        return field, asset_content(**{field: original[:at] + text + original[at:]})
    if field == "heading":
        return field, asset_content(body=edited_body(0, "text", BODY[0]["value"]["text"] + text))
    if field == "rich_text":
        value = BODY[1]["value"]
        at = draw(st.sampled_from(_text_positions(value)))
        # The editor stores text HTML-escaped; whatever was typed is text, not markup.
        return field, asset_content(
            body=edited_body(1, None, value[:at] + html.escape(text) + value[at:])
        )
    if field in ("claim", "source"):
        return field, asset_content(body=edited_body(2, field, BODY[2]["value"][field] + text))
    if field == "message":
        other = draw(st.integers(min_value=1).filter(lambda pk: pk != 4))
        return field, asset_content(body=edited_body(3, None, other))
    extra = draw(st.integers(min_value=1).filter(lambda pk: pk != 5))
    return field, asset_content(
        tagged_items=[{"pk": 1, "tag": 5, "content_object": 10}, {"tag": extra}]
    )


@settings(max_examples=300, deadline=None)
@given(edits())
def test_random_edits_to_any_field_are_always_detected(edit):
    field, content = edit
    assert said(content) != said(asset_content()), field


# Files: the bytes are part of what was approved --------------------------------------------


@pytest.mark.django_db
def test_a_documents_bytes_are_in_the_fingerprint(home_page):
    from tests.assets.factories import EnablementAssetFactory

    Document = get_document_model()
    document = Document.objects.create(
        title="Referral form", file=ContentFile(b"%PDF-1.4 first", name="form.pdf")
    )
    asset = EnablementAssetFactory(audience="external")
    asset.attachments.create(document=document)
    asset.save()
    before = fingerprint(asset)
    document.file = ContentFile(b"%PDF-1.4 second", name="form.pdf")
    document._set_file_hash()
    document.save()
    assert fingerprint(asset) != before
