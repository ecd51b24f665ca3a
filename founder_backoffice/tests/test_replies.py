from datetime import date
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from markupsafe import escape

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import html2plaintext

from ..engine import dunning
from ..models.res_partner import REPLY_ACTIVITY
from .common import FounderBackofficeCommon
from .test_company_settings import load_migration

REPLIED = "Tue, 21 Apr 2026 09:12:00 +0200"


@tagged("post_install", "-at_install")
class TestReplyPausesDunning(FounderBackofficeCommon):
    """Customers answer a reminder sent by a run: their replies, real RFC 822 messages with the reminder quoted
    below, come in through Odoo's mail gateway (``message_process``, as an incoming mail server hands them over)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls._persona("Collections user")
        cls.manager = cls._persona("Collections manager")
        # replies come back to the company's catchall address
        cls.company.sudo().write(
            {
                "email": "billing@founder.example",
                "alias_domain_id": cls.env["mail.alias.domain"].sudo().create({"name": "founder.example"}).id,
            }
        )
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.collector_b = cls._persona("Collections user", company=cls.company_b)
        cls.customer_it = cls._customer("Bianchi S.r.l.", lang="it_IT")
        cls.customer_ar = cls._customer("Al Nakheel Trading", lang="ar_001")
        cls.other = cls._customer("Verdi S.p.A.")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Mario Rossi", "parent_id": cls.customer.id, "email": "mario.rossi@rossi.example"}
        )
        (cls.customer | cls.customer_it | cls.customer_ar).write({"fb_collector_id": cls.collector.id})
        cls.other.fb_collector_id = cls.manager
        with freeze_time("2026-04-20"):
            cls.invoices = {
                partner: cls._invoice(partner, amount, date(2026, 4, 10))
                for partner, amount in (
                    (cls.customer, 300.0),
                    (cls.customer_it, 400.0),
                    (cls.customer_ar, 500.0),
                    (cls.other, 200.0),
                )
            }
            run = cls.env["fb.dunning.run"].create({"company_id": cls.company.id, "date": date(2026, 4, 20)})
            run.action_compute()
            run.action_send()
        cls.reminders = {reminder.partner_id: reminder for reminder in run.reminder_ids}

    def _reply(self, customer, words, attribution, sender=None, subject=None, replied=REPLIED, **headers):
        """The customer's reply to its reminder as a mail client writes it: text and HTML, the reminder quoted
        below the customer's words, In-Reply-To and References naming the reminder's e-mail."""
        sent = self.reminders[customer].mail_id
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = sender or formataddr((customer.name, customer.email))
        message["To"] = sent.reply_to
        message["Subject"] = subject or f"Re: {sent.subject}"
        message["Date"] = replied
        message["Message-ID"] = make_msgid(domain="mail.customer.example")
        message["In-Reply-To"] = sent.message_id
        message["References"] = sent.message_id
        message["X-Mailer"] = "Microsoft Outlook 16.0"
        for name, value in headers.items():
            message[name.replace("_", "-")] = value
        quoted = "\n".join(f"> {line}" for line in html2plaintext(sent.body_html).splitlines())
        message.set_content(f"{words}\n\n{attribution}\n{quoted}\n")
        paragraphs = "".join(f"<div dir='auto'>{escape(line)}</div>" for line in words.splitlines())
        message.add_alternative(
            f"<html><body>{paragraphs}<br><div class='gmail_quote'><div dir='ltr' class='gmail_attr'>"
            f"{escape(attribution)}<br></div><blockquote class='gmail_quote' style='margin:0 0 0 .8ex;"
            f"border-left:1px #ccc solid;padding-left:1ex'>{sent.body_html}</blockquote></div></body></html>",
            subtype="html",
        )
        return message.as_bytes()

    def _receive(self, raw):
        return self.env["mail.thread"].message_process(False, raw)

    def _replied_date(self, customer, company=None):
        return customer.with_company(company or self.company).sudo().fb_replied_date

    def _reply_activities(self, records):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", self.env.ref(REPLY_ACTIVITY).id),
            ]
        )

    def _proposals(self, customer):
        return self.env["fb.promise"].search([("partner_id", "=", customer.id), ("state", "=", "proposed")])

    def _preview(self, on):
        run = self.env["fb.dunning.run"].create({"company_id": self.company.id, "date": on})
        run.action_compute()
        return run

    def _english(self, words, **kwargs):
        attribution = "On Mon, 20 Apr 2026 at 10:00, Founder Co <billing@founder.example> wrote:"
        return self._reply(self.customer, words, attribution, **kwargs)

    @freeze_time("2026-04-21 10:00:00")
    def test_a_reply_reaches_the_reminder_pauses_the_customer_and_proposes_its_date(self):
        reminder = self.reminders[self.customer]
        self.assertEqual(reminder.mail_id.reply_to, self.company.catchall_formatted)
        self.assertIn("catchall@founder.example", reminder.mail_id.reply_to)
        self._pay(self.invoices[self.customer], 100.0, date(2026, 4, 21))
        raw = self._english(
            "Hello,\nsorry for the delay: we will pay on Friday.\nBest regards,\nMario",
            sender=formataddr(("Mario Rossi", "mario.rossi@rossi.example")),
        )
        self.assertEqual(self._receive(raw), reminder.id)
        reply = self.env["mail.message"].search(
            [("model", "=", reminder._name), ("res_id", "=", reminder.id), ("author_id", "=", self.contact.id)]
        )
        self.assertEqual((len(reply), reply.message_type), (1, "email"))
        self.assertEqual(self._replied_date(self.customer), date(2026, 4, 21))
        self.assertFalse(self._replied_date(self.customer, self.company_b), "paused in the reminder's company only")

        activity = self._reply_activities(self.customer)
        self.assertEqual(
            (activity.user_id, activity.summary), (self.collector, "Customer replied to a payment reminder")
        )
        self.assertIn("we will pay on Friday", html2plaintext(activity.note))
        self.assertNotIn("Total due", html2plaintext(activity.note), "the quoted reminder is not the reply")

        promise = self._proposals(self.customer)
        self.assertRecordValues(
            promise,
            [{"promised_date": date(2026, 4, 24), "amount": 200.0, "date": date(2026, 4, 21)}],
        )
        self.assertEqual((promise.move_ids, promise.collector_id), (self.invoices[self.customer], self.collector))
        self.assertEqual(self._reply_activities(promise).user_id, self.collector)

        # a second reply keeps the first day and the one activity
        self._receive(self._english("Could you also send us a statement?", replied="Wed, 22 Apr 2026 08:00:00 +0200"))
        self.assertEqual(self._replied_date(self.customer), date(2026, 4, 21))
        self.assertEqual(len(self._reply_activities(self.customer)), 1)

        run = self._preview(date(2026, 4, 27))
        self.assertNotIn(self.customer, run.reminder_ids.partner_id)
        self.assertIn(self.customer_it, run.reminder_ids.partner_id, "a customer that did not reply is reminded")
        skip = run.skip_ids.filtered(lambda s: s.partner_id == self.customer)
        self.assertEqual((skip.reason, skip.date), (dunning.SKIP_WAITING, date(2026, 4, 21)))

    @freeze_time("2026-04-21 10:00:00")
    def test_italian_and_arabic_replies_propose_their_date_and_amount(self):
        self._receive(
            self._reply(
                self.customer_it,
                "Buongiorno,\nvi confermiamo che pagheremo il 30 aprile l'importo di 150,00 euro.\nCordiali saluti",
                "Il giorno lun 20 apr 2026 alle ore 10:00 Founder Co <billing@founder.example> ha scritto:",
            )
        )
        self._receive(
            self._reply(
                self.customer_ar,
                "السلام عليكم،\nسنسدد يوم الخميس إن شاء الله.\nمع التحية",
                "في الاثنين، 20 أبريل 2026 في 10:00 ص كتب Founder Co <billing@founder.example>:",
            )
        )
        for customer, pay_by, amount in (
            (self.customer_it, date(2026, 4, 30), 150.0),
            (self.customer_ar, date(2026, 4, 23), 500.0),
        ):
            self.assertEqual(self._replied_date(customer), date(2026, 4, 21))
            promise = self._proposals(customer)
            self.assertRecordValues(promise, [{"promised_date": pay_by, "amount": amount}])
            self.assertEqual(promise.move_ids, self.invoices[customer])
            self.assertEqual(self._reply_activities(customer).user_id, self.collector)

        # a proposal keeps what the reply said; confirming it checks the bounds of that moment
        promise = self._proposals(self.customer_it)
        self._pay(self.invoices[self.customer_it], 300.0, date(2026, 4, 21))
        with self.assertRaisesRegex(ValidationError, "more than is owed"):
            promise.with_user(self.collector).action_confirm()
        self.assertEqual(promise.state, "proposed")

    @freeze_time("2026-04-21 10:00:00")
    def test_automatic_answers_and_bounces_pause_nothing(self):
        out_of_office = "I am out of the office until 4 May and will pay the invoices when I am back on Monday."
        for raw in (
            self._english(out_of_office, Auto_Submitted="auto-replied"),
            self._english(out_of_office, subject=f"Automatic reply: {self.reminders[self.customer].mail_id.subject}"),
        ):
            self.assertEqual(self._receive(raw), self.reminders[self.customer].id, "filed in the reminder")
        bounce = EmailMessage(policy=policy.SMTP)
        bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mx.rossi.example>"
        bounce["To"] = self.reminders[self.customer].mail_id.reply_to
        bounce["Subject"] = "Undelivered Mail Returned to Sender"
        bounce["Date"] = REPLIED
        bounce["Message-ID"] = make_msgid(domain="mx.rossi.example")
        bounce["References"] = self.reminders[self.customer].mail_id.message_id
        bounce.set_content("The mail system: <rossispa@example.com>: host said: 550 5.1.1 User unknown")
        self.assertFalse(self._receive(bounce.as_bytes()))
        self.assertFalse(self._replied_date(self.customer))
        self.assertFalse(self._reply_activities(self.customer))
        self.assertFalse(self._proposals(self.customer))

    @freeze_time("2026-04-21 10:00:00")
    def test_a_reply_without_a_date_pauses_but_proposes_nothing(self):
        self._receive(self._english("Hi,\nwe never received invoice 14, could you send it again?\nThanks"))
        self.assertEqual(self._replied_date(self.customer), date(2026, 4, 21))
        self.assertEqual(len(self._reply_activities(self.customer)), 1)
        self.assertFalse(self._proposals(self.customer))
        self.assertFalse(self._reply_activities(self.env["fb.promise"].search([("partner_id", "=", self.customer.id)])))

    @freeze_time("2026-04-21 10:00:00")
    def test_the_collectors_answer_ends_the_pause(self):
        reminder = self.reminders[self.customer].with_user(self.collector)
        self._receive(self._english("Hi, is invoice 14 really unpaid? We will check."))
        reminder.message_post(body="Checking with our bank.", subtype_xmlid="mail.mt_note")
        self.assertEqual(self._replied_date(self.customer), date(2026, 4, 21), "a note answers nobody")
        reminder.message_post(
            body="Yes, it is still open: here is the link to pay it.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(self._replied_date(self.customer))
        self.assertFalse(self._reply_activities(self.customer), "the activity is done")

        # answering on the customer's chatter counts too
        self._receive(self._english("Thanks, we will look into it.", replied="Wed, 22 Apr 2026 08:00:00 +0200"))
        self.assertEqual(self._replied_date(self.customer), date(2026, 4, 22))
        self.customer.with_user(self.collector).message_post(
            body="We called you this morning.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertFalse(self._replied_date(self.customer))
        self.assertIn(self.customer, self._preview(date(2026, 4, 27)).reminder_ids.partner_id)

    @freeze_time("2026-04-21 10:00:00")
    def test_mark_handled_is_for_the_customers_collector_and_the_field_is_server_managed(self):
        self._receive(self._english("We disagree with the fee, please call us."))
        self._receive(self._reply(self.other, "Please call us.", "On Mon, 20 Apr 2026, Founder Co wrote:"))
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector_b).action_fb_mark_reply_handled()
        with self.assertRaises(AccessError):
            self.other.with_user(self.collector).action_fb_mark_reply_handled()
        for user in (self.manager, self.collector):
            with self.assertRaisesRegex(UserError, "not by a direct write"):
                self.customer.with_user(user).write({"fb_replied_date": False})
        with self.assertRaisesRegex(UserError, "not by a direct write"):
            self.env["res.partner"].with_user(self.manager).create(
                {"name": "Gialli S.r.l.", "fb_replied_date": date(2026, 4, 1)}
            )
        self.assertEqual(self._replied_date(self.customer), date(2026, 4, 21))
        self.assertEqual(self._replied_date(self.other), date(2026, 4, 21))

        self.customer.with_user(self.collector).action_fb_mark_reply_handled()
        self.assertFalse(self._replied_date(self.customer))
        self.assertFalse(self._reply_activities(self.customer))
        self.assertIn("marked handled", self.customer.message_ids[0].body)
        self.other.with_user(self.manager).action_fb_mark_reply_handled()
        self.assertFalse(self._replied_date(self.other))

    @freeze_time("2026-04-21 10:00:00")
    def test_a_confirmed_proposal_holds_the_dunning_a_proposed_one_does_not(self):
        self._receive(self._english("We will transfer the full amount on 30 April."))
        promise = self._proposals(self.customer)
        self.assertRecordValues(promise, [{"promised_date": date(2026, 4, 30), "amount": 300.0}])
        self.reminders[self.customer].with_user(self.collector).message_post(
            body="Thank you, noted.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        run = self._preview(date(2026, 4, 27))
        self.assertIn(self.customer, run.reminder_ids.partner_id, "a proposal does not hold the dunning")

        promise.with_user(self.collector).action_confirm()
        self.assertEqual(promise.state, "open")
        self.assertFalse(self._reply_activities(promise))
        self.assertEqual(self.customer.with_company(self.company).fb_collection_stage_id.kind, "promised")
        run.action_compute()
        self.assertNotIn(self.customer, run.reminder_ids.partner_id)
        skip = run.skip_ids.filtered(lambda s: s.partner_id == self.customer)
        self.assertEqual(skip.reason, dunning.HOLD_PROMISED)

    @freeze_time("2026-04-27 10:00:00")
    def test_a_reply_after_the_preview_cancels_the_customers_reminder_at_sending(self):
        run = self._preview(date(2026, 4, 27))
        self.assertIn(self.customer, run.reminder_ids.partner_id)
        self._receive(
            self._english("We are checking invoice 14 with our bank, please wait.", replied="Mon, 27 Apr 2026 09:00:00")
        )
        run.with_user(self.manager).action_send()
        reminder = run.reminder_ids.filtered(lambda r: r.partner_id == self.customer)
        self.assertEqual(reminder.state, "cancelled")
        self.assertEqual(reminder.failure_reason, "Replied on 04/27/2026, not answered")
        self.assertFalse(reminder.mail_id)
        self.assertEqual(run.reminder_ids.filtered(lambda r: r.partner_id == self.customer_it).state, "sent")

    def test_upgrade_gives_the_reminder_templates_the_catchall_as_reply_to(self):
        """19.0.1.2.0: templates an administrator left without a Reply-To get the catchall; others keep theirs."""
        friendly = self.env.ref("founder_backoffice.mail_template_fb_dunning_friendly")
        firm = self.env.ref("founder_backoffice.mail_template_fb_dunning_firm")
        (friendly | firm).write({"reply_to": False})
        firm.reply_to = "collections@founder.example"
        self.env.flush_all()
        load_migration("post-migration", "19.0.1.2.0").migrate(self.env.cr, "19.0.1.1.0")
        (friendly | firm).invalidate_recordset(["reply_to"])
        self.assertEqual(friendly.reply_to, "{{ object.company_id.catchall_formatted }}")
        self.assertEqual(firm.reply_to, "collections@founder.example")
