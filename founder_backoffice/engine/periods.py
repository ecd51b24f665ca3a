"""Reporting periods of the dashboard and their comparison periods.

A period is a pair of dates ``(first, last)``, both included. Month-aligned periods (from a month's first day to a
month's last day) stay month-aligned when shifted, so "this quarter" is compared with the previous calendar
quarter rather than with the 91 days before it; other periods are shifted by their length in days.
"""

import calendar
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def _lt(text):
    """Marks ``text`` for the add-on's translation catalogue (Odoo's export reads ``_lt`` calls); the engine
    imports nothing from Odoo, so the caller translates the label where it shows it."""
    return text


# The dashboard's periods and their labels, in the order of its period menu (the web client reads them from the
# dashboard's data).
KIND_LABELS = {
    "last_30_days": _lt("Last 30 days"),
    "this_month": _lt("This month"),
    "last_month": _lt("Last month"),
    "this_quarter": _lt("This quarter"),
    "year_to_date": _lt("Year to date"),
    "last_12_months": _lt("Last 12 months"),
}
KINDS = tuple(KIND_LABELS)
DEFAULT_KIND = "last_30_days"

# The dates a report or a dunning run may be asked for: wide enough for any real ledger, and far from the ends of
# Python's calendar (years 1 and 9999), where a period shifted back a year or a 13-week forecast would not fit.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
# A report with a column per month (P&L, cash flow) covers at most ten years: beyond that it is a wall of columns
# that takes minutes to compute and that a spreadsheet cannot show whole.
MAX_REPORT_MONTHS = 120


def month_end(day: date) -> date:
    """Last day of the month of ``day``."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def in_range(day: date) -> bool:
    """Whether ``day`` lies between ``FIRST_DAY`` and ``LAST_DAY``."""
    return FIRST_DAY <= day <= LAST_DAY


def is_month_aligned(first: date, last: date) -> bool:
    """Whether the period runs from the first day of a month to the last day of a month."""
    return first.day == 1 and last == month_end(last) and first <= last


def period_bounds(kind: str, today: date, fiscal_year_start_month: int = 1) -> tuple:
    """``(first, last)`` of the period ``kind`` around ``today``; ``ValueError`` for an unknown kind.

    - ``last_30_days``: the 30 days ending today, the dashboard's default: it means as much on the 1st of a month
      as on the 30th, where "this month" is one day long on the 1st.
    - ``this_month`` / ``this_quarter``: the whole calendar month / quarter holding today, like Odoo's own date
      filters. It ends in the future: the caller clips the end to today where the length matters (DSO's days).
    - ``last_month``: the previous calendar month.
    - ``year_to_date``: from the start of the fiscal year holding today to today. The fiscal year starts on the
      first day of ``fiscal_year_start_month`` (Odoo's ``fiscalyear_last_month`` + 1 when ``fiscalyear_last_day`` is
      that month's last day).
    - ``last_12_months``: the 12 full calendar months before the current one, not the 365 days ending today: the
      window then holds still during a month, matches the monthly sparklines and gives CEI a whole N of 12.
    """
    month_start = today.replace(day=1)
    if kind == "last_30_days":
        return today - timedelta(days=29), today
    if kind == "this_month":
        return month_start, month_end(today)
    if kind == "last_month":
        first = month_start - relativedelta(months=1)
        return first, month_end(first)
    if kind == "this_quarter":
        first = month_start.replace(month=(today.month - 1) // 3 * 3 + 1)
        return first, month_end(first + relativedelta(months=2))
    if kind == "year_to_date":
        back = (today.month - fiscal_year_start_month) % 12
        return month_start - relativedelta(months=back), today
    if kind == "last_12_months":
        return month_start - relativedelta(months=12), month_start - timedelta(days=1)
    raise ValueError(f"unknown period kind {kind!r}; expected one of {', '.join(KINDS)}")


def previous_period(first: date, last: date) -> tuple:
    """The period of the same kind that ends the day before ``first``.

    A month-aligned period of N months gives the N calendar months before it; any other period gives the same
    number of days before it. ``ValueError`` when ``last`` is before ``first``.
    """
    if last < first:
        raise ValueError("a period cannot end before it starts")
    previous_last = first - timedelta(days=1)
    if is_month_aligned(first, last):
        return first - relativedelta(months=month_count(first, last)), previous_last
    return previous_last - (last - first), previous_last


def days_in(first: date, last: date) -> int:
    """Number of days in the period, both ends included (a month has 28 to 31); 0 when ``last`` is before ``first``.

    Odoo's executive summary uses ``date_to - date_from``, one day less; counting both ends keeps a month's DSO
    on the month's real length.
    """
    return max(0, (last - first).days + 1)


def months_in(first: date, last: date) -> float:
    """Number of months in the period, fractional: each month counts for the share of its days covered.

    A month-aligned period gives a whole number (CEI's N); 1-15 January gives 15/31. 0.0 when ``last`` is before
    ``first``.
    """
    total = 0.0
    for start in month_starts(first, last):
        end = month_end(start)
        covered = (min(end, last) - max(start, first)).days + 1
        total += covered / end.day
    return total


def month_starts(first: date, last: date) -> list:
    """First day of every month that overlaps the period, in order; the first one may come before ``first``.

    Empty when ``last`` is before ``first``.
    """
    # counted rather than stepped past ``last``: a step past December 9999 would leave the calendar
    return [first.replace(day=1) + relativedelta(months=n) for n in range(month_count(first, last))]


def month_count(first: date, last: date) -> int:
    """Number of calendar months from the month of ``first`` to the month of ``last``, both included; 0 when
    ``last`` is before ``first``."""
    if last < first:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1
