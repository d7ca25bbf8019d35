"""The glossary spreadsheet format: reading, validating and writing glossary CSV files.

A header row, then one term per row, with these columns (see docs/terminology.md):

``service_line``   service-line slug; empty for a global term
``preferred``      the preferred term
``variants``       the disallowed variants, separated by ``|``
``kind``           ``program_name``, ``care_pathway_step``, ``clinical_term`` or
                   ``acronym`` (the labels, e.g. "Care-pathway step", work too)
``definition``     optional
``plain_language`` optional
``case_sensitive`` ``true`` or ``false`` (also yes/no, 1/0; empty is false)
``notes``          optional
``match_case``     optional: the variants (of ``variants``) matched only as written
``exceptions``     optional: phrases in which the variants are allowed, ``|``-separated
``enforce_capitalisation``  optional ``true``/``false``: flag every other
                   capitalisation of the preferred term

The first four columns are required in the header, the others may be left out. A
line break inside a cell of the ``|``-separated columns is an error (a spreadsheet's
Alt+Enter would otherwise silently merge two variants).
Cells that would start a spreadsheet formula (``=``, ``+``, ``-``, ``@``, their
fullwidth forms) are written with a leading apostrophe and read back without it
(``cms.exports``), so an exported file imports back unchanged.

Everything here works without the database, so ``check_terminology --glossary`` can
use a file on its own. :func:`read_rows` is *the* validation of a file, cross-row
conflicts included, for both the import and ``check_terminology --glossary``;
:func:`glossary.importing.glossary_import` adds only the checks that need the database
(the service line exists, a locked term, conflicts with approved terms).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cms.exports import neutralise, restore
from glossary.models import GlossaryTerm
from glossary.terminology import Term
from glossary.validation import VARIANT_SEPARATOR, conflicts_among, variant_problems

COLUMNS = (
    "service_line",
    "preferred",
    "variants",
    "kind",
    "definition",
    "plain_language",
    "case_sensitive",
    "notes",
    "match_case",
    "exceptions",
    "enforce_capitalisation",
)
# Cells holding several wordings separated by ``|``.
LIST_COLUMNS = ("variants", "match_case", "exceptions")
REQUIRED_COLUMNS = ("service_line", "preferred", "variants", "kind")
PREFERRED_MAX_LENGTH = 200
MAX_REPORTED_ERRORS = 50

# Control characters other than tab and line breaks (a NUL can't even be stored).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem in a glossary file; ``line`` is the file's line number (0: the whole file)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class GlossaryFileError(Exception):
    """A glossary file that can't be used; ``errors`` lists every problem found."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def report(self, limit: int = MAX_REPORTED_ERRORS) -> list[str]:
        """The errors as lines for people, at most ``limit`` of them."""
        lines = [str(error) for error in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"… and {len(self.errors) - limit} more problems.")
        return lines


@dataclass(frozen=True, slots=True)
class GlossaryRow:
    """One validated row of a glossary file."""

    line: int
    service_line: str
    preferred: str
    variants: tuple[str, ...]
    kind: str
    definition: str = ""
    plain_language: str = ""
    case_sensitive: bool = False
    notes: str = ""
    match_case: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    enforce_capitalisation: bool = False

    def term(self) -> Term:
        """The matcher's view of this row (keyed by its line number)."""
        return Term(
            key=self.line,
            preferred=self.preferred,
            variants=self.variants,
            case_sensitive=self.case_sensitive,
            service_line=self.service_line or None,
            kind=self.kind,
            match_case=self.match_case,
            exceptions=self.exceptions,
            enforce_capitalisation=self.enforce_capitalisation,
        )

    def cells(self) -> list[str]:
        return [
            self.service_line,
            self.preferred,
            VARIANT_SEPARATOR.join(self.variants),
            self.kind,
            self.definition,
            self.plain_language,
            "true" if self.case_sensitive else "false",
            self.notes,
            VARIANT_SEPARATOR.join(self.match_case),
            VARIANT_SEPARATOR.join(self.exceptions),
            "true" if self.enforce_capitalisation else "false",
        ]


def row_of_term(term, line: int = 0) -> GlossaryRow:
    """The row that describes a ``GlossaryTerm`` (as it is in memory: pass the version)."""
    return GlossaryRow(
        line=line,
        service_line=term.service_line_slug or "",
        preferred=term.preferred,
        variants=tuple(term.variant_list),
        kind=term.kind,
        definition=term.definition,
        plain_language=term.plain_language,
        case_sensitive=term.case_sensitive,
        notes=term.notes,
        match_case=tuple(term.match_case_list),
        exceptions=tuple(term.exception_list),
        enforce_capitalisation=term.enforce_capitalisation,
    )


# Reading


def read_glossary(path: str | Path) -> list[GlossaryRow]:
    """Parse a glossary file; raise :class:`GlossaryFileError` listing every problem."""
    return parse_glossary(read_text(path))


def read_text(path: str | Path) -> str:
    """The text of a glossary file on disk (see :func:`decode`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise GlossaryFileError([RowError(0, f"can't read {path}: {error.strerror}")]) from error
    return decode(data)


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GlossaryFileError(
            [
                RowError(
                    0,
                    "the file is not UTF-8 text (save the spreadsheet as “CSV UTF-8”); "
                    f"byte {error.start} can't be read",
                )
            ]
        ) from error


def parse_glossary(text: str) -> list[GlossaryRow]:
    """Parse and validate glossary CSV text; raise :class:`GlossaryFileError` on any error."""
    rows, errors = read_rows(text)
    if errors:
        raise GlossaryFileError(errors)
    return rows


def read_rows(text: str) -> tuple[list[GlossaryRow], list[RowError]]:
    """The valid rows of glossary CSV text, and the problems of the others.

    Every check of the file itself: its format, each row's own rules, duplicate terms
    and conflicts between rows (a row whose variant would flag another row's preferred
    term). The import and ``check_terminology --glossary`` both call this; a row in a
    conflict is reported but still returned, so the import can report database-level
    problems with it. Errors are in file order.

    Raises :class:`GlossaryFileError` only when the file as a whole can't be read (no
    header, unknown columns); a bad row is reported and the rest are still read, so an
    import can report the database-level problems of the good rows at the same time.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[RowError] = []
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise GlossaryFileError([RowError(1, f"not valid CSV: {error}")]) from error
    if not header or not any(cell.strip() for cell in header):
        raise GlossaryFileError(
            [RowError(1, f"the file is empty; the first row must name the columns: {_names()}")]
        )
    columns = [cell.strip().lower() for cell in header]
    unknown = [name for name in columns if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    if unknown or missing or duplicated:
        problems = []
        if unknown:
            problems.append(f"unknown column(s) {', '.join(repr(name) for name in unknown)}")
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if duplicated:
            problems.append(f"repeated column(s) {', '.join(duplicated)}")
        raise GlossaryFileError(
            [RowError(1, f"{'; '.join(problems)}. The columns are: {_names()}")]
        )

    rows: list[GlossaryRow] = []
    seen: dict[tuple[str, str], int] = {}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(reader.line_num, f"not valid CSV: {error}"))
            break
        row_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            errors.append(RowError(row_line, f"{len(cells)} cells but only {len(columns)} columns"))
            continue
        # A cell the export neutralised (``'=…``) reads back as it was stored.
        values = dict(zip(columns, map(restore, cells), strict=False))
        row, row_errors = _row(row_line, values)
        if row is not None:
            row_errors += variant_problems(
                row.preferred,
                row.variants,
                case_sensitive=row.case_sensitive,
                match_case=row.match_case,
                exceptions=row.exceptions,
                enforce_capitalisation=row.enforce_capitalisation,
            )
            key = (row.service_line, row.preferred.casefold())
            if key in seen:
                scope = row.service_line or "the global glossary"
                row_errors.append(f"“{row.preferred}” is already on line {seen[key]} for {scope}")
            else:
                seen[key] = row_line
        errors.extend(RowError(row_line, message) for message in row_errors)
        if row is not None and not row_errors:
            rows.append(row)
    errors.extend(row_conflicts(rows))
    errors.sort(key=lambda error: error.line)
    return rows, errors


def row_conflicts(rows: list[GlossaryRow], others: Iterable[Term] = ()) -> list[RowError]:
    """Where a row and another row (or one of ``others``, e.g. the approved terms)
    would flag each other's preferred wording, by the row's line."""
    problems = conflicts_among([row.term() for row in rows], others)
    return [
        RowError(row.line, problem)
        for row, row_problems in zip(rows, problems, strict=True)
        for problem in row_problems
    ]


def _names() -> str:
    return ", ".join(COLUMNS)


def _row(line: int, values: dict[str, str]) -> tuple[GlossaryRow | None, list[str]]:
    errors = []
    for name, cell in values.items():
        if cell and _CONTROL.search(cell):
            errors.append(f"“{name}” contains a control character")
        elif name in LIST_COLUMNS and ("\n" in cell.strip() or "\r" in cell.strip()):
            lines = [part.strip() for part in cell.strip().splitlines() if part.strip()]
            first, second = (lines + ["", ""])[:2]
            errors.append(
                f"“{name}” has a line break inside the cell (Alt+Enter in a spreadsheet), "
                f"between “{first}” and “{second}”; separate {name} with “{VARIANT_SEPARATOR}”"
            )
    if errors:
        return None, errors

    def value(name: str) -> str:
        return (values.get(name) or "").strip()

    service_line = value("service_line")
    preferred = " ".join(value("preferred").split())
    if not preferred:
        errors.append("“preferred” is empty")
    elif len(preferred) > PREFERRED_MAX_LENGTH:
        errors.append(f"“preferred” is longer than {PREFERRED_MAX_LENGTH} characters")
    variants = _wordings(value("variants"))
    kind = _kind(value("kind"))
    if kind is None:
        errors.append(f"unknown kind “{value('kind')}” (use one of: {', '.join(_kinds())})")
    flags = {}
    for name in ("case_sensitive", "enforce_capitalisation"):
        flags[name] = value(name).lower()
        if flags[name] not in _TRUE | _FALSE:
            errors.append(f"{name} must be true or false, not “{value(name)}”")
    if errors:
        return None, errors
    return (
        GlossaryRow(
            line=line,
            service_line=service_line,
            preferred=preferred,
            variants=tuple(variants),
            kind=kind,
            definition=value("definition"),
            plain_language=value("plain_language"),
            case_sensitive=flags["case_sensitive"] in _TRUE,
            notes=value("notes"),
            match_case=_wordings(value("match_case")),
            exceptions=_wordings(value("exceptions")),
            enforce_capitalisation=flags["enforce_capitalisation"] in _TRUE,
        ),
        [],
    )


def _wordings(cell: str) -> tuple[str, ...]:
    """The ``|``-separated wordings of a cell, whitespace collapsed, blanks and
    duplicates dropped."""
    wordings = []
    for wording in cell.split(VARIANT_SEPARATOR):
        wording = " ".join(wording.split())
        if wording and wording not in wordings:
            wordings.append(wording)
    return tuple(wordings)


def _kinds() -> list[str]:
    return list(GlossaryTerm.Kind.values)


def _kind(text: str) -> str | None:
    wanted = _normalise_kind(text)
    if not wanted:
        return None
    for value, label in GlossaryTerm.Kind.choices:
        if wanted in (_normalise_kind(value), _normalise_kind(str(label))):
            return value
    return None


def _normalise_kind(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


# Writing


def write_glossary(rows: Iterable[GlossaryRow], stream) -> None:
    """Write rows in the import format (``stream`` opened with ``newline=""``)."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for row in rows:
        # Terms are typed by people: no cell may run as a spreadsheet formula.
        writer.writerow([neutralise(cell) for cell in row.cells()])


def glossary_csv(rows: Iterable[GlossaryRow]) -> str:
    stream = io.StringIO(newline="")
    write_glossary(rows, stream)
    return stream.getvalue()
