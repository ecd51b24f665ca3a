"""Which dunning level an invoice has reached, and which reminder to send next.

A policy's levels are given as their thresholds in days past due, in level order, e.g. ``(-3, 1, 15, 30)``;
levels are referred to by their index in that sequence. A negative threshold is a pre-due level: a friendly note
that many days before the due date, sent only while the invoice is not yet due, never with a fee, interest or an
escalation. Grace days hold every reminder after the due date back until the invoice is more than ``grace_days``
late; they do not shift the later thresholds.
"""

from bisect import bisect_right
from itertools import pairwise


def is_pre_due(threshold) -> bool:
    """A level reached before the due date (its threshold is negative)."""
    return threshold < 0


def asks_before_due(threshold, *, fee=False, interest=False, escalation=False) -> bool:
    """Whether a pre-due level would ask what is not owed yet: a fee, interest, a credit hold or a hand-over."""
    return is_pre_due(threshold) and (fee or interest or escalation)


def validate_level_days(days) -> tuple:
    """Return ``days`` as ints; ``ValueError`` unless whole numbers, strictly increasing, not empty."""
    days = tuple(days)
    if not days:
        raise ValueError("at least one dunning level is needed")
    if any(int(threshold) != threshold for threshold in days):
        raise ValueError("dunning level thresholds must be whole numbers of days")
    if any(b <= a for a, b in pairwise(days)):
        raise ValueError("dunning level thresholds must be strictly increasing")
    return tuple(int(threshold) for threshold in days)


def pre_due_window(level_days) -> int:
    """How many days before the due date the first pre-due level is reached (0: the policy has none)."""
    return max((-threshold for threshold in level_days if is_pre_due(threshold)), default=0)


def level_at(days, level_days):
    """Index of the highest level whose threshold is at most ``days`` (``None`` below the first one).

    Also maps a level sent under another policy (known by its threshold) onto the levels of the current one.
    """
    index = bisect_right(level_days, days) - 1
    return index if index >= 0 else None


def reached_level(days_overdue: int, level_days, grace_days: int = 0):
    """Index of the level an invoice ``days_overdue`` days late (negative: not yet due) has reached, or ``None``.

    Until the due date (``days_overdue`` <= 0) only pre-due levels are reached; after it only the others, once the
    grace days are over.
    """
    pre_due = sum(1 for threshold in level_days if is_pre_due(threshold))
    if days_overdue <= 0:
        return level_at(days_overdue, level_days[:pre_due])
    if days_overdue <= grace_days:
        return None
    index = level_at(days_overdue, level_days)
    return index if index is not None and index >= pre_due else None


def level_to_send(days_overdue: int, level_days, last_sent=None, grace_days: int = 0):
    """The reached level if it is above ``last_sent`` (``None``: nothing sent yet), else ``None``.

    An invoice that jumped several thresholds since the last reminder gets only the highest one.
    """
    reached = reached_level(days_overdue, level_days, grace_days)
    if reached is None or (last_sent is not None and reached <= last_sent):
        return None
    return reached
