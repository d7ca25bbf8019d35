"""Checking copy against the approved glossary: text, documents and content objects.

The checker everyone uses (the edit-form panel, the workflow's terminology gate, the
reports and ``check_terminology``) is :func:`check_object`; it reads text through
:mod:`glossary.extract` and matches it with :func:`glossary.matching.get_matcher`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from glossary.extract import Chunk, html_to_text, iter_chunks, markdown_to_text, mask_urls
from glossary.inflection import pluralise
from glossary.matching import get_matcher
from glossary.terminology import CONTEXT_WIDTH, Finding, Matcher, line_starts, locate

# A blank line ends a paragraph: phrases are matched within paragraphs only. In text
# extracted from HTML every line is a block of its own.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_BLOCK_BREAK = re.compile(r"\n")


def find_in_text(
    text: str,
    *,
    matcher: Matcher,
    service_lines: Iterable[str] | None = None,
    blocks: bool = False,
) -> list[Finding]:
    """Findings in ``text``, matched paragraph by paragraph.

    A blank line ends a paragraph; with ``blocks=True`` (text extracted from HTML)
    every line is a block of its own. A variant never matches across paragraphs or
    blocks. Offsets, lines and columns refer to the whole ``text``.

    The work is linear in the length of the text plus the number of findings: the
    paragraph breaks and line starts are found once, and each finding looks its
    paragraph up by bisection.
    """
    if matcher.is_empty or not text:
        return []
    scope = None if service_lines is None else tuple(service_lines)
    # Fast path: match the whole text once. Unless a finding runs across a break, the
    # findings are exactly those of matching each paragraph on its own (leftmost-longest
    # never picks a shorter match because of a longer one it didn't pick).
    findings = matcher.find(text, scope)
    if not findings or "\n" not in text:
        return findings
    paragraphs = Paragraphs(text, blocks=blocks)
    if not any(paragraphs.crosses_break(finding) for finding in findings):
        return [paragraphs.with_context(finding) for finding in findings]
    findings = []
    for offset, segment in paragraphs.segments():
        for finding in matcher.find(segment, scope):
            start = finding.start + offset
            line, column = paragraphs.locate(start)
            findings.append(
                replace(finding, start=start, end=finding.end + offset, line=line, column=column)
            )
    return findings


class Paragraphs:
    """The paragraphs (or HTML blocks) of a text, found once for every finding in it."""

    def __init__(self, text: str, *, blocks: bool):
        self.text = text
        self.breaks = _BLOCK_BREAK if blocks else _PARAGRAPH_BREAK
        self._spans: list[tuple[int, int]] | None = None
        self._line_starts: list[int] | None = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        """``(start, end)`` of every break, in order."""
        if self._spans is None:
            self._spans = [match.span() for match in self.breaks.finditer(self.text)]
        return self._spans

    def locate(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = line_starts(self.text)
        return locate(self._line_starts, offset)

    def crosses_break(self, finding: Finding) -> bool:
        return "\n" in finding.found and self.breaks.search(finding.found) is not None

    def bounds(self, offset: int) -> tuple[int, int]:
        """Start and end of the paragraph holding ``offset``."""
        spans = self.spans
        index = bisect.bisect_right(spans, (offset, len(self.text) + 1))
        start = spans[index - 1][1] if index else 0
        end = spans[index][0] if index < len(spans) else len(self.text)
        return start, end

    def with_context(self, finding: Finding) -> Finding:
        """``finding`` with its context cut at the paragraph (or block) it sits in."""
        start, end = self.bounds(finding.start)
        left = max(start, finding.start - CONTEXT_WIDTH)
        right = min(end, finding.end + CONTEXT_WIDTH)
        excerpt = " ".join(self.text[left:right].split())
        context = f"{'…' if left > start else ''}{excerpt}{'…' if right < end else ''}"
        return replace(finding, context=context)

    def segments(self) -> list[tuple[int, str]]:
        """``(offset, text)`` of every paragraph that isn't blank."""
        segments = []
        position = 0
        for break_start, break_end in self.spans:
            segments.append((position, self.text[position:break_start]))
            position = break_end
        segments.append((position, self.text[position:]))
        return [(offset, segment) for offset, segment in segments if segment.strip()]


def check_document(
    text: str,
    *,
    matcher: Matcher,
    html: bool = False,
    markdown: bool = False,
    service_lines: Iterable[str] | None = None,
) -> list[Finding]:
    """Findings in a document that lives outside Concord (an e-mail draft, a web export).

    HTML is read as its visible text (see :func:`glossary.extract.html_to_text`) and
    Markdown without its syntax (:func:`glossary.extract.markdown_to_text`: link
    targets are never copy, emphasis doesn't hide a word), but every position
    (``start``, ``line``, ``column``) and every ``found`` refers to the document
    itself, so an editor can jump to it. URLs are ignored in all three.
    """
    if not html:
        readable = markdown_to_text(text) if markdown else mask_urls(text)
        findings = find_in_text(readable, matcher=matcher, service_lines=service_lines)
        if markdown and findings:
            # What is found and its context are quoted from the document as written
            # (URLs left out, as everywhere).
            paragraphs = Paragraphs(mask_urls(text), blocks=False)
            findings = [
                paragraphs.with_context(replace(finding, found=text[finding.start : finding.end]))
                for finding in findings
            ]
        return findings
    mapped = html_to_text(text)
    starts = None
    findings = []
    for finding in find_in_text(
        mapped.text, matcher=matcher, service_lines=service_lines, blocks=True
    ):
        if starts is None:
            starts = line_starts(text)
        start = mapped.source_offset(finding.start)
        end = mapped.source_offset(finding.end - 1) + 1
        line, column = locate(starts, start)
        findings.append(replace(finding, start=start, end=end, line=line, column=column))
    return findings


@dataclass(frozen=True, slots=True)
class ObjectFinding:
    """A disallowed variant found in one field (or block) of a content object."""

    path: str
    """Where: a field name or a block path such as ``body[2].callout.text``."""
    found: str
    preferred: str
    variant: str
    line: int
    column: int
    context: str
    term_key: int | str
    start: int
    end: int
    service_line: str | None
    form: str = ""
    """``"plural"`` when a plural of the variant matched."""

    @classmethod
    def of(cls, path: str, finding: Finding) -> ObjectFinding:
        return cls(
            path=path,
            found=finding.found,
            preferred=finding.preferred,
            variant=finding.variant,
            line=finding.line,
            column=finding.column,
            context=finding.context,
            term_key=finding.term_key,
            start=finding.start,
            end=finding.end,
            service_line=finding.service_line,
            form=finding.form,
        )

    def message(self) -> str:
        """``body[2].callout.text, line 1, col 14: "cardiac rehab" → use "…"``."""
        return (
            f"{self.path}, line {self.line}, col {self.column}: "
            f'"{self.found}" → use "{self.replacement}"'
        )

    @property
    def replacement(self) -> str:
        """What to write instead of ``found``: the preferred term, in the same form."""
        return pluralise(self.preferred) if self.form == "plural" else self.preferred

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.path,
            "line": self.line,
            "column": self.column,
            "found": self.found,
            "preferred": self.preferred,
            "replacement": self.replacement,
            "variant": self.variant,
            "context": self.context,
            "term": self.term_key,
            "service_line": self.service_line,
        }


def check_object(obj, *, matcher: Matcher | None = None) -> list[ObjectFinding]:
    """Terminology findings in every piece of copy of ``obj``.

    ``obj`` is any content object: a page, a snippet, or a revision's ``as_object()``
    (the workflow gate checks the revision under review). The approved global terms
    apply to everything; a service line's terms apply to content of that service line
    (``obj.get_service_lines()``). A model can exempt terms from its own check with a
    ``terminology_exempt_terms()`` method (a glossary term may name its own variants).
    """
    return _check(obj, iter_chunks(obj), service_line_slugs(obj), matcher)


def check_stored(stored, *, matcher: Matcher | None = None) -> list[ObjectFinding]:
    """:func:`check_object` for a ``StoredVersion`` from ``selectors.stored_versions``.

    Uses the children and service lines the bulk loader already read, if any; the
    findings are the same as ``check_object(stored.obj)``.
    """
    return _check(stored.obj, stored_chunks(stored), stored_scope(stored), matcher)


def stored_chunks(stored) -> Iterator[Chunk]:
    """The chunks of a ``StoredVersion`` (children as the bulk loader read them)."""
    return iter_chunks(stored.obj, children=stored.children)


def stored_scope(stored) -> tuple[str, ...]:
    """The service-line slugs of a ``StoredVersion``."""
    if stored.service_lines is not None:
        return stored.service_lines
    return service_line_slugs(stored.obj)


def _check(obj, chunks, service_lines, matcher) -> list[ObjectFinding]:
    matcher = matcher if matcher is not None else get_matcher()
    if matcher.is_empty:
        return []
    findings = check_chunks(chunks, matcher=matcher, service_lines=service_lines)
    exempt = getattr(obj, "terminology_exempt_terms", None)
    if exempt is not None:
        keys = set(exempt())
        findings = [finding for finding in findings if finding.term_key not in keys]
    return findings


def check_chunks(
    chunks: Iterable[Chunk], *, matcher: Matcher, service_lines: Sequence[str]
) -> list[ObjectFinding]:
    """Findings in the chunks of one object, each relative to its own chunk.

    All chunks are matched in one pass (joined by paragraph breaks, which no phrase
    crosses); if a finding runs across a break, every chunk is matched on its own.
    Both give the same findings; the single pass is just faster.
    """
    chunks = [chunk for chunk in chunks if chunk.text]
    if not chunks or matcher.is_empty:
        return []
    scope = tuple(service_lines)
    starts = []
    position = 0
    for chunk in chunks:
        starts.append(position)
        position += len(chunk.text) + len(_CHUNK_SEPARATOR)
    findings = matcher.find(_CHUNK_SEPARATOR.join(chunk.text for chunk in chunks), scope)
    results = []
    paragraphs: dict[int, Paragraphs] = {}
    for finding in findings:
        index = bisect.bisect_right(starts, finding.start) - 1
        chunk, offset = chunks[index], starts[index]
        if index not in paragraphs:
            paragraphs[index] = Paragraphs(chunk.text, blocks=chunk.html)
        chunk_paragraphs = paragraphs[index]
        if finding.end > offset + len(chunk.text) or chunk_paragraphs.crosses_break(finding):
            return _check_chunks_one_by_one(chunks, matcher=matcher, service_lines=scope)
        start = finding.start - offset
        line, column = chunk_paragraphs.locate(start)
        local = replace(finding, start=start, end=finding.end - offset, line=line, column=column)
        results.append(ObjectFinding.of(chunk.path, chunk_paragraphs.with_context(local)))
    return results


_CHUNK_SEPARATOR = "\n\n"


def _check_chunks_one_by_one(chunks, *, matcher, service_lines):
    return [
        ObjectFinding.of(chunk.path, finding)
        for chunk in chunks
        for finding in find_in_text(
            chunk.text, matcher=matcher, service_lines=service_lines, blocks=chunk.html
        )
    ]


def service_line_slugs(obj) -> tuple[str, ...]:
    """Slugs of the service lines ``obj`` belongs to (empty: only global terms apply)."""
    get_service_lines = getattr(obj, "get_service_lines", None)
    if get_service_lines is None:
        return ()
    return tuple(sorted({line.slug for line in get_service_lines() if line is not None}))
