from odoo import fields, models


class FbCreditHoldWizard(models.TransientModel):
    """Put a customer on credit hold with the reason sales and accounting will see."""

    _name = "fb.credit.hold.wizard"
    _description = "Put on credit hold"

    partner_id = fields.Many2one(
        "res.partner", required=True, default=lambda self: self.env.context.get("fb_partner_id")
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.partner_id.commercial_partner_id._fb_put_on_credit_hold(self.reason)
        return {"type": "ir.actions.act_window_close"}
