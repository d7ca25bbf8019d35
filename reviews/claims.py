"""Sentences that make a claim of their own: a number or a superlative, for the reviewer.

In external and public material a claim should be an approved message used by
reference, whose wording was reviewed once with its evidence. :func:`unsupported_claims`
reads the visible words of the item under review and returns each sentence that states
a number or a percentage ("seen within 7 days", "94%") or a superlative ("best",
"leading", "guaranteed", "#1") and is not the wording of a current approved message
(which the page shows word for word). The workspace lists them beside the terminology
gate's findings. It is a prompt, not a refusal: "open 7 days a week" is a number and
no claim, and only the reviewer can tell.

Internal material isn't checked: talk tracks and internal notes may state figures for
the sales team.
"""

import re
from dataclasses import dataclass

from cms import publication

SUPERLATIVES = (
    "best",
    "leading",
    "guaranteed",
    "guarantee",
    "guarantees",
    "#1",
    "number one",
    "no. 1",
)
_SUPERLATIVE = re.compile(
    r"(?<![\w#])(" + "|".join(re.escape(word) for word in SUPERLATIVES) + r")(?![\w])",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![#\w])\d+(?:[.,]\d+)?\s*(%|percent\b)?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"#])|\n+")
CHECKED_AUDIENCES = ("external", "public")


@dataclass(frozen=True)
class ClaimFlag:
    sentence: str
    reasons: tuple  # ("states a number", "says “leading”")

    def __str__(self):
        return f"“{self.sentence}” — {', '.join(self.reasons)}."


def _normal(text):
    return " ".join((text or "").split()).casefold()


def sentences(text):
    """The sentences of ``text`` (visible words), whitespace collapsed."""
    return [" ".join(part.split()) for part in _SENTENCE_END.split(text or "") if part.strip()]


def reasons_in(sentence):
    """Why ``sentence`` reads as a claim: its numbers, percentages and superlatives."""
    found = []
    numbers = list(_NUMBER.finditer(sentence))
    if any(match.group(1) for match in numbers):
        found.append("states a percentage")
    elif numbers:
        found.append("states a number")
    words = []
    for match in _SUPERLATIVE.finditer(sentence):
        word = match.group(1).lower()
        if word not in words:
            words.append(word)
    found.extend(f"says “{word}”" for word in words)
    return tuple(found)


def approved_wordings():
    """The wording of every current approved message, normalised."""
    from cms.models import ApprovedMessage

    return [
        _normal(text)
        for text in publication.current(ApprovedMessage.objects.all()).values_list(
            "text", flat=True
        )
    ]


def unsupported_claims(text, *, audience, approved=None):
    """:class:`ClaimFlag` for each sentence of ``text`` that states a number or a
    superlative outside the wording of a current approved message. Nothing for internal
    material. ``approved``: the approved wordings (:func:`approved_wordings` by default)."""
    if audience not in CHECKED_AUDIENCES:
        return []
    approved = approved_wordings() if approved is None else [_normal(t) for t in approved]
    flags = []
    for sentence in sentences(text):
        reasons = reasons_in(sentence)
        if not reasons:
            continue
        if any(_normal(sentence) in wording for wording in approved):
            continue  # an approved message, shown word for word
        flags.append(ClaimFlag(sentence, reasons))
    return flags
