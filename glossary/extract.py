"""The one place that turns content into the text every terminology check reads.

``extract_text(obj)`` returns ``(path, text)`` chunks for any content object: a page,
a snippet, a revision's ``as_object()``, or an unsaved instance. It works by model
introspection, so a new content type is covered without registering anything:

- plain ``CharField``/``TextField`` values, except fields that aren't copy: slugs,
  URLs, e-mail addresses, codes, choice fields, non-editable bookkeeping fields, and
  the names a model lists in ``terminology_skip_fields`` (e.g. a buyer's verbatim
  quote, or a glossary term's own variants);
- ``RichTextField`` values, converted from HTML to text with one line per block
  (paragraph, heading, list item, table cell), so "line 2" means the second block;
- ``StreamField`` values, walked recursively through struct, list and stream blocks,
  with paths such as ``body[2].callout.text`` (the third block of ``body``, a
  ``callout``, its ``text`` child) or ``body[0].faq.items[1].answer``;
- inline children (modelcluster child relations, e.g. an ``InlinePanel``), with
  paths such as ``questions[0].text``.

Chooser blocks and foreign keys are *references*, not copy: an approved message used
through a chooser is checked where it is written, once, not in every asset that uses it.

URLs inside copy (``https://…``, ``www.…``, ``mailto:…``) are blanked out with spaces
of the same length, so a URL slug like ``/cardiac-rehab`` is never a finding and every
offset still points at the same character.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.fields import RichTextField, StreamField

__all__ = [
    "Chunk",
    "MappedText",
    "extract_text",
    "html_to_text",
    "iter_chunks",
    "markdown_to_text",
    "mask_urls",
]

# Elements that start a new block of text (a new line in the extracted text).
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    }
)
# Elements whose content is never copy.
SKIPPED_TAGS = frozenset({"script", "style", "template", "svg"})

# Field names that are identifiers, not copy, whatever their type.
SKIPPED_FIELD_NAMES = frozenset({"slug", "url_path", "draft_title", "code", "path"})
SKIPPED_FIELD_SUFFIXES = ("_code", "_url", "_id", "_slug", "_key")
SKIPPED_FIELD_TYPES = (
    models.SlugField,
    models.URLField,
    models.EmailField,
    models.FilePathField,
    models.GenericIPAddressField,
)

_URL = re.compile(r"""(?:https?://|www\.|mailto:)[^\s<>"'`]+""", re.IGNORECASE)
# Substrings every URL the pattern matches contains, in any case ("www." ends in one
# of the first four, "mailto:" in one of the last four): found with fast substring
# searches, so text without a URL is never scanned by the regular expression.
_URL_HINTS = ("://", "ww.", "WW.", "Ww.", "wW.", "to:", "TO:", "To:", "tO:")
# The same as one pattern: quicker than nine searches on a short text.
_URL_HINT = re.compile("://|[wW][wW]\\.|[tT][oO]:")
_SMALL_TEXT = 100_000
# Trailing punctuation that ends a sentence rather than the URL.
_URL_TRAILER = ".,;:!?)]}"


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of copy and where it sits.

    ``html`` is true when the text came from HTML: each line is then one block
    (paragraph, heading, list item...) and a phrase never continues onto the next.
    """

    path: str
    text: str
    html: bool = False


def extract_text(obj) -> list[tuple[str, str]]:
    """``(path, text)`` for every piece of copy in ``obj``, in field order."""
    return [(chunk.path, chunk.text) for chunk in iter_chunks(obj)]


def iter_chunks(obj, prefix: str = "", *, children: dict | None = None) -> Iterator[Chunk]:
    """Like :func:`extract_text`, as :class:`Chunk` objects (with the HTML flag).

    ``children`` (relation name -> objects) replaces reading the inline children
    from ``obj``, for callers that loaded them for many objects at once.
    """
    model = type(obj)
    for name, kind, field in _field_plan(model):
        value = getattr(obj, name, None)
        path = f"{prefix}{name}"
        if kind == "stream":
            yield from _stream_chunks(field.stream_block, _raw_stream(value), path)
        elif kind == "rich":
            yield from _text_chunk(path, value, is_html=True)
        else:
            yield from _text_chunk(path, value, is_html=False)
    for accessor in _child_relations(model):
        if children is not None and accessor in children:
            items = children[accessor]
        else:
            manager = getattr(obj, accessor, None)
            if manager is None:
                continue
            items = manager.all()
        for index, child in enumerate(items):
            yield from iter_chunks(child, f"{prefix}{accessor}[{index}].")


def child_relation_names(model) -> tuple[str, ...]:
    """Accessor names of the inline children that :func:`iter_chunks` reads.

    Bulk loaders pass these to ``prefetch_related`` to avoid a query per object.
    """
    return _child_relations(model)


def mask_urls(text: str) -> str:
    """``text`` with every URL replaced by spaces of the same length."""
    if len(text) < _SMALL_TEXT:
        if _URL_HINT.search(text) is None:
            return text
    elif not any(hint in text for hint in _URL_HINTS):
        return text
    return _URL.sub(_blank_url, text)


def _blank_url(match: re.Match) -> str:
    url = match.group()
    kept = url.rstrip(_URL_TRAILER)
    return " " * len(kept) + url[len(kept) :]


def _text_chunk(path: str, value, *, is_html: bool) -> Iterator[Chunk]:
    if not value:
        return
    if not isinstance(value, str):
        # RichText objects (from rich text blocks) keep the stored HTML in .source.
        value = getattr(value, "source", None)
        if not isinstance(value, str):
            return
    text = html_to_text(value).text if is_html else mask_urls(value)
    if text.strip():
        yield Chunk(path, text, is_html)


# Model introspection, cached per model class.


@functools.cache
def _field_plan(model) -> tuple[tuple[str, str, models.Field], ...]:
    skipped = set(getattr(model, "terminology_skip_fields", ()))
    plan = []
    for field in model._meta.concrete_fields:
        if not _is_copy_field(field, skipped):
            continue
        if isinstance(field, StreamField):
            kind = "stream"
        elif isinstance(field, RichTextField):
            kind = "rich"
        else:
            kind = "plain"
        plan.append((field.attname, kind, field))
    return tuple(plan)


def _is_copy_field(field: models.Field, skipped: set[str]) -> bool:
    if field.primary_key or field.is_relation or not field.editable:
        return False
    if field.name in skipped or field.name in SKIPPED_FIELD_NAMES:
        return False
    if field.name.endswith(SKIPPED_FIELD_SUFFIXES):
        return False
    if isinstance(field, StreamField):
        return True
    if isinstance(field, SKIPPED_FIELD_TYPES) or field.choices:
        return False
    return isinstance(field, models.CharField | models.TextField)


@functools.cache
def _child_relations(model) -> tuple[str, ...]:
    from modelcluster.models import get_all_child_relations
    from taggit.models import ItemBase

    names = []
    for relation in get_all_child_relations(model):
        child = relation.related_model
        # Wagtail's own children (comments on pages) and tag links are not copy.
        if child._meta.app_label.startswith("wagtail") or issubclass(child, ItemBase):
            continue
        names.append(relation.get_accessor_name())
    return tuple(names)


# StreamField: walked in its raw (JSON) form, which needs no database queries for
# chooser blocks and no conversion of values that are not text.


def _raw_stream(value) -> list:
    if value is None:
        return []
    raw = getattr(value, "raw_data", None)
    if raw is not None:
        return list(raw)
    return value if isinstance(value, list) else []


def _stream_chunks(stream_block, raw_items, path: str) -> Iterator[Chunk]:
    for index, item in enumerate(raw_items or ()):
        if not isinstance(item, dict):
            continue
        type_name = item.get("type")
        child_block = stream_block.child_blocks.get(type_name)
        if child_block is not None:
            yield from _block_chunks(child_block, item.get("value"), f"{path}[{index}].{type_name}")


def _block_chunks(block, raw, path: str) -> Iterator[Chunk]:
    if raw is None:
        return
    if isinstance(block, blocks.StreamBlock):
        yield from _stream_chunks(block, raw, path)
    elif isinstance(block, blocks.ListBlock):
        for index, item in enumerate(raw if isinstance(raw, list) else ()):
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                item = item["value"]
            yield from _block_chunks(block.child_block, item, f"{path}[{index}]")
    elif isinstance(block, blocks.StructBlock):
        if isinstance(raw, dict):
            for name, child_block in block.child_blocks.items():
                yield from _block_chunks(child_block, raw.get(name), f"{path}.{name}")
    elif isinstance(block, blocks.RichTextBlock | blocks.RawHTMLBlock):
        yield from _text_chunk(path, raw, is_html=True)
    elif isinstance(block, TableBlock):
        yield from _table_chunks(raw, path)
    elif isinstance(block, blocks.CharBlock | blocks.TextBlock):
        yield from _text_chunk(path, raw, is_html=False)
    # Everything else (choosers, choices, numbers, dates, URLs, e-mails) is not copy.


def _table_chunks(raw, path: str) -> Iterator[Chunk]:
    if not isinstance(raw, dict):
        return
    yield from _text_chunk(f"{path}.caption", raw.get("table_caption"), is_html=False)
    for row_index, row in enumerate(raw.get("data") or ()):
        for column_index, cell in enumerate(row or ()):
            if isinstance(cell, str):
                yield from _text_chunk(f"{path}[{row_index}][{column_index}]", cell, is_html=False)


# HTML to text, with a map back to the source.


@dataclass(frozen=True, slots=True)
class MappedText:
    """Text extracted from a source, and where each character came from.

    The text is made of pieces; a *literal* piece is a verbatim slice of the source
    (so offsets map one to one), any other piece (a decoded ``&amp;``, an inserted line
    break) maps to the source position where it was produced.
    """

    text: str
    text_starts: tuple[int, ...]
    source_starts: tuple[int, ...]
    literal: tuple[bool, ...]

    def source_offset(self, offset: int) -> int:
        index = bisect.bisect_right(self.text_starts, offset) - 1
        if index < 0:
            return 0
        start = self.source_starts[index]
        return start + offset - self.text_starts[index] if self.literal[index] else start


_HTML_TOKEN = re.compile(
    r"""
      <!--.*?(?:-->|\Z)                                  # comment
    | <!\[CDATA\[.*?(?:\]\]>|\Z)                         # CDATA
    | <[!?][^>]*>?                                       # doctype, processing instruction
    | <(?P<close>/?)(?P<tag>[a-zA-Z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>?  # tag
    | &(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{0,31});?  # reference
    """,
    re.DOTALL | re.VERBOSE,
)


def html_to_text(source: str) -> MappedText:
    """The visible text of an HTML fragment or document, one line per block.

    Line breaks inside the source become spaces (HTML ignores them), and so does
    ``<br>`` (a phrase goes on across it); block elements start a new line; inline
    elements (``<b>``, ``<a>``, ``<span>``...) add nothing, so markup inside a phrase
    or a word doesn't break it; ``script``/``style`` content is dropped; character references
    are decoded. ``source_offset`` maps any text offset back into ``source``.
    """
    builder = _TextBuilder()
    if "<" not in source and "&" not in source:
        builder.add(_unwrap(source), 0, literal=True)
        return builder.result()
    position = 0
    skip_until = None
    for token in _HTML_TOKEN.finditer(source):
        start, end = token.span()
        tag = token.group("tag")
        if skip_until is not None:
            if tag and token.group("close") and tag.lower() == skip_until:
                skip_until = None
                position = end
            continue
        if start > position:
            builder.add(_unwrap(source[position:start]), position, literal=True)
        position = end
        text = token.group()
        if tag:
            name = tag.lower()
            if name in SKIPPED_TAGS and not token.group("close") and not text.endswith("/>"):
                skip_until = name
            elif name in BLOCK_TAGS:
                builder.line_break(start)
            elif name == "br":
                # A line break inside a block (Shift+Enter in the editor): the phrase
                # goes on, as it does across a line break in plain text.
                builder.add(" ", start, literal=False)
        elif text.startswith("&"):
            decoded = html.unescape(text)
            builder.add(decoded, start, literal=decoded == text)
    if skip_until is None and position < len(source):
        builder.add(_unwrap(source[position:]), position, literal=True)
    return builder.result()


def _unwrap(text: str) -> str:
    """Line breaks inside HTML text are spaces (same length, so offsets still map)."""
    return text.replace("\n", " ").replace("\r", " ") if "\n" in text or "\r" in text else text


class _TextBuilder:
    def __init__(self):
        self.pieces: list[str] = []
        self.text_starts: list[int] = []
        self.source_starts: list[int] = []
        self.literal: list[bool] = []
        self.length = 0
        self.ends_with_break = True  # No break before the first text.

    def add(self, text: str, source_start: int, *, literal: bool) -> None:
        if self.ends_with_break:
            # A block starts at its first visible character, so columns count from it.
            stripped = text.lstrip()
            if literal:
                source_start += len(text) - len(stripped)
            text = stripped
        if not text:
            return
        self.pieces.append(text)
        self.text_starts.append(self.length)
        self.source_starts.append(source_start)
        self.literal.append(literal)
        self.length += len(text)
        self.ends_with_break = False

    def line_break(self, source_start: int) -> None:
        if not self.ends_with_break:
            self.pieces.append("\n")
            self.text_starts.append(self.length)
            self.source_starts.append(source_start)
            self.literal.append(False)
            self.length += 1
            self.ends_with_break = True

    def result(self) -> MappedText:
        text = mask_urls("".join(self.pieces))
        return MappedText(
            text=text.rstrip("\n"),
            text_starts=tuple(self.text_starts),
            source_starts=tuple(self.source_starts),
            literal=tuple(self.literal),
        )


# Markdown: the same text with its syntax made invisible, so offsets don't move.

# Ignored by the matcher wherever it is (``glossary.terminology.INVISIBLE``): syntax
# inside or around a word ("car**diac**", "_cardiac rehab_") then joins, not splits.
_HIDDEN = "\u200b"
_MD_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[^\n]*$", re.MULTILINE)
_MD_INLINE_LINK = re.compile(
    r"""(?P<open>!?\[)(?P<text>[^\]\n]*)(?P<target>\]\([^)\n]*\)|\]\[[^\]\n]*\])"""
)
_MD_AUTOLINK = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:|[^\s@<>]+@)[^\s<>]*>")
_MD_CODE_FENCE = re.compile(r"^ {0,3}(?:```|~~~)[^\n]*$", re.MULTILINE)
_MD_LIST_BULLET = re.compile(r"^( {0,3})([*+-])(?= )", re.MULTILINE)
_MD_DELIMITERS = re.compile(r"\*+|_+|~~+|`+")


def markdown_to_text(source: str) -> str:
    """The copy of a Markdown document, as long as the document, offset for offset.

    Link and image targets (``(/services/cardiac-rehab)``, ``[ref]``), reference
    definitions, autolinks and code fences become spaces: they are never copy. The
    link text and image alt text stay. Emphasis and code delimiters (``*``, ``_``,
    ``~~``, backticks) become an invisible character the matcher ignores, so
    ``_cardiac rehab_`` and ``car**diac**`` read as the words; an underscore inside a
    word (``rehab_2``) is not emphasis in Markdown and stays. List bullets become
    spaces. Every other character (headings' ``#``, quotes' ``>``) is punctuation
    already.
    """
    # (start, end, fill) of every piece of syntax, found in the source; a delimiter
    # inside a piece already found (an "_" in a link target) is part of that piece.
    pieces: list[tuple[int, int, str]] = []
    for pattern in (_MD_REFERENCE_DEFINITION, _MD_CODE_FENCE, _MD_AUTOLINK):
        pieces.extend((*match.span(), " ") for match in pattern.finditer(source))
    for match in _MD_INLINE_LINK.finditer(source):
        pieces.append((*match.span("open"), _HIDDEN))
        pieces.append((*match.span("target"), " "))
    pieces.extend((*match.span(2), " ") for match in _MD_LIST_BULLET.finditer(source))
    pieces.sort()
    covered_starts = [start for start, _, _ in pieces]
    for match in _MD_DELIMITERS.finditer(source):
        start, end = match.span()
        index = bisect.bisect_right(covered_starts, start) - 1
        if index >= 0 and pieces[index][1] > start:
            continue
        before = source[start - 1] if start else " "
        after = source[end] if end < len(source) else " "
        if match.group()[0] == "_" and before.isalnum() and after.isalnum():
            continue  # snake_case: not emphasis.
        pieces.append((start, end, _HIDDEN))
    pieces.sort()
    parts: list[str] = []
    position = 0
    for start, end, fill in pieces:
        start = max(start, position)  # Pieces found by different patterns may overlap.
        if start >= end:
            continue
        parts.append(source[position:start])
        blanked = source[start:end]
        # Line breaks stay (paragraphs and lines don't move).
        parts.append("\n".join(fill * len(line) for line in blanked.split("\n")))
        position = end
    parts.append(source[position:])
    return mask_urls("".join(parts))
