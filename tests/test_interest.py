from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from founder_backoffice.engine import interest

RATES = {
    date(2025, 7, 1): Decimal("2.15"),
    date(2026, 1, 1): Decimal("4.50"),
    date(2026, 7, 1): Decimal("4.25"),
}
DUE = date(2026, 3, 1)


def test_half_year_start():
    assert interest.half_year_start(date(2026, 6, 30)) == date(2026, 1, 1)
    assert interest.half_year_start(date(2026, 7, 1)) == date(2026, 7, 1)
    assert interest.half_year_start(date(2026, 12, 31)) == date(2026, 7, 1)


def test_45_days_late_within_one_half_year():
    # 1000 x (4.50 + 8) % x 45 / 365 = 15.4109... -> 15.41
    assert interest.statutory_interest(Decimal("1000.00"), DUE, DUE + timedelta(days=45), RATES) == Decimal("15.41")


def test_delay_crossing_1_july_is_split_at_each_rate():
    # 16-30 June: 1000 x 12.50 % x 15 / 365 = 5.1370; 1-15 July: 1000 x 12.25 % x 15 / 365 = 5.0342; 10.1712 -> 10.17
    segments = interest.interest_segments(1000, date(2026, 6, 15), date(2026, 7, 15), RATES)
    assert [(s.start, s.end, s.days, s.rate) for s in segments] == [
        (date(2026, 6, 16), date(2026, 6, 30), 15, Decimal("12.50")),
        (date(2026, 7, 1), date(2026, 7, 15), 15, Decimal("12.25")),
    ]
    assert interest.statutory_interest(1000, date(2026, 6, 15), date(2026, 7, 15), RATES) == Decimal("10.17")


def test_delay_crossing_1_january_uses_the_previous_years_second_half():
    # 21-31 Dec 2025: 1000 x 10.15 % x 11 / 365 = 3.0589; 1-10 Jan 2026: 1000 x 12.50 % x 10 / 365 = 3.4247
    # 6.4836 -> 6.48
    segments = interest.interest_segments(1000, date(2025, 12, 20), date(2026, 1, 10), RATES)
    assert [(s.days, s.rate) for s in segments] == [(11, Decimal("10.15")), (10, Decimal("12.50"))]
    assert interest.statutory_interest(1000, date(2025, 12, 20), date(2026, 1, 10), RATES) == Decimal("6.48")


def test_leap_years_still_count_365_days():
    # 29 Feb 2028 included: 1000 x 10 % x 366 / 365 = 100.2740 -> 100.27
    rates = {date(2028, 1, 1): 2, date(2028, 7, 1): 2}
    assert interest.statutory_interest(1000, date(2027, 12, 31), date(2028, 12, 31), rates) == Decimal("100.27")


@pytest.mark.parametrize("as_of", [DUE, DUE - timedelta(days=1), DUE - timedelta(days=30)])
def test_nothing_before_or_on_the_due_date(as_of):
    assert interest.interest_segments(1000, DUE, as_of, RATES) == []
    assert interest.statutory_interest(1000, DUE, as_of, RATES) == 0


@pytest.mark.parametrize("amount", [0, -1000, "-0.01"])
def test_nothing_on_non_positive_amounts(amount):
    assert interest.statutory_interest(amount, DUE, DUE + timedelta(days=45), RATES) == 0


def test_missing_rate_names_the_half_year():
    with pytest.raises(interest.MissingRateError, match="2027-01-01") as info:
        interest.statutory_interest(1000, date(2026, 12, 20), date(2027, 1, 10), RATES)
    assert info.value.period_start == date(2027, 1, 1)
    assert isinstance(info.value, ValueError)


def test_margin_is_configurable():
    # 1000 x (4.50 + 0) % x 45 / 365 = 5.5479 -> 5.55
    as_of = DUE + timedelta(days=45)
    assert interest.statutory_interest(1000, DUE, as_of, RATES, margin=Decimal(0)) == Decimal("5.55")


def test_rounding_quantum_is_configurable():
    # 15.4109... to a multiple of 0.05 -> 15.40
    as_of = DUE + timedelta(days=45)
    assert interest.statutory_interest(1000, DUE, as_of, RATES, rounding=Decimal("0.05")) == Decimal("15.40")


YEARS = range(2020, 2032)  # covers due_dates plus the longest delay drawn (800 days)
ALL_RATES = {date(year, month, 1): Decimal("3.10") for year in YEARS for month in (1, 7)}
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2)
due_dates = st.dates(min_value=date(2021, 1, 1), max_value=date(2028, 12, 31))


def total(segments):
    return sum((segment.interest for segment in segments), Decimal(0))


def assert_close(actual, expected):
    assert abs(actual - expected) <= Decimal("1e-18") * max(abs(expected), Decimal(1))


@settings(max_examples=200)
@given(amount=amounts, due=due_dates, days=st.integers(min_value=-800, max_value=0))
def test_zero_for_non_positive_days(amount, due, days):
    assert interest.statutory_interest(amount, due, due + timedelta(days=days), ALL_RATES) == 0


@settings(max_examples=200)
@given(amount=amounts, due=due_dates, days=st.integers(min_value=1, max_value=800), k=st.integers(2, 1000))
def test_linear_in_the_amount(amount, due, days, k):
    as_of = due + timedelta(days=days)
    single = total(interest.interest_segments(amount, due, as_of, ALL_RATES))
    assert_close(total(interest.interest_segments(amount * k, due, as_of, ALL_RATES)), single * k)


@settings(max_examples=200)
@given(amount=amounts, days=st.integers(min_value=1, max_value=181))
def test_linear_in_days_within_a_half_year(amount, days):
    due = date(2025, 12, 31)  # H1 2026 runs 1 January to 30 June: 181 days
    one_day = total(interest.interest_segments(amount, due, due + timedelta(days=1), RATES))
    assert_close(total(interest.interest_segments(amount, due, due + timedelta(days=days), RATES)), one_day * days)


@settings(max_examples=200)
@given(
    amount=st.decimals(min_value=-1000, max_value=1000000, places=2),
    due=due_dates,
    days=st.integers(min_value=-400, max_value=800),
    reference=st.decimals(min_value=0, max_value=10, places=2),
)
def test_never_negative(amount, due, days, reference):
    rates = dict.fromkeys(ALL_RATES, reference)
    assert interest.statutory_interest(amount, due, due + timedelta(days=days), rates) >= 0


def _chargeable(key, **values):
    return interest.Chargeable(key=key, residual=Decimal("1000.00"), due_date=DUE, **values)


def test_charges_due_less_what_was_already_charged_never_below_zero():
    as_of = DUE + timedelta(days=52)  # 1000 x 12.5 % x 52 / 365 = 17.81
    due = interest.charges_due(
        [_chargeable("a", already_charged=15.41), _chargeable("b", already_charged=20.0), _chargeable("c")],
        as_of,
        RATES,
    )
    assert due == {
        "a": (Decimal("2.40"), Decimal(0)),
        "b": (Decimal(0), Decimal(0)),
        "c": (Decimal("17.81"), Decimal(0)),
    }


def test_compensation_once_per_invoice_never_for_instalments_nor_charges_invoices():
    as_of = DUE + timedelta(days=45)
    items = [
        _chargeable("first instalment", invoice=1, compensation=40),
        _chargeable("second instalment", invoice=1, compensation=40),
        _chargeable("compensated before", invoice=2, compensation=40),
        _chargeable("plan instalment", compensation=40),
        _chargeable("charges invoice", invoice=3, compensation=40, charges_invoice=True),
    ]
    due = interest.charges_due(items, as_of, RATES, compensated_invoices={2})
    assert {key: compensation for key, (_interest, compensation) in due.items()} == {
        "first instalment": Decimal(40),
        "second instalment": Decimal(0),
        "compensated before": Decimal(0),
        "plan instalment": Decimal(0),
        "charges invoice": Decimal(0),
    }
    assert due["first instalment"][0] == Decimal("15.41")
    assert due["charges invoice"] == (Decimal(0), Decimal(0))


def test_charges_due_without_a_rate_raises():
    with pytest.raises(interest.MissingRateError):
        interest.charges_due([_chargeable("a")], date(2027, 3, 1), RATES)
