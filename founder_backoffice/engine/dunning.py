"""Planning a dunning run: which customers get a reminder, listing which overdue items at which level.

Dunning state lives on each receivable item (an invoice instalment), while a customer gets one reminder per
run covering all its overdue items. A customer is reminded when at least one item reached a level it has not
received yet; the reminder then lists every overdue item, and its level is the highest one reached.
The gates below are applied in order and the first that stops a customer is reported as the reason.
"""

from dataclasses import dataclass, field
from datetime import date

from . import levels

# Why a customer with overdue items gets no reminder in a run.
SKIP_NET_BALANCE = "net_balance"  # open credits cover everything it owes
SKIP_NO_NEW_LEVEL = "no_new_level"  # every item already received the level it reached (or is within grace)
SKIP_TOO_SOON = "too_soon"  # reminded less than the policy's minimum days ago
SKIP_CREDITS = "credits"  # open credits offset everything overdue (more falls due later)
SKIP_MIN_AMOUNT = "min_amount"  # owes less than the policy's minimum overdue amount


@dataclass(frozen=True)
class Rules:
    """The parts of a dunning policy that decide who is reminded."""

    level_days: tuple
    grace_days: int = 0
    min_overdue_amount: float = 0.0
    offset_credits: bool = True
    min_days_between: int = 0


@dataclass(frozen=True)
class Item:
    """An open overdue receivable item: ``residual`` in company currency, ``last_sent`` a level index or None."""

    key: int
    partner: int
    due_date: date
    residual: float
    last_sent: int | None = None


@dataclass(frozen=True)
class Account:
    """A customer's receivable position: ``net_balance`` of all open items, ``credits`` (<= 0) of open credits."""

    net_balance: float
    credits: float = 0.0
    last_reminder: date | None = None


@dataclass(frozen=True)
class PlannedItem:
    item: Item
    days_overdue: int
    level: int | None  # level reached (None: overdue but within grace or below the first level)
    new_level: bool  # this reminder brings the item to ``level`` for the first time


@dataclass
class Plan:
    partner: int
    level: int
    items: list = field(default_factory=list)
    overdue: float = 0.0
    credits: float = 0.0

    @property
    def amount_due(self) -> float:
        """What the customer is asked to pay: overdue items less the credits that offset them."""
        return self.overdue + self.credits


def plan_run(items, accounts, rules_of, as_of: date):
    """Return ``(plans, skipped)``: one ``Plan`` per reminded customer, and ``{customer: reason}`` for the others.

    ``items`` are the overdue items of the run, ``accounts`` maps each customer to its ``Account`` and
    ``rules_of(customer)`` gives its ``Rules``.
    """
    by_partner = {}
    for item in items:
        by_partner.setdefault(item.partner, []).append(item)
    plans, skipped = [], {}
    for partner, partner_items in by_partner.items():
        rules = rules_of(partner)
        account = accounts.get(partner, Account(net_balance=sum(i.residual for i in partner_items)))
        plan = Plan(partner=partner, level=-1)
        for item in sorted(partner_items, key=lambda i: (i.due_date, i.key)):
            days = (as_of - item.due_date).days
            reached = levels.reached_level(days, rules.level_days, rules.grace_days)
            to_send = levels.level_to_send(days, rules.level_days, item.last_sent, rules.grace_days)
            plan.items.append(PlannedItem(item, days, reached, to_send is not None))
            plan.overdue += item.residual
            if to_send is not None:
                plan.level = max(plan.level, to_send)
        plan.credits = account.credits if rules.offset_credits else 0.0
        reason = _skip_reason(plan, account, rules, as_of)
        if reason:
            skipped[partner] = reason
        else:
            plans.append(plan)
    return plans, skipped


def too_soon(last_reminder: date | None, day: date, min_days_between: int) -> bool:
    """Whether a reminder on ``day`` comes less than ``min_days_between`` days from the customer's last one
    (before or after it: a run dated earlier than a reminder another run sent counts too)."""
    return last_reminder is not None and abs((day - last_reminder).days) < min_days_between


def level_fee(fee_type: str, fixed: float, percent: float, amount_due: float) -> float:
    """The fee of a level on a reminder asking for ``amount_due``: ``fixed``, ``percent`` of what is asked (never
    of a negative amount), or nothing (``fee_type`` "none"). Unrounded: the caller rounds to its currency."""
    if fee_type == "fixed":
        return fixed
    if fee_type == "percent":
        return max(amount_due, 0.0) * percent / 100
    return 0.0


def _skip_reason(plan, account, rules, as_of):
    if account.net_balance <= 0:
        return SKIP_NET_BALANCE
    if plan.level < 0:
        return SKIP_NO_NEW_LEVEL
    if too_soon(account.last_reminder, as_of, rules.min_days_between):
        return SKIP_TOO_SOON
    if plan.amount_due <= 0:
        return SKIP_CREDITS
    if plan.amount_due < rules.min_overdue_amount:
        return SKIP_MIN_AMOUNT
    return None
