import logging

from odoo import api, fields, models
from odoo.tools.misc import format_datetime

from odoo.addons.founder_backoffice.engine import sms
from odoo.addons.founder_backoffice.tools import server_side

_logger = logging.getLogger(__name__)
HELD_SMS_CRON = "founder_backoffice_sms.ir_cron_fb_send_held_sms"


class FbDunningReminder(models.Model):
    _inherit = "fb.dunning.reminder"

    sms_message_id = fields.Many2one(
        "mail.message", "SMS", readonly=True, copy=False, ondelete="set null", help="The SMS the reminder sent."
    )
    sms_held_until = fields.Datetime(
        "SMS held until",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Sent at night for the customer: the SMS leaves when the quiet hours end in the customer's time zone.",
    )

    def _fb_reachable_without_email(self):
        return super()._fb_reachable_without_email() or (self.level_id.send_sms and not self._fb_sms_contact()[1])

    def _fb_send_other_channels(self):
        result = super()._fb_send_other_channels()
        self.filtered(lambda r: r.level_id.send_sms and not r.sms_message_id and not r.sms_held_until)._fb_text()
        return result

    def _fb_text(self):
        """Text the customers: now, or when their night ends (a held SMS waits in ``sms_held_until`` for the job).
        A reminder sent again (a retry after a bounce) is not texted a second time: the caller leaves it out."""
        now = fields.Datetime.now()
        held = texted_now = self.browse()
        for reminder in self:
            contact, refusal = reminder._fb_sms_contact()
            if refusal:
                reminder._message_log(body=refusal)
                continue
            tz = reminder._fb_sms_tz(contact)
            send_at = sms.next_send_time(now, tz)
            if send_at <= now:
                texted_now |= reminder
                continue
            reminder.sudo().sms_held_until = send_at
            reminder._message_log(
                body=self.env._(
                    "Night time for the customer: the SMS leaves at %(time)s (%(tz)s).",
                    time=format_datetime(self.env, send_at, tz=tz or "UTC", dt_format="short"),
                    tz=tz or "UTC",
                )
            )
            held |= reminder
        texted_now._fb_queue_sms()
        if held:
            self.env.ref(HELD_SMS_CRON).sudo()._trigger(at=min(held.mapped("sms_held_until")))

    def _fb_sms_contact(self):
        """``(contact, refusal)``: whom the SMS goes to (the reminder's contact, else the customer, whichever has a
        phone number), or why no SMS can go (no number, an invalid one, one blacklisted for SMS)."""
        self.ensure_one()
        contact = self.contact_id if self.contact_id.phone else self.partner_id
        if not contact.phone:
            return contact, self.env._("No SMS: the customer has no phone number.")
        if not contact.phone_sanitized:
            return contact, self.env._("No SMS: the customer's phone number %s is not valid.", contact.phone)
        if contact.phone_sanitized_blacklisted:
            return contact, self.env._(
                "No SMS: the customer's number %s opted out of SMS (blacklisted).", contact.phone_sanitized
            )
        return contact, None

    def _fb_sms_tz(self, contact):
        return contact.tz or self.partner_id.tz or self.company_id.partner_id.tz or False

    def _fb_queue_sms(self):
        """Queue the SMS of each reminder of ``self`` (Odoo's SMS queue sends it, by IAP or the company's provider),
        rendered in the customer's language, fitted to ``sms.MAX_SEGMENTS`` with the link of the collections page,
        and logged in the reminder's chatter."""
        for template in self.level_id.sms_template_id:
            batch = self.filtered(lambda r, t=template: r.level_id.sms_template_id == t)
            texts = template._render_field("body", batch.ids, compute_lang=True)
            for reminder in batch:
                contact, refusal = reminder._fb_sms_contact()
                if refusal:
                    reminder._message_log(body=refusal)
                    reminder.sudo().sms_held_until = False
                    continue
                message = reminder._message_sms(
                    sms.fit(texts[reminder.id], reminder.collections_url),
                    partner_ids=contact.ids,
                    sms_pid_to_number={contact.id: contact.phone_sanitized},
                    put_in_queue=True,
                )
                reminder.sudo().write({"sms_message_id": message.id, "sms_held_until": False})

    def _fb_queue_held_sms(self):
        """Queue the SMS held for the night, unless the customer has paid everything since: a reminder after the
        thanks for the payment would be wrong."""
        self.ensure_one()
        if not self._fb_open_items():
            self._message_log(body=self.env._("No SMS: the customer has paid since the reminder was sent."))
            self.sudo().sms_held_until = False
            return
        self._fb_queue_sms()

    @api.private
    def fb_sms_due_date(self):
        """The first due date the reminder tells of: the earliest one to come, else the earliest (a template
        helper)."""
        self.ensure_one()
        dates = [due for due in self.line_ids.mapped("date_maturity") if due]
        upcoming = [due for due in dates if due >= self.date]
        return min(upcoming or dates, default=self.date)

    @api.model
    def _cron_send_held_sms(self):
        """Queue the SMS held for the night whose morning has come, each reminder on its own: one that fails is
        logged and tried again at the next call, the others go."""
        due = self.search([("sms_held_until", "<=", fields.Datetime.now())], order="sms_held_until, id")
        Cron = self.env["ir.cron"]
        Cron._commit_progress(remaining=len(due))
        for reminder in due:
            server_side.isolated(
                self.env,
                _logger,
                lambda reminder=reminder: reminder.with_company(reminder.company_id)._fb_queue_held_sms(),
                "queueing the SMS of reminder %s failed",
                reminder.id,
            )
            if not Cron._commit_progress(1):
                break
