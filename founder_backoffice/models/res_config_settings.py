from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fb_dunning_mode = fields.Selection(related="company_id.fb_dunning_mode", readonly=False)
    fb_statement_day = fields.Integer(related="company_id.fb_statement_day", readonly=False)
    fb_marketing_account_ids = fields.Many2many(related="company_id.fb_marketing_account_ids", readonly=False)
    fb_payroll_account_ids = fields.Many2many(related="company_id.fb_payroll_account_ids", readonly=False)
    fb_default_dunning_policy_id = fields.Many2one(
        "fb.dunning.policy", "Default dunning policy", compute="_compute_fb_default_dunning_policy_id"
    )

    def _compute_fb_default_dunning_policy_id(self):
        for settings in self:
            settings.fb_default_dunning_policy_id = self.env["fb.dunning.policy"]._get_default(settings.company_id)
