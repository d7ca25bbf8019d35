"""Importing a glossary file: every row checked against the database, then all or none.

The file format itself (columns, cells, per-row checks that need no database) is
``glossary.csv_io``; this adds what needs the database (the service line exists, a
locked term, conflicts with approved terms) and saves the rows as drafts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction

from cms.models import ServiceLine
from glossary.csv_io import GlossaryFileError, RowError, read_rows
from glossary.models import GlossaryTerm
from glossary.validation import conflicts_among


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
    # Conflicts with the approved terms the file doesn't replace (conflicts between
    # the file's own rows are the file's problems: ``read_rows`` reported them).
    replaced = {plan.term.pk for plan in plans if plan.term.pk}
    approved = [
        term.as_term() for term in GlossaryTerm.objects.approved() if term.pk not in replaced
    ]
    if approved:
        rows = [plan.row for plan in plans]
        problems = conflicts_among([row.term() for row in rows], approved, each_other=False)
        for row, row_problems in zip(rows, problems, strict=True):
            errors.extend(RowError(row.line, problem) for problem in row_problems)
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
    return {line.slug: line for line in ServiceLine.objects.all()}


def _apply_row(row, term) -> None:
    term.preferred = row.preferred
    term.kind = row.kind
    term.definition = row.definition
    term.plain_language = row.plain_language
    term.variants = "\n".join(row.variants)
    term.case_sensitive = row.case_sensitive
    term.notes = row.notes
    term.match_case = "\n".join(row.match_case)
    term.exceptions = "\n".join(row.exceptions)
    term.enforce_capitalisation = row.enforce_capitalisation


def _row_matches(row, term) -> bool:
    return (
        term.preferred == row.preferred
        and term.kind == row.kind
        and term.definition == row.definition
        and term.plain_language == row.plain_language
        and term.variant_list == list(row.variants)
        and term.case_sensitive == row.case_sensitive
        and term.notes == row.notes
        and term.match_case_list == list(row.match_case)
        and term.exception_list == list(row.exceptions)
        and term.enforce_capitalisation == row.enforce_capitalisation
    )


def _submit(term, user) -> None:
    workflow_state = term.current_workflow_state
    if workflow_state is not None:
        # The draft under review changed: its review starts again on the new version.
        workflow_state.cancel(user=user)
    term.get_workflow().start(term, user)
