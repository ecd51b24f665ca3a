from datetime import date

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestEmployeeKpis(TransactionCase):
    def test_headcount_turnover_and_retention(self):
        company = self.env["res.company"].create({"name": "Staffed Co"})
        Employee = self.env["hr.employee"].with_company(company)
        for name, start, departure in (
            ("Anna", date(2025, 1, 1), None),
            ("Bruno", date(2025, 6, 1), date(2026, 2, 15)),  # leaves during Q1
            ("Carla", date(2026, 2, 1), None),  # joins during Q1
            ("Dario", date(2025, 3, 1), None),
        ):
            employee = Employee.create({"name": name, "company_id": company.id, "contract_date_start": start})
            if departure:
                employee.write({"departure_date": departure, "active": False})
        values = self.env["fb.kpi"]._extra(company, date(2026, 1, 1), date(2026, 3, 31))
        # start of Q1: Anna, Bruno, Dario = 3 ; end: Anna, Carla, Dario = 3 ; one leaver
        self.assertEqual((values["headcount_start"], values["headcount_end"], values["leavers"]), (3, 3, 1))
        self.assertAlmostEqual(values["employee_turnover"], 1 / 3)  # 1 / ((3 + 3) / 2)
        self.assertAlmostEqual(values["employee_retention"], 2 / 3)  # (3 - 1) / 3
        cards = {definition.key for definition in self.env["fb.kpi.snapshot"]._kpis() if definition.card}
        self.assertIn("employee_turnover", cards)
