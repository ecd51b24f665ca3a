"""The text of a bill file: a PDF's own text layer when it has one, else the OCR of its pages (or of a PNG, JPEG or
TIFF scan) by Tesseract, after turning, straightening and binarizing the scan; and the QR codes printed on its pages,
decoded by zxing-cpp (``engine/bill_codes`` reads what they say).

Poppler's ``pdftotext``/``pdfinfo``/``pdftoppm`` and ``tesseract`` (with its ``eng``, ``ita``, ``ara``, ``Arabic``
and ``osd`` data) are the set-up's system dependencies; ``BillTextError`` says what is missing or unreadable.

Anyone who can e-mail the bills alias chooses the file, so it is read within bounds: its type is told by its first
bytes, whatever its name says, and only PDF, PNG, JPEG and TIFF are decoded; at most ``MAX_FILE_BYTES``, the first
``MAX_PAGES`` pages, one at a time, of at most ``PAGE_PIXELS`` each; every tool shares the file's one ``DEADLINE``
and is killed when it runs past it or writes more than it may.
"""

import io
import math
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time

import zxingcpp
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from ..engine.bill_codes import MAX_CODES, MAX_PAYLOAD_CHARS
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
MAX_ATTEMPTS = 2  # a file whose reading stopped the server (its worker killed) is tried once more, then left
# per script, the first whose data is installed: Tesseract's Arabic script model reads Arabic-Indic digits better
# than its Arabic language model
LANGUAGES = {"Arabic": ("Arabic+eng", "ara+eng"), "Latin": ("eng+ita",)}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff")
# the first bytes of each type read, and the only Pillow plugin that may decode it
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}
MAX_SKEW, SKEW_STEP = 5.0, 0.5
ORIENTATION = 0x0112  # the EXIF tag
_LANGUAGES_INSTALLED = {}  # Tesseract's, asked once per process


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
    """``(text, ocr, codes)``: the text of the bill file (at most ``MAX_TEXT_CHARS``), whether it came from OCR,
    and the texts of the QR codes on its pages (``page_codes``); ``deadline`` (``time.monotonic()``) defaults to
    ``DEADLINE`` seconds from now."""
    deadline = deadline or time.monotonic() + DEADLINE
    mimetype = file_type(raw)
    if mimetype != "application/pdf":
        page = decode_image(raw, mimetype)
        return ocr(page, deadline), True, page_codes(page, deadline)
    command = ["pdftotext", "-layout", "-q", "-l", str(MAX_PAGES), "-", "-"]
    # what is past the reader's bound is not read: a longer text is cut, not refused
    text = _run(command, deadline, raw, limit=4 * MAX_TEXT_CHARS, cut=True).decode(errors="replace")[:MAX_TEXT_CHARS]
    if sum(1 for _letter in re.finditer(r"[^\W\d_]", text)) < MIN_LETTERS:
        texts, codes = [], []
        for page in pdf_pages(raw, deadline):
            codes += page_codes(page, deadline)
            texts.append(ocr(page, deadline))
        return "\n".join(texts), True, codes[:MAX_CODES]
    # a QR code is an image or drawn in vectors: the pages where bills print it are rendered, until one is found
    codes = []
    for page in pdf_pages(raw, deadline, dpi=CODE_DPI, ends_only=True):
        codes += page_codes(page, deadline)
        if codes:
            break
    return text, False, codes[:MAX_CODES]


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
    """The first pages of a PDF (``ends_only``: the first and the last of them) as grey images, rasterized one at a
    time when asked for: at ``dpi``, or at the resolution that makes a larger page ``PAGE_PIXELS``."""
    sizes = _page_sizes(raw, deadline)
    for number, (width, height, turned) in enumerate(sizes, 1):
        if ends_only and 1 < number < len(sizes):
            continue
        resolution = min(dpi, 72 * math.sqrt(0.99 * PAGE_PIXELS / max(width * height, 1.0)))  # rounded up, under
        # the crop box of the size expected: no larger bitmap even if pdfinfo and pdftoppm disagree on the page
        sides = (height, width) if turned else (width, height)
        columns, rows = (math.ceil(side * resolution / 72) + 2 for side in sides)
        command = ["pdftoppm", "-r", f"{resolution:.3f}", "-gray", "-png", "-f", str(number), "-l", str(number)]
        command += ["-x", "0", "-y", "0", "-W", str(columns), "-H", str(rows), "-singlefile", "-"]
        yield decode_image(_run(command, deadline, raw), "image/png")


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
    (reduced, a JPEG while it is decoded); ``BillTextError`` for another format or over ``MAX_IMAGE_PIXELS``."""
    try:
        picture = Image.open(io.BytesIO(raw), formats=(PIL_FORMATS[mimetype],))
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
    return picture


def _run(command, deadline, data=b"", limit=MAX_OUTPUT_BYTES, cut=False):
    """What ``command`` writes, given ``data`` on its input; killed at ``deadline`` (``TOO_SLOW``) or when it writes
    more than ``limit`` bytes (``TOO_LARGE``, or what it wrote up to ``limit`` when ``cut``)."""
    tool = shutil.which(command[0])
    if not tool:
        raise BillTextError(MISSING_TOOL, command[0])
    if time.monotonic() >= deadline:
        raise BillTextError(TOO_SLOW, command[0])
    # the input from an unnamed file, which nothing can leave behind
    with tempfile.TemporaryFile() as source:
        source.write(data)
        source.seek(0)
        process = subprocess.Popen(
            [tool, *command[1:]], stdin=source, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    try:
        output = _read(process, deadline, limit, cut, command[0])
        if process.wait(timeout=max(deadline - time.monotonic(), 0.01)) and not (cut and len(output) >= limit):
            raise BillTextError(TOOL_FAILED, command[0])
        return output
    except subprocess.TimeoutExpired as error:
        raise BillTextError(TOO_SLOW, command[0]) from error
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


def _read(process, deadline, limit, cut, tool):
    chunks, size = [], 0
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise BillTextError(TOO_SLOW, tool)
            chunk = os.read(process.stdout.fileno(), 1024 * 1024)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                if cut:
                    process.kill()
                    return b"".join(chunks)[:limit]
                raise BillTextError(TOO_LARGE, tool)


def ocr(image, deadline):
    """The text of a scanned page: turned upright and its script detected by Tesseract's OSD, straightened,
    binarized, then read in that script's languages."""
    image = ImageOps.exif_transpose(image).convert("L")
    rotate, script = _orientation(image, deadline)
    if rotate:
        image = image.rotate(-rotate, expand=True, fillcolor=255)
    if script == "Arabic":  # the Arabic model misses dots at 200 dpi: read it as a 300 dpi scan
        image = image.resize((image.width * 3 // 2, image.height * 3 // 2), Image.Resampling.LANCZOS)
    image = binarize(deskew(image))
    return _tesseract(image, ["-l", _languages(script, deadline), "--psm", "6"], deadline).decode(errors="replace")


def _languages(script, deadline):
    if "installed" not in _LANGUAGES_INSTALLED:
        listed = _run(["tesseract", "--list-langs"], deadline, limit=64 * 1024).decode(errors="replace")
        _LANGUAGES_INSTALLED["installed"] = set(listed.split())
    installed = _LANGUAGES_INSTALLED["installed"]
    choices = LANGUAGES.get(script, LANGUAGES["Latin"])
    return next((langs for langs in choices if set(langs.split("+")) <= installed), choices[-1])


def _tesseract(image, options, deadline):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return _run(["tesseract", "stdin", "stdout", *options], deadline, buffer.getvalue())


def _orientation(image, deadline):
    """``(degrees to turn clockwise, script)`` from Tesseract's orientation and script detection."""
    try:
        osd = _tesseract(image, ["--psm", "0"], deadline).decode(errors="replace")
    except BillTextError as error:
        if error.reason != TOOL_FAILED:
            raise
        return 0, "Latin"  # too little text to tell: as it is, in Latin script
    rotate = re.search(r"Rotate: (\d+)", osd)
    script = re.search(r"Script: (\w+)", osd)
    return (int(rotate.group(1)) if rotate else 0), (script.group(1) if script else "Latin")


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
