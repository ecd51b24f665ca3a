import io
from datetime import date, datetime
from pathlib import Path

import polib

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools.translate import trans_export

from odoo.addons.founder_backoffice.engine import sms as sms_rules
from odoo.addons.founder_backoffice.tests.common import FounderBackofficeCommon
from odoo.addons.sms.tests.common import SMSCase

RUN_DATE = date(2026, 4, 20)


@tagged("post_install", "-at_install")
class TestSmsReminders(FounderBackofficeCommon, SMSCase):
    """The first level texts its customers too, as the collections manager sends the run; Odoo's SMS gateway is
    mocked at the provider (IAP) boundary, as Odoo's own SMS tests do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._persona("Collections manager")
        cls.level_1.send_sms = True
        italy, saudi = cls.env.ref("base.it").id, cls.env.ref("base.sa").id
        rome = {"lang": "it_IT", "country_id": italy, "tz": "Europe/Rome"}
        cls.italian = cls._customer("Pasticceria Dolce Vita", phone="+39 347 555 0123", **rome)
        cls.arabic = cls._customer(
            "Al Nukhba Trading", lang="ar_001", phone="+966 50 555 0142", country_id=saudi, tz="Asia/Riyadh"
        )
        cls.opted_out = cls._customer("Zitto S.r.l.", phone="+39 347 555 0999", **rome)
        cls.no_email = cls._customer("Senza Email S.r.l.", email=False, phone="+39 347 555 0456", **rome)
        cls.no_phone = cls._customer("Senza Telefono S.r.l.", **rome)
        cls.env["phone.blacklist"].sudo()._add([cls.opted_out.phone_sanitized])
        cls.invoices = {
            customer: cls._invoice(customer, 100.0, date(2026, 4, 15))
            for customer in (cls.italian, cls.arabic, cls.opted_out, cls.no_email, cls.no_phone)
        }
        cls.held_job = cls.env.ref("founder_backoffice_sms.ir_cron_fb_send_held_sms")

    def _send_run(self):
        """Today's run, computed and sent by the collections manager: ``{customer: reminder}``."""
        run = (
            self.env["fb.dunning.run"].with_user(self.manager).create({"company_id": self.company.id, "date": RUN_DATE})
        )
        run.action_compute()
        with self.mockSMSGateway():
            run.action_send()
        return {reminder.partner_id: reminder for reminder in run.reminder_ids}

    def _notes(self, reminder):
        return " ".join(reminder.message_ids.mapped("body"))

    @freeze_time("2026-04-20 08:00:00")  # 10:00 in Rome, 11:00 in Riyadh
    def test_a_level_sends_its_email_and_an_sms_in_the_customer_language(self):
        reminders = self._send_run()
        self.assertEqual({reminder.state for reminder in reminders.values()}, {"sent"})
        self.assertEqual(len(reminders), 5)
        # the customer without e-mail address is reached by SMS: sent, not failed, with no e-mail
        self.assertFalse(reminders[self.no_email].mail_id)
        self.assertTrue(all(reminders[customer].mail_id for customer in (self.italian, self.arabic, self.no_phone)))
        # queued for Odoo's SMS queue, one per customer who can be texted, none at the provider yet
        self.assertEqual(self._new_sms.partner_id, self.italian | self.arabic | self.no_email)
        self.assertEqual(self._sms, [])

        italian = reminders[self.italian]
        self.assertSMSOutgoing(self.italian, self.italian.phone_sanitized, content=italian.collections_url)
        body = self._find_sms_sms(self.italian, self.italian.phone_sanitized, "outgoing").body
        self.assertEqual(
            body,
            f"{self.company.name}: sollecito di pagamento. Importo dovuto: 100,00 €. Vi preghiamo di provvedere al "
            f"pagamento al più presto. Le Vostre fatture e il pagamento online: {italian.collections_url}",
        )
        self.assertEqual(sms_rules.encoding(body), sms_rules.GSM7)  # the amount's no-break space is a plain one
        self.assertLessEqual(sms_rules.segments(body), sms_rules.MAX_SEGMENTS)

        arabic = reminders[self.arabic]
        body = self._find_sms_sms(self.arabic, self.arabic.phone_sanitized, "outgoing").body
        # whole (no ellipsis): the Arabic text and the link fit the UCS-2 segments
        self.assertIn("نرجو التكرم بالسداد عبر الرابط: " + arabic.collections_url, body)
        self.assertNotIn("…", body)
        self.assertEqual(sms_rules.encoding(body), sms_rules.UCS2)
        self.assertLessEqual(sms_rules.segments(body), sms_rules.MAX_SEGMENTS)

        # the SMS is in the reminder's chatter; who cannot be texted gets a note saying why, and the e-mail
        self.assertEqual(italian.sms_message_id.message_type, "sms")
        self.assertIn("sollecito di pagamento", italian.sms_message_id.body)
        self.assertFalse(reminders[self.opted_out].sms_message_id)
        self.assertIn("opted out of SMS (blacklisted)", self._notes(reminders[self.opted_out]))
        self.assertIn("the customer has no phone number", self._notes(reminders[self.no_phone]))

        # Odoo's SMS queue hands them to the provider
        with self.mockSMSGateway():
            self.env.ref("sms.ir_cron_sms_scheduler_action").method_direct_trigger()
        self.assertSMSIapSent([self.italian.phone_sanitized], content=italian.collections_url)
        self.assertSMSIapSent([self.arabic.phone_sanitized], content=arabic.collections_url)
        self.assertEqual(len(self._sms), 3)

    @freeze_time("2026-04-20 20:30:00")  # 22:30 in Rome, 23:30 in Riyadh
    def test_no_sms_at_night_it_leaves_once_in_the_customer_morning(self):
        reminders = self._send_run()
        italian, arabic = reminders[self.italian], reminders[self.arabic]
        self.assertEqual(italian.state, "sent")
        self.assertTrue(italian.mail_id, "the e-mail does not wait")
        self.assertFalse(self._new_sms)
        self.assertEqual(italian.sms_held_until, datetime(2026, 4, 21, 6, 0))  # 08:00 in Rome (summer time)
        self.assertEqual(arabic.sms_held_until, datetime(2026, 4, 21, 5, 0))  # 08:00 in Riyadh
        self.assertIn("Night time for the customer", self._notes(italian))
        trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", self.held_job.id)])
        self.assertEqual(trigger.mapped("call_at"), [datetime(2026, 4, 21, 5, 0)])

        with freeze_time("2026-04-21 05:30:00"), self.mockSMSGateway():
            self.held_job.method_direct_trigger()
        self.assertEqual(self._new_sms.partner_id, self.arabic, "morning in Riyadh, still night in Rome")
        self.assertIn(arabic.collections_url, self._new_sms.body)

        # overnight, the customer without e-mail address pays: no SMS reminds it in the morning
        self._pay(self.invoices[self.no_email], 100.0, date(2026, 4, 21))
        with freeze_time("2026-04-21 06:00:00"), self.mockSMSGateway():
            self.held_job.method_direct_trigger()
            self.held_job.method_direct_trigger()
        self.assertSMSOutgoing(self.italian, self.italian.phone_sanitized, content=italian.collections_url)
        self.assertEqual(len(self._new_sms), 1, "once, whatever the job's calls")
        paid = reminders[self.no_email]
        paid.invalidate_recordset()
        self.assertFalse(paid.sms_held_until or paid.sms_message_id)
        self.assertIn("the customer has paid since the reminder was sent", self._notes(paid))
        self.assertEqual(
            self.env["sms.sms"].sudo().search_count([("partner_id", "=", self.arabic.id)]), 1, "nor again in Riyadh"
        )
        italian.invalidate_recordset()
        self.assertFalse(italian.sms_held_until)
        self.assertEqual(italian.sms_message_id.message_type, "sms")

    @freeze_time("2026-04-20 08:00:00")
    def test_another_company_sees_none_of_the_sms(self):
        italian = self._send_run()[self.italian]
        message = italian.with_user(self.manager).sms_message_id
        self.assertEqual(message.message_type, "sms")
        company_b = self.env["res.company"].create({"name": "Seconda S.r.l."})
        manager_b = self._persona("Collections manager", company=company_b)
        self.assertFalse(self.env["fb.dunning.reminder"].with_user(manager_b).search([("id", "=", italian.id)]))
        with self.assertRaises(AccessError):
            italian.with_user(manager_b).sms_message_id  # noqa: B018
        self.assertFalse(self.env["mail.message"].with_user(manager_b).search([("id", "=", message.id)]))
        with self.assertRaises(AccessError):
            self.env["sms.sms"].with_user(manager_b).search([])

    def test_switching_the_sms_on_picks_the_standard_text(self):
        Level = self.env["fb.dunning.level"].with_user(self.manager)
        self.level_2.with_user(self.manager).send_sms = True
        self.assertEqual(
            self.level_2.sms_template_id, self.env.ref("founder_backoffice_sms.sms_template_fb_dunning_overdue")
        )
        before = Level.create({"policy_id": self.policy.id, "name": "Coming up", "days": -3, "send_sms": True})
        self.assertEqual(
            before.sms_template_id, self.env.ref("founder_backoffice_sms.sms_template_fb_dunning_before_due")
        )
        with self.assertRaisesRegex(ValidationError, "does nothing"):
            before.send_sms = False


@tagged("post_install", "-at_install")
class TestSmsTranslationTemplate(TransactionCase):
    def test_committed_pot_has_every_term_of_the_installed_bridge(self):
        buffer = io.BytesIO()
        trans_export(False, ["founder_backoffice_sms"], buffer, "po", self.env)
        exported = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        committed = {
            entry.msgid
            for entry in polib.pofile(str(Path(__file__).parent.parent / "i18n" / "founder_backoffice_sms.pot"))
        }
        self.assertFalse(sorted(exported - committed), "terms missing from the committed .pot (run make i18n)")
