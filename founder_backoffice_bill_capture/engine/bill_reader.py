"""Reading a supplier bill from its words and their boxes (``bill_layout``) — a PDF's text layer or the OCR of a
scan — in English, Italian or Arabic: the vendor, the bill number, dates, currency, amounts, VAT and lines, each
with a confidence.

Each word is normalized first (Arabic-Indic digits and separators, direction marks), the words grouped into lines
and cells. Each field has labels (``LABELS``, per language; where labels overlap the longest wins: "Total Taxable
Amount (Excluding VAT)" is untaxed, not the VAT nor the total). A label's value is after it in its line (an Arabic
label's: to its left), up to the next label and at most ``CELL_REACH`` cells away, else under it in its column (a
header grid, a summary's heading). An amount given per VAT rate is summed over the rates, never taken for the
document's amount on its own; the amounts that add up (untaxed + VAT = total) are preferred among those read.
``total`` is the document's total: with withholding or split payment the amount to pay (``to_pay``) is less; with
reverse charge the VAT is 0. Hijri dates are converted (Umm al-Qura), a Gregorian date printed beside them wins.
A vendor's earlier bills teach the labels that vendor uses (``learn_layout``). The amounts are checked against each
other (untaxed + VAT = total, the lines' sum = untaxed); a field below ``LOW_CONFIDENCE`` or an inconsistent amount
is listed in ``Reading.to_check``.

The codes printed on the bill (``bill_codes``: a ZATCA, EPC or Swiss QR code) are exact: what they give outranks
what was read in the text (confidence ``FOUND_CODE``), and they name the vendor by its VAT number or IBAN.

The words come from files anyone may e-mail to the bills alias: at most ``MAX_WORDS`` of them and
``MAX_TEXT_CHARS`` characters are read, tokens cut at ``MAX_TOKEN_CHARS``; every pattern runs in time linear in its
text, and each step is linear or n log n in the number of words (a label looks below it at a bounded number of lines,
by bisection in each).
"""

import math
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice, pairwise

from . import bill_layout

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
# Bounds of the pairing: the words read (a 5-page bill has fewer), the lines looked at under a label (a form's value
# is on the next one or two; a summary has a row per rate, at most ``MAX_RATES``) and how far below (line heights),
# the words of one cell under a label, the cells to a label's side its value may be in, the values of one amount
# tried against each other.
MAX_WORDS = 6_000
BELOW_LINES, BELOW_GAP, MAX_RATES, MAX_CELL_WORDS = 2, 4.0, 6, 12
CELL_REACH, MAX_OPTIONS = 2, 3
# a label's words may be further apart than a cell's (OCR's boxes are the ink's: gaps look wider), not this many
# line heights
LABEL_GAP = 1.5
# the numbers of a table's row looked at, its last ones: a quantity, a price, an amount and a few other columns
MAX_ROW_NUMBERS = 6

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic decimal and thousands separators, Arabic comma; direction marks, tatweel, no-break spaces
_SEPARATORS = str.maketrans({"٫": ".", "٬": ",", "،": ",", "٪": "%", "\u00a0": " ", "\u202f": " ", "\u0640": None})
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
        "numero documento",
        "n. documento",
        "nr. documento",
        "document no",
        "document number",
        "inv. no",
        "tax invoice no",
        "invoice",
        "fattura",
        "tax invoice number",
        "rechnungsnummer",
        "rechnung nr.",
        "رقم الفاتورة",
        "فاتورة رقم",
    ),
    "invoice_date": (
        "invoice date",
        "date of issue",
        "issue date",
        "date",
        "invoice issue date",
        "data fattura",
        "data documento",
        "data emissione",
        "data doc.",
        "data",
        "rechnungsdatum",
        "datum",
        "تاريخ الفاتورة",
        "تاريخ الإصدار",
        "التاريخ",
        "تاريخ إصدار الفاتورة",
    ),
    "due_date": (
        "due date",
        "payment due",
        "data scadenza",
        "scadenza",
        "scadenza pagamento",
        "due by",
        "fällig am",
        "zahlbar bis",
        "تاريخ الاستحقاق",
        "تاريخ السداد",
    ),
    "untaxed": (
        "subtotal",
        "sub-total",
        "total excl. vat",
        "total excluding vat",
        "excluding vat",
        "excl. vat",
        "excl vat",
        "before vat",
        "net amount",
        "net",
        "nettobetrag",
        "zwischensumme",
        "net total",
        "total net",
        "taxable amount",
        "total taxable amount",
        "totale imponibile",
        "imponibile",
        "totale imponibile iva",
        "imponibile iva",
        "المجموع قبل الضريبة",
        "الإجمالي قبل الضريبة",
        "المجموع الفرعي",
        "المجموع قبل",
        "الإجمالي الخاضع للضريبة",
        "إجمالي المبلغ الخاضع للضريبة",
        "المبلغ الخاضع للضريبة",
        "الإجمالي غير شامل ضريبة القيمة المضافة",
        "غير شامل ضريبة القيمة المضافة",
        "قبل ضريبة القيمة المضافة",
        "قبل الضريبة",
    ),
    "tax": (
        "vat amount",
        "vat",
        "total vat",
        "vat total",
        "tax amount",
        "sales tax",
        "mwst",
        "ust",
        "umsatzsteuer",
        "totale iva",
        "iva",
        "imposta",
        "totale imposta",
        "ضريبة القيمة المضافة",
        "القيمة المضافة",
        "الضريبة",
        "مجموع ضريبة القيمة المضافة",
        "إجمالي ضريبة القيمة المضافة",
        "مبلغ الضريبة",
    ),
    "total": (
        "grand total",
        "total",
        "invoice total",
        "total amount",
        "gesamtbetrag",
        "endbetrag",
        "importo totale documento",
        "total incl. vat",
        "total including vat",
        "including vat",
        "incl. vat",
        "totale documento",
        "totale fattura",
        "importo totale",
        "totale",
        "الإجمالي",
        "إجمالي",
        "المجموع",
        "الإجمالي شامل ضريبة القيمة المضافة",
        "شامل ضريبة القيمة المضافة",
        "شامل الضريبة",
        "الإجمالي شامل الضريبة",
        "إجمالي قيمة الفاتورة",
    ),
    # the amount to pay: the total, but for withholding (ritenuta d'acconto) and split payment, where it is less
    "to_pay": (
        "total due",
        "amount due",
        "balance due",
        "amount to pay",
        "total amount due",
        "totale da pagare",
        "netto a pagare",
        "importo da pagare",
        "netto da pagare",
        "الإجمالي المستحق",
        "المبلغ المستحق",
        "إجمالي المبلغ المستحق",
        "المبلغ المستحق الدفع",
    ),
    "withholding": (
        "ritenuta d'acconto",
        "ritenuta d’acconto",
        "ritenuta",
        "withholding tax",
        "withholding",
    ),
    "discount": (
        "discount",
        "sconto",
        "خصم",
        "الخصم",
    ),
    "vat": (
        "vat number",
        "vat no",
        "vat id",
        "tax id",
        "partita iva",
        "p.iva",
        "p. iva",
        "p.iva/c.f.",
        "codice fiscale",
        "vat registration number",
        "vat reg. no",
        "vat reg no",
        "vat registration no",
        "ust-idnr",
        "ust-id",
        "steuernummer",
        "tax registration number",
        "trn",
        "الرقم الضريبي",
        "رقم التسجيل الضريبي",
        "رقم تسجيل ضريبة القيمة المضافة",
    ),
    # a rate's line (its per-rate amounts are summed) and the headings of the lines' table (its "Total" column is no
    # total of the bill): matched like labels, they take no value
    "rate": (
        "aliquota",
        "aliquota iva",
        "vat rate",
        "rate",
        "% iva",
        "%iva",
        "iva %",
        "vat %",
        "% vat",
        "%vat",
        "tax rate",
        "نسبة الضريبة",
    ),
    "other": (
        "imposta di bollo",
        "bollo",
        "stamp duty",
        "cassa previdenza",
        "rivalsa inps",
        "amount paid",
        "tax invoice",
        "simplified tax invoice",
        "vat invoice",
        "فاتورة ضريبية",
        "فاتورة ضريبية مبسطة",
        "date of supply",
        "supply date",
        "delivery date",
        "order date",
        "data consegna",
        "data ordine",
        "تاريخ التوريد",
    ),
}
# a line of the lines' table heading holds two of these: its labels pair with no value
TABLE_HEADINGS = (
    "description",
    "qty",
    "quantity",
    "unit price",
    "price",
    "descrizione",
    "quantità",
    "q.tà",
    "qtà",
    "prezzo",
    "prezzo unitario",
    "الوصف",
    "البيان",
    "الكمية",
    "سعر الوحدة",
    "السعر",
)
# wording of a bill whose VAT the buyer pays to the state: the tax is 0 (reverse charge), or is not paid to the vendor
# (split payment: the amount to pay is the untaxed amount, the document total stays untaxed + VAT)
REVERSE_CHARGE = ("reverse charge", "reverse-charge", "inversione contabile", "autoliquidazione", "الاحتساب العكسي")
SPLIT_PAYMENT = ("split payment", "scissione dei pagamenti", "17-ter")
AMOUNT_LABELS = ("untaxed", "tax", "total", "to_pay", "withholding", "discount")
# fields whose labels take no value: they only keep their words from another field's labels
NO_VALUE = ("vat", "rate", "other")
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
    # the Hijri months: a date written with one has a Hijri year (``HIJRI_YEARS``), converted by ``parse_date``
    **{
        name: number
        for number, names in enumerate(
            (
                ("محرم",),
                ("صفر",),
                ("ربيع الأول", "ربيع الاول"),
                ("ربيع الآخر", "ربيع الثاني"),
                ("جمادى الأولى", "جمادى الاولى"),
                ("جمادى الآخرة", "جمادى الثانية"),
                ("رجب",),
                ("شعبان",),
                ("رمضان",),
                ("شوال",),
                ("ذو القعدة",),
                ("ذو الحجة",),
            ),
            1,
        )
        for name in names
    },
}
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
DATE_RE = re.compile(
    rf"(?P<iso>\b\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}\b)"
    rf"|(?P<num>\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b)"
    rf"|(?P<dmy>\b\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}}\b)"
    rf"|(?P<mdy>\b(?:{_MONTH})\s+\d{{1,2}}[,.]?\s+\d{{4}}\b)",
    re.IGNORECASE,
)
# thousands grouped by "." "," or "'" (a space separates the columns of a table)
AMOUNT_RE = re.compile(r"(?<![\w.,/-])-?(?:\d{1,3}(?:[.,']\d{3})+|\d+)(?:[.,]\d{1,2})?(?![\w/%]|[.,]\d)")
SPACED_AMOUNT_RE = re.compile(r"(?<![\w.,])\d{1,3}(?: \d{3})+[.,]\d{2}(?![\w.,])")
# where no label was read: a token of letters and digits as programs number documents (INV-2026-0147, FT/318)
DOCUMENT_NUMBER_RE = re.compile(r"\b[A-Z]{2,5}[-/ ]?\d{2,4}(?:[-/]\d{1,6})+\b")
# Tesseract writes an Arabic-Indic amount's decimals first and its decimal separator as the letter reh:
# 18087.15 printed in Arabic-Indic digits comes out as "15ر18087"
OCR_ARABIC_DECIMAL_RE = re.compile(r"(?<![\w.,])(\d{2})ر(\d{1,9})(?![\w.,])")
# "22%", and "%15" as Arabic writes it
PERCENT_RE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%|%\s?(\d{1,2}(?:[.,]\d{1,2})?)(?![\d.,]\d)")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
# an address's domain, found from its "@" (a run of letters without one costs nothing), labels of at most 63 characters
EMAIL_RE = re.compile(r"(?<=[\w.+-])@([\w-]{1,63}(?:\.[\w-]{1,63}){1,8})")
VAT_RE = re.compile(r"\b(?:[A-Z]{2} ?)?\d[\dA-Z]{7,14}\b")
NET_TERM_RE = re.compile(r"net\s+\d{1,3}(?!\d|[.,]\d)", re.IGNORECASE)
PAYMENT_DAYS_RE = re.compile(r"(?:net\s+(\d{1,3})\b|(\d{1,3})\s*(?:days|giorni|gg|يوم|أيام))", re.IGNORECASE)
CURRENCIES = (
    ("EUR", ("EUR", "€", "يورو")),
    ("USD", ("USD", "US$", "$", "دولار")),
    ("GBP", ("GBP", "£")),
    ("SAR", ("SAR", "ر.س", "ريال")),
    ("AED", ("AED", "د.إ", "درهم")),
)
TAX_RATES = (22.0, 20.0, 15.0, 10.0, 5.0, 4.0, 0.0)
# the one VAT rate of a currency's country, that mends amounts read wrong when the bill's rate was not read
STANDARD_RATES = {"SAR": 15.0, "AED": 5.0}
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
    fields read from a code printed on the bill (``coded``). Besides the bill's fields, ``values`` may hold its
    ``tax_rate`` (one rate printed), ``to_pay``, ``withholding``, ``discount`` and ``split_payment``."""

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


def parse_date(token: str, month_first=False) -> date | None:
    """A date written ``2026-03-31``, ``31/03/2026``, ``31.03.26``, ``31 marzo 2026`` or ``March 31, 2026``; day
    before month where numbers could be either (Italian, Arabic and British bills), unless ``month_first`` (a bill
    whose other dates show it writes the month first, as American ones do), month first when the day cannot be a
    month."""
    token = token.strip().lower().replace(",", "")
    try:
        if re.fullmatch(r"\d{4}[/.-]\d{1,2}[/.-]\d{1,2}", token):
            year, month, day = map(int, re.split(r"[/.-]", token))
            return _gregorian(year, month, day)
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", token):
            first, second, year = map(int, re.split(r"[/.-]", token))
            year += 2000 if year < 100 else 0
            day, month = (second, first) if second > 12 or (month_first and first <= 12) else (first, second)
            return _gregorian(year, month, day)
        words = token.replace(".", " ").split()  # "January 17. 2026": OCR's comma
        if words[0].isdigit():  # 31 marzo 2026
            return _gregorian(int(words[-1]), MONTHS[" ".join(words[1:-1])], int(words[0]))
        return _gregorian(int(words[-1]), MONTHS[" ".join(words[:-2])], int(words[-2]))  # march 31 2026
    except (ValueError, KeyError, IndexError):
        return None


# Umm al-Qura, the calendar of Saudi Arabia's official dates: the months of each year from 1440 AH, "1" for a month
# of 30 days and "0" for 29, and the Gregorian date of 1 Muharram 1440. Source: the Umm al-Qura tables of the
# Institute of Astronomical and Geophysical Research (KACST), as published in the "hijridate" package's data.
HIJRI_FIRST_YEAR, HIJRI_EPOCH = 1440, date(2018, 9, 11)
HIJRI_MONTHS = (
    "010111010100",
    "101011011010",
    "010101011010",
    "101010101011",
    "010110010101",
    "011101001001",
    "011101100100",
    "101110101010",
    "010110110101",
    "001010110110",
    "101001010110",
    "110100101010",
    "111010010101",
    "011100101010",
    "011101010101",
    "001101011010",
    "100101011101",
    "010010011011",
    "101001001101",
    "110100100110",
    "110101010011",
    "010110101010",
    "101010101101",
    "010010110110",
    "101001010111",
    "010100100111",
    "101010010101",
    "101101001010",
    "101101010101",
    "001101101100",
    "100110101110",
)
# a year in this range is a Hijri one: no bill is dated before 1600 AD, none after 1600 AH
HIJRI_YEARS = range(1300, 1601)
# a Gregorian year out of this range is a misread one (7071 for 2026)
GREGORIAN_YEARS = range(1970, 2101)


def hijri_to_gregorian(year, month, day):
    """The Gregorian date of an Umm al-Qura date of the years ``HIJRI_MONTHS`` covers, else None."""
    index = year - HIJRI_FIRST_YEAR
    if not (0 <= index < len(HIJRI_MONTHS) and 1 <= month <= 12):
        return None
    if not 1 <= day <= 29 + int(HIJRI_MONTHS[index][month - 1]):
        return None
    days = sum(354 + row.count("1") - 6 for row in HIJRI_MONTHS[:index])
    days += sum(29 + int(flag) for flag in HIJRI_MONTHS[index][: month - 1])
    return HIJRI_EPOCH + timedelta(days=days + day - 1)


def _gregorian(year, month, day):
    """The date of these numbers: a Hijri year's converted (``hijri_to_gregorian``)."""
    if year in HIJRI_YEARS:
        return hijri_to_gregorian(year, month, day)
    return date(year, month, day) if year in GREGORIAN_YEARS else None


def _is_hijri(text):
    return any(int(year) in HIJRI_YEARS for year in re.findall(r"(?<!\d)\d{4}(?!\d)", text))


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


def _label_pattern(label):
    """A label as a pattern of whole words; Arabic letters may be spaced apart, as PDF text layers often give them,
    and a PDF may glue an Arabic label to the Latin value after it (or a Latin one to an Arabic value)."""
    if not re.search("[\u0600-\u06ff]", label):
        return rf"(?<!\w){re.escape(label)}(?![^\W\d_\u0600-\u06ff])"
    return rf"(?<!\w){' ?'.join(re.escape(char) for char in skeleton(label).replace(' ', ''))}(?![\u0600-\u06ff])"


def _label_key(text):
    return skeleton(text).replace(" ", "")


def _labels_pattern(labels):
    """One pattern of all ``labels``, longest first: where labels overlap, the longest (the most specific) wins."""
    return re.compile("|".join(_label_pattern(label) for label in sorted(labels, key=len, reverse=True)))


_STANDARD = {_label_key(label): name for name in reversed(LABELS) for label in LABELS[name]}
_STANDARD_RE = _labels_pattern(label for name in LABELS for label in LABELS[name])


def _label_finder(layout):
    """``(pattern, {label key: (field, quality)})``: the vendor's learned labels first, then the standard ones."""
    found = {key: (name, FOUND_LABEL) for key, name in _STANDARD.items()}
    learned = [(name, label) for name, labels in (layout or {}).items() for label in labels]
    if not learned:
        return (_STANDARD_RE,), found
    found.update({_label_key(label): (name, FOUND_LEARNED) for name, label in learned})
    return (_labels_pattern(label for _name, label in learned), _STANDARD_RE), found


def _month_first(text):
    """Whether the bill writes its dates month first: one of them cannot be read day first (03/22/2026)."""
    return any(
        int(match.group(1)) <= 12 < int(match.group(2))
        for match in re.finditer(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}(?![\d/.-])", text)
    )


def _value(name, text, month_first=False):
    """The first value of field ``name`` in ``text``."""
    if name in DATE_FIELDS:
        # a Gregorian date printed beside a Hijri one wins
        days = [(match.group(0), parse_date(match.group(0), month_first)) for match in DATE_RE.finditer(text)]
        days = [(_is_hijri(written), day) for written, day in days if day]
        return min(days, key=lambda found: found[0])[1] if days else None
    if name == "ref":
        reference = _reference(text.strip(" :#.-"))
        return reference.rstrip(".") if reference else None
    if name == "vat":
        match = VAT_RE.search(text.upper())
        return match.group(0).replace(" ", "") if match else None
    text = PERCENT_RE.sub(" ", text)
    # "12 442,22": thousands a space apart, as OCR reads a thin space (only after a label: in a table, a space
    # parts two columns)
    spaced = SPACED_AMOUNT_RE.findall(text)
    amounts = [parse_amount(token) for token in spaced or [match.group(0) for match in AMOUNT_RE.finditer(text)]]
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


# ---------------------------------------------------------------------- the page's lines and labels


@dataclass
class _Line:
    """A line of the page: its words left to right, their reading order, its text in reading order (``text``, and
    lower case by skeleton: ``key``), where each word starts in it, each word's cell, and the labels found in it."""

    words: list
    order: list
    text: str
    key: str
    starts: list
    cell_of: list
    cell_by_id: dict
    height: float
    top: float
    bottom: float
    xs: list
    labels: list = field(default_factory=list)
    heading: bool = False

    def word_at(self, offset):
        return bisect_right(self.starts, offset) - 1


@dataclass
class _Label:
    arabic: bool
    name: str
    quality: float
    start: int
    end: int
    x0: float
    x1: float
    cell: int
    column: tuple  # (left, right): the words under it whose middle falls in it are in its column


def _normalized_words(words_or_text, ocr):
    """The words of the bill (a text is laid out as words), at most ``MAX_WORDS``, grouped into lines, each word's
    text normalized like a text (``normalize``); OCR's Arabic-Indic decimals put back in order."""
    if isinstance(words_or_text, str):
        text = words_or_text[:MAX_TEXT_CHARS]
        words = bill_layout.words_from_text(_ocr_decimals(text.translate(_DIGITS)) if ocr else text)
    else:
        words = list(islice(words_or_text, MAX_WORDS))
        if ocr:
            words = [bill_layout.Word(_ocr_decimals(word.text.translate(_DIGITS)), *_box(word)) for word in words]
    rows, chars = [], 0
    for row in bill_layout.lines(words[:MAX_WORDS]):
        kept = []
        for word in row:
            text = " ".join(normalize(word.text).split())
            if text and chars < MAX_TEXT_CHARS:
                kept.append(bill_layout.Word(text, *_box(word)))
                chars += len(text) + 1
        if kept:
            rows.append(kept)
    return rows


def _ocr_decimals(text):
    return OCR_ARABIC_DECIMAL_RE.sub(r"\2.\1", text)


def _box(word):
    return word.x0, word.y0, word.x1, word.y1, word.page


_HEADINGS_RE = _labels_pattern(TABLE_HEADINGS)


def _lines(rows, layout):
    """The ``_Line`` of each row of words, with the labels it holds (learned ones first, the longest where labels
    overlap, none across two cells)."""
    patterns, known = _label_finder(layout)
    result = []
    for row in rows:
        order = bill_layout.reading_order(row)
        cell_of, spans = {}, []
        for number, (first, last) in enumerate(bill_layout.cells(row)):
            cell_of.update((id(row[index]), number) for index in range(first, last + 1))
            spans.append((row[first].x0, row[last].x1))
        starts, offset = [], 0
        for word in order:
            starts.append(offset)
            offset += len(word.text) + 1
        text = " ".join(word.text for word in order)
        line = _Line(
            row,
            order,
            text,
            skeleton(text.lower()),
            starts,
            [cell_of[id(word)] for word in order],
            cell_of,
            bill_layout.line_height(row),
            min(word.y0 for word in row),
            max(word.y1 for word in row),
            [word.x0 for word in row],
        )
        taken = bytearray(len(text))
        for pattern in patterns:
            for match in pattern.finditer(line.key):
                if any(taken[match.start() : match.end()]):
                    continue
                first, last = line.word_at(match.start()), line.word_at(match.end() - 1)
                boxes = sorted(order[first : last + 1], key=lambda box: box.x0)
                if any(right.x0 - left.x1 > LABEL_GAP * line.height for left, right in pairwise(boxes)):
                    continue  # two cells far apart, not one label
                name, quality = known.get(_label_key(match.group(0)), (None, 0))
                if name:
                    taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
                    arabic = bill_layout.is_arabic(match.group(0))
                    cells = (cell_of[id(boxes[0])], cell_of[id(boxes[-1])])
                    line.labels.append(
                        _Label(
                            arabic,
                            name,
                            quality,
                            match.start(),
                            match.end(),
                            min(box.x0 for box in boxes),
                            max(box.x1 for box in boxes),
                            cells[0] if arabic else cells[1],
                            _column(spans, *cells, arabic),
                        )
                    )
        line.labels.sort(key=lambda label: label.start)
        line.heading = len(_HEADINGS_RE.findall(line.key)) >= 2
        result.append(line)
    return result


def _column(spans, first, last, arabic):
    """A label's column in a grid of headings (its words in cells ``first`` to ``last``): from its cell's left edge to
    the next cell's (an Arabic one's: from the previous cell's right edge to its own), so that a right-aligned amount
    under a left-aligned heading is in it; a label alone on its line reaches as far again as it is wide."""
    left, right = spans[first][0], spans[last][1]
    width = right - left
    if arabic:
        return (spans[first - 1][1] if first else left - width), right
    return left, (spans[last + 1][0] if last + 1 < len(spans) else right + width if len(spans) == 1 else math.inf)


def _segment(line, start, end, cell, reach):
    """The text of ``line`` between two offsets, cut where it goes more than ``reach`` cells from ``cell``."""
    if start >= end:
        return ""
    kept = [
        index
        for index in range(line.word_at(start), line.word_at(end - 1) + 1)
        if abs(line.cell_of[index] - cell) <= reach
    ]
    if not kept:
        return ""
    low, high = max(start, line.starts[kept[0]]), min(end, line.starts[kept[-1]] + len(line.order[kept[-1]].text))
    return line.text[low:high]


def _wrapped(lines, index, start, end):
    """The words on the line after ``lines[index]`` under its text between two offsets: what a narrow cell wrapped."""
    line = lines[index]
    words = line.order[line.word_at(start) : line.word_at(end - 1) + 1] if start < end else []
    if not words or index + 1 >= len(lines):
        return ""
    left, right = min(word.x0 for word in words), max(word.x1 for word in words)
    for below in lines[index + 1 : index + 1 + BELOW_LINES]:
        if below.words[0].page != line.words[0].page or below.top - line.bottom > BELOW_GAP * line.height:
            break
        position, under = bisect_right(below.xs, right) - 1, []
        while position >= 0 and below.words[position].x1 > left and len(under) < MAX_CELL_WORDS:
            under.append(below.words[position])
            position -= 1
        if under:
            return " ".join(word.text for word in bill_layout.reading_order(under[::-1]))
    return ""


def _below(lines, index, label, name, month_first=False):
    """The values under a label, in its column (a word overlapping it) on the next lines: ``[(value, row text)]``,
    one for a form's field, one per row of a summary by rate; none where a label is found there first."""
    found, line, skipped = [], lines[index], 0
    height, top = line.height, line.bottom
    for below in lines[index + 1 : index + 1 + BELOW_LINES + MAX_RATES]:
        if below.words[0].page != line.words[0].page or below.top - top > BELOW_GAP * height or skipped >= BELOW_LINES:
            break
        left, right = label.column
        position = bisect_right(below.xs, max(right, label.x1)) - 1
        under = []
        while position >= 0 and len(under) < MAX_CELL_WORDS:
            word = below.words[position]
            if left <= (word.x0 + word.x1) / 2 < right or (word.x1 > label.x0 and word.x0 < label.x1):
                under.append(word)
            elif word.x1 <= min(left, label.x0):
                break
            position -= 1
        if not under:
            if found:
                break
            skipped += 1
            continue
        cells = {below.cell_by_id[id(under[0])]}
        if any(each.cell in cells for each in below.labels):
            break
        # the words under the label itself, else in its column, else its cell
        overlapping = [word for word in under if word.x1 > label.x0 and word.x0 < label.x1]
        texts = [
            " ".join(word.text for word in bill_layout.reading_order(overlapping[::-1])),
            " ".join(word.text for word in bill_layout.reading_order(under[::-1])),
            " ".join(word.text for word, cell in zip(below.order, below.cell_of, strict=True) if cell in cells),
        ]
        value = next(
            (
                value
                for value in (_value(name, text, month_first) for text in texts if _bare(name, text))
                if value is not None
            ),
            None,
        )
        if value is None:
            break
        found.append((value, below.text))
        top = below.bottom
        summary = PERCENT_RE.search(below.text) or any(each.name == "rate" for each in line.labels)
        if name not in AMOUNT_FIELDS or not summary or len(found) > MAX_RATES:
            break
    return found


_CURRENCY_SIGNS = re.compile("|".join(re.escape(sign) for _code, signs in CURRENCIES for sign in signs), re.IGNORECASE)


def _bare(name, text):
    """Whether ``text`` is a value alone: a bill number of one word; an amount with its currency, or a date, and no
    other word of three letters or more — not an address's "12 Harbour Road" under a vendor named "Total Logistics"."""
    if name == "ref":
        return len(text.split()) == 1
    return not re.search(r"[^\W\d_]{3,}", _CURRENCY_SIGNS.sub(" ", DATE_RE.sub(" ", text)))


def _rate(text):
    match = PERCENT_RE.search(text)
    return parse_amount(match.group(1) or match.group(2)) if match else None


# ---------------------------------------------------------------------- reading


def read_bill(words, vendors=(), own_vats=(), own_domains=(), layouts=None, ocr=False, codes=()):  # noqa: C901 one step per field, in reading order
    """Read the bill in ``words`` (``bill_layout.Word``, or a text laid out as words).

    :param vendors: the ``Vendor`` candidates; the one identified is ``values["vendor_id"]``
    :param own_vats, own_domains: the buyer's own VAT numbers and e-mail domains, which identify no vendor
    :param layouts: ``{vendor id: layout}`` learned from each vendor's earlier bills (``learn_layout``)
    :param ocr: the text comes from OCR: every confidence is a little lower
    :param codes: the ``bill_codes.Code`` read on the bill, whose values outrank the text's
    """
    rows = _normalized_words(words, ocr)
    text = "\n".join(" ".join(word.text for word in bill_layout.reading_order(row)) for row in rows)
    reading = Reading()
    vendor, how = match_vendor(text, vendors, own_vats, own_domains)
    layout = None
    if vendor:
        reading.set("vendor_id", vendor.id, how)
        layout = clean_layout((layouts or {}).get(vendor.id))
    lines = _lines(rows, layout)
    amounts = {name: [] for name in AMOUNT_LABELS}
    month_first = _month_first(text)
    for index, line in enumerate(lines):
        claimed = -1  # the end of the text a label before took its value from
        for number, label in enumerate(line.labels):
            name, quality = label.name, label.quality
            if name in NO_VALUE or line.heading:
                continue
            found, claimed, below = _pair(lines, index, number, claimed, month_first)
            quality -= 0.02 if below else 0
            for row, (value, context) in enumerate(found):
                if name in AMOUNT_LABELS:
                    # the rows of a summary under its heading are one per rate, whether or not they print it
                    rate = _rate(context) if len(found) == 1 else (_rate(context) or f"row {row}")
                    amounts[name].append((value, quality, rate))
                    continue
                if name == "ref" and (dated := DATE_RE.search(context)):
                    # "Fattura n. 318 del 31/03/2026": the number and its date in one line
                    reading.set("invoice_date", parse_date(dated.group(0), month_first), quality - 0.04)
                if name in DATE_FIELDS and all(_is_hijri(match.group(0)) for match in DATE_RE.finditer(context)):
                    quality -= 0.05  # a Gregorian date printed elsewhere wins
                reading.set(name, value, quality)
    lowered = skeleton(text.lower())
    _amounts(reading, amounts, lowered)
    if "due_date" not in reading.values and "invoice_date" in reading.values:
        days = PAYMENT_DAYS_RE.search(text)
        if days:
            term = int(days.group(1) or days.group(2))
            reading.set("due_date", reading.values["invoice_date"] + timedelta(days=term), FOUND_INFERRED)
    _unlabelled_dates(reading, text, month_first)
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


def _pair(lines, index, number, claimed, month_first):
    """The values of label ``number`` of line ``index``: ``([(value, the text it was read in)], the end of the text
    its line's labels took values from, whether it was read below the label)``. After the label up to the next one
    (a date whose cell wrapped: with the words under it); an Arabic label's before it where the line was given in
    printed order; else under it, in its column."""
    line = lines[index]
    label = line.labels[number]
    following = line.labels[number + 1].start if number + 1 < len(line.labels) else len(line.text)
    after = _segment(line, label.end, following, label.cell, CELL_REACH)
    if label.name in AMOUNT_LABELS and NET_TERM_RE.match(line.text, label.start):
        return [], claimed, False  # "Net 30": a payment term, not a net amount
    if label.name == "tax" and VAT_RE.search(after.upper()):
        return [], claimed, False  # "VAT 311092837400003" (its "Number" wrapped below): a VAT number
    value, where = _value(label.name, after, month_first), after
    if value is None and label.name in DATE_FIELDS and after.strip():
        value = _value(label.name, f"{after} {_wrapped(lines, index, label.end, following)}", month_first)
    if value is None and label.arabic and label.start > claimed:
        start = max(line.labels[number - 1].end if number else 0, claimed)
        where = _segment(line, start, label.start, label.cell, CELL_REACH)
        value = _value(label.name, where, month_first)
    if value is not None:
        context = line.text[label.start : label.end] + " " + where
        return [(value, context)], following if where is after else label.start, False
    if not re.search(r"[^\W_]", PERCENT_RE.sub(" ", after)):
        return _below(lines, index, label, label.name, month_first), claimed, True
    return [], claimed, False


def _options(found):
    """The values a bill printed for one amount, best first: those with no rate in order, then the sum of the
    per-rate ones (the first of each rate): a rate's row is never the document's amount on its own."""
    plain = [(value, quality) for value, quality, rate in found if rate is None]
    rated = {}
    for value, quality, rate in found:
        if rate is not None:
            rated.setdefault(rate, (value, quality))
    options = plain[:MAX_OPTIONS]
    if rated:
        quality = min(quality for _value, quality in rated.values()) - (0.02 if len(rated) > 1 else 0)
        options.append((round(sum(value for value, _quality in rated.values()), 2), quality))
    return options, set(rated)


def _amounts(reading, found, lowered):  # noqa: C901 one case per kind of bill, each a few lines
    """The bill's untaxed amount, VAT and total from the amounts its labels gave: the first that add up (untaxed +
    VAT = total), else the first of each. Withholding and split payment make the amount to pay differ from the
    document total, which ``total`` is; a discount may come after the subtotal; reverse charge makes the VAT 0."""
    untaxed, untaxed_rates = _options(found["untaxed"])
    tax, tax_rates = _options(found["tax"])
    total, _rates = _options(found["total"])
    to_pay, _rates = _options(found["to_pay"])
    withholding = next((abs(value) for value, _quality, _rate in found["withholding"] if value), None)
    discount = next((abs(value) for value, _quality, _rate in found["discount"] if value), None)
    split = any(skeleton(words) in lowered for words in SPLIT_PAYMENT)
    if any(skeleton(words) in lowered for words in REVERSE_CHARGE):
        tax = [(0.0, FOUND_LABEL), *tax]
    if discount and untaxed:
        untaxed.append((round(untaxed[0][0] - discount, 2), untaxed[0][1] - 0.02))
    if not (withholding or split):
        total += to_pay
    chosen = {"untaxed": untaxed[:1], "tax": tax[:1], "total": total[:1]}
    combinations = sorted(
        ((u, t, g) for u in range(len(untaxed)) for t in range(len(tax)) for g in range(len(total))),
        key=sum,
    )
    for u, t, g in combinations:
        if _close(untaxed[u][0] + tax[t][0], total[g][0]):
            chosen = {"untaxed": [untaxed[u]], "tax": [tax[t]], "total": [total[g]]}
            break
    for name, options in chosen.items():
        for value, quality in options:
            reading.set(name, value, quality)
    # one rate printed: the bill's; several: none (their amounts were summed)
    rates = tax_rates | untaxed_rates
    if len(rates) == 1 and isinstance(rate := next(iter(rates)), float):
        reading.set("tax_rate", rate, FOUND_LABEL)
    for name, value in (("to_pay", to_pay[0][0] if to_pay else None), ("withholding", withholding)):
        if value is not None:
            reading.set(name, value, FOUND_LABEL)
    if discount:
        reading.set("discount", discount, FOUND_LABEL)
    if split:
        reading.values["split_payment"] = True


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


def _unlabelled_dates(reading, text, month_first=False):
    """Where no label was read (a misread one): the bill's first date is its date, the next later one is due."""
    dates = [parse_date(match.group(0), month_first) for match in DATE_RE.finditer(text)]
    dates = [day for day in dates if day]
    if "invoice_date" not in reading.values and dates:
        reading.set("invoice_date", dates[0], FOUND_GUESSED)
    issued = reading.values.get("invoice_date")
    later = [day for day in dates if issued and day > issued]
    if "due_date" not in reading.values and later:
        reading.set("due_date", later[0], FOUND_GUESSED)


# a currency's code or name as a whole word (an OCR's "...SAR..." inside a misread word is none), a sign anywhere
_CURRENCY_RES = {
    code: re.compile(
        "|".join(rf"(?<!\w){re.escape(sign)}(?!\w)" if sign[-1].isalpha() else re.escape(sign) for sign in signs)
    )
    for code, signs in CURRENCIES
}


def _currency(text):
    upper = text.upper()
    counts = {code: len(pattern.findall(upper)) for code, pattern in _CURRENCY_RES.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _table(lines):
    """The lines of the bill's table: a row of a description, a quantity, a unit price and an amount equal to
    quantity x price, whatever the other columns (a VAT rate, a unit) and their order (an Arabic row reads its
    amount first); the table ends at the first amount's label after it."""
    result = []
    for line in lines:
        if result and not line.heading and any(label.name in AMOUNT_LABELS for label in line.labels):
            break
        cleaned = PERCENT_RE.sub(" ", line.text)
        numbers = [(match, parse_amount(match.group(0))) for match in AMOUNT_RE.finditer(cleaned)]
        numbers = [(match, value) for match, value in numbers if value is not None][-MAX_ROW_NUMBERS:]
        row = _row(numbers) if len(numbers) >= 3 else None
        if row:
            used, quantity, price, amount = row
            # the text before the row's numbers; where the row starts with one (its quantity), the rest of it
            description = cleaned[: min(match.start() for match in used)].strip(" -:|")
            if not re.search(r"[^\W\d_]", description):
                description = "".join(
                    " " if any(match.start() <= index < match.end() for match in used) else char
                    for index, char in enumerate(cleaned)
                )
            description = re.sub(r"\s+", " ", description).strip(" -:|")
            if re.search(r"[^\W\d_]", description):
                result.append(BillLine(description, quantity, price, amount))
    return result


def _row(numbers):
    """``(matches used, quantity, price, amount)`` of a table row's numbers: the amount is the last (or the first),
    the two numbers nearest it whose product it is are the quantity (the whole one, else the one read first) and
    the price."""
    last = len(numbers) - 1
    for at in (last, 0):
        amount = numbers[at][1]
        others = sorted((index for index in range(len(numbers)) if index != at), key=lambda index: abs(index - at))
        pairs = sorted(
            ((i, j) for i in others for j in others if i < j), key=lambda pair: abs(pair[0] - at) + abs(pair[1] - at)
        )
        for i, j in pairs:
            first, second = numbers[i][1], numbers[j][1]
            if first > 0 and second > 0 and abs(first * second - amount) <= max(0.011, abs(amount) * 0.001):
                quantity, price = (second, first) if at == 0 else (first, second)
                if not quantity.is_integer() and price.is_integer():
                    quantity, price = price, quantity
                return [numbers[i][0], numbers[j][0], numbers[at][0]], quantity, price, amount
    return None


def _close(a, b):
    return abs(a - b) <= 0.011


def _check_amounts(reading):  # noqa: C901 the cases of which amounts the bill printed, each a few lines
    """Complete the amounts from each other and the lines (less a discount printed under them); flag what does not
    add up."""
    values, confidence = reading.values, reading.confidence
    untaxed, tax, total = (values.get(name) for name in AMOUNT_FIELDS)
    lines_total = None
    if reading.lines:
        lines_total = round(sum(line.amount for line in reading.lines) - values.get("discount", 0.0), 2)
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
        mended, standard = None, STANDARD_RATES.get(values.get("currency"))
        if not _close(untaxed + tax, total) and "tax_rate" not in values and standard is not None:
            reading.set("tax_rate", standard, FOUND_INFERRED)
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
