from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, format_list

from ..engine import forecast
from .fb_payment_habit import EXPECTED_HELP, GRADE_HELP, GRADES, TREND_HELP, TRENDS

COLLECTIONS = "founder_backoffice.group_collections_user"
# who sees how a customer pays: those who see its invoices and payments (collections users among them)
PROFILE = "account.group_account_invoice"
MANAGER = "founder_backoffice.group_collections_manager"
# The customer's collections fields are kept per company (company-dependent: a shared customer can be on hold in
# one company and not in another) and change only through the add-on's checked paths (the guarded write below):
# a collections manager changes any of them, the customer's own collector moves its stage and puts it on hold,
# nobody else (a salesperson may edit contacts, not release a hold or make themselves the collector).
FB_GUARDED_FIELDS = frozenset(
    {
        "fb_no_dunning",
        "fb_no_statement",
        "fb_dunning_policy_id",
        "fb_collector_id",
        "fb_credit_hold",
        "fb_credit_hold_reason",
        "fb_credit_hold_date",
        "fb_collection_stage_id",
    }
)
FB_COLLECTOR_FIELDS = frozenset(
    {"fb_collection_stage_id", "fb_credit_hold", "fb_credit_hold_reason", "fb_credit_hold_date"}
)
# Written only by what happens: a customer's reply to a reminder sets it, a collector's answer (or "mark handled")
# clears it; a direct write is refused, to a manager too.
FB_REPLY_FIELDS = frozenset({"fb_replied_date"})
REPLY_ACTIVITY = "founder_backoffice.mail_activity_type_customer_reply"


def is_staff_answer(message):
    """An internal user's message to the customer: a comment or an e-mail, not a note nor a notification."""
    message = message.sudo()
    return (
        message.message_type in ("comment", "email")
        and not message.is_internal
        and not message.subtype_id.internal
        and any(user._is_internal() and not user._is_superuser() for user in message.author_id.user_ids)
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    fb_no_dunning = fields.Boolean(
        "No dunning",
        help="Never send automatic payment reminders to this customer.",
        company_dependent=True,
        tracking=True,
        copy=False,
        groups=COLLECTIONS,
    )
    fb_no_statement = fields.Boolean(
        "No monthly statement",
        help="Never send this customer the monthly statement of its account.",
        company_dependent=True,
        tracking=True,
        copy=False,
        groups=COLLECTIONS,
    )
    fb_dunning_policy_id = fields.Many2one(
        "fb.dunning.policy",
        "Dunning policy",
        company_dependent=True,
        copy=False,
        domain="[('company_id', '=', current_company_id)]",
        help="Overrides the company's default dunning policy for this customer.",
        groups=COLLECTIONS,
    )
    fb_collector_id = fields.Many2one(
        "res.users",
        "Collector",
        company_dependent=True,
        tracking=True,
        copy=False,
        domain=lambda self: [("all_group_ids", "in", self.env.ref(COLLECTIONS).id)],
        help="Who works this customer's overdue invoices; collections activities go to them.",
        groups=COLLECTIONS,
    )
    fb_my_collection_company_ids = fields.Many2many(
        "res.company",
        string="Companies I collect for",
        compute="_compute_fb_my_collection_company_ids",
        search="_search_fb_my_collection_company_ids",
        groups=COLLECTIONS,
        help="The companies in which you are this customer's collector (the collector's record rules use it).",
    )
    fb_replied_date = fields.Date(
        "Waiting for us since",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=COLLECTIONS,
        help="The customer answered a reminder on this day and nobody has answered yet: the automated dunning "
        "leaves the customer out until a collector answers or marks the reply handled.",
    )
    fb_credit_hold = fields.Boolean(
        "Credit hold",
        company_dependent=True,
        tracking=True,
        copy=False,
        help="New invoices to this customer need a collections manager.",
        groups="base.group_user",
    )
    fb_credit_hold_reason = fields.Char(
        "Credit hold reason", company_dependent=True, tracking=True, copy=False, groups="base.group_user"
    )
    fb_credit_hold_date = fields.Date(
        "On credit hold since", company_dependent=True, copy=False, groups="base.group_user"
    )
    fb_collection_stage_id = fields.Many2one(
        "fb.collection.stage",
        "Collection stage",
        company_dependent=True,
        tracking=True,
        copy=False,
        help="Empty: new.",
        groups=COLLECTIONS,
    )
    fb_dunning_reminder_ids = fields.One2many(
        "fb.dunning.reminder", "partner_id", string="Payment reminders", groups=COLLECTIONS
    )
    fb_dunning_reminder_count = fields.Integer(
        "Reminders", compute="_compute_fb_dunning_reminder_count", groups=COLLECTIONS
    )
    fb_promise_count = fields.Integer("Promises", compute="_compute_fb_collections_counts", groups=COLLECTIONS)
    fb_dispute_count = fields.Integer("Disputes", compute="_compute_fb_collections_counts", groups=COLLECTIONS)
    fb_payment_plan_count = fields.Integer(
        "Payment plans", compute="_compute_fb_collections_counts", groups=COLLECTIONS
    )
    fb_overdue_count = fields.Integer("Overdue invoices", compute="_compute_fb_collections_counts", groups=COLLECTIONS)
    fb_payment_grade = fields.Selection(
        GRADES, "Payment grade", compute="_compute_fb_payment_profile", groups=PROFILE, help=GRADE_HELP
    )
    fb_days_late_avg = fields.Float(
        "Average days late", compute="_compute_fb_payment_profile", groups=PROFILE, digits=(16, 1)
    )
    fb_days_late_median = fields.Float(
        "Typical days late",
        compute="_compute_fb_payment_profile",
        groups=PROFILE,
        digits=(16, 1),
        help="The median: half the invoices were paid earlier, half later. Negative: paid early.",
    )
    fb_on_time_share = fields.Float("Paid on time", compute="_compute_fb_payment_profile", groups=PROFILE)
    fb_payment_trend = fields.Selection(
        TRENDS, "Payment trend", compute="_compute_fb_payment_profile", groups=PROFILE, help=TREND_HELP
    )
    fb_paid_invoice_count = fields.Integer(
        "Paid invoices considered", compute="_compute_fb_payment_profile", groups=PROFILE
    )
    fb_next_payment_date = fields.Date(
        "Next expected payment", compute="_compute_fb_next_payment_date", groups=PROFILE, help=EXPECTED_HELP
    )

    def _compute_fb_payment_profile(self):
        """How the customer pays, from its paid invoices in the current company (``engine.forecast``)."""
        profiles = self.env["fb.payment.habit"]._profiles(self.env.company, set(self.commercial_partner_id.ids))
        for partner in self:
            profile = profiles.get(partner.commercial_partner_id.id) or forecast.PaymentProfile()
            partner.fb_payment_grade = profile.grade
            partner.fb_days_late_avg = profile.mean_days_late or 0.0
            partner.fb_days_late_median = profile.median_days_late or 0.0
            partner.fb_on_time_share = profile.on_time_share or 0.0
            partner.fb_payment_trend = profile.trend
            partner.fb_paid_invoice_count = len(profile.lateness)

    def _compute_fb_next_payment_date(self):
        """When the customer's next payment is expected in the current company (``fb.payment.habit``)."""
        _by_move, dates = self.env["fb.payment.habit"]._expected_dates(
            self.env.company, set(self.commercial_partner_id.ids)
        )
        for partner in self:
            partner.fb_next_payment_date = dates.get(partner.commercial_partner_id.id, False)

    def _compute_fb_dunning_reminder_count(self):
        counts = dict(
            self.env["fb.dunning.reminder"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), ("state", "in", ("sent", "failed"))],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.fb_dunning_reminder_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_fb_collections_counts(self):
        commercial = self.commercial_partner_id.ids
        counts = {}
        for model, field in (
            ("fb.promise", "fb_promise_count"),
            ("fb.dispute", "fb_dispute_count"),
            ("fb.payment.plan", "fb_payment_plan_count"),
        ):
            counts[field] = dict(
                self.env[model]._read_group([("partner_id", "in", commercial)], ["partner_id"], ["__count"])
            )
        # entries with an overdue item, counted from the items: a journal entry has no customer of its own
        overdue_items = self.env["fb.receivable"]._overdue_items_domain(fields.Date.context_today(self))
        overdue_moves = defaultdict(set)
        for partner, move in self.env["account.move.line"]._read_group(
            overdue_items & Domain("partner_id", "child_of", commercial), ["partner_id", "move_id"]
        ):
            overdue_moves[partner.commercial_partner_id].add(move)
        counts["fb_overdue_count"] = {partner: len(moves) for partner, moves in overdue_moves.items()}
        for partner in self:
            for field, values in counts.items():
                partner[field] = values.get(partner.commercial_partner_id, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_fb_my_collection_company_ids(self):
        user = self.env.user
        for partner in self:
            partner.fb_my_collection_company_ids = self.env["res.company"].browse(
                company.id
                for company in self.env.companies
                if partner.sudo().with_company(company).fb_collector_id == user
            )

    def _search_fb_my_collection_company_ids(self, operator, value):
        """Customers whose collector is the current user in one of the companies ``value``: the value of each
        company read as Odoo reads it (its own, else the company's default), in SQL."""
        if operator != "in":
            return NotImplemented
        uid = self.env.uid
        Partner = self.sudo()

        def collected_in(company_id):
            return Domain.custom(
                to_sql=lambda model, alias, query: SQL(
                    "%s = %s", Partner.with_company(company_id)._field_to_sql(alias, "fb_collector_id", query), uid
                )
            )

        return Domain.OR(collected_in(company_id) for company_id in value if isinstance(company_id, int))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get(f) for vals in vals_list for f in FB_REPLY_FIELDS):
            self._fb_refuse_reply_fields(FB_REPLY_FIELDS)
        guarded = [{f: vals.pop(f) for f in FB_GUARDED_FIELDS & vals.keys()} for vals in vals_list]
        partners = super().create(vals_list)
        for partner, values in zip(partners, guarded, strict=True):
            if values:
                partner.write(values)
        return partners

    def write(self, vals):
        """Collections fields are written as superuser once ``_fb_check_collections_write`` allowed the change:
        a collector may not edit contacts, and a salesperson who may must not change them. They are written for
        the current company only (company-dependent)."""
        if not self.env.su and FB_REPLY_FIELDS & vals.keys():
            self._fb_refuse_reply_fields({f for f in FB_REPLY_FIELDS & vals.keys() if self._fb_changes(f, vals[f])})
        guarded = {f: vals[f] for f in FB_GUARDED_FIELDS & vals.keys()}
        if not guarded or self.env.su:
            return super().write(vals)
        self._fb_check_company_access()
        others = {f: v for f, v in vals.items() if f not in guarded}
        changed = {f: v for f, v in guarded.items() if self._fb_changes(f, v)}
        if changed:
            self._fb_check_collections_write(changed)
            super(ResPartner, self.sudo()).write(changed)
        return super().write(others) if others else True

    def _fb_refuse_reply_fields(self, fnames):
        if fnames:
            self._fb_check_company_access()
            raise UserError(
                self.env._(
                    "%(fields)s changes only when the customer replies to a payment reminder and when a collector "
                    "answers or marks the reply handled, not by a direct write.",
                    fields=format_list(
                        self.env, [self._fields[f]._description_string(self.env) for f in sorted(fnames)]
                    ),
                )
            )

    def _fb_changes(self, fname, value):
        """Whether writing ``value`` in ``fname`` changes it on any of the partners (a merge or an import writes
        values back unchanged)."""
        field = self._fields[fname]
        for partner in self.sudo():
            if field.convert_to_record(field.convert_to_cache(value, partner), partner) != partner[fname]:
                return True
        return False

    def _fb_check_company_access(self):
        """Before any superuser write: the caller reads each customer, and each is shared or belongs to one of the
        caller's companies (Odoo lets everyone read the contacts of internal users, whatever their company)."""
        self.check_access("read")
        allowed = self.env.companies.parent_ids
        foreign = self.sudo().filtered(lambda partner: partner.company_id and partner.company_id not in allowed)
        if foreign:
            raise AccessError(
                self.env._(
                    "%(customers)s belong to another company: their collections settings can only be changed there.",
                    customers=format_list(self.env, foreign.mapped("display_name")[:5]),
                )
            )

    def _fb_worked_by_me(self):
        """The partners of ``self`` the current user works as collections staff: every one for a collections
        manager, its own customers for a collector, none for anyone else."""
        user = self.env.user
        if not user.has_group(COLLECTIONS):
            return self.browse()
        if user.has_group(MANAGER):
            return self
        return self.filtered(lambda partner: partner.sudo().commercial_partner_id.fb_collector_id == user)

    def _fb_check_collections_write(self, vals):
        if self.env.user.has_group(MANAGER):
            return
        if vals.keys() <= FB_COLLECTOR_FIELDS and vals.get("fb_credit_hold", True) and self._fb_worked_by_me() == self:
            return
        raise AccessError(
            self.env._(
                "Only a collections manager, or the customer's collector for its stage and credit hold, can change "
                "the collections settings of %(customers)s.",
                customers=format_list(self.env, self.sudo().mapped("display_name")[:5]),
            )
        )

    def _mail_get_operation_for_mail_message_operation(self, message_operation):
        """Collections staff log calls, notes and activities on the customers they work without the right to edit
        contacts: posting needs read access on those instead of write."""
        operations = super()._mail_get_operation_for_mail_message_operation(message_operation)
        if message_operation == "create" and not self.env.su:
            for partner in self._fb_worked_by_me():
                if operations.get(partner) == "write":
                    operations[partner] = "read"
        return operations

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """A call scheduled for a customer's collector makes the collector follow the customer (Odoo asks write
        access on the customer for that): collections staff may do it on the customers they work."""
        worked = partner_ids and self and not self.env.su and self._fb_worked_by_me() == self
        partners = self.sudo() if worked else self
        return super(ResPartner, partners).message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    @api.constrains("fb_collector_id")
    def _check_fb_collector(self):
        """A collector is an employee holding the collections rights in the company the value is written for (the
        current one: the field is company-dependent): the form's domain does not bind an import or an RPC call."""
        company = self.env.company
        for partner in self:
            collector = partner.fb_collector_id.sudo()
            if collector and (
                not collector._is_internal()
                or not collector.has_group(COLLECTIONS)
                or company not in collector.company_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot be the collector of %(customer)s: a collector is a collections user of "
                        "%(company)s.",
                        user=collector.name,
                        customer=partner.display_name,
                        company=company.display_name,
                    )
                )

    def _fb_move_to_stage(self, kind):
        """Move the customers to the collection stage of ``kind`` (promised, plan, escalated...) in the current
        company (callers pass the company of their record with ``with_company``)."""
        stage = self.env["fb.collection.stage"].sudo()._of_kind(kind)
        if stage:
            self.commercial_partner_id.write({"fb_collection_stage_id": stage.id})

    def _fb_dunning_policy(self, company):
        """The policy that applies to this customer in ``company``: its own, else the company's policy of its
        jurisdiction (country, company or person), else the company's default."""
        self.ensure_one()
        return self.env["fb.dunning.policy"]._for_customers(self, company)[self.id]

    def _fb_put_on_credit_hold(self, reason):
        """Hold the customers in the current company (callers pass their record's with ``with_company``)."""
        today = fields.Date.context_today(self)
        self.filtered(lambda p: not p.sudo().fb_credit_hold).write(
            {"fb_credit_hold": True, "fb_credit_hold_reason": reason, "fb_credit_hold_date": today}
        )

    def _message_post_after_hook(self, message, msg_values):
        """An internal user's message to the customer answers its reply to a payment reminder: the customer no
        longer waits for us in the companies the user is working in."""
        result = super()._message_post_after_hook(message, msg_values)
        if is_staff_answer(message):
            self._fb_end_reply_pause(self.env.companies)
        return result

    def _fb_end_reply_pause(self, companies):
        """The customers no longer wait for us in ``companies`` (the callers checked who asks): the automated
        dunning takes them again, and their reply activities are done. Returns the customers that were waiting."""
        customers = self.commercial_partner_id.sudo()
        resumed = customers.browse()
        for company in companies:
            waiting = customers.with_company(company).filtered("fb_replied_date")
            waiting.write({"fb_replied_date": False})
            resumed |= waiting
        if resumed:
            resumed.activity_feedback([REPLY_ACTIVITY])
        return resumed.with_env(self.env)

    def action_fb_mark_reply_handled(self):
        """The collector dealt with the customer's reply another way (a call, a letter): the automated dunning takes
        the customer again in the current company. For a collections manager or the customer's collector."""
        self._fb_check_company_access()
        customers = self.commercial_partner_id
        if customers._fb_worked_by_me() != customers:
            raise AccessError(
                self.env._(
                    "Only a collections manager or the customer's collector can mark the reply of %(customers)s "
                    "handled.",
                    customers=format_list(self.env, customers.sudo().mapped("display_name")[:5]),
                )
            )
        for customer in customers._fb_end_reply_pause(self.env.company):
            customer.message_post(
                body=self.env._("Reply to the payment reminders marked handled by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )

    def action_fb_release_credit_hold(self):
        """Lift the hold; the change is logged in the customer's chatter (tracked fields)."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only a collections manager can release a credit hold."))
        for partner in self.filtered("fb_credit_hold"):
            partner.message_post(
                body=self.env._("Credit hold released by %s.", self.env.user.name), subtype_xmlid="mail.mt_note"
            )
        self.write({"fb_credit_hold": False, "fb_credit_hold_reason": False, "fb_credit_hold_date": False})

    def action_fb_credit_hold(self):
        return self._fb_form_action("fb.credit.hold.wizard", self.env._("Put on credit hold"), target="new")

    def action_fb_log_call(self):
        """Open the activity form on a collections call made by the user; Mark as done logs what was said in the
        customer's chatter."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a call"),
            "res_model": "mail.activity",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "default_res_id": self.commercial_partner_id.id,
                "default_activity_type_id": self.env.ref("founder_backoffice.mail_activity_type_collections_call").id,
                "default_user_id": self.env.user.id,
            },
        }

    def action_fb_send_statement(self):
        """Open the e-mail composer with the statement template (PDF of the last three months attached)."""
        self.ensure_one()
        template = self.env.ref("founder_backoffice.mail_template_fb_statement")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": self.commercial_partner_id.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "founder_backoffice.mail_layout_customer",
            },
        }

    def action_fb_record_promise(self):
        return self._fb_form_action("fb.promise", self.env._("Promise to pay"), target="new")

    def action_fb_open_dispute(self):
        return self._fb_form_action("fb.dispute", self.env._("Dispute"), target="new")

    def action_fb_create_payment_plan(self):
        return self._fb_form_action("fb.payment.plan", self.env._("Payment plan"))

    def _fb_form_action(self, model, name, target="current"):
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": target,
            "context": {"default_partner_id": partner.id, "fb_partner_id": partner.id},
        }

    def _fb_list_action(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_fb_open_promises(self):
        return self._fb_list_action("fb.promise", self.env._("Promises to pay"))

    def action_fb_open_disputes(self):
        return self._fb_list_action("fb.dispute", self.env._("Disputes"))

    def action_fb_open_payment_plans(self):
        return self._fb_list_action("fb.payment.plan", self.env._("Payment plans"))

    def action_fb_open_overdue_invoices(self):
        self.ensure_one()
        return self.env["fb.receivable"]._overdue_invoices_action(partners=self)

    def action_fb_open_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("founder_backoffice.action_fb_dunning_reminder")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_sent": 1}
        return action
