"""Who works for the company on a day: the headcount and leavers behind the employee turnover and retention.

An employee counts from its contract start date (else the day it was created) until its departure date: present on
every day from its start, gone from its departure day on. Archived employees count too, since archiving is how Odoo
records a departure.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Employee:
    contract_start: date | None
    created: date
    departure: date | None = None

    @property
    def start(self) -> date:
        return self.contract_start or self.created


def present(employee: Employee, day: date) -> bool:
    """Whether ``employee`` works for the company on ``day``."""
    return employee.start <= day and (not employee.departure or employee.departure > day)


def movements(employees, date_from: date, date_to: date) -> tuple:
    """``(headcount at date_from, headcount at date_to, leavers)`` of the period: the leavers are the employees
    present on its first day who depart within it (first and last days included)."""
    start = sum(1 for employee in employees if present(employee, date_from))
    end = sum(1 for employee in employees if present(employee, date_to))
    leavers = sum(
        1
        for employee in employees
        if employee.departure and date_from <= employee.departure <= date_to and present(employee, date_from)
    )
    return start, end, leavers
