from datetime import date

from founder_backoffice.engine import dunning
from founder_backoffice.engine.dunning import Account, Item, Rules

AS_OF = date(2026, 3, 31)
RULES = Rules(level_days=(1, 15, 30), min_days_between=7)


def plan(items, accounts=None, rules=RULES):
    return dunning.plan_run(items, accounts or {}, lambda partner: rules, AS_OF)


def test_one_reminder_per_customer_at_the_highest_new_level():
    items = [
        Item(1, partner=10, due_date=date(2026, 3, 26), residual=100.0),  # 5 days: level 0
        Item(2, partner=10, due_date=date(2026, 2, 20), residual=200.0),  # 39 days: level 2
        Item(3, partner=20, due_date=date(2026, 3, 11), residual=50.0),  # 20 days: level 1
    ]
    plans, skipped = plan(items)
    assert skipped == {}
    by_partner = {p.partner: p for p in plans}
    assert by_partner[10].level == 2
    assert [(pi.item.key, pi.days_overdue, pi.level, pi.new_level) for pi in by_partner[10].items] == [
        (2, 39, 2, True),
        (1, 5, 0, True),
    ]
    assert by_partner[10].overdue == 300.0
    assert by_partner[20].level == 1


def test_items_already_at_their_level_are_listed_but_do_not_trigger():
    items = [
        Item(1, partner=10, due_date=date(2026, 2, 20), residual=200.0, last_sent=2),
        Item(2, partner=10, due_date=date(2026, 3, 26), residual=100.0, last_sent=0),
    ]
    plans, skipped = plan(items)
    assert plans == [] and skipped == {10: dunning.SKIP_NO_NEW_LEVEL}
    items.append(Item(3, partner=10, due_date=date(2026, 3, 11), residual=10.0))  # 20 days: level 1 is new
    plans, _ = plan(items)
    [reminder] = plans
    assert reminder.level == 1
    assert {pi.item.key: pi.new_level for pi in reminder.items} == {1: False, 2: False, 3: True}
    assert reminder.overdue == 310.0


def test_credits_offset_only_when_the_policy_says_so():
    items = [Item(1, partner=10, due_date=date(2026, 3, 1), residual=1000.0)]
    accounts = {10: Account(net_balance=600.0, credits=-400.0)}
    [with_offset], _ = plan(items, accounts)
    assert with_offset.amount_due == 600.0
    [without], _ = plan(items, accounts, Rules(level_days=(1,), offset_credits=False))
    assert without.amount_due == 1000.0


def test_customer_whose_credits_cover_everything_gets_nothing():
    items = [Item(1, partner=10, due_date=date(2026, 3, 1), residual=300.0)]
    plans, skipped = plan(items, {10: Account(net_balance=0.0, credits=-300.0)})
    assert plans == [] and skipped == {10: dunning.SKIP_NET_BALANCE}
    # even a policy without offset does not chase a customer the company owes money to
    plans, skipped = plan(items, {10: Account(net_balance=-5.0, credits=-305.0)}, Rules((1,), offset_credits=False))
    assert skipped == {10: dunning.SKIP_NET_BALANCE}


def test_credits_covering_the_overdue_while_more_falls_due_later():
    items = [Item(1, partner=10, due_date=date(2026, 3, 1), residual=300.0)]
    plans, skipped = plan(items, {10: Account(net_balance=500.0, credits=-300.0)})  # 500 more not yet due
    assert plans == [] and skipped == {10: dunning.SKIP_CREDITS}


def test_minimum_amount_grace_and_days_between():
    items = [Item(1, partner=10, due_date=date(2026, 3, 26), residual=49.99)]
    _, skipped = plan(items, rules=Rules((1,), min_overdue_amount=50.0))
    assert skipped == {10: dunning.SKIP_MIN_AMOUNT}
    _, skipped = plan(items, rules=Rules((1,), grace_days=5))  # 5 days late, grace 5: held back
    assert skipped == {10: dunning.SKIP_NO_NEW_LEVEL}
    plans, _ = plan(items, rules=Rules((1,), grace_days=4))
    assert len(plans) == 1
    accounts = {10: Account(net_balance=49.99, last_reminder=date(2026, 3, 25))}
    _, skipped = plan(items, accounts, Rules((1,), min_days_between=7))
    assert skipped == {10: dunning.SKIP_TOO_SOON}
    accounts = {10: Account(net_balance=49.99, last_reminder=date(2026, 3, 24))}
    plans, _ = plan(items, accounts, Rules((1,), min_days_between=7))
    assert len(plans) == 1


def test_too_soon_counts_days_either_side_of_the_last_reminder():
    assert dunning.too_soon(date(2026, 3, 25), AS_OF, 7)  # 6 days after
    assert not dunning.too_soon(date(2026, 3, 24), AS_OF, 7)  # 7 days after
    assert dunning.too_soon(date(2026, 4, 3), AS_OF, 7)  # another run sent 3 days after this run's date
    assert not dunning.too_soon(None, AS_OF, 7)
    assert not dunning.too_soon(AS_OF, AS_OF, 0)


def test_level_fee_fixed_percent_or_none():
    assert dunning.level_fee("fixed", 15.0, 0.0, 400.0) == 15.0
    assert dunning.level_fee("percent", 0.0, 2.5, 400.0) == 10.0  # 2.5 % of 400
    assert dunning.level_fee("percent", 0.0, 2.5, -30.0) == 0.0  # never on a credit balance
    assert dunning.level_fee("none", 15.0, 2.5, 400.0) == 0.0


def test_an_item_gets_the_first_hold_that_applies():
    assert dunning.item_hold() is None
    assert dunning.item_hold(invoice=False) == dunning.HOLD_NOT_INVOICE
    assert dunning.item_hold(disputed=True, promised=True) == dunning.HOLD_DISPUTED
    assert dunning.item_hold(promised=True, payment_plan=True) == dunning.HOLD_PROMISED
    assert dunning.item_hold(payment_plan=True, payment_blocked=True) == dunning.HOLD_PAYMENT_PLAN
    assert dunning.item_hold(payment_blocked=True, no_followup=True) == dunning.HOLD_PAYMENT_BLOCKED
    # an opening balance or a refund paid out: "no follow-up" is Odoo's default on such entries
    assert dunning.item_hold(invoice=False, no_followup=True) == dunning.HOLD_NOT_INVOICE
    assert dunning.item_hold(no_followup=True) == dunning.HOLD_NO_FOLLOWUP


def test_held_items_are_never_on_a_reminder():
    items = [
        Item(1, partner=10, due_date=date(2026, 2, 20), residual=200.0, hold=dunning.HOLD_DISPUTED),  # level 2
        Item(2, partner=10, due_date=date(2026, 3, 26), residual=100.0),  # 5 days: level 0
    ]
    [reminder], skipped = plan(items)
    assert skipped == {}
    assert reminder.level == 0, "the disputed item's level is not reached by the reminder"
    assert [pi.item.key for pi in reminder.items] == [2]
    assert reminder.overdue == 100.0


def test_a_customer_whose_every_item_is_held_gets_the_first_hold():
    items = [
        Item(1, partner=10, due_date=date(2026, 3, 1), residual=100.0, hold=dunning.HOLD_NO_FOLLOWUP),
        Item(2, partner=10, due_date=date(2026, 3, 1), residual=50.0, hold=dunning.HOLD_PROMISED),
        Item(3, partner=20, due_date=date(2026, 3, 1), residual=70.0, hold=dunning.HOLD_NOT_INVOICE),
        Item(4, partner=30, due_date=date(2026, 3, 1), residual=70.0, hold=dunning.HOLD_PAYMENT_PLAN),
        Item(5, partner=30, due_date=date(2026, 3, 1), residual=30.0, hold=dunning.HOLD_DISPUTED),
    ]
    plans, skipped = plan(items, {10: Account(net_balance=-1.0)})
    assert plans == []
    # holds before the gates: the customer's credits cover everything, yet what holds its items is its reason
    assert skipped == {10: dunning.HOLD_PROMISED, 20: dunning.HOLD_NOT_INVOICE, 30: dunning.HOLD_DISPUTED}
    assert dunning.left_out_amount(items[:2], AS_OF) == 150.0


def test_customer_holds_come_first_in_their_order():
    items = [
        Item(1, partner=10, due_date=date(2026, 3, 1), residual=100.0),
        Item(2, partner=20, due_date=date(2026, 3, 1), residual=200.0, hold=dunning.HOLD_DISPUTED),
        Item(3, partner=30, due_date=date(2026, 3, 1), residual=300.0),
        Item(4, partner=40, due_date=date(2026, 3, 1), residual=400.0),
        Item(5, partner=50, due_date=date(2026, 3, 1), residual=500.0),
    ]
    replied = date(2026, 3, 28)
    customers = {
        10: dunning.Customer(no_dunning=True, has_policy=False, replied_on=replied),
        20: dunning.Customer(has_policy=False, replied_on=replied),
        30: dunning.Customer(replied_on=replied),
        40: dunning.Customer(),
    }

    def rules_of(partner):
        assert customers.get(partner, dunning.Customer()).has_policy, "no rules are asked for a customer without"
        return RULES

    plans, skipped = dunning.plan_run(items, {}, rules_of, AS_OF, customers)
    assert skipped == {10: dunning.SKIP_NO_DUNNING, 20: dunning.SKIP_NO_POLICY, 30: dunning.SKIP_WAITING}
    assert sorted(p.partner for p in plans) == [40, 50]


def test_left_out_amount_counts_the_items_that_could_be_reminded_else_the_held_ones():
    invoice = Item(1, partner=10, due_date=date(2026, 2, 1), residual=900.0, hold=dunning.HOLD_PAYMENT_PLAN)
    instalment = Item(2, partner=10, due_date=date(2026, 3, 10), residual=300.0)
    assert dunning.left_out_amount([invoice, instalment], AS_OF) == 300.0, "a plan's invoice and instalment: once"
    assert dunning.left_out_amount([invoice], AS_OF) == 900.0
    _, skipped = plan([invoice, instalment], rules=Rules((1,), min_overdue_amount=500.0))
    assert skipped == {10: dunning.SKIP_MIN_AMOUNT}, "the gates judge the items that could be reminded"


PRE_DUE = Rules(level_days=(-3, 1, 15), min_days_between=7)


def test_a_pre_due_note_lists_what_falls_due_within_its_window_and_what_is_overdue():
    items = [
        Item(1, partner=10, due_date=date(2026, 4, 3), residual=100.0),  # due in 3 days: the pre-due level
        Item(2, partner=10, due_date=date(2026, 4, 5), residual=900.0),  # due in 5 days: not yet
        Item(3, partner=10, due_date=date(2026, 3, 20), residual=40.0, last_sent=1),  # overdue, already reminded
        Item(4, partner=20, due_date=date(2026, 4, 10), residual=70.0),  # nothing in the window
        Item(5, partner=30, due_date=date(2026, 3, 31), residual=60.0),  # due today
    ]
    plans, skipped = plan(items, rules=PRE_DUE)
    assert skipped == {}, "a customer with nothing overdue is never left out"
    by_partner = {p.partner: p for p in plans}
    assert sorted(by_partner) == [10, 30]
    note = by_partner[10]
    assert (note.level, note.pre_due) == (0, True)
    assert [(pi.item.key, pi.days_overdue, pi.level, pi.new_level) for pi in note.items] == [
        (3, 11, 1, False),
        (1, -3, 0, True),
    ]
    assert (note.overdue, note.upcoming, note.amount_due) == (40.0, 100.0, 140.0)
    assert by_partner[30].items[0].days_overdue == 0


def test_a_reminder_after_the_due_date_lists_only_the_overdue_items():
    items = [
        Item(1, partner=10, due_date=date(2026, 3, 28), residual=100.0, last_sent=0),  # 3 days late: level 1
        Item(2, partner=10, due_date=date(2026, 4, 2), residual=500.0),  # due in 2 days
    ]
    [reminder], _ = plan(items, rules=PRE_DUE)
    assert (reminder.level, reminder.pre_due) == (1, False)
    assert [pi.item.key for pi in reminder.items] == [1]
    assert reminder.amount_due == 100.0


def test_no_pre_due_note_once_the_invoice_is_late():
    late = [Item(1, partner=10, due_date=date(2026, 3, 30), residual=100.0)]  # 1 day late, never noted
    plans, skipped = plan(late, rules=Rules(level_days=(-3, 5)))
    assert (plans, skipped) == ([], {10: dunning.SKIP_NO_NEW_LEVEL})


def test_a_pre_due_note_waits_for_any_reminder_and_holds_back_none():
    overdue = [Item(1, partner=10, due_date=date(2026, 3, 28), residual=100.0, last_sent=0)]
    noted = {10: Account(net_balance=100.0, last_note=date(2026, 3, 29))}
    [reminder], _ = plan(overdue, noted, PRE_DUE)
    assert reminder.level == 1, "the note two days ago does not hold the first reminder back"
    upcoming = [Item(2, partner=10, due_date=date(2026, 4, 2), residual=100.0)]
    reminded = {10: Account(net_balance=100.0, last_reminder=date(2026, 3, 29))}
    assert plan(upcoming, reminded, PRE_DUE) == ([], {}), "too soon after a reminder, and nothing overdue to tell"


def test_the_latest_settled_reminder_of_a_customer_is_thanked_once():
    sent = [
        dunning.Sent(1, partner=10, day=date(2026, 3, 1), settled=True),  # superseded by reminder 2
        dunning.Sent(2, partner=10, day=date(2026, 3, 15), settled=True),
        dunning.Sent(3, partner=20, day=date(2026, 3, 15), settled=False),  # still owes
        dunning.Sent(4, partner=30, day=date(2026, 3, 15), settled=True, thanked=True),
        dunning.Sent(5, partner=40, day=date(2026, 3, 15), settled=True),
        dunning.Sent(6, partner=40, day=date(2026, 3, 15), settled=False),  # same day, sent after 5
    ]
    assert dunning.to_thank(sent) == [2]
