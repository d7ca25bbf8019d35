"""Every shared and talk-track block renders; approved messages render their live wording."""

import datetime

from django.core.files.base import ContentFile
from django.test import RequestFactory

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

import pytest

from assets.blocks import DiscoveryStreamBlock, KeyMessageStreamBlock
from cms import blocks
from tests.cms.factories import ApprovedMessageFactory
from tests.reviews.factories import approve_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(db):
    message = ApprovedMessageFactory(
        title="First visit",
        text="New referrals are seen within 10 business days.",
        kind="claim",
        source="Scheduling data, Q3 2026",
    )
    approve_now(message)
    return message


def render(block, value, **context):
    return block.render(block.to_python(block.get_prep_value(value)), context=context)


def test_every_block_has_icon_template_description():
    stream = blocks.ContentStreamBlock()
    all_blocks = [
        *stream.child_blocks.values(),
        *DiscoveryStreamBlock().child_blocks.values(),
        *KeyMessageStreamBlock().child_blocks.values(),
    ]
    for block in all_blocks:
        assert block.meta.icon, block.name
        assert block.meta.template, block.name
        assert block.meta.description, block.name


@pytest.mark.parametrize(
    "block",
    [
        blocks.HeadingBlock(),
        blocks.RichTextBlock(),
        blocks.ClaimBlock(),
        blocks.CalloutBlock(),
        blocks.TableBlock(),
        DiscoveryStreamBlock().child_blocks["question"],
        KeyMessageStreamBlock().child_blocks["talking_point"],
    ],
)
def test_preview_values_render(block):
    html = block.render(block.get_preview_value())
    assert html.strip()
    assert "None" not in html


def test_table_cells_are_escaped():
    block = blocks.TableBlock()
    value = {
        "data": [["Plan", "Note"], ["<b>PPO</b>", "ok"]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
        "table_caption": "Plans",
    }
    html = block.render(value)
    assert "&lt;b&gt;PPO&lt;/b&gt;" in html
    assert '<th scope="col">Plan</th>' in html
    assert "<caption>Plans</caption>" in html


def test_approved_message_renders_its_current_live_wording(message):
    block = blocks.ApprovedMessageBlock()
    html = render(block, message)
    assert "New referrals are seen within 10 business days." in html
    assert "Source: Scheduling data, Q3 2026" in html

    # A new approved wording shows everywhere the message is used, without editing them.
    message.text = "New referrals are seen within 7 business days."
    approve_now(message)
    html = render(block, message)
    assert "7 business days" in html and "10 business days" not in html


def test_approved_message_drafts_are_not_shown(message):
    block = blocks.ApprovedMessageBlock()
    message.text = "An unapproved new claim."
    message.save_revision()  # saved, not published
    assert "unapproved" not in render(block, message)


@pytest.mark.parametrize(
    "change",
    [
        {"live": False},
        {"approval_code": ""},
        {"review_by": datetime.date(2020, 1, 1)},
    ],
)
def test_withdrawn_unstamped_or_expired_messages_show_nothing(message, change):
    type(message).objects.filter(pk=message.pk).update(**change)
    message.refresh_from_db()
    block = blocks.ApprovedMessageBlock()
    assert render(block, message).strip() == ""
    request = RequestFactory().get("/")
    request.is_preview = True
    assert "won't be shown" in render(block, message, request=request)


def test_approved_message_text_is_searchable(message):
    block = blocks.ApprovedMessageBlock()
    assert block.get_searchable_content(message) == [message.text]


def test_image_and_document_blocks_render(db):
    image = get_image_model().objects.create(title="Clinic", file=get_test_image_file())
    block = blocks.ImageBlock()
    value = block.to_python({"image": image.pk, "alt_text": "Clinic entrance", "decorative": False})
    html = block.render(value)
    assert 'alt="Clinic entrance"' in html
    document = get_document_model().objects.create(
        title="Intake form", file=ContentFile(b"data", name="intake.pdf")
    )
    html = render(blocks.DocumentBlock(), {"document": document, "label": ""})
    assert "Intake form" in html and document.url in html and "(PDF)" in html


def test_discovery_questions_render_as_a_list():
    block = DiscoveryStreamBlock()
    value = block.to_python(
        [{"type": "question", "value": {"question": "Who refers today?", "listen_for": "Names"}}]
    )
    html = block.render(value)
    assert "<ol" in html and "Who refers today?" in html and "Listen for: Names" in html
