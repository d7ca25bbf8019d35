"""Accessibility findings for editors and reviewers: images without alternative text.

Every PDF Concord renders is a tagged PDF/UA document (docs/pdfs.md): each image is a
figure whose description is the alternative text the content gives it (Wagtail's
``ImageBlock``: the block's alt text, else the image's own). An image with none — one
marked decorative, or one saved without text by a script or an import — reaches
screen-reader users as an unnamed figure, and fails a PDF/UA validator. Tagged PDFs
can't mark an image as decoration, so a decorative image is a finding too: describe it,
or remove it.

Registered as the "Accessibility" check (``cms.checks``): the edit form shows the
findings of the version being edited, and ``cms.checks.gate_problems`` offers them to
the review gate.
"""

from wagtail.blocks import StreamValue
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.struct_block import StructValue
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock

from cms.checks import register_checker

TEMPLATE = "cms/panels/accessibility_panel.html"


def _images(value, path):
    """``(path, image)`` for every ``ImageBlock`` value inside a StreamField value."""
    if isinstance(value, StreamValue):
        for index, child in enumerate(value):
            yield from _block_images(
                child.block, child.value, f"{path}[{index}].{child.block_type}"
            )
    elif isinstance(value, StructValue):
        for name, bound in value.bound_blocks.items():
            yield from _block_images(bound.block, bound.value, f"{path}.{name}")
    elif isinstance(value, ListValue):
        for index, bound in enumerate(value.bound_blocks):
            yield from _block_images(bound.block, bound.value, f"{path}[{index}]")


def _block_images(block, value, path):
    if isinstance(block, ImageBlock):
        if value is not None:
            yield path, value
        return
    yield from _images(value, path)


def image_alt_findings(obj):
    """One sentence per image in ``obj``'s StreamFields that has no alternative text."""
    findings = []
    for field in obj._meta.get_fields():
        if not isinstance(field, StreamField):
            continue
        for path, image in _images(getattr(obj, field.name, None), field.name):
            text = (getattr(image, "contextual_alt_text", "") or "").strip()
            if text:
                continue
            if getattr(image, "decorative", False):
                findings.append(
                    f"{path}: the image “{image.title}” is marked decorative, so PDFs and "
                    "screen readers get no description of it. Describe it in its alt text, "
                    "or remove it if it adds nothing."
                )
            else:
                findings.append(
                    f"{path}: the image “{image.title}” has no alternative text. Describe "
                    "what it shows in its alt text, for screen readers and PDFs."
                )
    return findings


def has_images(obj):
    return any(isinstance(field, StreamField) for field in obj._meta.get_fields())


def accessibility_context(instance):
    return {"findings": image_alt_findings(instance)}


def register():
    register_checker(
        name="accessibility",
        heading="Accessibility",
        template_name=TEMPLATE,
        get_context=accessibility_context,
        help_text="Images need alternative text: PDFs and screen readers read it.",
        applies_to=has_images,
        gate_problems=image_alt_findings,
    )
