"""The codes printed on bills for machines — ZATCA, EPC (SEPA) and Swiss QR-bill payloads — read exactly, and their
values outranking what the text of the bill gave."""

import base64
import importlib.util
import io
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from founder_backoffice_bill_capture.engine import bill_codes as codes
from founder_backoffice_bill_capture.engine import bill_reader as reader
from founder_backoffice_bill_capture.tools import bill_text

SAMPLES_PATH = Path(bill_text.__file__).parent.parent / "tests" / "bill_samples.py"
_spec = importlib.util.spec_from_file_location("bill_samples", SAMPLES_PATH)
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

SELLER_AR = "مؤسسة الواحة للتجارة"
IBAN = "IT60X0542811101000000123456"
# the example of the Swiss Payment Standards' implementation guidelines (QR reference, Swico bill information)
SWISS = "\n".join(
    (
        "SPC",
        "0200",
        "1",
        "CH4431999123000889012",
        "S",
        "Robert Schneider AG",
        "Rue du Lac",
        "1268",
        "2501",
        "Biel",
        "CH",
        *[""] * 7,
        "1949.75",
        "CHF",
        "S",
        "Pia-Maria Rutschmann-Schnyder",
        "Grosse Marktgasse",
        "28",
        "9400",
        "Rorschach",
        "CH",
        "QRR",
        "210000000003139471430009017",
        "Order of 15 June 2020",
        "EPD",
        "//S1/10/10201409/11/200701/20/140.000-53/30/106017086/31/200615",
    )
)


def _tlv(*records):
    return base64.b64encode(b"".join(bytes((tag, len(value))) + value for tag, value in records)).decode()


def test_a_zatca_code_gives_seller_vat_date_total_and_vat():
    payload = samples.zatca_payload(SELLER_AR, "310123456700003", "2026-03-05T10:30:00Z", 1150.0, 150.0)
    code = codes.read_code(payload)
    assert code.kind == codes.ZATCA
    assert code.values == {
        "vendor_name": SELLER_AR,
        "vat": "310123456700003",
        "invoice_date": date(2026, 3, 5),
        "total": 1150.0,
        "tax": 150.0,
        "untaxed": 1000.0,
    }


def test_a_phase_two_zatca_code_with_its_hash_and_signature_is_read():
    fields = [SELLER_AR, "310123456700003", "2026-03-05 10:30:00", "1150.00", "150.00"]
    records = [(tag, value.encode()) for tag, value in enumerate(fields, 1)]
    records += [(6, b"h" * 44), (7, b"s" * 96), (8, b"k" * 88), (9, b"c" * 72)]
    assert codes.read_code(_tlv(*records)).values["total"] == 1150.0


@pytest.mark.parametrize(
    "payload",
    [
        "not base64 at all!",
        base64.b64encode(b"\x01\x05abc").decode(),  # a length past the end
        _tlv((1, b"Seller"), (2, b"310123456700003"), (3, b"2026-03-05T10:30:00Z"), (4, b"1150.00")),  # no VAT
        _tlv((1, b"S"), (2, b"3101234567"), (3, b"2026-03-05T10:30:00Z"), (4, b"1150.00"), (5, b"150.00")),
        _tlv((1, b"S"), (2, b"310123456700003"), (3, b"yesterday"), (4, b"1150.00"), (5, b"150.00")),
        _tlv((1, b"S"), (2, b"310123456700003"), (3, b"2026-03-05T10:30:00Z"), (4, b"1,150.00"), (5, b"150.00")),
        _tlv((1, b"S"), (2, b"310123456700003"), (3, b"2026-03-05T10:30:00Z"), (4, b"100.00"), (5, b"150.00")),
        _tlv((1, b"\xff\xfe"), (2, b"310123456700003"), (3, b"2026-03-05"), (4, b"1150.00"), (5, b"150.00")),
        "https://example.com/pay?invoice=1",
        "",
    ],
)
def test_a_malformed_code_is_no_bill_code(payload):
    assert codes.read_code(payload) is None


def test_an_oversized_code_is_no_bill_code_and_is_not_decoded():
    fields = ["S" * 200, "310123456700003", "2026-03-05T10:30:00Z", "1150.00", "150.00"]
    records = [(tag, value.encode()) for tag, value in enumerate(fields, 1)]
    payload = _tlv(*records * 8)
    assert len(payload) > codes.MAX_PAYLOAD_CHARS
    assert codes.read_code(payload) is None
    start = time.monotonic()
    assert codes.read_code("BCD\n" + "x" * 10_000_000) is None
    assert time.monotonic() - start < 0.1


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=400), st.binary(max_size=300).map(lambda raw: base64.b64encode(raw).decode())))
def test_any_payload_gives_a_code_or_none_never_an_error(payload):
    for text in (payload, "BCD\n" + payload, "SPC\n" + payload):
        assert codes.read_code(text) is None or isinstance(codes.read_code(text), codes.Code)


def test_an_epc_code_gives_the_beneficiary_iban_amount_and_reference():
    payload = samples.epc_payload("Ferramenta Rossi S.r.l.", IBAN, 122.0, "RF18539007547034", bic="BPMOIT22XXX")
    assert codes.read_code(payload) == codes.Code(
        codes.EPC,
        {
            "vendor_name": "Ferramenta Rossi S.r.l.",
            "iban": IBAN,
            "bic": "BPMOIT22XXX",
            "currency": "EUR",
            "total": 122.0,
            "payment_reference": "RF18539007547034",
        },
    )
    # version 001, CRLF, an unstructured remittance and no amount (the payer types it)
    version_one = "\r\n".join(("BCD", "001", "1", "SCT", "BPMOIT22XXX", "Rossi", IBAN, "", "", "", "Fattura 77"))
    assert codes.read_code(version_one).values == {
        "vendor_name": "Rossi",
        "iban": IBAN,
        "bic": "BPMOIT22XXX",
        "payment_reference": "Fattura 77",
    }


@pytest.mark.parametrize(
    "lines",
    [
        ("BCD", "003", "1", "SCT", "", "Rossi", IBAN, "EUR1.00"),  # unknown version
        ("BCD", "002", "1", "INST", "", "Rossi", IBAN, "EUR1.00"),  # not a credit transfer
        ("BCD", "002", "1", "SCT", "", "Rossi", "IT60 not an IBAN", "EUR1.00"),
        ("BCD", "002", "1", "SCT", "", "Rossi", IBAN, "USD1.00"),
        ("BCD", "002", "1", "SCT", "", "Rossi", IBAN, "EUR1000000000.00"),
        ("BCD", "002", "1", "SCT", "", "", IBAN, "EUR1.00"),
    ],
)
def test_a_malformed_epc_code_is_no_bill_code(lines):
    assert codes.read_code("\n".join(lines)) is None


def test_a_swiss_qr_bill_gives_iban_creditor_amount_reference_and_the_bills_number_and_date():
    assert codes.read_code(SWISS) == codes.Code(
        codes.SWISS,
        {
            "vendor_name": "Robert Schneider AG",
            "iban": "CH4431999123000889012",
            "currency": "CHF",
            "total": 1949.75,
            "payment_reference": "210000000003139471430009017",
            "ref": "10201409",
            "invoice_date": date(2020, 7, 1),
        },
    )
    assert "invoice_date" not in codes.read_code(SWISS.replace("/11/200701/", "/11/200231/")).values
    assert codes.read_code(SWISS.replace("\nEPD\n", "\nEND\n")) is None
    assert codes.read_code(SWISS.replace("\nCHF\n", "\nGBP\n")) is None


def _vendors():
    return [
        reader.Vendor(1, "Al Waha Trading Est.", vats=("310123456700003",)),
        reader.Vendor(2, "Ferramenta Rossi S.r.l.", ibans=(IBAN,)),
    ]


def test_a_codes_values_outrank_the_text_and_are_not_to_check():
    """The OCR read 1,105.00 for the total and the wrong date; the QR code says 1,150.00 and the 5th of March."""
    text = "Al Waha Trading Est.\nSimplified tax invoice\nDate: 06/03/2026\nVAT 15%: 150.00\nTotal: 1,105.00\n"
    payload = samples.zatca_payload("Al Waha Trading Est.", "310123456700003", "2026-03-05T10:30:00Z", 1150.0, 150.0)
    plain = reader.read_bill(text, _vendors(), ocr=True)
    assert (plain.values["total"], plain.values["invoice_date"]) == (1105.0, date(2026, 3, 6))
    reading = reader.read_bill(text, _vendors(), ocr=True, codes=[codes.read_code(payload)])
    assert {name: reading.values[name] for name in ("vendor_id", "invoice_date", "untaxed", "tax", "total")} == {
        "vendor_id": 1,
        "invoice_date": date(2026, 3, 5),
        "untaxed": 1000.0,
        "tax": 150.0,
        "total": 1150.0,
    }
    assert reading.values["tax_rate"] == 15.0
    assert {reading.confidence[name] for name in reading.coded} == {reader.FOUND_CODE}
    assert set(reading.coded) == {"vendor_id", "invoice_date", "untaxed", "tax", "total"}
    assert reading.flags == [] and reading.to_check == []


def test_an_epc_code_names_the_vendor_by_its_iban_and_gives_the_amount_to_pay():
    payload = samples.epc_payload("Rossi", IBAN, 122.0, "RF18539007547034")
    reading = reader.read_bill(
        "Fattura n. 77\nImponibile 100,00\nIVA 22% 22,00\n", _vendors(), codes=[codes.read_code(payload)]
    )
    assert (reading.values["vendor_id"], reading.values["total"], reading.values["currency"]) == (2, 122.0, "EUR")
    assert reading.values["payment_reference"] == "RF18539007547034"
    assert (reading.values["untaxed"], reading.values["tax"], reading.flags) == (100.0, 22.0, [])


@pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract")
def test_the_qr_code_of_a_scan_is_decoded_with_its_text():
    payload = samples.epc_payload("Ferramenta Rossi S.r.l.", IBAN, 122.0, "RF18539007547034")
    page = Image.new("L", (700, 500), 255)
    page.paste(Image.open(io.BytesIO(samples.qr_png(payload, box=4))).convert("L").rotate(2, fillcolor=255), (40, 40))
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    _words, ocr, found = bill_text.bill_text(buffer.getvalue())
    assert ocr and found == [payload]


def test_a_page_without_a_code_gives_none_and_a_deadline_past_reads_none():
    page = Image.new("L", (300, 300), 255)
    assert bill_text.page_codes(page, time.monotonic() + 5) == []
    code = Image.open(io.BytesIO(samples.qr_png("BCD"))).convert("L")
    assert bill_text.page_codes(code, time.monotonic() + 5) == ["BCD"]
    assert bill_text.page_codes(code, time.monotonic() - 1) == []


@pytest.mark.skipif(not shutil.which("wkhtmltopdf") or not shutil.which("pdftoppm"), reason="wkhtmltopdf, poppler")
def test_a_text_pdf_gives_the_dense_code_of_its_last_page():
    """A phase-two ZATCA code (its hash, signature and key make it dense) on the last of three pages of a text PDF:
    only the first and last pages are rendered for codes."""
    fields = ["Al Waha Trading Est.", "310123456700003", "2026-03-05T10:30:00Z", "1150.00", "150.00"]
    records = [(tag, value.encode()) for tag, value in enumerate(fields, 1)]
    payload = _tlv(*records, (6, b"h" * 44), (7, b"s" * 96), (8, b"k" * 88), (9, b"c" * 72))
    page_break = "<div style='page-break-after: always'></div>"
    html = samples.qr_bill_html(["Al Waha Trading Est. - simplified tax invoice SIN-2026-0318"], payload).replace(
        "<img", f"{page_break}<p>Terms and conditions</p>{page_break}<img"
    )
    words, ocr, found = bill_text.bill_text(samples.to_pdf(html))
    assert "SIN-2026-0318" in [word.text for word in words] and not ocr
    assert found == [payload] and codes.read_code(payload).values["total"] == 1150.0
