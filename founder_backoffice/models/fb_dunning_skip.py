from odoo import api, fields, models
from odoo.tools.misc import format_date

from ..engine import dunning
from ..tools import server_side


class FbDunningSkip(models.Model):
    """A customer with overdue items that a dunning run leaves out, and the engine's reason: the preview says
    why someone gets nothing instead of leaving the collector to guess."""

    _name = "fb.dunning.skip"
    _description = "Customer left out of a dunning run"
    _order = "run_id, amount_overdue desc, id"

    run_id = fields.Many2one("fb.dunning.run", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True)
    reason = fields.Selection(
        [
            (dunning.SKIP_NET_BALANCE, "Credits cover the balance"),
            (dunning.SKIP_NO_NEW_LEVEL, "No new level reached"),
            (dunning.SKIP_TOO_SOON, "Reminded too recently"),
            (dunning.SKIP_CREDITS, "Credits cover the overdue"),
            (dunning.SKIP_MIN_AMOUNT, "Below the minimum amount"),
            (dunning.SKIP_NO_DUNNING, "Marked no dunning"),
            (dunning.SKIP_NO_POLICY, "No dunning policy"),
            (dunning.SKIP_WAITING, "Waiting for us"),
            (dunning.HOLD_DISPUTED, "Disputed"),
            (dunning.HOLD_PROMISED, "Promised to pay"),
            (dunning.HOLD_PAYMENT_PLAN, "In a payment plan"),
            (dunning.HOLD_PAYMENT_BLOCKED, "Payment blocked"),
            (dunning.HOLD_NOT_INVOICE, "Not invoices (payments, credit notes, entries)"),
            (dunning.HOLD_NO_FOLLOWUP, "Excluded from follow-up"),
        ],
        required=True,
        readonly=True,
    )
    date = fields.Date("Replied on", readonly=True, help="Waiting for us: the day the customer replied to a reminder.")
    reason_text = fields.Char("Why", compute="_compute_reason_text")
    amount_overdue = fields.Monetary("Overdue", readonly=True, currency_field="currency_id")

    @api.depends("reason", "date")
    @api.depends_context("lang")
    def _compute_reason_text(self):
        """The reason as the collector reads it, with the day of the customer's reply when it waits for us."""
        labels = dict(self._fields["reason"]._description_selection(self.env))
        for skip in self:
            if skip.reason == dunning.SKIP_WAITING and skip.date:
                skip.reason_text = self.env._("Replied on %s, not answered", format_date(self.env, skip.date))
            else:
                skip.reason_text = labels.get(skip.reason, False)

    @api.model_create_multi
    def create(self, vals_list):
        server_side.refuse_outside_actions(self)
        return super().create(vals_list)

    def write(self, vals):
        """What a run found is the run's to say."""
        server_side.check_managed_write(self, vals, self._fields)
        return super().write(vals)
