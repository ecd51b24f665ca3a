"""Working days of a company calendar, to move scheduled runs off weekends and public holidays.

Weekdays are numbered as in ``date.weekday()`` and Odoo's ``resource.calendar.attendance.dayofweek``:
Monday is 0 and Sunday 6, so an Italian week is ``{0, 1, 2, 3, 4}`` and a Saudi one ``{6, 0, 1, 2, 3}``.
"""

from datetime import date, timedelta

MAX_SEARCH_DAYS = 5 * 366


def is_working_day(day: date, working_weekdays, holidays=()) -> bool:
    """Whether ``day`` falls on a working weekday and is not one of ``holidays``."""
    return day.weekday() in working_weekdays and day not in holidays


def next_working_day(day: date, working_weekdays, holidays=()) -> date:
    """``day`` if it is a working day, else the first working day after it.

    ``ValueError`` for a week without valid working weekdays, or when holidays cover every working day of
    the next few years, rather than searching forever.
    """
    weekdays = frozenset(working_weekdays)
    if not weekdays or not weekdays <= frozenset(range(7)):
        raise ValueError(f"working weekdays must be a non-empty set of 0 (Monday) to 6 (Sunday), got {weekdays}")
    holidays = frozenset(holidays)
    for offset in range(MAX_SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, weekdays, holidays):
            return candidate
    raise ValueError(f"no working day within {MAX_SEARCH_DAYS} days from {day.isoformat()}")
