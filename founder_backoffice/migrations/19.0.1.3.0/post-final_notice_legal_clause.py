"""The final notice no longer claims charges "provided by law" to every customer: its legal sentence now comes from
the policy's jurisdiction (``fb.dunning.reminder.legal_clause``). Its template is ``noupdate`` data, so an upgrade
does not change it: where its English text still makes the old claim, it is reset to the shipped text and
translations (an administrator who rewrote that sentence keeps theirs)."""

from odoo import SUPERUSER_ID, api

OLD_CLAIM = "with the late-payment interest and compensation provided by law"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("founder_backoffice.mail_template_fb_dunning_final", raise_if_not_found=False)
    if template and template.template_fs and OLD_CLAIM in (template.with_context(lang="en_US").body_html or ""):
        template.reset_template()
