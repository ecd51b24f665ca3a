"""How far ahead a customer's commitment may reach: a promise is a matter of weeks (a longer wait is a payment
plan), and a payment plan ends within two years. Dunning waits for both, so an unbounded date would silence it."""

PROMISE_MAX_DAYS = 90
PLAN_MAX_DAYS = 730


def promise_date_ok(promised_on, pay_by) -> bool:
    """A promise made on ``promised_on`` may be to pay by ``pay_by``: not before, at most PROMISE_MAX_DAYS later."""
    return 0 <= (pay_by - promised_on).days <= PROMISE_MAX_DAYS


def agreed_date_ok(agreed_on, today) -> bool:
    """A promise or a plan is agreed on a day that has come: its bounds (and dunning's wait) run from that day, so
    a day in the future would stretch them past the limits above."""
    return agreed_on <= today


def plan_dates_ok(agreed_on, due_dates) -> bool:
    """A payment plan agreed on ``agreed_on`` may have these instalment due dates: none before the agreement,
    none later than PLAN_MAX_DAYS after it."""
    return all(0 <= (due - agreed_on).days <= PLAN_MAX_DAYS for due in due_dates)
