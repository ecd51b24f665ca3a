"""Customers' payment habits, and the 13-week cash forecast built on them.

A customer's habit is read from its paid invoices: how many days after its due date each one was paid (negative
when early), newest first. The same lateness figures give

- the customer's payment profile (average, median, on-time share, trend, grade A-E);
- the expected payment date of each of its open invoices, which places the invoice's money in a forecast week.

The forecast is then plain arithmetic: opening cash, plus the receipts expected each week, minus the vendor bills
falling due that week and the recurring outflows (payroll, taxes and other payments not tied to a bill).
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

MIN_TREND_HISTORY = 4
TREND_MARGIN_DAYS = 3
# (grade, highest median lateness in days); a customer paying later than the last one is "E"
GRADE_LIMITS = (("A", 0), ("B", 7), ("C", 30), ("D", 60))
GRADE_A_ON_TIME = 0.8
DOUBTFUL_DAYS = 90
UNSEEN_LATENESS_WAIT_DAYS = 7
FORECAST_WEEKS = 13
WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class LatenessWindow:
    """Which paid invoices of a customer make its lateness history (``days_late`` of each, newest paid first):
    the last ``invoices`` of them, paid in the ``months`` up to the as-of date (``None``: whenever paid)."""

    invoices: int
    months: int | None = None


# The two windows on the one lateness history. The payment profile (grade, trend, expected payment dates) reads
# the last year, so that a customer who changed its ways is graded on how it pays now. "Abnormally late"
# (``kpi.is_abnormally_pending``) compares an open invoice with the customer's last ten payments whenever they
# were made: a customer that rarely buys keeps a history, and ten is enough for a mean and a deviation.
PROFILE_WINDOW = LatenessWindow(invoices=20, months=12)
ABNORMAL_WINDOW = LatenessWindow(invoices=10)


@dataclass(frozen=True)
class PaymentProfile:
    """How a customer pays, from ``lateness``: days late of its paid invoices, newest first."""

    lateness: tuple = ()
    mean_days_late: float | None = None
    median_days_late: float | None = None
    on_time_share: float | None = None
    trend: str | None = None  # "improving", "worsening" or "stable"; None on too short a history
    grade: str | None = None  # "A" to "E"; None without history


def days_late(due: date, paid: date) -> int:
    """Days from the due date to the payment; negative when paid early."""
    return (paid - due).days


def histories(rows, window: LatenessWindow) -> dict:
    """``{partner: [days late, newest first]}`` from ``(partner, days late)`` rows, newest first: each customer's
    last ``window.invoices``."""
    by_partner = {}
    for partner, days in rows:
        history = by_partner.setdefault(partner, [])
        if len(history) < window.invoices:
            history.append(days)
    return by_partner


def payment_profile(lateness) -> PaymentProfile:
    """The profile of a customer whose paid invoices were ``lateness`` days late, newest first (the caller keeps
    its ``PROFILE_WINDOW``). Empty for a customer with no paid invoice."""
    lateness = tuple(lateness)
    if not lateness:
        return PaymentProfile()
    median = statistics.median(lateness)
    on_time = sum(1 for days in lateness if days <= 0) / len(lateness)
    return PaymentProfile(
        lateness=lateness,
        mean_days_late=statistics.fmean(lateness),
        median_days_late=median,
        on_time_share=on_time,
        trend=payment_trend(lateness),
        grade=grade(median, on_time),
    )


def grade(median_days_late, on_time_share) -> str | None:
    """A: pays by the due date (median lateness ≤ 0 and at least 8 invoices in 10 on time); B: typically up to a
    week late; C: up to 30 days; D: up to 60 days; E: later. The median, not the mean, so that one invoice held
    back in a dispute does not sink a good payer."""
    if median_days_late is None:
        return None
    for letter, limit in GRADE_LIMITS:
        if median_days_late <= limit and (letter != "A" or on_time_share >= GRADE_A_ON_TIME):
            return letter
    return "E"


def payment_trend(lateness) -> str | None:
    """Improving when the newer half of the history is at least ``TREND_MARGIN_DAYS`` less late on average than
    the older half, worsening when it is that much later, else stable; None under ``MIN_TREND_HISTORY``
    invoices."""
    if len(lateness) < MIN_TREND_HISTORY:
        return None
    half = len(lateness) // 2
    change = statistics.fmean(lateness[:half]) - statistics.fmean(lateness[half:])
    if change <= -TREND_MARGIN_DAYS:
        return "improving"
    if change >= TREND_MARGIN_DAYS:
        return "worsening"
    return "stable"


def expected_payment_date(due: date, lateness, as_of: date, override: date | None = None) -> date | None:
    """When the money of an invoice still open at ``as_of`` is expected, from ``lateness``: the customer's history
    (the company's for a customer that never paid). None: doubtful, not expected in the forecast.

    - A promise to pay or a payment-plan instalment (``override``) sets the date.
    - Otherwise the invoice is known to be unpaid at ``as_of``, so only the past invoices that were at least as
      late count: the expected lateness is their median (an invoice already 20 days late from a customer who pays
      either on time or 45 days late is expected at 45 days, not at the overall median).
    - An invoice later than the customer ever was is expected in ``UNSEEN_LATENESS_WAIT_DAYS``, unless it is more
      than ``DOUBTFUL_DAYS`` overdue: then it is doubtful.
    - With no history at all, the due date.

    Dates in the past become ``as_of``: what is expected and not yet received comes now.
    """
    if override:
        return max(override, as_of)
    late_now = days_late(due, as_of)
    if late_now > DOUBTFUL_DAYS:
        return None
    if not lateness:
        return max(due, as_of)
    as_late = [days for days in lateness if days >= late_now]
    if not as_late:
        return as_of + timedelta(days=UNSEEN_LATENESS_WAIT_DAYS) if late_now > 0 else as_of
    return max(due + timedelta(days=round(statistics.median(as_late))), as_of)


def naive_payment_date(due: date, as_of: date) -> date:
    """The naive forecast: everyone pays on the due date (an overdue invoice now)."""
    return max(due, as_of)


@dataclass
class Week:
    """One week of the forecast: from ``start`` to ``end`` included; ``closing`` is the cash at its end."""

    start: date
    end: date
    receipts: float = 0.0
    bills: float = 0.0
    recurring: float = 0.0
    closing: float = 0.0
    refs: list = field(default_factory=list)  # the refs of the receipts and bills that fall in the week

    @property
    def net(self):
        return self.receipts - self.bills - self.recurring


def week_index(day: date, as_of: date) -> int:
    """The forecast week of ``day``: week 0 runs from ``as_of`` to six days later; earlier days fall in week 0."""
    return max(0, (day - as_of).days // 7)


def weekly_forecast(as_of, opening, receipts, bills, recurring_per_week, weeks=FORECAST_WEEKS):
    """``weeks`` weeks from ``as_of``: ``receipts`` and ``bills`` are ``(ref, date, amount)`` with positive amounts
    (a date of None is doubtful and left out); both ``recurring_per_week`` every week. Items beyond the horizon are
    left out."""
    result = [
        Week(as_of + timedelta(days=7 * i), as_of + timedelta(days=7 * i + 6), recurring=recurring_per_week)
        for i in range(weeks)
    ]
    for items, attribute in ((receipts, "receipts"), (bills, "bills")):
        for ref, day, amount in items:
            if day is None or (index := week_index(day, as_of)) >= weeks:
                continue
            week = result[index]
            setattr(week, attribute, getattr(week, attribute) + amount)
            week.refs.append(ref)
    cash = opening
    for week in result:
        cash += week.net
        week.closing = cash
    return result


def lowest_week(weeks) -> Week | None:
    """The week ending with the least cash (the first of equals)."""
    return min(weeks, key=lambda week: week.closing, default=None)


def cash_out_week(weeks) -> Week | None:
    """The first week ending with negative cash: where the runway ends; None when cash lasts the horizon."""
    return next((week for week in weeks if week.closing < 0), None)


def recurring_per_week(monthly_outflows) -> float:
    """The weekly share of the mean of the last three months' recurring outflows (oldest first, positive)."""
    recent = list(monthly_outflows)[-3:]
    return statistics.fmean(recent) / WEEKS_PER_MONTH if recent else 0.0


def weekly_totals(items, as_of, weeks=FORECAST_WEEKS):
    """Amounts of ``(date, amount)`` summed per forecast week (None dates and dates beyond left out)."""
    totals = [0.0] * weeks
    for day, amount in items:
        if day is not None and (index := week_index(day, as_of)) < weeks:
            totals[index] += amount
    return totals


def wape(actual, forecast) -> float | None:
    """Weighted absolute percentage error: sum |actual - forecast| / sum |actual|; None when nothing happened."""
    total = sum(abs(value) for value in actual)
    if not total:
        return None
    return sum(abs(a - f) for a, f in zip(actual, forecast, strict=True)) / total
