from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        """A reminder whose e-mail reached nobody becomes failed, so the next run sends it again. Odoo also gives a
        failure type when only some recipients failed: the others got it, so the reminder stays sent."""
        if failure_type and not success_pids and not success_emails:
            reminders = (
                self.env["fb.dunning.reminder"].sudo().search([("mail_id", "in", self.ids), ("state", "=", "sent")])
            )
            reminders._set_state("failed", failure_reason or failure_type)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
