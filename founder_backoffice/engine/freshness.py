"""When the dashboard's figures computed ahead are served as they are, asked for again, or computed again.

A job computes each company's KPIs of every dashboard period and its 13-week forecast ahead, so that opening the
dashboard costs the same whatever the size of the ledger. The dashboard serves what the job stored, whatever its
age, and says how old it is (stale-while-revalidate): past ``STALE_AFTER`` it asks the job for a run instead of
computing the figures itself, so that founders who open it while the job is late (its workers busy sending
reminders) do not all compute the same figures at once. The job computes a company's figures again only where
``must_compute`` says so, and marks the others current.
"""

from datetime import timedelta

# The job runs every 15 minutes: figures not found current for two of its intervals mean that it is late.
STALE_AFTER = timedelta(minutes=30)

# A record is stamped with its transaction's start (write_date) but seen by other transactions only when it
# commits: a change made by a transaction that began before the figures were computed and committed after is
# looked for this far back. Odoo stops a request after 120 s (limit_time_real) and the jobs commit every batch.
IN_FLIGHT = timedelta(minutes=5)

# What the figures are read from (the KPIs, the forecast's receipts, bills and recurring outflows, the company's
# settings): a record of these written since the figures were last found current means they are computed again.
# A deletion leaves no trace here; where it matters it writes another record (an unreconciled payment writes its
# invoice's residual), and otherwise it shows the next day (``must_compute``).
INPUT_MODELS = (
    "account.move",
    "account.move.line",
    "account.partial.reconcile",
    "account.payment",
    "account.account",
    "crm.lead",
    "fb.promise",
    "fb.payment.plan",
    "fb.payment.plan.line",
    "res.company",
)


def is_stale(computed_at, now) -> bool:
    """Whether figures last found current at ``computed_at`` are served as stale at ``now``: with their age, while
    the job is asked to compute them again."""
    return now - computed_at > STALE_AFTER


def changes_since(computed_at):
    """From when a write to an input (``INPUT_MODELS``) means that figures found current at ``computed_at`` have
    changed."""
    return computed_at - IN_FLIGHT


def must_compute(as_of, today, changed) -> bool:
    """Whether the job computes a company's figures again rather than marking them current: there are none
    (``as_of`` None), they are of another day than ``today``, or their inputs ``changed`` since.

    A day is also their hard maximum age: the periods, what is overdue and the forecast's weeks move with the day,
    and a change the check cannot see (a deletion, a write in SQL that leaves write_date alone) shows a day late
    at most."""
    return as_of != today or changed
