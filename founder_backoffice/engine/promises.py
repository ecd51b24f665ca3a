"""Whether a promise to pay was kept or broken, and how long a broken one counts against the customer.

A promise is kept once the payments reconciled on its invoices from the day it was made reach its amount by its
deadline, the promised date plus the grace days of the customer's dunning policy; it is broken once that deadline
has passed without them. A broken promise raises the customer's priority in the collections queue for
``BROKEN_WINDOW_DAYS`` after its promised date: "the last 12 months" of the priority's help.
"""

from datetime import date, timedelta

from .money import CENT, round_to

KEPT = "kept"
BROKEN = "broken"
BROKEN_WINDOW_DAYS = 365


def deadline(promised_date: date, grace_days: int) -> date:
    """The last day a payment still keeps the promise: its date plus the policy's grace days (none without one)."""
    return promised_date + timedelta(days=grace_days or 0)


def outcome(paid, amount, last_day: date, today: date, rounding=CENT):
    """``KEPT``, ``BROKEN`` or None (still open) for a promise of ``amount`` on which ``paid`` was paid by
    ``last_day`` (its ``deadline``), on ``today``; both amounts rounded to the currency's ``rounding`` first, as
    Odoo compares amounts."""
    if round_to(paid, rounding) >= round_to(amount, rounding):
        return KEPT
    if last_day < today:
        return BROKEN
    return None


def broken_window_start(today: date) -> date:
    """A broken promise counts in the queue's priority while its promised date is after this day."""
    return today - timedelta(days=BROKEN_WINDOW_DAYS)
