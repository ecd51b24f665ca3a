from datetime import date
from decimal import Decimal

import pytest

from founder_backoffice.engine import promises

PROMISED = date(2026, 3, 10)


def test_deadline_adds_the_policys_grace_days():
    assert promises.deadline(PROMISED, 5) == date(2026, 3, 15)
    assert promises.deadline(PROMISED, 0) == PROMISED
    assert promises.deadline(PROMISED, None) == PROMISED  # a customer without a policy has no grace


@pytest.mark.parametrize(
    ("paid", "today", "expected"),
    [
        (1000.0, date(2026, 3, 1), promises.KEPT),  # paid in full before the date
        (1200.0, date(2026, 4, 30), promises.KEPT),  # more than promised
        (999.996, date(2026, 4, 30), promises.KEPT),  # equal once rounded to the cent
        (999.99, date(2026, 3, 15), None),  # short by a cent, deadline not passed yet: still open
        (999.99, date(2026, 3, 16), promises.BROKEN),  # the day after the deadline
        (0.0, date(2026, 3, 15), None),  # the deadline day itself still keeps it open
    ],
)
def test_outcome(paid, today, expected):
    assert promises.outcome(paid, 1000.0, date(2026, 3, 15), today) == expected


def test_outcome_rounds_each_amount_before_comparing():
    # 10.004 rounds to 10.00 and 10.005 to 10.01, as Odoo's compare_amounts: not kept, though 0.001 apart
    assert promises.outcome(10.004, 10.005, PROMISED, PROMISED) is None
    # a currency rounded to the unit: 99.6 pays a promise of 100
    assert promises.outcome(99.6, 100, PROMISED, PROMISED, rounding=Decimal(1)) == promises.KEPT


def test_broken_promises_count_for_365_days():
    today = date(2026, 12, 7)
    since = promises.broken_window_start(today)
    assert since == date(2025, 12, 7)
    assert date(2025, 12, 8) > since  # promised 364 days ago: counts
    assert not date(2025, 12, 7) > since  # promised 365 days ago: no longer
    assert promises.BROKEN_WINDOW_DAYS == 365
