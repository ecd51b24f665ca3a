# ruff: noqa: RUF001
"""Reading a customer's reply to a payment reminder: the rules of each family and language, the quote cutting, the
automatic answers, a hostile mail, and the measure on the held-out half of the corpus against the baseline."""

import importlib.util
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from founder_backoffice.engine import replies
from founder_backoffice.engine.agreements import PROMISE_MAX_DAYS

MONDAY = date(2026, 12, 7)  # Monday 7 December 2026
THURSDAY = date(2027, 2, 18)  # Thursday 18 February 2027

_spec = importlib.util.spec_from_file_location("bench_replies", Path(__file__).parent.parent / "bench" / "replies.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will pay on Friday.", date(2026, 12, 11)),
        ("Payment by Friday, promised.", date(2026, 12, 11)),
        ("We'll pay next Friday.", date(2026, 12, 11)),
        ("We will pay Friday next week.", date(2026, 12, 18)),
        ("Pagheremo venerdì.", date(2026, 12, 11)),
        ("Pagheremo venerdi prossimo.", date(2026, 12, 11)),
        ("Il bonifico partirà lunedì.", date(2026, 12, 14)),
        ("سندفع يوم الخميس", date(2026, 12, 10)),
        ("سيتم التحويل الخميس القادم", date(2026, 12, 10)),
        ("بندفع هالجمعة", date(2026, 12, 11)),
    ],
)
def test_weekdays_are_the_first_such_day_after_today(text, expected):
    assert replies.promised_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("We will pay tomorrow.", 1),
        ("We'll pay the day after tomorrow.", 2),
        ("Will pay tonight.", 0),
        ("Paghiamo domani.", 1),
        ("Pago domattina.", 1),
        ("Paghiamo dopodomani.", 2),
        ("سندفع غدا", 1),
        ("سندفع غداً", 1),
        ("بكرة بندفع", 1),
        ("سندفع بعد غد", 2),
        ("We can pay half now.", 0),
        ("Possiamo pagare subito metà.", 0),
    ],
)
def test_relative_days(text, days):
    assert replies.promised_date(text, MONDAY) == MONDAY + timedelta(days=days)


def test_now_is_a_date_only_when_paying():
    assert replies.promised_date("We are now reviewing the invoice.", MONDAY) is None


@pytest.mark.parametrize(
    "text",
    ["We will pay next week.", "Pagheremo la prossima settimana.", "سندفع الأسبوع القادم", "الدفع الاسبوع المقبل"],
)
def test_next_week_is_the_monday_after(text):
    assert replies.promised_date(text, THURSDAY) == date(2027, 2, 22)


@pytest.mark.parametrize("text", ["We'll pay by the end of the month.", "Pagheremo a fine mese.", "الدفع نهاية الشهر"])
def test_end_of_the_month(text):
    assert replies.promised_date(text, MONDAY) == date(2026, 12, 31)
    assert replies.promised_date(text, THURSDAY) == date(2027, 2, 28)


@pytest.mark.parametrize(
    "text",
    [
        "We will pay on 15 March.",
        "We will pay on March 15th.",
        "We will pay on 15 March 2027.",
        "Pagheremo il 15 marzo.",
        "Pagheremo il 15 marzo 2027.",
        "سندفع في 15 مارس",
        "سندفع في ١٥ آذار",
        "We will pay on 15/03.",
        "We will pay on 15/03/2027.",
        "Pagheremo il 15.03.2027.",
        "Payment on 2027-03-15.",
        "الدفع بتاريخ ٢٠٢٧/٠٣/١٥",
        "We will pay on 03/15/2027.",
    ],
)
def test_day_and_month(text):
    assert replies.promised_date(text, THURSDAY) == date(2027, 3, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will pay by the end of January.", date(2027, 1, 31)),
        ("Pagheremo entro fine gennaio.", date(2027, 1, 31)),
        ("سندفع نهاية يناير", date(2027, 1, 31)),
        ("Payment mid-January.", date(2027, 1, 15)),
        ("Pagheremo a metà gennaio.", date(2027, 1, 15)),
        ("الدفع منتصف يناير", date(2027, 1, 15)),
    ],
)
def test_end_and_middle_of_a_named_month(text, expected):
    assert replies.promised_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Please call me at 10:30 tomorrow.",
        "I'm back in the office on Monday.",
        "Possiamo sentirci domani?",
        "Rientro in ufficio lunedì.",
        "سأتصل بكم غدا",
        "سأعود إلى المكتب يوم الاثنين",
    ],
)
def test_a_day_for_something_else_is_no_promise(text):
    assert replies.promised_date(text, MONDAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will pay by the 25th.", date(2027, 2, 25)),
        ("Will pay on the 15th.", date(2027, 3, 15)),
        ("Pagheremo entro il 25.", date(2027, 2, 25)),
        ("Pagheremo il 15.", date(2027, 3, 15)),
        ("سندفع يوم 25", date(2027, 2, 25)),
        ("Pagheremo il 31.", date(2027, 2, 28)),
    ],
)
def test_day_of_the_month_is_this_month_or_the_next(text, expected):
    assert replies.promised_date(text, THURSDAY) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("We will pay in 10 days.", 10),
        ("Payment within two weeks.", 14),
        ("Pagheremo tra 10 giorni.", 10),
        ("Il pagamento arriverà fra una settimana.", 7),
        ("سندفع خلال 10 أيام", 10),
        ("سندفع خلال ١٠ أيام", 10),
        ("الدفع خلال أسبوعين", 14),
    ],
)
def test_within_days_and_arabic_digits(text, days):
    expected = MONDAY + timedelta(days=days) if days else None
    assert replies.promised_date(text, MONDAY) == expected


def test_persian_digits_are_read():
    assert replies.promised_date("Paghiamo il ۲۰/۱۲.", MONDAY) == date(2026, 12, 20)


@pytest.mark.parametrize(
    "text",
    [
        "We paid on Friday.",
        "The transfer was made on 10/12/2026.",
        "We paid last Friday.",
        "We cannot pay on Friday.",
        "We won't pay until the dispute is settled, certainly not by Friday.",
        "Abbiamo pagato ieri.",
        "Abbiamo pagato venerdì scorso.",
        "Non possiamo pagare venerdì.",
        "دفعنا أمس",
        "دفعنا يوم الخميس الماضي",
        "لن ندفع يوم الخميس",
        "The transfer was made yesterday, it should reach you tomorrow.",
        "Il bonifico è partito ieri, dovrebbe arrivarvi domani.",
        "The goods arrived damaged: we dispute the invoice.",
    ],
)
def test_negations_and_past_are_no_promise(text):
    assert replies.promised_date(text, MONDAY) is None


@pytest.mark.parametrize(
    "text",
    ["We will pay no later than Friday.", "Pagheremo non oltre venerdì.", "We paid half; the rest on Friday."],
)
def test_words_that_still_promise(text):
    assert replies.promised_date(text, MONDAY) == date(2026, 12, 11)


def test_the_invoice_dates_are_not_the_promise():
    text = "Your invoice dated 01/12/2026, due on 14/12/2026, will be paid on 18/12/2026."
    assert replies.promised_date(text, MONDAY) == date(2026, 12, 18)


def test_promises_reach_promise_max_days_at_most():
    assert replies.promised_date(f"We will pay in {PROMISE_MAX_DAYS} days.", MONDAY) == MONDAY + timedelta(
        days=PROMISE_MAX_DAYS
    )
    assert replies.promised_date(f"We will pay in {PROMISE_MAX_DAYS + 1} days.", MONDAY) is None
    # 15 March is 98 days after 7 December
    assert replies.promised_date("We will pay on 15 March.", MONDAY) is None


def test_a_past_date_is_no_promise():
    assert replies.promised_date("We will pay on 01/12/2026.", MONDAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will pay 500 tomorrow.", 500.0),
        ("We'll transfer 1,250.50 EUR on Friday.", 1250.5),
        ("Vi pagheremo 1.234,50 € venerdì.", 1234.5),
        ("Possiamo versare un acconto di 300 subito.", 300.0),
        ("سندفع ٥٠٠ ريال", 500.0),
        ("سنحول مبلغ ١٬٢٥٠٫٥٠ درهم", 1250.5),
        ("We paid €400 last week and will pay the remaining €850 on the 20th.", 850.0),
        ("دفعنا 400 ريال وسندفع الباقي 850 ريال يوم 20", 850.0),
        ("We paid 300 € yesterday.", None),
        ("The invoice of 1.234,50 € is wrong.", None),
        ("We will pay in 10 days.", None),
        ("We will pay on 15 March.", None),
        ("We cannot pay 500 € this month.", None),
    ],
)
def test_promised_amount(text, expected):
    assert replies.promised_amount(text) == expected


FOUNDER = "Founder Co <billing@founder.example>"
GMAIL = f"On Mon, 7 Dec 2026 at 09:12, {FOUNDER} wrote:\n> Please pay by 14/12/2026."
GMAIL_WRAPPED = f"On Mon, 7 Dec 2026 at 09:12, {FOUNDER}\nwrote:\n\n> Please pay by 14/12/2026."
GMAIL_IT = f"Il giorno lun 7 dic 2026 alle ore 09:12 {FOUNDER} ha scritto:\n> Pagare entro il 14/12."
GMAIL_AR = f"في الاثنين، 7 ديسمبر 2026 في 9:12 ص، كتب {FOUNDER}:\n> يرجى السداد قبل 14/12/2026"
OUTLOOK = (
    "________________________________\nFrom: Founder Co\nSent: Monday, December 7, 2026\nTo: AP\n\nPay by 14/12/2026."
)
ORIGINAL = "-----Original Message-----\nFrom: billing@founder.example\nSent: 07/12/2026\n\nPay by 14/12/2026."
HEADERS_IT = f"Da: {FOUNDER}\nInviato: 07/12/2026 09:12\nA: amministrazione\nPagare entro il 14/12."
HEADERS_AR = "من: Founder Co\nأرسل: الاثنين، 7 ديسمبر 2026\nإلى: الحسابات\nالموضوع: تذكير\nيرجى السداد قبل 14/12/2026"
SIGNATURE = "-- \nJohn Smith\nPay desk open 14/12/2026"
# Outlook's HTML headers once Odoo's html2plaintext has written <b> as "*"
BOLD_HEADERS = "*From:* Founder Co [1]\n*Sent:* Monday, December 7, 2026\n*To:* AP\n\nPay by 14/12/2026."


@pytest.mark.parametrize(
    "quote",
    [GMAIL, GMAIL_WRAPPED, GMAIL_IT, GMAIL_AR, OUTLOOK, ORIGINAL, HEADERS_IT, HEADERS_AR, SIGNATURE, BOLD_HEADERS],
)
def test_own_text_cuts_the_quoted_reminder(quote):
    reply = f"Hello,\nwe will pay on Friday.\n\n{quote}"
    assert replies.own_text(reply) == "Hello,\nwe will pay on Friday."
    # the quoted reminder's own date is not the customer's promise
    assert replies.promised_date(f"Hello,\nthanks.\n\n{quote}", MONDAY) is None


def test_own_text_keeps_words_that_only_look_like_headers():
    text = "From: our side all is fine.\nWe will pay on Friday."
    assert replies.own_text(text) == text


def test_own_text_is_bounded():
    assert len(replies.own_text("a" * (3 * replies.MAX_TEXT))) == replies.MAX_TEXT


@pytest.mark.parametrize(
    ("headers", "subject", "expected"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Payment reminder", True),
        ({"AUTO-SUBMITTED": "auto-generated"}, "Re: Payment reminder", True),
        ({"Auto-Submitted": "no"}, "Re: Payment reminder", False),
        ({"X-Autoreply": "yes"}, "Re: Payment reminder", True),
        ({"x-autorespond": "1"}, "Re: Payment reminder", True),
        ({"Precedence": "bulk"}, "Re: Payment reminder", True),
        ({"Precedence": "auto_reply"}, "Re: Payment reminder", True),
        ({"Precedence": "list"}, "Re: Payment reminder", True),
        ({"Precedence": "first-class"}, "Re: Payment reminder", False),
        ({}, "Out of Office: Payment reminder", True),
        ({}, "Automatic reply: Payment reminder", True),
        ({}, "Risposta automatica: Sollecito di pagamento", True),
        ({}, "Fuori sede fino al 4 gennaio", True),
        ({}, "رد تلقائي: تذكير بالدفع", True),
        ({}, "خارج المكتب", True),
        ({}, "Re: Payment reminder", False),
        ({}, "R: Sollecito di pagamento", False),
        ({}, "رد: تذكير بالدفع", False),
        (None, "", False),
    ],
)
def test_is_auto_reply(headers, subject, expected):
    assert replies.is_auto_reply(headers, subject) is expected


HOSTILE = [
    "1" * 1_000_000,
    "15/" * 333_333,
    "1.1." * 250_000,
    "on " * 333_333,
    "> \n" * 333_333,
    "كتب " * 250_000,
    "pay 1,000,000" * 77_000,
    "From: x\n" * 125_000,
    ("il " + "1" * 50 + " ") * 18_000,
    "a" * 1_000_000,
]


def test_hostile_input_finishes():
    start = time.perf_counter()
    for text in HOSTILE:
        assert len(text) >= 900_000
        replies.own_text(text)
        replies.promised_date(text, MONDAY)
        replies.promised_amount(text)
        replies.is_auto_reply({"Subject": text, "Precedence": text}, text)
    # a generous bound: each call reads at most MAX_TEXT characters with linear expressions
    assert time.perf_counter() - start < 20


# ---------------------------------------------------------------------- the corpus


def test_the_corpus_is_split_by_its_ids_and_large_enough():
    corpus = bench.load()
    assert len({case["id"] for case in corpus}) == len(corpus)
    assert all(case["half"] == bench.half_of(case["id"]) for case in corpus)
    per_language = Counter(case["lang"] for case in corpus)
    assert min(per_language[language] for language in bench.LANGUAGES) >= 60
    per_half = Counter((case["lang"], case["half"]) for case in corpus)
    assert min(per_half.values()) >= 30


def test_rules_beat_the_baseline_on_the_held_out_half():
    found = bench.results(bench.load())
    ours, base = found["held-out", "all", "rules"], found["held-out", "all", "baseline"]
    assert ours["date"] >= 0.9
    assert ours["date"] >= base["date"] + 0.3
    assert ours["false"] <= 2 < base["false"]
    assert ours["amount"] >= 0.9 > base["amount"]
    assert ours["auto"] >= 0.95 > base["auto"]
    for language in bench.LANGUAGES:
        assert found["held-out", language, "rules"]["date"] >= 0.85
        assert found["held-out", language, "rules"]["date"] > found["held-out", language, "baseline"]["date"]
