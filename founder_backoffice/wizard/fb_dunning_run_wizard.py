from odoo import api, fields, models


class FbDunningRunWizard(models.TransientModel):
    """Start a manual dunning run: pick a date and policy, then preview it before sending anything."""

    _name = "fb.dunning.run.wizard"
    _description = "Manual dunning run"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date = fields.Date(required=True, default=fields.Date.context_today)
    run_date = fields.Date(
        "Reminders dated",
        compute="_compute_run_date",
        help="Reminders are only produced on working days of the company calendar: a non-working day moves to the "
        "next working day.",
    )
    policy_id = fields.Many2one(
        "fb.dunning.policy",
        domain="[('company_id', '=', company_id)]",
        help="Only the customers of this policy. Empty: every customer.",
    )

    @api.depends("date", "company_id")
    def _compute_run_date(self):
        for wizard in self:
            wizard.run_date = wizard.date and wizard.company_id._fb_next_working_day(wizard.date)

    def action_preview(self):
        """Create the draft run and show what it would send; nothing is sent yet."""
        self.ensure_one()
        run = self.env["fb.dunning.run"].create(
            {"company_id": self.company_id.id, "date": self.run_date, "policy_id": self.policy_id.id}
        )
        run.action_compute()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fb.dunning.run",
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }
