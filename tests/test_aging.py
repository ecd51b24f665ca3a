from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from founder_backoffice.engine import aging

AS_OF = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("days", "expected"),
    [(-10, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (120, 4), (121, 5), (999, 5)],
)
def test_bucket_index_default_limits(days, expected):
    assert aging.bucket_index(days) == expected


def test_days_past_due_counts_from_the_due_date():
    assert aging.days_past_due(date(2026, 11, 23), AS_OF) == 0
    assert aging.days_past_due(date(2026, 10, 24), AS_OF) == 30
    assert aging.days_past_due(date(2026, 12, 1), AS_OF) == -8


def test_bucket_ranges_describe_each_bucket():
    assert aging.bucket_ranges((30, 60)) == [(None, 0), (1, 30), (31, 60), (61, None)]


@pytest.mark.parametrize("limits", [(), (30, 30), (60, 30), (0, 30), (-5,), (1.5, 3)])
def test_validate_limits_rejects_bad_layouts(limits):
    with pytest.raises(ValueError):
        aging.validate_limits(limits)


def test_age_amounts_spreads_per_key_and_sums_to_the_total():
    items = [
        ("A", date(2026, 12, 10), 100.0),  # not due
        ("A", date(2026, 11, 3), 50.0),  # 20 days
        ("A", date(2026, 8, 15), 25.5),  # 100 days
        ("B", date(2026, 11, 18), 10.0),  # 5 days
        ("B", date(2026, 11, 13), -4.0),  # 10 days, a credit note
    ]
    result = aging.age_amounts(items, AS_OF)
    assert result == {"A": [100.0, 50.0, 0.0, 0.0, 25.5, 0.0], "B": [0.0, 6.0, 0.0, 0.0, 0.0, 0.0]}
    assert sum(result["A"]) == 175.5


limits_strategy = st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=6, unique=True).map(
    lambda values: tuple(sorted(values))
)
items_strategy = st.lists(
    st.tuples(
        st.sampled_from("ABC"),
        st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
        st.integers(min_value=-(10**9), max_value=10**9),  # cents, credits included
    ),
    max_size=60,
)


@settings(max_examples=300)
@given(items_strategy, limits_strategy)
def test_buckets_always_sum_to_the_total(items, limits):
    result = aging.age_amounts(((key, due, cents) for key, due, cents in items), AS_OF, limits)
    for key, buckets in result.items():
        assert len(buckets) == len(limits) + 2
        assert sum(buckets) == sum(cents for k, _due, cents in items if k == key)


@settings(max_examples=300)
@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=0, max_value=50), limits_strategy)
def test_bucket_index_never_goes_back_as_days_grow(days, more, limits):
    assert aging.bucket_index(days, limits) <= aging.bucket_index(days + more, limits)
