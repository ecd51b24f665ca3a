"""The one XLSX writer behind every report export (aging, statements, P&L, cash flow, KPI history).

Each sheet gets a header block (title, then label/value pairs given by the caller) and one or more tables:
a header row, typed data columns, and a totals row of ``SUM()`` formulas that carry their computed value,
so readers that do not recalculate still see the totals. The first table of a sheet has the frozen pane
and the autofilter (Excel allows one of each per sheet).

Rows are streamed in xlsxwriter's ``constant_memory`` mode: they are consumed one at a time from any
iterable and never kept, so a 100,000-line report uses little memory. In that mode a row can no longer be
changed once a later row is written, but column widths, panes and the autofilter are only rendered when
the workbook is closed, so they are set after a table is streamed, widths fitted to every value written.

All user data is written as typed cells: text never becomes a formula, number or link, whatever it
starts with. The module has no text of its own; titles, labels and the totals label come from the caller.
"""

import io
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

KINDS = ("text", "date", "amount", "integer", "percent")
NUMERIC_KINDS = ("amount", "integer", "percent")

MIN_WIDTH = 6
MAX_WIDTH = 60
FILTER_BUTTON_WIDTH = 3
PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"

MAX_ROWS = 1_048_576
MAX_STRING = 32_767
SHEET_NAME_LENGTH = 31
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """One table column: ``key`` indexes a row (mapping key or sequence index), ``label`` is its header.

    ``kind`` is one of ``KINDS``; ``width`` fixes the width instead of fitting it; ``total`` adds the
    column's sum to the totals row (numeric kinds only); ``blank_zero`` leaves a zero blank (an aging bucket
    where a line owes nothing: the reader sees where each amount falls, and half the cells are not written).
    """

    key: object
    label: str
    kind: str = "text"
    width: float | None = None
    total: bool = False
    blank_zero: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if (self.total or self.blank_zero) and self.kind not in NUMERIC_KINDS:
            raise ValueError(f"column {self.label!r}: only numeric columns have totals or blank zeros")


def amount_format(digits: int = 2, currency_symbol: str | None = None, symbol_after: bool = False) -> str:
    """Excel number format for amounts: ``#,##0.00``, ``#,##0`` for 0 digits, optionally with the symbol."""
    number = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    if not currency_symbol:
        return number
    symbol = currency_symbol.replace('"', "")
    return f'{number}" {symbol}"' if symbol_after else f'"{symbol} "{number}'


def sheet_name(name: str, taken=()) -> str:
    """``name`` made a valid Excel sheet name (31 characters, none of ``[]:*?/\\``), unique among ``taken``."""
    name = INVALID_SHEET_CHARS.sub("_", name or "").strip("'") or "Sheet"
    name = name[:SHEET_NAME_LENGTH]
    taken = {existing.lower() for existing in taken}
    number = 1
    candidate = name
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix
    return candidate


# strftime directives of a language's date format and their Excel number-format codes
EXCEL_DATE_CODES = {"%d": "dd", "%e": "d", "%m": "mm", "%y": "yy", "%Y": "yyyy", "%b": "mmm", "%B": "mmmm"}
ISO_DATE_FORMAT = "yyyy-mm-dd"


def excel_date_format(strftime_format: str) -> str:
    """A language's date format (``%d/%m/%Y``) as an Excel number format (``dd/mm/yyyy``), so that a workbook
    shows dates as its reader writes them; ISO when the format has a directive Excel has no code for."""
    parts = re.split(r"(%.)", strftime_format or "")
    if not any(part in EXCEL_DATE_CODES for part in parts):
        return ISO_DATE_FORMAT
    codes = []
    for part in parts:
        if part.startswith("%"):
            if part not in EXCEL_DATE_CODES:
                return ISO_DATE_FORMAT
            codes.append(EXCEL_DATE_CODES[part])
        else:
            codes.append("".join(char if char in "/-., " else f"\\{char}" for char in part))
    return "".join(codes)


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class XlsxReport:
    """A workbook written as it goes: ``add_sheet`` then ``Sheet.add_table``, then ``close``.

    ``path=None`` builds the file in memory and ``close`` returns its bytes; with a path the file is
    written there. ``rtl`` shows every sheet right to left (Arabic). Use it as a context manager, or call
    ``close``, so its temporary files are removed even when a report fails half-way.
    """

    def __init__(self, rtl: bool = False, path: str | None = None, date_format: str = ISO_DATE_FORMAT):
        self.rtl = rtl
        self.path = path
        self.date_format = date_format
        self._tmpdir = tempfile.TemporaryDirectory(prefix="founder_xlsx_")
        self._output = path if path is not None else io.BytesIO()
        self.workbook = xlsxwriter.Workbook(
            self._output,
            {
                "constant_memory": True,
                "remove_timezone": True,
                "tmpdir": self._tmpdir.name,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._formats = {}
        self._names = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._tmpdir.cleanup()

    def add_sheet(self, name: str, title: str | None = None, header=()) -> "Sheet":
        """New sheet named after ``name`` (sanitised), starting with ``title`` and ``(label, value)`` pairs."""
        name = sheet_name(name, self._names)
        self._names.append(name)
        worksheet = self.workbook.add_worksheet(name)
        if self.rtl:
            worksheet.right_to_left()
        sheet = Sheet(self, worksheet)
        sheet._write_header(title, header)
        return sheet

    def close(self) -> bytes | None:
        """Finish the workbook: its bytes when built in memory, ``None`` when written to ``path``."""
        try:
            self.workbook.close()
        finally:
            self._tmpdir.cleanup()
        return None if self.path is not None else self._output.getvalue()

    def cell_format(self, **properties):
        """Shared cell format with these xlsxwriter properties (one per distinct set)."""
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]


class Sheet:
    """One worksheet of an ``XlsxReport``; its tables go one under the other, a blank row apart."""

    def __init__(self, report: XlsxReport, worksheet):
        self.report = report
        self.worksheet = worksheet
        self.row = 0
        self.tables = 0
        self._widths = {}
        self._fixed_widths = {}

    def _write_header(self, title, header):
        """Title row, then one row per ``(label, value)`` pair, then a blank row."""
        header = list(header)
        if title:
            self._text(self.row, 0, title, self.report.cell_format(bold=True, font_size=14))
            self.row += 1
        label_format = self.report.cell_format(bold=True)
        for label, value in header:
            self._text(self.row, 0, str(label), label_format)
            self._fit(0, len(str(label)))
            self._value(self.row, 1, value)
            self.row += 1
        if title or header:
            self.row += 1

    def add_table(  # noqa: C901 one format per column kind, chosen as the rows stream
        self,
        columns,
        rows,
        digits: int = 2,
        currency_symbol: str | None = None,
        symbol_after: bool = False,
        totals_label: str | None = None,
        title: str | None = None,
    ) -> int:
        """Stream ``rows`` (any iterable, consumed once) under a header row; return the number of rows written.

        Amounts use ``digits`` decimals and the optional currency symbol; percents are fractions (0.25 is
        25%). A totals row follows when a column has ``total``, labelled ``totals_label`` in the first
        column unless that column has a total itself. ``title`` is a bold line above the header row.
        """
        columns = list(columns)
        formats = [self._column_format(column, digits, currency_symbol, symbol_after) for column in columns]
        if self.tables:
            self.row += 1
        if title:
            self._text(self.row, 0, title, self.report.cell_format(bold=True))
            self.row += 1
        header_row = self.row
        header_format = self.report.cell_format(bold=True, bottom=1)
        for index, column in enumerate(columns):
            self._text(header_row, index, column.label, header_format)
            self._fit(index, len(column.label) + FILTER_BUTTON_WIDTH)

        lowest = [None] * len(columns)
        highest = [None] * len(columns)
        sums = [0] * len(columns)
        longest = [0] * len(columns)
        row = header_row
        for values in rows:
            row += 1
            if row >= MAX_ROWS - 1:
                raise ValueError("too many rows for one Excel sheet")
            for index, column in enumerate(columns):
                value = values[column.key]
                if value is None or value is False or value == "" or (column.blank_zero and value == 0):
                    continue
                if column.kind == "date" and isinstance(value, date):
                    self.worksheet.write_datetime(row, index, value, formats[index])
                elif column.kind in NUMERIC_KINDS and _is_number(value):
                    number = float(value) if isinstance(value, Decimal) else value
                    self.worksheet.write_number(row, index, number, formats[index])
                    sums[index] += number
                    lowest[index] = number if lowest[index] is None else min(lowest[index], number)
                    highest[index] = number if highest[index] is None else max(highest[index], number)
                else:
                    text = str(value)
                    self._text(row, index, text)
                    longest[index] = max(longest[index], len(text))
        count = row - header_row

        if not self.tables:
            self.worksheet.freeze_panes(header_row + 1, 0)
            self.worksheet.autofilter(header_row, 0, row, len(columns) - 1)
        if any(column.total for column in columns):
            row += 1
            self._totals(row, header_row, count, columns, sums, formats, digits, totals_label)
        self.row = row + 1
        self.tables += 1

        for index, column in enumerate(columns):
            if column.width is not None:
                self._fixed_widths[index] = column.width
            elif column.kind == "date":
                self._fit(index, max(10, len(self.report.date_format)))
            elif column.kind in NUMERIC_KINDS:
                extremes = [lowest[index], highest[index], sums[index] if column.total else None]
                shown = [self._shown(column, value, digits, currency_symbol) for value in extremes if value is not None]
                self._fit(index, max(shown, default=0))
            self._fit(index, longest[index])
        self._set_widths()
        return count

    def _totals(self, row, header_row, count, columns, sums, formats, digits, totals_label):
        """Totals row: ``SUM()`` over each total column's data, with the computed value cached."""
        total_format = self.report.cell_format(bold=True, top=1)
        if totals_label and not columns[0].total:
            self._text(row, 0, totals_label, total_format)
            self._fit(0, len(totals_label))
        for index, column in enumerate(columns):
            if not column.total:
                continue
            cell_format = self.report.cell_format(bold=True, top=1, num_format=formats[index].num_format)
            total = round(sums[index], digits) if column.kind == "amount" else sums[index]
            if count:
                first = xl_rowcol_to_cell(header_row + 1, index)
                last = xl_rowcol_to_cell(header_row + count, index)
                self.worksheet.write_formula(row, index, f"=SUM({first}:{last})", cell_format, total)
            else:
                self.worksheet.write_number(row, index, total, cell_format)

    def _column_format(self, column, digits, currency_symbol, symbol_after):
        if column.kind == "date":
            return self.report.cell_format(num_format=self.report.date_format)
        if column.kind == "amount":
            return self.report.cell_format(num_format=amount_format(digits, currency_symbol, symbol_after))
        if column.kind == "integer":
            return self.report.cell_format(num_format=INTEGER_FORMAT)
        if column.kind == "percent":
            return self.report.cell_format(num_format=PERCENT_FORMAT)
        return None

    @staticmethod
    def _shown(column, value, digits, currency_symbol) -> int:
        """Characters the number takes once formatted as the column shows it."""
        if column.kind == "percent":
            return len(f"{value * 100:.1f}%")
        if column.kind == "integer":
            return len(f"{value:,.0f}")
        return len(f"{value:,.{digits}f}") + (len(currency_symbol) + 1 if currency_symbol else 0)

    def _value(self, row, col, value):
        """A header-block value: a date, a number or text (text as text, whatever it looks like)."""
        if value is None or value is False:
            return
        if isinstance(value, date):
            date_format = self.report.cell_format(num_format=self.report.date_format, align="left")
            self.worksheet.write_datetime(row, col, value, date_format)
        elif _is_number(value):
            self.worksheet.write_number(row, col, float(value), self.report.cell_format(align="left"))
        else:
            self._text(row, col, str(value))

    def _text(self, row, col, text, cell_format=None):
        """Write ``text`` as a string cell.

        xlsxwriter 3.0.2 copies a string that starts with ``<r>`` and ends with ``</r>`` into the sheet XML
        unescaped, as if it were rich-text markup; splitting it into plain rich-text runs gets it escaped.
        """
        text = text[:MAX_STRING]
        if text.startswith("<r>") and text.endswith("</r>"):
            runs = [text[:1], text[1:3], text[3:]]
            self.worksheet.write_rich_string(row, col, *runs, *([cell_format] if cell_format else []))
        else:
            self.worksheet.write_string(row, col, text, cell_format)

    def _fit(self, col, chars):
        self._widths[col] = max(self._widths.get(col, 0), chars)

    def _set_widths(self):
        for col, chars in self._widths.items():
            width = self._fixed_widths.get(col, min(MAX_WIDTH, max(MIN_WIDTH, chars + 2)))
            self.worksheet.set_column(col, col, width)


__all__ = ["KINDS", "Column", "Sheet", "XlsxReport", "amount_format", "sheet_name"]
