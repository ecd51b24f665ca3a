from datetime import date

from founder_backoffice.engine import forecast_accuracy, receipts


def test_a_freeze_is_made_as_of_the_sunday_before_the_week_whatever_day_the_job_runs():
    for today in (date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 8)):
        assert forecast_accuracy.freeze_day(today) == date(2026, 3, 1)
    days = forecast_accuracy.backfill_days(date(2026, 3, 4))
    assert (days[0], days[-1], len(days)) == (date(2025, 11, 30), date(2026, 3, 1), 14)


def test_the_weeks_of_a_freeze_run_monday_to_sunday():
    weeks = forecast_accuracy.frozen_weeks(date(2026, 3, 1))
    assert (weeks[0].horizon, weeks[0].start, weeks[0].end) == (1, date(2026, 3, 2), date(2026, 3, 8))
    assert (weeks[-1].horizon, weeks[-1].start, weeks[-1].end) == (13, date(2026, 5, 25), date(2026, 5, 31))
    assert not forecast_accuracy.is_finished(date(2026, 3, 8), date(2026, 3, 8))
    assert forecast_accuracy.is_finished(date(2026, 3, 8), date(2026, 3, 9))


def test_expected_and_received_per_grade_with_no_history_apart():
    items = [
        receipts.ItemForecast((1,), "rossi", 1000.0, (0.5, 0.5), None),
        receipts.ItemForecast((2,), "verdi", 300.0, (0.0, 0.5), None),
    ]
    grades = {"rossi": "C", "verdi": None}
    expected = forecast_accuracy.expected_by_grade(items, grades, weeks=3)
    assert expected == {"C": [500.0, 500.0, 0.0], "none": [0.0, 150.0, 0.0]}
    payments = [
        ("rossi", date(2026, 3, 1), 99.0),  # on the freeze day: not open at the freeze
        ("rossi", date(2026, 3, 8), 400.0),  # the Sunday ending week 1
        ("verdi", date(2026, 3, 9), 300.0),
        ("rossi", date(2026, 3, 23), 600.0),  # week 4: beyond these 3 weeks
    ]
    received = forecast_accuracy.received_by_grade(payments, date(2026, 3, 1), grades, weeks=3)
    assert received == {"C": [400.0, 0.0, 0.0], "none": [0.0, 300.0, 0.0]}


def test_running_wape_bias_and_weeks_inside_the_range():
    # (expected, received, low, high): off by 500, 500 and 300 on 1,700 received; 1,400 expected
    weeks = [(900.0, 400.0, 300.0, 1200.0), (500.0, 1000.0, 200.0, 800.0), (0.0, 300.0, 0.0, 0.0)]
    accuracy = forecast_accuracy.accuracy(weeks)
    assert accuracy.weeks == 3
    assert abs(accuracy.wape - 13 / 17) < 1e-9
    assert abs(accuracy.bias + 3 / 17) < 1e-9
    assert accuracy.in_range == 1
    assert forecast_accuracy.accuracy([]) == forecast_accuracy.Accuracy()
    nothing_came_in = forecast_accuracy.accuracy([(100.0, 0.0, 0.0, 200.0)])
    assert (nothing_came_in.wape, nothing_came_in.bias, nothing_came_in.in_range) == (None, None, 1)


def test_a_week_has_no_difference_until_it_is_over():
    assert forecast_accuracy.difference(900.0, 400.0, finished=False) == 0.0
    assert forecast_accuracy.difference(900.0, 400.0, finished=True) == -500.0
