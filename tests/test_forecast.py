from datetime import date, timedelta

import pytest

from founder_backoffice.engine import forecast

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


def test_expected_date_is_due_date_plus_the_customers_lateness():
    due = AS_OF + timedelta(days=5)
    assert forecast.expected_payment_date(due, [10, 10, 10], AS_OF) == due + timedelta(days=10)


def test_a_promise_or_an_instalment_overrides_the_habit():
    due = AS_OF + timedelta(days=5)
    promised = AS_OF + timedelta(days=30)
    assert forecast.expected_payment_date(due, [10, 10, 10], AS_OF, override=promised) == promised
    assert forecast.expected_payment_date(due, [10], AS_OF, override=AS_OF - timedelta(days=3)) == AS_OF


def test_an_invoice_already_late_is_expected_at_the_lateness_of_those_as_late():
    due = AS_OF - timedelta(days=20)  # 20 days late now; the customer pays on time or about 45 days late
    assert forecast.expected_payment_date(due, [0, 0, 0, 44, 46], AS_OF) == due + timedelta(days=45)


def test_later_than_ever_is_expected_next_week_and_doubtful_after_ninety_days():
    assert forecast.expected_payment_date(AS_OF - timedelta(days=30), [5, 10], AS_OF) == AS_OF + timedelta(days=7)
    assert forecast.expected_payment_date(AS_OF - timedelta(days=91), [5, 10], AS_OF) is None
    assert forecast.expected_payment_date(AS_OF - timedelta(days=91), [], AS_OF) is None


def test_without_any_history_the_due_date_and_the_past_is_now():
    assert forecast.expected_payment_date(AS_OF + timedelta(days=9), [], AS_OF) == AS_OF + timedelta(days=9)
    assert forecast.expected_payment_date(AS_OF - timedelta(days=9), [], AS_OF) == AS_OF
    assert forecast.naive_payment_date(AS_OF - timedelta(days=9), AS_OF) == AS_OF


def test_weekly_forecast_by_hand():
    receipts = [
        ("inv1", AS_OF - timedelta(days=3), 100.0),  # expected earlier: week 0
        ("inv2", AS_OF + timedelta(days=6), 50.0),  # last day of week 0
        ("inv3", AS_OF + timedelta(days=7), 400.0),  # week 1
        ("inv4", None, 999.0),  # doubtful
        ("inv5", AS_OF + timedelta(days=7 * 13), 999.0),  # beyond the horizon
    ]
    bills = [("bill1", AS_OF + timedelta(days=15), 800.0)]  # week 2
    weeks = forecast.weekly_forecast(AS_OF, 1000.0, receipts, bills, 100.0)
    assert len(weeks) == 13
    assert (weeks[0].start, weeks[0].end) == (AS_OF, AS_OF + timedelta(days=6))
    assert [(w.receipts, w.bills, w.net, w.closing) for w in weeks[:3]] == [
        (150.0, 0.0, 50.0, 1050.0),
        (400.0, 0.0, 300.0, 1350.0),
        (0.0, 800.0, -900.0, 450.0),
    ]
    assert weeks[0].refs == ["inv1", "inv2"]
    assert weeks[2].refs == ["bill1"]
    assert weeks[-1].closing == pytest.approx(450.0 - 10 * 100.0)
    assert forecast.lowest_week(weeks) is weeks[-1]
    assert forecast.cash_out_week(weeks) is weeks[7]  # 450 - 5 x 100 = -50 at the end of week 7


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
