from datetime import date

import pytest

from founder_backoffice.engine import statements
from founder_backoffice.engine.statements import Customer


@pytest.mark.parametrize("day", [0, 1, 15, 28])
def test_valid_statement_days(day):
    assert statements.is_valid_day(day)
    assert statements.check_day(day) == day


@pytest.mark.parametrize("day", [-1, 29, 31, 1.5, "5", None, True])
def test_a_day_some_month_lacks_or_not_a_whole_day_is_refused(day):
    assert not statements.is_valid_day(day)
    with pytest.raises(ValueError, match="from 1 to 28"):
        statements.check_day(day)


@pytest.mark.parametrize(
    ("day", "today", "expected"),
    [
        (5, date(2026, 12, 4), None),  # the day has not come
        (5, date(2026, 12, 5), date(2026, 12, 1)),  # the day itself
        (5, date(2026, 12, 31), date(2026, 12, 1)),  # a later run of the same month catches up
        (28, date(2027, 2, 28), date(2027, 2, 1)),  # the last day February has
        (1, date(2027, 1, 1), date(2027, 1, 1)),
        (0, date(2026, 12, 31), None),  # off
    ],
)
def test_the_month_a_run_sends(day, today, expected):
    assert statements.mailing_month(day, today) == expected


def test_mailing_month_refuses_a_bad_day():
    with pytest.raises(ValueError):
        statements.mailing_month(30, date(2026, 12, 31))


@pytest.mark.parametrize(
    ("customer", "reason"),
    [
        (Customer(1, 100.0, email="a@example.com"), None),
        (Customer(1, 0.01, email="a@example.com"), None),
        (Customer(1, 0.0, email="a@example.com"), statements.SKIP_NOTHING_OWED),
        (Customer(1, 0.004, email="a@example.com"), statements.SKIP_NOTHING_OWED),  # rounds to nothing
        (Customer(1, -50.0, email="a@example.com"), statements.SKIP_NOTHING_OWED),  # credits cover it
        (Customer(1, 100.0, opted_out=True, email="a@example.com"), statements.SKIP_OPTED_OUT),
        (Customer(1, 100.0, email=None), statements.SKIP_NO_EMAIL),
        (Customer(1, 100.0, email="  "), statements.SKIP_NO_EMAIL),
    ],
)
def test_who_receives_a_statement(customer, reason):
    assert statements.skip_reason(customer) == reason


def test_a_currency_without_cents_rounds_to_its_own_unit():
    assert statements.skip_reason(Customer(1, 0.4, email="a@example.com"), rounding=1) == statements.SKIP_NOTHING_OWED
    assert statements.skip_reason(Customer(1, 0.6, email="a@example.com"), rounding=1) is None


def test_recipients_keep_the_order_and_leave_the_others_out():
    customers = [
        Customer(3, 10.0, email="c@example.com"),
        Customer(1, 0.0, email="a@example.com"),
        Customer(2, 10.0, opted_out=True, email="b@example.com"),
        Customer(4, 5.0, email="d@example.com"),
    ]
    assert statements.recipients(customers) == [3, 4]


def test_once_per_company_customer_and_month():
    key = statements.mailing_key(1, 7, date(2026, 12, 5))
    assert key == statements.mailing_key(1, 7, date(2026, 12, 31))
    assert key != statements.mailing_key(1, 7, date(2027, 1, 5))
    assert key != statements.mailing_key(2, 7, date(2026, 12, 5))
    assert key != statements.mailing_key(1, 8, date(2026, 12, 5))
