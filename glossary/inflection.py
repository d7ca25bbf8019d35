"""English plurals of glossary wordings, so a glossary needn't list every form.

The matcher (``glossary.terminology``) looks for each variant *and* its plurals:
"cath lab" also finds "cath labs", "ER" also finds "ERs", "therapy" also finds
"therapies". Only the last word of a phrase is inflected ("heart failure clinics").
Possessives need no forms of their own: an apostrophe ends a word, so "cath lab"
matches in "the cath lab's hours" and the plural "cath labs" in "the cath labs'
hours".

The rules are the regular English ones plus a table of irregular nouns common in
healthcare copy. They over-generate on purpose (for "echo" both "echos" and
"echoes"): a form nobody writes costs nothing. A generated form that is a different
word ("new" → "news") is excluded by listing it as an exception of the term (see
``docs/terminology.md``); an irregular plural the rules don't know is listed as a
variant of its own.
"""

from __future__ import annotations

import functools
import re

__all__ = ["plural_forms", "pluralise"]

# Irregular nouns (lower case) → their plurals. Regular rules are not applied to these.
IRREGULAR = {
    "analysis": ("analyses",),
    "appendix": ("appendices", "appendixes"),
    "bacterium": ("bacteria",),
    "child": ("children",),
    "criterion": ("criteria",),
    "datum": ("data",),
    "foot": ("feet",),
    "goose": ("geese",),
    "index": ("indices", "indexes"),
    "knife": ("knives",),
    "life": ("lives",),
    "louse": ("lice",),
    "man": ("men",),
    "matrix": ("matrices", "matrixes"),
    "medium": ("media", "mediums"),
    "mouse": ("mice",),
    "nucleus": ("nuclei",),
    "ovum": ("ova",),
    "person": ("people", "persons"),
    "phenomenon": ("phenomena",),
    "stimulus": ("stimuli",),
    "tooth": ("teeth",),
    "vertebra": ("vertebrae", "vertebras"),
    "wife": ("wives",),
    "woman": ("women",),
}
# Words with no plural of their own (the singular is the plural).
UNCHANGED = frozenset(
    {"aircraft", "deer", "series", "sheep", "species", "fish", "offspring", "staff"}
)

_LAST_WORD = re.compile(r"([^\W\d_]+)$")
_VOWELS = frozenset("aeiou")


def plural_forms(phrase: str) -> tuple[str, ...]:
    """The plural forms of ``phrase`` (its last word inflected), best first.

    Empty when the phrase doesn't end in a letter ("U.S.", "COVID-19") or its last
    word has no plural of its own. The case of the added letters follows the word:
    "ER" → "ERs" (an acronym's plural takes a small s) and "ERS", "Lab" → "Labs".
    """
    match = _LAST_WORD.search(phrase)
    if match is None:
        return ()
    head, word = phrase[: match.start()], match.group(1)
    return tuple(head + form for form in _word_plurals(word))


def pluralise(phrase: str) -> str:
    """The usual plural of ``phrase`` (the phrase itself when it has none)."""
    forms = plural_forms(phrase)
    return forms[0] if forms else phrase


@functools.lru_cache(maxsize=16384)
def _word_plurals(word: str) -> tuple[str, ...]:
    lower = word.lower()
    if lower in UNCHANGED:
        return ()
    if len(lower) != len(word):
        return (word + "s",)
    if word.isupper() and len(word) > 1:
        # An acronym (ER, PT, CHF): "ERs"; a word set in capitals: also "LABS", "ERS".
        forms = [word + "s", *(form.upper() for form in _lower_plurals(lower))]
        return tuple(dict.fromkeys(forms))
    return tuple(_recase(form, word) for form in _lower_plurals(lower))


def _lower_plurals(word: str) -> tuple[str, ...]:
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) == 1:
        return (word + "s",)
    if word.endswith("sis"):  # diagnosis, prognosis, stenosis
        return (word[:-2] + "es",)
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return (word + "es",)
    if word.endswith("y") and word[-2] not in _VOWELS:
        return (word[:-1] + "ies",)
    if word.endswith("o") and word[-2] not in _VOWELS:  # echoes, but also "ortho"s
        return (word + "s", word + "es")
    if word.endswith("fe"):
        return (word + "s", word[:-2] + "ves")
    if word.endswith("f") and not word.endswith("ff"):
        return (word + "s", word[:-1] + "ves")
    return (word + "s",)


def _recase(form: str, word: str) -> str:
    """``form`` (a plural, lower case) written in the case of ``word``.

    The letters ``form`` shares with ``word`` keep ``word``'s case; added letters are
    lower case.
    """
    shared = 0
    for written, lowered in zip(word, form, strict=False):
        if written.lower() != lowered:
            break
        shared += 1
    return word[:shared] + form[shared:]
