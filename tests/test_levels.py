import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from founder_backoffice.engine import levels

POLICY = (1, 15, 30)


@pytest.mark.parametrize(
    ("days", "expected"),
    [(-5, None), (0, None), (1, 0), (14, 0), (15, 1), (29, 1), (30, 2), (400, 2)],
)
def test_reached_level_on_a_three_level_policy(days, expected):
    assert levels.reached_level(days, POLICY) == expected


def test_a_zero_day_threshold_still_needs_the_invoice_to_be_late():
    assert levels.reached_level(0, (0, 10)) is None
    assert levels.reached_level(1, (0, 10)) == 0


def test_grace_days_hold_reminders_back_without_shifting_later_levels():
    assert levels.reached_level(3, POLICY, grace_days=3) is None
    assert levels.reached_level(4, POLICY, grace_days=3) == 0
    assert levels.reached_level(15, POLICY, grace_days=3) == 1
    assert levels.reached_level(16, POLICY, grace_days=20) is None
    assert levels.reached_level(21, POLICY, grace_days=20) == 1


@pytest.mark.parametrize(
    ("days", "last_sent", "expected"),
    [
        (0, None, None),
        (1, None, 0),
        (10, 0, None),
        (15, 0, 1),
        (40, None, 2),  # jumped every threshold: only the last reminder goes out
        (40, 0, 2),
        (40, 2, None),
        (5, 1, None),  # a level above the reached one was already sent
    ],
)
def test_level_to_send(days, last_sent, expected):
    assert levels.level_to_send(days, POLICY, last_sent) == expected


def test_level_to_send_respects_grace_days():
    assert levels.level_to_send(2, POLICY, grace_days=2) is None
    assert levels.level_to_send(3, POLICY, grace_days=2) == 0


def test_validate_level_days_returns_ints():
    assert levels.validate_level_days([0, 7.0, 30]) == (0, 7, 30)


@pytest.mark.parametrize("days", [(), (15, 15), (30, 15), (-1, -3, 15), (1.5, 3)])
def test_validate_level_days_rejects_bad_policies(days):
    with pytest.raises(ValueError):
        levels.validate_level_days(days)


policies = st.lists(st.integers(min_value=0, max_value=365), min_size=1, max_size=6, unique=True).map(
    lambda days: tuple(sorted(days))
)
grace = st.integers(min_value=0, max_value=60)


def rank(level):
    return -1 if level is None else level


@settings(max_examples=200)
@given(policy=policies, grace_days=grace, a=st.integers(-100, 500), b=st.integers(-100, 500))
def test_reached_level_is_monotonic_in_days(policy, grace_days, a, b):
    low, high = sorted((a, b))
    assert rank(levels.reached_level(low, policy, grace_days)) <= rank(levels.reached_level(high, policy, grace_days))


@settings(max_examples=200)
@given(policy=policies, grace_days=grace, days=st.integers(-100, 500), last_sent=st.integers(0, 5))
def test_level_to_send_is_always_above_the_last_sent(policy, grace_days, days, last_sent):
    level = levels.level_to_send(days, policy, last_sent, grace_days)
    assert level is None or level > last_sent


@settings(max_examples=200)
@given(policy=policies, grace_days=grace, steps=st.lists(st.integers(0, 60), max_size=20))
def test_sending_over_increasing_days_never_goes_back(policy, grace_days, steps):
    days, last_sent, sent = -10, None, []
    for step in steps:
        days += step
        level = levels.level_to_send(days, policy, last_sent, grace_days)
        if level is not None:
            sent.append(level)
            last_sent = level
    assert sent == sorted(set(sent))


def test_level_at_maps_a_threshold_onto_the_levels():
    assert levels.level_at(0, (1, 15, 30)) is None
    assert levels.level_at(1, (1, 15, 30)) == 0
    assert levels.level_at(20, (1, 15, 30)) == 1  # a level sent at 20 days under an older policy
    assert levels.level_at(99, (1, 15, 30)) == 2


@pytest.mark.parametrize(
    ("days", "expected"),
    [(-6, None), (-5, 0), (-3, 0), (-2, 1), (0, 1), (1, None), (2, None), (3, 2), (20, 3)],
)
def test_pre_due_levels_are_reached_only_until_the_due_date(days, expected):
    assert levels.reached_level(days, (-5, -2, 3, 15), grace_days=1) == expected


def test_a_pre_due_level_asks_nothing_not_yet_owed():
    assert levels.pre_due_window((-5, -2, 3)) == 5
    assert levels.pre_due_window((1, 3)) == 0
    assert not levels.asks_before_due(-3)
    assert levels.asks_before_due(-3, interest=True)
    assert levels.asks_before_due(-3, fee=True)
    assert levels.asks_before_due(-3, escalation=True)
    assert not levels.asks_before_due(3, fee=True, interest=True, escalation=True)
