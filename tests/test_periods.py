from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from founder_backoffice.engine import periods

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        ("last_30_days", TODAY, (date(2026, 10, 25), TODAY)),
        ("last_30_days", date(2026, 12, 1), (date(2026, 11, 2), date(2026, 12, 1))),  # the 1st is not one day long
        ("this_month", TODAY, (date(2026, 11, 1), date(2026, 11, 30))),
        ("this_month", date(2028, 2, 10), (date(2028, 2, 1), date(2028, 2, 29))),  # leap year
        ("last_month", TODAY, (date(2026, 10, 1), date(2026, 10, 31))),
        ("last_month", date(2026, 1, 15), (date(2025, 12, 1), date(2025, 12, 31))),  # across the year
        ("this_quarter", TODAY, (date(2026, 10, 1), date(2026, 12, 31))),
        ("this_quarter", date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
        ("year_to_date", TODAY, (date(2026, 1, 1), TODAY)),
        ("last_12_months", TODAY, (date(2025, 11, 1), date(2026, 10, 31))),  # 12 full months before November
        ("last_12_months", date(2026, 1, 1), (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_period_bounds(kind, today, expected):
    assert periods.period_bounds(kind, today) == expected


def test_year_to_date_follows_the_fiscal_year():
    # fiscal year ending 31 March: it starts on 1 April
    assert periods.period_bounds("year_to_date", TODAY, fiscal_year_start_month=4) == (date(2026, 4, 1), TODAY)
    assert periods.period_bounds("year_to_date", date(2026, 2, 3), 4) == (date(2025, 4, 1), date(2026, 2, 3))
    assert periods.period_bounds("year_to_date", date(2026, 4, 1), 4) == (date(2026, 4, 1), date(2026, 4, 1))


def test_the_last_30_days_are_compared_with_the_30_days_before():
    assert periods.previous_period(date(2026, 11, 2), date(2026, 12, 1)) == (date(2026, 10, 3), date(2026, 11, 1))


def test_period_bounds_rejects_an_unknown_kind():
    with pytest.raises(ValueError):
        periods.period_bounds("next_week", TODAY)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ((date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 10, 1), date(2026, 10, 31))),
        ((date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28))),  # shorter month
        ((date(2026, 10, 1), date(2026, 12, 31)), (date(2026, 7, 1), date(2026, 9, 30))),  # quarter: 3 months
        ((date(2025, 11, 1), date(2026, 10, 31)), (date(2024, 11, 1), date(2025, 10, 31))),  # 12 months
        # not month-aligned: the 327 days before (1 Jan - 23 Nov 2026 has 327 days)
        ((date(2026, 1, 1), TODAY), (date(2025, 2, 8), date(2025, 12, 31))),
        ((date(2026, 11, 10), date(2026, 11, 16)), (date(2026, 11, 3), date(2026, 11, 9))),  # a week
    ],
)
def test_previous_period(period, expected):
    assert periods.previous_period(*period) == expected


def test_previous_period_rejects_a_reversed_period():
    with pytest.raises(ValueError):
        periods.previous_period(TODAY, TODAY - timedelta(days=1))


def test_days_in():
    assert periods.days_in(date(2026, 11, 1), date(2026, 11, 30)) == 30
    assert periods.days_in(date(2028, 2, 1), date(2028, 2, 29)) == 29
    assert periods.days_in(TODAY, TODAY) == 1
    assert periods.days_in(date(2026, 1, 1), date(2026, 12, 31)) == 365
    assert periods.days_in(TODAY, TODAY - timedelta(days=1)) == 0


def test_months_in():
    assert periods.months_in(date(2026, 11, 1), date(2026, 11, 30)) == 1.0
    assert periods.months_in(date(2026, 10, 1), date(2026, 12, 31)) == 3.0
    assert periods.months_in(date(2026, 1, 1), date(2026, 1, 15)) == pytest.approx(15 / 31)
    # 17 of 31 January days + February + 10 of 31 March days
    assert periods.months_in(date(2026, 1, 15), date(2026, 3, 10)) == pytest.approx(17 / 31 + 1 + 10 / 31)
    assert periods.months_in(TODAY, TODAY - timedelta(days=1)) == 0.0


def test_month_starts():
    assert periods.month_starts(date(2026, 11, 15), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
    assert periods.month_starts(TODAY, TODAY) == [date(2026, 11, 1)]
    assert periods.month_starts(TODAY, TODAY - timedelta(days=1)) == []


def test_month_starts_reach_the_last_month_of_the_calendar():
    assert periods.month_starts(date(9999, 11, 5), date(9999, 12, 31)) == [date(9999, 11, 1), date(9999, 12, 1)]
    assert periods.months_in(date(9999, 12, 1), date(9999, 12, 31)) == 1.0
    assert len(periods.month_starts(date(1, 1, 1), date(9999, 12, 31))) == 9999 * 12


def test_month_count():
    assert periods.month_count(date(2026, 1, 31), date(2026, 1, 1)) == 0
    assert periods.month_count(date(2026, 1, 31), date(2026, 2, 1)) == 2
    assert periods.month_count(date(2017, 1, 1), date(2026, 12, 31)) == periods.MAX_REPORT_MONTHS


def test_the_dates_reports_accept_stay_away_from_the_ends_of_the_calendar():
    assert periods.in_range(periods.FIRST_DAY) and periods.in_range(periods.LAST_DAY)
    assert not periods.in_range(date(1, 1, 1)) and not periods.in_range(date(9999, 12, 31))
    assert not periods.in_range(periods.FIRST_DAY - timedelta(days=1))
    assert not periods.in_range(periods.LAST_DAY + timedelta(days=1))
    # a period shifted back a year and a 13-week forecast still fit in the calendar
    assert periods.previous_period(date(1900, 1, 1), date(1900, 12, 31)) == (date(1899, 1, 1), date(1899, 12, 31))
    assert periods.LAST_DAY + timedelta(weeks=14) < date.max


def test_month_end():
    assert periods.month_end(date(2026, 2, 3)) == date(2026, 2, 28)
    assert periods.month_end(date(2028, 2, 3)) == date(2028, 2, 29)


# Properties

DAY = st.dates(date(1990, 1, 1), date(2200, 12, 31))


@st.composite
def period(draw):
    first = draw(DAY)
    return first, first + timedelta(days=draw(st.integers(0, 800)))


@st.composite
def month_aligned_period(draw):
    first = draw(DAY).replace(day=1)
    return first, periods.month_end(first + relativedelta(months=draw(st.integers(0, 24))))


@given(period())
def test_previous_period_ends_the_day_before_the_period_starts(bounds):
    first, last = bounds
    previous_first, previous_last = periods.previous_period(first, last)
    assert previous_last == first - timedelta(days=1)
    assert previous_first <= previous_last
    if not periods.is_month_aligned(first, last):
        assert periods.days_in(previous_first, previous_last) == periods.days_in(first, last)


@given(month_aligned_period())
def test_previous_period_keeps_month_aligned_periods_aligned(bounds):
    previous = periods.previous_period(*bounds)
    assert periods.is_month_aligned(*previous)
    assert periods.months_in(*previous) == periods.months_in(*bounds)
    assert periods.months_in(*bounds) == int(periods.months_in(*bounds))


@given(kind=st.sampled_from(periods.KINDS), today=DAY, start_month=st.integers(1, 12))
def test_period_bounds_are_ordered_and_previous_periods_are_contiguous(kind, today, start_month):
    first, last = periods.period_bounds(kind, today, start_month)
    assert first <= last
    if kind in ("this_month", "this_quarter", "year_to_date"):
        assert first <= today <= last
    if kind == "last_12_months":
        assert periods.months_in(first, last) == 12.0
    assert periods.previous_period(first, last)[1] == first - timedelta(days=1)


@given(bounds=period(), split=st.integers(0, 800))
def test_days_and_months_add_up_over_a_split(bounds, split):
    first, last = bounds
    middle = min(first + timedelta(days=split), last)
    after = middle + timedelta(days=1)
    assert periods.days_in(first, middle) + periods.days_in(after, last) == periods.days_in(first, last)
    assert periods.months_in(first, middle) + periods.months_in(after, last) == pytest.approx(
        periods.months_in(first, last)
    )
    assert len(periods.month_starts(first, last)) == len(
        {*periods.month_starts(first, middle), *periods.month_starts(after, last)}
    )


def test_every_period_kind_has_a_label_and_one_declaration():
    assert tuple(periods.KIND_LABELS) == periods.KINDS
    assert periods.KIND_LABELS["last_30_days"] == "Last 30 days"
    assert periods.DEFAULT_KIND in periods.KINDS
