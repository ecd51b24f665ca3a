"""Customers' payment habits, and the 13-week cash forecast built on them.

A customer's habit is read from its paid invoices: how many days after its due date each one was paid (negative
when early), newest first. The same lateness figures give

- the customer's payment profile (average, median, on-time share, trend, grade A-E);
- with the company's other customers and the calendar, when the money of each open invoice is expected
  (``receipts``): a probability per forecast week.

The forecast is then plain arithmetic: opening cash, plus the receipts expected each week, minus the vendor bills
falling due that week and the recurring outflows (payroll, taxes and other payments not tied to a bill).
"""

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import NormalDist

MIN_TREND_HISTORY = 4
TREND_MARGIN_DAYS = 3
# (grade, highest median lateness in days); a customer paying later than the last one is "E"
GRADE_LIMITS = (("A", 0), ("B", 7), ("C", 30), ("D", 60))
GRADE_A_ON_TIME = 0.8
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


def naive_payment_date(due: date, as_of: date) -> date:
    """The naive forecast: everyone pays on the due date (an overdue invoice now)."""
    return max(due, as_of)


# An item is among the documents behind a week when at least this share of its money is expected in it.
WEEK_REF_SHARE = 0.1
RANGE_Z = NormalDist().inv_cdf(0.9)  # the 80 % range leaves 10 % of the outcomes below it and 10 % above
# The habits themselves may be off (a customer changes, a season differs): each week's receipts carry this relative
# error on top of the chance of each payment, and customers' errors move together.
MODEL_ERROR = 0.1
NOTHING_CHANCE = 0.1  # when a week gets nothing this often, its range starts at 0


# The amounts a week stores (its ``net`` is computed from them)
WEEK_AMOUNTS = ("receipts", "receipts_low", "receipts_high", "bills", "recurring", "closing")


@dataclass
class Week:
    """One week of the forecast: from ``start`` to ``end`` included; ``closing`` is the cash at its end.
    ``receipts`` is the expected value; ``receipts_low`` and ``receipts_high`` bound the receipts with 80 %
    probability."""

    start: date
    end: date
    receipts: float = 0.0
    bills: float = 0.0
    recurring: float = 0.0
    closing: float = 0.0
    receipts_low: float = 0.0
    receipts_high: float = 0.0
    refs: list = field(default_factory=list)  # the refs of the receipts and bills that fall in the week

    @property
    def net(self):
        return self.receipts - self.bills - self.recurring

    def amounts(self) -> dict:
        """The week's amounts by name (``WEEK_AMOUNTS``): how the dashboard keeps and draws a week."""
        return {name: getattr(self, name) for name in WEEK_AMOUNTS}


class Spread:
    """What a week's receipts may be, per customer and week: the expected money, the variance if its items came
    independently, the spread if they came all together, the log-chance that none comes and the likeliest item's
    chance; and how much its items come together and how far its habit may be off."""

    def __init__(self, weeks):
        self.weeks = weeks
        self.customers = {}

    def add(self, item):
        rows = self.customers.get(item.partner)
        if rows is None:
            rows = self.customers[item.partner] = [[0.0] * self.weeks for _row in range(5)] + [0.0, 0.0]
        money, variance, spread, log_none, likeliest = rows[:5]
        rows[5] = max(rows[5], getattr(item, "together", 0.0))
        rows[6] = max(rows[6], getattr(item, "uncertain", 0.0))
        amount, squared, sqrt, log1p = item.amount, item.amount * item.amount, math.sqrt, math.log1p
        for index, probability in enumerate(item.weeks[: self.weeks]):
            if probability <= 0:
                continue
            chance = probability if probability < 1.0 else 1.0 - 1e-12
            own = squared * chance * (1.0 - chance)
            money[index] += amount * chance
            variance[index] += own
            spread[index] += sqrt(own)
            log_none[index] += log1p(-chance)
            if chance > likeliest[index]:
                likeliest[index] = chance

    def nothing(self, index):
        """The chance that no money at all comes in week ``index``."""
        chance = 1.0
        for rows in self.customers.values():
            together = rows[5]
            chance *= (1 - together) * math.exp(rows[3][index]) + together * (1 - rows[4][index])
        return chance

    def range(self, index):
        """``(low, high)``: the 80 % range of week ``index``'s receipts, read on a log-normal curve of their mean
        and variance (receipts are never negative and sometimes far above the mean)."""
        mean = variance = 0.0
        for rows in self.customers.values():
            together = rows[5]
            mean += rows[0][index]
            variance += (
                (1 - together) * rows[1][index] + together * rows[2][index] ** 2 + (rows[6] * rows[0][index]) ** 2
            )
        if mean <= 0:
            return 0.0, 0.0
        sigma = math.sqrt(math.log1p(variance / mean**2 + MODEL_ERROR**2))
        mu = math.log(mean) - sigma**2 / 2
        low = 0.0 if self.nothing(index) >= NOTHING_CHANCE else math.exp(mu - RANGE_Z * sigma)
        return min(low, mean), max(math.exp(mu + RANGE_Z * sigma), mean)


def week_index(day: date, as_of: date) -> int:
    """The forecast week of ``day``: week 0 runs from ``as_of`` to six days later; earlier days fall in week 0."""
    return max(0, (day - as_of).days // 7)


def weekly_forecast(as_of, opening, receipts, bills, recurring_per_week, weeks=FORECAST_WEEKS):
    """``weeks`` weeks from ``as_of``: ``receipts`` are ``receipts.ItemForecast``; ``bills`` are ``(ref, date,
    amount)`` with positive amounts, paid on that date; ``recurring_per_week`` every week. Bills beyond the horizon
    are left out. Each week's receipts come with their 80 % range."""
    result = [
        Week(as_of + timedelta(days=7 * i), as_of + timedelta(days=7 * i + 6), recurring=recurring_per_week)
        for i in range(weeks)
    ]
    spread = Spread(weeks)
    for item in receipts:
        spread.add(item)
        for week, probability in zip(result, item.weeks, strict=False):
            week.receipts += item.amount * probability
            if probability >= WEEK_REF_SHARE:
                week.refs.append(item.ref)
    for ref, day, amount in bills:
        if day is None or (index := week_index(day, as_of)) >= weeks:
            continue
        result[index].bills += amount
        result[index].refs.append(ref)
    cash = opening
    for index, week in enumerate(result):
        week.receipts_low, week.receipts_high = spread.range(index)
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
