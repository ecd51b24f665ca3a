"""The aging layout: which series an open item falls in, for the aging report, its wizard and the dashboard.

A layout is given by its upper limits in days past due, e.g. ``(30, 60, 90, 120)``, which gives the buckets Not
due (days <= 0), 1-30, 31-60, 61-90, 91-120 and Over 120: ``len(limits) + 2`` buckets. Those hold what customers
owe (a positive residual). Open credit notes and payments not yet matched with an invoice (a negative residual)
are not money falling due: they go to a series of their own, *Unapplied credits*, whatever their date, so that a
credit note larger than the invoices draws no negative "Not due" bar and no bucket shrinks below what is owed.
"""

from itertools import pairwise

DEFAULT_LIMITS = (30, 60, 90, 120)
UNAPPLIED = "unapplied"  # the series of the open credits (negative residuals)


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


def bucket_key(first_day, last_day) -> str:
    """The name of a bucket of ``bucket_ranges``: ``current`` (not due), ``1_30``, ..., ``over_120``."""
    if first_day is None:
        return "current"
    if last_day is None:
        return f"over_{first_day - 1}"
    return f"{first_day}_{last_day}"


def series(limits=DEFAULT_LIMITS) -> list:
    """``(key, first_day, last_day)`` of every series of the layout: the buckets of what is owed (a positive
    residual, by days past due), then ``UNAPPLIED`` for the credits (a negative residual, whatever its days)."""
    return [(bucket_key(low, high), low, high) for low, high in bucket_ranges(limits)] + [(UNAPPLIED, None, None)]
