"""The monthly statement job as Odoo's scheduler runs it: each company on its own day, one statement per customer
who owes something and month, in the customer's language with the statement attached, resumed after a crash
without sending anything twice; and who reads the statements sent and who sets the day."""

from datetime import date
from unittest.mock import patch

from lxml import html
from psycopg2 import InterfaceError

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import convert_file, mute_logger

from ..models.fb_statement_mailing import FbStatementMailing
from .common import FounderBackofficeCommon

APRIL = date(2026, 4, 1)


def words(text):
    return " ".join(text.split())


@tagged("post_install", "-at_install")
class TestMonthlyStatements(FounderBackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.job = cls.env.ref("founder_backoffice.ir_cron_fb_monthly_statements")
        cls.template = cls.env.ref("founder_backoffice.mail_template_fb_statement")
        cls.company_b = cls.setup_other_company(name="Seconda S.r.l.")["company"]
        cls.company.fb_statement_day = 5
        cls.company_b.fb_statement_day = 25
        invoiced = date(2026, 3, 10)
        cls.italian = cls._customer("Ferramenta Rossi", lang="it_IT")
        cls.arabic = cls._customer("Al Nukhba Trading", lang="ar_001")
        cls.paid = cls._customer("Pagato S.r.l.")
        cls.opted_out = cls._customer("Condivisa S.r.l.")  # shared: opted out in A only
        cls.customer_b = cls._customer("Cliente B S.p.A.", company_id=cls.company_b.id)
        cls._invoice(cls.italian, 1000.0, invoiced)
        cls._invoice(cls.arabic, 500.0, invoiced)
        cls._register_payment(cls._invoice(cls.paid, 200.0, invoiced))
        cls._invoice(cls.opted_out, 300.0, invoiced)
        cls.opted_out.fb_no_statement = True
        for partner, amount in ((cls.customer_b, 700.0), (cls.opted_out, 400.0)):
            cls._invoice(partner, amount, invoiced, currency=cls.company_b.currency_id, company=cls.company_b)
        cls.customers = cls.italian | cls.arabic | cls.paid | cls.opted_out | cls.customer_b | cls.customer

    def _run_job(self):
        with self.enter_registry_test_mode():
            self.job.method_direct_trigger()
        self.env.invalidate_all()

    def _mails(self):
        """``{customer: [its statement e-mails]}``."""
        mails = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "in", self.customers.ids)], order="id"
        )
        by_customer = {}
        for mail in mails:
            by_customer.setdefault(self.customers.browse(mail.res_id), []).append(mail)
        return by_customer

    def _mailings(self, company):
        return self.env["fb.statement.mailing"].sudo().search([("company_id", "=", company.id)])

    def _translated(self, lang, company):
        """The statement template's subject and first sentence in ``lang``, as the customer should read them."""
        template = self.template.with_context(lang=lang)
        sentence = html.fromstring(template.body_html).xpath("//p")[1].text_content()
        return template.subject.replace("{{ env.company.name }}", company.name), words(sentence)

    # ------------------------------------------------------------------ sending

    @freeze_time("2026-04-20 08:00:00")
    def test_each_customer_who_owes_receives_one_statement_in_its_language(self):
        stale = (
            self.env["fb.statement.mailing"]
            .sudo()
            .create({"company_id": self.company.id, "partner_id": self.italian.id, "month": date(2026, 3, 1)})
        )
        self._run_job()
        mails = self._mails()
        self.assertEqual(set(mails), {self.italian, self.arabic}, "who owes, not opted out; B's day has not come")
        english_subject, english_sentence = self._translated("en_US", self.company)
        for customer, lang in ((self.italian, "it_IT"), (self.arabic, "ar_001")):
            [mail] = mails[customer]
            subject, sentence = self._translated(lang, self.company)
            self.assertNotEqual(subject, english_subject, f"the template is translated in {lang}")
            self.assertEqual(mail.subject, subject)
            body = words(html.fromstring(mail.body_html).text_content())
            self.assertIn(sentence, body)
            self.assertNotIn(english_sentence, body)
            self.assertEqual(mail.recipient_ids, customer)
            [attachment] = mail.attachment_ids
            self.assertTrue(attachment.name.endswith(f" - {customer.name}.html"), attachment.name)  # HTML in tests
            self.assertIn(customer.name, attachment.raw.decode())
        self.assertIn('dir="rtl"', mails[self.arabic][0].body_html)
        mailings = self._mailings(self.company).filtered(lambda m: m.month == APRIL)
        self.assertEqual(
            {(m.partner_id, m.state, m.balance, m.mail_id) for m in mailings},
            {
                (self.italian, "sent", 1000.0, mails[self.italian][0]),
                (self.arabic, "sent", 500.0, mails[self.arabic][0]),
            },
        )
        self.assertEqual(
            (stale.state, stale.failure_reason), ("failed", "Not sent: its month ended before the job could send it.")
        )
        self.assertFalse(self._mailings(self.company_b))

        self._run_job()  # the same month: nothing more
        self.assertEqual(
            {customer: len(sent) for customer, sent in self._mails().items()}, {self.italian: 1, self.arabic: 1}
        )

        with freeze_time("2026-04-25 08:00:00"):  # company B's day
            self._run_job()
        mails = self._mails()
        self.assertEqual(
            {customer: len(sent) for customer, sent in mails.items()},
            {self.italian: 1, self.arabic: 1, self.customer_b: 1, self.opted_out: 1},
        )
        for customer in (self.customer_b, self.opted_out):
            [mail] = mails[customer]
            self.assertEqual(mail.subject, self._translated("en_US", self.company_b)[0])
            self.assertIn(self.company_b.name, mail.attachment_ids.raw.decode())
        b_mailings = self._mailings(self.company_b)
        self.assertEqual(b_mailings.partner_id, self.customer_b | self.opted_out)
        self.assertEqual({m.partner_id: m.balance for m in b_mailings}, {self.customer_b: 700.0, self.opted_out: 400.0})
        self.assertNotIn(self.customer_b, self._mailings(self.company).partner_id)

        with freeze_time("2026-05-04 08:00:00"):  # May, before A's day
            self._run_job()
        self.assertEqual(sum(len(sent) for sent in self._mails().values()), 4)
        with freeze_time("2026-05-05 08:00:00"):
            self._run_job()
        self.assertEqual(len(self._mails()[self.italian]), 2, "May's statement")

    @freeze_time("2026-04-20 08:00:00")
    def test_a_job_stopped_after_a_batch_goes_on_without_sending_twice(self):
        original = FbStatementMailing._send
        calls = []

        def crash_after_the_first_batch(mailings):
            calls.append(mailings.partner_id)
            if len(calls) > 1:
                raise InterfaceError("connection lost")  # the worker dies: not a statement's failure
            return original(mailings)

        with (
            patch.object(FbStatementMailing, "SEND_BATCH", 1),
            patch.object(FbStatementMailing, "_send", crash_after_the_first_batch),
            mute_logger(
                "odoo.addons.base.models.ir_cron", "odoo.addons.founder_backoffice.models.fb_statement_mailing"
            ),
        ):
            self._run_job()
        first = calls[0]
        mailings = self._mailings(self.company)
        self.assertEqual(
            {m.partner_id: m.state for m in mailings},
            {self.italian: "to_send", self.arabic: "to_send"} | {first: "sent"},
        )
        self.assertEqual(set(self._mails()), set(first))

        with patch.object(FbStatementMailing, "SEND_BATCH", 1):
            self._run_job()
        self.assertEqual(set(mailings.mapped("state")), {"sent"})
        self.assertEqual(
            {customer: len(sent) for customer, sent in self._mails().items()}, {self.italian: 1, self.arabic: 1}
        )

    @freeze_time("2026-04-20 08:00:00")
    def test_a_statement_that_cannot_be_sent_fails_alone(self):
        self.arabic.email = False
        self.env["fb.statement.mailing"].sudo().create(
            {"company_id": self.company.id, "partner_id": self.arabic.id, "month": APRIL}
        )
        self._run_job()
        states = {m.partner_id: (m.state, m.failure_reason) for m in self._mailings(self.company)}
        self.assertEqual(
            states, {self.italian: ("sent", False), self.arabic: ("failed", "The customer has no e-mail address.")}
        )
        self.assertEqual(set(self._mails()), {self.italian})

    # ------------------------------------------------------------------ who reads, who sets

    @freeze_time("2026-04-20 08:00:00")
    def test_people_of_a_company_read_its_statements_only(self):
        collector = self._persona("Collections user")
        self.italian.fb_collector_id = collector
        with freeze_time("2026-04-25 08:00:00"):
            self._run_job()
        Mailing = self.env["fb.statement.mailing"]
        a_mailings = self._mailings(self.company)
        self.assertEqual(len(a_mailings), 2)
        self.assertEqual(Mailing.with_user(collector).search([]).partner_id, self.italian, "its own customer's")
        manager = self._persona("Collections manager")
        for user in (manager, self._persona("Accounting administrator")):
            self.assertEqual(Mailing.with_user(user).search([]), a_mailings, user.login)
        user_b = self._persona("Collections manager", company=self.company_b)
        self.assertEqual(Mailing.with_user(user_b).search([]), self._mailings(self.company_b))
        for user in (collector, self._persona("Founder")):
            with self.assertRaises(AccessError):
                a_mailings[:1].with_user(user).write({"state": "to_send"})
            with self.assertRaises(AccessError):
                self._mailings(self.company_b).with_user(user).read(["partner_id"])
        with self.assertRaises(AccessError):
            self.arabic.with_user(collector).write({"fb_no_statement": True})
        self.arabic.with_user(manager).write({"fb_no_statement": True})
        self.assertTrue(self.arabic.with_company(self.company).fb_no_statement)
        self.assertFalse(self.arabic.with_company(self.company_b).fb_no_statement)

    def test_only_an_administrator_sets_the_day_and_only_a_day_every_month_has(self):
        admin = new_test_user(
            self.env,
            login="fb_statement_admin",
            groups="base.group_system,founder_backoffice.group_collections_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        settings = self.env["res.config.settings"].with_user(admin).create({"fb_statement_day": 12})
        settings.execute()
        self.assertEqual(self.company.fb_statement_day, 12)
        for role in ("Collections manager", "Founder"):
            user = self._persona(role)
            with self.assertRaises(AccessError):
                self.env["res.config.settings"].with_user(user).create({"fb_statement_day": 3})
            with self.assertRaises(AccessError):
                self.company.with_user(user).write({"fb_statement_day": 3})
        self.assertEqual(self.company.fb_statement_day, 12)
        for day in (29, 31, -1):
            with self.assertRaisesRegex(ValidationError, "from 1 to 28"):
                self.company.with_user(admin).write({"fb_statement_day": day})
        self.company.with_user(admin).write({"fb_statement_day": 0})
        self.assertEqual(self.company.fb_statement_day, 0)


@tagged("post_install", "-at_install")
class TestMonthlyStatementDemo(TransactionCase):
    def test_the_demo_sends_one_statement_per_customer_who_owes(self):
        """`make run`: the demo sets today's day (the 28th at the latest) and triggers the job, which sends each demo
        customer who owes something one statement."""
        company = self.env.ref("base.main_company")
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        for name in ("res_partner_demo.xml", "account_move_demo.xml", "fb_statement_demo.xml"):
            convert_file(env, "founder_backoffice", f"data/demo/{name}", {}, mode="init", noupdate=True)
        today = fields.Date.context_today(env.user)
        self.assertEqual(company.fb_statement_day, min(today.day, 28))
        job = env.ref("founder_backoffice.ir_cron_fb_monthly_statements")
        self.assertTrue(env["ir.cron.trigger"].search([("cron_id", "=", job.id)]))
        with self.enter_registry_test_mode():
            job.method_direct_trigger()
        env.invalidate_all()
        invoices = env["account.move"].search([("company_id", "=", company.id), ("move_type", "=", "out_invoice")])
        owing = invoices.filtered("amount_residual").partner_id.commercial_partner_id.filtered("email")
        self.assertGreaterEqual(len(owing), 5)
        mailings = env["fb.statement.mailing"].search([("company_id", "=", company.id)])
        self.assertEqual(mailings.partner_id, owing)
        self.assertEqual(set(mailings.mapped("state")), {"sent"})
        mails = env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "in", owing.ids)])
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(owing.ids), "one each")
        self.assertEqual(len(mails.attachment_ids), len(owing))
