"""Monthly statements: on which day a company's statements go out, who receives one, and what makes it once.

A company chooses a day of the month, 1 to 28 so that every month has it (0 means no monthly statements). The
statements of a month go out on that day or, when the job could not run then, at its first run after it in the
same month; a month whose day has passed without a run is not caught up in the next month. A customer receives
one when it owes the company something (its open balance, invoices less credits, is above zero), is not opted
out in that company, and has an e-mail address; at most one per company, customer and month.
"""

from datetime import date
from typing import NamedTuple

from .money import CENT, round_to

DAY_OFF = 0
FIRST_DAY = 1
LAST_DAY = 28  # the last day every month has

# Why a customer with open items receives no statement this month.
SKIP_NOTHING_OWED = "nothing_owed"  # credits cover what it owes: the balance is not above zero
SKIP_OPTED_OUT = "opted_out"  # marked "no monthly statement" in the company
SKIP_NO_EMAIL = "no_email"  # nowhere to send it
SKIP_REASONS = (SKIP_NOTHING_OWED, SKIP_OPTED_OUT, SKIP_NO_EMAIL)


class Customer(NamedTuple):
    """What the job knows of a customer with open items in a company."""

    partner_id: int
    balance: float  # open balance in the company's currency: positive when the customer owes the company
    opted_out: bool = False
    email: str | None = None


def is_valid_day(day) -> bool:
    """Whether ``day`` can be a company's statement day: 0 (off) or a whole day from 1 to 28."""
    return isinstance(day, int) and not isinstance(day, bool) and (day == DAY_OFF or FIRST_DAY <= day <= LAST_DAY)


def check_day(day) -> int:
    """``day`` if it is a valid statement day, else ``ValueError``."""
    if not is_valid_day(day):
        raise ValueError(f"a statement day is 0 (off) or a day from {FIRST_DAY} to {LAST_DAY}, got {day!r}")
    return day


def month_of(day: date) -> date:
    """The month of ``day``, as its first day: the month a statement mailing belongs to."""
    return day.replace(day=1)


def mailing_month(statement_day: int, today: date) -> date | None:
    """The month whose statements a job run on ``today`` sends for a company with this statement day: today's
    month once the day has come, None before it or when the company sends none."""
    if check_day(statement_day) == DAY_OFF or today.day < statement_day:
        return None
    return month_of(today)


def skip_reason(customer: Customer, rounding=CENT) -> str | None:
    """Why ``customer`` receives no statement (one of ``SKIP_REASONS``), or None when it receives one."""
    if round_to(customer.balance, rounding) <= 0:
        return SKIP_NOTHING_OWED
    if customer.opted_out:
        return SKIP_OPTED_OUT
    if not (customer.email or "").strip():
        return SKIP_NO_EMAIL
    return None


def recipients(customers, rounding=CENT) -> list:
    """The partner ids of ``customers`` who receive a statement, in the order given."""
    return [customer.partner_id for customer in customers if skip_reason(customer, rounding) is None]


def mailing_key(company_id: int, partner_id: int, month: date) -> tuple:
    """What makes a statement once: one per company, customer and month (any day of it)."""
    return (company_id, partner_id, month_of(month))
