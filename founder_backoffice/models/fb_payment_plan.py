from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools.misc import format_date

from ..engine import agreements, instalments
from ..tools import server_side


class FbPaymentPlan(models.Model):
    """An agreed schedule to pay chosen invoices in instalments; dunning follows the instalments instead."""

    _name = "fb.payment.plan"
    _description = "Payment plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        "fb_payment_plan_account_move_rel",
        "plan_id",
        "account_move_id",
        string="Invoices",
        check_company=True,
        required=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="What the plan spreads; defaults to what is owed on its invoices.",
    )
    instalment_count = fields.Integer("Instalments", default=3, required=True)
    frequency = fields.Selection(
        [("weekly", "Weekly"), ("biweekly", "Every two weeks"), ("monthly", "Monthly"), ("quarterly", "Quarterly")],
        default="monthly",
        required=True,
    )
    first_date = fields.Date("First instalment", required=True, default=fields.Date.context_today)
    date = fields.Date("Agreed on", default=fields.Date.context_today, required=True)
    line_ids = fields.One2many("fb.payment.plan.line", "plan_id", string="Instalment lines", copy=False)
    amount_paid = fields.Monetary(currency_field="currency_id", compute="_compute_payments")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("proposed", "Proposed to the customer"),
            ("active", "Running"),
            ("done", "Paid off"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    collector_id = fields.Many2one("res.users", default=lambda self: self.env.user)

    # Written by the plan's actions and jobs only (see tools/server_side.py); the terms, in draft only.
    MANAGED_FIELDS = ("state", "date")
    TERMS = (
        "partner_id",
        "company_id",
        "move_ids",
        "amount",
        "instalment_count",
        "frequency",
        "first_date",
        "line_ids",
    )

    @api.depends("move_ids")
    def _compute_amount(self):
        for plan in self:
            plan.amount = sum(plan.move_ids.mapped("amount_residual_signed"))

    @api.depends("line_ids.amount_paid")
    def _compute_payments(self):
        for plan in self:
            plan.amount_paid = sum(plan.line_ids.mapped("amount_paid"))

    @api.constrains("amount", "line_ids", "instalment_count", "move_ids", "partner_id", "first_date", "date")
    def _check_lines(self):
        today = fields.Date.context_today(self)
        for plan in self:
            if not agreements.agreed_date_ok(plan.date, today):
                raise ValidationError(
                    self.env._(
                        "A payment plan is dated the day it is agreed, not later: %s is to come.",
                        format_date(self.env, plan.date),
                    )
                )
            if plan.instalment_count < 1:
                raise ValidationError(self.env._("A payment plan needs at least one instalment."))
            if plan.currency_id.compare_amounts(plan.amount, 0) <= 0:
                raise ValidationError(self.env._("A payment plan needs a positive amount."))
            plan.move_ids._fb_check_invoices_of(plan.partner_id)
            lines = plan.line_ids.sorted("sequence")
            if not agreements.plan_dates_ok(plan.date, [plan.first_date, *lines.mapped("date_due")]):
                raise ValidationError(
                    self.env._(
                        "The instalments of a payment plan fall between the day it is agreed and %(days)s days later.",
                        days=agreements.PLAN_MAX_DAYS,
                    )
                )
            if lines and any(b.date_due < a.date_due for a, b in pairwise(lines)):
                raise ValidationError(self.env._("The instalments of a payment plan must be in date order."))
            if lines and plan.currency_id.compare_amounts(sum(lines.mapped("amount")), plan.amount):
                raise ValidationError(self.env._("The instalments must add up to the amount of the plan."))

    @api.model_create_multi
    def create(self, vals_list):
        server_side.check_managed_create(self, vals_list, ("state",), {"state": "draft"})
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("fb.payment.plan") or "/"
        return super().create(vals_list)

    def write(self, vals):
        server_side.check_managed_write(self, vals, self.MANAGED_FIELDS)
        if set(vals) & set(self.TERMS):
            self._check_draft_terms()
        return super().write(vals)

    def _check_draft_terms(self):
        """Once a plan runs, its invoices, amount and instalments are what the customer agreed to."""
        if not self.env.su and any(plan.state != "draft" for plan in self):
            self.check_access("write")
            raise UserError(
                self.env._(
                    "The terms of a running payment plan are what the customer agreed to: cancel it and agree on "
                    "a new one."
                )
            )

    def action_compute_instalments(self):
        """Split the amount into equal instalments, the rounding difference on the last one."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be recomputed."))
            try:
                instalments.check_count(plan.instalment_count)
            except ValueError as error:
                raise ValidationError(
                    self.env._("A payment plan has from 1 to %s instalments.", instalments.MAX_COUNT)
                ) from error
            try:
                amounts = instalments.split_amount(plan.amount, plan.instalment_count, plan.currency_id.rounding)
            except ValueError as error:
                raise ValidationError(
                    self.env._("The amount %s cannot be split into these instalments.", plan.amount)
                ) from error
            try:
                dates = instalments.schedule_dates(plan.first_date, plan.instalment_count, plan.frequency)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The instalments of this plan cannot be dated from %s.", format_date(self.env, plan.first_date)
                    )
                ) from error
            plan.line_ids = [Command.clear()] + [
                Command.create({"sequence": index, "date_due": due, "amount": float(amount)})
                for index, (due, amount) in enumerate(zip(dates, amounts, strict=True), start=1)
            ]

    def action_start(self):
        """Start the plan the customer agreed to (by phone, in writing): a draft, or one proposed on the page."""
        self.check_access("write")
        for plan in self:
            if plan.state not in ("draft", "proposed"):
                raise UserError(self.env._("Only a draft or proposed plan can be started."))
            if not plan.line_ids:
                plan.action_compute_instalments()
            plan.sudo().state = "active"
        self._fb_start_following()

    def action_propose(self):
        """Offer the plan to the customer: its instalments are fixed and shown on the collections page of the
        customer's reminders, where the customer accepts it."""
        self.check_access("write")
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be proposed to the customer."))
            if not plan.line_ids:
                plan.action_compute_instalments()
            plan.sudo().state = "proposed"

    def _fb_accept_by_customer(self):
        """The customer accepted the proposed plan on the collections page (called in superuser mode by the
        portal controller, after its checks): it runs from today, the day it is agreed."""
        today = fields.Date.context_today(self)
        for plan in self:
            plan.sudo().write({"state": "active", "date": today})
            plan._message_log(
                body=self.env._("Payment plan accepted by the customer on %s.", format_date(self.env, today)),
                author_id=plan.partner_id.id,
            )
        self._fb_start_following()

    def _fb_start_following(self):
        for plan in self:
            plan.partner_id.with_company(plan.company_id)._fb_move_to_stage("plan")

    def action_cancel(self):
        self.check_access("write")
        self.sudo().state = "cancelled"

    def _update_instalments(self):
        """Spread what was paid on the invoices since the plan was agreed over its instalments, in date order."""
        for plan in self.filtered(lambda p: p.state in ("active", "done")):
            paid = plan.move_ids._fb_amount_paid(plan.date)
            lines = plan.line_ids.sorted(lambda line: (line.date_due, line.sequence))
            spread = instalments.allocate_payments(lines.mapped("amount"), paid, plan.currency_id.rounding)
            for line, (amount_paid, state) in zip(lines, spread, strict=True):
                line.sudo().write({"amount_paid": float(amount_paid), "state": state})
            plan.sudo().state = "done" if all(state == "paid" for _amount, state in spread) else "active"

    @api.model
    def _cron_update_plans(self):
        self.search([("state", "=", "active")])._update_instalments()
