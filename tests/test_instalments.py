from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from founder_backoffice.engine import instalments
from founder_backoffice.engine.money import round_to

D = Decimal


def test_split_1000_in_3():
    assert instalments.split_amount(D("1000.00"), 3) == [D("333.33"), D("333.33"), D("333.34")]


def test_split_with_a_005_rounding():
    # 100.00 / 3 = 33.333... -> 33.35 (666.67 steps of 0.05, half up); 100.00 - 2 x 33.35 = 33.30
    assert instalments.split_amount(100, 3, D("0.05")) == [D("33.35"), D("33.35"), D("33.30")]


def test_split_in_one_is_the_total():
    assert instalments.split_amount(1000.5, 1) == [D("1000.5")]


@pytest.mark.parametrize(
    ("total", "count", "rounding"),
    [(1000, 0, "0.01"), (0, 3, "0.01"), (-100, 3, "0.01"), ("100.03", 3, "0.05"), ("0.15", 10, "0.01")],
)
def test_split_rejects_bad_plans(total, count, rounding):
    with pytest.raises(ValueError):
        instalments.split_amount(total, count, D(rounding))


def test_monthly_dates_clamp_to_the_month_end_without_drifting():
    assert instalments.schedule_dates(date(2027, 1, 31), 4, "monthly") == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]
    assert instalments.schedule_dates(date(2028, 1, 31), 2, "monthly")[1] == date(2028, 2, 29)


def test_quarterly_dates_cross_the_year():
    assert instalments.schedule_dates(date(2026, 11, 30), 3, "quarterly") == [
        date(2026, 11, 30),
        date(2027, 2, 28),
        date(2027, 5, 30),
    ]


def test_weekly_and_biweekly_dates():
    assert instalments.schedule_dates(date(2026, 12, 24), 3, "weekly") == [
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 1, 7),
    ]
    assert instalments.schedule_dates(date(2026, 12, 24), 2, "biweekly") == [date(2026, 12, 24), date(2027, 1, 7)]


@pytest.mark.parametrize(("count", "frequency"), [(0, "monthly"), (3, "daily"), (3, "yearly")])
def test_schedule_rejects_bad_plans(count, frequency):
    with pytest.raises(ValueError):
        instalments.schedule_dates(date(2026, 1, 1), count, frequency)


def test_instalment_count_is_bounded_before_any_work():
    assert instalments.MAX_COUNT >= 730 // 7 + 1  # a weekly plan of two years fits
    assert len(instalments.schedule_dates(date(2026, 1, 1), instalments.MAX_COUNT, "weekly")) == instalments.MAX_COUNT
    for count in (instalments.MAX_COUNT + 1, 10**9):
        with pytest.raises(ValueError, match="1 to 120 instalments"):
            instalments.split_amount(10**12, count)
        with pytest.raises(ValueError, match="1 to 120 instalments"):
            instalments.schedule_dates(date(2026, 1, 1), count, "weekly")


@pytest.mark.parametrize("frequency", instalments.FREQUENCIES)
def test_schedule_past_the_end_of_the_calendar_is_a_value_error(frequency):
    with pytest.raises(ValueError):
        instalments.schedule_dates(date(9999, 12, 1), 10, frequency)


def test_allocate_500_over_a_1000_plan():
    plan = [D("333.33"), D("333.33"), D("333.34")]
    assert instalments.allocate_payments(plan, 500) == [(D("333.33"), "paid"), (D("166.67"), "partial"), (0, "open")]


def test_allocate_caps_an_overpayment_at_the_plan_total():
    plan = [D("333.33"), D("333.33"), D("333.34")]
    assert instalments.allocate_payments(plan, 1200) == [(amount, "paid") for amount in plan]


def test_allocate_nothing_paid():
    assert instalments.allocate_payments([50, 50], 0) == [(0, "open"), (0, "open")]


@pytest.mark.parametrize(("amounts", "paid"), [([100, 0], 50), ([100, -10], 50), ([100], -1)])
def test_allocate_rejects_bad_input(amounts, paid):
    with pytest.raises(ValueError):
        instalments.allocate_payments(amounts, paid)


QUANTA = [D("0.01"), D("0.05"), D("1"), D("0.001")]
counts = st.integers(min_value=1, max_value=60)


@settings(max_examples=200)
@given(units=st.integers(min_value=1, max_value=10**11), count=counts, quantum=st.sampled_from(QUANTA))
def test_split_sums_to_the_total_in_equal_multiples(units, count, quantum):
    total = units * quantum
    try:
        parts = instalments.split_amount(total, count, quantum)
    except ValueError:
        assert units < count * count  # only a total of a few quanta per instalment can be too small
        return
    assert len(parts) == count
    assert sum(parts) == total
    assert all(part > 0 and round_to(part, quantum) == part for part in parts)
    assert len(set(parts[:-1])) <= 1


@settings(max_examples=200)
@given(
    units=st.integers(min_value=100, max_value=10**9),
    count=counts,
    paid_units=st.integers(min_value=0, max_value=2 * 10**9),
    quantum=st.sampled_from(QUANTA),
)
def test_allocation_covers_min_of_paid_and_total_in_order(units, count, paid_units, quantum):
    total = units * count * quantum
    paid = paid_units * quantum
    allocation = instalments.allocate_payments(instalments.split_amount(total, count, quantum), paid, quantum)
    assert sum(part for part, _state in allocation) == min(paid, total)
    states = [state for _part, state in allocation]
    assert states == sorted(states, key=["paid", "partial", "open"].index)
    assert states.count("partial") <= 1
