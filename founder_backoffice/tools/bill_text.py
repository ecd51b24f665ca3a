"""The text of a bill file: a PDF's own text layer when it has one, else the OCR of its pages (or of a JPG, PNG or
TIFF) by Tesseract, after turning, straightening and binarizing the scan.

Poppler's ``pdftotext``/``pdftoppm`` and ``tesseract`` (with its ``eng``, ``ita``, ``ara``, ``Arabic`` and ``osd``
data) are the set-up's system dependencies; ``BillTextError`` says what is missing or unreadable.
"""

import functools
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

DPI = 200  # scanned PDFs are rasterized at a scanner's usual resolution
MIN_LETTERS = 40  # a text layer with fewer letters is a scan's (or none)
MAX_PAGES = 5
TIMEOUT = 60  # seconds for one tool on one page
# per script, the first whose data is installed: Tesseract's Arabic script model reads Arabic-Indic digits better
# than its Arabic language model
LANGUAGES = {"Arabic": ("Arabic+eng", "ara+eng"), "Latin": ("eng+ita",)}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff")
MAX_SKEW, SKEW_STEP = 5.0, 0.5


# why a file cannot be read (``BillTextError.reason``)
NOT_A_BILL_FILE, MISSING_TOOL, TOO_SLOW, TOOL_FAILED = "not_a_bill_file", "missing_tool", "too_slow", "tool_failed"


class BillTextError(Exception):
    """The file cannot be read: ``reason`` (one of the constants above) and the ``tool`` concerned, for a message
    in the bill's chatter in the user's language."""

    def __init__(self, reason, tool=""):
        super().__init__(f"{reason}: {tool}")
        self.reason, self.tool = reason, tool


def _run(command, data=None):
    tool = shutil.which(command[0])
    if not tool:
        raise BillTextError(MISSING_TOOL, command[0])
    try:
        return subprocess.run([tool, *command[1:]], input=data, capture_output=True, timeout=TIMEOUT, check=True).stdout
    except subprocess.TimeoutExpired as error:
        raise BillTextError(TOO_SLOW, command[0]) from error
    except subprocess.CalledProcessError as error:
        raise BillTextError(TOOL_FAILED, command[0]) from error


def bill_text(raw, mimetype):
    """``(text, ocr)``: the text of the bill file, and whether it came from OCR."""
    if mimetype == "application/pdf" or raw[:5] == b"%PDF-":
        text = _run(["pdftotext", "-layout", "-q", "-l", str(MAX_PAGES), "-", "-"], raw).decode(errors="replace")
        if len(re.findall(r"[^\W\d_]", text)) >= MIN_LETTERS:
            return text, False
        return "\n".join(ocr(page) for page in pdf_pages(raw)), True
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        raise BillTextError(NOT_A_BILL_FILE) from error
    return ocr(image), True


def pdf_pages(raw):
    """The first pages of a PDF as grey images at ``DPI``."""
    with tempfile.TemporaryDirectory() as folder:
        _run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-l", str(MAX_PAGES), "-", f"{folder}/page"], raw)
        pages = []
        for path in sorted(Path(folder).glob("page*.png")):
            with Image.open(path) as page:
                page.load()
                pages.append(page.copy())
        return pages


def ocr(image):
    """The text of a scanned page: turned upright and its script detected by Tesseract's OSD, straightened,
    binarized, then read in that script's languages."""
    image = ImageOps.exif_transpose(image).convert("L")
    rotate, script = _orientation(image)
    if rotate:
        image = image.rotate(-rotate, expand=True, fillcolor=255)
    if script == "Arabic":  # the Arabic model misses dots at 200 dpi: read it as a 300 dpi scan
        image = image.resize((image.width * 3 // 2, image.height * 3 // 2), Image.Resampling.LANCZOS)
    image = binarize(deskew(image))
    return _tesseract(image, ["-l", _languages(script), "--psm", "6"]).decode()


@functools.cache
def _languages(script):
    installed = set(_run(["tesseract", "--list-langs"]).decode().split())
    choices = LANGUAGES.get(script, LANGUAGES["Latin"])
    return next((langs for langs in choices if set(langs.split("+")) <= installed), choices[-1])


def _tesseract(image, options):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return _run(["tesseract", "stdin", "stdout", *options], buffer.getvalue())


def _orientation(image):
    """``(degrees to turn clockwise, script)`` from Tesseract's orientation and script detection."""
    try:
        osd = _tesseract(image, ["--psm", "0"]).decode()
    except BillTextError:  # too little text to tell: as it is, in Latin script
        return 0, "Latin"
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
