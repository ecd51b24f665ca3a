from datetime import date

from founder_backoffice.engine.employees import Employee, movements, present

JAN_1, JUN_30 = date(2026, 1, 1), date(2026, 6, 30)


def test_presence_runs_from_contract_start_else_creation_until_departure():
    hired = Employee(date(2026, 2, 1), date(2025, 12, 1))
    assert hired.start == date(2026, 2, 1)
    assert not present(hired, date(2026, 1, 31))
    assert present(hired, date(2026, 2, 1))
    created = Employee(None, date(2025, 12, 1), departure=date(2026, 3, 31))
    assert created.start == date(2025, 12, 1)
    assert present(created, date(2026, 3, 30))
    assert not present(created, date(2026, 3, 31))  # gone on its departure day


def test_movements_of_a_half_year():
    employees = [
        Employee(date(2024, 1, 1), date(2024, 1, 1)),  # stays
        Employee(date(2024, 1, 1), date(2024, 1, 1), departure=date(2026, 6, 30)),  # leaves on the last day
        Employee(date(2025, 5, 1), date(2025, 5, 1), departure=date(2026, 1, 1)),  # leaves on the first day
        Employee(date(2026, 3, 1), date(2026, 3, 1), departure=date(2026, 5, 1)),  # came and went: no leaver
        Employee(date(2026, 4, 1), date(2026, 4, 1)),  # joined
        Employee(date(2023, 1, 1), date(2023, 1, 1), departure=date(2025, 12, 31)),  # gone before
    ]
    # on 1 January the first two (the third left that day), on 30 June the first and the fifth; one leaver
    assert movements(employees, JAN_1, JUN_30) == (2, 2, 1)


def test_no_employees():
    assert movements([], JAN_1, JUN_30) == (0, 0, 0)
