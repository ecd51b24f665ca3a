from odoo import api, fields, models

from ..tools import server_side


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

    # What was paid is the plan's to compute; the instalments themselves are its terms, fixed once it runs.
    MANAGED_FIELDS = ("amount_paid", "state")
    TERMS = ("plan_id", "sequence", "date_due", "amount")

    @api.model_create_multi
    def create(self, vals_list):
        server_side.check_managed_create(self, vals_list, self.MANAGED_FIELDS, {"state": "open"})
        plan_ids = {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        self.env["fb.payment.plan"].browse(plan_ids)._check_draft_terms()
        return super().create(vals_list)

    def write(self, vals):
        server_side.check_managed_write(self, vals, self.MANAGED_FIELDS)
        if set(vals) & set(self.TERMS):
            (self.plan_id | self.plan_id.browse(vals.get("plan_id"))).exists()._check_draft_terms()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running(self):
        self.plan_id._check_draft_terms()

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
