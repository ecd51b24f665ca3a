from contextlib import ExitStack
from datetime import date
from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo import sql_db
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.base.models import ir_cron

from ..models.fb_dunning_reminder import FbDunningReminder
from ..models.fb_dunning_run import FbDunningRun
from ..models.fb_kpi import FbKpi
from .common import FounderBackofficeCommon

RUN_LOG = "odoo.addons.founder_backoffice.models.fb_dunning_run"

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
        customers = {company: self._company_with_customers(company, 40) for company in (self.company, second, third)}
        original = FbDunningReminder._send

        def broken_in_second_company(reminders):
            if reminders.company_id == second:
                raise ValueError("the letter template of Seconda cannot be rendered")
            return original(reminders)

        with ExitStack() as stack:
            stack.enter_context(patch.object(ir_cron, "MIN_TIME_PER_JOB", 0))
            stack.enter_context(patch.object(ir_cron, "MIN_RUNS_PER_JOB", 1))
            stack.enter_context(patch.object(FbDunningRun, "SEND_BATCH", 10))
            stack.enter_context(patch.object(FbDunningReminder, "_send", broken_in_second_company))
            stack.enter_context(mute_logger("odoo.addons.founder_backoffice.models.fb_dunning_run"))
            calls = self._run_job(self.daily)
        # one step per call: three runs computed, four batches in each of two companies, one failing batch
        self.assertEqual(calls, 3 + 4 + 4 + 1)

        runs = {run.company_id: run for run in self.env["fb.dunning.run"].search([])}
        self.assertEqual(set(runs), {self.company, second, third})
        for company in (self.company, third):
            self.assertEqual(runs[company].state, "done")
            self.assertEqual(runs[company].sent_count, 40)
            counts = self._mails_by_partner(customers[company])
            self.assertEqual(set(counts), set(customers[company]), "every customer got its reminder")
            self.assertEqual(set(counts.values()), {1}, "and only one")
        failed = runs[second]
        self.assertEqual(failed.state, "failed")
        self.assertIn("cannot be rendered", failed.failure_reason)
        self.assertTrue(failed.message_ids.filtered(lambda m: "cannot be rendered" in (m.body or "")))
        self.assertEqual(failed.to_send_count, 40, "the failing batch was rolled back")
        self.assertFalse(self._mails_by_partner(customers[second]))
        self.assertTrue(self.daily.active)
        self.assertEqual(self.daily.failure_count, 0)

        # the next call finds nothing to do and sends nothing again; the founder goes on with the failed run
        self._run_job(self.daily)
        self.assertEqual(len(self._mails_by_partner(customers[self.company] | customers[third])), 80)
        failed.with_user(self._persona("Founder", company=second)).action_send()
        self.assertEqual(failed.state, "sending", "40 reminders: in the background")
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
        customers = self._company_with_customers(self.company, 40)
        self.company.fb_dunning_mode = "draft"
        manager = self._persona("Collections manager")
        run = self._run(date(2026, 4, 20)).with_user(manager)
        self.assertEqual(run.reminder_count, 40)

        run.action_send()
        self.assertEqual(run.state, "sending")
        self.assertEqual(run.sending_user_id, manager)
        self.assertEqual((run.to_send_count, run.sent_count), (40, 0), "nothing sent in the request")
        self.assertFalse(self._mails_by_partner(customers))
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.background.id)])
        self.assertEqual(len(triggers), 1)
        run.action_send()  # a second click
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.background.id)]), 1)
        self.assertEqual(run.to_send_count, 40)

        with (
            patch.object(ir_cron, "MIN_TIME_PER_JOB", 0),
            patch.object(ir_cron, "MIN_RUNS_PER_JOB", 1),
            patch.object(FbDunningRun, "SEND_BATCH", 10),
        ):
            with self.enter_registry_test_mode():
                self.background.method_direct_trigger()
            run.invalidate_recordset()
            self.assertEqual((run.state, run.sent_count, run.to_send_count), ("sending", 10, 30))
            self.assertEqual(run.progress, 25.0)
            self.assertEqual(self._run_job(self.background), 3)
        run.invalidate_recordset()
        self.assertEqual((run.state, run.sent_count, run.to_send_count, run.progress), ("done", 40, 0, 100.0))
        counts = self._mails_by_partner(customers)
        self.assertEqual((len(counts), set(counts.values())), (40, {1}))
        note = customers[0].message_ids.filtered(lambda m: "Payment reminder sent" in (m.body or ""))
        self.assertEqual(note.author_id, manager.partner_id, "sent as the user who pressed Send")

    @freeze_time(TODAY)
    def test_small_run_is_sent_in_the_request(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20)).with_user(self._persona("Founder"))
        run.action_send()
        self.assertEqual((run.state, run.sent_count), ("done", 1))
        self.assertFalse(self.env["ir.cron.trigger"].search([("cron_id", "=", self.background.id)]))


@tagged("post_install", "-at_install")
class TestBackgroundSender(DunningJobsCommon):
    """The background job sends as the user who pressed Send, only while that user may: otherwise the run fails
    with the reason, recorded as superuser, and the job goes on with the other runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._persona("Collections manager")
        cls.founder = cls._persona("Founder")

    def _queued_runs(self, count=2, customers=21):
        """``count`` runs of ``customers`` customers each (one policy per run), ready to be sent."""
        everyone = self._company_with_customers(self.company, count * customers)
        self.company.fb_dunning_mode = "draft"
        policies = self.policy
        for index in range(1, count):
            policies |= self.env["fb.dunning.policy"].create(
                {
                    "name": f"Policy {index}",
                    "company_id": self.company.id,
                    "level_ids": [
                        Command.create(
                            {"name": "Only", "days": 1, "mail_template_id": self.level_1.mail_template_id.id}
                        )
                    ],
                }
            )
            everyone[index * customers : (index + 1) * customers].write({"fb_dunning_policy_id": policies[-1].id})
        runs = self.env["fb.dunning.run"]
        for policy in policies:
            runs |= self._run(date(2026, 4, 20), policy_id=policy.id)
        return runs, everyone

    @freeze_time(TODAY)
    def test_a_sender_who_lost_the_group_fails_the_run_and_the_job_goes_on(self):
        (lost, kept), customers = self._queued_runs()
        lost.with_user(self.manager).action_send()
        kept.with_user(self.founder).action_send()
        self.assertEqual(
            (lost.state, lost.sending_user_id, kept.sending_user_id), ("sending", self.manager, self.founder)
        )
        self.manager.sudo().group_ids = [Command.set(self.env.ref("founder_backoffice.group_collections_user").ids)]
        with mute_logger(RUN_LOG):
            self._run_job(self.background)
        self.assertEqual(lost.state, "failed")
        self.assertIn(f"{self.manager.name}, who pressed Send, is no longer a collections manager", lost.failure_reason)
        self.assertEqual((lost.sent_count, lost.to_send_count), (0, 21), "nothing sent as them")
        note = lost.message_ids.filtered(lambda m: "no longer a collections manager" in (m.body or ""))
        self.assertEqual(note.author_id, self.env.ref("base.user_root").partner_id, "recorded as superuser")
        self.assertEqual((kept.state, kept.sent_count), ("done", 21), "the other run went on")
        self.assertEqual((self.background.failure_count, self.background.active), (0, True))
        # a manager takes the run over: sent as them, once
        lost.with_user(self.founder).action_send()
        self._run_job(self.background)
        self.assertEqual((lost.state, lost.sent_count), ("done", 21))
        self.assertEqual(set(self._mails_by_partner(customers).values()), {1})

    @freeze_time(TODAY)
    def test_no_sender_or_a_sender_of_another_company_sends_nothing(self):
        (nobody, moved), customers = self._queued_runs()
        nobody.with_user(self.founder).action_send()
        moved.with_user(self.manager).action_send()
        nobody.sudo().sending_user_id = False  # as a manager could write it before
        main = self.env.ref("base.main_company")
        self.manager.sudo().write({"company_ids": [Command.set(main.ids)], "company_id": main.id})
        with mute_logger(RUN_LOG):
            self._run_job(self.background)
        self.assertEqual((nobody.state, moved.state), ("failed", "failed"))
        self.assertIn("Nobody is recorded as having pressed Send", nobody.failure_reason)
        self.assertIn("no longer a collections manager of", moved.failure_reason)
        self.assertFalse(self._mails_by_partner(customers), "never sent as the job's superuser")
        self.assertEqual(self.background.failure_count, 0)

    @freeze_time(TODAY)
    def test_a_manager_stops_or_cancels_a_run_being_sent(self):
        [run], customers = self._queued_runs(count=1)
        run.with_user(self.manager).action_send()
        collector = self._persona("Collections user")
        for action in ("action_stop_sending", "action_cancel"):
            with self.assertRaises(AccessError):
                getattr(run.with_user(collector), action)()
        run.with_user(self.manager).action_stop_sending()
        self.assertEqual((run.state, run.sending_user_id), ("draft", self.env["res.users"]), "nothing was sent yet")
        run.with_user(self.manager).action_send()
        with (
            patch.object(ir_cron, "MIN_TIME_PER_JOB", 0),
            patch.object(ir_cron, "MIN_RUNS_PER_JOB", 1),
            patch.object(FbDunningRun, "SEND_BATCH", 10),
            self.enter_registry_test_mode(),
        ):
            self.background.method_direct_trigger()
        run.invalidate_recordset()
        self.assertEqual((run.state, run.sent_count), ("sending", 10))
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            run.with_user(self.manager).action_cancel()
        run.with_user(self.manager).action_stop_sending()
        self.assertEqual(run.state, "failed")
        self.assertIn(f"Sending stopped by {self.manager.name}", run.failure_reason)
        self._run_job(self.background)
        self.assertEqual(run.sent_count, 10, "the job leaves a stopped run")
        run.with_user(self.founder).action_send()
        self._run_job(self.background)
        self.assertEqual((run.state, run.sent_count), ("done", 21))
        self.assertEqual(set(self._mails_by_partner(customers).values()), {1})
        # a run being sent that sent nothing yet can be cancelled outright
        [other], _customers = self._queued_runs(count=1)
        other.with_user(self.manager).action_send()
        other.with_user(self.manager).action_cancel()
        self.assertEqual((other.state, set(other.reminder_ids.mapped("state"))), ("cancelled", {"cancelled"}))


@tagged("post_install", "-at_install")
class TestKpiJobs(DunningJobsCommon):
    """The dashboard-figures and KPI-snapshot jobs isolate each company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.setup_other_company(name="Seconda S.r.l.")["company"]
        cls.figures_job = cls.env.ref("founder_backoffice.ir_cron_fb_dashboard_figures")
        cls.snapshot_job = cls.env.ref("founder_backoffice.ir_cron_fb_kpi_snapshot")

    @freeze_time(TODAY)
    def test_a_company_that_fails_does_not_stop_the_others(self):
        compute = FbKpi.compute

        def broken_for_the_first_company(kpi, company, date_from, date_to):
            if company == self.company:
                raise ValueError("a broken ledger")
            return compute(kpi, company, date_from, date_to)

        with (
            patch.object(FbKpi, "compute", broken_for_the_first_company),
            mute_logger(
                "odoo.addons.founder_backoffice.models.fb_dashboard_figures",
                "odoo.addons.founder_backoffice.models.fb_kpi_snapshot",
            ),
        ):
            self._run_job(self.figures_job)
            self._run_job(self.snapshot_job)
        Figures, Snapshot = self.env["fb.dashboard.figures"], self.env["fb.kpi.snapshot"]
        self.assertFalse(Figures.search([("company_id", "=", self.company.id)]))
        self.assertIn("forecast:2026-04-20", Figures.search([("company_id", "=", self.second.id)]).mapped("key"))
        self.assertFalse(Snapshot.search([("company_id", "=", self.company.id)]))
        self.assertEqual(Snapshot.search_count([("company_id", "=", self.second.id)]), 12)
        for job in (self.figures_job, self.snapshot_job):
            self.assertEqual((job.failure_count, job.active), (0, True))

    @freeze_time(TODAY)
    def test_figures_stored_meanwhile_by_another_transaction_give_no_integrity_error(self):
        """A founder's Refresh and the job store the same keys: the second, whose snapshot is older than the
        first's commit, gets a serialization failure, which Odoo retries (never a unique-key error); the job leaves
        that company to its next call and computes the others."""
        company = self.company
        if not self.env.ref("__fb_tests__.company_it", raise_if_not_found=False):
            self.skipTest("the test company is not in the template database: another connection cannot see it")
        Figures = self.env["fb.dashboard.figures"]
        key = Figures._forecast_key(date(2026, 4, 20))
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SET lock_timeout = '10s'")  # never wait for this test's own transaction
            other.execute(
                "INSERT INTO fb_dashboard_figures (company_id, key, data, computed_at) "
                "VALUES (%s, %s, '[]', now() at time zone 'UTC')",
                (company.id, key),
            )
            other.commit()
            with mute_logger("odoo.sql_db", "odoo.addons.founder_backoffice.models.fb_dashboard_figures"):
                with self.assertRaises(SerializationFailure):
                    Figures.sudo()._compute_ahead(company)
                self._run_job(self.figures_job)
            self.assertFalse(Figures.search([("company_id", "=", company.id)]), "left to the next call")
            self.assertIn("forecast:2026-04-20", Figures.search([("company_id", "=", self.second.id)]).mapped("key"))
            self.assertEqual(self.figures_job.failure_count, 0)
        finally:
            other.rollback()
            other.execute("DELETE FROM fb_dashboard_figures WHERE company_id = %s AND key = %s", (company.id, key))
            other.commit()
            other.close()
