"""When the money of each open receivable is expected: a probability per forecast week, learned from how the
customer (and the company's customers) paid before.

The method reads a customer's paid invoices as a lateness curve: for each day after the due date, the chance that
an invoice still unpaid that day gets paid on it. The curve comes from the customer's own payments (recent ones
count more), leans on the company's curve where the customer's history is thin (a new customer uses the company's
alone), and on a base curve that slowly fades where nobody was ever that late. The invoices still open count too:
an old invoice nobody paid says the chance of payment at that age is low. An open item's forecast starts from how
late it already is: only what happens from that age on counts, so its money spreads over the weeks its history
allows, and some of it may never come.

The calendar comes on top: a customer that pays on fixed days (the 10th, the month's end) or in batches every one,
two or four weeks is expected on them; money falls on working days; a week in which last year's receipts almost
stopped (August, Christmas) gets little, the rest comes the week after. A customer silent for longer than usual
while it owes overdue money is less likely to pay at all. A promise to pay or a plan instalment brings the share of
its money that promises (instalments) usually bring on its date; the rest follows the customer's habit.

``learn`` reads the paid history once; ``forecast_items`` gives each open item its ``ItemForecast``.
"""

import math
import statistics
from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from itertools import accumulate, pairwise
from operator import mul, sub

from . import forecast

PROMISE = "promise"
INSTALMENT = "instalment"

# The lateness curve, in days after the due date (index 0 is LATENESS_MIN).
LATENESS_MIN = -30  # earlier payments count as this early: they are rare, and the money is already in
LATENESS_MAX = 270  # nine months after its due date an invoice is not expected any more
RECENCY_HALF_LIFE_DAYS = 180  # a payment half a year old counts half: a customer that changed is read by its new ways
# One payment's lateness stands for nearby days too: spread by a triangle as wide as the customer's habit is loose
# and its history short (Silverman's rule), at least ±KERNEL_MIN_DAYS, at most ±KERNEL_MAX_DAYS.
KERNEL_MIN_DAYS = 2
KERNEL_MAX_DAYS = 30
CUSTOMER_SHRINK = 0.5  # invoices of the company curve mixed into every customer's: thin histories lean on the company
COMPANY_SHRINK = 2.0  # invoices of the base curve mixed into the company's: where few were ever that late
# Where no history says anything: a daily chance of payment of BASE_EARLY_HAZARD before the due date (about one
# invoice in seven paid early) and BASE_HAZARD from it (most come in the weeks after it), falling with age to the
# power BASE_HAZARD_FADE: of what is unpaid 40 days late, 7 in 10 still come within the nine months; 90 days late,
# half — about what collection agencies publish of old debts (CCAA: 70 % of debts 90 days late collectible, 53 %
# at six months), so that a company without history does not give up on an invoice a month overdue.
BASE_EARLY_HAZARD = 0.005
BASE_HAZARD = 0.06
BASE_HAZARD_DAYS = 30
BASE_HAZARD_FADE = 1.5
BIG_CUSTOMER_WEIGHT = 0.5  # a customer weighs n ** 0.5 invoices in the company curve: a frequent one does not rule it
# Payment runs: a customer whose payment days fall (±1 day) on one or two days of the month.
RUN_MIN_DAYS = 5  # payment days needed before reading a pattern in them (twice as many for two run days)
RUN_SHARE = 0.75  # share of the payment days on the run day
RUN_TWO_SHARE = 0.85  # share of the payment days on two run days, each holding at least RUN_SECOND_SHARE
RUN_SECOND_SHARE = 0.3
RUN_MONTHS = 24  # run days laid out this many months from the as-of date: the expected date of a late invoice
MONTH_END = 0  # the run key of "the last day of the month"
CYCLE = "cycle"
CYCLES = (28, 14, 7)  # batch payers paying every four, two or one week(s), the same weekday: the longest that fits
# Closures: a week in which last year's receipts fell below CLOSURE_SHARE of a usual week, next to one below
# CLOSURE_NEIGHBOUR_SHARE: a closure lasts; one quiet week alone is chance.
CLOSURE_SHARE = 0.3
CLOSURE_NEIGHBOUR_SHARE = 0.5
CLOSURE_MIN_WEEKLY = 5  # usual weekly payments needed to tell a closure from chance
CLOSURE_AROUND = 6  # a usual week: the median of the six weeks either side and itself
CLOSURE_WEEKS = 52
YEAR_DAYS = 364  # a year back on the same weekday
# Promises and instalments whose record is unknown: the share of their money that comes on their date.
DEFAULT_KEPT = {PROMISE: 0.6, INSTALMENT: 0.8}
# A customer that stopped paying: silent for more than SILENCE_GAPS of its usual gaps between payment days (at
# least SILENCE_MIN_GAP_DAYS, so that a summer closure is no silence) while it owes overdue money; its chance of
# paying halves with every further usual gap.
SILENCE_GAPS = 1
SILENCE_MIN_GAP_DAYS = 30
# How far a customer's habit read from n paid invoices may be off, relative to its money in a week: HABIT_ERROR
# divided by the square root of n + 1 (a new customer's habit is a guess, a long history is known).
HABIT_ERROR = 0.5
# Items of one customer move together: its payments are one decision of its accounts payable; those of a customer
# that never paid, all the more (its habit, unknown, is one for all its items).
TOGETHER_BASE = 0.05
TOGETHER_UNKNOWN = 0.8
EXPECTED_SHARE = 0.5  # the expected date is the day by which the money is in with this probability

GRID = LATENESS_MAX - LATENESS_MIN + 1


@dataclass(frozen=True)
class Paid:
    """One paid invoice of the history: its customer, invoice date, due date and the day it was paid in full."""

    partner: object
    issued: date | None
    due: date
    paid: date


@dataclass(frozen=True)
class OpenItem:
    """An open receivable at the as-of date: ``amount`` still owed (positive), ``override`` the date of an open
    promise to pay or payment-plan instalment (``override_kind``: ``PROMISE`` or ``INSTALMENT``)."""

    ref: tuple
    partner: object
    due: date
    amount: float
    issued: date | None = None
    override: date | None = None
    override_kind: str | None = None


@dataclass(frozen=True)
class Habits:
    """What the paid history says as of ``as_of``: each customer's payments (``observed``) and payment days (read
    on demand: its payment runs, batch paying, rhythm); the company's closure weeks (``closures``: share of a usual
    week's receipts, by forecast week) and the kept share of promises and instalments. ``open_items``: the
    company's open items when known, whose age tells how often old debts get paid (else the items forecast are
    used)."""

    as_of: date
    by_partner: dict = field(default_factory=dict)
    paid_days: dict = field(default_factory=dict)
    closures: tuple = ()
    kept: dict = field(default_factory=dict)
    open_items: tuple | None = None
    since: date | None = None  # the first day of the history
    read: dict = field(default_factory=dict)  # what was read of each customer's payment days

    def customer(self, partner) -> "PaymentDays":
        """What ``partner``'s payment days say, read once."""
        if partner not in self.read:
            self.read[partner] = PaymentDays.of(self.paid_days.get(partner, ()))
        return self.read[partner]


@dataclass(frozen=True)
class PaymentDays:
    """What a customer's payment days say: its payment runs or batch cycle (``runs``, () when none), how much its
    items come together, its last payment day and usual gap between payment days, how many invoices it paid."""

    runs: tuple = ()
    together: float = TOGETHER_UNKNOWN
    last: date | None = None
    gap: int = 0
    count: int = 0

    @classmethod
    def of(cls, days):
        if not days:
            return cls()
        runs = payment_runs(days) or cycle(days)
        # a payment-run day explains invoices paid together: no batch paying to read there
        together = TOGETHER_BASE if runs else batch_share(days)
        return cls(runs, together, max(days), usual_gap(days), len(days))


@dataclass(frozen=True)
class ItemForecast:
    """An open item's money over the forecast weeks: ``weeks[i]`` is the probability that it comes in week ``i``;
    ``expected_date`` the day by which it is paid with even odds (None: more likely never); ``together`` how
    much the customer's items come together (0: independently, 1: all on one day) and ``uncertain`` how far its
    habit may be off, for the weeks' ranges."""

    ref: tuple
    partner: object
    amount: float
    weeks: tuple
    expected_date: date | None
    together: float = 0.0
    uncertain: float = 0.0  # relative error of the customer's habit, for the weeks' ranges

    @property
    def beyond(self):
        """The probability that the money does not come within the horizon."""
        return max(0.0, 1.0 - sum(self.weeks))


def share(part, whole):
    """``part / whole``; None when ``whole`` is 0 (nothing to learn from)."""
    return part / whole if whole else None


def business_day(day: date) -> date:
    """Money does not move at weekends: a Saturday or Sunday payment lands on the Monday."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


# ---------------------------------------------------------------------- learning


def learn(history, as_of, kept_shares=None, open_items=None) -> Habits:
    """The habits of ``history`` (``Paid``, any order, paid before ``as_of``) as of ``as_of``; ``kept_shares``:
    ``{PROMISE: share, INSTALMENT: share}`` of promises and instalments kept (None: unknown); ``open_items``: all
    the company's open items (``OpenItem``), when the items forecast are only some of them."""
    since = min((paid.paid for paid in history), default=as_of)
    by_partner = defaultdict(list)
    paid_days = defaultdict(list)
    for paid in history:
        by_partner[paid.partner].append(observed(paid.due, paid.paid, as_of, since))
        paid_days[paid.partner].append(paid.paid)
    kept = {kind: share for kind, share in (kept_shares or {}).items() if share is not None}
    return Habits(
        as_of=as_of,
        by_partner=dict(by_partner),
        paid_days=dict(paid_days),
        closures=closures(history, as_of),
        kept={**DEFAULT_KEPT, **kept},
        open_items=None if open_items is None else tuple(open_items),
        since=since,
    )


def observed(due, last_seen, as_of, since) -> tuple:
    """An invoice as the history sees it: ``(days late when paid, or now when open; weight; days late when the
    history starts)``. Recent invoices weigh more (by due date, the same for paid and open ones); before the
    history starts, its paid peers are unknown, so it does not count there."""
    weight = 0.5 ** (max(0, (as_of - due).days) / RECENCY_HALF_LIFE_DAYS)
    return forecast.days_late(due, last_seen), weight, (since - due).days


def usual_gap(paid_days) -> int:
    """The median days between a customer's payment days (``SILENCE_MIN_GAP_DAYS`` at least)."""
    days = sorted(set(paid_days))
    gaps = [(later - before).days for before, later in pairwise(days)]
    return max(SILENCE_MIN_GAP_DAYS, round(statistics.median(gaps)) if gaps else 0)


def batch_share(paid_days) -> float:
    """How much a customer's items come together: ``TOGETHER_BASE``, and up to 1 as more of its invoices were paid
    on a day with another of its invoices (batch payers)."""
    counts = Counter(paid_days)
    batched = sum(count for count in counts.values() if count > 1)
    return TOGETHER_BASE + (1 - TOGETHER_BASE) * batched / len(paid_days)


def _run_keys(day: date) -> set:
    """The run days ``day`` may be a payment of: its day of the month ±1 (±2 back on a Monday, a weekend run day
    moved on), or the month's end."""
    keys = {day.day - 1, day.day, day.day + 1}
    if day.weekday() == 0:
        keys |= {day.day - 2, day.day - 3}
    if monthrange(day.year, day.month)[1] - day.day <= 1 or (day.weekday() == 0 and day.day <= 3):
        keys.add(MONTH_END)
    return {key for key in keys if key == MONTH_END or 1 <= key <= 28}


def payment_runs(paid_days) -> tuple:
    """The days of the month a customer pays on (``MONTH_END``: the last day), read from its payment days: one or
    two days holding ``RUN_SHARE`` of them; () when it pays any day."""
    days = sorted(set(paid_days))
    if len(days) < RUN_MIN_DAYS:
        return ()
    keys = [_run_keys(day) for day in days]
    votes = Counter(key for day_keys in keys for key in day_keys)
    exact = Counter(day.day for day in days)  # among equals, the day most often hit exactly
    first, first_votes = min(votes.items(), key=lambda pair: (-pair[1], -exact[pair[0]], pair[0]))
    if first_votes >= RUN_SHARE * len(days):
        return (first,)
    rest = Counter(key for day_keys in keys if first not in day_keys for key in day_keys)
    if not rest or first_votes < RUN_SECOND_SHARE * len(days):
        return ()
    second, second_votes = min(rest.items(), key=lambda pair: (-pair[1], -exact[pair[0]], pair[0]))
    if (
        len(days) >= 2 * RUN_MIN_DAYS
        and second_votes >= RUN_SECOND_SHARE * len(days)
        and first_votes + second_votes >= RUN_TWO_SHARE * len(days)
    ):
        return tuple(sorted((first, second)))
    return ()


def cycle(paid_days) -> tuple:
    """``(CYCLE, period, phase)``: a batch payer's cycle, the payment days falling every ``period`` days
    (``RUN_SHARE`` of them) on the ordinals ``phase`` modulo ``period``; () when none fits."""
    days = sorted(set(paid_days))
    if len(days) < RUN_MIN_DAYS:
        return ()
    for period in CYCLES:
        phase, votes = Counter(day.toordinal() % period for day in days).most_common(1)[0]
        if votes >= RUN_SHARE * len(days):
            return (CYCLE, period, phase)
    return ()


def closures(history, as_of) -> tuple:
    """The share of a usual week's receipts expected in each of the ``CLOSURE_WEEKS`` weeks from ``as_of``: the
    payments of the same week last year against the median of the weeks around it (a growing company's usual week
    grows); 1 except in closures, and all 1 without a full year of history."""
    start = as_of - timedelta(days=YEAR_DAYS)
    if not history or min(paid.paid for paid in history) > start + timedelta(days=7):
        return (1.0,) * CLOSURE_WEEKS
    counts = Counter((paid.paid - start).days // 7 for paid in history)
    shares = []
    for index in range(CLOSURE_WEEKS + 1):  # one more: the neighbour of the last
        weeks = range(index - CLOSURE_AROUND, min(index + CLOSURE_AROUND + 1, CLOSURE_WEEKS))
        around = sorted(counts[week] for week in weeks)
        usual = around[len(around) // 2]
        shares.append(counts[index] / usual if usual >= CLOSURE_MIN_WEEKLY else 1.0)
    shares.insert(0, shares[0])  # the week before the first: unknown, as the first
    return tuple(
        shares[index]
        if shares[index] < CLOSURE_SHARE and min(shares[index - 1], shares[index + 1]) < CLOSURE_NEIGHBOUR_SHARE
        else 1.0
        for index in range(1, CLOSURE_WEEKS + 1)
    )


# ---------------------------------------------------------------------- lateness curves


def _index(days_late) -> int:
    return min(max(days_late, LATENESS_MIN), LATENESS_MAX) - LATENESS_MIN


def base_hazards() -> list:
    """The daily chance of payment where nobody's history says anything: low before the due date, then fading with
    age."""
    return [
        BASE_EARLY_HAZARD if days < 0 else BASE_HAZARD / (1 + days / BASE_HAZARD_DAYS) ** BASE_HAZARD_FADE
        for days in range(LATENESS_MIN, LATENESS_MAX + 1)
    ]


def hazards(payments, unpaid, prior, shrink) -> list:
    """The daily chance of payment of an invoice still unpaid at each lateness: ``payments`` and ``unpaid`` (open
    items) are ``observed`` invoices; ``prior`` the chances mixed in with the weight of ``shrink`` invoices at risk
    each day (the weight that dominates where the history is thin). Past the last day the history says anything
    of, the chances are the prior's."""
    raw = Counter()
    for days, weight, _since in payments:
        raw[_index(days)] += weight
    half = kernel_half_width(payments)
    ends = [index + half + 1 for index in raw] + [_index(days) + 1 for days, _weight, _since in unpaid]
    top = min(GRID, max(ends, default=0))
    entering = [0.0] * (top + 1)  # change in the invoices at risk, other than paid ones leaving when paid
    for _days, weight, since in payments:
        if since > LATENESS_MIN:  # not seen before the history starts
            entering[0] -= weight
            entering[_index(since)] += weight
    for days, weight, since in unpaid:
        start, end = _index(since) if since > LATENESS_MIN else 0, _index(days)
        if start < end:  # at risk from the start of the history until its age now
            entering[start] += weight
            entering[end] -= weight
    events = smoothed(raw, half, top)
    paid_later = list(accumulate(reversed(events)))[::-1]
    return [
        (event + shrink * chance) / ((risk if (risk := later + other) > event else event) + shrink)
        for event, chance, later, other in zip(events, prior, paid_later, accumulate(entering), strict=False)
    ] + prior[top:]


def smoothed(raw, half, size) -> list:
    """The payments ``{index: weight}`` spread by a triangle of half-width ``half`` over the first ``size`` days of
    the lateness grid (what falls before or after the grid, on its ends)."""
    kernel = [half + 1 - abs(offset) for offset in range(-half, half + 1)]
    total = sum(kernel)
    kernel = [share / total for share in kernel]
    events = [0.0] * size
    for index, weight in raw.items():
        first, last = index - half, index + half + 1
        start, end = max(first, 0), min(last, size)
        shares = kernel[start - first : end - first]
        events[start:end] = [event + weight * share for event, share in zip(events[start:end], shares, strict=True)]
        events[0] += weight * sum(kernel[: start - first])
        events[-1] += weight * sum(kernel[end - first :])
    return events


def kernel_half_width(payments) -> int:
    """How far one payment's lateness spreads: Silverman's bandwidth of the payments (the spread of the middle
    half, so that one dispute does not widen it), as a triangle's half-width."""
    days = sorted(days for days, _weight, _since in payments)
    if len(days) < 2:
        return KERNEL_MAX_DAYS if days else KERNEL_MIN_DAYS
    count = len(days)
    mean = sum(days) / count
    deviation = math.sqrt(max(0.0, sum(day * day for day in days) / count - mean * mean))
    quarter = count // 4
    middle = (days[-1 - quarter] - days[quarter]) / 1.34 if quarter else deviation
    bandwidth = 1.06 * min(deviation, middle or deviation) * count**-0.2
    return round(min(max(bandwidth * 2.45, KERNEL_MIN_DAYS), KERNEL_MAX_DAYS))


def survival(hazard) -> list:
    """``survival[i]``: the probability that an invoice is still unpaid at the end of lateness ``i`` (its last
    value: never paid)."""
    return list(accumulate(map(partial(sub, 1.0), hazard), mul))  # each chance is at most 1: events are at risk


class Curves:
    """The survival curves of the company and of each customer, built once per forecast from ``habits`` and the
    ages of the open items."""

    def __init__(self, habits, items):
        self.as_of = habits.as_of
        self.unpaid = defaultdict(list)
        since = habits.since or habits.as_of
        for item in items:
            self.unpaid[item.partner].append(observed(item.due, habits.as_of, habits.as_of, since))
        self.habits = habits
        self.company_hazards = hazards(*self._company_rows(), base_hazards(), COMPANY_SHRINK)
        self.company = survival(self.company_hazards)
        self.by_partner = {}

    def _company_rows(self):
        """Every customer's payments and open items, a customer weighing ``n ** BIG_CUSTOMER_WEIGHT``."""
        payments, unpaid = [], []
        for partner in set(self.habits.by_partner) | set(self.unpaid):
            own, still = self.habits.by_partner.get(partner, ()), self.unpaid.get(partner, ())
            scale = (len(own) + len(still)) ** (BIG_CUSTOMER_WEIGHT - 1)
            payments += [(days, weight * scale, since) for days, weight, since in own]
            unpaid += [(days, weight * scale, since) for days, weight, since in still]
        return payments, unpaid

    def of(self, partner) -> list:
        """The survival curve of ``partner``: its own history shrunk toward the company's."""
        if partner not in self.by_partner:
            own, still = self.habits.by_partner.get(partner), self.unpaid.get(partner, ())
            if not own and not still:
                self.by_partner[partner] = self.company
            else:
                curve = survival(hazards(own or (), still, self.company_hazards, CUSTOMER_SHRINK))
                self.by_partner[partner] = curve
        return self.by_partner[partner]


def unpaid_after(curve, days_late) -> float:
    """The probability that an invoice is still unpaid after ``days_late`` days late."""
    if days_late < LATENESS_MIN:
        return 1.0
    return curve[min(days_late, LATENESS_MAX) - LATENESS_MIN]


# ---------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class Slots:
    """Where the money can land: ``days[k]`` a payment day receiving the invoices whose lateness curve says "paid"
    from ``starts[k]`` (included) to ``starts[k + 1]``; ``weeks[k]`` its forecast week."""

    starts: tuple
    days: tuple
    weeks: tuple


def working_slots(as_of, weeks) -> Slots:
    """One slot per forecast week; a weekend's money counts on the Monday after."""
    starts = []
    for index in range(weeks + 1):
        start = as_of + timedelta(days=7 * index)
        while business_day(start - timedelta(days=1)) >= as_of + timedelta(days=7 * index):
            start -= timedelta(days=1)
        starts.append(start)
    return Slots(tuple(starts), tuple(starts[:-1]), tuple(range(weeks)))


def run_day(year, month, key) -> date:
    """The working day of a payment run ``key`` (``MONTH_END`` or a day of the month) in a month."""
    first_next = date(year + month // 12, month % 12 + 1, 1)
    day = first_next - timedelta(days=1) if key == MONTH_END else date(year, month, key)
    return business_day(day)


def run_slots(as_of, runs) -> Slots:
    """One slot per payment run (``runs``: days of the month, or a ``cycle``) from the one before ``as_of`` on; an
    invoice ready between two runs is paid on the nearer one."""
    if runs[0] == CYCLE:
        _cycle, period, phase = runs
        first = as_of.toordinal() - 2 * period
        first += (phase - first) % period
        last = as_of.toordinal() + RUN_MONTHS * 31
        days = [date.fromordinal(ordinal) for ordinal in range(first, last, period)]
    else:
        days = sorted(
            {
                run_day(as_of.year + (as_of.month - 2 + offset) // 12, (as_of.month - 2 + offset) % 12 + 1, key)
                for offset in range(RUN_MONTHS + 2)
                for key in runs
            }
        )
    starts = [days[0] - timedelta(days=31)]
    starts += [before + (after - before) // 2 + timedelta(days=1) for before, after in pairwise(days)]
    starts.append(days[-1] + timedelta(days=16))
    first = bisect_left(days, as_of)
    return Slots(tuple(starts[first:]), tuple(days[first:]), tuple((day - as_of).days // 7 for day in days[first:]))


# ---------------------------------------------------------------------- forecast


def still_paying(customer, as_of) -> float:
    """The chance that a customer owing overdue money still pays, from its ``PaymentDays`` (one that never paid:
    nothing to tell)."""
    if customer.last is None:
        return 1.0
    silence = (as_of - customer.last).days - SILENCE_GAPS * customer.gap
    return 0.5 ** (silence / customer.gap) if silence > 0 else 1.0


class Forecaster:
    """Forecasts the open items of one as-of date: the curves and calendars are built once and shared."""

    def __init__(self, habits, items, as_of, weeks):
        self.habits, self.as_of, self.weeks = habits, as_of, weeks
        self.curves = Curves(habits, items if habits.open_items is None else habits.open_items)
        self.working = working_slots(as_of, weeks)
        self.run_calendars = {}
        self.closures = tuple(habits.closures[:weeks]) + (1.0,) * max(0, weeks - len(habits.closures))
        self.closing = any(factor < 1.0 for factor in self.closures)
        self.cache = {}
        self.horizons = {}
        self.owing = {
            item.partner for item in (items if habits.open_items is None else habits.open_items) if item.due < as_of
        }

    def horizon(self, slots) -> tuple:
        """``(offsets, weeks)`` of the slots within the horizon: each start's days after the first, with one more
        (the end of the last slot), and each slot's week."""
        if id(slots) not in self.horizons:
            count = sum(1 for week in slots.weeks if week < self.weeks)
            offsets = tuple((start - slots.starts[0]).days for start in slots.starts[: count + 1])
            self.horizons[id(slots)] = (offsets, slots.weeks[:count])
        return self.horizons[id(slots)]

    def paying(self, partner) -> float:
        """The chance that ``partner`` still pays (1 unless it owes overdue money)."""
        return still_paying(self.habits.customer(partner), self.as_of) if partner in self.owing else 1.0

    def slots(self, partner) -> Slots:
        """Where ``partner``'s money can land: its payment runs, or any working day."""
        runs = self.habits.customer(partner).runs
        if not runs:
            return self.working
        if runs not in self.run_calendars:
            self.run_calendars[runs] = run_slots(self.as_of, runs)
        return self.run_calendars[runs]

    def habit(self, partner, due):
        """Probabilities per week of an item of ``partner`` due on ``due``, by the customer's habit."""
        key = (partner, due)
        if key not in self.cache:
            curve, slots = self.curves.of(partner), self.slots(partner)
            offsets, weeks = self.horizon(slots)
            first = (slots.starts[0] - due).days - 1 - LATENESS_MIN  # the curve's index before the first slot
            if first >= 0 and first + offsets[-1] < GRID:
                after = [curve[first + offset] for offset in offsets]
            else:
                after = [1.0 if index < 0 else curve[min(index, GRID - 1)] for index in (first + o for o in offsets)]
            probabilities = [0.0] * self.weeks
            if after[0] > 0:
                for before, later, week in zip(after, after[1:], weeks, strict=False):
                    probabilities[week] += (before - later) / after[0]
            if self.closing:
                probabilities = self.closed(probabilities)
            paying = self.paying(partner)
            self.cache[key] = [probability * paying for probability in probabilities] if paying < 1 else probabilities
        return self.cache[key]

    def closed(self, probabilities) -> list:
        """A closure week keeps its share of the money; the rest comes in the weeks after."""
        carried = 0.0
        for index, factor in enumerate(self.closures):
            money = probabilities[index] + carried
            probabilities[index] = money * factor
            carried = money - probabilities[index]
        return probabilities

    def paid_by(self, partner, due, chance) -> date | None:
        """The day by which an item of ``partner`` due on ``due`` is paid with probability ``chance`` by the
        habit; None when it is more likely to stay unpaid."""
        paying = self.paying(partner)
        if paying <= 0:
            return None
        chance /= paying
        curve, slots = self.curves.of(partner), self.slots(partner)
        unpaid = unpaid_after(curve, (slots.starts[0] - due).days - 1)
        target = unpaid * (1 - chance)
        if unpaid <= 0 or chance > 1 or curve[-1] > target:
            return None
        index = bisect_left(curve, -target, key=lambda value: -value)
        ready = due + timedelta(days=LATENESS_MIN + index)
        if slots is self.working:
            day = business_day(ready)
        else:
            day = slots.days[min(max(0, bisect_right(slots.starts, ready) - 1), len(slots.days) - 1)]
        return self.reopened(max(day, self.as_of))

    def reopened(self, day) -> date:
        """A day in a closure week moves to the first day after the closure."""
        week = (day - self.as_of).days // 7
        closures = self.habits.closures
        while week < len(closures) and closures[week] < 1.0:
            week += 1
            day = self.as_of + timedelta(days=7 * week)
        return day

    def expected_date(self, item, kept) -> date | None:
        """The day by which the item is paid with even odds: ``kept`` of it on its promised date (if any), the rest
        by the habit."""
        if not item.override:
            return self.paid_by(item.partner, item.due, EXPECTED_SHARE)
        promised = max(item.override, self.as_of)
        if 1 - kept >= EXPECTED_SHARE:
            before = self.paid_by(item.partner, item.due, EXPECTED_SHARE / (1 - kept))
            if before is not None and before < promised:
                return before
        if kept >= EXPECTED_SHARE:
            return promised
        after = self.paid_by(item.partner, item.due, (EXPECTED_SHARE - kept) / (1 - kept))
        return None if after is None else max(after, promised)

    def item(self, item) -> ItemForecast:
        """The item's forecast: the habit's, with a promise's or an instalment's kept share on its date."""
        customer = self.habits.customer(item.partner)
        probabilities = self.habit(item.partner, item.due)
        kept = 0.0
        if item.override:
            kept = self.habits.kept.get(item.override_kind or PROMISE, DEFAULT_KEPT[PROMISE])
            probabilities = [probability * (1 - kept) for probability in probabilities]
            if (week := forecast.week_index(max(item.override, self.as_of), self.as_of)) < self.weeks:
                probabilities[week] += kept
        expected = self.expected_date(item, kept)
        uncertain = HABIT_ERROR / math.sqrt(1 + customer.count)
        weeks = tuple(probabilities)
        return ItemForecast(item.ref, item.partner, item.amount, weeks, expected, customer.together, uncertain)


def forecast_items(items, habits, as_of, weeks=forecast.FORECAST_WEEKS):
    """``ItemForecast`` of each ``OpenItem`` as of ``as_of``."""
    items = list(items)
    forecaster = Forecaster(habits, items, as_of, weeks)
    return [forecaster.item(item) for item in items]
