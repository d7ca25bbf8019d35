"""The matcher of the approved glossary, built once per process and glossary version.

:func:`get_matcher` is what every check uses (``glossary.checking``). Each process
keeps the :class:`~glossary.terminology.Matcher` it built with the **glossary version**
it was built for, a token in the cache; :func:`glossary_changed` moves the token on
when the enforced glossary may have changed (``glossary.signals``).
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from glossary.models import GlossaryTerm
from glossary.terminology import Matcher, Term

VERSION_CACHE_KEY = "concord:glossary:version"


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
            terms = GlossaryTerm.objects.approved(on=today)
            cached = _CachedMatcher(version, today, build_matcher(terms))
            _cached = cached
    return cached.matcher


def build_matcher(terms: Iterable) -> Matcher:
    """A matcher of ``GlossaryTerm`` rows (or :class:`Term` objects)."""
    return Matcher(term if isinstance(term, Term) else term.as_term() for term in terms)
