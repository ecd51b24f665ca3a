"""The supplier bills ``make bench-ocr`` reads: 180 bills of 36 vendors (12 each in English, Italian and Arabic)
whose layouts follow real-world conventions the bill reader was not written for — FatturaPA courtesy copies with
their header grid, riepilogo IVA, ritenuta d'acconto, split payment and bollo; UK, Irish, German and US invoices with
discounts, reverse charge, sales tax and two pages; ZATCA standard (bilingual) and simplified tax invoices with their
QR code, Arabic-only invoices, Arabic-Indic digits and Hijri dates. Each vendor has a template of its own, printed by
wkhtmltopdf, then kept as the text PDF or made into a scan, an image-only PDF, a phone photo or a fax (drawn with
Pillow); a few have their total written by hand.

The bills are split BY VENDOR into a "dev" half (to tune the reader on) and a "held-out" half (scored at the end),
each with vendors of every language, template family, kind of file and feature. Files are made once, from a fixed
seed, into ``~/.cache/founder_backoffice/bill_corpus/`` with a manifest, and made again when ``VERSION`` changes.
Plain Python: no Odoo (the add-on's ``tests/bill_samples.py`` gives the QR payloads and ``engine/bill_reader`` the
``Vendor`` the bench passes as known vendors).
"""

import base64
import calendar
import fcntl
import io
import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
import types
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
# the add-on's __init__ imports Odoo: its plain-Python packages are registered as bare namespaces
ADDON = "founder_backoffice_bill_capture"
for _name, _folder in ((ADDON, ROOT / ADDON), (f"{ADDON}.tests", ROOT / ADDON / "tests")):
    if _name not in sys.modules:
        _package = types.ModuleType(_name)
        _package.__path__ = [str(_folder)]
        sys.modules[_name] = _package

from founder_backoffice_bill_capture.engine import bill_reader  # noqa: E402
from founder_backoffice_bill_capture.tests import bill_samples  # noqa: E402

VERSION = 2  # bump when the bills change: the cached files are made again
CACHE = Path.home() / ".cache/founder_backoffice/bill_corpus"
SEED = 3535
KINDS = ("text PDF", "scan", "image PDF", "phone photo", "fax")
LANGS = ("en", "it", "ar")
HALVES = ("dev", "held-out")
BILLS_PER_VENDOR = 5
# kinds of one language's 30 bills in one half: about 35 % text PDF, 25 % scans, 15 % image PDFs and phone photos,
# 10 % faxes
KIND_MIX = {
    "dev": ("text PDF",) * 11 + ("scan",) * 7 + ("image PDF",) * 4 + ("phone photo",) * 5 + ("fax",) * 3,
    "held-out": ("text PDF",) * 10 + ("scan",) * 8 + ("image PDF",) * 5 + ("phone photo",) * 4 + ("fax",) * 3,
}
BUYER = {
    "name": bill_samples.BUYER["name"],
    "vat": bill_samples.BUYER["vat"],
    "street": "Via Torino 42",
    "city": "20123 Milano (MI)",
    "country": "Italia",
    "sdi": "M5UXCR1",
}
OWN_VATS = (BUYER["vat"],)
FONTS = Path("/usr/share/fonts/truetype")
ARABIC_DIGITS = bill_samples.ARABIC_DIGITS
MONTHS = {
    "it": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    "en": list(calendar.month_name)[1:],
    "ar": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
}
HIJRI_MONTHS = (
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
)


# ---------------------------------------------------------------------------------------------------- vendors


def iban(country, bban):
    """An IBAN with its ISO 13616 check digits (mod 97)."""
    digits = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def it_vat(body):
    """An Italian partita IVA: 10 digits and the check digit (the Luhn-like rule of the Agenzia delle Entrate)."""
    total = 0
    for index, char in enumerate(body):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return f"IT{body}{(10 - total % 10) % 10}"


def gb_vat(body):
    """A UK VAT number: 7 digits and two check digits (weights 8 to 2, mod 97)."""
    total = sum(int(char) * weight for char, weight in zip(body, range(8, 1, -1), strict=True))
    return f"GB{body}{-total % 97:02d}"


def ie_vat(body):
    """An Irish VAT number: 7 digits and the check letter (weights 8 to 2, mod 23)."""
    total = sum(int(char) * weight for char, weight in zip(body, range(8, 1, -1), strict=True))
    return f"IE{body}{'WABCDEFGHIJKLMNOPQRSTUV'[total % 23]}"


def de_vat(body):
    """A German USt-IdNr: 8 digits and the ISO 7064 MOD 11,10 check digit."""
    product = 10
    for char in body:
        total = (int(char) + product) % 10 or 10
        product = total * 2 % 11
    return f"DE{body}{(11 - product) % 10}"


@dataclass(frozen=True)
class CorpusVendor:
    key: str
    name: str  # the partner's name in the company's books (the vendor truth)
    vat: str
    iban: str
    email: str
    lang: str
    half: str
    family: str  # the template family: its layout conventions; each vendor varies it with its own style
    address: tuple
    style: tuple = ()  # (option, value) pairs of the vendor's own template
    alias: str = ""  # the name printed in the other script (bilingual Saudi bills)

    @property
    def domain(self):
        return self.email.split("@")[1]

    def opt(self, name, default=None):
        return dict(self.style).get(name, default)


def _v(key, name, vat, bank, user, lang, half, family, address, alias="", **style):
    country = "SA" if lang == "ar" else vat[:2] if vat[:2].isalpha() else "GB"  # a US firm's account abroad
    slug = "".join(char for char in key if char.isalnum())
    return CorpusVendor(
        key,
        name,
        vat,
        iban(country, bank),
        f"{user}@{slug}.example",
        lang,
        half,
        family,
        tuple(address),
        tuple(sorted(style.items())),
        alias,
    )


VENDORS = (
    # ------------------------------------------------------------------ Italian
    _v(
        "tipografia-moretti",
        "Tipografia Moretti S.n.c.",
        it_vat("0274316016"),
        "X0542811101000000123456",
        "amministrazione",
        "it",
        "dev",
        "fatturapa",
        ("Via Borgo Palazzo 118", "24125 Bergamo (BG)"),
        font="DejaVu Sans",
        accent="#1d4f91",
        dates="dmy/",
        items="print",
    ),
    _v(
        "officine-galli",
        "Officine Meccaniche Galli S.p.A.",
        it_vat("0381125017"),
        "K0306911200100000004821",
        "fatture",
        "it",
        "held-out",
        "fatturapa",
        ("Via Industriale 5", "25016 Ghedi (BS)"),
        font="Noto Sans",
        accent="#444444",
        dates="dmy-",
        items="mech",
    ),
    _v(
        "elettroforniture-sarti",
        "Elettroforniture Sarti S.r.l.",
        it_vat("0233871037"),
        "B0200802435000100982731",
        "contabilita",
        "it",
        "dev",
        "fatturapa",
        ("Via Emilia Levante 210", "40139 Bologna (BO)"),
        font="DejaVu Sans Condensed",
        accent="#0a6d3c",
        dates="dmy/",
        items="electric",
    ),
    _v(
        "consorzio-valdarno",
        "Consorzio Agrario Valdarno Soc. Coop.",
        it_vat("0102938051"),
        "Q0867371410000000700155",
        "ufficio.fatture",
        "it",
        "held-out",
        "fatturapa",
        ("Loc. Ponticino 14", "52020 Laterina Pergine V.no (AR)"),
        font="Noto Serif",
        accent="#6b4e16",
        dates="dmy/",
        items="agri",
    ),
    _v(
        "cartoleria-bianchi",
        "Cartoleria Bianchi di Luca Bianchi",
        it_vat("1129384001"),
        "M0326801000052874153350",
        "negozio",
        "it",
        "dev",
        "it_classic",
        ("Corso Francia 77", "10138 Torino (TO)"),
        font="DejaVu Serif",
        accent="#8a1538",
        dates="it_long",
        items="stationery",
    ),
    _v(
        "idraulica-ferretti",
        "Idraulica Ferretti S.r.l.",
        it_vat("0448213028"),
        "Z0622512186100000002187",
        "amministrazione",
        "it",
        "held-out",
        "it_classic",
        ("Via Venezia 19", "35131 Padova (PD)"),
        font="Noto Sans",
        accent="#005b96",
        dates="dmy-",
        items="plumbing",
    ),
    _v(
        "trasporti-marchetti",
        "Trasporti Marchetti S.r.l.",
        it_vat("0399182023"),
        "F0503411700000000012877",
        "fatturazione",
        "it",
        "dev",
        "it_classic",
        ("Via del Lavoro 3", "37135 Verona (VR)"),
        font="DejaVu Sans",
        accent="#2f2f2f",
        dates="dmy.",
        items="transport",
    ),
    _v(
        "forniture-costa",
        "Forniture Alberghiere Costa S.r.l.",
        it_vat("0267419040"),
        "H0538724200000001633091",
        "ordini",
        "it",
        "held-out",
        "it_classic",
        ("Via Flaminia 402", "47923 Rimini (RN)"),
        font="Noto Serif",
        accent="#b3541e",
        dates="it_long",
        items="hotel",
    ),
    _v(
        "studio-bellandi",
        "Studio Legale Avv. Chiara Bellandi",
        it_vat("0591827048"),
        "E0306902887100000011223",
        "segreteria",
        "it",
        "dev",
        "it_professional",
        ("Viale dei Mille 24", "50131 Firenze (FI)"),
        font="Noto Serif",
        accent="#3b2f63",
        dates="it_long",
        cassa="CPA",
        items="legal",
    ),
    _v(
        "esposito-commercialista",
        "Dott. Marco Esposito",
        it_vat("0738201063"),
        "R0101003400100000031455",
        "studio",
        "it",
        "held-out",
        "it_professional",
        ("Via Toledo 256", "80134 Napoli (NA)"),
        font="DejaVu Sans",
        accent="#0b5563",
        dates="dmy/",
        cassa="Cassa dottori commercialisti",
        items="tax",
    ),
    _v(
        "ing-lombardi",
        "Ing. Paolo Lombardi",
        it_vat("0819273015"),
        "N0569601600000010299X21",
        "paolo.lombardi",
        "it",
        "dev",
        "it_professional",
        ("Via Solferino 12", "20121 Milano (MI)"),
        font="DejaVu Sans Condensed",
        accent="#444444",
        dates="dmy/",
        cassa="Inarcassa",
        items="engineering",
    ),
    _v(
        "studio-fontana",
        "Studio Grafico Fontana",
        it_vat("1402938058"),
        "C0200805364000104155822",
        "info",
        "it",
        "held-out",
        "it_professional",
        ("Via Nomentana 133", "00161 Roma (RM)"),
        font="Noto Sans",
        accent="#c2185b",
        dates="dmy-",
        cassa="",
        items="design",
    ),
    # ------------------------------------------------------------------ English
    _v(
        "harrow-finch",
        "Harrow & Finch Stationers Ltd",
        gb_vat("2948371"),
        "NWBK60161331926819",
        "accounts",
        "en",
        "dev",
        "uk",
        ("14 Marchmont Street", "London WC1N 1AF", "United Kingdom"),
        font="Noto Serif",
        accent="#14365d",
        dates="en_long",
        items="stationery_en",
    ),
    _v(
        "pennine-catering",
        "Pennine Catering Equipment Ltd",
        gb_vat("7310284"),
        "BARC20040443911244",
        "sales.ledger",
        "en",
        "held-out",
        "uk",
        ("Unit 7, Kirkstall Trading Estate", "Leeds LS5 3BT", "United Kingdom"),
        font="DejaVu Sans",
        accent="#7a1f1f",
        dates="dmy/",
        items="catering",
    ),
    _v(
        "tidewater-marine",
        "Tidewater Marine Services Ltd",
        gb_vat("4418203"),
        "LOYD30963412345670",
        "invoices",
        "en",
        "dev",
        "uk",
        ("Albion Dockside, Hanover Place", "Bristol BS1 6UT", "United Kingdom"),
        font="DejaVu Sans Condensed",
        accent="#006d77",
        dates="en_short",
        items="marine",
    ),
    _v(
        "greywell-hosting",
        "Greywell Cloud Hosting Ltd",
        gb_vat("8822041"),
        "HBUK40127617284903",
        "billing",
        "en",
        "held-out",
        "uk",
        ("3 Greywell Road", "Basingstoke RG24 8PZ", "United Kingdom"),
        font="Noto Sans",
        accent="#333333",
        dates="dmy/",
        items="hosting",
    ),
    _v(
        "liffey-interiors",
        "Liffey Office Interiors Ltd",
        ie_vat("6388047"),
        "AIBK93115212345678",
        "accounts",
        "en",
        "held-out",
        "ie",
        ("Unit 4, Parkwest Business Park", "Dublin 12, D12 X9K2", "Ireland"),
        font="DejaVu Sans",
        accent="#116149",
        dates="dmy/",
        items="interiors",
    ),
    _v(
        "shannon-print",
        "Shannon Print & Pack Ltd",
        ie_vat("9450127"),
        "BOFI90001722458813",
        "finance",
        "en",
        "dev",
        "ie",
        ("Raheen Industrial Estate", "Limerick V94 K2T7", "Ireland"),
        font="Noto Serif",
        accent="#4a2c82",
        dates="en_short",
        items="print_en",
    ),
    _v(
        "kessler-antriebe",
        "Kessler Antriebstechnik GmbH",
        de_vat("81275304"),
        "600501010002345678",
        "buchhaltung",
        "en",
        "dev",
        "de_en",
        ("Heilbronner Str. 150", "70191 Stuttgart", "Germany"),
        font="DejaVu Sans",
        accent="#b00000",
        dates="dmy.",
        items="mech_en",
    ),
    _v(
        "nordlicht-software",
        "Nordlicht Software GmbH",
        de_vat("29418376"),
        "200400600526478100",
        "rechnung",
        "en",
        "held-out",
        "de_en",
        ("Stresemannstr. 374", "22761 Hamburg", "Germany"),
        font="Noto Sans",
        accent="#1b4965",
        dates="iso",
        items="software",
    ),
    _v(
        "cedar-ridge",
        "Cedar Ridge Office Supply Inc.",
        "93-1827364",
        "CITI40051512345678",
        "ar",
        "en",
        "dev",
        "us",
        ("2250 NW Nicolai St", "Portland, OR 97210", "USA"),
        font="DejaVu Sans",
        accent="#2d6a4f",
        dates="mdy/",
        items="stationery_en",
        sales_tax=0.0,
    ),
    _v(
        "brightline-analytics",
        "Brightline Analytics LLC",
        "74-2093815",
        "CITI40051587654321",
        "billing",
        "en",
        "held-out",
        "us",
        ("600 Congress Ave, Suite 1400", "Austin, TX 78701", "USA"),
        font="Noto Sans",
        accent="#3a0ca3",
        dates="us_long",
        items="software",
        sales_tax=8.25,
    ),
    _v(
        "bayside-freight",
        "Bayside Freight Forwarders Corp",
        "22-3918274",
        "CITI40051511223344",
        "invoicing",
        "en",
        "dev",
        "us",
        ("1 Port Jersey Blvd", "Jersey City, NJ 07305", "USA"),
        font="DejaVu Sans Condensed",
        accent="#003049",
        dates="us_long",
        items="freight",
        sales_tax=6.625,
    ),
    _v(
        "marlowe-consulting",
        "Marlowe Consulting Group LLC",
        "36-4471920",
        "CITI40051599887766",
        "accounting",
        "en",
        "held-out",
        "us",
        ("233 S Wacker Dr, 84th Floor", "Chicago, IL 60606", "USA"),
        font="Noto Serif",
        accent="#6a040f",
        dates="mdy/",
        items="consulting",
        sales_tax=10.25,
    ),
    # ------------------------------------------------------------------ Arabic
    _v(
        "al-raya",
        "Al Raya Contracting Co.",
        "310298475600003",
        "80000123608010167519",
        "finance",
        "ar",
        "dev",
        "zatca",
        ("King Fahd Road, Al Olaya", "Riyadh 12214"),
        alias="شركة الراية للمقاولات",
        font="Noto Sans Arabic",
        accent="#0f4c5c",
        dates="iso",
        items="contracting",
    ),
    _v(
        "najd-medical",
        "Najd Medical Supplies Co.",
        "300847261900003",
        "45000000808120070015",
        "accounts",
        "ar",
        "held-out",
        "zatca",
        ("Prince Sultan Road", "Buraidah 52361"),
        alias="شركة نجد للمستلزمات الطبية",
        font="Noto Naskh Arabic",
        accent="#2a9d8f",
        dates="dmy/",
        items="medical",
    ),
    _v(
        "red-sea-trading",
        "شركة البحر الأحمر للتجارة",
        "311092837400003",
        "55000000012345678901",
        "billing",
        "ar",
        "dev",
        "zatca",
        ("Tahlia Street, Al Andalus", "Jeddah 23326"),
        alias="Red Sea Trading Company",
        font="Noto Kufi Arabic",
        accent="#9d0208",
        dates="ymd/",
        items="trading",
    ),
    _v(
        "al-ofuq-tech",
        "مؤسسة الأفق للتقنية",
        "302837465100003",
        "10000001234567890123",
        "invoices",
        "ar",
        "held-out",
        "zatca",
        ("Prince Mohammed bin Fahd Road", "Dammam 32241"),
        alias="Al Ofuq Technology Est.",
        font="Noto Sans Arabic",
        accent="#3d405b",
        dates="iso",
        items="it",
    ),
    _v(
        "bait-al-shai",
        "مطعم بيت الشاي",
        "310564738200003",
        "15000000602233445566",
        "branch1",
        "ar",
        "dev",
        "simplified",
        ("Tahlia St", "Riyadh"),
        alias="Tea House Restaurant",
        font="Noto Naskh Arabic",
        accent="#000000",
        dates="ymd-",
        items="restaurant",
    ),
    _v(
        "al-safa-stationery",
        "Al Safa Stationery",
        "300192837600003",
        "20000001112223334445",
        "pos",
        "ar",
        "held-out",
        "simplified",
        ("Al Malaz", "Riyadh"),
        alias="مكتبة الصفا",
        font="Noto Sans Arabic",
        accent="#000000",
        dates="dmy/",
        items="stationery_ar",
    ),
    _v(
        "saydaliyat-al-dawaa",
        "صيدلية الدواء",
        "301928374600003",
        "60000000708090102030",
        "care",
        "ar",
        "held-out",
        "simplified",
        ("Al Khobar Corniche", "Al Khobar"),
        alias="Al Dawaa Pharmacy",
        font="Noto Kufi Arabic",
        accent="#000000",
        dates="iso",
        items="pharmacy",
    ),
    _v(
        "al-nakheel-supplies",
        "مؤسسة النخيل للتوريدات",
        "300475869100003",
        "80000508608010123456",
        "sales",
        "ar",
        "dev",
        "arabic",
        ("حي الملز، شارع الستين", "الرياض 12831"),
        font="Noto Naskh Arabic",
        accent="#264653",
        dates="dmy/",
        items="supplies",
        hijri="both",
    ),
    _v(
        "gulf-logistics",
        "شركة الخليج للخدمات اللوجستية",
        "310938475600003",
        "45000000155566677788",
        "ar.team",
        "ar",
        "held-out",
        "arabic",
        ("ميناء الملك عبدالعزيز", "الدمام 32414"),
        font="Noto Kufi Arabic",
        accent="#1d3557",
        dates="ymd/",
        items="logistics",
        hijri="some",
    ),
    _v(
        "al-jazeera-plastic",
        "مصنع الجزيرة للبلاستيك",
        "300019283700003",
        "10000009988776655443",
        "factory",
        "ar",
        "dev",
        "arabic",
        ("المدينة الصناعية الثانية", "جدة 21491"),
        font="Noto Sans Arabic",
        accent="#6a4c93",
        dates="ar_long",
        items="plastic",
        hijri="some",
    ),
    _v(
        "al-roya-engineering",
        "مكتب الرؤية للاستشارات الهندسية",
        "311827364500003",
        "55000000998877665544",
        "office",
        "ar",
        "held-out",
        "arabic",
        ("طريق الملك عبدالله", "المدينة المنورة 42311"),
        font="Noto Naskh Arabic",
        accent="#283618",
        dates="dmy/",
        items="engineering_ar",
        hijri="only",
    ),
    _v(
        "al-diriyah-furniture",
        "شركة الدرعية للأثاث",
        "302918374600003",
        "20000002233445566778",
        "showroom",
        "ar",
        "dev",
        "arabic",
        ("طريق الدرعية", "الرياض 13711"),
        font="Noto Kufi Arabic",
        accent="#7f5539",
        dates="dmy/",
        items="furniture",
        hijri="only",
    ),
)

ITEMS = {
    "print": (
        "Biglietti da visita 4/4",
        "Brochure A4 pieghevole",
        "Stampa manifesti 70x100",
        "Carta intestata",
        "Cataloghi 48 pagine",
        "Etichette adesive",
    ),
    "mech": (
        "Albero di trasmissione",
        "Flangia in acciaio",
        "Lavorazione CNC",
        "Boccola in bronzo",
        "Ingranaggio cilindrico",
        "Revisione riduttore",
    ),
    "electric": (
        "Cavo FG16OR16 3G2,5",
        "Interruttore magnetotermico",
        "Quadro elettrico",
        "Plafoniera LED 36W",
        "Canalina 40x40",
        "Presa Schuko",
    ),
    "agri": (
        "Concime granulare NPK",
        "Sementi di frumento",
        "Mangime per bovini",
        "Gasolio agricolo",
        "Fitofarmaci",
        "Teli pacciamatura",
    ),
    "stationery": (
        "Risme carta A4",
        "Penne a sfera",
        "Raccoglitori ad anelli",
        "Toner stampante",
        "Quaderni",
        "Buste imbottite",
    ),
    "plumbing": (
        "Caldaia a condensazione",
        "Manodopera idraulico",
        "Raccordi in ottone",
        "Tubo multistrato",
        "Miscelatore lavabo",
        "Uscita tecnico",
    ),
    "transport": (
        "Trasporto collettame",
        "Bancali",
        "Consegna espressa",
        "Giacenza merce",
        "Fermo deposito",
        "Supplemento carburante",
    ),
    "hotel": (
        "Lenzuola matrimoniali",
        "Set asciugamani",
        "Bicchieri in vetro",
        "Detersivo professionale",
        "Tovaglie in cotone",
        "Posate inox",
    ),
    "legal": ("Assistenza stragiudiziale", "Redazione contratto", "Parere legale", "Consulenza societaria"),
    "tax": ("Tenuta contabilità", "Dichiarazione dei redditi", "Consulenza fiscale", "Bilancio d'esercizio"),
    "engineering": ("Progettazione impianto", "Direzione lavori", "Certificazione energetica", "Sopralluogo"),
    "design": ("Progetto logo", "Impaginazione catalogo", "Restyling sito web", "Illustrazioni"),
    "stationery_en": (
        "A4 copier paper (box)",
        "Ballpoint pens, blue",
        "Lever arch files",
        "Toner cartridge",
        "Sticky notes",
        "Desk organiser",
    ),
    "catering": (
        "Combination oven service",
        "Stainless steel prep table",
        "Gastronorm pans",
        "Glass washer",
        "Engineer call-out",
        "Replacement door seal",
    ),
    "marine": (
        "Hull inspection",
        "Antifouling application",
        "Crane lift",
        "Mooring fees",
        "Engine service",
        "Sail repair",
        "Rigging check",
        "Labour (hours)",
    ),
    "hosting": ("Dedicated server", "Managed backup", "SSL certificate", "Load balancer", "Support plan"),
    "interiors": (
        "Ergonomic office chair",
        "Height adjustable desk",
        "Acoustic panel",
        "Installation labour",
        "Meeting table",
        "Delivery",
    ),
    "print_en": (
        "Business cards",
        "Tri-fold leaflets",
        "Corrugated boxes",
        "Printed labels",
        "Stickers",
        "Presentation folders",
    ),
    "mech_en": (
        "Gear motor 0.75 kW",
        "Shaft coupling",
        "Frequency inverter",
        "Bearing set",
        "Commissioning",
        "Spare parts kit",
    ),
    "software": (
        "Annual licence",
        "Implementation services",
        "Training day",
        "Support subscription",
        "User seats",
        "Data migration",
    ),
    "freight": ("Ocean freight LCL", "Customs clearance", "Drayage", "Warehousing", "Documentation fee", "Insurance"),
    "consulting": ("Strategy workshop", "Market analysis", "Consulting hours", "Travel expenses", "Executive report"),
    "contracting": (
        "أعمال خرسانية - Concrete works",
        "توريد حديد - Steel supply",
        "أعمال كهرباء - Electrical works",
        "عمالة - Labour",
        "تأجير معدات - Equipment rental",
    ),
    "medical": (
        "قفازات طبية - Medical gloves",
        "كمامات - Face masks",
        "محاليل - IV solutions",
        "شاش طبي - Gauze",
        "أجهزة قياس الضغط - BP monitors",
    ),
    "trading": (
        "أرز بسمتي - Basmati rice",
        "سكر - Sugar",
        "زيت نباتي - Vegetable oil",
        "شاي - Tea",
        "حليب مجفف - Milk powder",
    ),
    "it": (
        "حاسب محمول - Laptop",
        "شاشة - Monitor",
        "ترخيص برنامج - Software licence",
        "دعم فني - Support",
        "طابعة - Printer",
    ),
    "restaurant": ("شاي", "قهوة عربية", "كبسة دجاج", "سلطة", "عصير برتقال", "ماء"),
    "stationery_ar": ("دفتر", "أقلام", "ورق تصوير", "ملفات", "آلة حاسبة", "مسطرة"),
    "pharmacy": ("باراسيتامول", "فيتامين د", "معقم", "ضمادات", "شراب للكحة"),
    "supplies": ("مواد تنظيف", "أكياس نفايات", "مناديل ورقية", "قفازات", "معطر جو", "ممسحة"),
    "logistics": ("شحن بري", "تخليص جمركي", "تخزين", "تحميل وتنزيل", "تأمين البضائع"),
    "plastic": ("عبوات بلاستيكية", "أكياس بلاستيك", "أغطية", "حاويات", "قوالب"),
    "engineering_ar": ("تصميم معماري", "إشراف هندسي", "دراسة إنشائية", "مخططات كهربائية"),
    "furniture": ("مكتب تنفيذي", "كرسي مدير", "طاولة اجتماعات", "خزانة ملفات", "كنبة استقبال"),
}


@dataclass
class CorpusBill:
    id: str
    vendor: CorpusVendor
    half: str
    lang: str
    kind: str
    features: tuple
    truth: dict
    path: Path
    pages: int = 1

    def to_manifest(self):
        truth = {key: value.isoformat() if isinstance(value, date) else value for key, value in self.truth.items()}
        return {
            "id": self.id,
            "vendor": self.vendor.name,
            "half": self.half,
            "lang": self.lang,
            "kind": self.kind,
            "features": list(self.features),
            "truth": truth,
            "file": self.path.name,
            "pages": self.pages,
        }


def known_vendors():
    """Every corpus vendor as the company's partner the reader is given (``bill_reader.Vendor``)."""
    return [
        bill_reader.Vendor(index, vendor.name, (vendor.vat,), (vendor.iban,), (vendor.domain,))
        for index, vendor in enumerate(VENDORS, 1)
    ]


# ---------------------------------------------------------------------------------------------------- formats


def money(value, style, digits=False):
    """``value`` written as ``style`` does: "en" 1,234.56, "it" 1.234,56, "plain" 1234.56, "space" 1 234,56."""
    text = f"{value:,.2f}"
    if style == "it":
        text = text.replace(",", "X").replace(".", ",").replace("X", ".")
    elif style == "plain":
        text = f"{value:.2f}"
    elif style == "space":
        text = text.replace(",", " ").replace(".", ",")
    return text.translate(ARABIC_DIGITS) if digits else text


def hijri(day):
    from hijridate import Gregorian  # a dev-only dependency, needed to make the Saudi bills only

    value = Gregorian(day.year, day.month, day.day).to_hijri()
    return value.year, value.month, value.day


def fdate(day, style, digits=False):
    """``day`` written as ``style`` (see the cases) says; Arabic-Indic digits when ``digits``."""
    if style.startswith("hijri"):
        year, month, dom = hijri(day)
        text = f"{dom:02d}/{month:02d}/{year} هـ" if style == "hijri" else f"{dom} {HIJRI_MONTHS[month - 1]} {year} هـ"
    else:
        text = {
            "dmy/": f"{day:%d/%m/%Y}",
            "dmy-": f"{day:%d-%m-%Y}",
            "dmy.": f"{day:%d.%m.%Y}",
            "mdy/": f"{day:%m/%d/%Y}",
            "iso": f"{day:%Y-%m-%d}",
            "ymd/": f"{day:%Y/%m/%d}",
            "ymd-": f"{day:%Y-%m-%d}",
            "it_long": f"{day.day} {MONTHS['it'][day.month - 1]} {day.year}",
            "en_long": f"{day.day} {MONTHS['en'][day.month - 1]} {day.year}",
            "en_short": f"{day.day:02d} {MONTHS['en'][day.month - 1][:3]} {day.year}",
            "us_long": f"{MONTHS['en'][day.month - 1]} {day.day}, {day.year}",
            "ar_long": f"{day.day} {MONTHS['ar'][day.month - 1]} {day.year}",
        }[style]
    return text.translate(ARABIC_DIGITS) if digits else text


def spaced_vat(vat):
    """A UK VAT number as printed: "GB 123 4567 89"."""
    return f"{vat[:2]} {vat[2:5]} {vat[5:9]} {vat[9:]}"


# ---------------------------------------------------------------------------------------------------- bills


@dataclass
class Spec:
    """What one bill says, before it is printed."""

    vendor: CorpusVendor
    index: int
    kind: str
    ref: str
    day: date
    due: date | None
    due_printed: bool
    terms: int
    lines: list  # (description, quantity, unit price, amount, rate)
    summary: list  # (rate, base, tax); a rate is a number or a nature code ("N1")
    untaxed: float
    tax: float
    total: float
    features: set
    digits: bool = False  # Arabic-Indic digits
    hand: bool = False  # the total written by hand
    discount: float = 0.0
    extra: dict | None = None


def _lines(rng, vendor, count, rates, low=8, high=600):
    if count > 20:  # a long bill: many small lines
        high = low * 6
    items = ITEMS[vendor.opt("items")]
    lines = []
    for number in range(count):
        description = items[number % len(items)] if count > len(items) else rng.sample(items, count)[number]
        if count > len(items):
            description = f"{description} ({number // len(items) + 1})"
        quantity = rng.choice((1, 1, 2, 3, 4, 5, 6, 10, 12, 20, 24))
        price = round(rng.uniform(low, high), 2)
        lines.append([description, quantity, price, round(quantity * price, 2), rates[number % len(rates)]])
    return lines


def _summary(lines):
    bases = {}
    for line in lines:
        bases[line[4]] = round(bases.get(line[4], 0.0) + line[3], 2)
    summary = []
    for rate, base in bases.items():
        percent = rate if isinstance(rate, int | float) else 0
        summary.append((rate, base, round(base * percent / 100, 2)))
    return summary


def _italian(vendor, index, rng, count, features, extra):
    """A FatturaPA courtesy copy's or an Italian firm's lines: one to three VAT rates, split payment, bollo."""
    if vendor.family == "fatturapa":
        rates = ((22,), (22, 10), (22, 10, 4))[index % 3]
        lines = _lines(rng, vendor, max(count, len(rates)), list(rates))
        if index == 3:  # exempt fees over 77,47 EUR: the bill bears the stamp duty, paid virtually
            lines.append(["Diritti di segreteria esenti art. 10", 1, round(rng.uniform(80, 150), 2), 0.0, "N4"])
            lines[-1][3] = lines[-1][2]
            lines.append(["Rimborso imposta di bollo", 1, 2.0, 2.0, "N1"])
            features.add("bollo")
        extra["split"] = index == 1
        if index == 1:
            features.add("split payment")
        extra["payment_table"] = index != 4
        features.add("labels above values")
        terms = 30
    else:
        rates = ((22,), (22, 10), (22, 4), (22, 10, 4), (22,))[index]
        lines = _lines(rng, vendor, max(count, len(rates)), list(rates))
        terms = (30, 60, 30, 90, 30)[index]
        extra["payment_table"] = index % 2 == 0
    features.add(f"{len(rates)} VAT rates" if len(rates) > 1 else "1 VAT rate")
    return lines, _summary(lines), 0.0, terms


def _professional(vendor, index, rng, count, features, extra):
    """A professional's fees, the pension fund's 4 % (when the profession has one), 22 % VAT, 20 % withholding."""
    lines = _lines(rng, vendor, rng.randint(1, 3), [22], 150, 1800)
    for line in lines:
        line[1] = 1
        line[3] = line[2]
    fees = round(sum(line[3] for line in lines), 2)
    cassa = round(fees * 0.04, 2) if vendor.opt("cassa") else 0.0
    base = round(fees + cassa, 2)
    extra.update(fees=fees, cassa=cassa, withholding=round(fees * 0.20, 2))
    features.add("ritenuta d'acconto")
    return lines, [(22, base, round(base * 0.22, 2))], 0.0, 30


def _western(vendor, index, rng, count, features, extra):
    """A UK, Irish, German or US bill's lines: a discount, the reverse charge, two Irish rates, US sales tax."""
    family = vendor.family
    rates = {"uk": [20], "ie": [23, 13.5] if index % 2 else [23], "de_en": [19], "us": [0]}[family]
    lines = _lines(rng, vendor, max(count, len(rates)), rates)
    if (family == "de_en" and index % 2 == 0) or (vendor.key == "greywell-hosting" and index < 3):
        for line in lines:
            line[4] = 0
        features.add("reverse charge")
    if len(rates) > 1:
        features.add("2 VAT rates")
    discount = 0.0
    if family in ("uk", "us") and index in (1, 3):
        percent = rng.choice((5, 10, 15))
        discount = round(sum(line[3] for line in lines) * percent / 100, 2)
        extra["discount_percent"] = percent
        features.add("discount")
    summary = _summary(lines)
    if discount:
        base = round(summary[0][1] - discount, 2)
        summary = [(summary[0][0], base, round(base * summary[0][0] / 100, 2))]
    terms = {"uk": 30, "ie": 30, "de_en": 14 if vendor.key == "kessler-antriebe" else 30, "us": 30}[family]
    if family == "us":
        terms = (30, 30, 15, 45, 30)[index]
        features.add("sales tax" if vendor.opt("sales_tax") else "no tax")
        rate = vendor.opt("sales_tax")
        summary = [(rate, summary[0][1], round(summary[0][1] * rate / 100, 2))]
    return lines, summary, discount, terms


def _saudi(vendor, index, rng, count, features, extra):
    """A Saudi bill's lines, all at 15 %: a till's small amounts on a simplified invoice."""
    receipt = vendor.family == "simplified"
    lines = _lines(rng, vendor, count, [15], 5 if receipt else 50, 60 if receipt else 4000)
    features.add({"zatca": "ZATCA standard", "simplified": "ZATCA simplified", "arabic": "Arabic only"}[vendor.family])
    if vendor.family == "zatca":
        features.add("bilingual")
    return lines, _summary(lines), 0.0, 30


CONTENTS = {
    "fatturapa": _italian,
    "it_classic": _italian,
    "it_professional": _professional,
    "uk": _western,
    "ie": _western,
    "de_en": _western,
    "us": _western,
    "zatca": _saudi,
    "simplified": _saudi,
    "arabic": _saudi,
}
# how each family states the due date (by the bill's number for some): printed, as terms (the date plus the days),
# or not at all
DUE_MODES = {
    "it_professional": ("printed", "none", "terms", "printed", "none"),
    "uk": ("printed", "terms", "printed", "terms", "printed"),
    "ie": ("printed",) * 5,
    "de_en": ("terms",) * 5,
    "us": ("printed", "terms", "printed", "printed", "terms"),
    "zatca": ("printed", "none", "printed", "none", "printed"),
    "simplified": ("none",) * 5,
    "arabic": ("printed", "terms", "none", "printed", "terms"),
}


def _marks(vendor, index, features, extra):
    """The Saudi bills' digits and calendars, and which bills bear a ZATCA or an EPC QR code."""
    digits = vendor.lang == "ar" and (index + hash_key(vendor.key)) % 2 == 0
    if digits:
        features.add("Arabic-Indic digits")
    mode = vendor.opt("hijri")
    if vendor.family == "arabic" and mode:
        extra["hijri"] = {
            "both": "both",
            "some": "both" if index % 2 else None,
            "only": "only" if index < 3 else "both",
        }[mode]
        if extra["hijri"]:
            features.add("Hijri only" if extra["hijri"] == "only" else "Hijri and Gregorian")
    if vendor.family in ("zatca", "simplified") or (vendor.family == "arabic" and index % 2 == 0):
        features.add("ZATCA QR")
    epc = ("shannon-print", "liffey-interiors", "kessler-antriebe", "nordlicht-software")
    if vendor.key in epc or (vendor.family == "fatturapa" and index == 0):
        features.add("EPC QR")
    return digits


def make_spec(vendor, index, kind, rng, hand):
    """The content of bill ``index`` of ``vendor``: its lines, VAT by rate, totals, dates and features."""
    features, extra = set(), {}
    day = date(2026, 1, 7) + timedelta(days=rng.randrange(170))
    two_page = (
        kind in ("text PDF", "image PDF")
        and index == 2
        and vendor.family in ("uk", "ie", "de_en", "us", "it_classic", "zatca")
    )
    count = rng.randint(52, 60) if two_page else rng.randint(1, 5)
    if two_page:
        features.add("two pages")
    lines, summary, discount, terms = CONTENTS[vendor.family](vendor, index, rng, count, features, extra)
    untaxed = round(sum(base for _rate, base, _tax in summary), 2)
    tax = round(sum(value for _rate, _base, value in summary), 2)
    if vendor.family in ("fatturapa", "it_classic"):
        due_mode = "printed" if extra["payment_table"] else "none" if vendor.family == "fatturapa" else "terms"
    else:
        due_mode = DUE_MODES[vendor.family][index]
    if due_mode == "terms":
        features.add("due from terms")
    digits = _marks(vendor, index, features, extra)
    if hand:
        features.add("handwritten total")
    return Spec(
        vendor,
        index,
        kind,
        make_ref(vendor, index, day, rng),
        day,
        day + timedelta(days=terms) if due_mode != "none" else None,
        due_mode == "printed",
        terms,
        lines,
        summary,
        untaxed,
        tax,
        round(untaxed + tax, 2),
        features,
        digits,
        hand,
        discount,
        extra,
    )


def hash_key(text):
    return sum(map(ord, text))


def make_ref(vendor, index, day, rng):
    number = rng.randint(12, 980)
    pattern = {
        "tipografia-moretti": f"{number}/{day.year}",
        "officine-galli": f"FPR {number}/{day:%y}",
        "elettroforniture-sarti": f"{day.year}/{number:04d}/E",
        "consorzio-valdarno": f"V2-{number:06d}",
        "cartoleria-bianchi": f"{number}/B",
        "idraulica-ferretti": f"FT-{day.year}-{number:04d}",
        "trasporti-marchetti": f"{number:05d}",
        "forniture-costa": f"{number}/{day.year}",
        "studio-bellandi": f"{number}/{day.year}",
        "esposito-commercialista": f"{number}/PA",
        "ing-lombardi": f"{day.year}-{number:03d}",
        "studio-fontana": f"{number}",
        "harrow-finch": f"HF{10000 + number * 7}",
        "pennine-catering": f"SI-{number:06d}",
        "tidewater-marine": f"TMS/{day.year}/{number:04d}",
        "greywell-hosting": f"GW-{200000 + number * 13}",
        "liffey-interiors": f"LOI{number:05d}",
        "shannon-print": f"INV-{number:05d}",
        "kessler-antriebe": f"RE-{day.year}-{number:05d}",
        "nordlicht-software": f"{day.year}{number:05d}",
        "cedar-ridge": f"{4000 + number * 3}",
        "brightline-analytics": f"BLA-{number:04d}",
        "bayside-freight": f"BF{day:%y}{number:05d}",
        "marlowe-consulting": f"MCG-{day.year}-{number:03d}",
        "al-raya": f"INV-{day.year}-{number:06d}",
        "najd-medical": f"NMS{day:%y}{number:05d}",
        "red-sea-trading": f"RST-{number:05d}",
        "al-ofuq-tech": f"OT/{day.year}/{number:04d}",
        "bait-al-shai": f"SIN-{number * 11:06d}",
        "al-safa-stationery": f"R{number * 7:07d}",
        "saydaliyat-al-dawaa": f"PH-{number * 3:06d}",
        "al-nakheel-supplies": f"{number}/{day.year}",
        "gulf-logistics": f"GL-{number:05d}",
        "al-jazeera-plastic": f"JP{day.year}{number:04d}",
        "al-roya-engineering": f"RE-{number:04d}",
        "al-diriyah-furniture": f"DF-{number:05d}",
    }[vendor.key]
    return pattern


def truth_of(spec):
    truth = {
        "vendor": spec.vendor.name,
        "ref": spec.ref,
        "invoice_date": spec.day,
        "currency": currency_of(spec.vendor),
        "untaxed": spec.untaxed,
        "tax": spec.tax,
        "total": spec.total,
    }
    if spec.due:
        truth["due_date"] = spec.due
    return truth


def currency_of(vendor):
    if vendor.lang == "ar":
        return "SAR"
    if vendor.family == "uk":
        return "GBP"
    if vendor.family == "us":
        return "USD"
    return "EUR"


# ---------------------------------------------------------------------------------------------------- templates


PAGED = "thead { display: table-header-group; } tr { page-break-inside: avoid; }"
HAND_MARK = '<span style="display:inline-block;width:34mm;height:7mm;background:#ff00ff;vertical-align:middle"></span>'


def _css(vendor, size=13, extra=""):
    font = vendor.opt("font", "DejaVu Sans")
    accent = vendor.opt("accent", "#333")
    return f"""<meta charset="utf-8"/><style>
body {{ font-family: '{font}', 'DejaVu Sans', 'Noto Naskh Arabic', sans-serif; font-size: {size}px; margin: 28px;
color: #111; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 3px 7px; vertical-align: top; }}
th {{ text-align: start; }} .n {{ text-align: right; white-space: nowrap; }} .a {{ color: {accent}; }}
.box {{ border: 1px solid {accent}; padding: 6px 9px; }} .small {{ font-size: {size - 3}px; color: #444; }}
.lab {{ font-size: {size - 3}px; color: #555; }} h1 {{ color: {accent}; margin: 0 0 4px 0; }}
{extra}</style>"""


def _qr(payload, width="32mm"):
    image = base64.b64encode(bill_samples.qr_png(payload)).decode()
    return f'<img src="data:image/png;base64,{image}" style="width: {width}"/>'


def _epc(spec, amount):
    payload = bill_samples.epc_payload(spec.vendor.name[:70], spec.vendor.iban, amount, spec.ref)
    return _qr(payload, "28mm")


def _zatca(spec):
    vendor = spec.vendor
    seller = vendor.name if not vendor.name.isascii() or not vendor.alias else vendor.alias  # the Arabic name
    moment = f"{spec.day.isoformat()}T{9 + spec.index:02d}:{13 * spec.index % 60:02d}:00Z"
    payload = bill_samples.zatca_payload(seller, spec.vendor.vat, moment, spec.total, spec.tax)
    return _qr(payload, "30mm")


def _riyal(vendor):
    """The riyal's sign after an amount: "ر.س", or the word where the vendor's font has no full stop (Kufi)."""
    return " ريال" if "Kufi" in vendor.opt("font") else " ر.س"


def _total_cell(spec, text):
    return HAND_MARK if spec.hand else text


def _rate_text(rate, style):
    if isinstance(rate, str):
        return rate
    text = f"{rate:.2f}" if style == "it" else (f"{rate:g}" if rate != int(rate) else f"{int(rate)}")
    return text.replace(".", ",") if style == "it" else text


def render_fatturapa(spec):
    """The courtesy copy of a FatturaPA e-invoice, as the Agenzia delle Entrate's style sheet lays it out."""
    vendor, m = spec.vendor, (lambda value: money(value, "it"))
    d = vendor.opt("dates")
    grid = (
        ("Tipologia documento", "TD01 fattura"),
        ("Art. 73", ""),
        ("Numero documento", spec.ref),
        ("Data documento", fdate(spec.day, d)),
        ("Codice destinatario", BUYER["sdi"]),
    )
    header = "".join(f"<th class='lab'>{escape(label)}</th>" for label, _ in grid)
    values = "".join(f"<td><b>{escape(value)}</b></td>" for _, value in grid)
    rows = "".join(
        f"<tr><td>{escape(line[0])}</td><td class='n'>{line[1]},00</td><td class='n'>{m(line[2])}</td>"
        f"<td>{'PZ' if isinstance(line[4], int) else ''}</td><td class='n'>{_rate_text(line[4], 'it')}</td>"
        f"<td class='n'>{m(line[3])}</td></tr>"
        for line in spec.lines
    )
    natures = {"N4": "N4 - esenti", "N1": "N1 - escluse ex art. 15"}
    summary = "".join(
        f"<tr><td>{escape(natures.get(rate, 'S' if spec.extra.get('split') else 'I'))}</td>"
        f"<td class='n'>{_rate_text(rate, 'it')}</td><td></td><td class='n'>0,00</td>"
        f"<td class='n'>{m(base)}</td><td class='n'>{m(tax)}</td></tr>"
        for rate, base, tax in spec.summary
    )
    bollo = "SI" if "bollo" in spec.features else ""
    to_pay = spec.untaxed if spec.extra.get("split") else spec.total
    split_note = (
        "<p class='small'>Operazione soggetta a scissione dei pagamenti art. 17-ter DPR 633/72: l'IVA è versata "
        "dal cessionario/committente.</p>"
        if spec.extra.get("split")
        else ""
    )
    payment = ""
    if spec.extra.get("payment_table"):
        payment = f"""<table border="1" style="width:100%; margin-top:10px">
<tr><th class='lab'>Modalità pagamento</th><th class='lab'>IBAN</th><th class='lab'>Istituto</th>
<th class='lab'>Data scadenza</th><th class='lab'>Importo</th></tr>
<tr><td>MP05 bonifico</td><td>{vendor.iban}</td><td>Banca</td><td>{fdate(spec.due, d)}</td>
<td class='n'>{m(to_pay)}</td></tr></table>"""
    epc = f"<p>{_epc(spec, to_pay)}</p>" if "EPC QR" in spec.features else ""
    party = """<td style="width:50%" class="box"><div class="lab">{title}</div>
<div>Identificativo fiscale ai fini IVA: <b>{vat}</b></div><div>Codice fiscale: {cf}</div>
<div>Denominazione: <b>{name}</b></div><div>Indirizzo: {street}</div><div>Comune: {city}</div>
<div>Nazione: IT</div>{more}</td>"""
    seller = party.format(
        title="Cedente/prestatore (fornitore)",
        vat=vendor.vat,
        cf=vendor.vat[2:],
        name=escape(vendor.name),
        street=escape(vendor.address[0]),
        city=escape(vendor.address[1]),
        more=f"<div>Email: {vendor.email}</div><div>Regime fiscale: RF01 ordinario</div>",
    )
    buyer = party.format(
        title="Cessionario/committente (cliente)",
        vat=BUYER["vat"],
        cf=BUYER["vat"][2:],
        name=escape(BUYER["name"]),
        street=BUYER["street"],
        city=BUYER["city"],
        more="",
    )
    return f"""<!DOCTYPE html><html><head>{_css(vendor, 11)}</head><body>
<table style="width:100%"><tr>{seller}{buyer}</tr></table>
<table border="1" style="width:100%; margin-top:12px"><tr>{header}</tr><tr>{values}</tr></table>
<p class="lab">Causale: fornitura come da ordine</p>
<table border="1" style="width:100%; margin-top:8px">
<tr><th class='lab'>Descrizione</th><th class='lab'>Quantità</th><th class='lab'>Prezzo unitario</th>
<th class='lab'>UM</th><th class='lab'>%IVA</th><th class='lab'>Prezzo totale</th></tr>{rows}</table>
<p class="a"><b>RIEPILOGHI IVA E TOTALI</b></p>
<table border="1" style="width:100%">
<tr><th class='lab'>Esigibilità IVA / riferimenti normativi</th><th class='lab'>%IVA</th><th class='lab'>Spese
accessorie</th><th class='lab'>Arr.</th><th class='lab'>Totale imponibile</th><th class='lab'>Totale imposta</th>
</tr>{summary}</table>
<table border="1" style="width:100%; margin-top:8px">
<tr><th class='lab'>Importo bollo</th><th class='lab'>Sconto/Maggiorazione</th><th class='lab'>Valuta</th>
<th class='lab'>Totale documento</th></tr>
<tr><td>{"2,00" if bollo else ""}</td><td></td><td>EUR</td><td class='n'><b>{m(spec.total)}</b></td></tr></table>
{"<p>Bollo virtuale 2,00 € assolto ai sensi del DM 17/06/2014</p>" if bollo else ""}
{split_note}{payment}{epc}
</body></html>"""


def render_it_classic(spec):
    """A small Italian firm's own invoice: letterhead, "FATTURA N. ... del ...", riepilogo IVA by rate, scadenze."""
    vendor, m = spec.vendor, (lambda value: money(value, "it"))
    d = vendor.opt("dates")
    rows = "".join(
        f"<tr><td>{escape(line[0])}</td><td class='n'>{line[1]}</td><td class='n'>{m(line[2])}</td>"
        f"<td class='n'>{m(line[3])}</td><td class='n'>{line[4]}%</td></tr>"
        for line in spec.lines
    )
    summary = "".join(
        f"<tr><td class='n'>{m(base)}</td><td class='n'>{rate}%</td><td class='n'>{m(tax)}</td></tr>"
        for rate, base, tax in spec.summary
    )
    if spec.extra.get("payment_table"):
        payment = f"""<table border="1" style="margin-top:10px"><tr><th>Modalità pagamento</th><th>IBAN</th>
<th>Scadenza</th><th>Importo</th></tr><tr><td>MP05 Bonifico</td><td>{vendor.iban}</td><td>{fdate(spec.due, d)}</td>
<td class='n'>€ {m(spec.total)}</td></tr></table>"""
    else:
        payment = f"<p>Pagamento: bonifico bancario a {spec.terms} gg data fattura - IBAN {vendor.iban}</p>"
    title = f"FATTURA N. {escape(spec.ref)} del {fdate(spec.day, d)}"
    return f"""<!DOCTYPE html><html><head>{_css(vendor, 13)}</head><body>
<table style="width:100%"><tr><td><h1>{escape(vendor.name)}</h1>{escape(vendor.address[0])}<br/>
{escape(vendor.address[1])}<br/>P.IVA {vendor.vat[2:]} - C.F. {vendor.vat[2:]}<br/>{vendor.email}</td>
<td style="width:45%"><div class="box"><div class="lab">Spett.le</div><b>{escape(BUYER["name"])}</b><br/>
{BUYER["street"]}<br/>{BUYER["city"]}<br/>P.IVA {BUYER["vat"]}<br/>Cod. SDI {BUYER["sdi"]}</div></td></tr></table>
<h2 class="a">{title}</h2>
<table border="1" style="width:100%"><tr><th>Descrizione</th><th>Q.tà</th><th>Prezzo</th><th>Importo</th>
<th>IVA</th></tr>{rows}</table>
<table style="width:100%; margin-top:12px"><tr><td style="width:55%">
<p class="a"><b>Riepilogo IVA</b></p><table border="1"><tr><th>Imponibile</th><th>Aliquota</th><th>Imposta</th>
</tr>{summary}</table></td><td>
<table border="1" style="width:100%"><tr><td>Totale imponibile</td><td class='n'>€ {m(spec.untaxed)}</td></tr>
<tr><td>Totale IVA</td><td class='n'>€ {m(spec.tax)}</td></tr>
<tr><td><b>Totale fattura</b></td><td class='n'><b>{_total_cell(spec, "€ " + m(spec.total))}</b></td></tr>
</table></td></tr></table>
{payment}<p class="small">Documento privo di valenza fiscale ai sensi dell'art. 21 DPR 633/72. L'originale è
disponibile nell'area riservata del sito dell'Agenzia delle Entrate.</p>
</body></html>"""


def render_it_professional(spec):
    """A professional's invoice (parcella): fees, the pension fund's 4 %, IVA, ritenuta d'acconto 20 %."""
    vendor, m = spec.vendor, (lambda value: money(value, "it"))
    d, extra = vendor.opt("dates"), spec.extra
    rows = "".join(f"<tr><td>{escape(line[0])}</td><td class='n'>€ {m(line[3])}</td></tr>" for line in spec.lines)
    cassa = (
        f"<tr><td>Contributo integrativo {escape(vendor.opt('cassa'))} 4%</td><td class='n'>€ {m(extra['cassa'])}"
        "</td></tr>"
        if extra["cassa"]
        else ""
    )
    net = round(spec.total - extra["withholding"], 2)
    due = {
        0: f"<p>Scadenza: {fdate(spec.due, d) if spec.due else ''}</p>",
        1: "<p>Pagamento a ricevimento fattura</p>",
        2: f"<p>Pagamento: bonifico a {spec.terms} giorni data fattura</p>",
        3: f"<p>Scadenza pagamento: {fdate(spec.due, d) if spec.due else ''}</p>",
        4: "<p>Modalità di pagamento: bonifico bancario</p>",
    }[spec.index]
    return f"""<!DOCTYPE html><html><head>{_css(vendor, 13)}</head><body>
<div style="text-align:center"><h1>{escape(vendor.name)}</h1>{escape(vendor.address[0])} - {escape(vendor.address[1])}
<br/>Partita IVA {vendor.vat[2:]} &#160; PEC {vendor.email}</div>
<table style="width:100%; margin-top:24px"><tr><td><b>Fattura n. {escape(spec.ref)}</b><br/>
Data: {fdate(spec.day, d)}</td><td style="width:45%" class="box">Cliente:<br/><b>{escape(BUYER["name"])}</b><br/>
{BUYER["street"]}, {BUYER["city"]}<br/>Partita IVA {BUYER["vat"]}</td></tr></table>
<p>Per le prestazioni professionali rese:</p>
<table border="1" style="width:100%"><tr><th>Descrizione</th><th>Importo</th></tr>{rows}
<tr><td>Totale onorari</td><td class='n'>€ {m(extra["fees"])}</td></tr>{cassa}
<tr><td>Imponibile IVA</td><td class='n'>€ {m(spec.untaxed)}</td></tr>
<tr><td>IVA 22%</td><td class='n'>€ {m(spec.tax)}</td></tr>
<tr><td><b>Totale documento</b></td><td class='n'><b>€ {m(spec.total)}</b></td></tr>
<tr><td>Ritenuta d'acconto 20% su € {m(extra["fees"])}</td><td class='n'>- € {m(extra["withholding"])}</td></tr>
<tr><td><b>Netto a pagare</b></td><td class='n'><b>€ {m(net)}</b></td></tr></table>
{due}<p>IBAN: {vendor.iban}</p>
</body></html>"""


def render_uk(spec):
    """A UK invoice: VAT registration number, invoice date and tax point, Net / VAT @20% / Total, in pounds."""
    vendor, m = spec.vendor, (lambda value: money(value, "en"))
    d = vendor.opt("dates")
    reverse = "reverse charge" in spec.features
    rows = "".join(
        f"<tr><td>{escape(line[0])}</td><td class='n'>{line[1]}</td><td class='n'>£{m(line[2])}</td>"
        f"<td class='n'>{0 if reverse else 20}%</td><td class='n'>£{m(line[3])}</td></tr>"
        for line in spec.lines
    )
    subtotal = round(sum(line[3] for line in spec.lines), 2)
    discount = (
        f"<tr><td>Less discount {spec.extra['discount_percent']}%</td><td class='n'>-£{m(spec.discount)}</td></tr>"
        if spec.discount
        else ""
    )
    vat_label = "VAT 0% reverse charge" if reverse else "VAT @20%"
    due = f"<tr><td class='lab'>Due date</td><td>{fdate(spec.due, d)}</td></tr>" if spec.due_printed else ""
    terms = f"Payment terms: {spec.terms} days from invoice date." if not spec.due_printed else "Thank you."
    note = "<p><b>Reverse charge:</b> customer to account for VAT to the relevant tax authority.</p>" if reverse else ""
    vat_line = f"VAT Reg No: {spaced_vat(vendor.vat)}" if vendor.key != "greywell-hosting" else f"VAT No. {vendor.vat}"
    return f"""<!DOCTYPE html><html><head>{_css(vendor, 13, PAGED)}</head><body>
<table style="width:100%"><tr><td><h1>{escape(vendor.name)}</h1>{"<br/>".join(map(escape, vendor.address))}<br/>
{vendor.email}</td><td style="width:40%; text-align:right"><h2 class="a">INVOICE</h2></td></tr></table>
<table style="width:100%; margin-top:14px"><tr><td class="box" style="width:50%"><div class="lab">Invoice to</div>
<b>{escape(BUYER["name"])}</b><br/>{BUYER["street"]}<br/>{BUYER["city"]}<br/>{BUYER["country"]}<br/>
VAT: {BUYER["vat"]}</td><td><table>
<tr><td class='lab'>Invoice number</td><td><b>{escape(spec.ref)}</b></td></tr>
<tr><td class='lab'>Invoice date / Tax point</td><td>{fdate(spec.day, d)}</td></tr>{due}
<tr><td class='lab'>Account</td><td>FOUN001</td></tr></table></td></tr></table>
<table style="width:100%; margin-top:14px" border="1"><thead><tr><th>Description</th><th>Qty</th><th>Unit price</th>
<th>VAT rate</th><th>Net</th></tr></thead>{rows}</table>
<table style="margin-top:10px; margin-left:auto">
<tr><td>Subtotal</td><td class='n'>£{m(subtotal)}</td></tr>{discount}
<tr><td>Net</td><td class='n'>£{m(spec.untaxed)}</td></tr>
<tr><td>{vat_label}</td><td class='n'>£{m(spec.tax)}</td></tr>
<tr><td><b>Total</b></td><td class='n'><b>{_total_cell(spec, "£" + m(spec.total))}</b></td></tr></table>
{note}<p>{terms}</p><p class="small">Bank: IBAN {vendor.iban} &#160; {vat_line} &#160; Registered in England and
Wales No. {hash_key(vendor.key) * 9173 % 10000000:08d}</p>
</body></html>"""


def render_ie(spec):
    """An Irish invoice: euro, 23 % and 13.5 % VAT rates, a VAT analysis table."""
    vendor, m = spec.vendor, (lambda value: money(value, "en"))
    d = vendor.opt("dates")
    rows = "".join(
        f"<tr><td>{escape(line[0])}</td><td class='n'>{line[1]}</td><td class='n'>{m(line[2])}</td>"
        f"<td class='n'>{line[4]:g}%</td><td class='n'>{m(line[3])}</td></tr>"
        for line in spec.lines
    )
    analysis = "".join(
        f"<tr><td>{rate:g}%</td><td class='n'>€{m(base)}</td><td class='n'>€{m(tax)}</td></tr>"
        for rate, base, tax in spec.summary
    )
    epc = _epc(spec, spec.total) if "EPC QR" in spec.features else ""
    return f"""<!DOCTYPE html><html><head>{_css(vendor, 12, PAGED)}</head><body>
<h1>{escape(vendor.name)}</h1><div class="small">{" · ".join(map(escape, vendor.address))} · VAT No. {vendor.vat}
</div>
<h2 style="text-align:center">VAT INVOICE</h2>
<table style="width:100%"><tr><td class="box" style="width:48%"><b>{escape(BUYER["name"])}</b><br/>
{BUYER["street"]}, {BUYER["city"]}<br/>VAT {BUYER["vat"]}</td><td>
<table><tr><td>Invoice No:</td><td><b>{escape(spec.ref)}</b></td></tr><tr><td>Date:</td><td>{fdate(spec.day, d)}</td>
</tr><tr><td>Due Date:</td><td>{fdate(spec.due, d)}</td></tr></table></td></tr></table>
<table border="1" style="width:100%; margin-top:12px"><thead><tr><th>Description</th><th>Qty</th><th>Price €</th>
<th>VAT</th><th>Amount €</th></tr></thead>{rows}</table>
<table style="width:100%; margin-top:10px"><tr><td><b>VAT analysis</b><table border="1"><tr><th>Rate</th>
<th>Goods</th><th>VAT</th></tr>{analysis}</table></td><td><table style="margin-left:auto">
<tr><td>Total excl. VAT</td><td class='n'>€{m(spec.untaxed)}</td></tr>
<tr><td>Total VAT</td><td class='n'>€{m(spec.tax)}</td></tr>
<tr><td><b>Invoice total</b></td><td class='n'><b>{_total_cell(spec, "€" + m(spec.total))}</b></td></tr></table>
</td></tr></table><p>Please pay to IBAN {vendor.iban} quoting {escape(spec.ref)}.</p>{epc}
</body></html>"""


def render_de_en(spec):
    """A German company's invoice in English: the number, date and customer number in a box on the right, payment
    terms as days net, 19 % VAT or the reverse charge, amounts 1.234,56 EUR."""
    vendor = spec.vendor
    style = "it" if vendor.key == "kessler-antriebe" else "en"
    m = lambda value: money(value, style)  # noqa: E731
    d = vendor.opt("dates")
    reverse = "reverse charge" in spec.features
    rows = "".join(
        f"<tr><td>{number}</td><td>{escape(line[0])}</td><td class='n'>{line[1]}</td><td class='n'>{m(line[2])}</td>"
        f"<td class='n'>{m(line[3])}</td></tr>"
        for number, line in enumerate(spec.lines, 1)
    )
    terms = (
        f"Payment terms: {spec.terms} days net"
        if vendor.key == "kessler-antriebe"
        else f"Payment terms: 10 days 2 % discount, {spec.terms} days net"
    )
    vat_row = (
        "<tr><td>VAT 0 % reverse charge</td><td class='n'>0,00 EUR</td></tr>".replace("0,00", m(0.0))
        if reverse
        else f"<tr><td>VAT 19 %</td><td class='n'>{m(spec.tax)} EUR</td></tr>"
    )
    note = (
        "<p>Tax liability of the recipient of the service (reverse charge, Art. 196 VAT Directive).</p>"
        if (reverse)
        else ""
    )
    epc = _epc(spec, spec.total) if "EPC QR" in spec.features else ""
    return f"""<!DOCTYPE html><html><head>{_css(vendor, 12, PAGED)}</head><body>
<div class="small">{escape(vendor.name)} · {" · ".join(map(escape, vendor.address))}</div>
<table style="width:100%; margin-top:14px"><tr><td>{escape(BUYER["name"])}<br/>{BUYER["street"]}<br/>
{BUYER["city"]}<br/>ITALY<br/>VAT ID: {BUYER["vat"]}</td>
<td style="width:36%"><table class="box" style="width:100%"><tr><td>Invoice no.</td><td><b>{escape(spec.ref)}</b></td>
</tr><tr><td>Date</td><td>{fdate(spec.day, d)}</td></tr><tr><td>Customer no.</td><td>{20000 + hash_key(vendor.key)}
</td></tr><tr><td>Your VAT ID</td><td>{BUYER["vat"]}</td></tr></table></td></tr></table>
<h2 class="a">Invoice</h2><p>Dear Sir or Madam, we invoice you for the following:</p>
<table border="1" style="width:100%"><thead><tr><th>Pos.</th><th>Description</th><th>Qty</th><th>Unit price EUR</th>
<th>Amount EUR</th></tr></thead>{rows}</table>
<table style="margin-top:10px; margin-left:auto"><tr><td>Net amount</td><td class='n'>{m(spec.untaxed)} EUR</td></tr>
{vat_row}<tr><td><b>Invoice total</b></td><td class='n'><b>{m(spec.total)} EUR</b></td></tr></table>
{note}<p>{terms}</p>
<table style="width:100%; margin-top:20px" class="small"><tr><td>{escape(vendor.name)}<br/>Managing director:
K. Weber</td><td>VAT ID: {vendor.vat}<br/>Register court: HRB {hash_key(vendor.key) * 31}</td><td>IBAN: {vendor.iban}
<br/>BIC: DEUTDEFFXXX</td><td>{epc}</td></tr></table>
</body></html>"""


def render_us(spec):
    """A US invoice: Bill To / Ship To, Invoice #, Terms Net 30, sales tax, Balance Due, $1,234.56, US dates."""
    vendor, m = spec.vendor, (lambda value: money(value, "en"))
    d = vendor.opt("dates")
    rows = "".join(
        f"<tr><td>{line[1]}</td><td>{escape(line[0])}</td><td class='n'>{m(line[2])}</td>"
        f"<td class='n'>{m(line[3])}</td></tr>"
        for line in spec.lines
    )
    subtotal = round(sum(line[3] for line in spec.lines), 2)
    rate = vendor.opt("sales_tax")
    discount = (
        f"<tr><td>Discount ({spec.extra['discount_percent']}%)</td><td class='n'>-{m(spec.discount)}</td></tr>"
        if spec.discount
        else ""
    )
    taxable = f"<tr><td>Taxable Amount</td><td class='n'>{m(spec.untaxed)}</td></tr>" if spec.discount else ""
    due = f"<tr><td>Due Date</td><td>{fdate(spec.due, d)}</td></tr>" if spec.due_printed else ""
    address = f"{BUYER['name']}<br/>Attn: Accounts Payable<br/>{BUYER['street']}<br/>{BUYER['city']}, Italy"
    return f"""<!DOCTYPE html><html><head>{_css(vendor, 13, PAGED)}</head><body>
<table style="width:100%"><tr><td><h1>{escape(vendor.name)}</h1>{"<br/>".join(map(escape, vendor.address))}<br/>
{vendor.email} &#160; EIN {vendor.vat}</td><td style="text-align:right"><h1 class="a">INVOICE</h1></td></tr></table>
<table style="width:100%; margin-top:16px"><tr><td><div class="a"><b>Bill To</b></div>{address}</td>
<td><div class="a"><b>Ship To</b></div>{address}</td><td><table>
<tr><td>Invoice #</td><td><b>{escape(spec.ref)}</b></td></tr><tr><td>Invoice Date</td><td>{fdate(spec.day, d)}</td>
</tr><tr><td>Terms</td><td>Net {spec.terms}</td></tr>{due}<tr><td>P.O. #</td><td>PO-{spec.index + 1077}</td></tr>
</table></td></tr></table>
<table border="1" style="width:100%; margin-top:14px"><thead><tr><th>QTY</th><th>DESCRIPTION</th><th>UNIT PRICE</th>
<th>AMOUNT</th></tr></thead>{rows}</table>
<table style="margin-top:10px; margin-left:auto"><tr><td>Subtotal</td><td class='n'>{m(subtotal)}</td></tr>{discount}
{taxable}<tr><td>Sales Tax ({rate:g}%)</td><td class='n'>{m(spec.tax)}</td></tr>
<tr><td>Total</td><td class='n'>${m(spec.total)}</td></tr>
<tr><td>Payments/Credits</td><td class='n'>$0.00</td></tr>
<tr><td><b>Balance Due</b></td><td class='n'><b>{_total_cell(spec, "$" + m(spec.total))}</b></td></tr></table>
<p class="small">Make all checks payable to {escape(vendor.name)}. ACH: routing 121000248, account ending
{hash_key(vendor.key) % 10000:04d}.</p>
</body></html>"""


def render_zatca(spec):
    """A ZATCA standard tax invoice, bilingual, with its QR code (seller, VAT number, time, total, VAT)."""
    vendor = spec.vendor
    digits = spec.digits
    m = lambda value: money(value, "en", digits)  # noqa: E731
    d = vendor.opt("dates")
    english = vendor.name if vendor.name.isascii() else vendor.alias
    arabic = vendor.alias if vendor.name.isascii() else vendor.name
    rows = "".join(
        f"<tr><td>{escape(line[0])}</td><td class='n'>{m(line[2])}</td><td class='n'>{m(line[1])[:-3]}</td>"
        f"<td class='n'>{m(line[3])}</td><td class='n'>15%</td><td class='n'>{m(round(line[3] * 0.15, 2))}</td>"
        f"<td class='n'>{m(round(line[3] * 1.15, 2))}</td></tr>"
        for line in spec.lines
    )
    due = (
        f"<tr><td>Due Date</td><td>{fdate(spec.due, d, digits)}</td><td dir='rtl'>تاريخ الاستحقاق</td></tr>"
        if spec.due_printed
        else ""
    )
    party = """<td style="width:50%" class="box"><table style="width:100%">
<tr><td colspan="2"><b>{title}</b></td></tr><tr><td>Name</td><td>{name}</td><td dir="rtl">الاسم</td></tr>
<tr><td>Address</td><td>{address}</td><td dir="rtl">العنوان</td></tr>
<tr><td>VAT Number</td><td>{vat}</td><td dir="rtl">رقم تسجيل ضريبة القيمة المضافة</td></tr></table></td>"""
    seller = party.format(
        title="Seller / البائع",
        name=f"{escape(english)}<br/>{escape(arabic)}",
        address=escape(", ".join(vendor.address)),
        vat=vendor.vat,
    )
    buyer = party.format(
        title="Buyer / المشتري",
        name=escape(BUYER["name"]),
        address=f"{BUYER['street']}, {BUYER['city']}",
        vat=BUYER["vat"],
    )
    return f"""<!DOCTYPE html><html><head>{_css(vendor, 11)}</head><body>
<table style="width:100%"><tr><td><h1>{escape(english)}</h1></td><td dir="rtl"><h1>{escape(arabic)}</h1></td></tr>
</table>
<h2 style="text-align:center">Tax Invoice / فاتورة ضريبية</h2>
<table style="width:100%"><tr><td><table>
<tr><td>Invoice Number</td><td><b>{escape(spec.ref)}</b></td><td dir="rtl">رقم الفاتورة</td></tr>
<tr><td>Invoice Issue Date</td><td>{fdate(spec.day, d, digits)}</td><td dir="rtl">تاريخ إصدار الفاتورة</td></tr>
<tr><td>Date of Supply</td><td>{fdate(spec.day, d, digits)}</td><td dir="rtl">تاريخ التوريد</td></tr>{due}
</table></td><td style="text-align:right">{_zatca(spec)}</td></tr></table>
<table style="width:100%; margin-top:8px"><tr>{seller}{buyer}</tr></table>
<p><b>Line Items / البنود</b></p>
<table border="1" style="width:100%"><tr><th>Nature of goods or services<br/>تفاصيل السلع أو الخدمات</th>
<th>Unit price<br/>سعر الوحدة</th><th>Quantity<br/>الكمية</th><th>Taxable Amount<br/>المبلغ الخاضع للضريبة</th>
<th>Tax Rate<br/>نسبة الضريبة</th><th>Tax Amount<br/>مبلغ الضريبة</th>
<th>Item Subtotal (Including VAT)<br/>المجموع (شامل ضريبة القيمة المضافة)</th></tr>{rows}</table>
<p><b>Total amounts / إجمالي المبالغ</b></p>
<table border="1" style="width:100%">
<tr><td>Total (Excluding VAT)</td><td dir="rtl">الإجمالي (غير شامل ضريبة القيمة المضافة)</td>
<td class='n'>{m(spec.untaxed)} SAR</td></tr>
<tr><td>Discount</td><td dir="rtl">مجموع الخصومات</td><td class='n'>{m(0.0)} SAR</td></tr>
<tr><td>Total Taxable Amount (Excluding VAT)</td>
<td dir="rtl">الإجمالي الخاضع للضريبة غير شامل ضريبة القيمة المضافة</td>
<td class='n'>{m(spec.untaxed)} SAR</td></tr>
<tr><td>Total VAT</td><td dir="rtl">مجموع ضريبة القيمة المضافة</td><td class='n'>{m(spec.tax)} SAR</td></tr>
<tr><td><b>Total Amount Due</b></td><td dir="rtl"><b>إجمالي المبلغ المستحق</b></td>
<td class='n'><b>{m(spec.total)} SAR</b></td></tr></table>
<p class="small">IBAN: {vendor.iban} &#160; {vendor.email}</p>
</body></html>"""


def render_simplified(spec):
    """A ZATCA simplified tax invoice: a narrow till receipt with its QR code."""
    vendor = spec.vendor
    digits = spec.digits
    m = lambda value: money(value, "en", digits)  # noqa: E731
    d = vendor.opt("dates")
    arabic = vendor.name if not vendor.name.isascii() else vendor.alias
    latin = vendor.alias if not vendor.name.isascii() else vendor.name
    rows = "".join(
        f"<tr><td>{escape(line[0])}</td><td class='n'>{m(line[1])[:-3]}</td><td class='n'>{m(line[3])}</td></tr>"
        for line in spec.lines
    )
    clock = f"{11 + spec.index}:{(17 * spec.index) % 60:02d}".translate(ARABIC_DIGITS if digits else {})
    return f"""<!DOCTYPE html><html dir="rtl"><head>{_css(vendor, 12, "body { margin: 8px; }")}</head><body>
<div style="text-align:center"><h2>{escape(arabic)}</h2><div>{escape(latin)}</div>
<div>{escape(" - ".join(vendor.address))}</div><div>الرقم الضريبي: {vendor.vat}</div>
<h3>فاتورة ضريبية مبسطة<br/>Simplified Tax Invoice</h3></div>
<div>رقم الفاتورة: {escape(spec.ref)}</div><div>التاريخ: {fdate(spec.day, d, digits)} &#160; {clock}</div>
<hr/><table style="width:100%"><tr><th>الصنف</th><th>الكمية</th><th>المبلغ</th></tr>{rows}</table><hr/>
<table style="width:100%">
<tr><td>الإجمالي غير شامل الضريبة</td><td class='n'>{m(spec.untaxed)}</td></tr>
<tr><td>ضريبة القيمة المضافة 15%</td><td class='n'>{m(spec.tax)}</td></tr>
<tr><td><b>الإجمالي شامل الضريبة</b></td>
<td class='n'><b>{_total_cell(spec, m(spec.total) + _riyal(vendor))}</b></td></tr>
</table><hr/><div style="text-align:center">{_zatca(spec)}<div>شكراً لزيارتكم</div></div>
</body></html>"""


def render_arabic(spec):
    """An Arabic-only tax invoice: Arabic labels, right to left, Hijri dates on some, a QR code on some."""
    vendor = spec.vendor
    digits = spec.digits
    m = lambda value: money(value, "en", digits)  # noqa: E731
    d = vendor.opt("dates")
    mode = spec.extra.get("hijri")

    def when(day):
        if mode == "only":
            return fdate(day, "hijri_long" if spec.index % 2 else "hijri", digits)
        if mode == "both":
            return f"{fdate(day, 'hijri', digits)} الموافق {fdate(day, d, digits)} م"
        return fdate(day, d, digits)

    rows = "".join(
        f"<tr><td>{number}</td><td>{escape(line[0])}</td><td class='n'>{m(line[1])[:-3]}</td>"
        f"<td class='n'>{m(line[2])}</td><td class='n'>{m(line[3])}</td></tr>".replace(
            f"<td>{number}</td>", f"<td>{str(number).translate(ARABIC_DIGITS) if digits else number}</td>"
        )
        for number, line in enumerate(spec.lines, 1)
    )
    due = {
        "printed": f"<tr><td>تاريخ الاستحقاق:</td><td>{when(spec.due) if spec.due else ''}</td></tr>",
        "terms": f"<tr><td>مدة السداد:</td><td>{str(spec.terms).translate(ARABIC_DIGITS) if digits else spec.terms} "
        "يوماً من تاريخ الفاتورة</td></tr>",
        "none": "",
    }[("printed", "terms", "none", "printed", "terms")[spec.index]]
    qr = _zatca(spec) if "ZATCA QR" in spec.features else ""
    return f"""<!DOCTYPE html><html dir="rtl"><head>{_css(vendor, 14)}</head><body>
<table style="width:100%"><tr><td><h1>{escape(vendor.name)}</h1>{escape("، ".join(vendor.address))}<br/>
سجل تجاري: {1010000000 + hash_key(vendor.key) * 977}<br/>الرقم الضريبي: {vendor.vat}</td>
<td style="text-align:left">{qr}</td></tr></table>
<h2 style="text-align:center" class="a">فاتورة ضريبية</h2>
<table style="width:100%"><tr><td><table><tr><td>رقم الفاتورة:</td><td><b>{escape(spec.ref)}</b></td></tr>
<tr><td>تاريخ الفاتورة:</td><td>{when(spec.day)}</td></tr>{due}</table></td>
<td class="box" style="width:45%">العميل: {escape(BUYER["name"])}<br/>الرقم الضريبي للعميل: {BUYER["vat"]}<br/>
العنوان: ميلانو - إيطاليا</td></tr></table>
<table border="1" style="width:100%; margin-top:12px"><tr><th>م</th><th>البيان</th><th>الكمية</th><th>سعر الوحدة</th>
<th>الإجمالي</th></tr>{rows}</table>
<table style="margin-top:10px; width:60%">
<tr><td>الإجمالي قبل الضريبة</td><td class='n'>{m(spec.untaxed)} ريال</td></tr>
<tr><td>ضريبة القيمة المضافة (15%)</td><td class='n'>{m(spec.tax)} ريال</td></tr>
<tr><td><b>الإجمالي شامل الضريبة</b></td>
<td class='n'><b>{_total_cell(spec, m(spec.total) + _riyal(vendor))}</b></td></tr>
</table>
<p>الحساب البنكي (آيبان): {vendor.iban}</p><p>البريد الإلكتروني: {vendor.email}</p>
</body></html>"""


RENDERERS = {
    "fatturapa": render_fatturapa,
    "it_classic": render_it_classic,
    "it_professional": render_it_professional,
    "uk": render_uk,
    "ie": render_ie,
    "de_en": render_de_en,
    "us": render_us,
    "zatca": render_zatca,
    "simplified": render_simplified,
    "arabic": render_arabic,
}


# ---------------------------------------------------------------------------------------------------- printing


def print_pdf(html, receipt=False):
    """The HTML printed to PDF by wkhtmltopdf: A4, or a till receipt's 80 mm roll."""
    tool = shutil.which("wkhtmltopdf")
    if not tool:
        raise RuntimeError("wkhtmltopdf is needed to print the corpus")
    size = ["--page-width", "80mm", "--page-height", "170mm", "-T", "4mm", "-B", "4mm", "-L", "3mm", "-R", "3mm"]
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "bill.html"), Path(folder, "bill.pdf")
        source.write_text(html, encoding="utf-8")
        options = size if receipt else ["-s", "A4"]
        subprocess.run([tool, "--quiet", *options, str(source), str(target)], check=True, timeout=120)
        return target.read_bytes()


def raster(pdf, dpi):
    """The PDF's pages as RGB images at ``dpi``."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-", f"{folder}/page"], input=pdf, check=True, timeout=120)
        return [Image.open(path).convert("RGB") for path in sorted(Path(folder).glob("page*.ppm"))]


def font(name, size):
    return ImageFont.truetype(str(FONTS / name), size)


def _noise(rng, size, spread):
    """Grey grain of ``spread`` levels around 128, from the corpus's seed (Pillow's own noise is not seeded)."""
    raw = rng.randbytes(size[0] * size[1])
    grain = Image.frombytes("L", size, raw)
    low = 128 - spread // 2
    return grain.point(lambda level: low + level * spread // 255)


def _grain(rng, page, spread):
    """``page`` with grain added (an RGB or grey image)."""
    grain = _noise(rng, page.size, spread)
    if page.mode == "RGB":
        grain = Image.merge("RGB", (grain,) * 3)
    return ImageChops.add(
        ImageChops.subtract(page, ImageChops.invert(grain).point(lambda v: max(0, v - 128))),
        grain.point(lambda v: max(0, v - 128)),
    )


def hand_write(page, text, rng, dpi, arabic=False):
    """Writes ``text`` by hand (each figure its own size, slant and height, in blue ink) over the magenta box the
    template left for it."""
    red, green, blue = page.split()
    box = (
        ImageChops.darker(ImageChops.darker(red, blue), ImageChops.invert(green))
        .point(lambda level: 255 if level > 200 else 0)
        .getbbox()
    )
    if not box:
        raise RuntimeError("no room left for the handwritten total")
    ImageDraw.Draw(page).rectangle(box, fill="white")
    height = box[3] - box[1]
    x = box[0] + 2
    face = (
        "noto/NotoNaskhArabic-Regular.ttf"
        if arabic
        else rng.choice(("dejavu/DejaVuSerif-Italic.ttf", "dejavu/DejaVuSans-Oblique.ttf", "noto/NotoSerif-Italic.ttf"))
    )
    ink = (rng.randint(10, 40), rng.randint(30, 60), rng.randint(120, 170))
    for char in text:
        size = int(height * rng.uniform(0.95, 1.25))
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size // 2, size // 4), char, fill=255, font=font(face, size))
        glyph = glyph.transform(
            glyph.size,
            Image.Transform.AFFINE,
            (1, rng.uniform(0.1, 0.3), -size * 0.2, 0, 1, 0),
            resample=Image.Resampling.BICUBIC,
        )
        glyph = glyph.rotate(rng.uniform(-8, 8), resample=Image.Resampling.BICUBIC)
        glyph = glyph.filter(ImageFilter.MaxFilter(3) if dpi >= 250 else ImageFilter.GaussianBlur(0.4))
        bounds = glyph.getbbox()
        if not bounds:
            x += size // 3
            continue
        glyph = glyph.crop((bounds[0], 0, bounds[2], glyph.height))  # kept on its line: a comma stays low
        top = box[1] - size // 4 - (size - height) // 2 + rng.randint(-height // 10, height // 10)
        page.paste(Image.new("RGB", glyph.size, ink), (x, top), glyph)
        x += glyph.width + rng.randint(1, max(2, height // 10))


def _stamp(page, rng, dpi, lang):
    """A rubber stamp (a framed word and a date), in red or blue, turned, printed over what is under it."""
    text = {
        "it": ("PAGATO", "RICEVUTO", "REGISTRATO"),
        "en": ("RECEIVED", "PAID", "APPROVED"),
        "ar": ("مستلم", "تم الاستلام", "مدفوع"),
    }[lang]
    word = rng.choice(text)
    size = dpi // 5
    layer = Image.new("RGB", (size * 8, size * 3), "white")
    draw = ImageDraw.Draw(layer)
    face = "noto/NotoNaskhArabic-Bold.ttf" if lang == "ar" else "dejavu/DejaVuSans-Bold.ttf"
    colour = rng.choice(((200, 40, 50), (40, 60, 190), (120, 30, 140)))
    draw.rounded_rectangle((4, 4, layer.width - 5, layer.height - 5), radius=size // 2, outline=colour, width=5)
    draw.text((layer.width // 2, size), word, fill=colour, font=font(face, size), anchor="mm")
    draw.text(
        (layer.width // 2, size * 2.2),
        f"{rng.randint(1, 28):02d} {rng.choice(('MAR', 'APR', 'MAG'))} 2026",
        fill=colour,
        font=font("dejavu/DejaVuSansMono-Bold.ttf", size * 2 // 3),
        anchor="mm",
    )
    layer = layer.rotate(rng.uniform(-20, 20), expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC)
    x = rng.randint(page.width // 2, max(page.width // 2 + 1, page.width - layer.width - dpi // 4))
    y = rng.randint(dpi // 3, max(dpi // 3 + 1, page.height // 4))
    region = page.crop((x, y, x + layer.width, y + layer.height))
    page.paste(ImageChops.multiply(region, layer), (x, y))


def _signature(page, rng, dpi):
    """A scribbled signature in dark ink, low on the page."""
    width, height = int(dpi * 1.8), int(dpi * 0.6)
    layer = Image.new("RGB", (width, height), "white")
    points = []
    phase = [rng.uniform(0, 6) for _ in range(4)]
    for step in range(220):
        t = step / 219
        x = width * (0.05 + 0.9 * t) + dpi * 0.05 * math.sin(31 * t + phase[0])
        y = height * (0.5 + 0.3 * math.sin(17 * t + phase[1]) + 0.12 * math.sin(43 * t + phase[2]))
        points.append((x, y))
    ImageDraw.Draw(layer).line(points, fill=(20, 25, 90), width=max(2, dpi // 90), joint="curve")
    x = rng.randint(dpi // 2, page.width - width - dpi // 2)
    y = rng.randint(int(page.height * 0.72), int(page.height * 0.9))
    region = page.crop((x, y, x + width, y + height))
    page.paste(ImageChops.multiply(region, layer), (x, y))


def _tilt(page, angle):
    return page.rotate(
        angle, expand=True, fillcolor="white" if page.mode == "RGB" else 255, resample=Image.Resampling.BICUBIC
    )


def make_scan(pages, rng, dpi, lang):
    """The first page as a flatbed scanner gives it: grey or colour, turned up to 3 degrees, blurred, grain, a stamp
    and a signature on some, as PNG, JPEG or TIFF at ``dpi``; ``(bytes, extension, features)``."""
    page, features = pages[0], []
    if rng.random() < 0.5:
        _stamp(page, rng, dpi, lang)
        features.append("stamp")
    if rng.random() < 0.4:
        _signature(page, rng, dpi)
        features.append("signature")
    form = rng.choice(("PNG", "JPEG", "JPEG", "TIFF"))
    if rng.random() < 0.7 or form == "TIFF":
        page = page.convert("L")
    page = _tilt(page, rng.uniform(-3, 3)).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0) * dpi / 200))
    # a scanner's TIFF or PNG is clean; its JPEG grainy
    page = _grain(rng, page, rng.randint(20, 60) if form == "JPEG" else rng.randint(4, 12))
    buffer = io.BytesIO()
    if form == "JPEG":
        page.save(buffer, format="JPEG", quality=rng.randint(55, 85), dpi=(dpi, dpi))
    elif form == "TIFF":
        page.save(buffer, format="TIFF", compression="tiff_lzw", dpi=(dpi, dpi))
    else:
        page.save(buffer, format="PNG", dpi=(dpi, dpi), compress_level=3)
    return buffer.getvalue(), {"PNG": "png", "JPEG": "jpg", "TIFF": "tif"}[form], features


def make_image_pdf(pages, rng, dpi):
    """Every page scanned (grey, a little turned and blurred) into a PDF without a text layer."""
    scanned = []
    for page in pages:
        grey = _tilt(page.convert("L"), rng.uniform(-1.5, 1.5)).filter(ImageFilter.GaussianBlur(0.5 * dpi / 200))
        scanned.append(_grain(rng, grey, rng.randint(10, 40)))
    buffer = io.BytesIO()
    scanned[0].save(buffer, format="PDF", resolution=dpi, save_all=True, append_images=scanned[1:])
    return buffer.getvalue(), "pdf", []


def _perspective(source, target):
    """Pillow's PERSPECTIVE coefficients that take each of the ``target`` corners to its ``source`` one."""
    rows, values = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -x * u, -y * u])
        values.append(u)
        rows.append([0, 0, 0, x, y, 1, -x * v, -y * v])
        values.append(v)
    size = len(rows)
    for column in range(size):  # Gaussian elimination with partial pivoting
        pivot = max(range(column, size), key=lambda row: abs(rows[row][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        values[column], values[pivot] = values[pivot], values[column]
        for row in range(column + 1, size):
            factor = rows[row][column] / rows[column][column]
            rows[row] = [a - factor * b for a, b in zip(rows[row], rows[column], strict=True)]
            values[row] -= factor * values[column]
    result = [0.0] * size
    for row in reversed(range(size)):
        result[row] = (values[row] - sum(rows[row][k] * result[k] for k in range(row + 1, size))) / rows[row][row]
    return result


def make_photo(pages, rng, receipt=False):
    """The first page photographed with a phone on a desk: perspective, a slight turn, light falling unevenly, a
    shadow, blur and grain, a JPEG of a 12-megapixel camera reduced as messaging apps do."""
    page = pages[0]
    width, height = rng.choice(((3024, 4032), (2736, 3648), (2448, 3264), (2250, 3000)))
    desk = Image.new("RGB", (width, height), rng.choice(((120, 92, 70), (95, 95, 100), (160, 150, 135))))
    fill = rng.uniform(0.78, 0.9) if not receipt else rng.uniform(0.8, 0.92)
    scale = min(width * fill / page.width, height * fill / page.height)
    w, h = page.width * scale, page.height * scale
    cx, cy = width / 2 + rng.uniform(-0.04, 0.04) * width, height / 2 + rng.uniform(-0.03, 0.03) * height
    angle = math.radians(rng.uniform(-4, 4))
    corners = []
    for dx, dy in ((-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)):
        x, y = dx * w, dy * h
        # the top edge further from the lens than the bottom one: narrower
        x *= 1 - (0.06 * rng.uniform(0.3, 1) if dy < 0 else 0)
        x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
        corners.append((cx + x + rng.uniform(-0.01, 0.01) * w, cy + y + rng.uniform(-0.01, 0.01) * h))
    source = ((0, 0), (page.width, 0), (page.width, page.height), (0, page.height))
    coefficients = _perspective(source, corners)
    sheet = page.convert("RGBA").transform(
        (width, height),
        Image.Transform.PERSPECTIVE,
        coefficients,
        resample=Image.Resampling.BILINEAR,
        fillcolor=(0, 0, 0, 0),
    )
    desk.paste(sheet, (0, 0), sheet)
    light = (
        Image.linear_gradient("L").resize((512, 512)).rotate(rng.uniform(0, 360), resample=Image.Resampling.BILINEAR)
    )
    # light and shadow vary slowly: drawn an eighth of the size, then enlarged
    small = (width // 8, height // 8)
    light = light.crop((76, 76, 436, 436)).resize(small, Image.Resampling.BILINEAR)  # no corner left
    light = light.point(lambda level: int(170 + level * 85 / 255))
    shadow = Image.new("L", small, 255)
    edge = rng.choice(("left", "bottom", "right"))
    reach = rng.uniform(0.15, 0.35)
    w8, h8 = small
    box = {
        "left": (-w8, 0, int(w8 * reach), h8),
        "right": (int(w8 * (1 - reach)), 0, 2 * w8, h8),
        "bottom": (0, int(h8 * (1 - reach)), w8, 2 * h8),
    }[edge]
    ImageDraw.Draw(shadow).ellipse(box, fill=rng.randint(140, 190))
    shadow = shadow.filter(ImageFilter.GaussianBlur(w8 // 25))
    lighting = ImageChops.multiply(light, shadow).resize((width, height), Image.Resampling.BILINEAR)
    lighting = Image.merge("RGB", (lighting,) * 3)
    photo = ImageChops.multiply(desk, lighting).filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.3)))
    photo = _grain(rng, photo, rng.randint(20, 40))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=rng.randint(72, 88))
    return buffer.getvalue(), "jpg", []


def make_fax(pages, rng, day, vendor):
    """The first page as a fax machine prints it: 204 x 196 dpi, black and white, a header line, streaks and
    specks; a Group 4 TIFF (a PDF for the fax-to-mail services that send one)."""
    page = pages[0].convert("L")
    page = page.resize((1728, round(page.height * 196 / 200)), Image.Resampling.BILINEAR)
    page = _tilt(page, rng.uniform(-1, 1))
    sent = day + timedelta(days=rng.randint(1, 9))
    header = (
        f"{sent:%d/%m/%Y} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}  FROM: +{rng.randint(30, 971)} "
        f"{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}  {vendor.key.upper()[:18]}   "
        f"TO: 0039 02 8456120   P.001/001"
    )
    canvas = Image.new("L", (1728, page.height + 40), 255)  # a fax line is 1728 dots wide
    canvas.paste(page, ((1728 - page.width) // 2, 40))
    ImageDraw.Draw(canvas).text((20, 8), header, fill=0, font=font("dejavu/DejaVuSansMono.ttf", 22))
    canvas = _grain(rng, canvas.filter(ImageFilter.GaussianBlur(0.7)), 70)
    threshold = rng.randint(140, 175)
    fax = canvas.point(lambda level: 255 if level > threshold else 0).convert("1", dither=Image.Dither.NONE)
    draw = ImageDraw.Draw(fax)
    for _ in range(rng.randint(1, 3)):  # a dirty reading head: vertical streaks
        x = rng.randrange(fax.width)
        draw.line((x, 0, x, fax.height), fill=0, width=rng.choice((1, 1, 2)))
    for _ in range(rng.randint(2, 8)):  # lost lines
        y = rng.randrange(fax.height)
        draw.line((0, y, fax.width, y), fill=255, width=1)
    for _ in range(400):
        x, y = rng.randrange(fax.width), rng.randrange(fax.height)
        draw.point((x, y), fill=0)
    buffer = io.BytesIO()
    if rng.random() < 0.3:
        fax.save(buffer, format="PDF", resolution=200)
        return buffer.getvalue(), "pdf", []
    fax.save(buffer, format="TIFF", compression="group4", dpi=(204, 196))
    return buffer.getvalue(), "tif", []


# ---------------------------------------------------------------------------------------------------- the corpus


def _plan():
    """Every bill's vendor, number, kind and whether its total is handwritten, from the seed."""
    plan = []
    for lang in LANGS:
        for half in HALVES:
            vendors = [vendor for vendor in VENDORS if vendor.lang == lang and vendor.half == half]
            slots = [(vendor, index) for vendor in vendors for index in range(BILLS_PER_VENDOR)]
            kinds = list(KIND_MIX[half])
            random.Random(f"{SEED}-{lang}-{half}").shuffle(kinds)
            hands = {"scan": 1, "phone photo": 1}
            for (vendor, index), kind in zip(slots, kinds, strict=True):
                hand = (
                    kind in hands
                    and hands[kind] > 0
                    and vendor.family in ("it_classic", "uk", "ie", "us", "simplified", "arabic")
                )
                if hand:
                    hands[kind] -= 1
                plan.append((vendor, index, kind, hand))
    return plan


def _specs():
    specs = []
    for vendor, index, kind, hand in _plan():
        rng = random.Random(f"{SEED}-{vendor.key}-{index}")
        specs.append(make_spec(vendor, index, kind, rng, hand))
    return specs


def _bill_id(spec):
    return f"{spec.vendor.lang}-{spec.vendor.key}-{spec.index + 1}"


def make_file(spec):
    """The bill's file: ``(bytes, extension, pages, more features)``."""
    rng = random.Random(f"{SEED}-{spec.vendor.key}-{spec.index}-file")
    receipt = spec.vendor.family == "simplified"
    pdf = print_pdf(RENDERERS[spec.vendor.family](spec), receipt=receipt)
    printed = _pages(pdf)
    if printed > 1 and "two pages" not in spec.features:  # a scan of its first page would miss the totals
        raise RuntimeError(f"{_bill_id(spec)} runs over one page")
    if spec.kind == "text PDF":
        return pdf, "pdf", printed, []
    dpi = {
        "scan": rng.choice((150, 200, 240, 300)),
        "image PDF": rng.choice((200, 300)),
        "phone photo": 250,
        "fax": 200,
    }[spec.kind]
    pages = raster(pdf, dpi)
    if spec.hand:
        hand_write(pages[-1], _hand_text(spec), rng, dpi, arabic=spec.digits)
    if spec.kind == "image PDF":
        raw, extension, features = make_image_pdf(pages, rng, dpi)
        return raw, extension, len(pages), features
    if spec.kind == "scan":
        raw, extension, features = make_scan(pages, rng, dpi, spec.vendor.lang)
    elif spec.kind == "phone photo":
        raw, extension, features = make_photo(pages, rng, receipt)
    else:
        raw, extension, features = make_fax(pages, rng, spec.day, spec.vendor)
    return raw, extension, 1, features


def _hand_text(spec):
    """The total as its writer would put it: the bill's own way of writing amounts, without the currency."""
    style = "it" if spec.vendor.lang == "it" else "en"
    return money(spec.total, style, spec.digits)


def _pages(pdf):
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def corpus(folder=CACHE, log=None):
    """The corpus's bills, their files made in ``folder`` unless the manifest there is of this ``VERSION`` (one
    process at a time: another waits for the files being made)."""
    folder = Path(folder)
    specs = _specs()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = _manifest(folder)
        if {_bill_id(spec) for spec in specs} != set(manifest):
            manifest = _generate(specs, folder, log)
    bills = []
    for spec in specs:
        entry = manifest[_bill_id(spec)]
        bills.append(
            CorpusBill(
                entry["id"],
                spec.vendor,
                spec.vendor.half,
                spec.vendor.lang,
                spec.kind,
                tuple(entry["features"]),
                truth_of(spec),
                folder / entry["file"],
                entry["pages"],
            )
        )
    return bills


def _manifest(folder):
    """The bills of the manifest in ``folder`` whose files are there, if it is of this ``VERSION``."""
    path = folder / "manifest.json"
    if not path.exists():
        return {}
    stored = json.loads(path.read_text(encoding="utf-8"))
    if stored.get("version") != VERSION:
        return {}
    return {entry["id"]: entry for entry in stored["bills"] if (folder / entry["file"]).exists()}


def _generate(specs, folder, log):
    """Makes every bill's file in a new folder, then puts it in the place of ``folder``."""
    started = time.perf_counter()
    staging = folder.with_name(f"{folder.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    entries = {}
    for number, spec in enumerate(specs, 1):
        raw, extension, pages, more = make_file(spec)
        bill = CorpusBill(
            _bill_id(spec),
            spec.vendor,
            spec.vendor.half,
            spec.vendor.lang,
            spec.kind,
            tuple(sorted(spec.features | set(more))),
            truth_of(spec),
            folder / f"{_bill_id(spec)}.{extension}",
            pages,
        )
        (staging / bill.path.name).write_bytes(raw)
        entries[bill.id] = bill.to_manifest()
        if log:
            log(f"\r  made {number}/{len(specs)} bills ({time.perf_counter() - started:.0f} s)")
    seconds = round(time.perf_counter() - started, 1)
    manifest = {"version": VERSION, "seconds": seconds, "bills": list(entries.values())}
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    if log:
        log(f"\r  made {len(specs)} bills in {seconds:.0f} s into {folder}\n")
    return entries


def composition(bills):
    """How many bills of each language, kind and half, and each feature's bills per half (a summary to print)."""
    lines = []
    for half in HALVES:
        chosen = [bill for bill in bills if bill.half == half]
        vendors = {bill.vendor.key for bill in chosen}
        lines.append(f"{half}: {len(chosen)} bills, {len(vendors)} vendors")
        for lang in LANGS:
            counts = {kind: sum(1 for bill in chosen if bill.lang == lang and bill.kind == kind) for kind in KINDS}
            lines.append(f"  {lang}: " + ", ".join(f"{kind} {count}" for kind, count in counts.items()))
        features = {}
        for bill in chosen:
            for feature in bill.features:
                features[feature] = features.get(feature, 0) + 1
        lines.append("  features: " + ", ".join(f"{name} {count}" for name, count in sorted(features.items())))
    return "\n".join(lines)


if __name__ == "__main__":
    print(composition(corpus(log=lambda text: print(text, end="", flush=True))))
