"""KPI formulas of the founder dashboard, one function per KPI.

The ORM layer aggregates the inputs set-based (per company and period, in company currency) and calls these
functions; keeping the arithmetic here makes every formula readable and testable without a database. Each
docstring gives the formula and the choices made where the usual definitions differ. The figures are named,
labelled and formatted by the registry in ``engine/kpi_definitions.py``.

Conventions:

- inputs are plain numbers, dates, sets or sequences; ``None`` stands for a missing input (e.g. marketing spend
  that was never entered) and makes the result ``None``;
- a zero, missing or meaningless denominator gives ``None`` (the dashboard shows "—"), never an exception and
  never a made-up 0;
- results are unrounded floats; ratios are fractions (0.25 is 25 %), except the CEI, which by its Credit Research
  Foundation definition is an index on a 0-100 scale;
- money is signed as in Odoo's company-currency fields: revenue and receivables positive, credit notes negative.
"""

import functools
import math
import statistics

MIN_LATENESS_HISTORY = 3
MIN_ABNORMAL_MARGIN_DAYS = 7
IMMEDIATE_TERM_THRESHOLD_DAYS = 30


def _ratio(numerator, denominator):
    """``numerator / denominator`` as a float; ``None`` when either is ``None`` or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _positive_ratio(numerator, denominator):
    """Like ``_ratio`` but also ``None`` when the denominator is negative, for denominators that must be > 0."""
    if denominator is None or denominator <= 0:
        return None
    return _ratio(numerator, denominator)


def _weighted_mean(values, weights):
    """Mean of ``values`` weighted by ``weights`` (plain mean without weights); ``None`` unless total weight > 0."""
    values = list(values)
    if weights is None:
        weights = [1.0] * len(values)
    weights = list(weights)
    return _positive_ratio(math.fsum(v * w for v, w in zip(values, weights, strict=True)), math.fsum(weights))


# Profitability


def net_profit(revenue, expenses):
    """Net profit = revenue - expenses (all costs, including cost of revenue and other expenses).

    Negative for a loss; ``None`` when either input is missing.
    """
    if revenue is None or expenses is None:
        return None
    return float(revenue - expenses)


def share(part, whole):
    """``part / whole`` as a fraction, e.g. overdue AR ÷ AR or promises kept ÷ promises due; ``None`` unless the
    whole is positive: receivables that are net negative (more open credits than invoices) have no overdue share,
    and a ratio over them would be a made-up number (-1154 %)."""
    return _positive_ratio(part, whole)


# Receivables and collections


def dso(receivables, credit_sales, days):
    """Days sales outstanding = receivables at period end ÷ credit sales of the period x days in the period.

    Credit sales are tax included (``amount_total_signed`` of customer invoices minus credit notes), because
    receivables include tax. ``None`` when credit sales ≤ 0: with no net sales (or more credit notes than
    invoices) there are no sales days to express the receivables in.
    """
    if days is None:
        return None
    ratio = _positive_ratio(receivables, credit_sales)
    return None if ratio is None else ratio * days


def cei(opening_receivables, credit_sales, closing_receivables, closing_current_receivables, months):
    """Collection effectiveness index, Credit Research Foundation form, on a 0-100 scale.

    CEI = (opening + credit sales ÷ N - closing) ÷ (opening + credit sales ÷ N - closing current) x 100, where N is
    the number of months in the period (1 for a monthly CEI), opening = receivables the day before the period,
    closing = receivables at the last day and closing current = the part of them not yet due. ``None`` when N ≤ 0
    or the denominator ≤ 0 (nothing was collectible).
    """
    inputs = (opening_receivables, credit_sales, closing_receivables, closing_current_receivables, months)
    if None in inputs or months <= 0:
        return None
    collectible = opening_receivables + credit_sales / months
    ratio = _positive_ratio(collectible - closing_receivables, collectible - closing_current_receivables)
    return None if ratio is None else ratio * 100


def days_to_pay(invoice_date, paid_date):
    """Days from the invoice date to the payment date; 0 for an advance payment (paid before the invoice)."""
    return max(0, (paid_date - invoice_date).days)


def average_days_to_pay(pairs, weights=None):
    """Mean ``days_to_pay`` over ``(invoice_date, paid_date)`` pairs of paid invoices.

    With ``weights`` (the invoices' ``amount_total_signed``) the mean is weighted by amount, as credit
    practice recommends, so that a large invoice paid late weighs more than a small one. ``None`` on no pairs or a total
    weight ≤ 0.
    """
    return _weighted_mean((days_to_pay(issued, paid) for issued, paid in pairs), weights)


def is_abnormally_pending(
    days_overdue,
    past_lateness,
    payment_term_days,
    *,
    min_margin_days=MIN_ABNORMAL_MARGIN_DAYS,
    immediate_threshold_days=IMMEDIATE_TERM_THRESHOLD_DAYS,
):
    """Whether an open invoice has been overdue abnormally long for its customer.

    ``past_lateness`` holds the customer's days paid after the due date (negative when early) on its last paid
    invoices; the caller picks how many (10 to 30 is usual). An invoice that is not overdue is never
    abnormal. With at least ``MIN_LATENESS_HISTORY`` (3) of them, the invoice is abnormal when
    days overdue > mean + max(2 x sample standard deviation, ``min_margin_days``):

    - the sample deviation (n - 1) is used, like Odoo's own bell-curve check on vendor bills (``STDDEV_SAMP`` in
      ``account_move._compute_abnormal_warnings``); on 3 to 30 invoices it is the fairer estimate and it flags less;
    - the margin is at least a week: a customer that always paid exactly on time has a deviation of 0 and would
      otherwise be flagged one day after the due date, although paying in the next weekly payment run is normal.

    Without that history: abnormal when days overdue > 2 x the payment term in days. An immediate term
    (0 days, or no term) would make any overdue day abnormal, so ``immediate_threshold_days`` (30, a usual
    company threshold) is used instead.
    """
    if days_overdue is None or days_overdue <= 0:
        return False
    lateness = tuple(value for value in past_lateness or () if value is not None)
    if len(lateness) >= MIN_LATENESS_HISTORY:
        return days_overdue > _lateness_limit(lateness, min_margin_days)
    if payment_term_days is None or payment_term_days <= 0:
        return days_overdue > immediate_threshold_days
    return days_overdue > 2 * payment_term_days


@functools.lru_cache(maxsize=4096)
def _lateness_limit(lateness, min_margin_days):
    """Mean lateness + margin; cached, as all the open invoices of a customer share its history."""
    return statistics.fmean(lateness) + max(2 * statistics.stdev(lateness), min_margin_days)


# Cash


def net_burn(monthly_net_operating_outflows, months=3):
    """Net burn per month: mean of the last ``months`` (3) monthly net operating cash outflows.

    The list runs oldest to newest, one value per full month: operating cash out - operating cash in, so a
    positive value means burning. The caller leaves out financing inflows (a fund-raise, a loan) and internal
    transfers. With fewer months, the mean of those there are; ``None`` for an empty list. Unlike the textbook
    form, which clamps at 0, a negative result is kept: it says how much cash the business generates, and
    ``runway_months`` treats it as "not burning".
    """
    recent = list(monthly_net_operating_outflows)[-months:] if months > 0 else []
    return mean(recent)


def runway_months(cash, burn):
    """Runway = cash ÷ net burn, in months.

    ``None`` when burn is ``None`` or ≤ 0: the business is not burning cash, so runway is unbounded and the UI
    says "not burning" instead of a number. Cash ≤ 0 while burning gives 0.0: no runway left.
    """
    if cash is None or burn is None or burn <= 0:
        return None
    return max(cash, 0) / burn


# Customers and sales


def aov(untaxed_revenue, invoice_count):
    """Average order value = untaxed invoiced revenue ÷ number of invoices.

    Credit notes reduce the revenue (their amounts are negative) but are not counted as orders, unlike Odoo's
    invoicing dashboard, whose count includes them and so understates the average. ``None`` when the count ≤ 0.
    """
    return _positive_ratio(untaxed_revenue, invoice_count)


def retention(previous_customers, current_customers):
    """Customer retention = |customers active in both periods| ÷ |customers active in the previous period|.

    Computed on the sets of customer ids, so reactivated and new customers do not inflate it as the textbook
    (end - new) ÷ start does. ``None`` when the previous period had no customers.
    """
    previous = set(previous_customers)
    return _ratio(len(previous & set(current_customers)), len(previous))


# Acquisition


def cac(marketing_spend, new_customers):
    """Customer acquisition cost = sales and marketing spend ÷ new customers.

    ``None`` when no spend was recorded (the card then asks for it) or there are no new customers.
    """
    return _positive_ratio(marketing_spend, new_customers)


def win_rate(won, lost):
    """Win rate = won ÷ (won + lost) opportunities closed in the period; ``None`` when none closed."""
    if won is None or lost is None:
        return None
    return _positive_ratio(won, won + lost)


# People


def average_headcount(headcount_start, headcount_end):
    """(Headcount at the start + headcount at the end) ÷ 2; ``None`` if either is missing."""
    if headcount_start is None or headcount_end is None:
        return None
    return (headcount_start + headcount_end) / 2


def employee_turnover(leavers, headcount_start, headcount_end):
    """Employee turnover = leavers in the period ÷ average headcount; ``None`` when the average ≤ 0."""
    return _positive_ratio(leavers, average_headcount(headcount_start, headcount_end))


def employee_retention(headcount_start, starters_who_left):
    """Employee retention = (headcount at the start - those of them who left in the period) ÷ headcount at the start.

    People hired during the period and gone by its end do not count. ``None`` when the start headcount ≤ 0.
    """
    if headcount_start is None or starters_who_left is None:
        return None
    return _positive_ratio(headcount_start - starters_who_left, headcount_start)


# Comparisons


def mean(values):
    """Arithmetic mean, skipping ``None`` values; ``None`` when nothing is left."""
    present = [value for value in values if value is not None]
    return statistics.fmean(present) if present else None


def delta(current, previous):
    """``(current - previous, relative change)``.

    The relative change is divided by ``|previous|`` so its sign always follows the difference (a loss shrinking
    from -100 to -50 is +50 %). It is ``None`` when previous is 0 or ``None``; the difference is ``None`` when
    either value is.
    """
    if current is None or previous is None:
        return None, None
    difference = float(current - previous)
    return difference, _ratio(difference, abs(previous))


def trend_is_good(current, previous, higher_is_better):
    """True when the value moved the good way, False when it moved the bad way, ``None`` if unchanged or unknown."""
    if current is None or previous is None or current == previous:
        return None
    return (current > previous) == bool(higher_is_better)
