"""Find disallowed glossary variants in text.

This module is pure Python (no Django): the glossary app turns ``GlossaryTerm``
rows into :class:`Term` objects, builds one :class:`Matcher` and calls
:meth:`Matcher.find` for every piece of copy it checks.

Matching rules
==============

A *variant* is a disallowed phrasing of a term ("cardiac rehab" when the
preferred term is "cardiac rehabilitation"). A finding is reported where a
variant occurs in the text under these rules:

Separators (whitespace and hyphens)
    Whitespace is every character for which :meth:`str.isspace` is true: spaces,
    tabs, line breaks, no-break and thin spaces (U+00A0, U+2009, U+202F, ...).
    The hyphens are ``-`` (U+002D), ``‐`` (U+2010), ``‑`` (U+2011, non-breaking)
    and ``–`` (U+2013, en dash). In the variant *and* in the text, any run of
    whitespace and/or hyphens between two words counts as one separator, so the
    variant "heart-failure clinic" matches "heart failure clinic",
    "heart-failure clinic", "heart–failure  clinic" and "heart -\\nfailure
    clinic", and the variant "cardiac rehab" matches "cardiac‑rehab". Separators
    at either end of a variant are ignored; a variant made only of separators is
    ignored. Other dashes (the em dash "—", the minus sign) are punctuation.

Whole words
    The characters immediately before and after a match must not be word
    characters. Word characters are Unicode letters and digits (what
    :meth:`str.isalnum` accepts), the underscore, and combining marks (Unicode
    category M*), which belong to the letter they follow. So "rehab" never
    matches inside "prehab", "rehabilitation" or "rehab_2", and "cafe" does not
    match the decomposed "cafe\\u0301" (café). Because hyphens are separators, a
    hyphenated compound is several words: "rehab" matches in "pre-rehab".

Punctuation
    Every other character is significant inside a variant and must appear
    literally in the text ("Dr. Smith" does not match "Dr Smith"). In the text
    punctuation is not a word character, so it ends a word: "rehab" matches in
    "rehab.", "(rehab)" and "rehab's".

Case
    Terms are case-insensitive unless ``Term.case_sensitive`` is set.
    Case-insensitive comparison uses Unicode *simple* case folding: every
    character is replaced by exactly one character (its :meth:`str.casefold`
    when that is one character, otherwise its :meth:`str.lower` when that is
    one character, otherwise itself), see :func:`fold_case`. Folding one
    character to one keeps every offset valid in the original text. The
    consequence is that foldings that change length are not applied:
    "Straße", "STRAẞE" and "straße" match each other but "STRASSE" does not;
    Greek "ΟΔΟΣ" matches "οδος" (final sigma). A case-sensitive term matches
    only exactly as written (modulo separators): the case-sensitive variant
    "CHF" flags "CHF" but not "chf" or "Chf".

Unicode normalisation
    Matching compares code points; text and glossary are expected in the same
    normalisation form (NFC, which browsers and Wagtail produce). Precomposed
    "café" and decomposed "cafe\\u0301" do not match each other.

Overlaps
    Of all matches (all variants, all applicable terms), the leftmost is taken,
    and at the same position the longest; matching then resumes after it, so
    findings never overlap. When several variants match exactly the same span
    the winner is, in order: a service-line term before a global term, then
    the earlier term in the glossary, then the earlier variant of that term.

Service lines
    ``service_lines=None`` applies every term. Otherwise the global terms
    (``service_line=None``) and the terms whose service line is in
    ``service_lines`` apply.

Positions
    ``start``/``end`` index the original text (``text[start:end] == found``).
    ``line`` and ``column`` are 1-based and count characters (code points);
    lines are separated by ``\\n`` (so ``\\r\\n`` files work too).

Implementation
==============

:class:`Matcher` replaces every separator in the text by a space and collapses
runs of spaces (keeping a sparse offset map back to the original), folds case,
and runs one Aho-Corasick automaton (pyahocorasick) holding every variant in
normalised, folded form. A hit of a case-sensitive variant is kept only when
the normalised but unfolded text at the same offsets is exactly the variant
(folding is one-to-one, so the offsets are the same); a single pass over the
text serves both kinds. Hits are then checked for word boundaries and resolved
leftmost-longest. Boundaries are checked in the normalised text: a collapsed
separator is a space (not a word character, as the separators it stands for),
and case folding never changes whether a character is a word character or a
separator.

:func:`naive_find` is a deliberately simple reference with the same semantics:
one regular expression per variant, run over the whole text. Tests and the
benchmark compare the two.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

__all__ = [
    "CONTEXT_WIDTH",
    "HYPHENS",
    "Finding",
    "Matcher",
    "Term",
    "fold_case",
    "line_col",
    "naive_find",
]

HYPHENS = "-\u2010\u2011\u2013"
"""Hyphen characters treated as separators: ``-``, ``‐``, ``‑`` and ``–``."""

CONTEXT_WIDTH = 30
"""Characters of surrounding text kept on either side in ``Finding.context``."""

# Every Unicode White_Space character is in the Basic Multilingual Plane.
_WHITESPACE = "".join(chr(cp) for cp in range(0x10000) if chr(cp).isspace())
_SEPARATORS = _WHITESPACE + HYPHENS
# Separators other than the space itself, replaced by a space before collapsing.
# The ASCII ones are enough for ASCII text and are checked first.
_ASCII_SEPARATORS = tuple(c for c in _SEPARATORS if c.isascii() and c != " ")
_ALL_SEPARATORS = _ASCII_SEPARATORS + tuple(c for c in _SEPARATORS if not c.isascii())
# A literal two-space prefix lets the regex engine search for runs quickly.
_SPACE_RUN = re.compile("  [ ]*")

_ScopeSet = frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary term: its preferred wording and the variants to flag.

    ``variants`` may be given as any iterable of strings; it is stored as a
    tuple. ``service_line`` is a service-line slug, ``None`` for a global term.
    """

    key: str | int
    preferred: str
    variants: tuple[str, ...]
    case_sensitive: bool = False
    service_line: str | None = None
    kind: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.variants, str):
            raise TypeError("Term.variants must be an iterable of strings, not a string")
        object.__setattr__(self, "variants", tuple(self.variants))


@dataclass(frozen=True, slots=True)
class Finding:
    """One occurrence of a disallowed variant in a text."""

    term_key: str | int
    preferred: str
    found: str
    """The text exactly as it appears (``text[start:end]``)."""
    variant: str
    """The glossary variant that matched, as written in the glossary."""
    start: int
    end: int
    line: int
    column: int
    context: str
    """About ``CONTEXT_WIDTH`` characters either side, whitespace collapsed."""
    service_line: str | None

    def as_dict(self) -> dict[str, object]:
        """Return the finding as a JSON-serialisable dict."""
        return {
            "term_key": self.term_key,
            "preferred": self.preferred,
            "found": self.found,
            "variant": self.variant,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "context": self.context,
            "service_line": self.service_line,
        }


def fold_case(text: str) -> str:
    """Return ``text`` with simple case folding applied, one character for one.

    The result has the same length as ``text`` and ``fold_case(text)[i]`` is
    the folded ``text[i]``, so offsets stay valid.
    """
    folded = text.casefold()
    if len(folded) == len(text):
        # str.casefold never shortens and has no context rules: equal length
        # means every character folded to exactly one character.
        return folded
    return "".join(map(_fold_char, text))


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of ``text[offset]``.

    Columns count characters; lines are separated by ``\\n``. ``offset`` may be
    ``len(text)`` (the position just past the end).
    """
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} is outside the text (length {len(text)})")
    return _line_col(_line_starts(text), offset)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    newline = text.find("\n")
    while newline != -1:
        starts.append(newline + 1)
        newline = text.find("\n", newline + 1)
    return starts


def _line_col(line_starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(line_starts, offset)
    return line, offset - line_starts[line - 1] + 1


def _context(text: str, start: int, end: int) -> str:
    left = max(0, start - CONTEXT_WIDTH)
    right = min(len(text), end + CONTEXT_WIDTH)
    excerpt = " ".join(text[left:right].split())
    return f"{'…' if left else ''}{excerpt}{'…' if right < len(text) else ''}"


@dataclass(slots=True)
class _Normalised:
    """Text with separators collapsed, and the map back to the original offsets.

    ``breaks[i]`` is the first normalised offset that is ``shifts[i]`` characters
    before its original offset; offsets before ``breaks[0]`` are unchanged.
    """

    text: str
    breaks: list[int]
    shifts: list[int]

    @classmethod
    def of(cls, text: str) -> _Normalised:
        for separator in _ASCII_SEPARATORS if text.isascii() else _ALL_SEPARATORS:
            if separator in text:
                text = text.replace(separator, " ")
        if "  " not in text:
            return cls(text, [], [])
        pieces: list[str] = []
        breaks: list[int] = []
        shifts: list[int] = []
        kept_from = 0
        shift = 0
        for run in _SPACE_RUN.finditer(text):
            run_start, run_end = run.span()
            pieces.append(text[kept_from : run_start + 1])
            kept_from = run_end
            shift += run_end - run_start - 1
            breaks.append(run_end - shift)
            shifts.append(shift)
        pieces.append(text[kept_from:])
        return cls("".join(pieces), breaks, shifts)

    def original(self, offset: int) -> int:
        """Map an offset of a non-separator character back to the original text."""
        index = bisect.bisect_right(self.breaks, offset)
        return offset + self.shifts[index - 1] if index else offset


def _scope(service_lines: Iterable[str] | None) -> _ScopeSet:
    if service_lines is None:
        return None
    if isinstance(service_lines, str):
        raise TypeError("service_lines must be an iterable of slugs, not a string")
    return frozenset(service_lines)


def _applies(service_line: str | None, scope: _ScopeSet) -> bool:
    return scope is None or service_line is None or service_line in scope


# A candidate match: (start, -end, priority, term, variant). Sorting candidates
# puts them leftmost first, then longest, then by tie-break priority.
_Priority = tuple[bool, int, int]
_Candidate = tuple[int, int, _Priority, Term, str]


def _priority(term: Term, term_index: int, variant_index: int) -> _Priority:
    return (term.service_line is None, term_index, variant_index)


def _findings(text: str, candidates: list[_Candidate]) -> list[Finding]:
    """Resolve candidates leftmost-longest, non-overlapping, into findings."""
    if not candidates:
        return []
    candidates.sort()
    line_starts = _line_starts(text)
    findings: list[Finding] = []
    resume_at = 0
    for start, negative_end, _, term, variant in candidates:
        if start < resume_at:
            continue
        end = resume_at = -negative_end
        line, column = _line_col(line_starts, start)
        findings.append(
            Finding(
                term_key=term.key,
                preferred=term.preferred,
                found=text[start:end],
                variant=variant,
                start=start,
                end=end,
                line=line,
                column=column,
                context=_context(text, start, end),
                service_line=term.service_line,
            )
        )
    return findings


@dataclass(frozen=True, slots=True)
class _Entry:
    """A variant stored in the automaton under its normalised, folded phrase."""

    priority: _Priority
    term: Term
    variant: str
    exact: str | None
    """For a case-sensitive term, the normalised phrase the text must equal."""


class Matcher:
    """Finds the variants of a set of terms in texts; build once, reuse.

    Terms without any usable variant (none, or only separators) are dropped.
    A matcher is immutable and safe to share between threads.
    """

    def __init__(self, terms: Iterable[Term]) -> None:
        patterns: dict[str, list[_Entry]] = {}
        self._term_count = 0
        for term_index, term in enumerate(terms):
            seen: set[tuple[str, str | None]] = set()
            for variant_index, variant in enumerate(term.variants):
                phrase = _Normalised.of(variant).text.strip(" ")
                if not phrase:
                    continue
                key = fold_case(phrase)
                exact = phrase if term.case_sensitive else None
                if (key, exact) in seen:
                    continue  # Matches the same texts as an earlier variant of the term.
                seen.add((key, exact))
                priority = _priority(term, term_index, variant_index)
                patterns.setdefault(key, []).append(_Entry(priority, term, variant, exact))
            self._term_count += bool(seen)
        self._automaton = _automaton(patterns) if patterns else None

    def __len__(self) -> int:
        """The number of terms that have at least one usable variant."""
        return self._term_count

    @property
    def is_empty(self) -> bool:
        """True when no text can ever produce a finding."""
        return self._automaton is None

    def find(self, text: str, service_lines: Iterable[str] | None = None) -> list[Finding]:
        """Return the findings in ``text``, ordered by position.

        ``service_lines=None`` applies every term; otherwise only the global
        terms and the terms of the given service-line slugs apply.
        """
        if self._automaton is None or not text:
            return []
        scope = _scope(service_lines)
        normalised = _Normalised.of(text)
        return _findings(text, list(_scan(self._automaton, normalised, scope)))

    def __repr__(self) -> str:
        return f"<Matcher: {self._term_count} terms>"


def _automaton(patterns: dict[str, list[_Entry]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for phrase, entries in patterns.items():
        entries.sort(key=lambda entry: entry.priority)
        automaton.add_word(phrase, (len(phrase), tuple(entries)))
    automaton.make_automaton()
    return automaton


def _scan(
    automaton: ahocorasick.Automaton, normalised: _Normalised, scope: _ScopeSet
) -> Iterator[_Candidate]:
    """Yield the candidates: hits on word boundaries, best applicable entry each."""
    haystack = fold_case(normalised.text)
    last = len(haystack) - 1
    for end, (length, entries) in automaton.iter(haystack):
        start = end - length + 1
        before = haystack[start - 1] if start else " "
        after = haystack[end + 1] if end < last else " "
        # Most hits are inside longer words: the inline isalnum() rejects them cheaply.
        if before.isalnum() or after.isalnum() or _is_word_char(before) or _is_word_char(after):
            continue
        for entry in entries:
            if entry.exact is not None and normalised.text[start : end + 1] != entry.exact:
                continue
            if _applies(entry.term.service_line, scope):
                yield (
                    normalised.original(start),
                    -(normalised.original(end) + 1),
                    entry.priority,
                    entry.term,
                    entry.variant,
                )
                break


def naive_find(
    terms: Iterable[Term],
    text: str,
    service_lines: Iterable[str] | None = None,
) -> list[Finding]:
    """Reference implementation of :meth:`Matcher.find`: one regex per variant.

    Same rules and same results, but it scans the whole text once per variant,
    so it is only meant for tests and benchmarks.
    """
    scope = _scope(service_lines)
    folded = fold_case(text)
    candidates: list[_Candidate] = []
    for term_index, term in enumerate(terms):
        if not _applies(term.service_line, scope):
            continue
        haystack = text if term.case_sensitive else folded
        for variant_index, variant in enumerate(term.variants):
            pattern = _naive_pattern(variant, term.case_sensitive)
            if pattern is None:
                continue
            priority = _priority(term, term_index, variant_index)
            candidates.extend(
                (match.start(1), -match.end(1), priority, term, variant)
                for match in pattern.finditer(haystack)
            )
    return _findings(text, candidates)


_SEPARATOR_CLASS = f"[{re.escape(_SEPARATORS)}]"


@functools.lru_cache(maxsize=8192)
def _naive_pattern(variant: str, case_sensitive: bool) -> re.Pattern[str] | None:
    words = [word for word in re.split(f"{_SEPARATOR_CLASS}+", variant) if word]
    if not words:
        return None
    if not case_sensitive:
        words = [fold_case(word) for word in words]
    body = f"{_SEPARATOR_CLASS}+".join(map(re.escape, words))
    word_char = _naive_word_class()
    # The lookahead wrapper reports a match at every start position, overlapping
    # ones included, like the automaton does.
    return re.compile(f"(?=(?<!{word_char})({body})(?!{word_char}))")


@functools.cache
def _naive_word_class() -> str:
    """A regex class of word characters: ``\\w`` plus every combining mark."""
    ranges: list[list[int]] = []
    for code_point in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code_point))[0] == "M":
            if ranges and ranges[-1][1] == code_point - 1:
                ranges[-1][1] = code_point
            else:
                ranges.append([code_point, code_point])
    marks = "".join(
        re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")
        for first, last in ranges
    )
    return f"[\\w{marks}]"
