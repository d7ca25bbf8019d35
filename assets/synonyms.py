"""Glossary-aware search: the words reps type are often the glossary's "don't say" words.

A rep searching "insurance" or "cardiac rehab" means "health plan" or the "Cardiac
Rehabilitation Program"; the copy in the library uses the preferred terms, so those
searches found little. :func:`synonyms_for` reads the search text against the approved
glossary and returns the preferred terms the search should also look for:

* a **whole variant** anywhere in the text, found by the glossary's own matcher
  (``glossary.matching.get_matcher``: case, plurals and the glossary's exceptions as
  the terminology check sees them) — "our insurance companies" → "health plan";
* or the **whole text** being the first words of a variant — "insurance" (of
  "insurance company"), "cardiac rehab" (of "cardiac rehab center"). Only the whole
  text: "insurance" inside a longer search is an ordinary word.

The variants' first words are read from the approved terms once per content version
(the glossary's terms move it on), so a search costs no extra query.
"""

from dataclasses import dataclass

from django.core.cache import cache

from cms import freshness
from glossary.matching import get_matcher
from glossary.models import GlossaryTerm

CACHE_SECONDS = 60 * 60
MIN_PREFIX_LETTERS = 4  # "the", "in" and the like are nobody's synonym


@dataclass(frozen=True)
class Synonym:
    found: str  # what the rep typed
    preferred: str  # the glossary's term, also searched
    variant: str  # the variant it stands for

    def as_dict(self):
        return {"found": self.found, "preferred": self.preferred, "variant": self.variant}


def _prefixes(current):
    """{first words of a variant (case-folded): (preferred, variant)} for the approved
    glossary; first words shared by two terms with different preferred terms are left
    out (ambiguous)."""
    key = f"assets:synonym-prefixes:{current}"
    prefixes = cache.get(key)
    if prefixes is not None:
        return prefixes
    prefixes, ambiguous = {}, set()
    for term in GlossaryTerm.objects.approved():
        for variant in term.variant_list:
            words = variant.casefold().split()
            for count in range(1, len(words) + 1):
                prefix = " ".join(words[:count])
                if len(prefix.replace(" ", "")) < MIN_PREFIX_LETTERS:
                    continue
                known = prefixes.get(prefix)
                if known is not None and known[0] != term.preferred:
                    ambiguous.add(prefix)
                prefixes.setdefault(prefix, (term.preferred, variant))
    for prefix in ambiguous:
        prefixes.pop(prefix, None)
    cache.set(key, prefixes, CACHE_SECONDS)
    return prefixes


def synonyms_for(text, *, current=None):
    """The glossary's preferred terms a search for ``text`` should also look for."""
    text = " ".join((text or "").split())
    if not text:
        return []
    current = freshness.version() if current is None else current
    found = []
    for finding in get_matcher().find(text):
        found.append(Synonym(finding.found, finding.preferred, finding.variant))
    if not found:
        match = _prefixes(current).get(text.casefold())
        if match is not None:
            found.append(Synonym(text, *match))
    searched = text.casefold()
    unique, seen = [], set()
    for synonym in found:
        key = synonym.preferred.casefold()
        if key in seen or key in searched:
            continue  # the search already has the preferred term
        seen.add(key)
        unique.append(synonym)
    return unique
