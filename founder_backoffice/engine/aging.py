"""Days past due and aging buckets.

A bucket layout is given by its upper limits in days past due, e.g. ``(30, 60, 90, 120)``, which gives
the buckets Not due (days <= 0), 1-30, 31-60, 61-90, 91-120 and Over 120: ``len(limits) + 2`` buckets.
"""

from datetime import date
from itertools import pairwise

DEFAULT_LIMITS = (30, 60, 90, 120)


def days_past_due(due_date: date, as_of: date) -> int:
    """Whole days from the due date to ``as_of``: 0 on the due date, negative before it."""
    return (as_of - due_date).days


def validate_limits(limits) -> tuple:
    """Return ``limits`` as ints; ``ValueError`` unless they are positive and strictly increasing."""
    limits = tuple(limits)
    if not limits:
        raise ValueError("at least one bucket limit is needed")
    if any(int(limit) != limit or limit <= 0 for limit in limits):
        raise ValueError("bucket limits must be positive whole numbers of days")
    if any(b <= a for a, b in pairwise(limits)):
        raise ValueError("bucket limits must be strictly increasing")
    return tuple(int(limit) for limit in limits)


def bucket_index(days: int, limits=DEFAULT_LIMITS) -> int:
    """Index of the bucket holding ``days`` past due: 0 is Not due, ``len(limits) + 1`` is over the last limit."""
    if days <= 0:
        return 0
    for index, limit in enumerate(limits, start=1):
        if days <= limit:
            return index
    return len(limits) + 1


def bucket_ranges(limits=DEFAULT_LIMITS) -> list:
    """``(first_day, last_day)`` of each bucket; ``None`` stands for an open end (Not due and the last bucket)."""
    ranges = [(None, 0)]
    low = 1
    for limit in limits:
        ranges.append((low, limit))
        low = limit + 1
    ranges.append((low, None))
    return ranges


def age_amounts(items, as_of: date, limits=DEFAULT_LIMITS) -> dict:
    """Spread ``(key, due_date, amount)`` items into buckets per key.

    Returns ``{key: [amount per bucket]}``; each key's buckets add up to the sum of its amounts.
    """
    width = len(limits) + 2
    result = {}
    for key, due_date, amount in items:
        buckets = result.setdefault(key, [0.0] * width)
        buckets[bucket_index(days_past_due(due_date, as_of), limits)] += amount
    return result
