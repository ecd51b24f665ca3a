from . import test_employee_kpis
