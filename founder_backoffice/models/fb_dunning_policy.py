from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import dunning, jurisdictions

# The presets an administrator picks, in the order the form lists them (what each allows: engine/jurisdictions.py).
JURISDICTIONS = [
    (jurisdictions.ITALY_B2B, "Italy, business customers"),
    (jurisdictions.EU_CONSUMER, "Italy / EU, consumers"),
    (jurisdictions.SAUDI, "Saudi Arabia"),
    (jurisdictions.EU_B2B, "EU, business customers"),
]


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
    jurisdiction = fields.Selection(
        JURISDICTIONS,
        help="The law of the customers this policy is for. It sets the interest margin and compensation, refuses "
        "the charges that law does not allow (interest and compensation to consumers and Saudi customers, a "
        "percentage fee to Saudi customers), and chooses the legal wording of letters, e-mails and charges "
        "invoices. Customers without a policy of their own get the company's policy of their country and kind "
        "(company or person). Empty: no legal basis is named.",
    )
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

    thank_customers = fields.Boolean(
        "Thank customers who pay",
        default=True,
        help="A customer who settles every invoice of their latest reminder gets a thank-you e-mail, once.",
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

    # ------------------------------------------------------------------ jurisdiction

    @api.model_create_multi
    def create(self, vals_list):
        """A policy created with a preset gets the preset's margin and compensation unless they are given."""
        for vals in vals_list:
            rules = jurisdictions.preset(vals.get("jurisdiction"))
            for field in ("interest_margin", "compensation_amount"):
                if rules and field not in vals:
                    vals[field] = getattr(rules, field)
        return super().create(vals_list)

    @api.onchange("jurisdiction")
    def _onchange_jurisdiction(self):
        """Picking a preset fills in its margin and compensation; a compensation already set is kept where the
        preset has one (it is a parameter: the proposed EU regulation would raise 40 EUR to 50)."""
        rules = jurisdictions.preset(
            self.jurisdiction, compensation=self.compensation_amount or jurisdictions.DEFAULT_COMPENSATION
        )
        if rules:
            self.interest_margin = rules.interest_margin
            self.compensation_amount = rules.compensation_amount

    @api.constrains("jurisdiction", "compensation_amount", "level_ids")
    def _check_jurisdiction(self):
        """Refuse what the preset's law does not allow (the levels as the policy's form saves them)."""
        labels = dict(self._fields["jurisdiction"]._description_selection(self.env))
        for policy in self.filtered("jurisdiction"):
            found = jurisdictions.forbidden(
                policy.jurisdiction,
                policy.compensation_amount,
                [
                    jurisdictions.LevelCharges(level.name, level.charge_interest, level.fee_type == "percent")
                    for level in policy._levels_in_order()
                ],
            )
            if not found:
                continue
            reason, level = found
            names = {"policy": policy.name, "jurisdiction": labels[policy.jurisdiction], "level": level}
            if reason == jurisdictions.FORBIDDEN_INTEREST:
                message = self.env._(
                    "Policy %(policy)s is for %(jurisdiction)s: its level %(level)s cannot charge late-payment "
                    "interest there.",
                    **names,
                )
            elif reason == jurisdictions.FORBIDDEN_PERCENT_FEE:
                message = self.env._(
                    "Policy %(policy)s is for %(jurisdiction)s: its level %(level)s cannot charge a percentage of "
                    "the overdue amount there, only a fixed fee agreed with the customer.",
                    **names,
                )
            else:
                message = self.env._(
                    "Policy %(policy)s is for %(jurisdiction)s, where no flat-rate compensation is due: set its "
                    "compensation to 0.",
                    **names,
                )
            raise ValidationError(message)

    @api.model
    def _for_customers(self, partners, company):
        """``{partner id: policy}`` in ``company``: the customer's own policy, else the company's policy of the
        customer's jurisdiction (its country, company or person), else the company's default (or an empty
        recordset). The company's policies are read once, whatever the number of customers."""
        policies = self.search([("company_id", "=", company.id)])  # the default first (_order)
        default = policies.filtered("is_default")[:1]
        of_jurisdiction = {}
        for policy in policies.filtered("jurisdiction"):
            of_jurisdiction.setdefault(policy.jurisdiction, policy)
        result = {}
        for partner in partners.with_company(company):
            customer = partner.commercial_partner_id
            code = jurisdictions.preset_for(customer.country_id.code, customer.is_company)
            result[partner.id] = partner.fb_dunning_policy_id or of_jurisdiction.get(code) or default
        return result

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
