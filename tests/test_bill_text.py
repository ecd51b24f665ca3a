"""A bill file's words with their boxes in points: a PDF's text layer (``pdftotext -bbox-layout``), Arabic glyphs
joined into words in reading order, Tesseract's TSV of a scan at the page's resolution, recognised in bands cut at
blank rows by processes that all end at the file's deadline."""

import importlib.util
import io
import shutil
import subprocess
import time
from pathlib import Path
from unittest.mock import patch

import pytest
from PIL import Image, ImageDraw

from founder_backoffice_bill_capture.engine.bill_layout import Word
from founder_backoffice_bill_capture.tools import bill_text

SAMPLES_PATH = Path(bill_text.__file__).parent.parent / "tests" / "bill_samples.py"
_spec = importlib.util.spec_from_file_location("bill_samples", SAMPLES_PATH)
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler")
needs_tesseract = pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract")
needs_wkhtmltopdf = pytest.mark.skipif(not shutil.which("wkhtmltopdf"), reason="wkhtmltopdf")


def _by_text(words):
    return {word.text: word for word in words}


@needs_poppler
def test_a_text_pdfs_words_have_their_boxes_in_points_from_the_top_left_and_their_page():
    """Helvetica at 12 points, its baseline 100 points above the bottom of an A4 page (842 high); a second page."""
    text = b"BT /F1 12 Tf 72 742 Td (Invoice number INV-42 of 03/02/2026 for Founder Co S.r.l.) Tj ET"
    pdf = samples.pdf_of_pages([(595, 842, text), (595, 842, b"BT /F1 12 Tf 300 100 Td (Total due 122.00) Tj ET")])
    words, ocr, codes = bill_text.bill_text(pdf)
    assert not ocr and not codes
    assert all(isinstance(word, Word) for word in words)
    first, total = _by_text(words)["Invoice"], _by_text(words)["Total"]
    assert (first.page, total.page) == (0, 1)
    assert first.x0 == pytest.approx(72, abs=1) and first.y0 < 100 < first.y1 == pytest.approx(100 + 3, abs=2)
    assert total.x0 == pytest.approx(300, abs=1) and total.y1 == pytest.approx(842 - 100 + 3, abs=2)
    assert first.x1 - first.x0 == pytest.approx(41, abs=3)  # "Invoice" in 12-point Helvetica


@needs_poppler
def test_a_text_layer_past_the_bound_is_cut_not_refused():
    """Five pages of a 50,000-letter word: the words kept make at most the reader's ``MAX_TEXT_CHARS``."""
    words, ocr, _codes = bill_text.bill_text(samples.long_word_pdf())
    assert not ocr and words
    assert sum(len(word.text) for word in words) + len(words) - 1 <= bill_text.MAX_TEXT_CHARS  # a space apart


def test_arabic_glyphs_printed_one_at_a_time_are_joined_into_words_in_reading_order():
    """pdftotext gives a wkhtmltopdf PDF's Arabic a glyph at a time, left to right, in presentation forms: here
    "الرقم الضريبي:" then a number, as printed (the number at the left)."""
    glyphs = ["310123456789003", ":", "\ufef2", "\ufe92", "\ufef3", "\ufeae", "\ufec0", "\ufedf", "\ufe8d"]
    glyphs += ["\ufee2", "\ufed7", "\ufeae", "\ufedf", "\ufe8d"]
    widths = [86, 3, 7, 3, 2, 5, 8, 3, 2, 6, 4, 5, 3, 2]
    line, x = [], 396.0
    for index, (glyph, width) in enumerate(zip(glyphs, widths, strict=True)):
        x += 2.9 if index in (1, 9) else 0.02  # a space before the colon and between the two words
        line.append(Word(glyph, x, 55, x + width, 66))
        x += width
    words = bill_text._joined(list(reversed(line)))
    assert [word.text for word in words] == ["310123456789003", "الضريبي:", "الرقم"]
    assert [(word.x0, word.x1) for word in words] == [
        (line[0].x0, line[0].x1),
        (line[1].x0, line[8].x1),
        (line[9].x0, line[13].x1),
    ]


def test_tesseract_tsv_words_are_placed_on_their_page_in_points():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "4\t1\t1\t1\t1\t0\t10\t20\t300\t40\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t20\t100\t40\t95.1\tTotale\n"
        "5\t1\t1\t1\t1\t2\t150\t20\t60\t40\t91.0\t \n"
        "5\t1\t1\t1\t1\t3\t250\t22\t60\t38\t90.2\t\u0627\u0644\u0625\u062c\u0645\u0627\u0644\u064a:\u200f\n"
    )
    words = bill_text._tsv_words(tsv, 100, 1000, 72 / 200, 2)
    assert [word.text for word in words] == ["Totale", "الإجمالي:"], "no empty word, no direction mark"
    assert [(word.x0, word.y0, word.x1, word.y1, word.page) for word in words] == [
        pytest.approx((39.6, 367.2, 75.6, 381.6, 2)),
        pytest.approx((126.0, 367.92, 147.6, 381.6, 2)),
    ]


def _page_of_blocks(blocks, size=(1600, 2200)):
    """A white page with black bars (lines of text) from ``(top, bottom)`` rows."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    for top, bottom in blocks:
        draw.rectangle((200, top, 1400, bottom), fill=0)
    return page


def test_a_page_is_recognised_in_bands_cut_at_blank_rows_one_per_core_within_its_ink():
    lines = [(300 + 60 * row, 330 + 60 * row) for row in range(25)]  # 30 pixels of ink, 30 blank, rows 300 to 1770
    page = _page_of_blocks(lines)
    with patch.object(bill_text, "_cores", return_value=2):
        bands = bill_text._bands(page)
    assert len(bands) == 2
    assert bands[0][1] >= 300 - 10 and bands[-1][3] <= 1770 + 10, "the ink's box, a few pixels around it"
    cut = bands[0][3]
    assert cut == bands[1][1] and not any(top <= cut <= bottom for top, bottom in lines), "cut at a blank row"
    with patch.object(bill_text, "_cores", return_value=8):
        assert len(bill_text._bands(page)) == (1770 - 300) // bill_text.MIN_BAND, "no band under MIN_BAND high"
    with patch.object(bill_text, "_cores", return_value=2):
        assert len(bill_text._bands(_page_of_blocks([(300, 1700)]))) == 1, "no blank row: one band"
        assert bill_text._bands(Image.new("L", (800, 600), 255)) == [], "a blank page is not recognised"


def test_processes_run_at_once_are_all_killed_at_the_deadline():
    start = time.monotonic()
    with (
        patch.object(subprocess.Popen, "kill", autospec=True, side_effect=subprocess.Popen.kill) as kill,
        pytest.raises(bill_text.BillTextError) as error,
    ):
        bill_text._run_all([(["sleep", "30"], b""), (["sleep", "30"], b"")], time.monotonic() + 0.5)
    assert error.value.reason == bill_text.TOO_SLOW
    assert time.monotonic() - start < 5
    assert kill.call_count == 2 and all(call.args[0].poll() is not None for call in kill.call_args_list)


def test_processes_run_at_once_give_each_its_output_and_are_bounded_each():
    deadline = time.monotonic() + 10
    assert bill_text._run_all([(["cat"], b"one"), (["cat"], b"two")], deadline) == [b"one", b"two"]
    with pytest.raises(bill_text.BillTextError) as error:
        bill_text._run_all([(["cat"], b"short"), (["yes"], b"")], deadline, limit=100_000)
    assert error.value.reason == bill_text.TOO_LARGE


def test_an_image_files_resolution_is_the_one_it_says_unless_unlikely():
    buffer = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(buffer, format="PNG", dpi=(150, 150))
    assert bill_text._resolution(bill_text.decode_image(buffer.getvalue(), "image/png")) == pytest.approx(150, abs=0.1)
    photo = io.BytesIO()
    Image.new("L", (3024, 4032), 255).save(photo, format="JPEG", dpi=(72, 72))  # 42 inches wide, as it says
    page = bill_text.decode_image(photo.getvalue(), "image/jpeg")  # reduced to the page bound
    assert bill_text._resolution(page) == pytest.approx(min(page.size) * 72 / 595)


@needs_tesseract
@needs_wkhtmltopdf
def test_a_scans_words_are_where_the_text_layer_puts_them():
    """The same bill as a text PDF and as a 200 dpi scan turned by a degree: the words of the scan read right are
    as far from each other as on the text layer, within a few points (the scan straightened, its ink recognised in
    bands: the first and the last words in different ones); the scan's page is larger (turned, then straightened)."""
    sample = samples.make_sample(__import__("random").Random(3), samples.VENDORS[2], 12)
    pdf = samples.to_pdf(sample.html)
    layer, _ocr, _codes = bill_text.bill_text(pdf)
    scanned, ocr, _codes = bill_text.bill_text(samples.to_scan(pdf, seed=1))
    assert ocr
    expected, read = _by_text(layer), _by_text(scanned)
    common = [text for text in (sample.vendor.name.split()[0], sample.ref, "Scadenza:", "IBAN") if text in read]
    assert len(common) >= 3, "the vendor's name, the reference, the due date's label or the IBAN is read"
    first = common[0]
    for text in common[1:]:
        assert read[text].x0 - read[first].x0 == pytest.approx(expected[text].x0 - expected[first].x0, abs=6), text
        assert read[text].y0 - read[first].y0 == pytest.approx(expected[text].y0 - expected[first].y0, abs=6), text
        assert read[text].page == 0


@needs_poppler
@needs_wkhtmltopdf
def test_an_arabic_text_pdfs_words_are_in_reading_order_and_plain_letters():
    sample = samples.make_sample(__import__("random").Random(5), samples.VENDORS[4], 5)
    words, ocr, _codes = bill_text.bill_text(samples.to_pdf(sample.html))
    texts = [word.text for word in words]
    assert not ocr
    assert {"رقم", "الفاتورة:", "الإجمالي:", sample.ref} <= set(texts)
    assert not any("\ufb50" <= char <= "\ufeff" for text in texts for char in text), "no presentation forms"
    number = _by_text(words)[sample.ref]
    label = next(word for word in words if word.text == "الفاتورة:" and word.y0 < number.y1 and number.y0 < word.y1)
    assert number.x1 < label.x0, "the number printed to the left of its Arabic label"
