"""Planning a dunning run: which customers get a reminder, listing which overdue items at which level.

Dunning state lives on each receivable item (an invoice instalment), while a customer gets one reminder per
run covering all its overdue items. A customer is reminded when at least one item reached a level it has not
received yet; the reminder then lists every overdue item, and its level is the highest one reached.

A policy with pre-due levels (``levels.is_pre_due``) also plans the items falling due within its window: a
customer whose only new level is pre-due gets a friendly note listing them and its overdue items; a reminder at
a level after the due date lists the overdue items only. A customer with nothing overdue and no note to get is
not left out: it has nothing to be reminded of.

Every customer with overdue items is either reminded or left out with one reason, decided in this order:
1. what holds the whole customer (``CUSTOMER_HOLDS``: no dunning, no policy, waiting for our answer);
2. the items' holds (``HOLDS``): held items are never on a reminder, and a customer whose every overdue item is
   held gets the first of its items' holds in ``HOLDS`` order (what a collector works on before Odoo's own
   exclusions);
3. the gates below (``SKIP_NET_BALANCE`` to ``SKIP_MIN_AMOUNT``) on the items that can be reminded, in order: the
   first that stops a customer is its reason.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from . import levels

# Why a customer with overdue items gets no reminder in a run.
SKIP_NET_BALANCE = "net_balance"  # open credits cover everything it owes
SKIP_NO_NEW_LEVEL = "no_new_level"  # every item already received the level it reached (or is within grace)
SKIP_TOO_SOON = "too_soon"  # reminded less than the policy's minimum days ago
SKIP_CREDITS = "credits"  # open credits offset everything overdue (more falls due later)
SKIP_MIN_AMOUNT = "min_amount"  # owes less than the policy's minimum overdue amount

# Why a whole customer is left out, whatever its items, in this order.
SKIP_NO_DUNNING = "no_dunning"  # the customer is marked "no dunning"
SKIP_NO_POLICY = "no_policy"  # no dunning policy (with levels) applies to the customer
SKIP_WAITING = "waiting"  # the customer replied to a reminder and nobody answered yet
CUSTOMER_HOLDS = (SKIP_NO_DUNNING, SKIP_NO_POLICY, SKIP_WAITING)

# Why an overdue item is held back from reminders, in the order that names a customer whose every item is held.
HOLD_DISPUTED = "disputed"  # its invoice is under an open dispute
HOLD_PROMISED = "promised"  # an open promise to pay covers its invoice, until the promised date
HOLD_PAYMENT_PLAN = "payment_plan"  # its invoice is in a running payment plan (whose instalments are reminded)
HOLD_PAYMENT_BLOCKED = "payment_blocked"  # its invoice's payment is blocked (Odoo's own exclusion)
HOLD_NOT_INVOICE = "not_invoice"  # a payment, credit note or other entry, not a customer invoice
HOLD_NO_FOLLOWUP = "no_followup"  # flagged "no follow-up" (Odoo's own exclusion; its default on other entries)
HOLDS = (
    HOLD_DISPUTED,
    HOLD_PROMISED,
    HOLD_PAYMENT_PLAN,
    HOLD_PAYMENT_BLOCKED,
    HOLD_NOT_INVOICE,
    HOLD_NO_FOLLOWUP,
)


class OverdueSource(NamedTuple):
    """What a run reminds, as the run and its reminders read it from the database: an overdue receivable item, or a
    missed instalment of a payment plan (``move``, ``currency``: the records)."""

    partner_id: int
    date_due: object
    residual: float  # company currency
    residual_currency: float
    currency: object
    move: object  # the invoice (compensation is charged once per invoice), None for an instalment
    link: dict  # the fb.dunning.line field pointing at the source
    hold: str | None = None  # why the item is held back from reminders (``HOLDS``)


class ChargeItem(NamedTuple):
    """An item of a reminder at a level charging interest, with the policy that says how much."""

    key: tuple
    policy: object
    source: OverdueSource


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
    hold: str | None = None  # one of ``HOLDS`` (see ``item_hold``): never reminded


@dataclass(frozen=True)
class Customer:
    """What holds a whole customer: marked no dunning, no policy applying, the day it replied to a reminder that
    nobody answered yet."""

    no_dunning: bool = False
    has_policy: bool = True
    replied_on: date | None = None


@dataclass(frozen=True)
class Account:
    """A customer's receivable position: ``net_balance`` of all open items, ``credits`` (<= 0) of open credits,
    the day of its last reminder after a due date and of its last pre-due note (which delays no reminder)."""

    net_balance: float
    credits: float = 0.0
    last_reminder: date | None = None
    last_note: date | None = None


@dataclass(frozen=True)
class PlannedItem:
    item: Item
    days_overdue: int  # negative: not yet due
    level: int | None  # level reached (None: overdue but within grace or below the first level)
    new_level: bool  # this reminder brings the item to ``level`` for the first time


@dataclass
class Plan:
    partner: int
    level: int
    items: list = field(default_factory=list)
    overdue: float = 0.0
    upcoming: float = 0.0  # items not yet due, listed on a pre-due note
    credits: float = 0.0
    pre_due: bool = False  # ``level`` is a pre-due level

    @property
    def amount_due(self) -> float:
        """What the customer is asked to pay: the items listed less the credits that offset them."""
        return self.overdue + self.upcoming + self.credits


def item_hold(
    *,
    invoice=True,
    disputed=False,
    promised=False,
    payment_plan=False,
    payment_blocked=False,
    no_followup=False,
):
    """The hold of an overdue item (the first that applies in ``HOLDS`` order), or None when it can be reminded.

    ``invoice``: the item is a customer invoice's; ``promised``: an open promise covers it and its date has not
    passed; ``payment_plan``: its invoice is in a running plan."""
    applies = {
        HOLD_DISPUTED: disputed,
        HOLD_PROMISED: promised,
        HOLD_PAYMENT_PLAN: payment_plan,
        HOLD_PAYMENT_BLOCKED: payment_blocked,
        HOLD_NOT_INVOICE: not invoice,
        HOLD_NO_FOLLOWUP: no_followup,
    }
    return next((hold for hold in HOLDS if applies[hold]), None)


def customer_hold(customer: Customer):
    """Why the whole ``customer`` is left out (the first of ``CUSTOMER_HOLDS`` that applies), or None."""
    applies = {
        SKIP_NO_DUNNING: customer.no_dunning,
        SKIP_NO_POLICY: not customer.has_policy,
        SKIP_WAITING: customer.replied_on is not None,
    }
    return next((hold for hold in CUSTOMER_HOLDS if applies[hold]), None)


def is_overdue(item: Item, as_of: date) -> bool:
    return item.due_date < as_of


def left_out_amount(items, as_of: date) -> float:
    """What a customer left out owes overdue: its overdue items that could be reminded, or its held ones when
    every one is held (a missed instalment of a plan and the invoice it splits are never counted together)."""
    overdue = [item for item in items if is_overdue(item, as_of)]
    free = [item for item in overdue if not item.hold]
    return sum(item.residual for item in free or overdue)


def plan_run(items, accounts, rules_of, as_of: date, customers=None):
    """Return ``(plans, skipped)``: one ``Plan`` per reminded customer, and ``{customer: reason}`` for the others.

    ``items`` are the overdue items of the run, held ones included; ``accounts`` maps each customer to its
    ``Account``, ``customers`` to its ``Customer`` (default: nothing holds it), and ``rules_of(customer)`` gives its
    ``Rules`` (asked only for customers with a policy).

    ``items`` may also hold items not yet due (within the widest pre-due window of the policies), which only a
    pre-due note lists; a customer with nothing overdue is never in ``skipped``.
    """
    customers = customers or {}
    by_partner = {}
    for item in items:
        by_partner.setdefault(item.partner, []).append(item)
    plans, skipped = [], {}
    for partner, all_items in by_partner.items():
        partner_items = [item for item in all_items if not item.hold]
        has_overdue = any(is_overdue(item, as_of) for item in all_items)
        hold = customer_hold(customers.get(partner, Customer()))
        if not hold and not any(is_overdue(item, as_of) for item in partner_items) and has_overdue:
            hold = min((item.hold for item in all_items if is_overdue(item, as_of)), key=HOLDS.index)
        if hold:
            if has_overdue:
                skipped[partner] = hold
            continue
        rules = rules_of(partner)
        plan = _plan_customer(partner, partner_items, rules, as_of)
        account = accounts.get(partner, Account(net_balance=sum(item.residual for item in partner_items)))
        plan.credits = account.credits if rules.offset_credits else 0.0
        reason = _skip_reason(plan, account, rules, as_of)
        if not reason:
            plans.append(plan)
        elif has_overdue:
            skipped[partner] = reason
    return plans, skipped


def _plan_customer(partner, items, rules, as_of):
    """The customer's reminder: its level, and the items it lists (a note before the due date also lists the
    items reaching a pre-due level, a reminder after it only the overdue ones)."""
    planned = []
    for item in sorted(items, key=lambda i: (i.due_date, i.key)):
        days = (as_of - item.due_date).days
        reached = levels.reached_level(days, rules.level_days, rules.grace_days)
        to_send = levels.level_to_send(days, rules.level_days, item.last_sent, rules.grace_days)
        planned.append(PlannedItem(item, days, reached, to_send is not None))
    level = max((p.level for p in planned if p.new_level), default=-1)
    pre_due = level >= 0 and levels.is_pre_due(rules.level_days[level])
    plan = Plan(partner=partner, level=level, pre_due=pre_due)
    for p in planned:
        if p.days_overdue > 0:
            plan.items.append(p)
            plan.overdue += p.item.residual
        elif pre_due and p.level is not None:
            plan.items.append(p)
            plan.upcoming += p.item.residual
    return plan


def too_soon(last_reminder: date | None, day: date, min_days_between: int) -> bool:
    """Whether a reminder on ``day`` comes less than ``min_days_between`` days from the customer's last one
    (before or after it: a run dated earlier than a reminder another run sent counts too)."""
    return last_reminder is not None and abs((day - last_reminder).days) < min_days_between


@dataclass(frozen=True)
class Sent:
    """A reminder sent to ``partner`` (a customer of a company) on ``day``: ``settled`` once every item it listed
    is paid, ``thanked`` once the customer got its thank-you."""

    key: int
    partner: object
    day: date
    settled: bool
    thanked: bool = False


def to_thank(sent) -> list:
    """Keys of the reminders whose customer gets a thank-you: the customer's latest reminder (``Sent``), once
    everything it listed is paid, and once only (an earlier reminder's items were listed again or settled
    before)."""
    latest = {}
    for reminder in sent:
        current = latest.get(reminder.partner)
        if current is None or (reminder.day, reminder.key) > (current.day, current.key):
            latest[reminder.partner] = reminder
    return [reminder.key for reminder in latest.values() if reminder.settled and not reminder.thanked]


def last_contact(last_reminder: date | None, last_note: date | None, pre_due: bool):
    """The day the days between reminders count from, given the customer's last reminder after a due date and its
    last note before one: a pre-due note waits for either, a reminder after the due date only for the last
    reminder (a courtesy note a few days before does not hold it back)."""
    if not pre_due:
        return last_reminder
    return max((day for day in (last_reminder, last_note) if day), default=None)


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
    if too_soon(last_contact(account.last_reminder, account.last_note, plan.pre_due), as_of, rules.min_days_between):
        return SKIP_TOO_SOON
    if plan.amount_due <= 0:
        return SKIP_CREDITS
    if plan.amount_due < rules.min_overdue_amount:
        return SKIP_MIN_AMOUNT
    return None
