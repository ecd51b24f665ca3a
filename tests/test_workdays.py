from datetime import date

import pytest

from founder_backoffice.engine import workdays

SAUDI_WEEK = {6, 0, 1, 2, 3}  # Sunday to Thursday
ITALIAN_WEEK = {0, 1, 2, 3, 4}  # Monday to Friday
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 4, 4)
EASTER_MONDAY = date(2026, 4, 6)


def test_is_working_day():
    assert not workdays.is_working_day(FRIDAY, SAUDI_WEEK)
    assert workdays.is_working_day(FRIDAY, ITALIAN_WEEK)
    assert not workdays.is_working_day(EASTER_MONDAY, ITALIAN_WEEK, [EASTER_MONDAY])


def test_saudi_friday_moves_to_sunday():
    assert workdays.next_working_day(FRIDAY, SAUDI_WEEK) == date(2026, 11, 29)


def test_italian_saturday_moves_to_monday():
    assert workdays.next_working_day(SATURDAY, ITALIAN_WEEK) == EASTER_MONDAY


def test_a_holiday_on_that_monday_moves_it_to_tuesday():
    assert workdays.next_working_day(SATURDAY, ITALIAN_WEEK, {EASTER_MONDAY}) == date(2026, 4, 7)


def test_a_working_day_stays_put():
    assert workdays.next_working_day(FRIDAY, ITALIAN_WEEK) == FRIDAY


@pytest.mark.parametrize("weekdays", [set(), {7}, {-1, 0}])
def test_an_invalid_week_is_rejected(weekdays):
    with pytest.raises(ValueError):
        workdays.next_working_day(FRIDAY, weekdays)


def test_the_search_is_bounded():
    thursdays = {date.fromordinal(FRIDAY.toordinal() + 6 + 7 * week) for week in range(400)}
    with pytest.raises(ValueError):
        workdays.next_working_day(FRIDAY, {3}, thursdays)
