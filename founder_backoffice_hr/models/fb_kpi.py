from odoo import api, models

from odoo.addons.founder_backoffice.engine import employees as staff
from odoo.addons.founder_backoffice.engine import kpi


class FbKpi(models.AbstractModel):
    _inherit = "fb.kpi"

    @api.model
    def _extra(self, company, date_from, date_to):
        """Headcount at both ends of the period, leavers, turnover and retention of the employees, counted by the
        engine's presence rule (``engine/employees.py``), archived employees included."""
        values = super()._extra(company, date_from, date_to)
        records = (
            self.env["hr.employee"].sudo().with_context(active_test=False).search([("company_id", "=", company.id)])
        )
        headcount_start, headcount_end, leavers = staff.movements(
            [
                staff.Employee(
                    employee.contract_date_start or None, employee.create_date.date(), employee.departure_date or None
                )
                for employee in records
            ],
            date_from,
            date_to,
        )
        values.update(
            headcount_start=headcount_start,
            headcount_end=headcount_end,
            leavers=leavers,
            employee_turnover=kpi.employee_turnover(leavers, headcount_start, headcount_end),
            employee_retention=kpi.employee_retention(headcount_start, leavers),
        )
        return values

    @api.model
    def _input_models(self):
        """The employees, and their versions (start of contract), are read by ``_extra``."""
        return (*super()._input_models(), "hr.employee", "hr.version")
