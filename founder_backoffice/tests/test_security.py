import re
from datetime import date
from unittest.mock import patch

from odoo import sql_db
from odoo.exceptions import AccessError, ConcurrencyError, UserError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged
from odoo.tests.test_cursor import TestCursor

from ..models.fb_dunning_run import DUNNING_LOCK, FbDunningRun
from .common import FounderBackofficeCommon
from .test_personas import PERSONA_TABLES

OPERATIONS = ("read", "write", "create", "unlink")


def readme_access_table():
    """``{model: {group column: set of operations}}`` from the README's security table (``personas.md``)."""
    lines = PERSONA_TABLES.read_text().split("## Security", 1)[1].splitlines()
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines if line.startswith("| fb.")]
    header = next(line for line in lines if line.startswith("| Model"))
    columns = [cell.strip() for cell in header.strip("|").split("|")][1:]
    table = {}
    for model, *cells in rows:
        table[model] = {}
        for column, cell in zip(columns, cells, strict=True):
            if cell == "all":
                operations = set(OPERATIONS)
            elif cell == "—":
                operations = set()
            else:
                operations = {"unlink" if op == "delete" else op for op in re.split(r",\s*", cell)}
            table[model][column] = operations
    return table


@tagged("post_install", "-at_install")
class TestAccessRights(FounderBackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "Collections user": cls._user("fb_sec_user", "founder_backoffice.group_collections_user"),
            "Collections manager": cls._user("fb_sec_manager", "founder_backoffice.group_collections_manager"),
            "Founder": cls._user("fb_sec_founder", "founder_backoffice.group_founder"),
            "Accounting administrator": cls._user("fb_sec_accountant", "account.group_account_manager"),
            "Portal / public": cls._user("fb_sec_portal", "base.group_portal"),
        }

    def test_access_rights_match_the_readme_for_every_model_and_group(self):
        table = readme_access_table()
        ours = self.env["ir.model"].search([("model", "=like", "fb.%"), ("transient", "in", (True, False))])
        concrete = {model.model for model in ours if not self.env[model.model]._abstract}
        self.assertEqual(set(table), concrete, "every model of the add-on is in the README table, and only them")
        Access = self.env["ir.model.access"]
        public = self.env.ref("base.public_user").sudo()
        for model, groups in table.items():
            for column, allowed in groups.items():
                users = [self.users[column]] + ([public] if column == "Portal / public" else [])
                for user in users:
                    access = Access.with_user(user).with_context(allowed_company_ids=user.sudo().company_ids.ids)
                    for operation in OPERATIONS:
                        granted = access.check(model, operation, raise_exception=False)
                        self.assertEqual(granted, operation in allowed, f"{model} {operation} for {column} ({user.id})")

    def test_rpc_paths_of_the_web_client(self):
        collector = self.users["Collections user"]
        accountant = self.users["Accounting administrator"]
        Wizard = self.env["fb.report.wizard"]
        aging = Wizard.with_user(collector).create({"report": "aging_receivable", "company_id": self.company.id})
        self.assertEqual(aging.action_xlsx()["type"], "ir.actions.act_url")
        pnl = Wizard.with_user(collector).create({"report": "pnl", "company_id": self.company.id})
        for action in (pnl.action_xlsx, pnl.action_view, pnl.action_pdf):
            with self.assertRaises(AccessError):
                action()
        pnl = Wizard.with_user(accountant).create({"report": "pnl", "company_id": self.company.id})
        self.assertEqual(pnl.action_xlsx()["type"], "ir.actions.act_url")
        for user in (collector, accountant, self.users["Portal / public"]):
            with self.assertRaises(AccessError):
                self.env["fb.dashboard.figures"].with_user(user).get_dashboard("this_month")

    def test_portal_user_reaches_nothing(self):
        portal = self.users["Portal / public"]
        for model in ("fb.promise", "fb.dunning.reminder", "fb.collection.queue", "fb.aging.report"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(portal).search([])


@tagged("post_install", "-at_install")
class TestCompanyIsolation(FounderBackofficeCommon):
    @freeze_time("2026-04-20")
    def test_a_user_of_company_a_cannot_touch_company_b(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        manager = self._user("fb_iso_manager", "founder_backoffice.group_collections_manager")
        with self.assertRaises(AccessError):
            self.env["fb.dunning.run"].with_user(manager).create(
                {"company_id": company_b.id, "date": date(2026, 4, 20)}
            )
        other = self._customer("Cliente B")
        promise_b = self.env["fb.promise"].create(
            {"partner_id": other.id, "amount": 10.0, "promised_date": date(2026, 5, 1), "company_id": company_b.id}
        )
        self.env.flush_all()
        self.assertFalse(self.env["fb.promise"].with_user(manager).search([("id", "=", promise_b.id)]))
        with self.assertRaises(AccessError):
            promise_b.with_user(manager).read(["amount"])
        with self.assertRaises(AccessError):
            self.env["fb.report.wizard"].with_user(manager).create(
                {"report": "aging_receivable", "company_id": company_b.id}
            ).action_xlsx()


@tagged("post_install", "-at_install")
class TestConcurrentRuns(FounderBackofficeCommon):
    """A second sender of the same company waits its turn; another company is not held up.

    The first sender is a real second database connection holding the company's dunning lock, as another
    worker's transaction would.
    """

    @freeze_time("2026-04-20")
    def test_second_sender_of_the_same_company_is_refused_clearly_and_others_go_on(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        company_b = self.setup_other_company(name="Company B")["company"]
        run_b = self.env["fb.dunning.run"].create({"company_id": company_b.id, "date": date(2026, 4, 20)})
        other_worker = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other_worker.execute("SELECT pg_advisory_xact_lock(%s, %s)", (DUNNING_LOCK, self.company.id))
            with self.assertRaisesRegex(UserError, "being sent right now"):
                run.action_send()
            self.assertEqual(run.reminder_ids.state, "draft", "nothing sent, nothing lost")
            self.assertTrue(run_b._try_lock_company(), "another company's run is not blocked")
        finally:
            other_worker.rollback()
            other_worker.close()
        run.action_send()
        self.assertEqual((run.state, run.reminder_ids.state), ("done", "sent"))
        self.assertEqual(len(run.reminder_ids.mail_id), 1)

    @freeze_time("2026-04-20")
    def test_daily_job_goes_on_with_other_companies_while_one_is_busy(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        self.env["fb.dunning.policy"].create(
            {
                "name": "B policy",
                "company_id": company_b.id,
                "is_default": True,
                "level_ids": [
                    Command.create({"name": "Only", "days": 1, "mail_template_id": self.level_1.mail_template_id.id})
                ],
            }
        )
        customer_b = self._customer("Cliente B")
        for company, customer in ((self.company, self.customer), (company_b, customer_b)):
            company.fb_dunning_mode = "send"
            self.env["account.move"].with_company(company).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": date(2026, 4, 1),
                    "invoice_date_due": date(2026, 4, 1),
                    "invoice_line_ids": [
                        Command.create({"name": "x", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
                    ],
                }
            ).action_post()
        cron = self.env.ref("founder_backoffice.ir_cron_fb_dunning")
        Run = self.env["fb.dunning.run"]
        other_worker = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other_worker.execute("SELECT pg_advisory_xact_lock(%s, %s)", (DUNNING_LOCK, self.company.id))
            with self.enter_registry_test_mode():
                cron.method_direct_trigger()
            self.env.invalidate_all()
            self.assertEqual(Run.search([("company_id", "=", company_b.id)]).reminder_ids.state, "sent")
            self.assertEqual(Run.search([("company_id", "=", self.company.id)]).reminder_ids.state, "draft")
        finally:
            other_worker.rollback()
            other_worker.close()
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(Run.search([("company_id", "=", self.company.id)]).reminder_ids.state, "sent")
        self.assertEqual(len(Run.search([]).reminder_ids.mail_id), 2)

    @freeze_time("2026-04-20")
    def test_each_send_step_takes_the_company_lock_before_it_reads(self):
        """Odoo's transactions read one snapshot, taken at their first statement: a send step that read before
        the lock would not see what the company's previous sender committed meanwhile."""
        for index in range(3):
            self._invoice(self._customer(f"Cliente {index}"), 100.0, date(2026, 4, 1))
        self.company.fb_dunning_mode = "send"
        statements = []
        execute, commit = TestCursor.execute, TestCursor.commit

        def recording_execute(cr, query, *args, **kwargs):
            statements.append((id(cr), str(getattr(query, "code", query))))
            return execute(cr, query, *args, **kwargs)

        def recording_commit(cr):
            commit(cr)
            statements.append((id(cr), "COMMIT"))

        with (
            patch.object(FbDunningRun, "SEND_BATCH", 1),
            patch.object(TestCursor, "execute", recording_execute),
            patch.object(TestCursor, "commit", recording_commit),
            self.enter_registry_test_mode(),
        ):
            self.env.ref("founder_backoffice.ir_cron_fb_dunning").method_direct_trigger()
        sending = [cursor for cursor, text in statements if text.startswith('INSERT INTO "mail_mail"')]
        self.assertTrue(sending)
        steps, step = [], []
        for cursor, text in statements:
            if cursor != sending[0]:
                continue
            if text == "COMMIT":
                steps.append(step)
                step = []
            else:
                step.append(text)
        send_steps = [step for step in steps if any(text.startswith('INSERT INTO "mail_mail"') for text in step)]
        self.assertEqual(len(send_steps), 3, "one transaction per batch")
        for step in send_steps:
            self.assertTrue(step[0].startswith("SELECT pg_try_advisory_xact_lock"), step[:3])
        run = self.env["fb.dunning.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual((run.state, set(run.reminder_ids.mapped("state"))), ("done", {"sent"}))

    @freeze_time("2026-04-20")
    def test_a_send_step_older_than_another_senders_commit_is_replayed(self):
        """The lock is taken late in a user's Send (the request read before): when a fresh transaction sees
        reminders to the same customers that this one does not, Odoo replays the request, and the job leaves
        the batch to its next call; nothing is sent from the old snapshot, nothing fails."""
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        manager = self._persona("Collections manager")
        sent_ids = FbDunningRun._sent_reminder_ids

        def committed_by_another_worker(run, partners, fresh=False):
            return sent_ids(run, partners, fresh) | ({0} if fresh else set())

        with patch.object(FbDunningRun, "_sent_reminder_ids", committed_by_another_worker):
            with self.assertRaises(ConcurrencyError):
                run.with_user(manager).action_send()
            self.assertEqual((run.state, run.reminder_ids.state), ("draft", "draft"))
            self.company.fb_dunning_mode = "send"
            with self.enter_registry_test_mode():
                self.env.ref("founder_backoffice.ir_cron_fb_dunning").method_direct_trigger()
            self.env.invalidate_all()
            self.assertEqual((run.state, run.reminder_ids.state, run.failure_reason), ("draft", "draft", False))
            self.assertFalse(run.reminder_ids.mail_id)
        run.with_user(manager).action_send()
        self.assertEqual((run.state, run.reminder_ids.state, len(run.reminder_ids.mail_id)), ("done", "sent", 1))

    @freeze_time("2026-04-20")
    def test_two_runs_of_a_company_send_one_reminder_and_one_fee(self):
        product = self.env["product.product"].create({"name": "Dunning charges", "type": "service"})
        self.policy.write({"fee_booking": "posted", "fee_product_id": product.id})
        self.level_2.write({"fee_type": "fixed", "fee_fixed": 5.0})
        self._invoice(self.customer, 100.0, date(2026, 4, 1))  # 19 days: Firm, with its fee
        founder = self._persona("Founder")
        daily, manual = self._run(date(2026, 4, 20)), self._run(date(2026, 4, 20), policy_id=self.policy.id)
        self.assertEqual((daily.reminder_ids.amount_fee, manual.reminder_ids.amount_fee), (5.0, 5.0))
        self.company.fb_dunning_mode = "send"
        with self.enter_registry_test_mode():
            self.env.ref("founder_backoffice.ir_cron_fb_dunning").method_direct_trigger()
        self.env.invalidate_all()
        manual.with_user(founder).action_send()  # no IntegrityError: re-checked under the lock
        self.assertEqual((daily.reminder_ids.state, manual.reminder_ids.state), ("sent", "cancelled"))
        self.assertIn("already received its level", manual.reminder_ids.failure_reason)
        self.assertEqual(len((daily | manual).reminder_ids.mail_id), 1)
        charges = self.env["account.move"].search([("invoice_line_ids.product_id", "=", product.id)])
        self.assertEqual((len(charges), charges.amount_total), (1, 5.0))


@tagged("post_install", "-at_install")
class TestServerManagedFields(FounderBackofficeCommon):
    """What the add-on's actions manage is refused to a direct write over RPC (``write`` as the user is what
    ``call_kw`` does), to a manager too: a clear error, and nothing changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls._persona("Collections user")
        cls.manager = cls._persona("Collections manager")
        cls.founder = cls._persona("Founder")

    @freeze_time("2026-04-20")
    def test_a_runs_state_and_sender_change_only_through_its_actions(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        for user in (self.manager, self.founder):
            for vals in (
                {"state": "sending", "sending_user_id": self.founder.id},
                {"state": "done"},
                {"sending_user_id": user.id},
                {"failure_reason": "x", "origin": "cron"},
            ):
                with self.assertRaisesRegex(UserError, "only through its actions"):
                    run.with_user(user).write(vals)
            with self.assertRaisesRegex(UserError, "only through its actions"):
                self.env["fb.dunning.run"].with_user(user).create(
                    {"company_id": self.company.id, "date": date(2026, 4, 20), "state": "done"}
                )
        with self.assertRaises(AccessError):
            run.with_user(self.collector).write({"state": "cancelled"})
        self.assertEqual((run.state, run.sending_user_id, run.failure_reason), ("draft", self.env["res.users"], False))
        run.with_user(self.manager).write({"date": date(2026, 4, 20)})  # a preview's date and policy are free
        run.with_user(self.manager).action_send()
        self.assertEqual(run.state, "done")
        with self.assertRaisesRegex(UserError, "Only the date and policy of a run that sent nothing"):
            run.with_user(self.manager).write({"date": date(2026, 4, 21)})
        self.assertEqual(run.reminder_ids.date, date(2026, 4, 20))

    @freeze_time("2026-04-20")
    def test_sent_history_cannot_be_rewritten_nor_made_by_hand(self):
        invoice = self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        run.with_user(self.founder).action_send()
        reminder, line = run.reminder_ids, run.line_ids
        for user in (self.manager, self.founder):
            for records, vals in (
                (reminder, {"state": "draft"}),
                (reminder, {"charge_move_id": False, "amount_fee": 0.0}),
                (line, {"state": "draft"}),
                (line, {"new_level": False}),
            ):
                with self.assertRaisesRegex(UserError, "only through its actions"):
                    records.with_user(user).write(vals)
            for records in (reminder, line):
                with self.assertRaisesRegex(UserError, "cannot be deleted"):
                    records.with_user(user).unlink()
            with self.assertRaisesRegex(UserError, "made by the dunning runs only"):
                self.env["fb.dunning.line"].with_user(user).create(
                    {"reminder_id": reminder.id, "move_id": invoice.id, "level_id": self.level_3.id, "state": "sent"}
                )
        with self.assertRaises(AccessError):
            line.with_user(self.collector).write({"state": "draft"})
        self.assertEqual((reminder.state, line.state, line.new_level), ("sent", "sent", True))
        self.assertEqual(self._sent_levels(), {invoice.name: "Firm"})
        with freeze_time("2026-04-21"):
            self.assertFalse(self._run(date(2026, 4, 21)).reminder_ids, "the level is not sent again")
