"""The matcher of the approved glossary, built once per process and content version.

:func:`get_matcher` is what every check uses (``glossary.checking``). Each process
keeps the :class:`~glossary.terminology.Matcher` it built with the version
it was built for: the content version (``cms.freshness``), which every save or
delete of a glossary term or a service line moves on (``GlossaryConfig.ready``).
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from cms import freshness
from glossary.models import GlossaryTerm
from glossary.terminology import Matcher, Term


@dataclass(frozen=True, slots=True)
class _CachedMatcher:
    version: int
    day: datetime.date
    matcher: Matcher


_cached: _CachedMatcher | None = None
_build_lock = threading.Lock()


def get_matcher() -> Matcher:
    """The matcher of the approved glossary, built once per process and version.

    When nothing changed this costs one indexed one-row query. The matcher
    is also rebuilt when the date changes, because terms stop being enforced the day
    after their review-by date.
    """
    global _cached
    version = freshness.version()
    today = timezone.localdate()
    cached = _cached
    if cached is not None and cached.version == version and cached.day == today:
        return cached.matcher
    with _build_lock:
        cached = _cached
        if cached is None or cached.version != version or cached.day != today:
            terms = GlossaryTerm.objects.approved(on=today)
            cached = _CachedMatcher(version, today, build_matcher(terms))
            _cached = cached
    return cached.matcher


def build_matcher(terms: Iterable) -> Matcher:
    """A matcher of ``GlossaryTerm`` rows (or :class:`Term` objects)."""
    return Matcher(term if isinstance(term, Term) else term.as_term() for term in terms)
