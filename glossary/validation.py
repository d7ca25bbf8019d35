"""The rules a glossary term must keep, for ``GlossaryTerm.clean`` and the CSV import.

Pure functions of the terms they are given: the callers read the approved glossary
(``GlossaryTerm.objects.approved()``) and pass it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from glossary.terminology import Matcher, Term, normalise_typography

# Separates the variants in a glossary file's ``variants`` cell (``glossary.csv_io``),
# so no variant may contain it.
VARIANT_SEPARATOR = "|"


def variant_problems(
    preferred: str,
    variants: Sequence[str],
    *,
    case_sensitive: bool,
    match_case: Sequence[str] = (),
    exceptions: Sequence[str] = (),
    enforce_capitalisation: bool = False,
) -> list[str]:
    """What is wrong with a term's variants and exceptions, without the database."""
    by_field = wording_problems(
        preferred,
        variants,
        case_sensitive=case_sensitive,
        match_case=match_case,
        exceptions=exceptions,
        enforce_capitalisation=enforce_capitalisation,
    )
    return [problem for problems in by_field.values() for problem in problems]


def wording_problems(
    preferred: str,
    variants: Sequence[str],
    *,
    case_sensitive: bool,
    match_case: Sequence[str] = (),
    exceptions: Sequence[str] = (),
    enforce_capitalisation: bool = False,
) -> dict[str, list[str]]:
    """:func:`variant_problems` by the field they concern (``variants``,
    ``match_case``, ``exceptions``); fields without problems are left out."""
    problems: dict[str, list[str]] = {}
    for field, noun, wordings in (
        ("variants", "variant", variants),
        ("exceptions", "exception", exceptions),
    ):
        for wording in wordings:
            if VARIANT_SEPARATOR in wording:
                problems.setdefault(field, []).append(
                    f"“{wording}” contains “{VARIANT_SEPARATOR}”, which separates {noun}s in "
                    f"glossary files. Put each {noun} on its own line."
                )
    for variant in match_case:
        if variant not in variants:
            problems.setdefault("match_case", []).append(
                f"“{variant}” is listed under “match case” but is not one of the variants."
            )
    if problems:
        return problems
    candidate = Term(
        key="candidate",
        preferred=preferred,
        variants=variants,
        case_sensitive=case_sensitive,
        match_case=match_case,
        exceptions=exceptions,
        enforce_capitalisation=enforce_capitalisation,
    )
    for finding in Matcher([candidate]).find(preferred):
        if normalise_typography(finding.variant) == normalise_typography(preferred):
            message = (
                f"“{finding.variant}” is the preferred term itself, so it would flag every "
                "correct use. (A variant that differs from it only in capitalisation or "
                "hyphenation is allowed: it flags exactly that difference.)"
            )
        else:
            message = (
                f"“{finding.variant}” would flag the preferred term itself "
                f"(it matches “{finding.found}” in “{preferred}”)."
            )
        problems.setdefault("variants", []).append(message)
    unexcused = Matcher([replace(candidate, exceptions=())]) if exceptions else None
    for exception in exceptions:
        if not unexcused.find(exception):
            problems.setdefault("exceptions", []).append(
                f"The exception “{exception}” contains none of the variants, so it allows nothing."
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


def conflicts_among(
    candidates: Sequence[Term], others: Iterable[Term] = (), *, each_other: bool = True
) -> list[list[str]]:
    """:func:`conflicts_between` for many candidates at once: each candidate against
    the other candidates (unless ``each_other`` is false) and ``others``; one list of
    problems per candidate, in order.

    One matcher of every term reads every preferred wording once to find which pairs
    can conflict, and only those pairs are compared one by one, so a glossary of
    thousands of terms is checked in about the time of one pass over its preferred
    wordings (pairwise it would be millions of matchers).
    """
    candidates = list(candidates)
    terms = [*candidates, *others]
    count = len(candidates)
    matcher = Matcher(replace(term, key=index) for index, term in enumerate(terms))
    suspects: set[tuple[int, int]] = set()
    for index, term in enumerate(terms):
        scope = None if term.service_line is None else [term.service_line]
        for finding in matcher.find(term.preferred, scope):
            other = finding.term_key
            pair = (min(index, other), max(index, other))
            if other == index or pair[0] >= count or (not each_other and pair[1] < count):
                continue
            suspects.add(pair)
    problems: list[list[str]] = [[] for _ in candidates]
    for first, second in sorted(suspects):
        # Distinct keys: a file's line number may equal an approved term's id.
        candidate = replace(terms[first], key=("candidate", first))
        rival = replace(terms[second], key=("rival", second))
        problems[first].extend(conflicts_between(candidate, [rival]))
        if second < count:
            problems[second].extend(
                conflicts_between(replace(rival, key=("candidate", second)), [candidate])
            )
    return problems


def _scopes_overlap(first: str | None, second: str | None) -> bool:
    return first is None or second is None or first == second


MAX_LIST_ENTRIES = 200
MAX_WORDING = 200


def term_problems(glossary_term, *, approved: Iterable) -> dict[str, list[str]]:
    """Validation errors of a ``GlossaryTerm``, by field (empty when it is fine).

    Checks its variants, and that it doesn't conflict with the ``approved`` terms (a
    queryset, read only when the variants are fine; the term itself is skipped): a
    term whose preferred wording contains another term's disallowed variant would be
    flagged wherever it is used.
    """
    problems: dict[str, list[str]] = {}
    if not glossary_term.preferred:
        return problems
    # Bounded before any matcher is built from them: a pasted document (or a hostile
    # post) in a list field would otherwise cost minutes of work for one save.
    for name, values in (
        ("variants", glossary_term.variant_list),
        ("match_case", glossary_term.match_case_list),
        ("exceptions", glossary_term.exception_list),
    ):
        if len(values) > MAX_LIST_ENTRIES or any(len(value) > MAX_WORDING for value in values):
            problems[name] = [
                f"At most {MAX_LIST_ENTRIES} entries of up to {MAX_WORDING} characters each."
            ]
    if problems:
        return problems
    variant_errors = wording_problems(
        glossary_term.preferred,
        glossary_term.variant_list,
        case_sensitive=glossary_term.case_sensitive,
        match_case=glossary_term.match_case_list,
        exceptions=glossary_term.exception_list,
        enforce_capitalisation=glossary_term.enforce_capitalisation,
    )
    if variant_errors:
        return variant_errors
    candidate = replace(glossary_term.as_term(), key=glossary_term.pk or "candidate")
    others = [term.as_term() for term in approved if term.pk != glossary_term.pk]
    [conflicts] = conflicts_among([candidate], others)
    if conflicts:
        problems["preferred"] = conflicts
    return problems
