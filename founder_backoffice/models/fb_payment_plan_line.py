from odoo import api, fields, models


class FbPaymentPlanLine(models.Model):
    """One instalment of a payment plan; a missed one is reminded like an overdue invoice."""

    _name = "fb.payment.plan.line"
    _description = "Payment plan instalment"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("fb.payment.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=1)
    date_due = fields.Date("Due date", required=True)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    amount_paid = fields.Monetary(currency_field="currency_id", readonly=True)
    amount_residual = fields.Monetary("Still due", currency_field="currency_id", compute="_compute_amount_residual")
    state = fields.Selection(
        [("open", "Open"), ("partial", "Partly paid"), ("paid", "Paid")], default="open", required=True, readonly=True
    )

    _amount_positive = models.Constraint("CHECK(amount > 0)", "An instalment needs a positive amount.")

    @api.depends("amount", "amount_paid")
    def _compute_amount_residual(self):
        for line in self:
            line.amount_residual = line.amount - line.amount_paid

    @api.depends("plan_id.name", "sequence", "plan_id.instalment_count")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(plan)s instalment %(number)s/%(count)s",
                plan=line.plan_id.name,
                number=line.sequence,
                count=len(line.plan_id.line_ids),
            )
