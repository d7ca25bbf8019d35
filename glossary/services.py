"""Glossary actions: the cached matcher, checking content, and importing glossaries.

The checker everyone uses (the edit-form panel, the workflow's terminology gate, the
reports and ``check_terminology``) is :func:`check_object`; it reads text through
:mod:`glossary.extract` and matches it with :func:`get_matcher`, a
:class:`~glossary.terminology.Matcher` of the approved glossary that each process
builds once and rebuilds only when the glossary version key changes.
"""

from __future__ import annotations

import bisect
import datetime
import re
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from glossary.csv_io import GlossaryFileError
from glossary.extract import Chunk, html_to_text, iter_chunks, mask_urls
from glossary.terminology import CONTEXT_WIDTH, Finding, Matcher, Term, line_col

VERSION_CACHE_KEY = "concord:glossary:version"

# A blank line ends a paragraph: phrases are matched within paragraphs only. In text
# extracted from HTML every line is a block of its own.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_BLOCK_BREAK = re.compile(r"\n")


# The matcher, cached per process and keyed by the glossary version.


@dataclass(frozen=True, slots=True)
class _CachedMatcher:
    version: str
    day: datetime.date
    matcher: Matcher


_cached: _CachedMatcher | None = None
_build_lock = threading.Lock()


def glossary_version() -> str:
    """The current glossary version: one cache read (a new token if the cache lost it)."""
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_CACHE_KEY, version, timeout=None):
            version = cache.get(VERSION_CACHE_KEY) or version
    return version


def bump_glossary_version() -> None:
    """Tell every process that the approved glossary changed."""
    cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)


def glossary_changed() -> None:
    """Bump the version now and again after the transaction commits.

    The first bump makes the change visible in this transaction (and in tests, which
    never commit); the second makes sure no other process keeps a matcher it built
    from data read before the commit.
    """
    bump_glossary_version()
    transaction.on_commit(bump_glossary_version)


def get_matcher() -> Matcher:
    """The matcher of the approved glossary, built once per process and version.

    When nothing changed this costs one cache read and no database query. The matcher
    is also rebuilt when the date changes, because terms stop being enforced the day
    after their review-by date.
    """
    global _cached
    version = glossary_version()
    today = timezone.localdate()
    cached = _cached
    if cached is not None and cached.version == version and cached.day == today:
        return cached.matcher
    with _build_lock:
        cached = _cached
        if cached is None or cached.version != version or cached.day != today:
            from glossary.selectors import approved_terms

            cached = _CachedMatcher(version, today, build_matcher(approved_terms(on=today)))
            _cached = cached
    return cached.matcher


def build_matcher(terms: Iterable) -> Matcher:
    """A matcher of ``GlossaryTerm`` rows (or :class:`Term` objects)."""
    return Matcher(term if isinstance(term, Term) else term_of(term) for term in terms)


def term_of(glossary_term) -> Term:
    """The matcher's view of a ``GlossaryTerm``."""
    return Term(
        key=glossary_term.pk,
        preferred=glossary_term.preferred,
        variants=glossary_term.variant_list,
        case_sensitive=glossary_term.case_sensitive,
        service_line=glossary_term.service_line_slug,
        kind=glossary_term.kind,
    )


# Checking text and content objects.


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
    """
    if matcher.is_empty or not text:
        return []
    scope = None if service_lines is None else tuple(service_lines)
    breaks = _BLOCK_BREAK if blocks else _PARAGRAPH_BREAK
    # Fast path: match the whole text once. Unless a finding runs across a break, the
    # findings are exactly those of matching each paragraph on its own (leftmost-longest
    # never picks a shorter match because of a longer one it didn't pick).
    findings = matcher.find(text, scope)
    if not findings or "\n" not in text:
        return findings
    if not any("\n" in finding.found and breaks.search(finding.found) for finding in findings):
        return [_within_paragraph(text, finding, breaks) for finding in findings]
    segments = _split(text, breaks)
    findings = []
    for offset, segment in segments:
        for finding in matcher.find(segment, scope):
            start = finding.start + offset
            line, column = line_col(text, start)
            findings.append(
                replace(finding, start=start, end=finding.end + offset, line=line, column=column)
            )
    return findings


def _within_paragraph(text: str, finding: Finding, breaks: re.Pattern) -> Finding:
    """``finding`` with its context cut at the paragraph (or block) it sits in."""
    start = 0
    for match in breaks.finditer(text, 0, finding.start):
        start = match.end()
    following = breaks.search(text, finding.end)
    end = following.start() if following else len(text)
    left = max(start, finding.start - CONTEXT_WIDTH)
    right = min(end, finding.end + CONTEXT_WIDTH)
    excerpt = " ".join(text[left:right].split())
    context = f"{'…' if left > start else ''}{excerpt}{'…' if right < end else ''}"
    return replace(finding, context=context)


def _split(text: str, separator: re.Pattern) -> list[tuple[int, str]]:
    segments = []
    position = 0
    for match in separator.finditer(text):
        segments.append((position, text[position : match.start()]))
        position = match.end()
    segments.append((position, text[position:]))
    return [(offset, segment) for offset, segment in segments if segment.strip()]


def check_document(
    text: str,
    *,
    matcher: Matcher,
    html: bool = False,
    service_lines: Iterable[str] | None = None,
) -> list[Finding]:
    """Findings in a document that lives outside Concord (an e-mail draft, a web export).

    HTML is read as its visible text (see :func:`glossary.extract.html_to_text`), but
    every position (``start``, ``line``, ``column``) points into the document itself,
    so an editor can jump to it. URLs are ignored in both.
    """
    if not html:
        return find_in_text(
            mask_urls(text), matcher=matcher, service_lines=service_lines, blocks=False
        )
    mapped = html_to_text(text)
    findings = []
    for finding in find_in_text(
        mapped.text, matcher=matcher, service_lines=service_lines, blocks=True
    ):
        start = mapped.source_offset(finding.start)
        end = mapped.source_offset(finding.end - 1) + 1
        line, column = line_col(text, start)
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
        )

    def message(self) -> str:
        """``body[2].callout.text, line 1, col 14: "cardiac rehab" → use "…"``."""
        return (
            f"{self.path}, line {self.line}, col {self.column}: "
            f'"{self.found}" → use "{self.preferred}"'
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.path,
            "line": self.line,
            "column": self.column,
            "found": self.found,
            "preferred": self.preferred,
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
    for finding in findings:
        index = bisect.bisect_right(starts, finding.start) - 1
        chunk, offset = chunks[index], starts[index]
        if finding.end > offset + len(chunk.text) or (
            "\n" in finding.found
            and (_BLOCK_BREAK if chunk.html else _PARAGRAPH_BREAK).search(finding.found)
        ):
            return _check_chunks_one_by_one(chunks, matcher=matcher, service_lines=scope)
        start = finding.start - offset
        line, column = line_col(chunk.text, start)
        local = replace(finding, start=start, end=finding.end - offset, line=line, column=column)
        breaks = _BLOCK_BREAK if chunk.html else _PARAGRAPH_BREAK
        results.append(ObjectFinding.of(chunk.path, _within_paragraph(chunk.text, local, breaks)))
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


# Validating terms (used by GlossaryTerm.clean and the CSV import).


def variant_problems(preferred: str, variants: Sequence[str], *, case_sensitive: bool) -> list[str]:
    """What is wrong with a term's variants, without looking at the database."""
    from glossary.csv_io import VARIANT_SEPARATOR

    problems = []
    for variant in variants:
        if VARIANT_SEPARATOR in variant:
            problems.append(
                f"“{variant}” contains “{VARIANT_SEPARATOR}”, which separates variants in "
                "glossary files. Put each variant on its own line."
            )
    candidate = Term(
        key="candidate", preferred=preferred, variants=variants, case_sensitive=case_sensitive
    )
    for finding in Matcher([candidate]).find(preferred):
        problems.append(
            f"“{finding.variant}” would flag the preferred term itself "
            f"(it matches “{finding.found}” in “{preferred}”)."
        )
    return problems


def conflicts_between(candidate: Term, others: Iterable[Term]) -> list[str]:
    """Where ``candidate`` and other terms would flag each other's preferred wording.

    Two terms can only conflict when their scopes overlap (either is global, or both
    belong to the same service line).
    """
    problems = []
    candidate_matcher = Matcher([candidate])
    for other in others:
        if other.key == candidate.key:
            continue
        if not _scopes_overlap(candidate.service_line, other.service_line):
            continue
        other_scope = None if other.service_line is None else [other.service_line]
        for finding in candidate_matcher.find(other.preferred, other_scope):
            problems.append(
                f"“{finding.variant}” would flag the preferred term “{other.preferred}” "
                f"({other.service_line or 'global'})."
            )
        candidate_scope = None if candidate.service_line is None else [candidate.service_line]
        for finding in Matcher([other]).find(candidate.preferred, candidate_scope):
            problems.append(
                f"“{candidate.preferred}” contains “{finding.found}”, a disallowed variant "
                f"of “{other.preferred}” ({other.service_line or 'global'})."
            )
    return problems


def _scopes_overlap(first: str | None, second: str | None) -> bool:
    return first is None or second is None or first == second


def term_problems(glossary_term) -> dict[str, list[str]]:
    """Validation errors of a ``GlossaryTerm``, by field (empty when it is fine).

    Checks its variants, and that it doesn't conflict with an approved term: a term
    whose preferred wording contains another term's disallowed variant would be
    flagged wherever it is used.
    """
    from glossary.selectors import approved_terms

    problems: dict[str, list[str]] = {}
    if not glossary_term.preferred:
        return problems
    variant_errors = variant_problems(
        glossary_term.preferred,
        glossary_term.variant_list,
        case_sensitive=glossary_term.case_sensitive,
    )
    if variant_errors:
        problems["variants"] = variant_errors
        return problems
    candidate = replace(term_of(glossary_term), key=glossary_term.pk or "candidate")
    others = [term_of(term) for term in approved_terms().exclude(pk=glossary_term.pk)]
    conflicts = conflicts_between(candidate, others)
    if conflicts:
        problems["preferred"] = conflicts
    return problems


# Importing a glossary file.


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    submitted: list = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )
        if self.submitted:
            text += f"; {len(self.submitted)} submitted for review"
        return text


class GlossaryImportError(GlossaryFileError):
    """The file can't be imported; ``errors`` lists every problem (nothing was saved).

    A :class:`~glossary.csv_io.GlossaryFileError`, so whoever reports a bad file
    (the admin import, ``import_glossary``) reports these the same way.
    """


def glossary_import_text(*, text: str, user=None, submit: bool = False) -> ImportResult:
    """Import glossary CSV text: every problem of the file is reported together.

    The format problems of bad rows and the database-level problems of the good ones
    (unknown service line, a locked term, a conflict with an approved term or another
    row) are raised as one :class:`GlossaryImportError`, ordered by line; nothing is
    saved unless there are none.
    """
    from glossary.csv_io import read_rows

    rows, errors = read_rows(text)
    return glossary_import(rows=rows, user=user, submit=submit, file_errors=errors)


def glossary_import(*, rows, user=None, submit: bool = False, file_errors=()) -> ImportResult:
    """Load parsed glossary rows as *drafts*; all of them or none.

    A row whose ``(service_line, preferred)`` matches an existing term (ignoring case)
    updates that term with a new draft revision; other rows create terms. Rows equal
    to the term's latest version change nothing, so importing a file twice is harmless.
    Nothing is published: with ``submit=True`` every created or updated term is
    submitted to its review workflow (as ``user``), otherwise it waits as a draft for
    someone to submit it. Raises :class:`GlossaryImportError` with line-numbered
    errors and saves nothing if any row is invalid; ``file_errors`` are the problems
    the file's other rows already had (:func:`glossary_import_text`), reported with
    these.
    """
    from wagtail.actions.create import CreateAction
    from wagtail.actions.edit import EditAction

    from glossary.csv_io import RowError
    from glossary.models import GlossaryTerm

    rows = list(rows)
    if submit and user is None:
        raise GlossaryImportError([RowError(0, "submitting for review needs a user")])
    if submit and GlossaryTerm.get_default_workflow() is None:
        raise GlossaryImportError(
            [
                RowError(
                    0,
                    "no review workflow is assigned to glossary terms, so nothing can be "
                    "submitted; assign one (Settings → Workflows) or import drafts only",
                )
            ]
        )
    plans, errors = _plan_import(rows, user)
    errors = sorted([*file_errors, *errors], key=lambda error: error.line)
    if errors:
        raise GlossaryImportError(errors)

    result = ImportResult()
    with transaction.atomic():
        for plan in plans:
            if plan.action == "unchanged":
                result.unchanged.append(plan.term)
                continue
            if plan.action == "create":
                term = CreateAction(plan.term, user=user).execute(skip_permission_checks=True)
                result.created.append(term)
            else:
                term = EditAction(plan.term, user=user).execute(skip_permission_checks=True)
                result.updated.append(term)
            if submit:
                _submit(term, user)
                result.submitted.append(term)
    return result


@dataclass
class _Plan:
    row: object
    term: object
    action: str  # "create", "update" or "unchanged"


def _plan_import(rows, user) -> tuple[list[_Plan], list]:
    """Pair each row with the term it creates or updates, and validate everything."""
    from glossary.csv_io import RowError
    from glossary.models import GlossaryTerm
    from glossary.selectors import approved_terms

    service_lines = _service_lines_by_slug()
    existing = {
        (term.service_line_id, term.preferred.casefold()): term
        for term in GlossaryTerm.objects.select_related("service_line", "latest_revision")
    }
    plans, errors = [], []
    for row in rows:
        service_line = None
        if row.service_line:
            service_line = service_lines.get(row.service_line)
            if service_line is None:
                known = ", ".join(sorted(service_lines)) or "none"
                errors.append(
                    RowError(
                        row.line, f"unknown service line “{row.service_line}” (known: {known})"
                    )
                )
                continue
        stored = existing.get((getattr(service_line, "pk", None), row.preferred.casefold()))
        if stored is None:
            term = GlossaryTerm(owner=user, service_line=service_line)
            action = "create"
        else:
            lock = stored.get_lock()
            if lock is not None and user is not None and lock.for_user(user):
                errors.append(RowError(row.line, f"“{stored.preferred}” is locked"))
                continue
            term = stored.get_latest_revision_as_object()
            action = "unchanged" if _row_matches(row, term) else "update"
        _apply_row(row, term)
        try:
            term.clean_fields()
            term.validate_constraints()
        except ValidationError as error:
            errors.extend(RowError(row.line, message) for message in _messages(error))
            continue
        plans.append(_Plan(row, term, action))
    # Conflicts: with the other rows of the file, and with the approved terms the file
    # doesn't replace.
    replaced = {plan.term.pk for plan in plans if plan.term.pk}
    approved = [term_of(term) for term in approved_terms() if term.pk not in replaced]
    file_terms = {plan.row.line: replace(plan.row.term(), key=plan.row.line) for plan in plans}
    for line, candidate in file_terms.items():
        others = [term for other, term in file_terms.items() if other != line]
        errors.extend(
            RowError(line, problem) for problem in conflicts_between(candidate, others + approved)
        )
    return plans, errors


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            message if field == "__all__" else f"{field}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def _service_lines_by_slug():
    from cms.models import ServiceLine

    return {line.slug: line for line in ServiceLine.objects.all()}


def _apply_row(row, term) -> None:
    term.preferred = row.preferred
    term.kind = row.kind
    term.definition = row.definition
    term.plain_language = row.plain_language
    term.variants = "\n".join(row.variants)
    term.case_sensitive = row.case_sensitive
    term.notes = row.notes


def _row_matches(row, term) -> bool:
    return (
        term.preferred == row.preferred
        and term.kind == row.kind
        and term.definition == row.definition
        and term.plain_language == row.plain_language
        and term.variant_list == list(row.variants)
        and term.case_sensitive == row.case_sensitive
        and term.notes == row.notes
    )


def _submit(term, user) -> None:
    workflow_state = term.current_workflow_state
    if workflow_state is not None:
        # The draft under review changed: its review starts again on the new version.
        workflow_state.cancel(user=user)
    term.get_workflow().start(term, user)
