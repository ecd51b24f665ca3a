"""Priority of a customer in the collections queue.

priority = 10 x log10(1 + overdue amount) + 40 x min(oldest days overdue, 180) / 180 + 15 x min(broken promises, 3)

The amount counts in orders of magnitude (10 points per factor of 10, company currency), so a large debt comes
first without drowning every other signal; age adds up to 40 points, reached at 180 days; each promise broken
in the last 12 months adds 15 points, up to three. The score rises with each of the three and is rounded to one
decimal. ``PRIORITY_SQL`` is the same formula for the queue's SQL view; a test keeps the two equal.
"""

import math

MAX_DAYS = 180
MAX_BROKEN = 3

PRIORITY_HELP = (
    "10 x log10(1 + overdue amount) + 40 x min(oldest days overdue, 180) / 180 + 15 x broken promises of the last "
    "12 months (at most 3): it rises with the amount, the age and the broken promises."
)

# In double precision, as math.log10: PostgreSQL's logarithm of a numeric is exact to many digits and slow.
PRIORITY_SQL = (
    "ROUND((10 * LOG((1 + GREATEST({amount}, 0))::float8)"
    f" + 40 * LEAST({{days}}, {MAX_DAYS}) / {MAX_DAYS}.0"
    f" + 15 * LEAST({{broken}}, {MAX_BROKEN}))::numeric, 1)"
)


def priority_score(amount_overdue: float, oldest_days: int, broken_promises: int = 0) -> float:
    """The queue priority of a customer (see the module docstring)."""
    amount_part = 10 * math.log10(1 + max(amount_overdue, 0.0))
    days_part = 40 * min(max(oldest_days, 0), MAX_DAYS) / MAX_DAYS
    broken_part = 15 * min(max(broken_promises, 0), MAX_BROKEN)
    return round(amount_part + days_part + broken_part, 1)
