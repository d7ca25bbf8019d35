"""Find disallowed glossary variants in text.

This module is pure Python (no Django): the glossary app turns ``GlossaryTerm``
rows into :class:`Term` objects, builds one :class:`Matcher` and calls
:meth:`Matcher.find` for every piece of copy it checks.

Matching rules
==============

A *variant* is a disallowed phrasing of a term ("cardiac rehab" when the
preferred term is "cardiac rehabilitation"). A finding is reported where a
variant, or one of its plurals, occurs in the text under these rules:

Typography
    Copy pasted from a word processor is matched like typed copy. Curly
    apostrophes (``‘ ’ ‚ ‛`` and the modifier letter ``ʼ``) are the straight
    ``'``; curly double quotes (``“ ” „ ‟``) are ``"``; the *invisible*
    characters -- soft hyphen (U+00AD), zero-width space, non-joiner and joiner
    (U+200B-U+200D), word joiner (U+2060) and the byte-order mark (U+FEFF) --
    are ignored wherever they are, so "car\\u00addiac" is "cardiac". The same
    holds in the glossary: the variant "Down’s syndrome" and the text "Down's
    syndrome" match. Offsets always index the original text, invisible
    characters inside a match included.

Separators (whitespace and hyphens)
    Whitespace is every character for which :meth:`str.isspace` is true: spaces,
    tabs, line breaks, no-break and thin spaces (U+00A0, U+2009, U+202F, ...).
    The hyphens are :data:`HYPHENS`: ``-``, ``‐`` (U+2010), ``‑`` (U+2011,
    non-breaking), ``‒`` (U+2012), ``–`` (U+2013, en dash), ``﹣`` and ``－``.
    In the variant *and* in the text, any run of whitespace and/or hyphens
    between two words counts as one separator, so the variant "heart-failure
    clinic" matches "heart failure clinic", "heart–failure  clinic" and "heart
    -\\nfailure clinic". Separators at either end of a variant are ignored; a
    variant made only of separators is ignored. Other dashes (the em dash "—",
    the minus sign) are punctuation. The one exception is a *style rule*, below.

Whole words
    The characters immediately before and after a match must not be word
    characters. Word characters are Unicode letters and digits (what
    :meth:`str.isalnum` accepts), the underscore, and combining marks (Unicode
    category M*), which belong to the letter they follow. So "rehab" never
    matches inside "prehab", "rehabilitation" or "rehab_2", and "cafe" does not
    match the decomposed "cafe\\u0301" (café). Because hyphens are separators, a
    hyphenated compound is several words: "rehab" matches in "pre-rehab".

Plurals and possessives
    Every variant also matches its plurals: the last word inflected by the
    English rules of :mod:`glossary.inflection` ("cath lab" → "cath labs",
    "therapy" → "therapies", "ER" → "ERs", "diagnosis" → "diagnoses"). The match
    then includes the plural ending, :attr:`Finding.form` is ``"plural"`` and
    :attr:`Finding.replacement` is the preferred term made plural. Possessives
    need nothing more: punctuation ends a word, so "cath lab" matches in "the
    cath lab's hours" (the ``'s`` stays outside the match, and so survives a
    replacement), and the plural in "the cath labs’ hours".

Punctuation
    Every other character is significant inside a variant and must appear
    literally in the text ("Dr. Smith" does not match "Dr Smith"). In the text
    punctuation is not a word character, so it ends a word: "rehab" matches in
    "rehab.", "(rehab)" and "rehab's".

Case
    Terms are case-insensitive unless ``Term.case_sensitive`` is set; the
    variants listed in ``Term.match_case`` are case-sensitive whatever the term
    says (an acronym "ED" and a phrase "emergency room" in one term).
    Case-insensitive comparison uses Unicode *simple* case folding: every
    character is replaced by exactly one character (its :meth:`str.casefold`
    when that is one character, otherwise its :meth:`str.lower` when that is
    one character, otherwise itself), see :func:`fold_case`. Folding one
    character to one keeps every offset valid in the original text. The
    consequence is that foldings that change length are not applied:
    "Straße", "STRAẞE" and "straße" match each other but "STRASSE" does not;
    Greek "ΟΔΟΣ" matches "οδος" (final sigma). A case-sensitive variant
    matches only exactly as written (modulo separators and typography): the
    case-sensitive variant "CHF" flags "CHF" but not "chf" or "Chf".

Style rules
    A variant that is the preferred term itself except for its capitalisation
    and/or its separators means exactly that difference: with the preferred
    term "follow-up care", the variant "follow up care" flags a space where
    the hyphen belongs (and not "follow-up care"); with "MyChart", the variant
    "Mychart" flags only "Mychart". Where the capitalisation differs the
    variant is case-sensitive; where the separators differ, a gap written
    with a hyphen in the variant needs a hyphen in the text and a gap written
    as a space needs whitespace only. ``Term.enforce_capitalisation`` flags
    every capitalisation of the preferred term (and its plurals) other than
    the preferred one, without listing them.

Exceptions
    ``Term.exceptions`` are phrases in which the term's variants are allowed:
    with the variant "Internet" and the exception "Internet Explorer", "Internet
    Explorer" is not a finding but "the Internet" is. An exception is matched
    like a case-insensitive variant (whole words, separators, typography,
    plurals) and excuses every finding of its term that lies inside one of its
    occurrences. The preferred term is an exception of its own variants too:
    "COVID" may be a variant of "COVID-19", and "COVID-19" is then not
    reported as "COVID" -- only a finding that is strictly inside an
    occurrence of the preferred wording is excused, so a style rule still
    flags the very span it describes.

Overlaps
    Of all matches not excused by an exception (all variants, all applicable
    terms), the leftmost is taken, and at the same position the longest;
    matching then resumes after it, so findings never overlap. When several
    variants match exactly the same span the winner is, in order: a
    service-line term before a global term, then the earlier term in the
    glossary, then the earlier variant of that term (its singular before its
    plurals; the ``enforce_capitalisation`` rule after the listed variants).

Service lines
    ``service_lines=None`` applies every term. Otherwise the global terms
    (``service_line=None``) and the terms whose service line is in
    ``service_lines`` apply.

Positions
    ``start``/``end`` index the original text (``text[start:end] == found``).
    ``line`` and ``column`` are 1-based and count characters (code points);
    lines are separated by ``\\n`` (so ``\\r\\n`` files work too).

Unicode normalisation
    Apart from the typography above, matching compares code points; text and
    glossary are expected in the same normalisation form (NFC, which browsers
    and Wagtail produce). Precomposed "café" and decomposed "cafe\\u0301" do not
    match each other.

Implementation
==============

:class:`Matcher` normalises the text once (:class:`_Normalised`): typography
is translated one character for one, invisible characters are dropped, and
every run of separators becomes one character -- ``-`` if the run holds a
hyphen and some style rule needs to know, a space otherwise -- with a sparse
offset map back to the original.
It then folds case, writes every ``-`` as a space, and runs one Aho-Corasick
automaton (pyahocorasick) holding every form of every variant, exception and
(where it matters) preferred wording in that normalised, folded form. A hit
whose rule needs more than the folded comparison (case-sensitive variants,
style rules, ``enforce_capitalisation``) is compared with the normalised but
unfolded text at the same offsets (folding is one-to-one, so the offsets are
the same). Hits are then checked for word boundaries in the normalised text,
findings inside an exception's occurrence are dropped (one sweep over both,
sorted), and the rest resolved leftmost-longest. The work is linear in the
length of the text plus the number of hits.

:func:`naive_find` is a deliberately simple reference with the same semantics:
it cleans the text character by character, then runs one regular expression
per form of every variant and exception over the whole text. Tests and the
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

from glossary.inflection import plural_forms, pluralise

__all__ = [
    "CONTEXT_WIDTH",
    "HYPHENS",
    "INVISIBLE",
    "Finding",
    "Matcher",
    "Term",
    "fold_case",
    "line_col",
    "naive_find",
    "normalise_typography",
]

HYPHENS = "-\u2010\u2011\u2012\u2013\ufe63\uff0d"
"""Hyphen characters treated as separators: ``-``, ``‐``, ``‑``, ``‒``, ``–``, ``﹣``, ``－``."""

INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
"""Characters ignored wherever they are: soft hyphen, zero-width characters, BOM."""

APOSTROPHES = "\u2018\u2019\u201a\u201b\u02bc"
"""Read as the straight apostrophe ``'``."""

DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f"
"""Read as the straight double quote ``"``."""

CONTEXT_WIDTH = 30
"""Characters of surrounding text kept on either side in ``Finding.context``."""

# Every Unicode White_Space character is in the Basic Multilingual Plane.
_WHITESPACE = "".join(chr(cp) for cp in range(0x10000) if chr(cp).isspace())
_SEPARATORS = _WHITESPACE + HYPHENS
# One-for-one replacements: whitespace other than the space becomes a space, every
# hyphen "-", curly quotes straight. The ASCII ones are enough for ASCII text.
_REPLACEMENTS = (
    *((char, " ") for char in _WHITESPACE if char != " "),
    *((char, "-") for char in HYPHENS if char != "-"),
    *((char, "'") for char in APOSTROPHES),
    *((char, '"') for char in DOUBLE_QUOTES),
)
_ASCII_REPLACEMENTS = tuple((char, new) for char, new in _REPLACEMENTS if char.isascii())
_TYPOGRAPHY = str.maketrans(dict(_REPLACEMENTS))
# Runs to shorten once the replacements are made: two or more separators, or any
# run holding an invisible character (see _runs).
_RUN_CHARS = frozenset(" -" + INVISIBLE)
_RUN_HINTS = ("  ", " -", "- ", "--")
_SPACE_RUN_HINTS = ("  ",)

_ScopeSet = frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary term: its preferred wording and the variants to flag.

    ``variants``, ``match_case`` and ``exceptions`` may be given as any iterable
    of strings; they are stored as tuples. ``service_line`` is a service-line
    slug, ``None`` for a global term. ``match_case`` lists the variants that are
    case-sensitive when the term as a whole is not; ``exceptions`` the phrases in
    which the variants are allowed; ``enforce_capitalisation`` flags the
    preferred term written with any other capitalisation.
    """

    key: str | int
    preferred: str
    variants: tuple[str, ...]
    case_sensitive: bool = False
    service_line: str | None = None
    kind: str = ""
    match_case: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    enforce_capitalisation: bool = False

    def __post_init__(self) -> None:
        for name in ("variants", "match_case", "exceptions"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"Term.{name} must be an iterable of strings, not a string")
            object.__setattr__(self, name, tuple(value))

    def is_case_sensitive(self, variant: str) -> bool:
        """Whether ``variant`` (one of the term's variants) matches only as written."""
        return self.case_sensitive or variant in self.match_case


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
    form: str = ""
    """``"plural"`` when a plural of the variant matched, else empty."""

    @property
    def replacement(self) -> str:
        """What to write instead of ``found``: the preferred term, in the same form."""
        return pluralise(self.preferred) if self.form == "plural" else self.preferred

    def as_dict(self) -> dict[str, object]:
        """Return the finding as a JSON-serialisable dict."""
        return {
            "term_key": self.term_key,
            "preferred": self.preferred,
            "replacement": self.replacement,
            "found": self.found,
            "variant": self.variant,
            "form": self.form,
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


def normalise_typography(text: str) -> str:
    """``text`` as the matcher reads it: typography straightened, invisibles dropped,
    each run of separators one space (or one ``-`` when it holds a hyphen)."""
    return _Normalised.of(text).text


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of ``text[offset]``.

    Columns count characters; lines are separated by ``\\n``. ``offset`` may be
    ``len(text)`` (the position just past the end).
    """
    if not 0 <= offset <= len(text):
        raise ValueError(f"offset {offset} is outside the text (length {len(text)})")
    return _line_col(line_starts(text), offset)


def line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` starts (for :func:`locate`)."""
    starts = [0]
    newline = text.find("\n")
    while newline != -1:
        starts.append(newline + 1)
        newline = text.find("\n", newline + 1)
    return starts


def locate(starts: list[int], offset: int) -> tuple[int, int]:
    """``(line, column)`` of ``offset`` given the text's :func:`line_starts`."""
    return _line_col(starts, offset)


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
    """Text as the matcher reads it, and the map back to the original offsets.

    ``breaks[i]`` is the first normalised offset that is ``shifts[i]`` characters
    before its original offset; offsets before ``breaks[0]`` are unchanged.
    """

    text: str
    breaks: list[int]
    shifts: list[int]

    @classmethod
    def of(cls, text: str, *, hyphens: bool = True) -> _Normalised:
        """``hyphens=False`` writes every separator run as a space (for a matcher
        without style rules, which never asks what a gap was written with): fewer
        runs to look for and to shorten."""
        is_ascii = text.isascii()
        for char, new in _ASCII_REPLACEMENTS if is_ascii else _REPLACEMENTS:
            if char in text:
                text = text.replace(char, new)
        if not hyphens and "-" in text:
            text = text.replace("-", " ")
        runs = _runs(text, is_ascii, _RUN_HINTS if hyphens else _SPACE_RUN_HINTS)
        if not runs:
            return cls(text, [], [])
        pieces: list[str] = []
        breaks: list[int] = []
        shifts: list[int] = []
        kept_from = 0
        shift = 0
        for run_start, run_end in runs:
            chars = text[run_start:run_end]
            kept = "-" if "-" in chars else " " if " " in chars else ""
            pieces.append(text[kept_from:run_start])
            pieces.append(kept)
            kept_from = run_end
            shift += run_end - run_start - len(kept)
            breaks.append(run_end - shift)
            shifts.append(shift)
        pieces.append(text[kept_from:])
        return cls("".join(pieces), breaks, shifts)

    def original(self, offset: int) -> int:
        """Map an offset of a non-separator character back to the original text."""
        index = bisect.bisect_right(self.breaks, offset)
        return offset + self.shifts[index - 1] if index else offset


def _runs(text: str, is_ascii: bool, hints: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """The runs to shorten in ``text`` (replacements made), in order: two or more
    separators (`` `` or ``-``), or any run of them holding an invisible character.

    Found with ``str.find`` for the few two-character openings a run can have and
    for each invisible character present, then grown to the whole run: on big texts
    this is several times faster than one regular expression scanning every character.
    """
    seeds: list[int] = []
    for hint in hints or _RUN_HINTS:
        position = text.find(hint)
        while position != -1:
            seeds.append(position)
            position = text.find(hint, position + 2)
    if not is_ascii:
        for char in INVISIBLE:
            if char in text:
                position = text.find(char)
                while position != -1:
                    seeds.append(position)
                    position = text.find(char, position + 1)
    if not seeds:
        return []
    seeds.sort()
    runs: list[tuple[int, int]] = []
    length = len(text)
    run_end = -1
    for seed in seeds:
        if seed < run_end:
            continue
        start = seed
        while start and text[start - 1] in _RUN_CHARS:
            start -= 1
        end = seed + 1
        while end < length and text[end] in _RUN_CHARS:
            end += 1
        if end - start == 1 and text[start] in " -":
            continue  # A single separator (a "- " seed can't be one; kept for safety).
        runs.append((start, end))
        run_end = end
    return runs


def _scope(service_lines: Iterable[str] | None) -> _ScopeSet:
    if service_lines is None:
        return None
    if isinstance(service_lines, str):
        raise TypeError("service_lines must be an iterable of slugs, not a string")
    return frozenset(service_lines)


def _applies(service_line: str | None, scope: _ScopeSet) -> bool:
    return scope is None or service_line is None or service_line in scope


# What a form of a glossary wording must be compared with.
ANY_CASE, EXACT_CASE, OTHER_CASE = 0, 1, 2
# What a hit means.
FLAG, EXCEPTION, OWN_WORDING = 0, 1, 2

# Tie-break between candidates at the same span: (global term, term index in the
# glossary, variant index, form index). Unique per form, so it orders completely.
_Priority = tuple[bool, int, int, int]


@dataclass(frozen=True, slots=True)
class _Rule:
    """One form of one glossary wording, and how the text must compare with it."""

    priority: _Priority
    term: Term
    variant: str
    role: int
    case: int
    separators: bool
    """True when the separators are significant (a style rule)."""
    phrase: str
    """The form, normalised (gaps ``-`` or a space)."""
    form: str
    key: str
    """The form as the automaton holds it: folded, every gap a space."""
    target: str
    """What the hit's normalised text (gaps as written only if ``separators``, folded
    only for ``ANY_CASE``) is compared with."""
    is_plain: bool
    """The folded comparison the automaton made is all there is to check."""

    @classmethod
    def of(cls, priority, term, variant, role, case, separators, phrase, form) -> _Rule:
        written = phrase if separators else phrase.replace("-", " ")
        return cls(
            priority,
            term,
            variant,
            role,
            case,
            separators,
            phrase,
            form,
            key=_canonical(phrase),
            target=written if case != ANY_CASE else fold_case(written),
            is_plain=case == ANY_CASE and not separators,
        )


def _phrase(wording: str) -> str:
    """A glossary wording as normalised text, without separators at either end."""
    return _Normalised.of(wording).text.strip(" -")


def _canonical(phrase: str) -> str:
    return fold_case(phrase).replace("-", " ")


def term_rules(term: Term, term_index: int) -> list[_Rule]:
    """Every form the matcher looks for on behalf of ``term``.

    Public for :func:`naive_find` and the glossary's validation, which must read a
    term exactly as the matcher does.
    """
    preferred = _phrase(term.preferred)
    is_global = term.service_line is None
    rules: list[_Rule] = []
    seen: set[tuple] = set()

    def add(variant, variant_index, role, case, separators, phrase):
        forms = [(phrase, ""), *((plural, "plural") for plural in plural_forms(phrase))]
        for form_index, (text, form) in enumerate(forms):
            rule = _Rule.of(
                (is_global, term_index, variant_index, form_index),
                term,
                variant,
                role,
                case,
                separators,
                text,
                form,
            )
            identity = (rule.key, role, case, separators, rule.target)
            if identity not in seen:  # An earlier wording of the term matches the same texts.
                seen.add(identity)
                rules.append(rule)

    for variant_index, variant in enumerate(term.variants):
        phrase = _phrase(variant)
        if not phrase:
            continue
        case = EXACT_CASE if term.is_case_sensitive(variant) else ANY_CASE
        separators = False
        if preferred and _canonical(phrase) == _canonical(preferred):
            # A style rule: exactly the written difference from the preferred term (a
            # variant identical to it flags it everywhere, which validation refuses).
            case_differs = phrase.replace("-", " ") != preferred.replace("-", " ")
            separators_differ = _gaps(phrase) != _gaps(preferred)
            identical = not case_differs and not separators_differ
            if case_differs or identical:
                case = EXACT_CASE
            separators = separators_differ or identical
        add(variant, variant_index, FLAG, case, separators, phrase)
    flagged = bool(rules)
    if preferred and term.enforce_capitalisation:
        add(term.preferred, len(term.variants), FLAG, OTHER_CASE, False, preferred)
    for exception_index, exception in enumerate(term.exceptions):
        phrase = _phrase(exception)
        if phrase:
            add(exception, exception_index, EXCEPTION, ANY_CASE, False, phrase)
    if preferred and (flagged or term.enforce_capitalisation):
        own = [preferred, *plural_forms(preferred)]
        wordings = {_canonical(form) for form in own}
        flag_keys = [rule.key for rule in rules if rule.role == FLAG]
        # Only where a variant can match inside the preferred wording does it matter.
        if any(key in wording for key in flag_keys for wording in wordings):
            add(term.preferred, -1, OWN_WORDING, ANY_CASE, False, preferred)
    return rules


def _gaps(phrase: str) -> str:
    return "".join(char for char in phrase if char in " -")


def _passes(rule: _Rule, segment: str) -> bool:
    """Whether ``segment`` (normalised text at a hit of ``rule.key``) satisfies ``rule``."""
    if rule.is_plain:
        return True
    text = segment if rule.separators else segment.replace("-", " ")
    if rule.case == EXACT_CASE:
        return text == rule.target
    if rule.case == OTHER_CASE:
        return text != rule.target
    return fold_case(text) == rule.target


# A candidate finding: (start, -end, priority, term, variant, form). Sorting
# candidates puts them leftmost first, then longest, then by tie-break priority.
_Candidate = tuple[int, int, _Priority, Term, str, str]
# Where a term's variants are allowed: (start, end, term index, strictly inside only).
_Excuse = tuple[int, int, int, bool]


def _excused(candidates: list[_Candidate], excuses: list[_Excuse]) -> list[_Candidate]:
    """``candidates`` without those inside an occurrence of their term's exception.

    One sweep over both, sorted by start: for each term, the furthest end of the
    exceptions that start before the candidate, and the exceptions that start at it.
    """
    if not excuses or not candidates:
        return candidates
    excuses.sort()
    candidates.sort()
    at_start: dict[tuple[int, int], list[int]] = {}
    for start, end, term_index, strict in excuses:
        ends = at_start.setdefault((start, term_index), [-1, -1])
        ends[strict] = max(ends[strict], end)
    furthest: dict[int, int] = {}
    kept = []
    index = 0
    for candidate in candidates:
        start, end, term_index = candidate[0], -candidate[1], candidate[2][1]
        while index < len(excuses) and excuses[index][0] < start:
            _, excuse_end, excuse_term, _ = excuses[index]
            if excuse_end > furthest.get(excuse_term, -1):
                furthest[excuse_term] = excuse_end
            index += 1
        if furthest.get(term_index, -1) >= end:
            continue
        same = at_start.get((start, term_index))
        if same is not None and (same[0] >= end or same[1] > end):
            continue
        kept.append(candidate)
    return kept


def _findings(text: str, candidates: list[_Candidate]) -> list[Finding]:
    """Resolve candidates leftmost-longest, non-overlapping, into findings."""
    if not candidates:
        return []
    candidates.sort()
    starts = line_starts(text)
    findings: list[Finding] = []
    resume_at = 0
    for start, negative_end, _, term, variant, form in candidates:
        if start < resume_at:
            continue
        end = resume_at = -negative_end
        line, column = _line_col(starts, start)
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
                form=form,
            )
        )
    return findings


class Matcher:
    """Finds the variants of a set of terms in texts; build once, reuse.

    Terms without any usable variant (none, or only separators) are dropped.
    A matcher is immutable and safe to share between threads.
    """

    def __init__(self, terms: Iterable[Term]) -> None:
        patterns: dict[str, list[_Rule]] = {}
        self._term_count = 0
        self._hyphens = False  # Does any rule ask what a gap was written with?
        for term_index, term in enumerate(terms):
            rules = term_rules(term, term_index)
            if not any(rule.role == FLAG for rule in rules):
                continue
            self._term_count += 1
            for rule in rules:
                patterns.setdefault(rule.key, []).append(rule)
                self._hyphens = self._hyphens or rule.separators
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
        normalised = _Normalised.of(text, hyphens=self._hyphens)
        excuses: list[_Excuse] = []
        candidates = list(_scan(self._automaton, normalised, scope, excuses))
        return _findings(text, _excused(candidates, excuses))

    def __repr__(self) -> str:
        return f"<Matcher: {self._term_count} terms>"


def _automaton(patterns: dict[str, list[_Rule]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key, rules in patterns.items():
        rules.sort(key=lambda rule: rule.priority)
        automaton.add_word(key, (len(key), tuple(rules)))
    automaton.make_automaton()
    return automaton


def _scan(
    automaton: ahocorasick.Automaton,
    normalised: _Normalised,
    scope: _ScopeSet,
    excuses: list[_Excuse],
) -> Iterator[_Candidate]:
    """Yield the candidate findings on word boundaries; collect exceptions' spans."""
    haystack = fold_case(normalised.text)
    if "-" in haystack:
        haystack = haystack.replace("-", " ")
    last = len(haystack) - 1
    for end, (length, rules) in automaton.iter(haystack):
        start = end - length + 1
        before = haystack[start - 1] if start else " "
        after = haystack[end + 1] if end < last else " "
        # Most hits are inside longer words: the inline isalnum() rejects them cheaply.
        if before.isalnum() or after.isalnum() or _is_word_char(before) or _is_word_char(after):
            continue
        segment = None
        for rule in rules:
            if not _applies(rule.term.service_line, scope):
                continue
            if not rule.is_plain:
                if segment is None:
                    segment = normalised.text[start : end + 1]
                if not _passes(rule, segment):
                    continue
            original_start = normalised.original(start)
            original_end = normalised.original(end) + 1
            if rule.role == FLAG:
                yield (
                    original_start,
                    -original_end,
                    rule.priority,
                    rule.term,
                    rule.variant,
                    rule.form,
                )
            else:
                strict = rule.role == OWN_WORDING
                excuses.append((original_start, original_end, rule.priority[1], strict))


# The reference implementation.


def naive_find(
    terms: Iterable[Term],
    text: str,
    service_lines: Iterable[str] | None = None,
) -> list[Finding]:
    """Reference implementation of :meth:`Matcher.find`: one regex per form.

    Same rules and same results, but it scans the whole text once per form of
    every variant and exception, so it is only meant for tests and benchmarks.
    """
    scope = _scope(service_lines)
    clean, origin = _naive_clean(text)
    folded = fold_case(clean)
    candidates: list[_Candidate] = []
    excuses: list[_Excuse] = []
    for term_index, term in enumerate(terms):
        if not _applies(term.service_line, scope):
            continue
        rules = term_rules(term, term_index)
        if not any(rule.role == FLAG for rule in rules):
            continue
        # The naive reading always treats the preferred wording as an exception.
        if not any(rule.role == OWN_WORDING for rule in rules) and _phrase(term.preferred):
            preferred = _phrase(term.preferred)
            forms = [(preferred, ""), *((plural, "plural") for plural in plural_forms(preferred))]
            rules.extend(
                _Rule.of(
                    (True, term_index, -1, index), term, "", OWN_WORDING, ANY_CASE, False, *form
                )
                for index, form in enumerate(forms)
            )
        for rule in rules:
            pattern = _naive_pattern(rule.phrase, rule.case == EXACT_CASE, rule.separators)
            haystack = clean if rule.case == EXACT_CASE else folded
            for match in pattern.finditer(haystack):
                start, end = match.span(1)
                if rule.case == OTHER_CASE:
                    written = re.sub(f"{_SEPARATOR_CLASS}+", " ", clean[start:end])
                    if written == rule.phrase.replace("-", " "):
                        continue
                span = (origin[start], origin[end - 1] + 1)
                if rule.role == FLAG:
                    candidates.append((*span, rule.priority, term, rule.variant, rule.form))
                else:
                    excuses.append((*span, term_index, rule.role == OWN_WORDING))
    kept = []
    for start, end, priority, term, variant, form in candidates:
        excused = any(
            excuse_term == priority[1]
            and excuse_start <= start
            and end <= excuse_end
            and not (strict and (excuse_start, excuse_end) == (start, end))
            for excuse_start, excuse_end, excuse_term, strict in excuses
        )
        if not excused:
            kept.append((start, -end, priority, term, variant, form))
    return _findings(text, kept)


_NAIVE_TYPOGRAPHY = {
    **dict.fromkeys(HYPHENS, "-"),
    **dict.fromkeys(APOSTROPHES, "'"),
    **dict.fromkeys(DOUBLE_QUOTES, '"'),
}


def _naive_clean(text: str) -> tuple[str, list[int]]:
    """``text`` without invisible characters and with straight typography, and for
    each character of the result the offset it came from."""
    chars, origin = [], []
    for offset, char in enumerate(text):
        if char in INVISIBLE:
            continue
        chars.append(_NAIVE_TYPOGRAPHY.get(char, char))
        origin.append(offset)
    return "".join(chars), origin


_WHITESPACE_CLASS = f"[{re.escape(_WHITESPACE)}]"
_SEPARATOR_CLASS = f"[{re.escape(_WHITESPACE)}\\-]"


@functools.lru_cache(maxsize=8192)
def _naive_pattern(phrase: str, case_sensitive: bool, separators: bool) -> re.Pattern[str]:
    """A regex for a normalised phrase (gaps ``' '`` or ``'-'``), in cleaned text."""
    parts = re.split("([ -])", phrase)
    words = parts[0::2] if case_sensitive else [fold_case(word) for word in parts[0::2]]
    body = re.escape(words[0])
    for gap, word in zip(parts[1::2], words[1:], strict=True):
        if not separators:
            body += f"{_SEPARATOR_CLASS}+"
        elif gap == "-":
            body += f"{_WHITESPACE_CLASS}*-{_SEPARATOR_CLASS}*"
        else:
            body += f"{_WHITESPACE_CLASS}+"
        body += re.escape(word)
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
