"""The bill reader on words with their boxes, as a PDF's text layer or OCR gives them: lines, cells, a label paired
with the value to its right (to its left in Arabic) or below it, summaries by rate, withholding and split payment,
ZATCA wording, Hijri dates. The boxes are written by hand (points, y downwards): no OCR."""

from datetime import date

from founder_backoffice_bill_capture.engine import bill_layout as layout
from founder_backoffice_bill_capture.engine import bill_reader as reader

CHAR = 5.0  # a character's width in these tests' boxes
HEIGHT = 10.0


def indic(text):
    """``text`` in Arabic-Indic digits and separators, as Saudi bills print amounts and dates."""
    return text.translate(
        str.maketrans("0123456789.,%", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u066b\u066c\u066a")
    )


def word(text, x, y, width=None, page=0):
    """A word whose box starts at ``x`` on the line at ``y``; ``x`` is its right edge when ``width`` is negative
    (an Arabic word placed from the right)."""
    width = len(text) * CHAR if width is None else width
    x0, x1 = (x + width, x) if width < 0 else (x, x + width)
    return layout.Word(text, x0, y, x1, y + HEIGHT, page)


def phrase(text, x, y):
    """The words of ``text`` left to right from ``x``, a space (one character) apart."""
    words = []
    for token in text.split():
        words.append(word(token, x, y))
        x += (len(token) + 1) * CHAR
    return words


def arabic(text, right, y):
    """The words of an Arabic ``text`` (in reading order) placed from ``right`` leftwards, as it is printed."""
    words = []
    for token in text.split():
        words.append(word(token, right, y, -len(token) * CHAR))
        right -= (len(token) + 1) * CHAR
    return words


def read(*groups, **options):
    return reader.read_bill([each for group in groups for each in group], **options)


# ---------------------------------------------------------------------- lines and cells


def test_a_tilted_line_with_uneven_boxes_and_noise_stays_one_line():
    """A scan turned by 2 degrees: the line's right end is 14 points lower than its left end, more than a line's
    height; OCR boxes of a short and a tall word differ in height."""
    first = [
        layout.Word(f"w{i}", 40 + 50 * i, 100 + 1.75 * i, 80 + 50 * i, 108 + 1.75 * i + i % 2 * 3) for i in range(9)
    ]
    second = [layout.Word(f"v{i}", 40 + 50 * i, 113 + 1.75 * i, 80 + 50 * i, 121 + 1.75 * i) for i in range(9)]
    rows = layout.lines(second[::-1] + first)
    assert [[each.text for each in row] for row in rows] == [[f"w{i}" for i in range(9)], [f"v{i}" for i in range(9)]]
    # a scan's stray mark that OCR reads as "]", as tall as two lines, level with both, between their words
    first = [word("Contributo", 40, 100), word("4%", 100, 100), word("6.93", 500, 100)]
    second = [word("Imponibile", 40, 114), word("IVA", 150, 113), word("180,14", 500, 114)]
    rows = layout.lines([*first, layout.Word("]", 300, 95, 305, 125), *second])
    texts = [" ".join(each.text for each in row if each.text != "]") for row in rows]
    assert texts == ["Contributo 4% 6.93", "Imponibile IVA 180,14"]


def test_cells_are_cut_at_wide_gaps():
    row = phrase("Invoice No: 318", 40, 100) + phrase("Date: 14/03/2026", 300, 100)
    assert layout.cells(row) == [(0, 2), (3, 4)]


def test_an_arabic_line_reads_right_to_left():
    row = [*arabic("رقم الفاتورة:", 540, 100), word("INV-77", 400, 100)]
    assert layout.text_of(row).split() == ["رقم", "الفاتورة:", "INV-77"]
    assert layout.text_of(layout.words_from_text("الإجمالي: 1,150.00 ر.س")) == "الإجمالي: 1,150.00 ر.س"


# ---------------------------------------------------------------------- labels and values


def test_labels_above_their_values_in_a_header_grid():
    reading = read(
        phrase("Numero documento", 40, 100),
        phrase("Data documento", 200, 100),
        phrase("Totale documento", 360, 100),
        [word("FT/2026/88", 40, 114), word("12/03/2026", 200, 114), word("1.220,00", 380, 114)],
        phrase("Imponibile", 40, 140),
        [word("1.000,00", 380, 140)],
    )
    assert reading.values["ref"] == "FT/2026/88"
    assert reading.values["invoice_date"] == date(2026, 3, 12)
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (1000.0, 220.0, 1220.0)


def test_several_labels_on_one_line_each_take_their_cell():
    reading = read(
        phrase("Customer: Founder Co", 40, 80),
        phrase("VAT IT01234567890", 300, 80),
        phrase("Subtotal 100.00", 40, 100),
        phrase("VAT 20.00", 200, 100),
        phrase("Total 120.00", 360, 100),
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (100.0, 20.0, 120.0)
    assert reading.flags == []


def test_a_heading_grid_of_dates_and_amounts_not_the_30_of_30_days():
    reading = read(
        phrase("Invoice date: 01/03/2026", 40, 60),
        phrase("Payment terms", 40, 100),
        phrase("Due date", 200, 100),
        phrase("Amount due", 360, 100),
        phrase("30 days", 40, 114),
        [word("15/04/2026", 200, 114), word("1,234.00", 370, 114)],
    )
    assert reading.values["due_date"] == date(2026, 4, 15)
    assert reading.values["total"] == 1234.0


def test_table_headings_the_lines_total_column_and_a_totals_grid():
    reading = read(
        phrase("Description", 40, 100),
        phrase("Qty", 200, 100),
        phrase("Price", 260, 100),
        phrase("Total", 360, 100),
        phrase("Widget", 40, 114),
        [word("2", 200, 114), word("10.00", 260, 114), word("20.00", 360, 114)],
        phrase("Gadget", 40, 128),
        [word("1", 200, 128), word("80.00", 260, 128), word("80.00", 360, 128)],
        phrase("Net amount", 160, 150),
        phrase("VAT 20%", 260, 150),
        phrase("Total due", 360, 150),
        [word("100.00", 160, 164), word("20.00", 260, 164), word("120.00", 360, 164)],
    )
    assert [line.amount for line in reading.lines] == [20.0, 80.0]
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (100.0, 20.0, 120.0)


def test_right_aligned_amounts_under_left_aligned_headings():
    """A summary's amounts end at their column's right edge, past the end of their heading."""
    reading = read(
        phrase("Rate", 40, 100),
        phrase("Taxable amount", 150, 100),
        phrase("VAT amount", 300, 100),
        phrase("Invoice total", 420, 100),
        [word("20%", 40, 114), word("1,200.00", 225, 114), word("240.00", 380, 114), word("1,440.00", 500, 114)],
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (1200.0, 240.0, 1440.0)


def test_american_dates_are_read_month_first_when_one_of_them_says_so():
    reading = read(phrase("Invoice Date 03/22/2026", 40, 100), phrase("Due Date 04/06/2026", 40, 114))
    assert (reading.values["invoice_date"], reading.values["due_date"]) == (date(2026, 3, 22), date(2026, 4, 6))


def test_a_date_wrapped_in_its_cell():
    reading = read(
        phrase("Invoice date", 300, 100),
        phrase("18 March", 400, 100),
        phrase("Via Roma 1", 40, 114),
        phrase("2026", 400, 118),
        phrase("Due date 17 April 2026", 300, 132),
    )
    assert reading.values["invoice_date"] == date(2026, 3, 18)


def test_table_rows_by_their_numbers_whatever_the_other_columns():
    """The quantity before the description; a VAT rate column printed without its "%" between price and amount."""
    reading = read(
        [word("12", 40, 100), *phrase("Cable ties (pack)", 80, 100), word("3.50", 300, 100), word("42.00", 400, 100)],
        [*phrase("Carta intestata", 40, 114), word("10,00", 200, 114), word("275,51", 260, 114)],
        [word("PZ", 320, 114), word("22,00", 350, 114), word("2.755,10", 400, 114)],
    )
    assert [(line.description, line.quantity, line.price_unit, line.amount) for line in reading.lines] == [
        ("Cable ties (pack)", 12.0, 3.5, 42.0),
        ("Carta intestata", 10.0, 275.51, 2755.1),
    ]


# ---------------------------------------------------------------------- VAT: rates, withholding, split payment


def test_a_summary_by_rate_is_summed_not_taken_for_the_total():
    reading = read(
        phrase("Aliquota", 40, 100),
        phrase("Imponibile", 150, 100),
        phrase("Imposta", 260, 100),
        phrase("Totale", 360, 100),
        [word("22%", 40, 114), word("395,00", 150, 114), word("86,90", 260, 114), word("481,90", 360, 114)],
        [word("10%", 40, 128), word("100,00", 150, 128), word("10,00", 260, 128), word("110,00", 360, 128)],
        phrase("Totale documento", 40, 160),
        [word("591,90", 360, 160)],
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (495.0, 96.9, 591.9)
    assert "tax_rate" not in reading.values and reading.flags == []


def test_per_rate_rows_written_across_a_line():
    reading = read(
        phrase("Imponibile 22%", 40, 100),
        [word("395,00", 150, 100)],
        phrase("IVA 22%", 220, 100),
        [word("86,90", 330, 100)],
        phrase("Imponibile 10%", 40, 114),
        [word("100,00", 150, 114)],
        phrase("IVA 10%", 220, 114),
        [word("10,00", 330, 114)],
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (495.0, 96.9, 591.9)


def test_withholding_keeps_the_document_total_apart_from_the_amount_to_pay():
    reading = read(
        phrase("Imponibile", 40, 100),
        [word("1.000,00", 360, 100)],
        phrase("IVA 22%", 40, 114),
        [word("220,00", 360, 114)],
        phrase("Ritenuta d'acconto 20%", 40, 128),
        [word("-200,00", 360, 128)],
        phrase("Totale da pagare", 40, 142),
        [word("1.020,00", 360, 142)],
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (1000.0, 220.0, 1220.0)
    assert (reading.values["to_pay"], reading.values["withholding"]) == (1020.0, 200.0)
    assert reading.flags == []


def test_split_payment_keeps_the_document_total():
    reading = read(
        phrase("Imponibile", 40, 100),
        [word("1.000,00", 360, 100)],
        phrase("IVA 22% (scissione dei pagamenti)", 40, 114),
        [word("220,00", 360, 114)],
        phrase("Totale da pagare", 40, 128),
        [word("1.000,00", 360, 128)],
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (1000.0, 220.0, 1220.0)
    assert reading.values["to_pay"] == 1000.0 and reading.values["split_payment"]


def test_reverse_charge_is_no_vat():
    reading = read(
        phrase("Subtotal", 40, 100),
        [word("500.00", 360, 100)],
        phrase("VAT: reverse charge", 40, 114),
        phrase("Total", 40, 128),
        [word("500.00", 360, 128)],
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (500.0, 0.0, 500.0)


def test_a_discount_after_the_subtotal():
    reading = read(
        phrase("Subtotal", 40, 100),
        [word("500.00", 360, 100)],
        phrase("Discount 10%", 40, 114),
        [word("-50.00", 360, 114)],
        phrase("VAT", 40, 128),
        [word("90.00", 360, 128)],
        phrase("Total", 40, 142),
        [word("540.00", 360, 142)],
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (450.0, 90.0, 540.0)


# ---------------------------------------------------------------------- Saudi bills


def test_zatca_wording_in_english_and_arabic_on_one_line():
    """The taxable total's label holds the words for "VAT": the longest label, and "excluding", make it untaxed."""
    reading = read(
        phrase("Total Taxable Amount (Excluding VAT)", 40, 100),
        [word("1,000.00", 250, 100)],
        arabic("الإجمالي الخاضع للضريبة غير شامل ضريبة القيمة المضافة", 560, 100),
        phrase("Total VAT", 40, 114),
        [word("150.00", 250, 114)],
        arabic("مجموع ضريبة القيمة المضافة", 560, 114),
        phrase("Total Amount Due", 40, 128),
        [word("1,150.00", 250, 128)],
        arabic("إجمالي المبلغ المستحق", 560, 128),
    )
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (1000.0, 150.0, 1150.0)
    assert reading.flags == []


def test_a_saudi_bills_misread_vat_is_mended_by_the_standard_rate():
    """The rate was not read; SAR bills charge 15 %: the subtotal and total agree with it, the VAT was misread."""
    reading = read(
        phrase("Subtotal 1,000.00 SAR", 40, 100),
        phrase("VAT 105.00 SAR", 40, 114),
        phrase("Total 1,150.00 SAR", 40, 128),
    )
    assert (reading.values["tax"], reading.values["tax_rate"], reading.to_check) == (150.0, 15.0, ["tax"])


def test_arabic_labels_take_the_value_to_their_left():
    """Each Arabic label's value is the cell on its left, not the next cell's value further left."""
    reading = read(
        arabic("رقم الفاتورة:", 560, 100),
        [word("INV-77", 420, 100)],
        arabic("تاريخ الاستحقاق:", 300, 100),
        [word(indic("05/04/2026"), 120, 100)],
        arabic("تاريخ الفاتورة:", 560, 114),
        [word(indic("05/03/2026"), 420, 114)],
        arabic("المجموع قبل الضريبة:", 560, 140),
        [word(indic("1,000.00"), 420, 140), word("ر.س", 380, 140)],
        arabic(f"ضريبة القيمة المضافة {indic('15%')}:", 560, 154),
        [word(indic("150.00"), 420, 154)],
        arabic("الإجمالي:", 560, 168),
        [word(indic("1,150.00"), 420, 168)],
    )
    assert reading.values["ref"] == "INV-77"
    assert (reading.values["invoice_date"], reading.values["due_date"]) == (date(2026, 3, 5), date(2026, 4, 5))
    assert (reading.values["untaxed"], reading.values["tax"], reading.values["total"]) == (1000.0, 150.0, 1150.0)
    assert reading.values["currency"] == "SAR"


def test_a_hijri_date_is_converted_and_a_printed_gregorian_one_wins():
    hijri = read(arabic("تاريخ الفاتورة:", 560, 100), [word("1447/08/15", 400, 100), word("هـ", 385, 100)])
    assert hijri.values["invoice_date"] == date(2026, 2, 3)
    both = read(
        arabic("تاريخ الفاتورة:", 560, 100),
        [word("1447/08/15", 400, 100)],
        phrase("Invoice date: 2026-02-04", 40, 114),
    )
    assert both.values["invoice_date"] == date(2026, 2, 4)
    assert reader.parse_date("15 شعبان 1447") == date(2026, 2, 3)
    assert reader.hijri_to_gregorian(1440, 1, 1) == date(2018, 9, 11)
    assert reader.hijri_to_gregorian(1446, 12, 29) == date(2025, 6, 25)
    assert reader.hijri_to_gregorian(1439, 12, 1) is None  # outside the table: unread, not guessed


# ---------------------------------------------------------------------- bounds


def test_the_words_read_are_bounded():
    words = [word("9", 40 + index % 50 * 10, index // 50 * 12) for index in range(reader.MAX_WORDS * 3)]
    rows = reader._normalized_words(words, ocr=False)
    assert sum(map(len, rows)) <= reader.MAX_WORDS
    reader.read_bill(words)  # returns: every step is linear or n log n
