from odoo import api, fields, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    _inherit = "res.partner"

    fb_no_dunning = fields.Boolean(
        "No dunning", help="Never send automatic payment reminders to this customer.", tracking=True
    )
    fb_dunning_policy_id = fields.Many2one(
        "fb.dunning.policy",
        "Dunning policy",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Overrides the company's default dunning policy for this customer.",
    )
    fb_collector_id = fields.Many2one(
        "res.users",
        "Collector",
        tracking=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref("founder_backoffice.group_collections_user").id)],
        help="Who works this customer's overdue invoices; collections activities go to them.",
    )
    fb_credit_hold = fields.Boolean(
        "Credit hold", tracking=True, help="New invoices to this customer need a collections manager."
    )
    fb_credit_hold_reason = fields.Char("Credit hold reason", tracking=True)
    fb_credit_hold_date = fields.Date("On credit hold since")
    fb_collection_stage_id = fields.Many2one(
        "fb.collection.stage",
        "Collection stage",
        tracking=True,
        default=lambda self: self.env["fb.collection.stage"]._of_kind("new"),
    )
    fb_dunning_reminder_ids = fields.One2many("fb.dunning.reminder", "partner_id", string="Payment reminders")
    fb_dunning_reminder_count = fields.Integer("Reminders", compute="_compute_fb_dunning_reminder_count")
    fb_promise_count = fields.Integer("Promises", compute="_compute_fb_collections_counts")
    fb_dispute_count = fields.Integer("Disputes", compute="_compute_fb_collections_counts")
    fb_payment_plan_count = fields.Integer("Payment plans", compute="_compute_fb_collections_counts")
    fb_overdue_count = fields.Integer("Overdue invoices", compute="_compute_fb_collections_counts")

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
        counts["fb_overdue_count"] = dict(
            self.env["account.move"]._read_group(
                self._fb_overdue_invoices_domain(commercial), ["commercial_partner_id"], ["__count"]
            )
        )
        for partner in self:
            for field, values in counts.items():
                partner[field] = values.get(partner.commercial_partner_id, 0)

    @api.model
    def _fb_overdue_invoices_domain(self, partner_ids):
        return [
            ("commercial_partner_id", "in", partner_ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", fields.Date.context_today(self)),
        ]

    def _fb_move_to_stage(self, kind):
        """Move the customers to the collection stage of ``kind`` (promised, plan, escalated...)."""
        stage = self.env["fb.collection.stage"]._of_kind(kind)
        if stage:
            self.commercial_partner_id.write({"fb_collection_stage_id": stage.id})

    def _fb_dunning_policy(self, company):
        """The policy that applies to this customer in ``company``: its own, else the company's default."""
        self.ensure_one()
        return self.with_company(company).fb_dunning_policy_id or self.env["fb.dunning.policy"]._get_default(company)

    def _fb_put_on_credit_hold(self, reason):
        today = fields.Date.context_today(self)
        self.filtered(lambda p: not p.fb_credit_hold).write(
            {"fb_credit_hold": True, "fb_credit_hold_reason": reason, "fb_credit_hold_date": today}
        )

    def action_fb_release_credit_hold(self):
        """Lift the hold; the change is logged in the customer's chatter (tracked fields)."""
        if not self.env.user.has_group("founder_backoffice.group_collections_manager"):
            raise AccessError(self.env._("Only a collections manager can release a credit hold."))
        for partner in self.filtered("fb_credit_hold"):
            partner.message_post(
                body=self.env._("Credit hold released by %s.", self.env.user.name), subtype_xmlid="mail.mt_note"
            )
        self.write({"fb_credit_hold": False, "fb_credit_hold_reason": False, "fb_credit_hold_date": False})

    def action_fb_credit_hold(self):
        return self._fb_form_action("fb.credit.hold.wizard", self.env._("Put on credit hold"), target="new")

    def action_fb_log_call(self):
        """Open the activity form on a collections call; Mark as done logs what was said in the chatter."""
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
                "default_user_id": (self.fb_collector_id or self.env.user).id,
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
        action = self.env["ir.actions.act_window"]._for_xml_id("founder_backoffice.action_overdue_invoices")
        action["domain"] = self._fb_overdue_invoices_domain(self.commercial_partner_id.ids)
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def action_fb_open_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("founder_backoffice.action_fb_dunning_reminder")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_sent": 1}
        return action
