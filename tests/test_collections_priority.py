from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from founder_backoffice.engine.agreements import (
    PLAN_MAX_DAYS,
    PROMISE_MAX_DAYS,
    agreed_date_ok,
    plan_dates_ok,
    promise_date_ok,
)
from founder_backoffice.engine.priority import priority_score


def test_known_values():
    # 10 x log10(1001) = 30.004; 40 x 90/180 = 20; 15 x 1 = 15
    assert priority_score(1000.0, 90, 1) == 65.0
    assert priority_score(0.0, 0, 0) == 0.0
    # the age and broken promises are capped: 40 + 45 points at most
    assert priority_score(9.0, 400, 7) == 10.0 + 40.0 + 45.0


amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False)
days = st.integers(min_value=0, max_value=1000)
broken = st.integers(min_value=0, max_value=10)


@settings(max_examples=300)
@given(amounts, amounts, days, broken)
def test_rises_with_the_amount(a, b, d, k):
    low, high = sorted((a, b))
    assert priority_score(low, d, k) <= priority_score(high, d, k)


@settings(max_examples=300)
@given(amounts, days, days, broken)
def test_rises_with_the_days_and_broken_promises(a, d1, d2, k):
    low, high = sorted((d1, d2))
    assert priority_score(a, low, k) <= priority_score(a, high, k)
    assert priority_score(a, d1, k) <= priority_score(a, d1, k + 1)


def test_commitment_dates_are_bounded():
    day = date(2026, 4, 20)
    assert promise_date_ok(day, day)
    assert promise_date_ok(day, day + timedelta(days=PROMISE_MAX_DAYS))
    assert not promise_date_ok(day, day + timedelta(days=PROMISE_MAX_DAYS + 1))
    assert not promise_date_ok(day, day - timedelta(days=1))
    assert not promise_date_ok(day, date(2099, 1, 1))
    assert plan_dates_ok(day, [day, day + timedelta(days=PLAN_MAX_DAYS)])
    assert not plan_dates_ok(day, [day, day + timedelta(days=PLAN_MAX_DAYS + 1)])
    assert not plan_dates_ok(day, [day - timedelta(days=1)])
    # the day of agreement has come: a promise dated in 2030 would hold dunning back until 2030 + 90 days
    assert agreed_date_ok(day, day)
    assert agreed_date_ok(day - timedelta(days=1), day)
    assert not agreed_date_ok(date(2030, 1, 1), day)
