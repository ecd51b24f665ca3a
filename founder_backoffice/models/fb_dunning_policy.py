from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import dunning


class FbDunningPolicy(models.Model):
    """How a company reminds late customers: the levels, and the gates a customer must pass to get one."""

    _name = "fb.dunning.policy"
    _description = "Dunning policy"
    _order = "company_id, is_default desc, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    is_default = fields.Boolean(
        "Default policy",
        help="Used for every customer of the company that has no policy of its own. One per company.",
    )
    level_ids = fields.One2many("fb.dunning.level", "policy_id", string="Levels", copy=True)
    level_count = fields.Integer(compute="_compute_level_count")
    grace_days = fields.Integer(
        help="No reminder until an invoice is more than this many days late (payments in transit). "
        "Later levels keep their own thresholds."
    )
    min_overdue_amount = fields.Monetary(
        "Minimum overdue amount",
        currency_field="currency_id",
        help="Customers who owe less than this overdue (company currency) are not reminded.",
    )
    offset_credits = fields.Boolean(
        "Credits offset the balance",
        default=True,
        help="Open credit notes and unapplied payments reduce the overdue amount the customer is asked to pay.",
    )
    min_days_between = fields.Integer(
        "Days between reminders",
        default=7,
        help="A customer gets no new reminder until this many days after the previous one.",
    )
    interest_margin = fields.Float(
        "Interest margin (points)",
        default=8.0,
        digits=(16, 2),
        help="Added to the ECB reference rate of each half-year (EU Directive 2011/7/EU: 8 points).",
    )
    compensation_amount = fields.Float(
        "Compensation per invoice (EUR)",
        default=40.0,
        digits=(16, 2),
        help="Fixed recovery compensation charged once per invoice at an interest level "
        "(Directive 2011/7/EU art. 6), converted when the company currency is not EUR. 0 disables it.",
    )
    fee_booking = fields.Selection(
        [("none", "Record only"), ("draft", "Draft invoice"), ("posted", "Posted invoice")],
        "Book fees and interest",
        default="none",
        required=True,
        help="Fees and interest are always recorded on the reminders; optionally also invoiced to the customer, "
        "one invoice per customer and run.",
    )
    fee_product_id = fields.Many2one(
        "product.product",
        "Fee product",
        check_company=True,
        help="Service product (and so income account) the fees, interest and compensation are invoiced on.",
    )

    _one_default_per_company = models.UniqueIndex(
        "(company_id) WHERE is_default AND active", "A company has only one default dunning policy."
    )
    _grace_days_positive = models.Constraint("CHECK(grace_days >= 0)", "Grace days cannot be negative.")
    _min_days_between_positive = models.Constraint(
        "CHECK(min_days_between >= 0)", "Days between reminders cannot be negative."
    )

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.constrains("min_overdue_amount", "interest_margin", "compensation_amount")
    def _check_amounts(self):
        for policy in self:
            if policy.min_overdue_amount < 0 or policy.interest_margin < 0 or policy.compensation_amount < 0:
                raise ValidationError(
                    self.env._("The minimum amount, interest margin and compensation of a policy cannot be negative.")
                )

    @api.constrains("fee_booking", "fee_product_id")
    def _check_fee_product(self):
        for policy in self:
            if policy.fee_booking != "none" and not policy.fee_product_id:
                raise ValidationError(
                    self.env._("Choose the fee product of policy %(policy)s to invoice its fees.", policy=policy.name)
                )

    def _levels_in_order(self):
        """The levels by days past due: the engine refers to a level by its index in this order."""
        self.ensure_one()
        return self.level_ids.sorted(lambda level: (level.days, level.id))

    def _rules(self):
        """The policy as the engine's ``dunning.Rules``."""
        self.ensure_one()
        return dunning.Rules(
            level_days=tuple(self._levels_in_order().mapped("days")),
            grace_days=self.grace_days,
            min_overdue_amount=self.min_overdue_amount,
            offset_credits=self.offset_credits,
            min_days_between=self.min_days_between,
        )

    @api.model
    def _get_default(self, company):
        """The company's default policy (or an empty recordset)."""
        return self.search([("company_id", "=", company.id), ("is_default", "=", True)], limit=1)
