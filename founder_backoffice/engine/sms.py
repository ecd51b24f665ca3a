"""Text messages of the reminders: how many SMS segments a text takes, fitting a text to the segments a reminder
may take without ever cutting its link, and the quiet hours in which no SMS goes out.

A text made only of the GSM 03.38 alphabet travels in 7-bit units: 160 in a single SMS, 153 in each part of a
longer one, the characters of the extension table taking two units each. Any other character (Arabic, most
accented capitals, emoji...) sends the whole text in UCS-2: 70 UTF-16 code units alone, 67 per part. A character
is never split across two parts: an extension pair or a surrogate pair that does not fit opens the next part.
"""

import math
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7, UCS2 = "GSM-7", "UCS-2"
# units of one SMS alone, and of each part of a longer one
SINGLE_UNITS = {GSM7: 160, UCS2: 70}
PART_UNITS = {GSM7: 153, UCS2: 67}
# the most parts a reminder's SMS may take: a longer text is shortened (its link kept whole)
MAX_SEGMENTS = 3
# no SMS to a customer from QUIET_START to QUIET_END in the customer's time zone: it waits for the morning
QUIET_START = time(21, 0)
QUIET_END = time(8, 0)


def encoding(text):
    """``GSM7`` when every character of ``text`` is in the GSM 03.38 alphabet (with its extension), else ``UCS2``."""
    return GSM7 if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text) else UCS2


def _char_units(text):
    """The units each character of ``text`` takes in the text's encoding."""
    if encoding(text) == GSM7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [len(char.encode("utf-16-le")) // 2 for char in text]


def units(text):
    """The length of ``text`` in the units of its encoding (septets, or UTF-16 code units)."""
    return sum(_char_units(text))


def segments(text):
    """How many SMS ``text`` is sent as (an empty text is one)."""
    sizes = _char_units(text)
    kind = encoding(text)
    if sum(sizes) <= SINGLE_UNITS[kind]:
        return 1
    count, room = 1, PART_UNITS[kind]
    for size in sizes:
        if size > room:
            count, room = count + 1, PART_UNITS[kind]
        room -= size
    return count


def fit(text, link, max_segments=MAX_SEGMENTS):
    """``text`` followed by ``link``, within ``max_segments`` SMS: when too long, ``text`` is cut at a word boundary
    (mid-word if a word alone is too long) and ends with an ellipsis; the link is never cut. A link too long for
    the segments by itself is sent alone."""
    text = " ".join(text.split())
    link = (link or "").strip()
    whole = f"{text} {link}".strip()
    if segments(whole) <= max_segments:
        return whole

    def shortened(length):
        cut = text[:length]
        if length < len(text) and " " in cut and not text[length].isspace():
            cut = cut[: cut.rindex(" ")]
        cut = cut.rstrip(" ,;:.-")
        ellipsis = "..." if encoding(cut) == GSM7 else "…"
        return f"{cut}{ellipsis} {link}".strip() if cut else link

    # more characters never take fewer segments: the longest prefix that fits, by bisection
    low, high = 0, len(text)
    while low < high:
        middle = math.ceil((low + high) / 2)
        if segments(shortened(middle)) <= max_segments:
            low = middle
        else:
            high = middle - 1
    return shortened(low)


def next_send_time(now, tz_name):
    """When an SMS due at ``now`` (naive UTC) may reach a customer in time zone ``tz_name``: ``now`` outside the
    quiet hours, else the end of the quiet hours that day or the next (naive UTC). An unknown or empty time zone
    is taken as UTC."""
    try:
        zone = ZoneInfo(tz_name) if tz_name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    local = now.replace(tzinfo=UTC).astimezone(zone)
    if QUIET_END <= local.time() < QUIET_START:
        return now
    day = local.date() + timedelta(days=1) if local.time() >= QUIET_START else local.date()
    opening = datetime.combine(day, QUIET_END, tzinfo=zone)
    return opening.astimezone(UTC).replace(tzinfo=None)
