"""Statutory late-payment interest (Italy: D.Lgs. 231/2002, implementing Directive 2011/7/EU).

Interest accrues from the day after the due date up to and including the day it is computed for, as simple
interest on an actual/365 basis (365 also in leap years). The rate is the ECB reference rate fixed for each
half-year (1 January to 30 June, 1 July to 31 December) plus a margin of 8 points, so a delay crossing
1 July or 1 January is computed in segments, one per half-year, each at its own rate.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .money import CENT, round_to, to_decimal

DEFAULT_MARGIN = Decimal("8")
DAYS_IN_YEAR = 365
ONE_DAY = timedelta(days=1)


class MissingRateError(ValueError):
    """No reference rate is known for a half-year the delay runs through."""

    def __init__(self, period_start: date):
        self.period_start = period_start
        super().__init__(f"no ECB reference rate for the half-year starting {period_start.isoformat()}")


@dataclass(frozen=True)
class Segment:
    """Part of a delay inside one half-year: ``start`` to ``end`` inclusive at ``rate`` percent a year."""

    start: date
    end: date
    days: int
    rate: Decimal
    interest: Decimal


def half_year_start(day: date) -> date:
    """1 January or 1 July of ``day``'s year: the key of the reference rate that applies to ``day``."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half_year_start(day: date) -> date:
    start = half_year_start(day)
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def interest_segments(amount, due_date: date, as_of: date, reference_rates, margin=DEFAULT_MARGIN) -> list:
    """Unrounded interest on ``amount`` paid late, one ``Segment`` per half-year of the delay.

    ``reference_rates`` maps half-year start dates to the reference rate in percent; a half-year the delay
    touches without a rate raises ``MissingRateError``. No delay or no positive amount gives no segment.
    """
    amount = to_decimal(amount)
    margin = to_decimal(margin)
    if amount <= 0 or as_of <= due_date:
        return []
    segments = []
    start = due_date + ONE_DAY
    while start <= as_of:
        period_start = half_year_start(start)
        if period_start not in reference_rates:
            raise MissingRateError(period_start)
        end = min(as_of, _next_half_year_start(start) - ONE_DAY)
        days = (end - start).days + 1
        rate = to_decimal(reference_rates[period_start]) + margin
        interest = amount * rate * days / (100 * DAYS_IN_YEAR)
        segments.append(Segment(start=start, end=end, days=days, rate=rate, interest=interest))
        start = end + ONE_DAY
    return segments


def statutory_interest(
    amount, due_date: date, as_of: date, reference_rates, margin=DEFAULT_MARGIN, rounding=CENT
) -> Decimal:
    """Total late-payment interest, rounded once at the end so segment roundings do not add up."""
    segments = interest_segments(amount, due_date, as_of, reference_rates, margin)
    return round_to(sum((segment.interest for segment in segments), Decimal(0)), rounding)


@dataclass(frozen=True)
class Chargeable:
    """An overdue item of a reminder at a level charging interest.

    ``invoice`` identifies its invoice (None for a payment-plan instalment), ``already_charged`` is the
    interest earlier reminders charged on it, ``compensation`` the policy's fixed amount in company currency,
    ``charges_invoice`` tells an invoice of earlier reminders' own fees and interest.
    """

    key: object
    residual: object
    due_date: date
    invoice: object = None
    already_charged: object = 0
    margin: object = DEFAULT_MARGIN
    compensation: object = 0
    charges_invoice: bool = False


def charges_due(items, as_of: date, reference_rates, compensated_invoices=(), rounding=CENT) -> dict:
    """``{key: (interest, compensation)}`` still to charge on ``items`` (``Chargeable``) at ``as_of``.

    Interest runs from the due date to ``as_of`` on the residual, less what was already charged on the item,
    never below zero; the compensation is charged once per invoice: not for the ``compensated_invoices`` nor
    twice among ``items``, and never for an instalment. A charges invoice is charged nothing: no interest on
    interest, no compensation for a fee.
    """
    compensated = set(compensated_invoices)
    result = {}
    for item in items:
        if item.charges_invoice:
            result[item.key] = (Decimal(0), Decimal(0))
            continue
        accrued = statutory_interest(item.residual, item.due_date, as_of, reference_rates, item.margin, rounding)
        owed = max(accrued - round_to(to_decimal(item.already_charged), rounding), Decimal(0))
        compensation = Decimal(0)
        if to_decimal(item.compensation) > 0 and item.invoice is not None and item.invoice not in compensated:
            compensation = to_decimal(item.compensation)
            compensated.add(item.invoice)
        result[item.key] = (owed, compensation)
    return result
