"""Blocks that only talk tracks use. Shared blocks live in ``cms/blocks.py``."""

from wagtail import blocks

from cms.blocks import ApprovedMessageBlock


class DiscoveryQuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=250)
    listen_for = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text="What a good answer tells you, or what to ask next.",
    )

    class Meta:
        icon = "help"
        template = "components/blocks/discovery_question.html"
        description = "A question to ask on the call, and what to listen for."
        preview_value = {
            "question": "How do your patients get to cardiac rehab after discharge today?",
            "listen_for": "Long drives or waits: lead with the home-based option.",
        }
        label_format = "{question}"


class TalkingPointBlock(blocks.TextBlock):
    class Meta:
        icon = "comment"
        template = "components/blocks/talking_point.html"
        description = "Your own framing around the approved messages (not a claim)."
        preview_value = "Start from what they told you about follow-up after discharge."


class DiscoveryStreamBlock(blocks.StreamBlock):
    question = DiscoveryQuestionBlock()

    class Meta:
        icon = "help"
        template = "components/blocks/discovery_stream.html"
        description = "Discovery questions, in the order to ask them."


class KeyMessageStreamBlock(blocks.StreamBlock):
    approved_message = ApprovedMessageBlock()
    talking_point = TalkingPointBlock()

    class Meta:
        icon = "openquote"
        template = "components/blocks/key_messages.html"
        description = "Key messages: approved messages by reference, with talking points."
        min_num = 1
