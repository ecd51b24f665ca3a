"""Reading a supplier bill from its text — a PDF's text layer or the OCR of a scan — in English, Italian or
Arabic: the vendor, the bill number, dates, currency, amounts, VAT and lines, each with a confidence.

The text is normalized first (Arabic-Indic digits and separators, direction marks). A field is found after one of
its labels on the same line (before it, where an extraction wrote a right-to-left line in visual order), else on the
next line. A vendor's earlier bills teach the labels that vendor uses (``learn_layout``): no rule is written by
hand. The amounts are checked against each other (untaxed + VAT = total, the lines' sum = untaxed); a field below
``LOW_CONFIDENCE`` or an inconsistent amount is listed in ``Reading.to_check``.

The codes printed on the bill (``bill_codes``: a ZATCA, EPC or Swiss QR code) are exact: what they give outranks
what was read in the text (confidence ``FOUND_CODE``), and they name the vendor by its VAT number or IBAN.

The text comes from files anyone may e-mail to the bills alias: it is bounded by ``normalize`` (``MAX_TEXT_CHARS``,
tokens cut at ``MAX_TOKEN_CHARS``) and every pattern runs in time linear in its length.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

LOW_CONFIDENCE = 0.8
# confidence of a value by how it was found; OCR text counts a little less than a text layer
FOUND_LEARNED, FOUND_LABEL, FOUND_INFERRED, FOUND_GUESSED = 0.97, 0.92, 0.85, 0.6
FOUND_CODE = 1.0  # read from a code printed for machines: exact
# the fields a code gives that a bill has
CODE_FIELDS = ("ref", "invoice_date", "currency", "untaxed", "tax", "total", "payment_reference")
OCR_FACTOR = 0.95
AMOUNT_FIELDS = ("untaxed", "tax", "total")
# Bounds of a reading: the text read (a 5-page bill's text layer is well under it), one token (no field is that
# long: a longer run of characters is cut), an amount's digits before its decimals (a longer number is unreadable,
# not infinite), the e-mail domains a vendor is searched by, and what a vendor's learned layout keeps per field.
MAX_TEXT_CHARS = 30_000
MAX_TOKEN_CHARS = 100
MAX_AMOUNT_DIGITS = 12
MAX_DOMAINS = 10
MAX_LABELS, MAX_LABEL_CHARS = 5, 60

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic decimal and thousands separators, Arabic comma; direction marks, tatweel, no-break spaces
_SEPARATORS = str.maketrans({"٫": ".", "٬": ",", "،": ",", "\u00a0": " ", "\u202f": " ", "\u0640": None})
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LONG_TOKEN = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1},}}")

# Labels of each field, lower case, longest first when matched: a line belongs to the longest label it holds.
LABELS = {
    "ref": (
        "invoice number",
        "invoice no",
        "invoice n.",
        "invoice #",
        "bill number",
        "bill no",
        "numero fattura",
        "fattura numero",
        "fattura n.",
        "fattura nr.",
        "n. fattura",
        "nr. fattura",
        "رقم الفاتورة",
        "فاتورة رقم",
    ),
    "invoice_date": (
        "invoice date",
        "date of issue",
        "issue date",
        "date",
        "data fattura",
        "data documento",
        "data emissione",
        "data",
        "تاريخ الفاتورة",
        "تاريخ الإصدار",
        "التاريخ",
    ),
    "due_date": (
        "due date",
        "payment due",
        "data scadenza",
        "scadenza",
        "تاريخ الاستحقاق",
    ),
    "untaxed": (
        "subtotal",
        "total excl. vat",
        "total excluding vat",
        "net amount",
        "totale imponibile",
        "imponibile",
        "المجموع قبل الضريبة",
        "الإجمالي قبل الضريبة",
        "المجموع الفرعي",
        "المجموع قبل",
    ),
    "tax": (
        "vat amount",
        "vat",
        "totale iva",
        "iva",
        "ضريبة القيمة المضافة",
        "القيمة المضافة",
        "الضريبة",
    ),
    "total": (
        "total due",
        "amount due",
        "grand total",
        "total",
        "totale documento",
        "totale fattura",
        "totale da pagare",
        "totale",
        "الإجمالي المستحق",
        "المبلغ المستحق",
        "الإجمالي",
    ),
    "vat": (
        "vat number",
        "vat no",
        "vat id",
        "tax id",
        "partita iva",
        "p.iva",
        "p. iva",
        "الرقم الضريبي",
    ),
}
DATE_FIELDS = ("invoice_date", "due_date")
MONTHS = {
    **dict.fromkeys(("january", "jan", "gennaio", "يناير", "كانون الثاني"), 1),
    **dict.fromkeys(("february", "feb", "febbraio", "فبراير", "شباط"), 2),
    **dict.fromkeys(("march", "mar", "marzo", "مارس", "آذار"), 3),
    **dict.fromkeys(("april", "apr", "aprile", "أبريل", "ابريل", "نيسان"), 4),
    **dict.fromkeys(("may", "maggio", "مايو", "أيار"), 5),
    **dict.fromkeys(("june", "jun", "giugno", "يونيو", "حزيران"), 6),
    **dict.fromkeys(("july", "jul", "luglio", "يوليو", "تموز"), 7),
    **dict.fromkeys(("august", "aug", "agosto", "أغسطس", "اغسطس", "آب"), 8),
    **dict.fromkeys(("september", "sep", "sept", "settembre", "سبتمبر", "أيلول"), 9),
    **dict.fromkeys(("october", "oct", "ottobre", "أكتوبر", "اكتوبر", "تشرين الأول"), 10),
    **dict.fromkeys(("november", "nov", "novembre", "نوفمبر", "تشرين الثاني"), 11),
    **dict.fromkeys(("december", "dec", "dicembre", "ديسمبر", "كانون الأول"), 12),
}
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
DATE_RE = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b)"
    rf"|(?P<num>\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b)"
    rf"|(?P<dmy>\b\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}}\b)"
    rf"|(?P<mdy>\b(?:{_MONTH})\s+\d{{1,2}},?\s+\d{{4}}\b)",
    re.IGNORECASE,
)
# thousands grouped by "." "," or "'" (a space separates the columns of a table)
AMOUNT_RE = re.compile(r"(?<![\w.,/-])-?(?:\d{1,3}(?:[.,']\d{3})+|\d+)(?:[.,]\d{1,2})?(?![\w/%]|[.,]\d)")
# where no label was read: a token of letters and digits as programs number documents (INV-2026-0147, FT/318)
DOCUMENT_NUMBER_RE = re.compile(r"\b[A-Z]{2,5}[-/ ]?\d{2,4}(?:[-/]\d{1,6})+\b")
# Tesseract writes an Arabic-Indic amount's decimals first and its decimal separator as the letter reh:
# 18087.15 printed in Arabic-Indic digits comes out as "15ر18087"
OCR_ARABIC_DECIMAL_RE = re.compile(r"(?<![\w.,])(\d{2})ر(\d{1,9})(?![\w.,])")
# "22%", and "%15" as Arabic writes it
PERCENT_RE = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?%|%\s?(\d{1,2}(?:[.,]\d{1,2})?)(?![\d.,]\d)")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
# an address's domain, found from its "@" (a run of letters without one costs nothing), labels of at most 63 characters
EMAIL_RE = re.compile(r"(?<=[\w.+-])@([\w-]{1,63}(?:\.[\w-]{1,63}){1,8})")
VAT_RE = re.compile(r"\b(?:[A-Z]{2} ?)?\d[\dA-Z]{7,14}\b")
PAYMENT_DAYS_RE = re.compile(r"(?:net\s+(\d{1,3})\b|(\d{1,3})\s*(?:days|giorni|gg|يوم|أيام))", re.IGNORECASE)
CURRENCIES = (
    ("EUR", ("EUR", "€", "يورو")),
    ("USD", ("USD", "US$", "$", "دولار")),
    ("GBP", ("GBP", "£")),
    ("SAR", ("SAR", "ر.س", "ريال")),
    ("AED", ("AED", "د.إ", "درهم")),
)
TAX_RATES = (22.0, 20.0, 15.0, 10.0, 5.0, 4.0, 0.0)
LEGAL_FORMS = re.compile(
    r"\b(s\.?r\.?l\.?s?|s\.?p\.?a\.?|s\.?a\.?s\.?|s\.?n\.?c\.?|ltd\.?|limited|llc|inc\.?|plc|gmbh|co\.?)(?=\s|$)|ذ\.م\.م|شركة",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Vendor:
    """A vendor the bill may come from: what identifies it."""

    id: int
    name: str
    vats: tuple = ()
    ibans: tuple = ()
    domains: tuple = ()


@dataclass
class BillLine:
    description: str
    quantity: float
    price_unit: float
    amount: float


@dataclass
class Reading:
    """What was read: ``values`` and ``confidence`` per field, the table's ``lines``, the amounts' ``flags`` and the
    fields read from a code printed on the bill (``coded``)."""

    values: dict = field(default_factory=dict)
    confidence: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    coded: list = field(default_factory=list)

    def set(self, name, value, confidence):
        if value is not None and confidence > self.confidence.get(name, 0.0):
            self.values[name], self.confidence[name] = value, confidence

    @property
    def to_check(self):
        """The fields a person should check: read with little confidence, or amounts that do not add up (but those
        read from a code, which are exact)."""
        low = [name for name, confidence in self.confidence.items() if confidence < LOW_CONFIDENCE]
        if self.flags:
            low += [name for name in AMOUNT_FIELDS if name in self.values and name not in low + self.coded]
        return sorted(low)


# ---------------------------------------------------------------------- numbers, dates, text


def normalize(text: str) -> str:
    """ASCII digits and separators, Arabic letters rather than their presentation forms (as PDF text layers give
    them), no direction marks or tatweel, single spaces, one line per line; the first ``MAX_TEXT_CHARS``
    characters, each token cut at ``MAX_TOKEN_CHARS``."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARS]).translate(_DIGITS).translate(_SEPARATORS)
    text = _LONG_TOKEN.sub(lambda match: match.group(0)[:MAX_TOKEN_CHARS], _MARKS.sub("", text))[:MAX_TEXT_CHARS]
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())


def parse_amount(token: str) -> float | None:
    """``1.234,56`` (Italian), ``1,234.56`` (English), ``1 234,56``, ``1234.5``: the last separator followed by one
    or two digits is the decimal point; any other separator groups thousands."""
    token = token.strip().replace(" ", "").replace("'", "")
    negative = token.startswith("-")
    token = token.lstrip("-")
    if not token or not re.fullmatch(r"[\d.,]+", token):
        return None
    decimals = ""
    match = re.search(r"[.,](\d{1,2})$", token)
    if match:
        decimals, token = match.group(1), token[: match.start()]
    digits = token.replace(".", "").replace(",", "")
    if not digits or len(digits.lstrip("0")) > MAX_AMOUNT_DIGITS:
        return None
    value = float(f"{digits}.{decimals or 0}")
    return -value if negative else value


def parse_date(token: str) -> date | None:
    """A date written ``2026-03-31``, ``31/03/2026``, ``31.03.26``, ``31 marzo 2026`` or ``March 31, 2026``; day
    before month where numbers could be either (Italian, Arabic and British bills), month first when the day
    cannot be a month."""
    token = token.strip().lower().replace(",", "")
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", token):
            year, month, day = map(int, token.split("-"))
            return date(year, month, day)
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", token):
            first, second, year = map(int, re.split(r"[/.-]", token))
            year += 2000 if year < 100 else 0
            day, month = (first, second) if second <= 12 else (second, first)
            return date(year, month, day)
        words = token.split()
        if words[0].isdigit():  # 31 marzo 2026
            return date(int(words[-1]), MONTHS[" ".join(words[1:-1])], int(words[0]))
        return date(int(words[-1]), MONTHS[" ".join(words[:-2])], int(words[-2]))  # march 31 2026
    except (ValueError, KeyError, IndexError):
        return None


def iban_is_valid(iban: str) -> bool:
    iban = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def vat_key(vat: str) -> str:
    """A VAT number without its country prefix, spaces and dots: ``IT 098.765`` and ``098765`` are one."""
    return re.sub(r"^[A-Z]{2}", "", re.sub(r"[\s.-]", "", vat.upper()))


def _name_key(name: str) -> str:
    return re.sub(r"[^\w]+", " ", LEGAL_FORMS.sub(" ", name.lower())).strip()


# ---------------------------------------------------------------------- labels and values


def _labels(name, layout):
    learned = tuple(label for label in (layout or {}).get(name, ()) if label)
    return learned, tuple(sorted(LABELS.get(name, ()), key=len, reverse=True))


# Arabic letters that differ only by their dots (or hamza) share a skeleton: OCR often misses or adds a dot, so labels
# are compared by skeleton. One character for one, so that positions in the line stay valid.
_SKELETON = str.maketrans(
    {
        **dict.fromkeys("بتثنيىئ", "ٮ"),
        **dict.fromkeys("جحخ", "ح"),
        **dict.fromkeys("دذ", "د"),
        **dict.fromkeys("رز", "ر"),
        **dict.fromkeys("سش", "س"),
        **dict.fromkeys("صض", "ص"),
        **dict.fromkeys("طظ", "ط"),
        **dict.fromkeys("عغ", "ع"),
        **dict.fromkeys("فق", "ف"),
        **dict.fromkeys("ةه", "ه"),
        **dict.fromkeys("أإآا", "ا"),
        **dict.fromkeys("ؤو", "و"),
        **dict.fromkeys("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652", " "),
    }
)


def skeleton(text):
    """``text`` with Arabic letters reduced to their undotted skeleton, character for character."""
    return text.translate(_SKELETON)


def _is_arabic(char):
    return "\u0600" <= char <= "\u06ff"


def _label_pattern(label):
    """A label as a pattern; Arabic letters may be spaced apart, as PDF text layers often give them."""
    if not re.search("[\u0600-\u06ff]", label):
        return re.escape(label)
    return " ?".join(re.escape(char) for char in skeleton(label).replace(" ", ""))


def _label_spans(line_lower, labels):
    """``(start, end, label)`` of the first label found as whole words in the line."""
    line_lower = skeleton(line_lower)
    for label in labels:
        for match in re.finditer(_label_pattern(label), line_lower):
            before = line_lower[match.start() - 1] if match.start() else " "
            after = line_lower[match.end()] if match.end() < len(line_lower) else " "
            # whole words; a PDF may glue an Arabic label to the Latin value after it
            if not (before.isalnum() or (after.isalpha() and _is_arabic(after) == _is_arabic(label[-1]))):
                return match.start(), match.end(), label
    return None


def _line_owner(line_lower, layout):
    """The field whose longest label this line holds (learned labels first), with the label's position."""
    found = []
    for name in LABELS:
        learned, standard = _labels(name, layout)
        for labels, quality in ((learned, FOUND_LEARNED), (standard, FOUND_LABEL)):
            span = _label_spans(line_lower, labels)
            if span:
                found.append((name, span[:2], span, quality))
    return max(found, key=lambda owner: (owner[3], len(owner[2][2])), default=None)


def _value(name, text):
    """The first value of field ``name`` in ``text``."""
    if name in DATE_FIELDS:
        match = DATE_RE.search(text)
        return parse_date(match.group(0)) if match else None
    if name == "ref":
        reference = _reference(text.strip(" :#.-"))
        return reference.rstrip(".") if reference else None
    if name == "vat":
        match = VAT_RE.search(text.upper())
        return match.group(0).replace(" ", "") if match else None
    amounts = [parse_amount(match.group(0)) for match in AMOUNT_RE.finditer(text)]
    amounts = [amount for amount in amounts if amount is not None]
    return amounts[-1] if amounts else None


def _reference(text):
    """The first run of word characters, ``/``, ``.`` and ``-`` holding a Latin letter or a digit followed by a digit,
    from that letter or digit on (INV-2026/0147, 318): each run is looked at once, whatever its length."""
    for run in re.finditer(r"[\w/.-]+", text):
        token = run.group(0)
        last_digit = max((index for index, char in enumerate(token) if char.isdecimal()), default=0)
        start = re.search(r"[A-Za-z0-9]", token[:last_digit])
        if start:
            return token[start.start() :]
    return None


# ---------------------------------------------------------------------- reading


def read_bill(text, vendors=(), own_vats=(), own_domains=(), layouts=None, ocr=False, codes=()):  # noqa: C901 one step per field, in reading order
    """Read the bill in ``text``.

    :param vendors: the ``Vendor`` candidates; the one identified is ``values["vendor_id"]``
    :param own_vats, own_domains: the buyer's own VAT numbers and e-mail domains, which identify no vendor
    :param layouts: ``{vendor id: layout}`` learned from each vendor's earlier bills (``learn_layout``)
    :param ocr: the text comes from OCR: every confidence is a little lower
    :param codes: the ``bill_codes.Code`` read on the bill, whose values outrank the text's
    """
    text = normalize(text)
    if ocr:
        text = OCR_ARABIC_DECIMAL_RE.sub(r"\2.\1", text)
    lines = [line for line in text.splitlines() if line]
    reading = Reading()
    vendor, how = match_vendor(text, vendors, own_vats, own_domains)
    layout = None
    if vendor:
        reading.set("vendor_id", vendor.id, how)
        layout = clean_layout((layouts or {}).get(vendor.id))
    for index, line in enumerate(lines):
        owner = _line_owner(line.lower(), layout)
        if not owner:
            continue
        name, (start, end), _span, quality = owner
        value = _value(name, line[end:])
        if value is None:
            value = _value(name, line[:start])
        if value is None and index + 1 < len(lines) and _only_a_value(lines[index + 1]):
            value, quality = _value(name, lines[index + 1]), quality - 0.04
        if name == "vat" or value is None:
            continue
        if name == "ref" and (dated := DATE_RE.search(line[end:])):
            # "Fattura n. 318 del 31/03/2026": the number and its date in one line
            reading.set("invoice_date", parse_date(dated.group(0)), quality - 0.04)
        if name == "tax" and (rate := PERCENT_RE.search(line)):
            reading.set("tax_rate", parse_amount(rate.group(1) or rate.group(2)), quality)
        if name in AMOUNT_FIELDS and name in reading.values:
            continue  # the first total of a kind is the bill's (a later "Total" may be a page's or a line's)
        reading.set(name, value, quality)
    if "due_date" not in reading.values and "invoice_date" in reading.values:
        days = PAYMENT_DAYS_RE.search(text)
        if days:
            term = int(days.group(1) or days.group(2))
            reading.set("due_date", reading.values["invoice_date"] + timedelta(days=term), FOUND_INFERRED)
    _unlabelled_dates(reading, text)
    if "ref" not in reading.values and (number := DOCUMENT_NUMBER_RE.search(text)):
        reading.set("ref", number.group(0), FOUND_GUESSED)
    reading.set("currency", _currency(text), FOUND_LABEL)
    reading.lines = _table(lines)
    _check_amounts(reading)
    if ocr:
        reading.confidence = {name: round(value * OCR_FACTOR, 3) for name, value in reading.confidence.items()}
    if codes:
        _apply_codes(reading, codes, vendors, own_vats)
    return reading


def _apply_codes(reading, codes, vendors, own_vats=()):
    """The values of the bill's codes replace those of its text (the first code's, where two disagree); the vendor
    is the one of the code's VAT number or IBAN. The amounts are then checked again."""
    values = {}
    for code in codes:
        values = {**code.values, **values}
    vats = {vat_key(values["vat"])} - {vat_key(vat) for vat in own_vats} if values.get("vat") else set()
    iban = values.get("iban")
    vendor = next((vendor for vendor in vendors if vats & {vat_key(vat) for vat in vendor.vats}), None)
    vendor = vendor or next(
        (vendor for vendor in vendors if iban and iban in {each.replace(" ", "").upper() for each in vendor.ibans}),
        None,
    )
    if vendor:
        reading.values["vendor_id"], reading.confidence["vendor_id"] = vendor.id, FOUND_CODE
        reading.coded.append("vendor_id")
    for name in CODE_FIELDS:
        if values.get(name) is not None:
            reading.values[name], reading.confidence[name] = values[name], FOUND_CODE
            reading.coded.append(name)
    if not set(reading.coded) & set(AMOUNT_FIELDS):
        return
    reading.flags = []
    untaxed, tax, total = (reading.values.get(name) for name in AMOUNT_FIELDS)
    if untaxed is not None and tax is not None and total is not None and not _close(untaxed + tax, total):
        reading.flags.append("totals")
    if reading.lines and untaxed is not None and not _close(sum(line.amount for line in reading.lines), untaxed):
        reading.flags.append("lines")
    if "tax" in reading.coded and untaxed:
        rate = 100 * tax / untaxed
        nearest = min(TAX_RATES, key=lambda known: abs(known - rate))
        if abs(nearest - rate) < 0.1:
            reading.values["tax_rate"], reading.confidence["tax_rate"] = nearest, FOUND_CODE


def _unlabelled_dates(reading, text):
    """Where no label was read (a misread one): the bill's first date is its date, the next later one is due."""
    dates = [parse_date(match.group(0)) for match in DATE_RE.finditer(text)]
    dates = [day for day in dates if day]
    if "invoice_date" not in reading.values and dates:
        reading.set("invoice_date", dates[0], FOUND_GUESSED)
    issued = reading.values.get("invoice_date")
    later = [day for day in dates if issued and day > issued]
    if "due_date" not in reading.values and later:
        reading.set("due_date", later[0], FOUND_GUESSED)


def _only_a_value(line):
    """A line holding one value and no label, as under a label of a form's layout (not a row of a table)."""
    return len(line.split()) <= 2 and re.search(r"\d", line) is not None


def _currency(text):
    upper = text.upper()
    counts = {code: sum(upper.count(sign.upper()) for sign in signs) for code, signs in CURRENCIES}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _table(lines):
    """The lines of the bill's table: a description followed by quantity, unit price (an optional VAT rate) and an
    amount equal to quantity x price; the table ends at the first totals' label."""
    result = []
    for line in lines:
        if result and _line_owner(line.lower(), None):
            break
        cleaned = PERCENT_RE.sub(" ", line)
        numbers = [(match, parse_amount(match.group(0))) for match in AMOUNT_RE.finditer(cleaned)]
        numbers = [(match, value) for match, value in numbers if value is not None]
        if len(numbers) < 3:
            continue
        (first, quantity), (_match, price), (_last, amount) = numbers[-3:]
        if quantity <= 0 or abs(quantity * price - amount) > max(0.011, abs(amount) * 0.001):
            continue
        description = cleaned[: first.start()].strip(" -:|")
        if description and re.search(r"[^\W\d_]", description):
            result.append(BillLine(description, quantity, price, amount))
    return result


def _close(a, b):
    return abs(a - b) <= 0.011


def _check_amounts(reading):  # noqa: C901 the cases of which amounts the bill printed, each a few lines
    """Complete the amounts from each other and the lines; flag what does not add up."""
    values, confidence = reading.values, reading.confidence
    untaxed, tax, total = (values.get(name) for name in AMOUNT_FIELDS)
    lines_total = round(sum(line.amount for line in reading.lines), 2) if reading.lines else None
    if untaxed is None and lines_total is not None:
        reading.set("untaxed", lines_total, FOUND_INFERRED)
    elif untaxed is None and total is not None and tax is not None:
        reading.set("untaxed", round(total - tax, 2), FOUND_INFERRED)
    untaxed = values.get("untaxed")
    if tax is None and untaxed is not None and total is not None:
        reading.set("tax", round(total - untaxed, 2), FOUND_INFERRED)
    elif tax is None and untaxed is not None and "tax_rate" in values:
        reading.set("tax", round(untaxed * values["tax_rate"] / 100, 2), FOUND_INFERRED)
    tax = values.get("tax")
    if total is None and untaxed is not None and tax is not None:
        reading.set("total", round(untaxed + tax, 2), FOUND_INFERRED)
    total = values.get("total")
    if untaxed is not None and tax is not None and total is not None:
        mended = None
        if not _close(untaxed + tax, total) and "tax_rate" in values:
            mended = _mend_by_rate(reading)
            untaxed, tax, total = (values[name] for name in AMOUNT_FIELDS)
        if _close(untaxed + tax, total):
            for name in set(AMOUNT_FIELDS) - {mended}:
                confidence[name] = max(confidence[name], 0.99)
        else:
            reading.flags.append("totals")
    if lines_total is not None and untaxed is not None and not _close(lines_total, untaxed):
        reading.flags.append("lines")
    if "tax_rate" not in values and untaxed and tax is not None:
        rate = 100 * tax / untaxed
        nearest = min(TAX_RATES, key=lambda known: abs(known - rate))
        if abs(nearest - rate) < 0.1:
            reading.set("tax_rate", nearest, FOUND_INFERRED)


def _mend_by_rate(reading):
    """Three amounts that do not add up, and the VAT rate: two of them that agree with the rate are right (a
    misread digit rarely keeps that agreement), the third is computed from them; the name of the one mended."""
    values, rate = reading.values, reading.values["tax_rate"] / 100
    untaxed, tax, total = (values[name] for name in AMOUNT_FIELDS)
    if _close(untaxed * (1 + rate), total):
        name, value = "tax", total - untaxed
    elif _close(untaxed * rate, tax):
        name, value = "total", untaxed + tax
    elif rate and abs(tax * (1 + rate) / rate - total) <= 0.006 * (1 + rate) / rate:
        name, value = "untaxed", total - tax
    else:
        return None
    values[name], reading.confidence[name] = round(value, 2), FOUND_GUESSED
    return name


# ---------------------------------------------------------------------- vendors and learning


@dataclass(frozen=True)
class Identifiers:
    """What identifies the sender on a bill: VAT numbers (as written, and without their country prefix), valid
    IBANs and e-mail domains, the buyer's own left out."""

    vats: frozenset
    ibans: frozenset
    domains: frozenset


def identifiers(text, own_vats=(), own_domains=()):
    """The ``Identifiers`` written in ``text`` (normalized); the first ``MAX_DOMAINS`` e-mail domains."""
    own_vats = {vat_key(vat) for vat in own_vats}
    own_domains = {domain.lower() for domain in own_domains}
    vats = {re.sub(r"[\s.-]", "", token) for token in VAT_RE.findall(text.upper())}
    return Identifiers(
        vats=frozenset(form for vat in vats if vat_key(vat) not in own_vats for form in (vat, vat_key(vat))),
        ibans=frozenset(
            iban for iban in (token.replace(" ", "") for token in IBAN_RE.findall(text.upper())) if iban_is_valid(iban)
        ),
        domains=frozenset(
            [domain for domain in dict.fromkeys(map(str.lower, EMAIL_RE.findall(text))) if domain not in own_domains][
                :MAX_DOMAINS
            ]
        ),
    )


def match_vendor(text, vendors, own_vats=(), own_domains=()):
    """``(vendor, confidence)``: by VAT number, else IBAN, else e-mail domain, else name; ``(None, 0)``."""
    text = normalize(text)
    found = identifiers(text, own_vats, own_domains)
    for vendor in vendors:
        if found.vats & {vat_key(vat) for vat in vendor.vats}:
            return vendor, 0.99
    for vendor in vendors:
        if found.ibans & {iban.replace(" ", "").upper() for iban in vendor.ibans}:
            return vendor, 0.95
    for vendor in vendors:
        if found.domains & {domain.lower() for domain in vendor.domains}:
            return vendor, 0.9
    words = f" {_name_key(text)} "
    named = [vendor for vendor in vendors if _name_key(vendor.name) and f" {_name_key(vendor.name)} " in words]
    if named:
        return max(named, key=lambda vendor: len(_name_key(vendor.name))), 0.75
    return None, 0.0


def learn_layout(text, truth, layout=None):
    """The labels this vendor writes before each field, learned from one of its bills and the values a person
    confirmed on it (``truth``: field -> value); merged into ``layout`` (field -> labels, newest first, at most
    ``MAX_LABELS`` of each field)."""
    layout = clean_layout(layout)
    lines = [line for line in normalize(text).splitlines() if line]
    for name, expected in truth.items():
        if name not in LABELS or expected in (None, False, ""):
            continue
        for index, line in enumerate(lines):
            position = _position_of(name, expected, line)
            if position is None:
                continue
            label = re.sub(r"[\s:#.\-]+$", "", line[:position]).strip().lower()
            if not label and index:
                label = re.sub(r"[\s:#.\-]+$", "", lines[index - 1]).strip().lower()
            if label and len(label) <= MAX_LABEL_CHARS and not re.search(r"\d{3}", label):
                known = layout.setdefault(name, [])
                if label in known:
                    known.remove(label)
                known.insert(0, label)
                del known[MAX_LABELS:]
            break
    return layout


def clean_layout(layout):
    """A stored layout as the reader uses it (it is data a user may have written): the known fields, each with at most
    ``MAX_LABELS`` labels of at most ``MAX_LABEL_CHARS`` characters."""
    if not isinstance(layout, dict):
        return {}
    cleaned = {}
    for name in LABELS:
        labels = layout.get(name)
        if isinstance(labels, list):
            labels = [label for label in labels if isinstance(label, str) and 0 < len(label) <= MAX_LABEL_CHARS]
            if labels:
                cleaned[name] = labels[:MAX_LABELS]
    return cleaned


def _position_of(name, expected, line):
    """Where ``expected`` (the confirmed value of field ``name``) starts in ``line``, or None."""
    if name in DATE_FIELDS:
        matches = [match for match in DATE_RE.finditer(line) if parse_date(match.group(0)) == expected]
    elif name == "ref":
        index = line.find(str(expected))
        return index if index > 0 else None
    else:
        matches = [match for match in AMOUNT_RE.finditer(line) if parse_amount(match.group(0)) == expected]
    return matches[0].start() if matches and matches[0].start() > 0 else None
