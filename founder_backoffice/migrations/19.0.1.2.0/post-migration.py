"""Replies to the reminder e-mails reach the reminder's thread: the three reminder templates (not updated, being
``noupdate`` data) get the company's catchall as Reply-To where an administrator left it empty."""

from odoo.tools import SQL

TEMPLATES = ("mail_template_fb_dunning_friendly", "mail_template_fb_dunning_firm", "mail_template_fb_dunning_final")
REPLY_TO = "{{ object.company_id.catchall_formatted }}"


def migrate(cr, version):
    cr.execute(
        SQL(
            """UPDATE mail_template SET reply_to = %s
                WHERE (reply_to IS NULL OR reply_to = '')
                  AND id IN (SELECT res_id FROM ir_model_data
                              WHERE module = 'founder_backoffice' AND model = 'mail.template' AND name IN %s)""",
            REPLY_TO,
            TEMPLATES,
        )
    )
