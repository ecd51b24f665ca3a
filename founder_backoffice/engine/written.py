# ruff: noqa: RUF001
"""Numbers, amounts and months as people write them in English, Italian and Arabic: Arabic-Indic digits and
separators, direction marks, ``1.234,56`` and ``1,234.56``, month names. What the replies reader (``replies``)
reads dates and amounts with.

A text is bounded by ``normalize`` (``MAX_TEXT_CHARS``, tokens cut at ``MAX_TOKEN_CHARS``), an amount by
``MAX_AMOUNT_DIGITS`` digits before its decimals.
"""

import re
import unicodedata

MAX_TEXT_CHARS = 30_000
MAX_TOKEN_CHARS = 100
MAX_AMOUNT_DIGITS = 12

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic decimal and thousands separators, Arabic comma; direction marks, tatweel, no-break spaces
_SEPARATORS = str.maketrans({"٫": ".", "٬": ",", "،": ",", "\u00a0": " ", "\u202f": " ", "\u0640": None})
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LONG_TOKEN = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1},}}")

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
