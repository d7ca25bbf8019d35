"""StreamField blocks shared by sales assets, talk tracks and public pages.

The one block that matters most is ``ApprovedMessageBlock``: it stores a *reference*
to a ``cms.ApprovedMessage`` and renders that message's current live wording, so a
claim used on the website and in a one-pager is one row in the database, not two
copies that drift apart. Wagtail's reference index records every use, which is what
the approved message's "Usage" screen in the admin lists.
"""

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock as WagtailTableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock as WagtailImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.publication import is_current

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


def message_is_current(message):
    """Whether an approved message may be shown (``cms.publication.is_current``)."""
    return is_current(message)


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Sub-heading")],
        default="h2",
        help_text="Use a section heading first; sub-headings sit under it.",
    )

    class Meta:
        icon = "title"
        template = "components/blocks/heading.html"
        description = "A section heading that structures the piece for skimming."
        preview_value = {"text": "Why referring physicians choose us", "level": "h2"}
        label_format = "{text}"


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "components/blocks/rich_text.html"
        description = "Paragraphs and lists. Put claims in an approved message or a claim block."
        preview_value = (
            "<p>Patients referred to the heart failure clinic get a named nurse navigator "
            "who calls them before the first visit.</p>"
        )


class ApprovedMessageBlock(SnippetChooserBlock):
    """A reference to an approved message, rendered with its current live wording."""

    def __init__(self, **kwargs):
        super().__init__("cms.ApprovedMessage", **kwargs)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["is_current"] = message_is_current(value)
        request = (parent_context or {}).get("request")
        context["is_preview"] = bool(getattr(request, "is_preview", False))
        return context

    def get_searchable_content(self, value):
        # Search finds assets by the wording of the messages they use.
        return [value.text] if message_is_current(value) else []

    def get_preview_value(self):
        return self.target_model.objects.filter(live=True).exclude(approval_code="").first()

    class Meta:
        icon = "openquote"
        template = "components/blocks/approved_message.html"
        description = (
            "Insert an approved claim or key message by reference: the wording shown is "
            "always the message's current approved version."
        )
        label = "Approved message"


class ClaimBlock(blocks.StructBlock):
    claim = blocks.TextBlock(help_text="The claim exactly as it should be read.")
    source = blocks.CharBlock(
        max_length=300,
        help_text="Evidence: study, registry or internal data, with its date.",
    )
    source_url = blocks.URLBlock(required=False, help_text="Optional link to the source.")

    class Meta:
        icon = "doc-full"
        template = "components/blocks/claim.html"
        description = (
            "A claim specific to this piece, with its source. If the claim is used in more "
            "than one place, make it an approved message instead."
        )
        preview_value = {
            "claim": "87% of cardiac rehab patients completed their program in 2025.",
            "source": "Concord cardiac rehab registry, January–December 2025",
            "source_url": "",
        }


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", "Good to know"), ("important", "Important"), ("warning", "Caution")],
        default="info",
    )
    heading = blocks.CharBlock(max_length=120, required=False)
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "components/blocks/callout.html"
        description = "A highlighted note: a tip, an important step or a caution."
        preview_value = {
            "tone": "important",
            "heading": "Before you promise a date",
            "text": "<p>Check the service line's capacity in the library banner first.</p>",
        }


class TableBlock(WagtailTableBlock):
    class Meta:
        icon = "table"
        template = "components/blocks/table.html"
        description = "A simple table, e.g. what is covered by which plan."
        preview_value = {
            "data": [
                ["Plan type", "Referral needed?"],
                ["Medicare Advantage", "Yes, from the primary care physician"],
                ["Commercial PPO", "No"],
            ],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_header_choice": "row",
            "table_caption": "Referral rules by plan type",
        }


class ImageBlock(WagtailImageBlock):
    class Meta:
        icon = "image"
        template = "components/blocks/image.html"
        description = "An image with alternative text for screen readers."


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    label = blocks.CharBlock(
        max_length=120, required=False, help_text="Link text; the document title if empty."
    )

    class Meta:
        icon = "doc-full-inverse"
        template = "components/blocks/document.html"
        description = "A link to a document. Its collection decides who may download it."


class ContentStreamBlock(blocks.StreamBlock):
    """The body of assets and public pages."""

    heading = HeadingBlock()
    paragraph = RichTextBlock()
    approved_message = ApprovedMessageBlock()
    claim = ClaimBlock()
    callout = CalloutBlock()
    table = TableBlock()
    image = ImageBlock()
    document = DocumentBlock()

    class Meta:
        icon = "doc-full"
        template = "components/blocks/stream.html"
        description = "Headings, text, approved messages, claims, callouts, tables and files."
