"""The words of a bill file with their boxes, in points from the page's top left corner (``engine/bill_layout``): a
PDF's own text layer when it has one (``pdftotext -bbox-layout``), else the OCR of its pages (or of a PNG, JPEG or
TIFF scan) by Tesseract (its TSV output), after binarizing, turning and straightening the scan; and the QR codes
printed on its pages, decoded by zxing-cpp (``engine/bill_codes`` reads what they say).

A word's text is in reading order whatever its script, its box where it is printed: an Arabic line's words sorted by
their boxes (``bill_layout.lines``) come right to left as printed, each word's letters in the order they are read.
``pdftotext -bbox-layout`` gives each Arabic glyph of a PDF printed by wkhtmltopdf as a word of its own, left to
right, in presentation forms: the glyphs that touch are joined into words, their Arabic runs reversed and their
letters made plain (NFKC). Tesseract's TSV gives Arabic words already in reading order, right to left in a line,
sometimes with a direction mark (removed).

Poppler's ``pdftotext``/``pdfinfo``/``pdftoppm`` and ``tesseract`` (with its ``eng``, ``ita``, ``ara``, ``Arabic``
and ``osd`` data) are the set-up's system dependencies; ``BillTextError`` says what is missing or unreadable.

Anyone who can e-mail the bills alias chooses the file, so it is read within bounds: its type is told by its first
bytes, whatever its name says, and only PDF, PNG, JPEG and TIFF are decoded; at most ``MAX_FILE_BYTES``, the first
``MAX_PAGES`` pages, one at a time, of at most ``PAGE_PIXELS`` each; every tool shares the file's one ``DEADLINE``
and is killed when it runs past it or writes more than it may; a page is recognised in at most as many Tesseract
processes at once as the machine has cores, one thread each.
"""

import contextlib
import dataclasses
import io
import itertools
import math
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time
import unicodedata

import zxingcpp
from lxml import etree
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from ..engine.bill_codes import MAX_CODES, MAX_PAYLOAD_CHARS
from ..engine.bill_layout import Word
from ..engine.bill_reader import MAX_TEXT_CHARS

DPI = 200  # scanned PDFs are rasterized at a scanner's usual resolution
# A text PDF's first and last pages (where bills print their QR code: a ZATCA code by the totals, a Swiss QR-bill's
# payment part at the end) are rendered for codes only, at a resolution that still gives a dense code's modules 3 pixels
CODE_DPI = 150
MIN_LETTERS = 40  # a text layer with fewer letters is a scan's (or none)
MAX_PAGES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
# A page is read at most this large: a PDF page larger than A3 at DPI is rasterized at a lower resolution, a larger
# image is reduced (a JPEG while it is decoded). An image file of more than MAX_IMAGE_PIXELS (an A4 page scanned at
# 600 dpi has 35 million) is not decoded.
PAGE_PIXELS = 12_000_000
MAX_IMAGE_PIXELS = 40_000_000
DEADLINE = 60  # seconds to read one file, every tool included
MAX_OUTPUT_BYTES = 32 * 1024 * 1024  # what one tool may write (a rasterized page)
# what pdftotext may write of a text layer with its boxes (a word and its box take about 100 bytes): past it, cut
MAX_LAYOUT_BYTES = 100 * MAX_TEXT_CHARS
MAX_ATTEMPTS = 2  # a file whose reading stopped the server (its worker killed) is tried once more, then left
# per script, the first whose data is installed: Tesseract's Arabic script model reads Arabic-Indic digits better
# than its Arabic language model; its Italian model reads English bills as well as its English one (and Italian
# accents, which that lacks), and alone takes a fifth less time than both
LANGUAGES = {"Arabic": ("Arabic+eng", "ara+eng"), "Latin": ("ita", "eng")}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff")
# what pdftoppm writes a page as (no file is told to be one): a PNG would take it seconds to compress
PGM = "image/x-portable-graymap"
# the first bytes of each type read, and the only Pillow plugin that may decode it
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF", PGM: "PPM"}
MAX_SKEW, SKEW_STEP = 5.0, 0.5
ORIENTATION = 0x0112  # the EXIF tag
# An image file's resolution, when it does not say a likely one, is told by its shorter side, as if it were an A4
# page's width (points); likely: a page from a till receipt's width to a tabloid's (inches)
A4_WIDTH, MIN_INCHES, MAX_INCHES = 595, 2, 17
# The resolution a page is recognised at, at least, per script: the Arabic model misses dots at 200 dpi; a page read
# at less, by more than RESCALE times, is enlarged to it, to at most PAGE_PIXELS. A larger one is not reduced: a phone's
# photo of a page says no resolution, and its text is smaller than its width tells (a third of the fields lost).
READ_DPI, RESCALE = {"Arabic": 300}, 1.25
# A page is recognised in bands cut at blank rows, one Tesseract process per core: a band is at least this many
# pixels high, a cut is looked for this share of the page around where it would fall evenly
MIN_BAND, CUT_REACH = 300, 0.15
# orientation and script are told from a band of the page's ink (a third of it, from its top): as sure, in a third
# of the time
OSD_SHARE = 3
# Tesseract's threads spin while they wait for a core: one thread per process, the cores shared by processes
_ONE_THREAD = {**os.environ, "OMP_THREAD_LIMIT": "1"}
_LANGUAGES_INSTALLED = {}  # Tesseract's, asked once per process
# Arabic letters (and their presentation forms), the forms, and direction marks
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]+")
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
GLYPH_GAP = 0.1  # of a line's height: glyphs closer than this are one word


# why a file cannot be read (``BillTextError.reason``)
NOT_A_BILL_FILE, MISSING_TOOL, TOO_SLOW, TOOL_FAILED = "not_a_bill_file", "missing_tool", "too_slow", "tool_failed"
TOO_LARGE = "too_large"


class BillTextError(Exception):
    """The file cannot be read: ``reason`` (one of the constants above) and the ``tool`` concerned, for a message
    in the bill's chatter in the user's language."""

    def __init__(self, reason, tool=""):
        super().__init__(f"{reason}: {tool}")
        self.reason, self.tool = reason, tool


def file_type(raw):
    """The bill file's type told by its first bytes: ``application/pdf`` or one of ``IMAGE_TYPES``; raises
    ``BillTextError`` for any other file or one over ``MAX_FILE_BYTES``."""
    if len(raw) > MAX_FILE_BYTES:
        raise BillTextError(TOO_LARGE)
    if b"%PDF-" in raw[:1024]:  # a PDF reader takes a header after a little junk
        return "application/pdf"
    mimetype = next((mimetype for signature, mimetype in SIGNATURES if raw.startswith(signature)), None)
    if not mimetype:
        raise BillTextError(NOT_A_BILL_FILE)
    return mimetype


def bill_text(raw, deadline=None):
    """``(words, ocr, codes)``: the words of the bill file (``bill_layout.Word``, at most ``MAX_TEXT_CHARS`` of
    text), whether they came from OCR, and the texts of the QR codes on its pages (``page_codes``); ``deadline``
    (``time.monotonic()``) defaults to ``DEADLINE`` seconds from now."""
    deadline = deadline or time.monotonic() + DEADLINE
    mimetype = file_type(raw)
    if mimetype != "application/pdf":
        page = decode_image(raw, mimetype)
        return _bounded(ocr(page, deadline)), True, page_codes(page, deadline)
    words = pdf_words(raw, deadline)
    if sum(1 for word in words for _letter in re.finditer(r"[^\W\d_]", word.text)) < MIN_LETTERS:
        words, codes = [], []
        for number, (page, resolution) in enumerate(pdf_pages(raw, deadline)):
            codes += page_codes(page, deadline)
            words += ocr(page, deadline, number, resolution)
        return _bounded(words), True, codes[:MAX_CODES]
    # a QR code is an image or drawn in vectors: the pages where bills print it are rendered, until one is found
    codes = []
    for page, _resolution in pdf_pages(raw, deadline, dpi=CODE_DPI, ends_only=True):
        codes += page_codes(page, deadline)
        if codes:
            break
    return words, False, codes[:MAX_CODES]


def _bounded(words):
    """The first words, as many as make ``MAX_TEXT_CHARS`` of text, the last one cut."""
    kept, size = [], 0
    for word in words:
        room = MAX_TEXT_CHARS - size
        if room <= 0:
            break
        kept.append(dataclasses.replace(word, text=word.text[:room]) if len(word.text) > room else word)
        size += len(word.text) + 1
    return kept


def pdf_words(raw, deadline):
    """The words of a PDF's text layer on its first ``MAX_PAGES`` pages, from ``pdftotext -bbox-layout``: its
    XHTML read up to ``MAX_LAYOUT_BYTES`` (a longer one is cut) by a parser that fetches and expands nothing."""
    command = ["pdftotext", "-bbox-layout", "-q", "-f", "1", "-l", str(MAX_PAGES), "-", "-"]
    layout = _run(command, deadline, raw, limit=MAX_LAYOUT_BYTES, cut=True)
    parser = etree.XMLPullParser(
        events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    words, line, page = [], [], -1
    with contextlib.suppress(etree.XMLSyntaxError):  # a cut layout: what came before the cut is read
        parser.feed(layout)
        parser.close()
    for event, element in parser.read_events():
        name = etree.QName(element).localname
        if event == "start" and name == "page":
            page += 1
        elif event == "end" and name == "word" and element.text:
            line.append(_word(element, page))
        elif event == "end" and name == "line":
            words += _joined(line)
            line = []
            element.clear()
    return _bounded(words)


def _word(element, page):
    box = (float(element.get(side, 0)) for side in ("xMin", "yMin", "xMax", "yMax"))
    return Word(element.text, *box, page=page)


def _joined(line):
    """A line's words, the glyphs that touch (an Arabic word printed a glyph at a time) joined into words."""
    words, glyphs = [], []
    for word in sorted(line, key=lambda word: word.x0):
        last = glyphs[-1] if glyphs else None
        if last and word.x0 - last.x1 < GLYPH_GAP * (last.y1 - last.y0) and _RTL.search(last.text + word.text):
            glyphs.append(word)
            continue
        if glyphs:
            words.append(_one_word(glyphs))
        glyphs = [word]
    if glyphs:
        words.append(_one_word(glyphs))
    return [word for word in words if word.text]


def _one_word(glyphs):
    """One word of glyphs given left to right: its runs of Arabic glyphs read right to left, plain letters."""
    runs = []
    for glyph in glyphs:
        rtl = bool(_RTL.search(glyph.text))
        if runs and runs[-1][0] == rtl:
            runs[-1][1].append(glyph.text)
        else:
            runs.append((rtl, [glyph.text]))
    if any(rtl for rtl, _texts in runs):
        runs.reverse()
    text = "".join("".join(reversed(texts) if rtl else texts) for rtl, texts in runs)
    text = _FORMS.sub(lambda forms: unicodedata.normalize("NFKC", forms.group()), _MARKS.sub("", text))
    first, last = glyphs[0], glyphs[-1]
    top, bottom = min(glyph.y0 for glyph in glyphs), max(glyph.y1 for glyph in glyphs)
    return Word(text.strip(), first.x0, top, last.x1, bottom, first.page)


def page_codes(image, deadline):
    """The texts of the QR codes on a page (at most ``MAX_CODES``, none longer than ``MAX_PAYLOAD_CHARS``), decoded
    by zxing-cpp in this process: the page is at most ``PAGE_PIXELS``, which bounds its time; none past the
    deadline."""
    if time.monotonic() >= deadline:
        return []
    try:
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except (RuntimeError, ValueError, TypeError):  # a page it cannot decode has no code to give
        return []
    return [code.text for code in found if code.valid and 0 < len(code.text) <= MAX_PAYLOAD_CHARS][:MAX_CODES]


def pdf_pages(raw, deadline, dpi=DPI, ends_only=False):
    """The first pages of a PDF (``ends_only``: the first and the last of them) as grey images with their
    resolution, rasterized one at a time when asked for: at ``dpi``, or at the resolution that makes a larger page
    ``PAGE_PIXELS``."""
    sizes = _page_sizes(raw, deadline)
    for number, (width, height, turned) in enumerate(sizes, 1):
        if ends_only and 1 < number < len(sizes):
            continue
        resolution = min(dpi, 72 * math.sqrt(0.99 * PAGE_PIXELS / max(width * height, 1.0)))  # rounded up, under
        # the crop box of the size expected: no larger bitmap even if pdfinfo and pdftoppm disagree on the page
        sides = (height, width) if turned else (width, height)
        columns, rows = (math.ceil(side * resolution / 72) + 2 for side in sides)
        command = ["pdftoppm", "-r", f"{resolution:.3f}", "-gray", "-f", str(number), "-l", str(number)]
        command += ["-x", "0", "-y", "0", "-W", str(columns), "-H", str(rows), "-singlefile", "-"]
        yield decode_image(_run(command, deadline, raw), PGM), resolution


def _page_sizes(raw, deadline):
    """``(width, height, turned)`` of the first pages in points (``turned``: a quarter turn), from ``pdfinfo``."""
    info = _run(["pdfinfo", "-f", "1", "-l", str(MAX_PAGES), "-"], deadline, raw, limit=64 * 1024).decode(
        errors="replace"
    )
    sizes = {int(page): (float(width), float(height)) for page, width, height in _PAGE_SIZE_RE.findall(info)}
    turns = {int(page): int(rotation) % 180 == 90 for page, rotation in _PAGE_ROTATION_RE.findall(info)}
    return [(*sizes[page], turns.get(page, False)) for page in sorted(sizes)[:MAX_PAGES]]


_PAGE_SIZE_RE = re.compile(r"^Page +(\d{1,4}) size: +(\d{1,9}(?:\.\d{1,9})?) x (\d{1,9}(?:\.\d{1,9})?) pts", re.M)
_PAGE_ROTATION_RE = re.compile(r"^Page +(\d{1,4}) rot: +(\d{1,3})", re.M)


def decode_image(raw, mimetype):
    """The grey image of a PNG, JPEG or TIFF file, decoded by that format's plugin only, at most ``PAGE_PIXELS``
    (reduced, a JPEG while it is decoded), its resolution as the file says (``info["dpi"]``, after the reduction);
    ``BillTextError`` for another format or over ``MAX_IMAGE_PIXELS``."""
    try:
        picture = Image.open(io.BytesIO(raw), formats=(PIL_FORMATS[mimetype],))
        declared, side = picture.info.get("dpi"), max(picture.size)
        if picture.format == "JPEG" and picture.width * picture.height > PAGE_PIXELS:
            scale = math.sqrt(PAGE_PIXELS / (picture.width * picture.height))
            picture.draft("L", (int(picture.width * scale), int(picture.height * scale)))
        if picture.width * picture.height > MAX_IMAGE_PIXELS:  # told by its header, before decoding
            raise BillTextError(TOO_LARGE)
        picture.load()
        if picture.getexif().get(ORIENTATION, 1) != 1:  # turned as its EXIF tag says, while the tag is there
            picture = ImageOps.exif_transpose(picture)
        picture = picture.convert("L")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise BillTextError(NOT_A_BILL_FILE) from error
    scale = math.sqrt(PAGE_PIXELS / (picture.width * picture.height))
    if scale < 1:
        size = (max(int(picture.width * scale), 1), max(int(picture.height * scale), 1))
        picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    if isinstance(declared, tuple) and declared and isinstance(declared[0], (int, float)):
        picture.info["dpi"] = (declared[0] * max(picture.size) / side,) * 2
    return picture


def _run(command, deadline, data=b"", limit=MAX_OUTPUT_BYTES, cut=False):
    """What ``command`` writes, given ``data`` on its input; killed at ``deadline`` (``TOO_SLOW``) or when it writes
    more than ``limit`` bytes (``TOO_LARGE``, or what it wrote up to ``limit`` when ``cut``)."""
    return _run_all([(command, data)], deadline, limit, cut)[0]


def _run_all(jobs, deadline, limit=MAX_OUTPUT_BYTES, cut=False, env=None):
    """What each command of ``jobs`` (``(command, data)``) writes, the commands running at once under the same
    bounds as ``_run``'s, each; all are killed when one fails or at the deadline."""
    processes = []
    try:
        for command, data in jobs:
            processes.append(_start(command, data, deadline, env))
        outputs = _read(processes, deadline, limit, cut)
        for process, output in zip(processes, outputs, strict=True):
            if process.wait(timeout=max(deadline - time.monotonic(), 0.01)) and not (cut and len(output) >= limit):
                raise BillTextError(TOOL_FAILED, _name(process))
        return outputs
    except subprocess.TimeoutExpired as error:
        raise BillTextError(TOO_SLOW, _name(error)) from error
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()


def _start(command, data, deadline, env):
    tool = shutil.which(command[0])
    if not tool:
        raise BillTextError(MISSING_TOOL, command[0])
    if time.monotonic() >= deadline:
        raise BillTextError(TOO_SLOW, command[0])
    # the input from an unnamed file, which nothing can leave behind
    with tempfile.TemporaryFile() as source:
        source.write(data)
        source.seek(0)
        return subprocess.Popen(
            [tool, *command[1:]], stdin=source, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )


def _name(process):
    """The tool's name, as a message says it."""
    command = process.args if isinstance(process.args, list) else process.cmd
    return os.path.basename(command[0])


def _read(processes, deadline, limit, cut):
    """What the processes write, read as it comes until each closes its output."""
    chunks = {process.stdout.fileno(): [] for process in processes}
    with selectors.DefaultSelector() as selector:
        for process in processes:
            selector.register(process.stdout, selectors.EVENT_READ, process)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            ready = selector.select(remaining) if remaining > 0 else []
            if not ready:
                raise BillTextError(TOO_SLOW, _name(next(iter(selector.get_map().values())).data))
            for key, _events in ready:
                read = chunks[key.fd]
                chunk = os.read(key.fd, 1024 * 1024)
                read.append(chunk)
                size = sum(map(len, read))
                if size >= limit:
                    if not cut:
                        raise BillTextError(TOO_LARGE, _name(key.data))
                    key.data.kill()
                    read[:] = [b"".join(read)[:limit]]
                if not chunk or size >= limit:
                    selector.unregister(key.fileobj)
    return [b"".join(chunks[process.stdout.fileno()]) for process in processes]


def ocr(image, deadline, page=0, resolution=None):
    """The words of a scanned page: turned upright and its script told by Tesseract's OSD, straightened, binarized,
    then recognised in that script's languages where there is ink; the boxes in points by the page's ``resolution``
    (an image file's: ``_resolution``), at the resolution its script needs (``READ_DPI``)."""
    resolution = resolution or _resolution(image)
    rotate, script = _orientation(image, deadline)
    if rotate:
        image = image.rotate(-rotate, expand=True, fillcolor=255)
    image = deskew(image)
    scale = min(READ_DPI.get(script, DPI) / resolution, math.sqrt(PAGE_PIXELS / (image.width * image.height)))
    if scale > RESCALE:
        size = (max(round(image.width * scale), 1), max(round(image.height * scale), 1))
        image, resolution = image.resize(size, Image.Resampling.LANCZOS), resolution * scale
    options = ["-l", _languages(script, deadline), "--psm", "6"]
    return _recognise(binarize(image), options, resolution, page, deadline)


def _resolution(image):
    """An image file's resolution: as the file says, unless that makes its page narrower than ``MIN_INCHES`` or
    wider than ``MAX_INCHES`` (a phone's photo says 72 dpi, or nothing): then as if its shorter side were an A4
    page's width."""
    declared = image.info.get("dpi", (0,))[0]
    if declared and MIN_INCHES <= image.width / declared <= MAX_INCHES:
        return float(declared)
    return min(image.size) * 72 / A4_WIDTH


def _recognise(image, options, resolution, page, deadline):
    """The words Tesseract reads in the ink's box of a page, cut into bands recognised at once (``_bands``)."""
    bands = _bands(image)
    jobs = [(["tesseract", "stdin", "stdout", *options, "tsv"], _png(image.crop(band), resolution)) for band in bands]
    outputs = _run_all(jobs, deadline, env=_ONE_THREAD) if jobs else []
    words = []
    for (left, top, _right, _bottom), output in zip(bands, outputs, strict=True):
        words += _tsv_words(output.decode(errors="replace"), left, top, 72 / resolution, page)
    return words


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _bands(image):
    """The boxes to recognise on a page: its ink's box (none when it is blank), cut across at blank rows into as
    many bands as there are cores, each at least ``MIN_BAND`` pixels high."""
    box = _ink(image)
    if not box:
        return []
    left, top, right, bottom = box
    margin = 8  # pixels of white around the ink, as Tesseract likes
    left, top, right, bottom = (
        max(left - margin, 0),
        max(top - margin, 0),
        min(right + margin, image.width),
        min(bottom + margin, image.height),
    )
    count = min(_cores(), (bottom - top) // MIN_BAND)
    if count < 2:
        return [(left, top, right, bottom)]
    # the ink of each row: 0 exactly where there is none
    ink = list(ImageOps.invert(image.crop((left, top, right, bottom))).convert("F").resize((1, bottom - top)).getdata())
    cuts, reach = [top], int(CUT_REACH * (bottom - top))
    for index in range(1, count):
        aim = index * (bottom - top) // count
        blank = [row for row in range(max(aim - reach, 0), min(aim + reach, len(ink))) if ink[row] == 0]
        if blank:
            cut = min(blank, key=lambda row: abs(row - aim))
            cuts.append(top + cut)
    cuts.append(bottom)
    return [(left, upper, right, lower) for upper, lower in itertools.pairwise(cuts) if lower > upper]


def _png(image, resolution):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(round(resolution), round(resolution)), compress_level=1)
    return buffer.getvalue()


def _tsv_words(tsv, left, top, scale, page):
    """The words of Tesseract's TSV (level 5 rows) of a band at ``left``, ``top`` of its page, in points."""
    words = []
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) != 12 or cells[0] != "5" or not all(cell.isdigit() for cell in cells[6:10]):
            continue
        text = _MARKS.sub("", cells[11]).strip()
        x, y, width, height = (int(cell) for cell in cells[6:10])
        if text:
            box = (left + x, top + y, left + x + width, top + y + height)
            words.append(Word(text, *(side * scale for side in box), page=page))
    return words


def _languages(script, deadline):
    if "installed" not in _LANGUAGES_INSTALLED:
        listed = _run(["tesseract", "--list-langs"], deadline, limit=64 * 1024).decode(errors="replace")
        _LANGUAGES_INSTALLED["installed"] = set(listed.split())
    installed = _LANGUAGES_INSTALLED["installed"]
    choices = LANGUAGES.get(script, LANGUAGES["Latin"])
    return next((langs for langs in choices if set(langs.split("+")) <= installed), choices[-1])


def _orientation(image, deadline):
    """``(degrees to turn clockwise, script)`` from Tesseract's orientation and script detection, on the top third
    of the page's ink (``OSD_SHARE``)."""
    box = _ink(image)
    if not box:
        return 0, "Latin"
    left, top, right, bottom = box
    band = binarize(image.crop((left, top, right, top + max((bottom - top) // OSD_SHARE, MIN_BAND))))
    try:
        osd = _run_all([(["tesseract", "stdin", "stdout", "--psm", "0"], _png(band, DPI))], deadline, env=_ONE_THREAD)
    except BillTextError as error:
        if error.reason != TOOL_FAILED:
            raise
        return 0, "Latin"  # too little text to tell: as it is, in Latin script
    osd = osd[0].decode(errors="replace")
    rotate = re.search(r"Rotate: (\d+)", osd)
    script = re.search(r"Script: (\w+)", osd)
    return (int(rotate.group(1)) if rotate else 0), (script.group(1) if script else "Latin")


def _ink(image):
    """The box of a grey page's ink (darker than half), or None."""
    return image.point(lambda level: 255 if level < 128 else 0).getbbox()


def deskew(image):
    """The page turned by the small angle (up to ``MAX_SKEW`` degrees) that makes its text lines horizontal: the
    angle whose rows of ink are the most contrasted (projection profile), on a reduced copy."""
    small = ImageOps.invert(image.resize((image.width // 4, image.height // 4)))

    def sharpness(angle):
        rows = list(small.rotate(angle, fillcolor=0).resize((1, small.height), Image.Resampling.BOX).getdata())
        mean = sum(rows) / len(rows)
        return sum((row - mean) ** 2 for row in rows)

    steps = int(MAX_SKEW / SKEW_STEP)
    best = max((step * SKEW_STEP for step in range(-steps, steps + 1)), key=sharpness)
    fine = max((best + tenth / 10 for tenth in range(-4, 5)), key=sharpness)
    return image.rotate(fine, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC) if fine else image


def binarize(image):
    """Black text on white: speckles removed by a median filter, then Otsu's threshold of the histogram."""
    image = image.filter(ImageFilter.MedianFilter(3))
    histogram = image.histogram()
    total = sum(histogram)
    weighted = sum(level * count for level, count in enumerate(histogram))
    below = below_weighted = 0
    best, threshold = -1.0, 128
    for level, count in enumerate(histogram):
        below += count
        if not below or below == total:
            continue
        below_weighted += level * count
        mean_below = below_weighted / below
        mean_above = (weighted - below_weighted) / (total - below)
        variance = below * (total - below) * (mean_below - mean_above) ** 2
        if variance > best:
            best, threshold = variance, level
    return image.point(lambda level: 255 if level > threshold else 0)
