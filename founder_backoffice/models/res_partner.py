from odoo import fields, models


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
    fb_dunning_reminder_ids = fields.One2many("fb.dunning.reminder", "partner_id", string="Payment reminders")
    fb_dunning_reminder_count = fields.Integer("Reminders", compute="_compute_fb_dunning_reminder_count")

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

    def _fb_dunning_policy(self, company):
        """The policy that applies to this customer in ``company``: its own, else the company's default."""
        self.ensure_one()
        return self.with_company(company).fb_dunning_policy_id or self.env["fb.dunning.policy"]._get_default(company)

    def _fb_put_on_credit_hold(self, reason):
        today = fields.Date.context_today(self)
        self.filtered(lambda p: not p.fb_credit_hold).write(
            {"fb_credit_hold": True, "fb_credit_hold_reason": reason, "fb_credit_hold_date": today}
        )

    def action_fb_open_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("founder_backoffice.action_fb_dunning_reminder")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_sent": 1}
        return action
