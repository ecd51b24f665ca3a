"""`python bench/replies.py`: how well the reply rules read the corpus of customer replies, next to a baseline.

The corpus (``tests/data/replies.json``) holds English, Italian and Arabic replies to a payment reminder, each
with the day it arrived and what a person reads in it: the day promised, the amount promised, whether it is an
automatic answer. Its cases are split in two halves by a hash of their id, fixed before any tuning: the rules were
tuned on the "tune" half only; the "held-out" half measures them.

The baseline is the strongest simple reader we could think of: the first date-like token of the whole body
(numeric dates and day + month names in the three languages) that falls between today and PROMISE_MAX_DAYS
ahead, with no quote cutting, no relative days and no reading of the sentence; the first amount written with a
currency; an automatic answer when the Auto-Submitted header says so.

Columns, per half, language and method: cases; date = share of the replies (automatic answers left out) whose
promised day is read right, "none" included; false = replies read as a promise where there is none; amount =
share whose promised amount is read right; auto = share of all cases rightly told automatic or not.
"""

import datetime
import hashlib
import json
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the add-on's __init__ imports Odoo: its plain-Python package is registered as a bare namespace
if "founder_backoffice" not in sys.modules:
    package = types.ModuleType("founder_backoffice")
    package.__path__ = [str(ROOT / "founder_backoffice")]
    sys.modules["founder_backoffice"] = package

from founder_backoffice.engine import replies  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "replies.json"
LANGUAGES = ("en", "it", "ar")
HALVES = ("tune", "held-out")
BASELINE_KINDS = ("iso", "num", "dm", "md", "short")


def half_of(case_id: str) -> str:
    """The half a case belongs to, from its id alone (fixed before tuning)."""
    return "held-out" if hashlib.sha256(case_id.encode()).digest()[0] % 2 else "tune"


def load() -> list:
    return json.loads(CORPUS.read_text(encoding="utf-8"))


def rules(case: dict) -> dict:
    today = datetime.date.fromisoformat(case["today"])
    return {
        "date": replies.promised_date(case["body"], today),
        "amount": replies.promised_amount(case["body"]),
        "auto": replies.is_auto_reply(case["headers"], case["subject"]),
    }


def baseline(case: dict) -> dict:
    today = datetime.date.fromisoformat(case["today"])
    body = replies._fold(case["body"][: replies.MAX_TEXT])
    date = None
    for match in replies.DATE_RE.finditer(body):
        if any(match.group(kind) for kind in BASELINE_KINDS):
            day = replies._resolve(match, today)
            if replies._in_window(day, today):
                date = day
                break
    amounts = (match.group("after") or match.group("before") for match in replies.AMOUNT_RE.finditer(body))
    amount = next((replies.parse_amount(token) for token in amounts if token), None)
    submitted = {name.lower(): value.lower() for name, value in case["headers"].items()}.get("auto-submitted", "no")
    return {"date": date, "amount": amount, "auto": submitted != "no"}


def measure(cases: list, method) -> dict:
    """date, false, amount and auto (see the module docstring) of ``method`` on ``cases``."""
    replies_only = [case for case in cases if not case["auto"]]
    date_right = false_promises = amount_right = auto_right = 0
    for case in cases:
        read = method(case)
        auto_right += read["auto"] == case["auto"]
        if case["auto"]:
            continue
        expected = case["date"] and datetime.date.fromisoformat(case["date"])
        date_right += read["date"] == (expected or None)
        false_promises += read["date"] is not None and not expected
        amount = case["amount"]
        amount_right += (read["amount"] is None) if amount is None else abs((read["amount"] or 0) - amount) < 0.005
    count = max(len(replies_only), 1)
    return {
        "cases": len(cases),
        "date": date_right / count,
        "false": false_promises,
        "amount": amount_right / count,
        "auto": auto_right / max(len(cases), 1),
    }


def results(cases: list) -> dict:
    """{(half, language, method): measure} for every half and language ("all" too)."""
    found = {}
    for half in HALVES:
        for language in (*LANGUAGES, "all"):
            chosen = [c for c in cases if half_of(c["id"]) == half and language in ("all", c["lang"])]
            for name, method in (("rules", rules), ("baseline", baseline)):
                found[half, language, name] = measure(chosen, method)
    return found


def table(found: dict) -> str:
    lines = [
        "| half | lang | cases | date rules | date base | false rules | false base | amount rules | amount base "
        "| auto rules | auto base |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for half in HALVES:
        for language in (*LANGUAGES, "all"):
            ours, base = found[half, language, "rules"], found[half, language, "baseline"]
            lines.append(
                f"| {half} | {language} | {ours['cases']} | {ours['date']:.2f} | {base['date']:.2f} "
                f"| {ours['false']} | {base['false']} | {ours['amount']:.2f} | {base['amount']:.2f} "
                f"| {ours['auto']:.2f} | {base['auto']:.2f} |"
            )
    return "\n".join(lines)


def failures(cases: list, half: str) -> list:
    """The cases of ``half`` the rules read wrong: what to look at when tuning (on the tune half only)."""
    wrong = []
    for case in cases:
        if half_of(case["id"]) != half:
            continue
        read = rules(case)
        expected = {"date": case["date"], "amount": case["amount"], "auto": case["auto"]}
        got = {"date": read["date"] and read["date"].isoformat(), "amount": read["amount"], "auto": read["auto"]}
        if case["auto"]:
            expected["date"] = got["date"] = expected["amount"] = got["amount"] = None
        if got != expected:
            wrong.append((case["id"], expected, got))
    return wrong


if __name__ == "__main__":
    corpus = load()
    print(table(results(corpus)))
    if "--tune-failures" in sys.argv:
        for case_id, expected, got in failures(corpus, "tune"):
            print(case_id, "expected", expected, "got", got)
