"""`make bench-ocr`: how many fields of supplier bills the bill reader was not written for it gets right, on the
corpus of ``bench/bill_corpus.py`` (180 bills of 36 vendors in English, Italian and Arabic: text PDFs, scans,
image-only PDFs, phone photos and faxes), for its "dev" half and its "held-out" half (split by vendor) apart.

Each file is read as the bills' upload reads it — ``tools/bill_text`` (the PDF's text layer or Tesseract's OCR, with
the words' boxes, and the QR codes), ``engine/bill_codes`` for the codes, ``engine/bill_reader`` with every corpus
vendor as a known partner — and, on the same words, by the same reader given their plain text only (no positions):
the simplest peer, so the gain of reading the layout is measured. No Odoo is needed.

Per half it prints the fields read right per language and kind of file, per field, text PDFs against every image
kind ("scans"), the seconds per scanned page (wall, and the CPU seconds of the tools it ran), and the verdicts
against the issue's targets for the held-out half; ``--show-misses`` lists each field read wrong. The numbers go to
``bench/results/ocr.json``.
"""

import argparse
import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bill_corpus

from founder_backoffice_bill_capture.engine import bill_codes, bill_layout, bill_reader
from founder_backoffice_bill_capture.tools import bill_text

ROOT = bill_corpus.ROOT
KINDS, LANGS, HALVES = bill_corpus.KINDS, bill_corpus.LANGS, bill_corpus.HALVES
FIELDS = ("vendor", "ref", "invoice_date", "due_date", "currency", "untaxed", "tax", "total")
# the issue's targets, on the held-out half
TARGETS = (("text PDFs", 0.98), ("scans", 0.92), ("ar", 0.90), ("en", 0.90), ("it", 0.90))
SECONDS_PER_PAGE = 3.0


def read(bill, vendors):
    """Reads one corpus bill: ``{"right": {field: bool}, "text_only": {field: bool}, "misses": [...], ...}``."""
    raw = bill.path.read_bytes()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    error = None
    try:
        words, ocr, payloads = bill_text.bill_text(raw)
    except bill_text.BillTextError as failure:  # counted as every field wrong, with its reason
        words, ocr, payloads, error = [], False, [], str(failure)
    if isinstance(words, str):  # tools/bill_text before it gives words with their boxes
        words = bill_layout.words_from_text(words)
    codes = [code for code in map(bill_codes.read_code, payloads) if code]
    reading = bill_reader.read_bill(words, vendors, own_vats=bill_corpus.OWN_VATS, ocr=ocr, codes=codes)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    plain = bill_reader.read_bill(
        bill_layout.text_of(words), vendors, own_vats=bill_corpus.OWN_VATS, ocr=ocr, codes=codes
    )
    names = {vendor.id: vendor.name for vendor in vendors}
    result = {"right": {}, "text_only": {}, "misses": []}
    for key, values in (("right", reading.values), ("text_only", plain.values)):
        values = dict(values)
        values["vendor"] = names.get(values.get("vendor_id"))
        for name, expected in bill.truth.items():
            got = values.get(name)
            result[key][name] = _same(got, expected)
            if key == "right" and not result[key][name]:
                result["misses"].append((bill.id, bill.kind, name, str(expected), str(got)))
    if error:
        result["misses"].append((bill.id, bill.kind, "file", "read", error))
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result.update(seconds=seconds, cpu=cpu, codes=len(codes))
    return result


def _same(got, expected):
    if isinstance(expected, float):
        return isinstance(got, int | float) and abs(got - expected) < 0.005
    return got == expected


def pick(bills, half, kind, lang, limit):
    """The half's bills of ``kind`` and ``lang``; at most ``limit``, taken in turn from each language and kind."""
    chosen = [bill for bill in bills if half in (bill.half, "both") and kind in (None, bill.kind)]
    chosen = [bill for bill in chosen if lang in (None, bill.lang)]
    if not limit or limit >= len(chosen):
        return chosen
    groups = defaultdict(list)
    for bill in chosen:
        groups[bill.lang, bill.kind].append(bill)
    taken = []
    queues = [groups[lang, kind] for kind in KINDS for lang in LANGS if groups[lang, kind]]
    while len(taken) < limit:
        for queue in queues:
            if queue and len(taken) < limit:
                taken.append(queue.pop(0))
    return taken


def report(half, bills, results):
    """Prints the half's tables and returns their numbers (for the JSON file)."""
    right = defaultdict(list)
    for bill, result in zip(bills, results, strict=True):
        for name, ok in result["right"].items():
            group = "text PDFs" if bill.kind == "text PDF" else "scans"
            for key in (
                (bill.lang, bill.kind),
                (bill.lang, "all"),
                ("all", bill.kind),
                ("all", "all"),
                group,
                bill.lang,
                ("field", name, group),
                ("field", name, "all"),
            ):
                right[key].append(ok)
        for ok in result["text_only"].values():
            for key in (("text only", bill.kind), ("text only", "all")):
                right[key].append(ok)
    scanned = [(bill, result) for bill, result in zip(bills, results, strict=True) if bill.kind != "text PDF"]
    pages = sum(bill.pages for bill, _result in scanned)
    wall = sum(result["seconds"] for _bill, result in scanned) / pages if pages else None
    cpu = sum(result["cpu"] for _bill, result in scanned) / pages if pages else None
    vendors = len({bill.vendor.key for bill in bills})
    print(f"\n== {half} half: {len(bills)} bills of {vendors} vendors, {pages} scanned pages")
    print(f"{'fields read right':22}" + "".join(f"{kind:>13}" for kind in (*KINDS, "all")))
    for lang in (*LANGS, "all"):
        print(f"{'  ' + lang:22}" + "".join(f"{_share(right[lang, kind]):>13}" for kind in (*KINDS, "all")))
    print(
        f"{'  text only (no boxes)':22}"
        + "".join(f"{_share(right['text only', kind]):>13}" for kind in (*KINDS, "all"))
    )
    print(f"{'per field':22}{'text PDFs':>13}{'scans':>13}{'all':>13}")
    for name in FIELDS:
        print(
            f"{'  ' + name:22}"
            + "".join(f"{_share(right['field', name, group]):>13}" for group in ("text PDFs", "scans", "all"))
        )
    if wall is not None:
        print(f"seconds per scanned page: {wall:.2f} wall, {cpu:.2f} CPU of the tools (on {os.cpu_count()} cores)")
    print(f"targets (the held-out half's){' — this is the dev half' if half == 'dev' else ''}:")
    verdicts = {}
    for key, target in TARGETS:
        share = _ratio(right[key])
        verdict = "—" if share is None else "met" if share >= target else "MISSED"
        verdicts[key] = verdict
        label = f"  {key if key in ('text PDFs', 'scans') else 'language ' + key} >= {target:.0%}"
        print(f"{label:34}{_share(right[key]):>9}  {verdict}")
    if wall is not None:
        verdicts["seconds"] = "met" if wall <= SECONDS_PER_PAGE else "MISSED"
        print(f"{'  <= 3 s per scanned page':34}{wall:>8.2f}s  {verdicts['seconds']}")
    return {
        "bills": len(bills),
        "vendors": vendors,
        "right": {" / ".join(key) if isinstance(key, tuple) else key: _ratio(values) for key, values in right.items()},
        "seconds_per_scanned_page": wall,
        "cpu_seconds_per_scanned_page": cpu,
        "verdicts": verdicts,
        "misses": [list(miss) for result in results for miss in result["misses"]],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--lang", choices=LANGS)
    parser.add_argument("--limit", type=int, help="bills per half at most (spread over languages and kinds)")
    parser.add_argument("--show-misses", action="store_true", help="print each field read wrong")
    parser.add_argument("--output", default=str(ROOT / "bench/results/ocr.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    bills = bill_corpus.corpus(log=lambda text: print(text, end="", file=sys.stderr, flush=True))
    vendors = bill_corpus.known_vendors()
    halves = HALVES if args.half == "both" else (args.half,)
    numbers = {}
    for half in halves:
        chosen = pick(bills, half, args.kind, args.lang, args.limit)
        if not chosen:
            continue
        results = []
        for number, bill in enumerate(chosen, 1):  # one file at a time, as a user uploads a bill
            print(f"\r  {half}: reading {number}/{len(chosen)} {bill.id:40}", end="", file=sys.stderr, flush=True)
            results.append(read(bill, vendors))
        print(file=sys.stderr)
        numbers[half] = report(half, chosen, results)
        if args.show_misses:
            for bill_id, kind, name, expected, got in numbers[half]["misses"]:
                print(f"  miss {bill_id:34} {kind:12} {name:13} expected {expected:24} read {got}")
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    filters = {"kind": args.kind, "lang": args.lang, "limit": args.limit}
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(
        json.dumps(
            {"corpus_version": bill_corpus.VERSION, "filters": filters, "halves": numbers}, indent=1, ensure_ascii=False
        )
    )


def _ratio(values):
    return sum(values) / len(values) if values else None


def _share(values):
    return f"{_ratio(values):.1%}" if values else "—"


if __name__ == "__main__":
    main()
