from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from ..engine import agreements
from ..engine import promises as promise_rules
from ..tools import server_side
from .res_partner import REPLY_ACTIVITY


class FbPromise(models.Model):
    """A customer's promise to pay an amount on the given invoices by a date; dunning waits for it meanwhile.

    A promise read in a customer's reply to a reminder is only proposed: dunning does not wait for it until the
    collector confirms it (``action_confirm``)."""

    _name = "fb.promise"
    _description = "Promise to pay"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "promised_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        "fb_promise_account_move_rel",
        "promise_id",
        "account_move_id",
        string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount = fields.Monetary(required=True, currency_field="currency_id", tracking=True)
    amount_owed = fields.Monetary("Owed on the invoices", compute="_compute_amount_owed", currency_field="currency_id")
    amount_paid = fields.Monetary(
        "Paid since the promise", compute="_compute_amount_paid", currency_field="currency_id"
    )
    date = fields.Date("Promised on", required=True, default=fields.Date.context_today, readonly=True)
    promised_date = fields.Date("Pay by", required=True, tracking=True)
    collector_id = fields.Many2one("res.users", default=lambda self: self.env.user, required=True, tracking=True)
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("open", "Open"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancelled", "Withdrawn"),
        ],
        default="open",
        required=True,
        tracking=True,
    )
    note = fields.Text()

    # Written by the promise's actions and job only (see tools/server_side.py): the day it was made bounds how
    # long dunning waits for it.
    MANAGED_FIELDS = ("state", "date")

    @api.depends("move_ids.amount_residual_signed")
    def _compute_amount_owed(self):
        for promise in self:
            promise.amount_owed = sum(promise.move_ids.mapped("amount_residual_signed"))

    @api.depends("move_ids", "date")
    def _compute_amount_paid(self):
        paid = self._paid_by_promise()
        for promise in self:
            promise.amount_paid = paid.get(promise.id, 0.0)

    def _paid_by_promise(self, until=None):
        """``{promise id: amount}`` reconciled on each promise's invoices from its date (to ``until`` if given)."""
        return {
            promise.id: promise.move_ids._fb_amount_paid(promise.date, until and until[promise.id]) for promise in self
        }

    @api.constrains("amount", "promised_date", "move_ids", "partner_id", "date", "state")
    def _check_amount_and_date(self):
        """The bounds of an open promise (a proposed one keeps what the reply said until it is confirmed)."""
        today = fields.Date.context_today(self)
        for promise in self.filtered(lambda p: p.state == "open"):
            if promise.currency_id.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(self.env._("A promise to pay needs a positive amount."))
            if not agreements.agreed_date_ok(promise.date, today):
                raise ValidationError(
                    self.env._(
                        "A promise to pay is dated the day it is made, not later: %s is to come.",
                        format_date(self.env, promise.date),
                    )
                )
            if not agreements.promise_date_ok(promise.date, promise.promised_date):
                raise ValidationError(
                    self.env._(
                        "The promised date must be between the day of the promise and %(days)s days later; "
                        "for a longer delay, agree on a payment plan.",
                        days=agreements.PROMISE_MAX_DAYS,
                    )
                )
            promise.move_ids._fb_check_invoices_of(promise.partner_id)
            if promise.move_ids and promise.currency_id.compare_amounts(promise.amount, promise.amount_owed) > 0:
                raise ValidationError(
                    self.env._(
                        "The promise (%(amount)s) is for more than is owed on its invoices (%(owed)s).",
                        amount=promise.currency_id.format(promise.amount),
                        owed=promise.currency_id.format(promise.amount_owed),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        server_side.check_managed_create(self, vals_list, ("state",), {"state": "open"})
        promises = super().create(vals_list)
        promises.filtered(lambda p: p.state == "open")._move_customers_to_promised()
        return promises

    def _move_customers_to_promised(self):
        for company, batch in self.grouped("company_id").items():
            batch.partner_id.with_company(company)._fb_move_to_stage("promised")

    @api.depends("partner_id", "amount", "promised_date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(customer)s: %(amount)s by %(date)s",
                customer=promise.partner_id.name,
                amount=promise.currency_id.format(promise.amount),
                date=promise.promised_date and format_date(self.env, promise.promised_date),
            )

    def write(self, vals):
        server_side.check_managed_write(self, vals, self.MANAGED_FIELDS)
        return super().write(vals)

    def action_confirm(self):
        """The collector confirms a promise proposed from a customer's reply: it opens, within the usual bounds
        (checked now), and dunning waits for it."""
        self.check_access("write")
        proposed = self.filtered(lambda p: p.state == "proposed")
        proposed.sudo().state = "open"
        proposed._move_customers_to_promised()
        proposed._close_proposal_activities()

    def action_cancel(self):
        self.check_access("write")
        withdrawn = self.filtered(lambda p: p.state in ("proposed", "open"))
        withdrawn.sudo().state = "cancelled"
        withdrawn._close_proposal_activities()

    def _close_proposal_activities(self):
        self.sudo().activity_feedback([REPLY_ACTIVITY])

    @api.model
    def _cron_check_promises(self):
        """Daily: open promises are kept or broken by the engine's rule (``engine/promises.py``)."""
        today = fields.Date.context_today(self)
        promises = self.search([("state", "=", "open")])
        deadline = {p.id: promise_rules.deadline(p.promised_date, p._grace_days()) for p in promises}
        paid = promises._paid_by_promise(until=deadline)
        outcome = {
            p.id: promise_rules.outcome(paid[p.id], p.amount, deadline[p.id], today, p.currency_id.rounding)
            for p in promises
        }
        kept = promises.filtered(lambda p: outcome[p.id] == promise_rules.KEPT)
        kept.sudo().state = "kept"
        broken = promises.filtered(lambda p: outcome[p.id] == promise_rules.BROKEN)
        broken.sudo().state = "broken"
        for promise in broken:
            customer = promise.partner_id.with_company(promise.company_id)
            customer._fb_move_to_stage("escalated")
            promise.activity_schedule(
                "founder_backoffice.mail_activity_type_collections_call",
                date_deadline=today,
                summary=self.env._("Broken promise to pay"),
                user_id=customer.fb_collector_id.id or promise.collector_id.id,
            )

    def _grace_days(self):
        self.ensure_one()
        return self.partner_id._fb_dunning_policy(self.company_id).grace_days or 0
