"""How right the 13-week forecast was: the forecast frozen every week against what came in.

Each Monday's freeze is the forecast made at the end of the Sunday before (the last full day of the ledger, so that
a freeze made later in the week, or backfilled, is the same). Its week 1 runs from that Monday to the Sunday after,
week 2 the week after, and so on. What came in during a week is what the customers paid on the receivables that were
open at the freeze: the forecast covers only those (new invoices are not forecast).

The comparison reads the freezes made ``ACCURACY_HORIZON`` week(s) before each week: the forecast a founder had at
the start of the week. The *Forecast vs actual* view can show the other horizons too.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from . import forecast

ACCURACY_HORIZON = 1  # weeks ahead: 1 is the freeze made at the end of the Sunday before the week
NO_GRADE = "none"  # a customer with no paid invoice in its history at the freeze
BACKFILL_WEEKS = forecast.FORECAST_WEEKS  # freezes made on install, as of past Sundays, so accuracy shows at once
# a finished week's receipts are measured again for this long: a payment entered late (a bank statement reconciled
# days after) still counts in its week
RESTATED_DAYS = timedelta(days=28)


@dataclass(frozen=True)
class FrozenWeek:
    """One week of a freeze: ``horizon`` (1 to 13) weeks after the freeze, from ``start`` (a Monday) to ``end``."""

    horizon: int
    start: date
    end: date


@dataclass(frozen=True)
class Accuracy:
    """The running accuracy over ``weeks`` finished weeks: ``wape`` (sum |received - expected| / sum received),
    ``bias`` (sum expected / sum received - 1: above 0 the forecast expected too much), ``in_range`` (weeks whose
    receipts fell inside the 80 % range); ``wape`` and ``bias`` are None when nothing came in."""

    weeks: int = 0
    wape: float | None = None
    bias: float | None = None
    in_range: int = 0


def freeze_day(today: date) -> date:
    """The as-of date of this week's freeze: the Sunday before the Monday of ``today``'s week."""
    return today - timedelta(days=today.weekday() + 1)


def backfill_days(today: date, weeks=BACKFILL_WEEKS) -> list:
    """The as-of dates of this week's freeze and of the ``weeks`` before it, oldest first."""
    last = freeze_day(today)
    return [last - timedelta(weeks=back) for back in range(weeks, -1, -1)]


def frozen_weeks(frozen_on: date, weeks=forecast.FORECAST_WEEKS) -> list:
    """The ``FrozenWeek``s of the freeze as of ``frozen_on``: the forecast's week ``i`` is ``horizon`` ``i + 1``."""
    return [
        FrozenWeek(index + 1, frozen_on + timedelta(days=7 * index + 1), frozen_on + timedelta(days=7 * index + 7))
        for index in range(weeks)
    ]


def is_finished(week_end: date, today: date) -> bool:
    """A week is over, and what came in is known, once its last day has passed."""
    return week_end < today


def grade_key(grade: str | None) -> str:
    """The grade a customer's money is counted under: its payment grade, or ``NO_GRADE``."""
    return grade or NO_GRADE


def expected_by_grade(item_forecasts, grades: dict, weeks=forecast.FORECAST_WEEKS) -> dict:
    """``{grade key: [expected receipts per week]}`` of ``receipts.ItemForecast``s; ``grades``: ``{partner: grade
    or None}`` at the freeze. Only the grades that expect money somewhere."""
    result = {}
    for item in item_forecasts:
        key = grade_key(grades.get(item.partner))
        totals = result.setdefault(key, [0.0] * weeks)
        for index, probability in enumerate(item.weeks[:weeks]):
            totals[index] += item.amount * probability
    return result


def received_by_grade(payments, frozen_on: date, grades: dict, weeks=forecast.FORECAST_WEEKS) -> dict:
    """``{grade key: [received per week]}`` of ``(partner, date, amount)`` payments made after ``frozen_on`` on the
    receivables open at the freeze, in the weeks of ``frozen_weeks``."""
    result = {}
    for partner, day, amount in payments:
        index = (day - frozen_on).days - 1
        if index < 0 or index // 7 >= weeks:
            continue
        result.setdefault(grade_key(grades.get(partner)), [0.0] * weeks)[index // 7] += amount
    return result


def difference(expected: float, received: float, finished: bool) -> float:
    """Received - expected of a week (or a grade's share of it); 0 until the week is over, when nothing is known."""
    return received - expected if finished else 0.0


def in_range(received: float, low: float, high: float, rounding=0.005) -> bool:
    """Whether a week's receipts fell inside its 80 % range (a cent's rounding either side)."""
    return low - rounding <= received <= high + rounding


def accuracy(finished) -> Accuracy:
    """The running ``Accuracy`` of finished weeks, each ``(expected, received, low, high)``."""
    finished = list(finished)
    if not finished:
        return Accuracy()
    expected = [week[0] for week in finished]
    received = [week[1] for week in finished]
    total = sum(received)
    return Accuracy(
        weeks=len(finished),
        wape=forecast.wape(received, expected),
        bias=sum(expected) / total - 1 if total else None,
        in_range=sum(1 for week in finished if in_range(week[1], week[2], week[3])),
    )
