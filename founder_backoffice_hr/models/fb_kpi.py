from odoo import api, models

from odoo.addons.founder_backoffice.engine import kpi


class FbKpi(models.AbstractModel):
    _inherit = "fb.kpi"

    @api.model
    def _extra(self, company, date_from, date_to):
        """Headcount at both ends of the period, leavers, turnover and retention of the employees.

        An employee counts from its contract start date (else its creation) until its departure date; archived
        employees are included, since archiving is how Odoo records a departure.
        """
        values = super()._extra(company, date_from, date_to)
        employees = (
            self.env["hr.employee"].sudo().with_context(active_test=False).search([("company_id", "=", company.id)])
        )

        def present(employee, day):
            start = employee.contract_date_start or employee.create_date.date()
            return start <= day and (not employee.departure_date or employee.departure_date > day)

        headcount_start = sum(1 for employee in employees if present(employee, date_from))
        headcount_end = sum(1 for employee in employees if present(employee, date_to))
        leavers = employees.filtered(
            lambda e: e.departure_date and date_from <= e.departure_date <= date_to and present(e, date_from)
        )
        values.update(
            headcount_start=headcount_start,
            headcount_end=headcount_end,
            leavers=len(leavers),
            employee_turnover=kpi.employee_turnover(len(leavers), headcount_start, headcount_end),
            employee_retention=kpi.employee_retention(headcount_start, len(leavers)),
        )
        return values
