"""`make bench-ocr`: how many fields of generated supplier bills the bill reader gets right, per field and per kind
of file (a PDF with its text layer, a clean 200-dpi scan, a noisy one), and the seconds per page on this machine.

The corpus is generated here (``founder_backoffice_bill_capture/tests/bill_samples.py``): bills of six vendors of
several layouts in English, Italian and Arabic (half of the Arabic ones with Arabic-Indic digits), printed to PDF by
wkhtmltopdf, then "scanned": turned, blurred, and for the noisy kind grainy and JPEG-compressed. No Odoo is
needed: the same text extraction, code reading and engine as the bills' upload, with the six vendors as the known
vendors.
"""

import argparse
import json
import os
import sys
import time
import types
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the add-on's __init__ imports Odoo: its plain-Python packages are registered as bare namespaces
ADDON = "founder_backoffice_bill_capture"
for name, folder in ((ADDON, ROOT / ADDON), (f"{ADDON}.tests", ROOT / ADDON / "tests")):
    package = types.ModuleType(name)
    package.__path__ = [str(folder)]
    sys.modules[name] = package

from founder_backoffice_bill_capture.engine import bill_codes, bill_reader  # noqa: E402
from founder_backoffice_bill_capture.tests import bill_samples  # noqa: E402
from founder_backoffice_bill_capture.tools import bill_text  # noqa: E402

KINDS = ("text PDF", "clean scan", "noisy scan")
TARGETS = {"text PDF": 0.99, "clean scan": 0.95, "noisy scan": 0.85}
SECONDS_PER_PAGE = 3.0
FIELDS = ("vendor", "ref", "invoice_date", "due_date", "currency", "untaxed", "tax", "total")
VENDORS = [
    bill_reader.Vendor(index + 1, vendor.name, (vendor.vat,), (vendor.iban,), (vendor.email.split("@")[1],))
    for index, vendor in enumerate(bill_samples.VENDORS)
]


def read(index, sample, pdf, kind):
    """Make the file of one sample and kind from its PDF, read it; ``(kind, language, {field: right}, seconds)``."""
    raw = pdf if kind == "text PDF" else bill_samples.to_scan(pdf, noisy=kind == "noisy scan", seed=index)
    start = time.perf_counter()
    text, ocr, payloads = bill_text.bill_text(raw)
    codes = [code for code in map(bill_codes.read_code, payloads) if code]
    reading = bill_reader.read_bill(text, VENDORS, own_vats=(bill_samples.BUYER["vat"],), ocr=ocr, codes=codes)
    seconds = time.perf_counter() - start
    values = dict(reading.values)
    values["vendor"] = next((vendor.name for vendor in VENDORS if vendor.id == values.get("vendor_id")), None)
    right = {name: values.get(name) == expected for name, expected in sample.truth.items()}
    return kind, sample.vendor.lang, right, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bills", type=int, default=60, help="bills in the corpus (each read as three kinds)")
    parser.add_argument("--output", default=str(ROOT / "bench/results/ocr.json"))
    args = parser.parse_args()
    samples = bill_samples.corpus(args.bills)
    started = time.perf_counter()
    # one page at a time, as a user uploads a bill: Tesseract uses the cores it finds
    results = []
    for index, sample in enumerate(samples):
        pdf = bill_samples.to_pdf(sample.html)  # printed once, read as each kind
        results.extend(read(index, sample, pdf, kind) for kind in KINDS)
    wall = time.perf_counter() - started
    right = defaultdict(lambda: defaultdict(list))
    seconds = defaultdict(list)
    for kind, lang, fields_right, spent in results:
        seconds[kind].append(spent)
        for name, ok in fields_right.items():
            right[kind][name].append(ok)
            right[kind]["all"].append(ok)
            right[f"{kind}, {lang}"]["all"].append(ok)
    print(
        f"\nbill reading: {args.bills} bills x {len(KINDS)} kinds, {len(VENDORS)} vendors (en, it, ar), "
        f"{wall:.0f} s on {os.cpu_count()} cores"
    )
    print(f"{'fields read right':22}" + "".join(f"{kind:>13}" for kind in KINDS))
    for name in (*FIELDS, "all"):
        print(f"{name:22}" + "".join(f"{_share(right[kind][name]):>13}" for kind in KINDS))
    for lang in ("en", "it", "ar"):
        print(f"{'  all, ' + lang:22}" + "".join(f"{_share(right[f'{kind}, {lang}']['all']):>13}" for kind in KINDS))
    print(f"{'seconds per page':22}" + "".join(f"{sum(seconds[kind]) / len(seconds[kind]):>13.2f}" for kind in KINDS))
    print(f"{'target':22}" + "".join(f"{TARGETS[kind]:>13.0%}" for kind in KINDS))
    verdicts = []
    for kind in KINDS:
        share = sum(right[kind]["all"]) / len(right[kind]["all"])
        verdicts.append("met" if share >= TARGETS[kind] else "MISSED")
    print(f"{'fields target':22}" + "".join(f"{verdict:>13}" for verdict in verdicts))
    scan_seconds = max(sum(seconds[kind]) / len(seconds[kind]) for kind in KINDS[1:])
    print(
        f"seconds per scanned page (target {SECONDS_PER_PAGE:.0f}): {scan_seconds:.2f} "
        f"{'met' if scan_seconds <= SECONDS_PER_PAGE else 'MISSED'}"
    )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(
        json.dumps(
            {
                "bills": args.bills,
                "right": {
                    kind: {name: _ratio(values) for name, values in fields.items()} for kind, fields in right.items()
                },
                "seconds_per_page": {kind: sum(values) / len(values) for kind, values in seconds.items()},
            },
            indent=2,
        )
    )


def _ratio(values):
    return sum(values) / len(values) if values else None


def _share(values):
    return f"{_ratio(values):.1%}" if values else "—"


if __name__ == "__main__":
    main()
