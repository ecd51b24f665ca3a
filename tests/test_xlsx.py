import io
import os
import weakref
from datetime import date, datetime

import openpyxl
import pytest

from founder_backoffice.tools.xlsx import Column, XlsxReport, amount_format, excel_date_format, sheet_name

COLUMNS = [
    Column("partner", "Partner"),
    Column("due", "Due date", kind="date"),
    Column("amount", "Amount", kind="amount", total=True),
    Column("days", "Days", kind="integer"),
    Column("share", "Share", kind="percent"),
]
ROWS = [
    {"partner": "Acme", "due": date(2026, 10, 1), "amount": 1234.5, "days": 53, "share": 0.25},
    {"partner": "Globex", "due": date(2026, 11, 30), "amount": -34.25, "days": -7, "share": 0.75},
]
HEADER = [("Company", "Founder Ltd"), ("Date", date(2026, 11, 23)), ("Currency", "EUR")]


def load(data, data_only=False):
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def aging_workbook(rows=ROWS, **options):
    report = XlsxReport(**options)
    report.add_sheet("Aging", "Aged receivables", HEADER).add_table(COLUMNS, rows, totals_label="Total")
    return report.close()


def test_header_block_then_typed_cells():
    ws = load(aging_workbook()).active
    assert ws["A1"].value == "Aged receivables"
    assert [(ws.cell(row, 1).value, ws.cell(row, 2).value) for row in (2, 3, 4)] == [
        ("Company", "Founder Ltd"),
        ("Date", datetime(2026, 11, 23)),
        ("Currency", "EUR"),
    ]
    assert [cell.value for cell in ws[6]] == ["Partner", "Due date", "Amount", "Days", "Share"]
    assert [cell.value for cell in ws[7]] == ["Acme", datetime(2026, 10, 1), 1234.5, 53, 0.25]
    assert [cell.value for cell in ws[8]] == ["Globex", datetime(2026, 11, 30), -34.25, -7, 0.75]
    assert [cell.number_format for cell in ws[7]][1:] == ["yyyy-mm-dd", "#,##0.00", "#,##0", "0.0%"]
    assert ws["A7"].data_type == "s"
    assert ws["C7"].data_type == "n"


def test_zero_decimal_currency_with_symbol():
    report = XlsxReport()
    columns = [Column(0, "Partner"), Column(1, "Amount", kind="amount", total=True)]
    report.add_sheet("JPY", "Aging").add_table(columns, [("A", 1500), ("B", 2500)], digits=0, currency_symbol="¥")
    ws = load(report.close(), data_only=True).active
    assert ws["B4"].value == 1500
    assert ws["B4"].number_format == '"¥ "#,##0'
    assert ws["B6"].value == 4000


@pytest.mark.parametrize(
    ("digits", "symbol", "after", "expected"),
    [
        (2, None, False, "#,##0.00"),
        (0, None, False, "#,##0"),
        (3, "$", False, '"$ "#,##0.000'),
        (2, "ر.س", True, '#,##0.00" ر.س"'),
    ],
)
def test_amount_format(digits, symbol, after, expected):
    assert amount_format(digits, symbol, after) == expected


def test_header_row_is_frozen_and_filtered():
    ws = load(aging_workbook()).active
    assert ws.freeze_panes == "A7"
    assert ws.auto_filter.ref == "A6:E8"


def test_totals_are_formulas_with_cached_values():
    rows = [{**ROWS[0], "amount": 0.1}, {**ROWS[1], "amount": 0.2}]
    data = aging_workbook(rows)
    formulas = load(data).active
    assert formulas["A9"].value == "Total"
    assert formulas["C9"].value == "=SUM(C7:C8)"
    assert formulas["C9"].number_format == "#,##0.00"
    assert formulas["D9"].value is None
    assert load(data, data_only=True).active["C9"].value == 0.3


def test_totals_without_rows_are_zero():
    ws = load(aging_workbook([]), data_only=True).active
    assert ws.auto_filter.ref == "A6:E6"
    assert ws["A7"].value == "Total"
    assert ws["C7"].value == 0


@pytest.mark.parametrize("rtl", [True, False])
def test_right_to_left_only_when_asked(rtl):
    ws = load(aging_workbook(rtl=rtl)).active
    assert bool(ws.sheet_view.rightToLeft) is rtl


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "=1+1", "1e5", "0042", "https://example.com", "<r><t>a</t></r>"],
)
def test_user_text_stays_text(text):
    report = XlsxReport()
    columns = [Column("partner", "Partner"), Column("amount", "Amount", kind="amount", total=True)]
    sheet = report.add_sheet("Sheet", text, [("Company", text)])
    sheet.add_table(columns, [{"partner": text, "amount": text}], totals_label=text, title=text)
    ws = load(report.close()).active
    cells = [ws["A1"], ws["B2"], ws["A4"], ws["A6"], ws["B6"], ws["A7"]]
    assert [cell.value for cell in cells] == [text] * 6
    assert ws["A6"].data_type == ws["B6"].data_type == "s"


def test_empty_values_are_blank():
    rows = [{"partner": False, "due": None, "amount": 0.0, "days": 0, "share": False}]
    ws = load(aging_workbook(rows)).active
    assert [cell.value for cell in ws[7]] == [None, None, 0, 0, None]


def test_blank_zero_columns_leave_zeros_blank_and_still_total():
    columns = [Column(0, "Partner"), Column(1, "Not due", "amount", total=True, blank_zero=True)]
    columns.append(Column(2, "Total", "amount", total=True))
    report = XlsxReport()
    report.add_sheet("Aging").add_table(columns, [("A", 0.0, 0.0), ("B", 12.5, 12.5), ("C", 0, -3.0)], totals_label="T")
    ws = load(report.close(), data_only=True).active
    assert [[cell.value for cell in ws[row]] for row in (2, 3, 4, 5)] == [
        ["A", None, 0],
        ["B", 12.5, 12.5],
        ["C", None, -3],
        ["T", 12.5, 9.5],
    ]
    with pytest.raises(ValueError, match="blank zeros"):
        Column("partner", "Partner", blank_zero=True)


def test_rows_stream_from_a_generator():
    class Row(dict):
        pass

    seen = []
    kept = []

    def rows():
        for number in range(20_000):
            if number >= 2:
                kept.append(seen[number - 2]() is not None)
            row = Row(partner=f"Partner {number}", due=date(2026, 1, 1), amount=1.0, days=number, share=0.5)
            seen.append(weakref.ref(row))
            yield row

    generator = rows()
    report = XlsxReport()
    assert report.add_sheet("Detail", "Detail").add_table(COLUMNS, generator) == 20_000
    assert next(generator, None) is None
    assert len(kept) == 19_998
    assert not any(kept), "the writer kept rows it had already written"
    ws = load(report.close(), data_only=True).active
    assert ws.max_row == 20_004
    assert [cell.value for cell in ws[20_003]][::3] == ["Partner 19999", 19999]
    assert ws["C20004"].value == 20_000


def test_long_partner_name_widens_its_column():
    short = load(aging_workbook()).active.column_dimensions["A"].width
    rows = [*ROWS, {**ROWS[0], "partner": "A partner with a rather long registered company name"}]
    long = load(aging_workbook(rows)).active.column_dimensions["A"].width
    assert long > short + 20
    huge = load(aging_workbook([{**ROWS[0], "partner": "x" * 500}])).active.column_dimensions["A"].width
    assert huge < 70


def test_amount_width_follows_the_largest_value_and_fixed_widths_stay():
    columns = [Column(0, "Amt", kind="amount", total=True), Column(1, "Note", width=40)]
    narrow, wide = XlsxReport(), XlsxReport()
    narrow.add_sheet("S").add_table(columns, [(1.0, "a")])
    wide.add_sheet("S").add_table(columns, [(123_456_789.0, "a"), (1.0, "b")])
    narrow_ws, wide_ws = load(narrow.close()).active, load(wide.close()).active
    assert wide_ws.column_dimensions["A"].width > narrow_ws.column_dimensions["A"].width
    assert wide_ws.column_dimensions["B"].width == pytest.approx(40, abs=1)


def test_summary_and_detail_sheets_written_to_a_path(tmp_path):
    path = tmp_path / "aging.xlsx"
    report = XlsxReport(path=str(path))
    summary = [Column(0, "Partner"), Column(1, "Total", kind="amount", total=True)]
    report.add_sheet("Summary", "Aging summary", HEADER).add_table(summary, [("Acme", 1234.5), ("Globex", -34.25)])
    assert report.add_sheet("Detail", "Aging detail", HEADER).add_table(COLUMNS, iter(ROWS)) == 2
    assert report.close() is None
    workbook = openpyxl.load_workbook(path, data_only=True)
    assert workbook.sheetnames == ["Summary", "Detail"]
    assert workbook["Summary"]["B9"].value == 1200.25
    assert workbook["Detail"]["A8"].value == "Globex"
    assert workbook["Detail"].freeze_panes == "A7"


def test_several_tables_on_one_sheet():
    report = XlsxReport()
    sheet = report.add_sheet("Statements", "Customer statements")
    columns = [Column(0, "Invoice"), Column(1, "Amount", kind="amount", total=True)]
    assert sheet.add_table(columns, [("INV/1", 10.0), ("INV/2", 5.0)], title="Acme") == 2
    assert sheet.add_table(columns, [("INV/3", 7.0)], title="Globex") == 1
    ws = load(report.close(), data_only=True).active
    assert [ws.cell(row, 1).value for row in range(1, 13)] == [
        "Customer statements",
        None,
        "Acme",
        "Invoice",
        "INV/1",
        "INV/2",
        None,
        None,
        "Globex",
        "Invoice",
        "INV/3",
        None,
    ]
    assert ws["B7"].value == 15.0
    assert ws["B12"].value == 7.0
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:B6"


def test_sheet_names_follow_excel_rules():
    assert sheet_name("P&L [2026] 1/2: a*b?c\\d") == "P&L _2026_ 1_2_ a_b_c_d"
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("Detail", ["detail"]) == "Detail (2)"
    assert sheet_name("y" * 40, ["y" * 31]) == "y" * 27 + " (2)"
    assert sheet_name("") == "Sheet"
    report = XlsxReport()
    report.add_sheet("Aging")
    report.add_sheet("AGING")
    report.add_sheet("Aging")
    assert load(report.close()).sheetnames == ["Aging", "AGING (2)", "Aging (3)"]


@pytest.mark.parametrize("options", [{"kind": "money"}, {"kind": "text", "total": True}])
def test_column_rejects_bad_definitions(options):
    with pytest.raises(ValueError):
        Column("x", "X", **options)


def test_temporary_files_are_removed():
    report = XlsxReport()
    report.add_sheet("Detail").add_table(COLUMNS, ROWS)
    tmpdir = report._tmpdir.name
    report.close()
    assert not os.path.exists(tmpdir)

    with pytest.raises(RuntimeError), XlsxReport() as report:
        tmpdir = report._tmpdir.name

        def failing():
            yield ROWS[0]
            raise RuntimeError("database gone")

        report.add_sheet("Detail").add_table(COLUMNS, failing())
    assert not os.path.exists(tmpdir)


@pytest.mark.parametrize(
    ("strftime_format", "excel"),
    [
        ("%d/%m/%Y", "dd/mm/yyyy"),  # Italian and Arabic
        ("%m/%d/%Y", "mm/dd/yyyy"),  # English (US)
        ("%d.%m.%Y", "dd.mm.yyyy"),
        ("%d de %B", "dd \\d\\e mmmm"),  # literal letters escaped
        ("%Y/%j", "yyyy-mm-dd"),  # day of the year: no Excel code, ISO
        ("", "yyyy-mm-dd"),
    ],
)
def test_a_language_date_format_becomes_the_workbook_date_format(strftime_format, excel):
    assert excel_date_format(strftime_format) == excel
