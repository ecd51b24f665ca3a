"""Aging buckets.

A bucket layout is given by its upper limits in days past due, e.g. ``(30, 60, 90, 120)``, which gives
the buckets Not due (days <= 0), 1-30, 31-60, 61-90, 91-120 and Over 120: ``len(limits) + 2`` buckets.
"""

from itertools import pairwise

DEFAULT_LIMITS = (30, 60, 90, 120)


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


def bucket_ranges(limits=DEFAULT_LIMITS) -> list:
    """``(first_day, last_day)`` of each bucket; ``None`` stands for an open end (Not due and the last bucket)."""
    ranges = [(None, 0)]
    low = 1
    for limit in limits:
        ranges.append((low, limit))
        low = limit + 1
    ranges.append((low, None))
    return ranges
