from datetime import date, datetime, timedelta

from founder_backoffice.engine import freshness

COMPUTED = datetime(2026, 3, 31, 10, 0)


def test_figures_are_served_fresh_for_two_intervals_of_the_job_then_stale():
    assert not freshness.is_stale(COMPUTED, COMPUTED + timedelta(minutes=30))
    assert freshness.is_stale(COMPUTED, COMPUTED + timedelta(minutes=30, seconds=1))


def test_a_change_committed_late_by_a_transaction_begun_before_the_figures_still_counts():
    assert freshness.changes_since(COMPUTED) == COMPUTED - timedelta(minutes=5)


def test_the_job_computes_again_what_is_missing_changed_or_of_another_day_and_nothing_else():
    today = date(2026, 3, 31)
    assert freshness.must_compute(None, today, changed=False), "none stored yet"
    assert freshness.must_compute(date(2026, 3, 30), today, changed=False), "a day old: computed whatever changed"
    assert freshness.must_compute(today, today, changed=True)
    assert not freshness.must_compute(today, today, changed=False)
