from odoo import api, fields, models


class FbKpiSnapshot(models.Model):
    _inherit = "fb.kpi.snapshot"

    headcount_end = fields.Integer("Headcount", readonly=True)
    employee_turnover = fields.Float("Employee turnover", readonly=True, digits=(16, 3))

    @api.model
    def _dashboard_cards(self):
        return [
            *super()._dashboard_cards(),
            ("headcount_end", "number", None, True),
            ("employee_turnover", "percent", False, True),
        ]

    def _card_labels(self):
        labels = super()._card_labels()
        labels["headcount_end"] = (self.env._("Headcount"), self.env._("Employees at the end of the period."))
        labels["employee_turnover"] = (
            self.env._("Employee turnover"),
            self.env._("Employees who left during the period / average headcount."),
        )
        return labels
