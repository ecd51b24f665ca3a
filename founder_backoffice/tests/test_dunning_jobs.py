from contextlib import ExitStack
from datetime import date
from unittest.mock import patch

from odoo.fields import Command
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.base.models import ir_cron

from ..models.fb_dunning_reminder import FbDunningReminder
from ..models.fb_dunning_run import FbDunningRun
from .common import FounderBackofficeCommon

TODAY = "2026-04-20 09:00:00"  # a Monday


class DunningJobsCommon(FounderBackofficeCommon):
    """The daily job and the background send as Odoo's scheduler runs them: one short call after the other.

    Each test class is one database transaction, in which every call of a job adds savepoints: the jobs' tests
    are spread over small classes, as PostgreSQL slows down with thousands of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.daily = cls.env.ref("founder_backoffice.ir_cron_fb_dunning")
        cls.background = cls.env.ref("founder_backoffice.ir_cron_fb_dunning_send")

    def _company_with_customers(self, company, count, due=date(2026, 4, 18)):
        """``count`` customers of ``company`` with one overdue invoice each, and a default one-level policy."""
        if company != self.company:
            self.env["fb.dunning.policy"].create(
                {
                    "name": "Standard",
                    "company_id": company.id,
                    "is_default": True,
                    "compensation_amount": 0.0,
                    "level_ids": [
                        Command.create(
                            {
                                "name": "Friendly",
                                "days": 1,
                                "mail_template_id": self.level_1.mail_template_id.id,
                            }
                        )
                    ],
                }
            )
        Partner = self.env["res.partner"].with_company(company)
        customers = Partner.create(
            [
                {"name": f"{company.name} {i}", "is_company": True, "email": f"c{company.id}.{i}@example.com"}
                for i in range(count)
            ]
        )
        invoices = (
            self.env["account.move"]
            .with_company(company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "invoice_date": due,
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            Command.create({"name": "Service", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
                        ],
                    }
                    for customer in customers
                ]
            )
        )
        invoices.action_post()
        company.fb_dunning_mode = "send"
        return customers

    def _run_job(self, cron, calls=200):
        """Call ``cron`` as the scheduler would until it reports nothing left; return how many calls it took."""
        for call in range(1, calls + 1):
            with self.enter_registry_test_mode():
                cron.method_direct_trigger()
            self.env.invalidate_all()
            progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id desc", limit=1)
            if not progress.remaining:
                return call
        self.fail(f"{cron.name} still reports work left after {calls} calls")

    def _mails_by_partner(self, partners):
        mails = self.env["mail.mail"].search([("model", "=", "fb.dunning.reminder")])
        counts = {}
        for mail in mails:
            for partner in mail.recipient_ids & partners:
                counts[partner] = counts.get(partner, 0) + 1
        return counts


@tagged("post_install", "-at_install")
class TestDailyJob(DunningJobsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.setup_other_company(name="Seconda S.r.l.")["company"]
        cls.third = cls.setup_other_company(name="Terza S.r.l.")["company"]

    @freeze_time(TODAY)
    def test_daily_job_sends_every_company_once_and_isolates_a_failing_one(self):
        second, third = self.second, self.third
        customers = {company: self._company_with_customers(company, 100) for company in (self.company, second, third)}
        original = FbDunningReminder._send

        def broken_in_second_company(reminders):
            if reminders.company_id == second:
                raise ValueError("the letter template of Seconda cannot be rendered")
            return original(reminders)

        with ExitStack() as stack:
            stack.enter_context(patch.object(ir_cron, "MIN_TIME_PER_JOB", 0))
            stack.enter_context(patch.object(ir_cron, "MIN_RUNS_PER_JOB", 1))
            stack.enter_context(patch.object(FbDunningRun, "SEND_BATCH", 25))
            stack.enter_context(patch.object(FbDunningReminder, "_send", broken_in_second_company))
            stack.enter_context(mute_logger("odoo.addons.founder_backoffice.models.fb_dunning_run"))
            calls = self._run_job(self.daily)
        # one step per call: three runs computed, four batches in each of two companies, one failing batch
        self.assertEqual(calls, 3 + 4 + 4 + 1)

        runs = {run.company_id: run for run in self.env["fb.dunning.run"].search([])}
        self.assertEqual(set(runs), {self.company, second, third})
        for company in (self.company, third):
            self.assertEqual(runs[company].state, "done")
            self.assertEqual(runs[company].sent_count, 100)
            counts = self._mails_by_partner(customers[company])
            self.assertEqual(set(counts), set(customers[company]), "every customer got its reminder")
            self.assertEqual(set(counts.values()), {1}, "and only one")
        failed = runs[second]
        self.assertEqual(failed.state, "failed")
        self.assertIn("cannot be rendered", failed.failure_reason)
        self.assertTrue(failed.message_ids.filtered(lambda m: "cannot be rendered" in (m.body or "")))
        self.assertEqual(failed.to_send_count, 100, "the failing batch was rolled back")
        self.assertFalse(self._mails_by_partner(customers[second]))
        self.assertTrue(self.daily.active)
        self.assertEqual(self.daily.failure_count, 0)

        # the next call finds nothing to do and sends nothing again; the founder goes on with the failed run
        self._run_job(self.daily)
        self.assertEqual(len(self._mails_by_partner(customers[self.company] | customers[third])), 200)
        failed.with_user(self._persona("Founder", company=second)).action_send()
        self.assertEqual(failed.state, "sending", "100 reminders: in the background")
        self._run_job(self.background)
        self.assertEqual(failed.state, "done")
        self.assertFalse(failed.failure_reason)
        self.assertEqual(set(self._mails_by_partner(customers[second]).values()), {1})

    @freeze_time(TODAY)
    def test_a_company_whose_run_cannot_be_computed_does_not_stop_the_others(self):
        second = self.second
        customers = self._company_with_customers(second, 3)
        self.level_2.charge_interest = True  # and no reference rate in the first company
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        self.company.fb_dunning_mode = "send"
        with mute_logger("odoo.addons.founder_backoffice.models.fb_dunning_run"):
            self._run_job(self.daily)
        failed = self.env["fb.dunning.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(failed.state, "failed")
        self.assertIn("No late-payment reference rate", failed.failure_reason)
        self.assertFalse(failed.reminder_ids)
        done = self.env["fb.dunning.run"].search([("company_id", "=", second.id)])
        self.assertEqual(done.state, "done")
        self.assertEqual(set(self._mails_by_partner(customers).values()), {1})
        self.assertEqual(self.daily.failure_count, 0)


@tagged("post_install", "-at_install")
class TestBackgroundSend(DunningJobsCommon):
    @freeze_time(TODAY)
    def test_manual_send_of_a_large_run_goes_to_the_background_with_progress(self):
        customers = self._company_with_customers(self.company, 200)
        self.company.fb_dunning_mode = "draft"
        manager = self._persona("Collections manager")
        run = self._run(date(2026, 4, 20)).with_user(manager)
        self.assertEqual(run.reminder_count, 200)

        run.action_send()
        self.assertEqual(run.state, "sending")
        self.assertEqual(run.sending_user_id, manager)
        self.assertEqual((run.to_send_count, run.sent_count), (200, 0), "nothing sent in the request")
        self.assertFalse(self._mails_by_partner(customers))
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.background.id)])
        self.assertEqual(len(triggers), 1)
        run.action_send()  # a second click
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.background.id)]), 1)
        self.assertEqual(run.to_send_count, 200)

        with (
            patch.object(ir_cron, "MIN_TIME_PER_JOB", 0),
            patch.object(ir_cron, "MIN_RUNS_PER_JOB", 1),
            patch.object(FbDunningRun, "SEND_BATCH", 50),
        ):
            with self.enter_registry_test_mode():
                self.background.method_direct_trigger()
            run.invalidate_recordset()
            self.assertEqual((run.state, run.sent_count, run.to_send_count), ("sending", 50, 150))
            self.assertEqual(run.progress, 25.0)
            self.assertEqual(self._run_job(self.background), 3)
        run.invalidate_recordset()
        self.assertEqual((run.state, run.sent_count, run.to_send_count, run.progress), ("done", 200, 0, 100.0))
        counts = self._mails_by_partner(customers)
        self.assertEqual((len(counts), set(counts.values())), (200, {1}))
        note = customers[0].message_ids.filtered(lambda m: "Payment reminder sent" in (m.body or ""))
        self.assertEqual(note.author_id, manager.partner_id, "sent as the user who pressed Send")

    @freeze_time(TODAY)
    def test_small_run_is_sent_in_the_request(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20)).with_user(self._persona("Founder"))
        run.action_send()
        self.assertEqual((run.state, run.sent_count), ("done", 1))
        self.assertFalse(self.env["ir.cron.trigger"].search([("cron_id", "=", self.background.id)]))
