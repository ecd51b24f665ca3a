from odoo import api, fields, models

from ..tools import server_side


class FbDispute(models.Model):
    """A customer contests an invoice: while open, dunning leaves the invoice alone."""

    _name = "fb.dispute"
    _description = "Invoice dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        "Invoice",
        required=True,
        index=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
        tracking=True,
    )
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True, index=True, string="Customer")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        "Disputed amount",
        currency_field="currency_id",
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="Company currency; defaults to what is still due on the invoice.",
    )
    reason = fields.Selection(
        [
            ("wrong_amount", "Wrong amount"),
            ("not_received", "Goods or service not received"),
            ("quality", "Quality"),
            ("duplicate", "Duplicate invoice"),
            ("other", "Other"),
        ],
        required=True,
        tracking=True,
    )
    note = fields.Text()
    date = fields.Date("Opened on", required=True, default=fields.Date.context_today)
    date_closed = fields.Date("Closed on", readonly=True)
    age = fields.Integer("Age (days)", compute="_compute_age")
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")],
        default="open",
        required=True,
        tracking=True,
    )

    # Written by the dispute's actions only (see tools/server_side.py).
    MANAGED_FIELDS = ("state", "date_closed")

    @api.model_create_multi
    def create(self, vals_list):
        server_side.check_managed_create(self, vals_list, self.MANAGED_FIELDS, {"state": "open"})
        return super().create(vals_list)

    def write(self, vals):
        server_side.check_managed_write(self, vals, self.MANAGED_FIELDS)
        return super().write(vals)

    @api.depends("move_id")
    def _compute_amount(self):
        for dispute in self:
            dispute.amount = dispute.move_id.amount_residual_signed

    @api.depends("date", "date_closed")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            dispute.age = ((dispute.date_closed or today) - dispute.date).days if dispute.date else 0

    @api.depends("move_id", "reason")
    def _compute_display_name(self):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        for dispute in self:
            dispute.display_name = f"{dispute.move_id.name} ({reasons.get(dispute.reason, '')})"

    def action_resolve(self):
        self._close("resolved")

    def action_reject(self):
        self._close("rejected")

    def action_reopen(self):
        self.check_access("write")
        self.sudo().write({"state": "open", "date_closed": False})

    def _close(self, state):
        self.check_access("write")
        self.filtered(lambda d: d.state == "open").sudo().write(
            {"state": state, "date_closed": fields.Date.context_today(self)}
        )
