"""When the money of open receivables is expected (``engine.receipts``): each item's money as a probability per
week, conditioned on how late it already is, with the calendar (payment runs, closures) and promises."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from founder_backoffice.engine import forecast, receipts

AS_OF = date(2026, 3, 2)  # a Monday


def _paid(partner, due, days_late, issued=None):
    return receipts.Paid(partner, issued, due, due + timedelta(days=days_late))


def _history(partner, lateness, first_due=date(2025, 4, 1), every=14):
    """``partner``'s invoices, due every ``every`` days from ``first_due``, paid ``lateness`` days late in turn."""
    rows = []
    for index in range(60):
        due = first_due + timedelta(days=every * index)
        paid = _paid(partner, due, lateness[index % len(lateness)])
        if paid.paid < AS_OF:
            rows.append(paid)
    return rows


def _item(partner, due, amount=1000.0, ref=None, **override):
    return receipts.OpenItem(ref or (partner, due), partner, due, amount, **override)


def _forecast(history, items, as_of=AS_OF, kept=None):
    return receipts.forecast_items(items, receipts.learn(history, as_of, kept), as_of)


def test_an_items_money_spreads_over_the_weeks_its_history_allows():
    """Old method: the whole item in the week of the median lateness (weekly totals lumpy)."""
    [item] = _forecast(_history("c", [3, 10, 17, 24, 31]), [_item("c", AS_OF)])
    assert max(item.weeks) < 0.5
    assert sum(1 for probability in item.weeks if probability > 0.1) >= 3
    assert sum(item.weeks) == pytest.approx(1.0, abs=0.05)


def test_no_ninety_day_cliff_and_no_next_week_for_a_customer_later_than_ever():
    """Old method: 85 days late expected in full next week, 95 days late never."""
    history = _history("c", [5, 10, 15, 60, 100]) + _history("d", [0, 5, 30])
    items = [_item("c", AS_OF - timedelta(days=85)), _item("c", AS_OF - timedelta(days=95))]
    at_85, at_95 = _forecast(history, items)
    assert 0 < sum(at_95.weeks) < sum(at_85.weeks) < 1
    assert sum(at_95.weeks) > 0.5 * sum(at_85.weeks), "ten more days change the chance a little, not all of it"
    [later_than_ever] = _forecast(_history("e", [0, 2, 4]), [_item("e", AS_OF - timedelta(days=40))])
    assert later_than_ever.weeks[0] < 0.5, "not all expected next week"
    assert later_than_ever.beyond > 0.1, "some of it may never come"


def test_a_customer_paying_on_the_tenth_is_expected_in_the_week_of_the_tenth():
    """Paid on the 10th of each month whatever the due date: the money lands in the week holding the next 10th."""
    history = []
    for month in range(1, 13):
        day = receipts.business_day(date(2025, month, 10))
        history += [receipts.Paid("c", None, day - timedelta(days=late), day) for late in (3, 9, 15) if day < AS_OF]
    history += _history("d", [0, 5, 20])
    [item] = _forecast(history, [_item("c", date(2026, 3, 3))])
    tenth = forecast.week_index(date(2026, 3, 10), AS_OF)
    assert item.weeks[tenth] > 0.7
    assert item.expected_date == date(2026, 3, 10)


def test_a_batch_payer_paying_every_other_friday_is_expected_on_its_fridays():
    fridays = [date(2025, 3, 7) + timedelta(days=14 * index) for index in range(26)]
    history = [receipts.Paid("c", None, friday - timedelta(days=late), friday) for friday in fridays for late in (2, 8)]
    [item] = _forecast(history, [_item("c", date(2026, 3, 2))])
    assert item.expected_date.weekday() == 4
    assert (item.expected_date - fridays[0]).days % 14 == 0


def test_last_augusts_closure_leaves_little_in_this_augusts_weeks():
    """Nothing was paid from 1 to 24 August last year: August's weeks get little, the week after gets the rest."""
    as_of = date(2026, 7, 27)  # a Monday
    history = []
    for partner in range(8):
        for index in range(70):
            due = date(2025, 6, 2) + timedelta(days=7 * index + partner % 5)
            paid = due + timedelta(days=5)
            if date(2025, 8, 1) <= paid <= date(2025, 8, 24):
                paid = date(2025, 8, 25)
            if paid < as_of:
                history.append(receipts.Paid(partner, None, due, paid))
    items = [_item(partner, as_of + timedelta(days=day)) for partner in range(8) for day in range(0, 35, 7)]
    weeks = forecast.weekly_forecast(as_of, 0.0, _forecast(history, items, as_of), [], 0.0)
    august = [week for week in weeks if date(2026, 8, 3) <= week.start <= date(2026, 8, 17)]
    assert len(august) == 3
    assert all(week.receipts < 0.3 * weeks[0].receipts for week in august)
    assert weeks[4].receipts > weeks[0].receipts, "what waited comes after the closure"


def test_a_thin_history_leans_on_the_company_a_long_one_on_itself():
    company = [row for partner in range(6) for row in _history(partner, [0, 1, 2])]
    thin = [_paid("thin", date(2026, 1, 5), 40)]
    long = _history("long", [38, 40, 42])
    items = [_item("thin", AS_OF), _item("long", AS_OF), _item(0, AS_OF)]
    thin_item, long_item, usual = _forecast(company + thin + long, items)
    assert usual.weeks[0] > 0.8
    assert 0.1 < thin_item.weeks[0] < 0.9, "one payment 40 days late is not the whole story"
    assert long_item.weeks[0] < 0.1


def test_a_promise_brings_its_kept_share_on_its_date_the_rest_by_habit():
    history = _history("c", [20, 21, 22])
    promised = AS_OF + timedelta(days=15)  # week 2
    item = _item("c", AS_OF - timedelta(days=5), override=promised, override_kind=receipts.PROMISE)
    [kept_70] = _forecast(history, [item], kept={receipts.PROMISE: 0.7, receipts.INSTALMENT: None})
    [habit] = _forecast(history, [replace(item, override=None, override_kind=None)])
    assert kept_70.weeks[2] == pytest.approx(0.7 + 0.3 * habit.weeks[2])
    assert kept_70.weeks[3] == pytest.approx(0.3 * habit.weeks[3])
    assert kept_70.expected_date == promised
    [unknown] = _forecast(history, [item])
    assert unknown.weeks[2] >= receipts.DEFAULT_KEPT[receipts.PROMISE]
    instalment = _item("c", promised, override=promised, override_kind=receipts.INSTALMENT)
    [plan] = _forecast(history, [instalment], kept={receipts.PROMISE: None, receipts.INSTALMENT: 0.2})
    assert plan.weeks[2] == pytest.approx(0.2, abs=0.05), "an unreliable plan: most of it by the habit, weeks later"
    assert plan.expected_date > promised


def test_expected_date_far_ahead_and_none_when_more_likely_never():
    history = _history("c", [10, 11, 12]) + _history("d", [0, 3])
    far = AS_OF + timedelta(days=150)
    [item] = _forecast(history, [_item("c", far)])
    assert sum(item.weeks) == 0 and item.expected_date is not None
    assert 8 <= (item.expected_date - far).days <= 16
    old = [_item("c", AS_OF - timedelta(days=200 + day), ref=(day,)) for day in range(20)]
    assert all(forecast_.expected_date is None for forecast_ in _forecast(history, old))


def test_a_silent_customer_owing_overdue_money_is_less_likely_to_pay():
    history = _history("c", [5, 6, 7], first_due=date(2025, 3, 1))
    silent = [row for row in history if row.paid < AS_OF - timedelta(days=120)]
    items = [_item("c", AS_OF - timedelta(days=30)), _item("c", AS_OF + timedelta(days=10), ref=("next",))]
    paying = _forecast(history, items)
    stopped = _forecast(silent, items)
    assert sum(stopped[1].weeks) < 0.5 * sum(paying[1].weeks)


def _company_forecast():
    history = [row for partner in range(5) for row in _history(partner, [partner * 5, partner * 5 + 7, 3])]
    items = [
        _item(partner, AS_OF + timedelta(days=day), 500.0 * (partner + 1))
        for partner in range(5)
        for day in (-20, 9, 30)
    ]
    return forecast.weekly_forecast(AS_OF, 0.0, _forecast(history, items), [], 0.0)


def test_each_weeks_range_holds_its_expected_receipts_and_the_forecast_is_deterministic():
    weeks = _company_forecast()
    assert all(week.receipts_low <= week.receipts <= week.receipts_high for week in weeks)
    assert any(week.receipts_low < week.receipts < week.receipts_high for week in weeks)
    assert [(w.receipts, w.receipts_low, w.receipts_high) for w in weeks] == [
        (w.receipts, w.receipts_low, w.receipts_high) for w in _company_forecast()
    ]


def test_items_paid_together_widen_the_range():
    weeks = range(forecast.FORECAST_WEEKS)
    one_week = tuple(0.5 if index == 0 else 0.0 for index in weeks)
    items = [receipts.ItemForecast((index,), "c", 100.0, one_week, None) for index in range(10)]
    apart = forecast.weekly_forecast(AS_OF, 0.0, items, [], 0.0)[0]
    together = forecast.weekly_forecast(
        AS_OF, 0.0, [receipts.ItemForecast(i.ref, "c", 100.0, one_week, None, together=1.0) for i in items], [], 0.0
    )[0]
    assert apart.receipts == together.receipts == 500.0
    assert together.receipts_high - together.receipts_low > apart.receipts_high - apart.receipts_low
    assert together.receipts_low == 0.0, "all or nothing: half the time nothing comes"
