"""Drift from approved messages: the same kind of figure, a different number.

An approved message says "a first visit within 10 business days"; a one-pager under
review says "seen within 7 business days". Neither the glossary nor the gate knows
that these are the same claim. :func:`drift_findings` reads every figure in a text —
a number and the words that say what it counts ("10 business days", "30%", "2
weeks") — and reports those whose words match a figure of a current approved message
while the number differs. It is a prompt for the reviewer, not a rule: the reviewer
decides whether the two sentences make the same claim.
"""

import re
from dataclasses import dataclass

from cms import publication

# A number, then what it counts: a percent sign, or one or two words.
_FIGURE = re.compile(
    r"(?<![\w.])(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>%|percent\b|[a-z]+(?:[ -][a-z]+)?)",
    re.IGNORECASE,
)
# Words after a number that don't say what it counts.
_NOT_UNITS = {"and", "or", "to", "of", "in", "on", "at", "for", "the", "a", "an", "x", "am", "pm"}


@dataclass(frozen=True)
class Figure:
    number: str
    unit: str  # normalised: lower case, single spaces, "%" for percent

    def __str__(self):
        return f"{self.number}%" if self.unit == "%" else f"{self.number} {self.unit}"


@dataclass(frozen=True)
class DriftFinding:
    found: Figure
    approved: Figure
    message: object  # the approved message

    def __str__(self):
        return (
            f"“{self.found}” here; the approved message “{self.message}” "
            f"({self.message.approval_label or 'approved'}) says “{self.approved}”."
        )


def figures(text):
    """Every figure in ``text``, in order."""
    found = []
    for match in _FIGURE.finditer(text or ""):
        unit = " ".join(match["unit"].lower().replace("-", " ").split())
        if unit in ("percent",):
            unit = "%"
        first = unit.split(" ")[0]
        if first in _NOT_UNITS:
            continue
        number = match["number"].replace(",", ".")
        found.append(Figure(number, unit))
    return found


def drift_findings(text, *, service_lines=None, exclude=None):
    """Figures in ``text`` whose unit matches a figure of a current approved message
    (of ``service_lines``, or global) with another number. One finding per pair.
    ``exclude``: the approved message under review, if it is one."""
    from cms.models import ApprovedMessage

    messages = publication.current(ApprovedMessage.objects.all()).prefetch_related("service_lines")
    if isinstance(exclude, ApprovedMessage) and exclude.pk:
        messages = messages.exclude(pk=exclude.pk)  # a message isn't drift from itself
    wanted = {line.pk for line in service_lines or []}
    in_text = figures(text)
    findings, seen = [], set()
    for message in messages:
        lines = {line.pk for line in message.service_lines.all()}
        if wanted and lines and not lines & wanted:
            continue  # another service line's claim
        approved_figures = figures(message.text)
        approved_numbers = {(figure.unit, figure.number) for figure in approved_figures}
        for approved in approved_figures:
            for found in in_text:
                if found.unit != approved.unit or found.number == approved.number:
                    continue
                if (found.unit, found.number) in approved_numbers:
                    continue  # the message itself states this figure too
                key = (found, approved, message.pk)
                if key not in seen:
                    seen.add(key)
                    findings.append(DriftFinding(found, approved, message))
    return findings
