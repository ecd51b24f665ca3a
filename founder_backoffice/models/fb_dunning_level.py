from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare
from odoo.tools.i18n import format_list

from ..engine import dunning, levels


class FbDunningLevel(models.Model):
    """One step of a policy: what happens once an invoice is a number of days past due."""

    _name = "fb.dunning.level"
    _description = "Dunning level"
    _order = "policy_id, days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one("fb.dunning.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    currency_id = fields.Many2one(related="policy_id.currency_id")
    days = fields.Integer(
        "Days past due",
        required=True,
        help="Reached once an invoice is this many days late. Negative: a friendly note that many days before the "
        "due date, sent only while the invoice is not yet due (no fee, interest or escalation).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        "E-mail template",
        domain=[("model", "=", "fb.dunning.reminder")],
        help="E-mail sent to the customer, in the customer's language. Leave empty for no e-mail.",
    )
    attach_letter = fields.Boolean(
        "PDF letter",
        help="The reminder letter as a PDF, in the customer's language: attached to the e-mail, and kept on the "
        "reminder to print and post.",
    )
    create_activity = fields.Boolean(
        "Schedule a call",
        help="Schedule a collections call for the customer's collector (or the invoice's salesperson).",
    )
    fee_type = fields.Selection(
        [("none", "No fee"), ("fixed", "Fixed amount"), ("percent", "Percentage of the overdue amount")],
        default="none",
        required=True,
    )
    fee_fixed = fields.Monetary("Fixed fee", currency_field="currency_id")
    fee_percent = fields.Float("Fee (%)", digits=(16, 2))
    charge_interest = fields.Boolean(
        "Charge statutory interest",
        help="Late-payment interest at the ECB reference rate plus the policy's margin, and the fixed compensation "
        "once per invoice. Leave off where interest on late payment is not charged.",
    )
    letter_text = fields.Text(
        "Letter text", translate=True, help="Opening paragraph of the PDF letter, in the customer's language."
    )
    escalate_credit_hold = fields.Boolean("Put customer on credit hold")
    escalate_user_id = fields.Many2one(
        "res.users",
        "Hand over to",
        domain="[('share', '=', False)]",
        help="A manager who gets a to-do to take the case over.",
    )
    missing_translations = fields.Char(
        "Not yet written in",
        compute="_compute_missing_translations",
        help="Languages of this database in which the level's name, letter text or e-mail are not written yet: "
        "customers speaking them would read the English text.",
    )

    @api.depends("name", "letter_text", "mail_template_id")
    @api.depends_context("lang")
    def _compute_missing_translations(self):
        """Each text a customer reads from this level (title, letter paragraph, e-mail subject and body) in each
        installed language: a new level is written in one language, the others are to be filled in."""
        langs = self.env["res.lang"].get_installed()
        codes = {code for code, _name in langs}
        for level in self:
            texts = [(level, "name"), (level, "letter_text")]
            if level.mail_template_id:
                texts += [(level.mail_template_id, "subject"), (level.mail_template_id, "body_html")]
            missing = set()
            for record, field in texts:
                if not record._origin.id:  # a level being created: written in the language of the form only
                    written = {self.env.lang or "en_US"} if record[field] else None
                else:
                    stored = record._fields[field]._get_stored_translations(record._origin) or {}
                    written = {lang for lang, value in stored.items() if value} if stored.get("en_US") else None
                if written is not None:  # an empty text is missing nowhere
                    missing |= codes - written
            level.missing_translations = format_list(self.env, [name for code, name in langs if code in missing])

    @api.constrains("days", "policy_id")
    def _check_days_increase(self):
        for policy in self.policy_id:
            try:
                levels.validate_level_days(policy._levels_in_order().mapped("days"))
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The levels of policy %(policy)s need different numbers of days past due.",
                        policy=policy.name,
                    )
                ) from error

    @api.constrains("days", "fee_type", "charge_interest", "escalate_credit_hold", "escalate_user_id")
    def _check_pre_due(self):
        """A note before the due date asks nothing that is not owed yet."""
        for level in self:
            if levels.asks_before_due(
                level.days,
                fee=level.fee_type != "none",
                interest=level.charge_interest,
                escalation=level.escalate_credit_hold or bool(level.escalate_user_id),
            ):
                raise ValidationError(
                    self.env._(
                        "Level %(level)s comes before the due date: it cannot charge a fee or interest, nor put the "
                        "customer on credit hold or hand the case over.",
                        level=level.name,
                    )
                )

    @api.constrains("charge_interest", "fee_type", "policy_id")
    def _check_jurisdiction(self):
        """A level saved on its own obeys its policy's preset too."""
        self.policy_id._check_jurisdiction()

    @api.constrains("fee_type", "fee_fixed", "fee_percent")
    def _check_fee(self):
        for level in self:
            if level.fee_fixed < 0 or level.fee_percent < 0:
                raise ValidationError(self.env._("A dunning fee cannot be negative (level %s).", level.name))
            if float_compare(level.fee_percent, 100, precision_digits=2) > 0:
                raise ValidationError(self.env._("A dunning fee cannot exceed 100%% (level %s).", level.name))

    @api.constrains(
        "mail_template_id",
        "attach_letter",
        "create_activity",
        "fee_type",
        "charge_interest",
        "escalate_credit_hold",
        "escalate_user_id",
    )
    def _check_has_action(self):
        for level in self:
            if not level._fb_does_something():
                raise ValidationError(
                    self.env._(
                        "Level %s does nothing: give it a channel (e-mail, letter, call), a fee or an escalation.",
                        level.name,
                    )
                )

    def _fb_does_something(self):
        """Whether the level acts at all: a channel (add-ons add theirs: SMS), a fee or an escalation."""
        self.ensure_one()
        return bool(
            self.mail_template_id
            or self.attach_letter
            or self.create_activity
            or self.fee_type != "none"
            or self.charge_interest
            or self.escalate_credit_hold
            or self.escalate_user_id
        )

    @api.constrains("mail_template_id")
    def _check_mail_template(self):
        """The form offers the reminders' templates only; an import or an RPC call may name any template, which
        would be rendered on a reminder at the first run."""
        for level in self.filtered("mail_template_id"):
            if level.mail_template_id.sudo().model != "fb.dunning.reminder":
                raise ValidationError(
                    self.env._(
                        "Level %(level)s needs an e-mail template of payment reminders, not %(template)s.",
                        level=level.name,
                        template=level.mail_template_id.sudo().display_name,
                    )
                )

    @api.constrains("escalate_user_id", "policy_id")
    def _check_escalate_user(self):
        """The case is handed over to an employee of the policy's company, not to a portal user or to someone
        of another company who could not open the customer."""
        for level in self.filtered("escalate_user_id"):
            user = level.escalate_user_id.sudo()
            if not user._is_internal() or level.company_id not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s can only hand cases over to an employee of %(company)s.",
                        level=level.name,
                        company=level.company_id.display_name,
                    )
                )

    def _fee_for(self, amount_due):
        """The fee this level charges on a reminder asking for ``amount_due`` (company currency)."""
        self.ensure_one()
        return self.currency_id.round(dunning.level_fee(self.fee_type, self.fee_fixed, self.fee_percent, amount_due))
