"""Which dunning level an overdue invoice has reached, and which reminder to send next.

A policy's levels are given as their thresholds in days past due, in level order, e.g. ``(1, 15, 30)``;
levels are referred to by their index in that sequence. Grace days hold every reminder back until the
invoice is more than ``grace_days`` late; they do not shift the later thresholds.
"""

from bisect import bisect_right
from itertools import pairwise


def validate_level_days(days) -> tuple:
    """Return ``days`` as ints; ``ValueError`` unless non-negative whole numbers, strictly increasing, not empty."""
    days = tuple(days)
    if not days:
        raise ValueError("at least one dunning level is needed")
    if any(int(threshold) != threshold or threshold < 0 for threshold in days):
        raise ValueError("dunning level thresholds must be non-negative whole numbers of days")
    if any(b <= a for a, b in pairwise(days)):
        raise ValueError("dunning level thresholds must be strictly increasing")
    return tuple(int(threshold) for threshold in days)


def level_at(days, level_days):
    """Index of the highest level whose threshold is at most ``days`` (``None`` below the first one).

    Also maps a level sent under another policy (known by its threshold) onto the levels of the current one.
    """
    index = bisect_right(level_days, days) - 1
    return index if index >= 0 else None


def reached_level(days_overdue: int, level_days, grace_days: int = 0):
    """Index of the highest level whose threshold is at most ``days_overdue``, or ``None`` if none applies yet."""
    if days_overdue <= 0 or days_overdue <= grace_days:
        return None
    return level_at(days_overdue, level_days)


def level_to_send(days_overdue: int, level_days, last_sent=None, grace_days: int = 0):
    """The reached level if it is above ``last_sent`` (``None``: nothing sent yet), else ``None``.

    An invoice that jumped several thresholds since the last reminder gets only the highest one.
    """
    reached = reached_level(days_overdue, level_days, grace_days)
    if reached is None or (last_sent is not None and reached <= last_sent):
        return None
    return reached
