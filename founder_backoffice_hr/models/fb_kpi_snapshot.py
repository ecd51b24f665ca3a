from odoo import api, models

from odoo.addons.founder_backoffice.engine import kpi_definitions
from odoo.addons.founder_backoffice.engine.kpi_definitions import KpiDefinition
from odoo.addons.founder_backoffice.models.fb_kpi_snapshot import kpi_field

HR_KPIS = (
    KpiDefinition("headcount_end", "Headcount", "Employees at the end of the period.", "count"),
    KpiDefinition(
        "employee_turnover",
        "Employee turnover",
        "Employees who left during the period / average headcount.",
        "percent",
        False,
    ),
)
HR_KPI = {definition.key: definition for definition in HR_KPIS}


class FbKpiSnapshot(models.Model):
    _inherit = "fb.kpi.snapshot"

    headcount_end = kpi_field(HR_KPI["headcount_end"])
    employee_turnover = kpi_field(HR_KPI["employee_turnover"])

    @api.model
    def _kpis(self):
        """The registry with the employees' KPIs, which ``fb.kpi._extra`` computes here."""
        return kpi_definitions.registry(super()._kpis(), HR_KPIS)
