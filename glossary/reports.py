"""What the terminology reports show: findings in live content, and drift.

Both reports read *live* content only (what the public and reps see). Definitions
(also in docs/terminology.md):

Consistency
    Every finding of the approved glossary in live content, with the term, where it
    sits (public site, sales material, or shared: approved messages and glossary
    terms) and exactly where (object, field or block, line, column).

Term drift
    A glossary term *drifts* when it is used both on the public site and in sales
    material and the two don't use the same wordings: one side uses a wording (the
    preferred term, or one of its disallowed variants) that the other side doesn't.
    Wordings are compared as the glossary writes them, so "cardiac rehab" and
    "Cardiac-Rehab" are the same wording (variant "cardiac rehab"). A term used with
    the same wrong variant on both sides is not drift (it is consistent, and in the
    consistency report).

Message drift
    An approved message *drifts* where public-site or sales content contains an edited
    copy of it instead of a reference: a passage that contains at least
    ``MESSAGE_COVERAGE`` (60%) of the message's words in order (runs of two words or
    more) but is not the message word for word. Messages of fewer than
    ``MESSAGE_MIN_WORDS`` words are not looked for. A reference (the approved-message
    block) always shows the approved wording and is never drift; a word-for-word copy
    is not drift yet either.

The results are cached under a key made of the glossary version, the date and a
fingerprint of live content (per model: how many live objects, when one was last
published), so paging and filtering a report doesn't check everything again.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import DraftStateMixin, Page

from cms import freshness
from cms.models import ApprovedMessage
from cms.publication import current
from glossary.checking import check_stored, find_in_text, stored_chunks, stored_scope
from glossary.matching import get_matcher
from glossary.models import GlossaryTerm
from glossary.selectors import (
    CHANNEL_LABELS,
    PUBLIC,
    SALES,
    channel_of,
    content_models,
    source_of,
    stored_versions,
)
from glossary.terminology import Matcher, Term, line_col

MESSAGE_COVERAGE = 0.6
MESSAGE_MIN_WORDS = 6
_CACHE_TIMEOUT = 60 * 60


@dataclass(frozen=True, slots=True)
class ContentRef:
    """A stored object as the reports show it."""

    source: str
    title: str
    type_label: str
    channel: str
    edit_url: str

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]


@dataclass(frozen=True, slots=True)
class ReportFinding:
    """A row of the consistency report: one finding in live content."""

    content: ContentRef
    term_id: int
    term: str
    found: str
    preferred: str
    path: str
    line: int
    column: int
    context: str

    @property
    def channel(self) -> str:
        return self.content.channel

    @property
    def channel_label(self) -> str:
        return self.content.channel_label


@dataclass(frozen=True, slots=True)
class TermDrift:
    """A glossary term worded differently on the public site and in sales material."""

    term_id: int
    term: str
    public_wordings: tuple[tuple[str, int], ...]
    sales_wordings: tuple[tuple[str, int], ...]
    examples: tuple[tuple[str, str, ContentRef, str], ...]  # (channel, wording, content, path)

    kind = "term"
    kind_label = "Glossary term"

    @property
    def subject(self) -> str:
        return self.term

    @property
    def summary(self) -> str:
        public, sales = _wordings(self.public_wordings), _wordings(self.sales_wordings)
        return f"Public site: {public} · Sales: {sales}"

    @property
    def location(self) -> str:
        return "; ".join(
            f"“{wording}”: {content.title} ({CHANNEL_LABELS[channel]}), {path}"
            for channel, wording, content, path in self.examples
        )


@dataclass(frozen=True, slots=True)
class MessageDrift:
    """An edited copy of an approved message in public-site or sales content."""

    message_id: int
    message: str
    approved_text: str
    copy_text: str
    coverage: float
    changes: str
    content: ContentRef
    path: str
    line: int
    column: int

    kind = "message"
    kind_label = "Approved message"

    @property
    def subject(self) -> str:
        return self.message

    @property
    def summary(self) -> str:
        return self.changes

    @property
    def location(self) -> str:
        return (
            f"{self.content.title} ({self.content.channel_label}), {self.path}, "
            f"line {self.line}, col {self.column}"
        )


def _wordings(wordings) -> str:
    return ", ".join(f"“{wording}” ×{count}" for wording, count in wordings) or "—"


# Consistency


def consistency_findings() -> list[ReportFinding]:
    """Every finding of the approved glossary in live content (cached)."""
    return _cached("consistency", _consistency_findings)


def _consistency_findings() -> list[ReportFinding]:
    matcher = get_matcher()
    terms = {term.pk: term for term in GlossaryTerm.objects.approved()}
    rows = []
    if matcher.is_empty:
        return rows
    for stored in stored_versions(live_only=True):
        findings = check_stored(stored, matcher=matcher)
        if not findings:
            continue
        content = content_ref(stored.live_object)
        for finding in findings:
            term = terms.get(finding.term_key)
            rows.append(
                ReportFinding(
                    content=content,
                    term_id=finding.term_key,
                    term=str(term) if term else finding.preferred,
                    found=finding.found,
                    preferred=finding.preferred,
                    path=finding.path,
                    line=finding.line,
                    column=finding.column,
                    context=finding.context,
                )
            )
    # Stable sort: within one object, findings stay in the order of its fields.
    rows.sort(key=lambda row: (row.term.casefold(), row.channel, row.content.title))
    return rows


@dataclass
class TermSummary:
    term_id: int
    term: str
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def by_channel(self) -> list[int]:
        """Counts in the order of ``CHANNEL_LABELS`` (the report's columns)."""
        return [self.counts.get(channel, 0) for channel in CHANNEL_LABELS]


def summary_by_term(rows) -> list[TermSummary]:
    """Findings counted per term and channel, most findings first."""
    summaries: dict[int, TermSummary] = {}
    for row in rows:
        summary = summaries.setdefault(row.term_id, TermSummary(row.term_id, row.term))
        summary.counts[row.channel] += 1
    return sorted(summaries.values(), key=lambda summary: (-summary.total, summary.term))


# Drift


def drift_rows() -> list[TermDrift | MessageDrift]:
    """Term drift, then message drift (cached)."""
    return _cached("drift", lambda: term_drift() + message_drift())


def term_drift() -> list[TermDrift]:
    terms = list(GlossaryTerm.objects.approved())
    if not terms:
        return []
    usage = Matcher(
        # Every wording of the term, the preferred one included, is looked for the same
        # way; with no preferred wording of its own nothing is read as a style rule or
        # excused as part of the preferred term.
        Term(
            key=term.pk,
            preferred="",
            variants=(term.preferred, *term.variant_list),
            case_sensitive=term.case_sensitive,
            service_line=term.service_line_slug,
            match_case=tuple(term.match_case_list),
        )
        for term in terms
    )
    labels = {term.pk: str(term) for term in terms}
    wordings: dict[int, dict[str, Counter]] = defaultdict(
        lambda: {PUBLIC: Counter(), SALES: Counter()}
    )
    examples: dict[tuple[int, str, str], tuple] = {}
    for stored, chunk_findings in _public_and_sales_chunks(usage):
        content = None
        channel = channel_of(stored.live_object)
        for path, finding in chunk_findings:
            wordings[finding.term_key][channel][finding.variant] += 1
            key = (finding.term_key, channel, finding.variant)
            if key not in examples:
                content = content or content_ref(stored.live_object)
                examples[key] = (channel, finding.variant, content, path)
    drifts = []
    for term_id, by_channel in wordings.items():
        public, sales = by_channel[PUBLIC], by_channel[SALES]
        if not public or not sales or set(public) == set(sales):
            continue
        drifts.append(
            TermDrift(
                term_id=term_id,
                term=labels[term_id],
                public_wordings=tuple(public.most_common()),
                sales_wordings=tuple(sales.most_common()),
                examples=tuple(
                    example for key, example in sorted(examples.items()) if key[0] == term_id
                ),
            )
        )
    return sorted(drifts, key=lambda drift: drift.term.casefold())


def _public_and_sales_chunks(usage: Matcher):
    for stored in stored_versions(live_only=True, models=_channel_models()):
        if channel_of(stored.live_object) not in (PUBLIC, SALES):
            continue
        scope = stored_scope(stored)
        found = [
            (chunk.path, finding)
            for chunk in stored_chunks(stored)
            for finding in find_in_text(
                chunk.text, matcher=usage, service_lines=scope, blocks=chunk.html
            )
        ]
        if found:
            yield stored, found


def _channel_models():
    return [
        model
        for model in content_models()
        if channel_of(model) in (PUBLIC, SALES) or hasattr(model, "terminology_channel")
    ]


_WORD = re.compile(r"\w+(?:['’]\w+)*")


def _words(text: str) -> list[re.Match]:
    return list(_WORD.finditer(text))


def message_drift() -> list[MessageDrift]:
    messages = []
    for message in current(ApprovedMessage.objects.all()):
        words = [match.group().casefold() for match in _words(message.text)]
        if len(words) >= MESSAGE_MIN_WORDS:
            messages.append((message, words, _shingles(words)))
    if not messages:
        return []
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for position, (_, _, shingles) in enumerate(messages):
        for shingle in shingles:
            index[shingle].append(position)

    drifts = []
    for stored in stored_versions(live_only=True, models=_channel_models()):
        if channel_of(stored.live_object) not in (PUBLIC, SALES):
            continue
        content = None
        for chunk in stored_chunks(stored):
            matches = _words(chunk.text)
            words = [match.group().casefold() for match in matches]
            hits = Counter(
                position for shingle in set(_shingles(words)) for position in index.get(shingle, ())
            )
            for position, count in hits.items():
                message, message_words, shingles = messages[position]
                if count < max(1, len(shingles) * MESSAGE_COVERAGE / 2):
                    continue
                copy = _edited_copy(message_words, words)
                if copy is None:
                    continue
                first, last, coverage, changes = copy
                start, end = matches[first].start(), matches[last - 1].end()
                line, column = line_col(chunk.text, start)
                content = content or content_ref(stored.live_object)
                drifts.append(
                    MessageDrift(
                        message_id=message.pk,
                        message=message.title,
                        approved_text=message.text,
                        copy_text=" ".join(chunk.text[start:end].split()),
                        coverage=coverage,
                        changes=changes,
                        content=content,
                        path=chunk.path,
                        line=line,
                        column=column,
                    )
                )
    return sorted(drifts, key=lambda drift: (drift.message.casefold(), drift.content.channel))


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _edited_copy(message_words: list[str], words: list[str]):
    """``(first, last, coverage, changes)`` of an edited copy in ``words``, or None."""
    matcher = difflib.SequenceMatcher(None, message_words, words, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size >= 2]
    if not blocks:
        return None
    covered = sum(block.size for block in blocks)
    coverage = covered / len(message_words)
    if coverage < MESSAGE_COVERAGE:
        return None
    # The passage runs from the first to the last matched run, widened by the
    # message words missing at either end (when the text has words there).
    first = max(0, blocks[0].b - blocks[0].a)
    last_run = blocks[-1]
    missing_after = len(message_words) - last_run.a - last_run.size
    last = min(len(words), last_run.b + last_run.size + missing_after)
    if last - first > 2 * len(message_words):
        return None
    passage = words[first:last]
    if passage == message_words:
        return None  # A word-for-word copy.
    return first, last, round(coverage, 2), _changes(message_words, passage)


def _changes(approved: list[str], copy: list[str]) -> str:
    parts = []
    opcodes = difflib.SequenceMatcher(None, approved, copy, autojunk=False).get_opcodes()
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "replace":
            parts.append(f"“{' '.join(approved[a1:a2])}” → “{' '.join(copy[b1:b2])}”")
        elif tag == "delete":
            parts.append(f"left out “{' '.join(approved[a1:a2])}”")
        elif tag == "insert":
            parts.append(f"added “{' '.join(copy[b1:b2])}”")
    return "; ".join(parts)


# Shared helpers


def content_ref(obj) -> ContentRef:
    title = getattr(obj, "title", None) or str(obj)
    return ContentRef(
        source=source_of(obj),
        title=str(title),
        type_label=str(obj._meta.verbose_name).capitalize(),
        channel=channel_of(obj),
        edit_url=AdminURLFinder().get_edit_url(obj) or "",
    )


def _cached(name: str, compute):
    key = f"concord:glossary:report:{name}:{_fingerprint()}"
    rows = cache.get(key)
    if rows is None:
        rows = compute()
        cache.set(key, rows, _CACHE_TIMEOUT)
    return rows


def _fingerprint() -> str:
    """Changes whenever the approved glossary or any live content may have changed."""
    parts = [str(freshness.version()), timezone.localdate().isoformat()]
    for model in content_models():
        queryset = model._default_manager.all()
        if issubclass(model, Page):
            queryset = queryset.exact_type(model)
        if issubclass(model, DraftStateMixin):
            stats = queryset.filter(live=True).aggregate(
                count=Count("pk"), last=Max("last_published_at")
            )
        else:
            stats = queryset.aggregate(count=Count("pk"), last=Max("pk"))
        parts.append(f"{model._meta.label_lower}={stats['count']}@{stats['last']}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
