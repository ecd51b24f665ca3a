"""Supplier bills of several layouts in English, Italian and Arabic, made the way real ones are: HTML printed to
PDF by wkhtmltopdf (a text layer), then printed and scanned — 200 dpi grey pages, turned a little, blurred, with
noise for the worst — and bills with a real ZATCA or EPC QR code. Used by the tests, by ``make bench-ocr`` and for
the demo's sample scans; no Odoo needed."""

import base64
import io
import random
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path

import qrcode
from PIL import Image, ImageChops, ImageFilter

DPI = 200


@dataclass(frozen=True)
class SampleVendor:
    name: str
    vat: str
    email: str
    iban: str
    lang: str  # en, it, ar
    currency: str
    tax_rate: float
    layout: str  # "labels": label: value lines; "blocks": labels above values; "compact": number and date in a title


VENDORS = (
    SampleVendor(
        "Northwind Supplies Ltd",
        "GB123456727",
        "accounts@northwind.example",
        "GB33BUKB20201555555555",
        "en",
        "GBP",
        20.0,
        "labels",
    ),
    SampleVendor(
        "Blue Harbor Logistics LLC",
        "GB987654311",
        "billing@blueharbor.example",
        "GB94BARC10201530093459",
        "en",
        "USD",
        20.0,
        "blocks",
    ),
    SampleVendor(
        "Ferramenta Rossi S.r.l.",
        "IT09876540015",
        "amministrazione@ferramentarossi.example",
        "IT60X0542811101000000123456",
        "it",
        "EUR",
        22.0,
        "compact",
    ),
    SampleVendor(
        "Studio Bianchi Consulenze S.r.l.",
        "IT01122330150",
        "fatture@studiobianchi.example",
        "IT42L1234512345123456789012",
        "it",
        "EUR",
        22.0,
        "labels",
    ),
    SampleVendor(
        "شركة الواحة للتجارة",
        "310123456789003",
        "billing@alwaha.example",
        "SA0380000000608010167519",
        "ar",
        "SAR",
        15.0,
        "labels",
    ),
    SampleVendor(
        "مؤسسة النخيل للخدمات",
        "300987654321003",
        "info@alnakheel.example",
        "SA4420000001234567891234",
        "ar",
        "SAR",
        15.0,
        "blocks",
    ),
)
ITEMS = {
    "en": ("Printer paper A4 box", "Toner cartridge", "Office chair", "Delivery service", "Desk lamp", "Cables kit"),
    "it": ("Viti inox 4x40", "Trapano a percussione", "Consulenza fiscale", "Cancelleria varia", "Trasporto merci"),
    "ar": ("ورق طباعة", "خرطوشة حبر", "كرسي مكتب", "خدمة توصيل", "مصباح مكتب"),
}
TEXTS = {
    "en": {
        "title": "INVOICE",
        "ref": "Invoice No",
        "date": "Invoice date",
        "due": "Due date",
        "item": "Description",
        "qty": "Qty",
        "price": "Unit price",
        "amount": "Amount",
        "untaxed": "Subtotal",
        "tax": "VAT",
        "total": "Total due",
        "vat": "VAT No",
        "to": "Bill to",
        "bank": "Bank details",
    },
    "it": {
        "title": "FATTURA",
        "ref": "Fattura n.",
        "date": "Data fattura",
        "due": "Scadenza",
        "item": "Descrizione",
        "qty": "Quantità",
        "price": "Prezzo",
        "amount": "Importo",
        "untaxed": "Totale imponibile",
        "tax": "IVA",
        "total": "Totale documento",
        "vat": "P.IVA",
        "to": "Spett.le",
        "bank": "Coordinate bancarie",
    },
    "ar": {
        "title": "فاتورة ضريبية",
        "ref": "رقم الفاتورة",
        "date": "تاريخ الفاتورة",
        "due": "تاريخ الاستحقاق",
        "item": "الوصف",
        "qty": "الكمية",
        "price": "سعر الوحدة",
        "amount": "المبلغ",
        "untaxed": "المجموع قبل الضريبة",
        "tax": "ضريبة القيمة المضافة",
        "total": "الإجمالي",
        "vat": "الرقم الضريبي",
        "to": "العميل",
        "bank": "الحساب البنكي",
    },
}
BUYER = {"name": "Founder Co S.r.l.", "vat": "IT01234560017"}
ARABIC_DIGITS = str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬")
CURRENCY_SIGNS = {"GBP": "GBP", "USD": "USD", "EUR": "€", "SAR": "ر.س"}


@dataclass
class Sample:
    vendor: SampleVendor
    ref: str
    invoice_date: date
    due_date: date
    lines: list  # (description, quantity, unit price, amount)
    untaxed: float
    tax: float
    total: float
    arabic_digits: bool = False
    html: str = field(default="", repr=False)

    @property
    def truth(self):
        """The fields a reader must find, as ``engine.bill_reader`` names them."""
        return {
            "vendor": self.vendor.name,
            "ref": self.ref,
            "invoice_date": self.invoice_date,
            "due_date": self.due_date,
            "currency": self.vendor.currency,
            "untaxed": self.untaxed,
            "tax": self.tax,
            "total": self.total,
        }


def make_sample(rng, vendor, number):
    """A bill of ``vendor`` with 1 to 4 lines, dated in the first half of 2026, due 30 days later."""
    day = date(2026, 1, 5) + timedelta(days=rng.randrange(160))
    lines = []
    for description in rng.sample(ITEMS[vendor.lang], rng.randint(1, 4)):
        quantity = rng.randint(1, 12)
        price = round(rng.uniform(3, 900), 2)
        lines.append((description, quantity, price, round(quantity * price, 2)))
    untaxed = round(sum(line[3] for line in lines), 2)
    tax = round(untaxed * vendor.tax_rate / 100, 2)
    prefix = {"en": "INV", "it": "FT", "ar": "INV"}[vendor.lang]
    sample = Sample(
        vendor,
        f"{prefix}-{day.year}-{number:04d}",
        day,
        day + timedelta(days=30),
        lines,
        untaxed,
        tax,
        round(untaxed + tax, 2),
        arabic_digits=vendor.lang == "ar" and number % 2 == 0,
    )
    sample.html = render_html(sample)
    return sample


def _amount(sample, value):
    if sample.vendor.lang == "it":
        text = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    else:
        text = f"{value:,.2f}"
    return text.translate(ARABIC_DIGITS) if sample.arabic_digits else text


def _date(sample, value):
    text = value.strftime("%d/%m/%Y")
    return text.translate(ARABIC_DIGITS) if sample.arabic_digits else text


def render_html(sample):
    vendor, texts = sample.vendor, TEXTS[sample.vendor.lang]
    sign = CURRENCY_SIGNS[vendor.currency]
    number = sample.ref  # a document number keeps Latin digits, as Saudi e-invoices write it
    dates = [
        (texts["ref"], number),
        (texts["date"], _date(sample, sample.invoice_date)),
        (texts["due"], _date(sample, sample.due_date)),
    ]
    if vendor.layout == "blocks":
        header = "".join(f"<p>{escape(label)}</p><p><b>{escape(value)}</b></p>" for label, value in dates)
    elif vendor.layout == "compact":
        header = (
            f"<h2>{texts['title']} {escape(texts['ref'])} {escape(number)} del "
            f"{escape(_date(sample, sample.invoice_date))}</h2>"
            f"<p>{escape(texts['due'])}: {escape(_date(sample, sample.due_date))}</p>"
        )
    else:
        header = f"<h2>{texts['title']}</h2>" + "".join(
            f"<p>{escape(label)}: {escape(value)}</p>" for label, value in dates
        )
    rows = "".join(
        f"<tr><td>{escape(description)}</td><td class='n'>{quantity}</td><td class='n'>{_amount(sample, price)}</td>"
        f"<td class='n'>{_amount(sample, amount)}</td></tr>"
        for description, quantity, price, amount in sample.lines
    )
    direction = "rtl" if vendor.lang == "ar" else "ltr"
    return f"""<!DOCTYPE html><html dir="{direction}"><head><meta charset="utf-8"/><style>
body {{ font-family: 'DejaVu Sans', 'Noto Naskh Arabic', sans-serif; font-size: 15px; margin: 40px; }}
td {{ padding: 4px 14px; }} .n {{ text-align: end; }} h1 {{ font-size: 24px; }}
</style></head><body>
<h1>{escape(vendor.name)}</h1>
<p>{escape(texts["vat"])}: {escape(vendor.vat)} &#160; {escape(vendor.email)}</p>
{header}
<p>{escape(texts["to"])}: {escape(BUYER["name"])} &#160; {escape(texts["vat"])} {escape(BUYER["vat"])}</p>
<table><tr><th>{texts["item"]}</th><th>{texts["qty"]}</th><th>{texts["price"]}</th><th>{texts["amount"]}</th></tr>
{rows}</table>
<p>{escape(texts["untaxed"])}: {_amount(sample, sample.untaxed)} {sign}</p>
<p>{escape(texts["tax"])} {vendor.tax_rate:.0f}%: {_amount(sample, sample.tax)} {sign}</p>
<p><b>{escape(texts["total"])}: {_amount(sample, sample.total)} {sign}</b></p>
<p>{escape(texts["bank"])}: IBAN {escape(vendor.iban)}</p>
</body></html>"""


# ---------------------------------------------------------------------- bills with a QR code


def zatca_payload(seller, vat, timestamp, total, tax):
    """The text of a ZATCA QR code: base64 of the five tag, length, value records (values in UTF-8)."""
    raw = b""
    for tag, value in enumerate((seller, vat, timestamp, f"{total:.2f}", f"{tax:.2f}"), 1):
        data = value.encode()
        raw += bytes((tag, len(data))) + data
    return base64.b64encode(raw).decode()


def epc_payload(name, iban, amount, reference="", bic=""):
    """The text of an EPC (SEPA credit transfer) QR code, version 002, UTF-8."""
    return "\n".join(("BCD", "002", "1", "SCT", bic, name, iban, f"EUR{amount:.2f}", "", reference, ""))


def qr_png(payload, box=6):
    """The QR code of ``payload`` as PNG bytes, as the qrcode library draws it (error correction M)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=4)
    code.add_data(payload)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


# The demo's Saudi bill (static/demo/bill_al_waha_zatca.jpg, made by ``saudi_demo_scan``): a simplified tax invoice
# whose ZATCA QR code gives its seller, VAT number, date, total and VAT.
SAUDI_DEMO = {
    "seller": "Al Waha Trading Est.",
    "vat": "310123456700003",
    "timestamp": "2026-03-05T10:30:00Z",
    "total": 1150.0,
    "tax": 150.0,
}


def saudi_demo_scan():
    """The demo's Saudi bill, bilingual, printed and scanned (JPEG)."""
    demo = SAUDI_DEMO
    paragraphs = (
        f"{demo['seller']} - مؤسسة الواحة للتجارة",
        "Simplified Tax Invoice - فاتورة ضريبية مبسطة",
        f"VAT number - الرقم الضريبي: {demo['vat']}",
        "Invoice number: SIN-2026-0318 - رقم الفاتورة",
        "Date - التاريخ: 05/03/2026",
        "Office chairs 4 x 250.00 = 1,000.00",
        "Total excl. VAT - الإجمالي قبل الضريبة: 1,000.00 SAR",
        "VAT 15% - ضريبة القيمة المضافة: 150.00 SAR",
        "Total - الإجمالي: 1,150.00 SAR",
    )
    payload = zatca_payload(demo["seller"], demo["vat"], demo["timestamp"], demo["total"], demo["tax"])
    page = Image.open(io.BytesIO(to_scan(to_pdf(qr_bill_html(paragraphs, payload)), seed=11)))
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=80, dpi=(DPI, DPI))
    return buffer.getvalue()


def qr_bill_html(paragraphs, payload):
    """A one-page bill of ``paragraphs`` (text) with the QR code of ``payload`` under them."""
    image = base64.b64encode(qr_png(payload)).decode()
    text = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"/><style>
body {{ font-family: 'DejaVu Sans', 'Noto Naskh Arabic', sans-serif; font-size: 15px; margin: 40px; }}
</style></head><body>{text}<img src="data:image/png;base64,{image}" style="width: 45mm"/></body></html>"""


def corpus(count, seed=2026):
    """``count`` bills spread over the vendors, reproducible."""
    rng = random.Random(seed)
    return [make_sample(rng, VENDORS[index % len(VENDORS)], index + 1) for index in range(count)]


def to_pdf(html):
    """The HTML printed to an A4 PDF by wkhtmltopdf (a text layer, as a program's PDF export)."""
    tool = shutil.which("wkhtmltopdf")
    if not tool:
        raise RuntimeError("wkhtmltopdf is needed to print the sample bills")
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "bill.html"), Path(folder, "bill.pdf")
        source.write_text(html, encoding="utf-8")
        subprocess.run([tool, "--quiet", "-s", "A4", str(source), str(target)], check=True, timeout=120)
        return target.read_bytes()


def to_scan(pdf, noisy=False, seed=0):
    """The first page as a scanner gives it: 200 dpi grey, turned by up to 1.5 degrees (3 when ``noisy``),
    blurred; ``noisy`` adds grain and a JPEG's artefacts. PNG (JPEG when noisy) bytes."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", "1", "-l", "1", "-", f"{folder}/page"],
            input=pdf,
            check=True,
            timeout=120,
        )
        [path] = Path(folder).glob("page*.png")
        page = Image.open(path).convert("L")
    angle = rng.uniform(-3, 3) if noisy else rng.uniform(-1.5, 1.5)
    page = page.rotate(angle, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    page = page.filter(ImageFilter.GaussianBlur(0.9 if noisy else 0.5))
    buffer = io.BytesIO()
    if noisy:
        light, dark = (Image.effect_noise(page.size, 40).point(lambda level: max(0, level - 150)) for _ in "ld")
        page = ImageChops.subtract(ImageChops.add(page, light), dark).filter(ImageFilter.GaussianBlur(0.4))
        page.save(buffer, format="JPEG", quality=60, dpi=(DPI, DPI))
    else:
        page.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


# ---------------------------------------------------------------------- hostile files, as anyone may e-mail them


def long_word_pdf(pages=5, letters=50_000):
    """A 2 KB PDF whose pages each print "Invoice number aaaa..." (``letters`` letters, no digit) in a 0.001 pt font:
    its text layer makes careless patterns quadratic."""
    word = b"Invoice number " + b"a" * letters
    return pdf_of_pages([(595, 842, b"BT /F1 0.001 Tf 10 400 Td (" + word + b") Tj ET")] * pages)


def huge_pages_pdf(pages=5, points=4600):
    """A PDF with no text of ``pages`` pages of ``points`` x ``points`` points (4,600: 64 inches a side, 164 million
    pixels at 200 dpi), each with one black square."""
    return pdf_of_pages([(points, points, b"0 g 100 100 50 50 re f")] * pages)


def webp_scan(png):
    """The scan ``png`` as a WebP image (a format bills are not read from, whatever the file is named)."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).save(buffer, format="WEBP")
    return buffer.getvalue()


def pdf_of_pages(pages):
    """A PDF of ``(width, height, content stream)`` pages in points, with Helvetica as ``/F1``, streams deflated."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for width, height, content in pages:
        data = zlib.compress(content, 9)
        kids.append(len(objects) + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (width, height, len(objects) + 2)
        )
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
