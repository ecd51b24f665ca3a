"""Payment plans: splitting an amount into instalments, dating them and spreading payments over them.

Amounts are Decimals rounded to the currency's rounding quantum; the last instalment absorbs the rounding
difference so that a plan always adds up exactly to its total.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from .money import CENT, round_to, to_decimal

DAY_STEPS = {"weekly": 7, "biweekly": 14}
MONTH_STEPS = {"monthly": 1, "quarterly": 3}
FREQUENCIES = tuple(DAY_STEPS) + tuple(MONTH_STEPS)
# A plan ends within two years (``collections.PLAN_MAX_DAYS``): 105 weekly instalments at most. Counts beyond this
# are refused before any line is built, rather than building millions of lines to reject them by their dates.
MAX_COUNT = 120


def check_count(count: int):
    """``ValueError`` unless ``count`` is from 1 to ``MAX_COUNT``."""
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"a plan has 1 to {MAX_COUNT} instalments, got {count}")


def split_amount(total, count: int, rounding=CENT) -> list:
    """``count`` instalments of ``total / count`` rounded, the last one taking the difference.

    ``ValueError`` for fewer than one instalment, a non-positive total, a total that is not a multiple of the
    rounding quantum, or a total too small to give every instalment a positive amount.
    """
    total = to_decimal(total)
    check_count(count)
    if total <= 0:
        raise ValueError(f"a plan total must be positive, got {total}")
    if round_to(total, rounding) != total:
        raise ValueError(f"plan total {total} is not a multiple of the rounding {rounding}")
    share = round_to(total / count, rounding)
    last = total - share * (count - 1)
    if share <= 0 or last <= 0:
        raise ValueError(f"{total} is too small to split into {count} instalments")
    return [share] * (count - 1) + [last]


def schedule_dates(first_date: date, count: int, frequency: str) -> list:
    """Due dates of ``count`` instalments from ``first_date`` at ``frequency`` (one of ``FREQUENCIES``).

    Month steps count from the first date each time, so the 31st stays the 31st where the month has one
    (31 Jan, 28/29 Feb, 31 Mar) instead of drifting to the 28th after February. ``ValueError`` also when the
    dates would run past the end of the calendar (year 9999).
    """
    check_count(count)
    try:
        if frequency in DAY_STEPS:
            return [first_date + timedelta(days=DAY_STEPS[frequency] * n) for n in range(count)]
        if frequency in MONTH_STEPS:
            return [first_date + relativedelta(months=MONTH_STEPS[frequency] * n) for n in range(count)]
    except OverflowError as error:
        raise ValueError(f"{count} {frequency} instalments from {first_date} run past the calendar") from error
    raise ValueError(f"unknown frequency {frequency!r}, expected one of {', '.join(FREQUENCIES)}")


def allocate_payments(amounts, paid, rounding=CENT) -> list:
    """Spread ``paid`` over the instalment ``amounts`` in the order given (due-date order).

    Returns one ``(paid_part, state)`` per instalment, state ``'paid'``, ``'partial'`` or ``'open'``; what is
    paid beyond the plan total is left out. ``ValueError`` for a non-positive instalment or a negative payment.
    """
    amounts = [to_decimal(amount) for amount in amounts]
    if any(amount <= 0 for amount in amounts):
        raise ValueError("instalment amounts must be positive")
    remaining = round_to(paid, rounding)
    if remaining < 0:
        raise ValueError(f"paid amount must not be negative, got {paid}")
    result = []
    for amount in amounts:
        part = min(amount, remaining)
        remaining -= part
        if part == amount:
            state = "paid"
        elif part > 0:
            state = "partial"
        else:
            state = "open"
        result.append((part, state))
    return result
