from odoo import api, models

from odoo.addons.founder_backoffice.models.fb_kpi_snapshot import KpiDefinition

HR_KPIS = [
    KpiDefinition("headcount_end", "Headcount", "Employees at the end of the period.", "count"),
    KpiDefinition(
        "employee_turnover",
        "Employee turnover",
        "Employees who left during the period / average headcount.",
        "percent",
        False,
    ),
]


class FbKpiSnapshot(models.Model):
    _inherit = "fb.kpi.snapshot"

    vars().update({definition.key: definition.field() for definition in HR_KPIS})

    @api.model
    def _kpis(self):
        return [*super()._kpis(), *HR_KPIS]
