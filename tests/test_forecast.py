from datetime import date, timedelta

import pytest

from founder_backoffice.engine import forecast, receipts

AS_OF = date(2026, 3, 2)


def test_profile_of_a_customer_always_ten_days_late():
    profile = forecast.payment_profile([10] * 6)
    assert profile.mean_days_late == 10
    assert profile.median_days_late == 10
    assert profile.on_time_share == 0
    assert profile.trend == "stable"
    assert profile.grade == "C"


def test_no_history_is_an_empty_profile():
    assert forecast.payment_profile([]) == forecast.PaymentProfile()


@pytest.mark.parametrize(
    ("lateness", "expected"),
    [
        ([0, -2, 0, -5, 0], "A"),
        ([0, 0, 0, 30, 40], "B"),  # median on time but only 3 in 5 on time: not A
        ([3, 7, 5], "B"),
        ([8, 30, 12], "C"),
        ([45, 31, 60], "D"),
        ([61, 90, 75], "E"),
        ([0, 0, 0, 0, -1, 120], "A"),  # one invoice held back in a dispute does not sink a good payer
    ],
)
def test_grades_follow_the_median_and_the_on_time_share(lateness, expected):
    assert forecast.payment_profile(lateness).grade == expected


def test_trend_compares_the_newer_half_with_the_older_half():
    assert forecast.payment_trend([2, 3, 20, 25]) == "improving"  # newest first
    assert forecast.payment_trend([20, 25, 2, 3]) == "worsening"
    assert forecast.payment_trend([10, 12, 11, 10]) == "stable"
    assert forecast.payment_trend([1, 50, 1]) is None


def test_naive_forecast_is_the_due_date_and_the_past_is_now():
    assert forecast.naive_payment_date(AS_OF + timedelta(days=9), AS_OF) == AS_OF + timedelta(days=9)
    assert forecast.naive_payment_date(AS_OF - timedelta(days=9), AS_OF) == AS_OF


def _certain(ref, week, amount):
    """An item certainly received in ``week`` (None: not within the horizon)."""
    weeks = tuple(1.0 if index == week else 0.0 for index in range(forecast.FORECAST_WEEKS))
    return receipts.ItemForecast(ref, "customer", amount, weeks, None)


def test_weekly_forecast_by_hand():
    items = [
        _certain("inv1", 0, 100.0),
        _certain("inv2", 0, 50.0),
        _certain("inv3", 1, 400.0),
        _certain("inv4", None, 999.0),  # doubtful, or beyond the horizon
        receipts.ItemForecast("inv5", "customer", 1000.0, (0.05, 0.5) + (0.0,) * 11, None),  # 50, 500
    ]
    bills = [("bill1", AS_OF + timedelta(days=15), 800.0)]  # week 2
    weeks = forecast.weekly_forecast(AS_OF, 1000.0, items, bills, 100.0)
    assert len(weeks) == 13
    assert (weeks[0].start, weeks[0].end) == (AS_OF, AS_OF + timedelta(days=6))
    assert [(w.receipts, w.bills, w.net, w.closing) for w in weeks[:3]] == [
        (200.0, 0.0, 100.0, 1100.0),
        (900.0, 0.0, 800.0, 1900.0),
        (0.0, 800.0, -900.0, 1000.0),
    ]
    assert weeks[0].refs == ["inv1", "inv2"], "5 % of inv5 is not among the week's documents"
    assert weeks[0].receipts_low < 200.0 < weeks[0].receipts_high, "certain items, but the habits may be off"
    assert (weeks[2].receipts_low, weeks[2].receipts_high) == (0.0, 0.0)
    assert weeks[1].refs == ["inv3", "inv5"]
    assert weeks[2].refs == ["bill1"]
    assert weeks[-1].closing == pytest.approx(1000.0 - 10 * 100.0)
    assert forecast.lowest_week(weeks) is weeks[-1]
    assert forecast.cash_out_week(weeks) is None


def test_recurring_outflows_are_the_weekly_share_of_three_months():
    assert forecast.recurring_per_week([999.0, 5200.0, 5200.0, 5200.0]) == pytest.approx(1200.0)
    assert forecast.recurring_per_week([]) == 0.0


def test_wape_and_weekly_totals():
    assert forecast.weekly_totals([(AS_OF, 10.0), (AS_OF + timedelta(days=8), 5.0), (None, 3.0)], AS_OF, 2) == [
        10.0,
        5.0,
    ]
    assert forecast.wape([100.0, 100.0], [50.0, 150.0]) == pytest.approx(0.5)
    assert forecast.wape([0.0, 0.0], [1.0, 1.0]) is None


def test_a_history_keeps_each_customers_last_invoices_of_its_window():
    rows = [(1, 5), (2, 0), (1, 3), (1, 9), (2, -2)]  # newest paid first
    assert forecast.histories(rows, forecast.LatenessWindow(invoices=2)) == {1: [5, 3], 2: [0, -2]}


def test_the_grade_and_abnormally_late_read_named_windows_of_one_history():
    assert (forecast.PROFILE_WINDOW.invoices, forecast.PROFILE_WINDOW.months) == (20, 12)
    assert (forecast.ABNORMAL_WINDOW.invoices, forecast.ABNORMAL_WINDOW.months) == (10, None)
