"""The codes printed on bills for machines, read exactly: a ZATCA QR code (Saudi tax invoices: base64 of tag,
length, value records — seller, VAT number, time of issue, total with VAT, VAT), an EPC "BCD" QR code (a SEPA
credit transfer: beneficiary, BIC, IBAN, amount, reference) and a Swiss QR-bill ("SPC": IBAN, creditor, amount,
currency, reference, and the Swico bill information when printed).

``read_code`` takes what a barcode reader decoded and gives a ``Code`` of the values found, named as
``bill_reader`` names a bill's fields, or ``None`` for anything that is not one of these codes: a code comes from a
file anyone may e-mail to the bills alias, so a payload is read within ``MAX_PAYLOAD_CHARS`` and never raises.
"""

import base64
import binascii
import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime

# ZATCA's phase-2 QR codes add a hash, a signature and a key to the five fields (about 700 characters); an EPC code
# holds at most 331 bytes, a Swiss QR-bill 997 characters. A longer payload is no bill code.
MAX_PAYLOAD_CHARS = 2000
MAX_CODES = 5  # codes read per file: a bill prints one or two
MAX_AMOUNT = 999_999_999.99  # the EPC and Swiss standards' largest amount
ZATCA, EPC, SWISS = "zatca", "epc", "swiss"
# ZATCA's tags: 1 seller's name, 2 VAT registration number, 3 time stamp, 4 invoice total with VAT, 5 VAT total
ZATCA_TAGS = {1: "vendor_name", 2: "vat", 3: "invoice_date", 4: "total", 5: "tax"}
_AMOUNT_RE = re.compile(r"\d{1,9}(?:\.\d{1,2})?")
_IBAN_RE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_VAT_RE = re.compile(r"\d{15}")  # a Saudi VAT registration number
_CURRENCIES = ("CHF", "EUR")  # a Swiss QR-bill's


@dataclass(frozen=True)
class Code:
    """A code read on a bill: its ``kind`` and the ``values`` it gives, by the reader's field names (``vendor_name``,
    ``vat``, ``iban``, ``invoice_date``, ``due_date``, ``ref``, ``payment_reference``, ``currency``, ``untaxed``,
    ``tax``, ``total``)."""

    kind: str
    values: dict = field(default_factory=dict)


def read_code(payload):
    """The ``Code`` that ``payload`` (the text of a QR code) holds, or None: not a bill code, malformed or too long."""
    if not isinstance(payload, str) or not payload.strip() or len(payload) > MAX_PAYLOAD_CHARS:
        return None
    payload = payload.strip()
    if payload.startswith("BCD"):
        return _epc(payload)
    if payload.startswith("SPC"):
        return _swiss(payload)
    return _zatca(payload)


# ---------------------------------------------------------------------- ZATCA


def _zatca(payload):
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    records = _tlv(raw)
    if records is None or not set(ZATCA_TAGS) <= set(records):
        return None
    try:
        texts = {tag: records[tag].decode("utf-8").strip() for tag in ZATCA_TAGS}
    except UnicodeDecodeError:
        return None
    total, tax, issued = _amount(texts[4]), _amount(texts[5]), _timestamp(texts[3])
    vat = texts[2].replace(" ", "")
    if total is None or tax is None or issued is None or not _VAT_RE.fullmatch(vat) or not texts[1] or tax > total:
        return None
    values = {
        "vendor_name": texts[1],
        "vat": vat,
        "invoice_date": issued,
        "total": total,
        "tax": tax,
        "untaxed": round(total - tax, 2),
    }
    return Code(ZATCA, values)


def _tlv(raw):
    """``{tag: value}`` of the tag-length-value records filling ``raw`` exactly (a length of one byte, as ZATCA
    writes it), or None."""
    records, index = {}, 0
    while index < len(raw):
        if index + 2 > len(raw):
            return None
        tag, length = raw[index], raw[index + 1]
        value = raw[index + 2 : index + 2 + length]
        if not tag or len(value) != length or tag in records:
            return None
        records[tag] = value
        index += 2 + length
    return records


def _timestamp(text):
    """The date of ZATCA's time stamp (``2026-03-05T10:30:00Z``, ``2026-03-05 10:30:00``) or None."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


# ---------------------------------------------------------------------- EPC (SEPA credit transfer)


def _epc(payload):
    """EPC069-12: BCD, version 001 or 002, character set, SCT, BIC, name, IBAN, amount (``EUR123.45``), purpose,
    structured reference (RF...), unstructured remittance, note."""
    lines = [*payload.splitlines(), *[""] * 12][:12]
    service, version, charset, identification, bic, name, iban, amount = lines[:8]
    reference = lines[9].strip() or lines[10].strip()
    iban = iban.replace(" ", "").upper()
    if (
        service != "BCD"
        or version not in ("001", "002")
        or not re.fullmatch(r"[1-8]", charset)
        or identification != "SCT"
        or not _IBAN_RE.fullmatch(iban)
        or not name.strip()
    ):
        return None
    values = {"vendor_name": name.strip()[:70], "iban": iban}
    if bic.strip():
        values["bic"] = bic.strip()[:11]
    if amount.strip():
        if not amount.startswith("EUR") or (total := _amount(amount[3:])) is None:
            return None
        values.update(currency="EUR", total=total)
    if reference:
        values["payment_reference"] = reference[:140]
    return Code(EPC, values)


# ---------------------------------------------------------------------- Swiss QR-bill


def _swiss(payload):
    """Swiss Payment Standards 2.x: SPC, 0200, coding, IBAN, the creditor (type, name, address), the ultimate
    creditor (7 lines, empty), amount, currency, the debtor (7 lines), reference type and reference, message,
    EPD, bill information (Swico ``//S1/10/number/11/date``)."""
    lines = [*payload.splitlines(), *[""] * 32][:32]
    iban = lines[3].replace(" ", "").upper()
    name, amount, currency = lines[5].strip(), lines[18].strip(), lines[19].strip()
    if lines[1][:2] != "02" or lines[2] != "1" or not _IBAN_RE.fullmatch(iban) or not name:
        return None
    if currency not in _CURRENCIES or lines[30].strip() != "EPD":
        return None
    values = {"vendor_name": name[:70], "iban": iban, "currency": currency}
    if amount:
        if (total := _amount(amount)) is None:
            return None
        values["total"] = total
    reference = lines[28].strip() if lines[27].strip() in ("QRR", "SCOR") else ""
    if reference:
        values["payment_reference"] = reference[:35]
    values.update(_swico(lines[31].strip()))
    return Code(SWISS, values)


def _swico(text):
    """The bill number and date of Swico's ``S1`` bill information (``//S1/10/10201409/11/190512``)."""
    if not text.startswith("//S1/"):
        return {}
    parts = text[5:].split("/")
    tags = dict(zip(parts[::2], parts[1::2], strict=False))
    values = {}
    if tags.get("10"):
        values["ref"] = tags["10"][:35]
    day = tags.get("11", "")
    if re.fullmatch(r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])", day):
        year, month, day = 2000 + int(day[:2]), int(day[2:4]), int(day[4:])
        if day <= calendar.monthrange(year, month)[1]:
            values["invoice_date"] = date(year, month, day)
    return values


def _amount(text):
    """``1234.5`` and ``1234.50``; None for anything else (a sign, separators, an amount over ``MAX_AMOUNT``)."""
    text = text.strip()
    if not _AMOUNT_RE.fullmatch(text):
        return None
    value = float(text)
    return value if value <= MAX_AMOUNT else None
