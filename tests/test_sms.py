from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from founder_backoffice.engine import sms

LINK = "https://example.com/my/collections/42?access_token=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


@pytest.mark.parametrize(
    ("text", "kind", "units", "segments"),
    [
        ("", sms.GSM7, 0, 1),
        ("a" * 160, sms.GSM7, 160, 1),
        ("a" * 161, sms.GSM7, 161, 2),
        ("a" * 306, sms.GSM7, 306, 2),
        ("a" * 307, sms.GSM7, 307, 3),
        ("€" * 80, sms.GSM7, 160, 1),  # extension characters count double
        ("€" * 81, sms.GSM7, 162, 2),
        ("Già scaduta: è così", sms.GSM7, 19, 1),  # Italian lower-case accents are in the GSM alphabet
        ("È scaduta", sms.UCS2, 9, 1),  # the capital is not: the whole text goes in UCS-2
        ("ب" * 70, sms.UCS2, 70, 1),
        ("ب" * 71, sms.UCS2, 71, 2),
        ("ب" * 134, sms.UCS2, 134, 2),
        ("ب" * 135, sms.UCS2, 135, 3),
        ("😀" * 35, sms.UCS2, 70, 1),  # outside the basic plane: two UTF-16 code units each
    ],
)
def test_encoding_units_and_segments(text, kind, units, segments):
    assert sms.encoding(text) == kind
    assert sms.units(text) == units
    assert sms.segments(text) == segments


def test_a_character_is_never_split_across_two_parts():
    # 152 units then an extension pair: it does not fit the first part's last unit and opens the second
    assert sms.segments("a" * 152 + "€" + "a" * 151) == 2
    assert sms.segments("a" * 152 + "€" + "a" * 152) == 3
    assert sms.segments("ب" * 66 + "😀" + "ب" * 65) == 2
    assert sms.segments("ب" * 66 + "😀" + "ب" * 66) == 3


def test_a_short_text_is_left_whole_with_its_link():
    assert sms.fit("  Reminder:\n invoice due ", LINK) == f"Reminder: invoice due {LINK}"


def test_a_long_italian_text_is_cut_at_a_word_and_keeps_its_link():
    text = "Gentile cliente, le ricordiamo che la fattura risulta in scadenza " * 12
    fitted = sms.fit(text, LINK)
    assert fitted.endswith(f"... {LINK}")
    assert sms.encoding(fitted) == sms.GSM7
    assert sms.segments(fitted) == sms.MAX_SEGMENTS
    assert sms.units(fitted) > sms.PART_UNITS[sms.GSM7] * sms.MAX_SEGMENTS - 15  # no room wasted
    kept = fitted.removesuffix(f"... {LINK}")
    assert text.startswith(kept) and text[len(kept)] == " "  # cut between two words


def test_a_long_arabic_text_is_fitted_in_ucs2_parts():
    text = "نذكركم بأن الفاتورة المبينة أدناه مستحقة السداد " * 10
    fitted = sms.fit(text, LINK)
    assert fitted.endswith(f"… {LINK}")
    assert sms.encoding(fitted) == sms.UCS2
    assert sms.segments(fitted) == sms.MAX_SEGMENTS
    assert sms.units(fitted) <= sms.PART_UNITS[sms.UCS2] * sms.MAX_SEGMENTS


def test_a_link_too_long_for_the_segments_is_sent_alone():
    link = "https://example.com/" + "x" * 200
    assert sms.fit("Please pay", link, max_segments=1) == link


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("ab €èبé😀\n"), max_size=600),
    max_segments=st.integers(min_value=1, max_value=4),
)
def test_fit_never_exceeds_the_segments_and_always_ends_with_the_link(text, max_segments):
    fitted = sms.fit(text, LINK, max_segments=max_segments)
    assert fitted.endswith(LINK)
    assert sms.segments(fitted) <= max_segments


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        # Rome in winter (UTC+1): 14:00 local sends now
        (datetime(2026, 1, 15, 13, 0), "Europe/Rome", datetime(2026, 1, 15, 13, 0)),
        # 21:30 local waits for 08:00 local the next day (07:00 UTC)
        (datetime(2026, 1, 15, 20, 30), "Europe/Rome", datetime(2026, 1, 16, 7, 0)),
        # 06:00 local waits for 08:00 the same day
        (datetime(2026, 1, 15, 5, 0), "Europe/Rome", datetime(2026, 1, 15, 7, 0)),
        # exactly 08:00 local sends; exactly 21:00 local waits
        (datetime(2026, 1, 15, 7, 0), "Europe/Rome", datetime(2026, 1, 15, 7, 0)),
        (datetime(2026, 1, 15, 20, 0), "Europe/Rome", datetime(2026, 1, 16, 7, 0)),
        # the night daylight saving time starts in Rome (29 March 2026): 08:00 local is then 06:00 UTC
        (datetime(2026, 3, 28, 22, 0), "Europe/Rome", datetime(2026, 3, 29, 6, 0)),
        # Riyadh (UTC+3): 19:00 UTC is 22:00 there, although still day in Rome
        (datetime(2026, 1, 15, 19, 0), "Asia/Riyadh", datetime(2026, 1, 16, 5, 0)),
        (datetime(2026, 1, 15, 19, 0), "Europe/Rome", datetime(2026, 1, 15, 19, 0)),
        # no or an unknown time zone: UTC
        (datetime(2026, 1, 15, 22, 0), False, datetime(2026, 1, 16, 8, 0)),
        (datetime(2026, 1, 15, 22, 0), "Mars/Olympus", datetime(2026, 1, 16, 8, 0)),
    ],
)
def test_no_sms_in_the_quiet_hours_of_the_customer(now, tz, expected):
    assert sms.next_send_time(now, tz) == expected
