# ruff: noqa: RUF001
"""Reading a customer's e-mail reply to a payment reminder, in English, Italian and Arabic, with plain rules.

``own_text`` keeps the customer's own words (the quoted reminder below them has its own due dates);
``is_auto_reply`` tells an out-of-office answer from a reply; ``promised_date`` and ``promised_amount`` read the
day and the amount the customer says they will pay. A date counts as a promise only in a clause that is neither
negated ("we cannot pay on Friday") nor in the past ("we paid on Friday"), from today to PROMISE_MAX_DAYS ahead.
Every input is cut at MAX_TEXT characters first and every expression is linear (no nested quantifiers), so a
hostile mail costs no more than a long one.
"""

import calendar
import datetime
import re
from collections.abc import Mapping

from .agreements import PROMISE_MAX_DAYS
from .written import MONTHS, normalize, parse_amount

MAX_TEXT = 5000
# how far around a date its clause is looked for, and how far back the words that make it the invoice's ("due on")
MAX_CLAUSE = 300
MAX_LABEL = 40

# Arabic short vowels, tanween, shadda, sukun, dagger alef: written or not, the word is the same
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})


def _fold(text: str) -> str:
    """Lower case, ASCII digits, Arabic without vowel marks and with one alef (hamza is often left out)."""
    return _ARABIC_MARKS.sub("", normalize(text).lower()).translate(_ALEF)


def _words(*words: str) -> str:
    """An alternation of folded words, longest first."""
    return "|".join(sorted({re.escape(_fold(word)) for word in words}, key=len, reverse=True))


# ---------------------------------------------------------------------- the customer's own words

_QUOTE_STARTS = (
    # a line quoted by the mail client
    re.compile(r"^>"),
    # "-----Original Message-----", "---------- Forwarded message ---------", "_____" (Outlook)
    re.compile(
        r"^-{2,}\s*(?:original message|messaggio originale|الرسالة الاصلية|forwarded message|messaggio inoltrato)"
    ),
    re.compile(r"^_{8,}\s*$"),
    # the signature delimiter and the phone's signature
    re.compile(r"^--\s*$"),
    re.compile(r"^(?:sent from my|inviato da(?:l mio)? (?:iphone|ipad|android|samsung|outlook)|ارسلت من)"),
    # "On Mon, 7 Dec 2026 at 09:12, Founder Co <billing@founder.example> wrote:", "Il giorno ... ha scritto:"
    re.compile(r"(?:^|\s)(?:wrote|ha scritto|scrisse)\s*:\s*$"),
    # Gmail in Arabic: "في الاثنين، 7 ديسمبر 2026 في 9:12 ص كتب Founder Co <billing@founder.example>:"
    re.compile(r"(?<!\w)كتب(?!\w)[^\n]{0,200}:\s*$"),
)
# a mail client's attribution line may wrap: "On Mon, 7 Dec 2026 at 09:12, Founder Co <billing@x>" / "wrote:"
_ATTRIBUTION_START = re.compile(r"^(?:on|il|il giorno|في|le|am)\s")
_HEADER_FROM = re.compile(r"^\*?(?:from|da|من|المرسل)\s*:")
_HEADER_OTHER = re.compile(
    r"^\*?(?:sent|date|to|subject|cc|inviato|data|a|oggetto|ارسل|ارسلت|بتاريخ|التاريخ|الي|الموضوع|تاريخ)\s*:"
)
_HEADER_LOOKAHEAD = 4


def own_text(text: str) -> str:
    """The customer's own words of a reply (plain text): cut at the quoted reminder below it ("On ... wrote:",
    "Il giorno ... ha scritto:", Arabic "... كتب:", "-----Original Message-----", "From:/Da:/من:" header blocks,
    lines starting with ">"), at most MAX_TEXT characters."""
    lines = (text or "")[:MAX_TEXT].splitlines()
    folded = [_fold(line).strip() for line in lines]
    kept = []
    for index, line in enumerate(folded):
        if any(pattern.search(line) for pattern in _QUOTE_STARTS):
            if kept and _ATTRIBUTION_START.match(folded[index - 1]) and not re.search(r"[.!?]$", folded[index - 1]):
                kept.pop()
            break
        if _HEADER_FROM.match(line) and any(
            _HEADER_OTHER.match(following) for following in folded[index + 1 : index + 1 + _HEADER_LOOKAHEAD]
        ):
            break
        kept.append(lines[index])
    return "\n".join(kept).strip()[:MAX_TEXT]


# ---------------------------------------------------------------------- automatic answers

AUTO_REPLY_PRECEDENCE = ("auto_reply", "bulk", "junk", "list")
# headers whose presence (with any value but "no") marks an automatic answer
AUTO_REPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-reply", "x-autoresponder")
AUTO_REPLY_SUBJECT = re.compile(
    r"(?<!\w)(?:"
    + _words(
        "out of office",
        "out of the office",
        "automatic reply",
        "auto reply",
        "auto-reply",
        "autoreply",
        "auto-response",
        "auto response",
        "autoresponse",
        "away from the office",
        "away from office",
        "on vacation",
        "on holiday",
        "on annual leave",
        "risposta automatica",
        "risposta automatica:",
        "fuori sede",
        "fuori ufficio",
        "fuori dall'ufficio",
        "assente dall'ufficio",
        "assenza dall'ufficio",
        "in ferie",
        "رد تلقائي",
        "الرد التلقائي",
        "رد آلي",
        "الرد الآلي",
        "خارج المكتب",
        "خارج الدوام",
        "في إجازة",
    )
    + r")(?!\w)|^auto:"
)


def is_auto_reply(headers: Mapping[str, str], subject: str) -> bool:
    """Out-of-office and other automatic answers (RFC 3834 Auto-Submitted other than "no", X-Autoreply,
    X-Autorespond, Precedence auto_reply/bulk/junk/list, "Out of office"/"Automatic reply"/"Risposta automatica"/
    "Fuori sede"/"رد تلقائي"/"خارج المكتب" subjects...). Header names case-insensitive."""
    values = {str(name).lower(): str(value or "").strip().lower() for name, value in (headers or {}).items()}
    submitted = values.get("auto-submitted", "")
    if submitted and not submitted.startswith("no"):
        return True
    if any(values.get(name, "no") not in ("no", "false", "0") for name in AUTO_REPLY_HEADERS):
        return True
    if values.get("x-autogenerated") == "reply" or "autoresponder" in values.get("x-post-messageclass", ""):
        return True
    if values.get("precedence") in AUTO_REPLY_PRECEDENCE or values.get("x-precedence") in AUTO_REPLY_PRECEDENCE:
        return True
    return bool(AUTO_REPLY_SUBJECT.search(_fold((subject or "")[:MAX_TEXT])))


# ---------------------------------------------------------------------- words of dates

WEEKDAYS = {
    **dict.fromkeys(("monday", "lunedì", "lunedi", "lunedí", "الاثنين", "الإثنين", "الأثنين", "اثنين"), 0),
    **dict.fromkeys(("tuesday", "martedì", "martedi", "martedí", "الثلاثاء", "الثلاثا"), 1),
    **dict.fromkeys(("wednesday", "mercoledì", "mercoledi", "mercoledí", "الأربعاء", "الاربعا"), 2),
    **dict.fromkeys(("thursday", "giovedì", "giovedi", "giovedí", "الخميس"), 3),
    **dict.fromkeys(("friday", "venerdì", "venerdi", "venerdí", "الجمعة", "الجمعه"), 4),
    **dict.fromkeys(("saturday", "sabato", "السبت"), 5),
    **dict.fromkeys(("sunday", "domenica", "الأحد", "الاحد"), 6),
}
TODAY_WORDS = ("today", "tonight", "this evening", "this afternoon", "later today", "end of day", "oggi",
               "in giornata", "stasera", "in serata", "in mattinata", "nel pomeriggio", "stanotte", "اليوم", "الليلة",
               "هذا المساء")  # fmt: skip
RELATIVE_DAYS = {
    **dict.fromkeys(TODAY_WORDS, 0),
    **dict.fromkeys(("tomorrow", "domani", "domattina", "غدا", "غداً", "بكرة", "بكره", "بكرا", "بكرى"), 1),
    **dict.fromkeys(("day after tomorrow", "the day after tomorrow", "dopodomani", "بعد غد", "بعد غدا", "بعد بكرة"), 2),
}
NUMBER_WORDS = {
    **dict.fromkeys(("a", "an", "one", "un", "uno", "una", "واحد"), 1),
    **dict.fromkeys(("two", "couple of", "a couple of", "due", "اثنين"), 2),
    **dict.fromkeys(("three", "tre", "ثلاثة", "ثلاث", "ثلاثه"), 3),
    **dict.fromkeys(("four", "quattro", "اربعة", "اربع", "اربعه"), 4),
    **dict.fromkeys(("five", "cinque", "خمسة", "خمس", "خمسه"), 5),
    **dict.fromkeys(("six", "sei", "ستة", "ست", "سته"), 6),
    **dict.fromkeys(("seven", "sette", "سبعة", "سبع", "سبعه"), 7),
    **dict.fromkeys(("ten", "dieci", "عشرة", "عشر", "عشره"), 10),
    **dict.fromkeys(("fifteen", "quindici", "خمسة عشر"), 15),
    **dict.fromkeys(("twenty", "venti", "عشرين"), 20),
    **dict.fromkeys(("thirty", "trenta", "ثلاثين"), 30),
}
DAY_UNITS = {
    **dict.fromkeys(("day", "days", "giorno", "giorni", "gg", "يوم", "أيام", "ايام", "يوما", "يوماً"), 1),
    **dict.fromkeys(("week", "weeks", "settimana", "settimane", "أسبوع", "اسبوع", "أسابيع"), 7),
}
# a two-day or two-week wait is one word in Arabic
DUAL_UNITS = {"يومين": 2, "أسبوعين": 14, "اسبوعين": 14}
NEXT_WEEK = ("next week", "early next week", "la prossima settimana", "la settimana prossima", "settimana prossima")
NEXT_WEEK_AR = ("الأسبوع القادم", "الأسبوع المقبل", "الأسبوع الجاي", "الاسبوع الجاي", "الجمعة القادمة")
THIS_WEEK = ("this week", "end of the week", "end of this week", "questa settimana", "fine settimana",
             "entro la settimana", "هذا الأسبوع", "نهاية الأسبوع", "آخر الأسبوع")  # fmt: skip
END_OF_NEXT_WEEK = ("end of next week", "fine della prossima settimana", "fine settimana prossima",
                    "نهاية الأسبوع القادم", "نهاية الأسبوع المقبل")  # fmt: skip
END_OF_MONTH = ("end of the month", "end of this month", "end of month", "month end", "month-end", "fine mese",
                "fine del mese", "fine di questo mese", "fine mese corrente", "نهاية الشهر", "آخر الشهر",
                "اخر الشهر", "نهاية هذا الشهر")  # fmt: skip
END_OF_NEXT_MONTH = ("end of next month", "fine del mese prossimo", "fine mese prossimo", "fine del prossimo mese",
                     "نهاية الشهر القادم", "نهاية الشهر المقبل", "آخر الشهر القادم")  # fmt: skip
START_OF_NEXT_MONTH = ("early next month", "beginning of next month", "start of next month", "inizio mese prossimo",
                       "inizio del mese prossimo", "inizio del prossimo mese", "بداية الشهر القادم",
                       "بداية الشهر المقبل", "أول الشهر القادم")  # fmt: skip
# the word after a weekday that moves it to next week ("Friday next week", "venerdì della prossima settimana")
WEEK_AFTER = ("next week", "della prossima settimana", "della settimana prossima", "prossima settimana",
              "من الأسبوع القادم", "الأسبوع القادم", "الأسبوع المقبل")  # fmt: skip
# the words that make a weekday a past one ("last Friday", "venerdì scorso", "الخميس الماضي")
WEEKDAY_PAST = ("last", "past", "scorso", "scorsa", "الماضي", "الفائت")

# "by the end of January", "mid-January": that month's last day, its 15th
END_OF = ("end of", "the end of", "fine", "fine di", "la fine di", "نهاية", "آخر", "أواخر")
MIDDLE_OF = ("mid", "middle of", "the middle of", "metà", "a metà", "metà di", "منتصف", "نص")
# "now" is today only where the clause speaks of paying ("we can pay half now")
NOW = ("now", "right now", "immediately", "straight away", "adesso", "ora", "subito", "immediatamente", "الآن",
       "حالا", "فورا")  # fmt: skip
_MONTH = _words(*MONTHS)
_MONTHS = {_fold(name): number for name, number in MONTHS.items()}
_WEEKDAY = _words(*WEEKDAYS)
_WEEKDAYS = {_fold(name): number for name, number in WEEKDAYS.items()}
_RELATIVE = {_fold(name): days for name, days in RELATIVE_DAYS.items()}
_NUMBERS = {_fold(name): number for name, number in NUMBER_WORDS.items()}
_UNITS = {_fold(name): days for name, days in DAY_UNITS.items()}
_DUALS = {_fold(name): days for name, days in DUAL_UNITS.items()}
_AR = r"[وفبله]?"  # an Arabic word may carry "and", "so", "by", "for", "this" (spoken) as its first letter
_ORD = r"(?:st|nd|rd|th|°|º)?"
_DAY_UNIT_NOT = r"(?!\s*(?:%|€|\$|euro|eur|giorni|gg|days?|ore|hours?|ايام|يوم|ساعه|ساعات|fatture|invoices))"
_NO_MONTH = rf"(?!\s+(?:of\s+|di\s+)?{_AR}(?:{_MONTH})(?!\w))"

DATE_RE = re.compile(
    rf"(?<![\w/.-])(?P<iso>(?P<iso_y>\d{{4}})(?P<iso_sep>[-/.])(?P<iso_m>\d{{1,2}})(?P=iso_sep)(?P<iso_d>\d{{1,2}}))"
    rf"(?!\w|[/.-]\d)"
    rf"|(?<![\w/.-])(?P<num>(?P<num_a>\d{{1,2}})(?P<sep>[/.-])(?P<num_b>\d{{1,2}})(?P=sep)(?P<num_y>\d{{4}}|\d{{2}}))"
    rf"(?![\w/.-]*\d)"
    rf"|(?<!\w)(?P<dm>(?P<dm_d>\d{{1,2}}){_ORD}(?:\s+of)?\s+{_AR}(?P<dm_m>{_MONTH})(?!\w)(?:,?\s+(?P<dm_y>\d{{4}}))?)"
    rf"|(?<!\w)(?P<md>(?P<md_m>{_MONTH})\s+(?:the\s+)?(?P<md_d>\d{{1,2}}){_ORD}(?!\w)(?:,?\s+(?P<md_y>\d{{4}}))?)"
    rf"|(?<![\w/.,-])(?P<short>(?P<short_a>\d{{1,2}})/(?P<short_b>\d{{1,2}}))(?![\w/.,-]*\d|\s*%)"
    rf"|(?<!\w)(?P<in>(?:in|within|after|tra|fra|entro|خلال|بعد|في غضون|في خلال)\s+(?:(?:the\s+)?next\s+)?"
    rf"(?P<in_n>\d{{1,3}}|{_words(*NUMBER_WORDS)})\s+(?P<in_u>{_words(*DAY_UNITS)})(?!\w))"
    rf"|(?<!\w)(?P<dual>(?:خلال|بعد|في غضون|في خلال)\s+(?P<dual_w>{_words(*DUAL_UNITS)})(?!\w))"
    rf"|(?<!\w)(?P<eomn>(?:{_words(*END_OF)})\s+{_AR}(?P<eomn_m>{_MONTH})(?!\w))"
    rf"|(?<!\w)(?P<midm>(?:{_words(*MIDDLE_OF)})[\s-]{_AR}(?P<midm_m>{_MONTH})(?!\w))"
    rf"|(?<!\w)(?P<eonw>{_words(*END_OF_NEXT_WEEK)})(?!\w)"
    rf"|(?<!\w)(?P<eonm>{_words(*END_OF_NEXT_MONTH)})(?!\w)"
    rf"|(?<!\w)(?P<sonm>{_words(*START_OF_NEXT_MONTH)})(?!\w)"
    rf"|(?<!\w)(?P<eom>{_words(*END_OF_MONTH)})(?!\w)"
    rf"|(?<!\w)(?P<past_wd>(?:{_words(*WEEKDAY_PAST)})\s+(?:{_WEEKDAY})(?!\w)"
    rf"|{_AR}(?:{_WEEKDAY})\s+(?:{_words(*WEEKDAY_PAST)})(?!\w))"
    rf"|(?<!\w)(?P<wd>{_AR}(?P<wd_name>{_WEEKDAY})(?!\w)(?:\s+(?:prossimo|prossima|القادم|المقبل|الجاي))?"
    rf"(?:\s+(?P<wd_next>{_words(*WEEK_AFTER)})(?!\w))?)"
    rf"|(?<!\w)(?P<nw>{_AR}(?:{_words(*NEXT_WEEK, *NEXT_WEEK_AR)}))(?!\w)"
    rf"|(?<!\w)(?P<tw>{_AR}(?:{_words(*THIS_WEEK)}))(?!\w)"
    rf"|(?<!\w)(?P<rel>{_AR}(?P<rel_w>{_words(*RELATIVE_DAYS)}))(?!\w)"
    rf"|(?<!\w)(?P<now>{_AR}(?:{_words(*NOW)}))(?!\w)"
    rf"|(?<!\w)(?P<dom>(?:(?:on|by|before|until|for)\s+the\s+|the\s+(?=\d{{1,2}}(?:st|nd|rd|th)))"
    rf"(?P<dom_en>\d{{1,2}}){_ORD}(?!\w){_NO_MONTH}"
    rf"|(?:il|giorno|entro il|per il|prima del)\s+(?P<dom_it>\d{{1,2}})(?![\w/.,:-]?\d){_DAY_UNIT_NOT}(?!\w){_NO_MONTH}"
    rf"|(?:يوم|بتاريخ|تاريخ)\s+(?P<dom_ar>\d{{1,2}})(?![\w/.,:-]?\d){_DAY_UNIT_NOT}(?!\w){_NO_MONTH})"
)
# where a clause ends: sentence marks and commas not inside a number, line ends, "but"
CLAUSE_END = re.compile(r"[!?;\n]|[.,:](?!\d)|(?<!\w)(?:but|however|ma|però|pero|tuttavia|invece|لكن|ولكن|بس)(?!\w)")
NEGATION = re.compile(
    r"(?<!\w)(?:not|cannot|can't|cant|won't|unable|never|non|mai|impossibile|"
    r"لن|لا|لم|مش|مو|ليس|لسنا|ما رح|ما نقدر|ما بنقدر|ما منقدر|ما راح|مانقدر)(?!\w)|n't(?!\w)"
)
# "no later than Friday", "non appena", "non oltre": a negation word that still promises
NOT_A_NEGATION = re.compile(
    r"(?<!\w)(?:no later than|not later than|not after|non oltre|non appena|al più tardi|non più tardi di|"
    r"لا يتجاوز|في موعد لا يتجاوز|بما لا يتجاوز)(?!\w)"
)
PAST = re.compile(
    r"(?<!\w)(?:paid|sent|transferred|wired|settled|made|did|already|yesterday|ago|was|were|processed|remitted|"
    r"executed|initiated|cleared|"
    r"abbiamo|ho|hanno|avevamo|è stato|è stata|e' stato|sono stati|ieri|già|gia|scorso|scorsa|partito|effettuato|"
    r"[وف]?(?:كان|كانت|كنا|كنت|دفعنا|دفعت|سددنا|سددت|حولنا|حولت|ارسلنا|ارسلت|قمنا|قمت|تم|امس|مبارح|امبارح|"
    r"البارحه|البارحة|الماضي|"
    r"الماضيه|الماضية|بالفعل|سبق))(?!\w)"
)
FUTURE = re.compile(
    r"(?<!\w)(?:will|shall|going to|gonna|plan|planning|intend|expect|expecting|can|could|would|should|hope|aim|"
    r"scheduled|schedule|arrange|promise|try|ll|"
    r"\w+(?:rò|remo|rà|ranno|rete|remmo)|possiamo|posso|contiamo|conto di|prevediamo|intendiamo|intenzione|"
    r"programmat\w*|previst\w*|entro|"
    r"[وف]?(?:سوف|رح|راح|ان شاء الله|انشاء الله|نقدر|نستطيع|يمكننا|ننوي|نتوقع|سندفع|سنحول|سنسدد|سنقوم|سيتم|ساقوم|"
    r"سادفع|سنرسل|سنحاول|ستصلكم|ستصل|سيصلكم|سيصل|ستدفع|سيدفع|ستكون|سنكون|حندفع|هندفع|هنحول|هنسدد|"
    r"بندفع|ندفع|نحول|نسدد|منحول|مندفع|بنحول))(?!\w)"
)
# a date that names the invoice, not the payment: "due on 30/11", "dated", "la fattura del 15/10", "المستحقة في"
NOT_A_PROMISE_BEFORE = re.compile(
    r"(?<!\w)(?:due|dated|issued|scadenza|scade|scaduta|scaduto|del|emessa|emesso|data|"
    r"(?:ال)?(?:استحقاق|مستحقه|مستحقة|صادره|صادرة|مؤرخه|مؤرخة))\s+(?:on\s+|il\s+|al\s+|في\s+|بتاريخ\s+)?$"
)


def _first_after(today: datetime.date, weekday: int) -> datetime.date:
    return today + datetime.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _next_monday(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=7 - today.weekday())


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _next_month(today: datetime.date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def _safe(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _in_window(day: datetime.date | None, today: datetime.date) -> bool:
    return day is not None and 0 <= (day - today).days <= PROMISE_MAX_DAYS


def _day_month(today: datetime.date, day: int, month: int, year: str | None) -> datetime.date | None:
    """Day and month, in the year written or else their next occurrence from today."""
    if year:
        return _safe(int(year), month, day)
    found = _safe(today.year, month, day)
    if found and found < today:
        found = _safe(today.year + 1, month, day)
    return found


def _numeric(today: datetime.date, first: int, second: int, year: str | None) -> datetime.date | None:
    """Day first, as in Italy, Britain and the Arab world; month first when only that makes a date, or when only
    that reads as a promise (an American "12/15")."""
    readings = [_day_month(today, first, second, year), _day_month(today, second, first, year)]
    readings = [reading for reading in readings if reading]
    return next((reading for reading in readings if _in_window(reading, today)), readings[0] if readings else None)


def _day_of_month(today: datetime.date, day: int) -> datetime.date | None:
    """ "the 15th": this month, or next month when the day has passed; the month's last day when it is shorter."""
    if not 1 <= day <= 31:
        return None
    year, month = (today.year, today.month) if day >= today.day else _next_month(today)
    return _safe(year, month, min(day, calendar.monthrange(year, month)[1]))


_SHIFTS = {
    "eonw": lambda today: _next_monday(today) + datetime.timedelta(days=4),
    "eonm": lambda today: _month_end(*_next_month(today)),
    "sonm": lambda today: datetime.date(*_next_month(today), 1),
    "eom": lambda today: _month_end(today.year, today.month),
    "nw": _next_monday,
    "tw": lambda today: max(today, today + datetime.timedelta(days=4 - today.weekday())),
}


def _resolve(match: re.Match, today: datetime.date) -> datetime.date | None:  # noqa: C901 one branch per date form
    """The date a match of DATE_RE names, relative to ``today``."""
    group = match.group
    if group("iso"):
        return _safe(int(group("iso_y")), int(group("iso_m")), int(group("iso_d")))
    if group("num"):
        year = int(group("num_y"))
        return _numeric(today, int(group("num_a")), int(group("num_b")), str(year + 2000 if year < 100 else year))
    if group("dm"):
        return _day_month(today, int(group("dm_d")), _MONTHS[group("dm_m")], group("dm_y"))
    if group("md"):
        return _day_month(today, int(group("md_d")), _MONTHS[group("md_m")], group("md_y"))
    if group("short"):
        return _numeric(today, int(group("short_a")), int(group("short_b")), None)
    if group("in"):
        count = group("in_n")
        count = int(count) if count.isdigit() else _NUMBERS[count]
        return today + datetime.timedelta(days=count * _UNITS[group("in_u")])
    if group("dual"):
        return today + datetime.timedelta(days=_DUALS[group("dual_w")])
    if group("wd"):
        weekday = _WEEKDAYS[group("wd_name")]
        if group("wd_next"):
            return _next_monday(today) + datetime.timedelta(days=weekday)
        return _first_after(today, weekday)
    if group("dom"):
        return _day_of_month(today, int(group("dom_en") or group("dom_it") or group("dom_ar")))
    if group("eomn"):
        month = _MONTHS[group("eomn_m")]
        year = today.year if _month_end(today.year, month) >= today else today.year + 1
        return _month_end(year, month)
    if group("midm"):
        return _day_month(today, 15, _MONTHS[group("midm_m")], None)
    if group("rel"):
        return today + datetime.timedelta(days=_RELATIVE[group("rel_w")])
    if group("now"):
        return today
    shift = next((shift for name, shift in _SHIFTS.items() if group(name)), None)
    return shift(today) if shift else None  # a past weekday ("last Friday") names no promise


# words of paying, verbs and nouns: a clause with none of them after "we paid" speaks of the money's arrival
PAYMENT = re.compile(
    r"(?<!\w)(?:pay\w*|paid|transfer\w*|wire\w*|remit\w*|settle\w*|funds|money|rest|remainder|balance|"
    r"pag\w*|bonific\w*|vers\w*|sald\w*|rat[ae]|rest[oi]|restant[ei]|"
    r"\w{0,3}(?:دفع|حول|تحويل|سدد|سداد|تسديد)\w*|[وفبل]?(?:ال)?(?:مبلغ|باقي|متبقي))(?!\w)"
)


# a day for something else than paying: a call, a meeting, being back at the office
OTHER_MATTERS = re.compile(
    r"(?<!\w)(?:call|phone|ring|meet|meeting|discuss|talk|speak|back|return|returning|away|out of office|"
    r"chiam\w*|telefon\w*|sentirci|riunione|incontro|parlar\w*|rientr\w*|torn\w*|assente|fuori sede|fuori ufficio|"
    r"[وفسب]?(?:اتصل\w*|نتصل|مكالمه|مكالمة|اجتماع|نتكلم|نتحدث|اعود|سأعود|ساعود|نعود|ارجع|خارج المكتب))(?!\w)"
)


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The clause around text[start:end] (from the last clause end before it to the first one after it), and
    its part before text[start:end]."""
    before = text[max(0, start - MAX_CLAUSE) : start]
    ends = list(CLAUSE_END.finditer(before))
    head = before[ends[-1].end() :] if ends else before
    after = text[end : end + MAX_CLAUSE]
    found = CLAUSE_END.search(after)
    return head + text[start:end] + (after[: found.start()] if found else after), head


def _is_promise(clause: str) -> bool:
    """A clause that neither denies ("we cannot pay") nor tells of the past ("we paid") without promising too."""
    if NEGATION.search(NOT_A_NEGATION.sub(" ", clause)):
        return False
    return not (PAST.search(clause) and not FUTURE.search(clause))


def _paid_already(text: str) -> bool:
    """The reply says the money has gone: "the transfer was made on Friday", "il bonifico è partito"."""
    return any(
        PAYMENT.search(clause) and PAST.search(clause) and not FUTURE.search(clause) and not NEGATION.search(clause)
        for clause in CLAUSE_END.split(text)
    )


def promised_date(text: str, today: datetime.date) -> datetime.date | None:
    """The day the reply says the customer will pay, if it states one: today or later, None otherwise
    (a past date — "we paid yesterday" — is not a promise)."""
    folded = _fold(own_text(text))
    paid_already = None
    for match in DATE_RE.finditer(folded):
        if NOT_A_PROMISE_BEFORE.search(folded[max(0, match.start() - MAX_LABEL) : match.start()]):
            continue
        day = _resolve(match, today)
        if not _in_window(day, today):
            continue
        clause, _head = _clause(folded, match.start(), match.end())
        if not _is_promise(clause):
            continue
        paying = PAYMENT.search(clause)
        if not paying and (match.group("now") or OTHER_MATTERS.search(clause)):
            continue
        if not paying and paid_already is None:
            paid_already = _paid_already(folded)
        if paying or not paid_already:
            return day
    return None


# ---------------------------------------------------------------------- amounts

CURRENCY_WORDS = ("€", "eur", "euro", "euros", "usd", "$", "dollars", "dollar", "gbp", "£", "pounds", "sar", "aed",
                  "ريال", "ريالا", "درهم", "دولار", "يورو", "ر.س", "د.إ", "جنيه", "دينار")  # fmt: skip
PAY_WORDS = ("pay", "paying", "send", "sending", "transfer", "wire", "settle", "pagare", "pagheremo", "pagherò",
             "paghiamo", "pago", "versare", "verseremo", "versiamo", "bonificare", "bonificheremo", "inviare",
             "invieremo", "saldare", "salderemo", "ندفع", "سندفع", "ادفع", "سأدفع", "دفع", "نحول", "سنحول",
             "تحويل", "سداد", "نسدد", "سنسدد", "هندفع", "بندفع")  # fmt: skip
# words between "pay" and its amount: "we will pay about 500", "possiamo versare un acconto di 300"
AMOUNT_FILLERS = ("about", "around", "approximately", "only", "just", "the sum of", "a sum of", "sum of", "amount of",
                  "an amount of", "a deposit of", "deposit of", "an advance of", "part of", "at least", "now", "today",
                  "you", "circa", "la somma di", "un acconto di", "acconto di", "almeno", "solo", "soltanto", "subito",
                  "ora", "oggi", "intanto", "vi", "مبلغ", "حوالي", "دفعة", "مقدما", "الآن", "لكم", "منها")  # fmt: skip
_NUMBER = r"(?:\d{1,3}(?:[.,']\d{3})+|\d+)(?:[.,]\d{1,2})?"
_CURRENCY = _words(*CURRENCY_WORDS)
AMOUNT_RE = re.compile(
    rf"(?:(?<!\w)|(?<=[€$£]))(?:{_CURRENCY})\s?(?P<after>{_NUMBER})(?![\d.,]*\d)"
    rf"|(?<![\w.,])(?P<before>{_NUMBER})\s?(?:{_CURRENCY})(?!\w)"
    rf"|(?<!\w)(?:{_words(*PAY_WORDS)})\s+(?:(?:{_words(*AMOUNT_FILLERS)})\s+){{0,3}}(?P<paid>{_NUMBER})"
    rf"(?![\d.,/:-]*\d|\w|\s*(?:%|{_words(*DAY_UNITS)}|{_MONTH})(?!\w))"
)


def promised_amount(text: str) -> float | None:
    """An amount the reply promises, if it states one ("we will pay 500", "1.234,50 €", "500 ريال" written
    in Arabic-Indic digits too), else None."""
    folded = _fold(own_text(text))
    for match in AMOUNT_RE.finditer(folded):
        clause, head = _clause(folded, match.start(), match.end())
        if not (PAYMENT.search(clause) or FUTURE.search(clause)) or not _is_promise(clause):
            continue
        # "we paid 400 last week and will pay 850 on the 20th": the tense nearest before the amount tells
        past, future = list(PAST.finditer(head)), list(FUTURE.finditer(head))
        if past and (not future or past[-1].start() > future[-1].start()):
            continue
        amount = parse_amount(match.group("after") or match.group("before") or match.group("paid"))
        if amount:
            return amount
    return None
