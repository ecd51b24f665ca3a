from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.founder_backoffice.engine import levels

# the texts a level sends unless an administrator picks another template
BEFORE_DUE_TEMPLATE = "founder_backoffice_sms.sms_template_fb_dunning_before_due"
OVERDUE_TEMPLATE = "founder_backoffice_sms.sms_template_fb_dunning_overdue"


class FbDunningLevel(models.Model):
    _inherit = "fb.dunning.level"

    send_sms = fields.Boolean(
        "SMS",
        help="Text the customer's mobile number with the link of its collections page, in the customer's language, "
        "unless the number opted out of SMS. No SMS leaves at night in the customer's time zone: it waits for the "
        "morning.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        "SMS template",
        compute="_compute_sms_template_id",
        store=True,
        readonly=False,
        domain=[("model", "=", "fb.dunning.reminder")],
        help="The text of the SMS, translated in the template; the link of the collections page follows it.",
    )

    @api.depends("send_sms", "days")
    def _compute_sms_template_id(self):
        """The standard text (before the due date, or overdue) when the SMS is switched on without a template."""
        for level in self:
            xmlid = BEFORE_DUE_TEMPLATE if levels.is_pre_due(level.days) else OVERDUE_TEMPLATE
            standard = self.env.ref(xmlid, raise_if_not_found=False) if level.send_sms else False
            level.sms_template_id = (level.send_sms and level.sms_template_id) or standard

    def _fb_does_something(self):
        return super()._fb_does_something() or self.send_sms

    @api.constrains("send_sms", "sms_template_id")
    def _check_sms(self):
        """A level sending an SMS needs a template of payment reminders; switching the SMS off must leave the level
        with something to do."""
        self._check_has_action()
        for level in self.filtered("send_sms"):
            template = level.sms_template_id.sudo()
            if template.model != "fb.dunning.reminder":
                raise ValidationError(
                    self.env._("Level %s sends an SMS: give it an SMS template of payment reminders.", level.name)
                )
