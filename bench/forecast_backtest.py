"""Backtest of the cash forecast's receipts on generated companies, pure Python (the engine only, no Odoo).

Each scenario family generates several companies (a few big customers, many small ones) over two years of
invoices and payments; the forecast is made as of several dates across the second year (August and December
included) from what was known then, and compared week by week with what was received in the 13 weeks after on the
items then open. Four simple methods forecast the same open items: the due date; the due date plus the customer's
mean, or median, lateness; the due date plus the company's median lateness (a customer without history takes the
company's median); all leave out what is over 90 days late and put anything already past due in the first week.

The method is built and tuned on the even seeds and reported on the odd ones (held out). Run it alone:
``.venv/bin/python bench/forecast_backtest.py`` (``--seeds train`` shows the tuning half).
"""

import argparse
import random
import statistics
import sys
import time
import types
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "founder_backoffice"
if "founder_backoffice" not in sys.modules:  # the engine without Odoo (as tests/conftest.py does)
    package = types.ModuleType("founder_backoffice")
    package.__path__ = [str(ADDON_DIR)]
    sys.modules["founder_backoffice"] = package

from founder_backoffice.engine import forecast, receipts  # noqa: E402

FAMILIES = (
    "stable habits",
    "drifting habits",
    "payment-run days",
    "August and Christmas",
    "batch payers",
    "new customers",
    "partial and write-offs",
)
SEEDS = 24  # companies per family: even seeds build and tune the method, odd seeds are held out
AS_OF_DATES = tuple(date(2026, month, day) for month, day in ((1, 19), (3, 9), (5, 4), (7, 20), (9, 14), (11, 23)))
START, END = date(2025, 1, 1), date(2026, 12, 31)  # invoices issued in these two years; payments go on after
HISTORY_DAYS = 456  # the history the product reads: 15 months
CUT_OFF_DAYS = 90  # the simple methods leave out what is more than this late
TARGET_REDUCTION = 0.25  # at least 25 % less WAPE than the best simple method
TARGET_BIAS = 0.05
TARGET_COVERAGE, COVERAGE_TOLERANCE = 0.80, 0.05
# Habits a customer may have: (weight, mean days late, spread in days).
HABITS = ((0.3, -2, 2), (0.35, 8, 5), (0.25, 25, 9), (0.1, 55, 18))
DISPUTE_SHARE = 0.04  # invoices held back in a dispute: paid 30 to 120 days later than usual
NEVER_SHARE = 0.01  # invoices never paid (a bankruptcy, a write-off)
FLOOR_DRAWS = 60  # draws of each open item's payment day by the forecast that knows the true habits
STOP_NOTICED_DAYS = 60  # a customer that stopped paying is no longer invoiced this long after its first unpaid due date


@dataclass
class Invoice:
    partner: int
    issued: date
    due: date
    amount: float
    payments: list = field(default_factory=list)  # (date, amount)


@dataclass
class Customer:
    index: int
    size: float
    every: int  # days between invoices
    terms: int
    month_end: bool  # "fine mese": due at the end of the month after the terms
    mean: float
    spread: float
    start: date
    drift: float = 0.0  # days of lateness added over the two years
    runs: tuple = ()
    batch_every: int = 0
    batch_phase: int = 0
    stops: date | None = None  # pays nothing due after this date (goes under); invoiced until STOP_NOTICED_DAYS after


def working(day):
    return receipts.business_day(day)


def month_end(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def customers(rng, family):
    """A company's customers: three big ones bring about half of the invoicing."""
    result = []
    for index in range(30):
        _weight, mean, spread = rng.choices(HABITS, [habit[0] for habit in HABITS])[0]
        big = index < 3
        customer = Customer(
            index=index,
            size=rng.lognormvariate(9.5 if big else 7.0, 0.5),
            every=rng.choice((7, 14)) if big else rng.choice((20, 30, 30, 45, 60)),
            terms=rng.choice((30, 30, 60, 90)),
            month_end=rng.random() < 0.3,
            mean=rng.gauss(mean, spread / 2),
            spread=rng.uniform(1.5, 1.5 + spread),
            start=START + timedelta(days=rng.randint(0, 60)),
        )
        specialise(rng, family, customer)
        result.append(customer)
    return result


def specialise(rng, family, customer):
    """What sets a family apart; other customers of the company keep ordinary habits."""
    if family == "drifting habits":
        customer.drift = rng.uniform(-25, 35)
    elif family == "payment-run days" and rng.random() < 0.7:
        customer.runs = rng.choice(((10,), (15,), (receipts.MONTH_END,), (10, 25), (5,)))
        customer.mean = max(-5.0, customer.mean - 10)  # the run adds on average half a month
    elif family == "batch payers" and rng.random() < 0.6:
        customer.batch_every = rng.choice((14, 28))
        customer.batch_phase = rng.randrange(customer.batch_every)
    elif family == "new customers" and rng.random() < 0.45:
        customer.start = date(2025, 10, 1) + timedelta(days=rng.randint(0, 400))
    elif family == "partial and write-offs" and rng.random() < 0.08:
        customer.stops = date(2025, 9, 1) + timedelta(days=rng.randint(0, 400))


def closed(day, family):
    """August and Christmas closures of the customers' accounts payable (that family only)."""
    if family != "August and Christmas":
        return False
    august, christmas = (
        day.month == 8 and day.day <= 24,
        (day.month, day.day) >= (12, 22) or (day.month, day.day) <= (1, 6),
    )
    return august or christmas


def reopen(rng, day, family):
    """A payment falling in a closure waits for the first working day after it (one in ten goes anyway)."""
    if not closed(day, family) or rng.random() < 0.1:
        return day
    while closed(day, family):
        day += timedelta(days=1)
    return working(day)


def next_run(day, runs):
    """The first payment-run day on or after ``day``."""
    candidates = []
    for months in (0, 1, 2):
        year, month = day.year + (day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1
        candidates += [receipts.run_day(year, month, key) for key in runs]
    return min(candidate for candidate in candidates if candidate >= day)


def next_batch(day, customer):
    offset = (customer.batch_phase - (day - START).days) % customer.batch_every
    return day + timedelta(days=offset)


def pay_day(rng, customer, invoice, family):
    """When the customer pays the invoice (None: never)."""
    if rng.random() < NEVER_SHARE or (customer.stops and invoice.due > customer.stops):
        return None
    progress = (invoice.issued - START).days / (END - START).days
    lateness = rng.gauss(customer.mean + customer.drift * progress, customer.spread)
    if rng.random() < DISPUTE_SHARE:
        lateness += rng.uniform(30, 120)
    day = invoice.due + timedelta(days=round(lateness))
    day = max(day, invoice.issued + timedelta(days=1))
    if customer.runs:
        day = next_run(day, customer.runs)
    elif customer.batch_every:
        day = next_batch(day, customer)
    return reopen(rng, working(day), family)


def invoices_of(rng, customer, family):
    result = []
    day = customer.start
    last = min(END, customer.stops + timedelta(days=STOP_NOTICED_DAYS)) if customer.stops else END
    while day <= last:
        due = day + timedelta(days=customer.terms)
        if customer.month_end:
            due = month_end(due)
        invoice = Invoice(customer.index, day, due, round(customer.size * rng.lognormvariate(0, 0.4), 2))
        paid = pay_day(rng, customer, invoice, family)
        if paid is not None:
            if family == "partial and write-offs" and rng.random() < 0.2:
                first = max(invoice.issued + timedelta(days=1), paid - timedelta(days=rng.randint(7, 40)))
                part = round(invoice.amount * rng.uniform(0.3, 0.7), 2)
                invoice.payments = [(working(first), part), (paid, invoice.amount - part)]
            else:
                invoice.payments = [(paid, invoice.amount)]
        result.append(invoice)
        day += timedelta(days=max(1, round(rng.gauss(customer.every, customer.every / 6))))
    return result


def company(family, seed):
    """``(customers, invoices)`` of a generated company."""
    rng = random.Random(f"{family}/{seed}")
    people = customers(rng, family)
    return people, [invoice for customer in people for invoice in invoices_of(rng, customer, family)]


def floor_forecast(people, invoices, items, as_of, family):
    """What a forecast knowing each customer's true habit (the generator itself) expects per week: each open item's
    payment day drawn ``FLOOR_DRAWS`` times, keeping the draws not before ``as_of`` (it is known unpaid then)."""
    weeks = [0.0] * forecast.FORECAST_WEEKS
    for item in items:
        invoice = invoices[item.ref[0]]
        rng = random.Random(f"floor/{item.ref[0]}/{as_of}")
        days = [pay_day(rng, people[item.partner], invoice, family) for _draw in range(FLOOR_DRAWS)]
        days = [day for day in days if day is None or day >= as_of]
        for day in days:
            if day is not None and (week := (day - as_of).days // 7) < forecast.FORECAST_WEEKS:
                weeks[week] += item.amount / len(days)
    return weeks


# ---------------------------------------------------------------------- the known past and what came


def situation(invoices, as_of):
    """``(history, open items, actual weekly receipts)`` as of ``as_of``."""
    history, items = [], []
    actual = [0.0] * forecast.FORECAST_WEEKS
    since = as_of - timedelta(days=HISTORY_DAYS)
    for number, invoice in enumerate(invoices):
        if invoice.issued > as_of:
            continue
        before = sum(amount for day, amount in invoice.payments if day < as_of)
        if invoice.payments and invoice.payments[-1][0] < as_of:
            if invoice.payments[-1][0] >= since:
                history.append(receipts.Paid(invoice.partner, invoice.issued, invoice.due, invoice.payments[-1][0]))
            continue
        residual = invoice.amount - before
        items.append(receipts.OpenItem((number,), invoice.partner, invoice.due, residual, invoice.issued))
        for day, amount in invoice.payments:
            if day >= as_of and (week := (day - as_of).days // 7) < forecast.FORECAST_WEEKS:
                actual[week] += amount
    return history, items, actual


def simple_forecasts(history, items, as_of):
    """The four simple methods' weekly receipts of ``items``: ``{name: [per week]}``."""
    lateness = {}
    for paid in history:
        lateness.setdefault(paid.partner, []).append(forecast.days_late(paid.due, paid.paid))
    company_median = statistics.median([days for rows in lateness.values() for days in rows] or [0])
    methods = {
        "due date": lambda _partner: 0,
        "+ customer mean": lambda partner: statistics.fmean(lateness[partner]) if partner in lateness else None,
        "+ customer median": lambda partner: statistics.median(lateness[partner]) if partner in lateness else None,
        "+ company median": lambda _partner: company_median,
    }
    result = {}
    for name, shift in methods.items():
        dated = []
        for item in items:
            if (as_of - item.due).days > CUT_OFF_DAYS:
                continue
            days = shift(item.partner)
            days = company_median if days is None else days
            dated.append((max(item.due + timedelta(days=round(days)), as_of), item.amount))
        result[name] = forecast.weekly_totals(dated, as_of)
    return result


def engine_forecast(history, items, as_of):
    """The engine's weeks (receipts and their 80 % range) for ``items``."""
    habits = receipts.learn(history, as_of, None, open_items=items)
    return forecast.weekly_forecast(as_of, 0.0, receipts.forecast_items(items, habits, as_of), [], 0.0)


# ---------------------------------------------------------------------- scores


@dataclass
class Score:
    """Sums over every forecast week of a family."""

    actual: float = 0.0
    forecast: dict = field(default_factory=dict)  # method: sum of forecasts
    error: dict = field(default_factory=dict)  # method: sum of absolute errors
    weeks: int = 0
    covered: int = 0

    def add(self, method, actual, predicted):
        self.forecast[method] = self.forecast.get(method, 0.0) + sum(predicted)
        error = sum(abs(got - expected) for got, expected in zip(actual, predicted, strict=True))
        self.error[method] = self.error.get(method, 0.0) + error

    def wape(self, method):
        return self.error[method] / self.actual

    def bias(self, method):
        return self.forecast[method] / self.actual - 1


ENGINE = "engine"
FLOOR = "true habits"  # not a method: what knowing each customer's true habit would give, the best one can hope


def score_family(family, seeds):
    score = Score()
    for seed in seeds:
        people, invoices = company(family, seed)
        for as_of in AS_OF_DATES:
            history, items, actual = situation(invoices, as_of)
            score.actual += sum(actual)
            score.add(FLOOR, actual, floor_forecast(people, invoices, items, as_of, family))
            for method, predicted in simple_forecasts(history, items, as_of).items():
                score.add(method, actual, predicted)
            weeks = engine_forecast(history, items, as_of)
            score.add(ENGINE, actual, [week.receipts for week in weeks])
            score.weeks += len(weeks)
            score.covered += sum(
                week.receipts_low <= got <= week.receipts_high for week, got in zip(weeks, actual, strict=True)
            )
    return score


def best_simple(score):
    return min((method for method in score.error if method not in (ENGINE, FLOOR)), key=score.wape)


def misses(family, score):
    """The targets a family misses, each with its figures and what the true habits would reach."""
    best = best_simple(score)
    reduction = 1 - score.wape(ENGINE) / score.wape(best)
    coverage = score.covered / score.weeks
    result = []
    if reduction < TARGET_REDUCTION:
        result.append(
            f"{family}: WAPE {reduction:.1%} less than {best!r}, target {TARGET_REDUCTION:.0%} (knowing each "
            f"customer's true habit: {1 - score.wape(FLOOR) / score.wape(best):.0%} less)"
        )
    if abs(score.bias(ENGINE)) > TARGET_BIAS:
        result.append(f"{family}: bias {score.bias(ENGINE):+.1%}, target ±{TARGET_BIAS:.0%}")
    if abs(coverage - TARGET_COVERAGE) > COVERAGE_TOLERANCE:
        result.append(f"{family}: 80 % range covers {coverage:.0%} of weeks, target 80 % ± 5 %")
    return result


def table(scores, title):
    methods = [ENGINE] + [method for method in next(iter(scores.values())).error if method not in (ENGINE, FLOOR)]
    methods.append(FLOOR)
    header = "".join(f"{method:>19}" for method in methods)
    lines = [title, f"{'family':24}{header}{'vs best':>9}{'80 % in':>9}"]
    for family, score in scores.items():
        cells = "".join(f"{score.wape(method):>9.1%} {score.bias(method):>+8.1%} " for method in methods)
        reduction = 1 - score.wape(ENGINE) / score.wape(best_simple(score))
        lines.append(f"{family:24}{cells}{-reduction:>+9.0%}{score.covered / score.weeks:>9.0%}")
    lines.append("each method: WAPE of the weekly receipts, then bias; 'vs best': the engine's WAPE against the best")
    lines.append("simple method of the family; '80 % in': weeks whose receipts fell in the engine's 80 % range;")
    lines.append(f"'{FLOOR}': not a method, the generator's own habits (the best any forecast can hope for)")
    return lines


def run(half):
    seeds = [seed for seed in range(SEEDS) if seed % 2 == (0 if half == "train" else 1)]
    started = time.perf_counter()
    scores = {family: score_family(family, seeds) for family in FAMILIES}
    title = (
        f"cash forecast backtest ({'held-out' if half == 'test' else 'tuning'} seeds {seeds[0]}, {seeds[1]}, ...: "
        f"{len(seeds)} companies per family, {len(AS_OF_DATES)} as-of dates each, 13 weeks)"
    )
    lines = table(scores, title)
    missed = [miss for family, score in scores.items() for miss in misses(family, score)]
    lines += [f"MISSED {miss}" for miss in missed] or ["every target met"]
    lines.append(f"run time {time.perf_counter() - started:.1f} s")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", choices=("train", "test"), default="test", help="the half to report")
    print("\n".join(run(parser.parse_args().seeds)))


if __name__ == "__main__":
    main()
