from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools.misc import format_amount

from ..engine.priority import priority_score
from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
class TestCollectionsQueue(FounderBackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls._user("fb_queue_collector", "founder_backoffice.group_collections_user")

    def _queue(self, partner):
        self.env.flush_all()
        return self.env["fb.collection.queue"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    @freeze_time("2026-04-30")
    def test_queue_values_and_priority_order(self):
        big = self._customer("Grande S.p.A.", fb_collector_id=self.collector.id)
        small = self._customer("Piccola S.r.l.")
        self._invoice(big, 12000.0, date(2026, 3, 1))  # 60 days
        self._invoice(big, 500.0, date(2026, 4, 20))  # 10 days
        self._invoice(big, 800.0, date(2026, 5, 15))  # not yet due: in the total only
        partly = self._invoice(small, 300.0, date(2026, 1, 30))  # 90 days
        self._pay(partly, 100.0, date(2026, 4, 1))
        refund = self._invoice(small, 50.0, date(2026, 4, 1), post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        self.env["fb.promise"].create(
            {"partner_id": big.id, "amount": 5000.0, "promised_date": date(2026, 5, 10), "company_id": self.company.id}
        )
        dispute = self.env["fb.dispute"].create({"move_id": partly.id, "reason": "quality", "date": date(2026, 4, 15)})
        self.assertEqual(dispute.amount, 200.0)
        self.assertEqual(dispute.age, 15)

        row_big, row_small = self._queue(big), self._queue(small)
        self.assertEqual(
            (row_big.amount_overdue, row_big.amount_due, row_big.overdue_count, row_big.oldest_days),
            (12500.0, 13300.0, 2, 60),
        )
        self.assertEqual((row_big.promise_amount, row_big.promise_date), (5000.0, date(2026, 5, 10)))
        self.assertEqual(row_big.collector_id, self.collector)
        self.assertEqual(row_big.stage_id.kind, "promised")
        self.assertEqual(
            (row_small.amount_overdue, row_small.amount_due, row_small.overdue_count, row_small.oldest_days),
            (200.0, 150.0, 1, 90),
        )
        self.assertEqual(row_small.disputed_amount, 200.0)
        # 10 x log10(12501) + 40 x 60/180 = 40.97 + 13.33 = 54.3 ; 10 x log10(201) + 40 x 90/180 = 23.03 + 20 = 43.0
        self.assertEqual(row_big.priority, 54.3)
        self.assertEqual(row_small.priority, 43.0)
        self.assertEqual(row_big.priority, priority_score(12500.0, 60, 0))
        # the kanban card's sentences, as the customer's collector reads them, in Italian
        card = row_big.with_user(self.collector).with_context(lang="it_IT")
        self.env["res.lang"]._activate_lang("it_IT")
        self.assertEqual(
            (card.overdue_summary, card.promise_summary, card.dispute_summary),
            (
                f"{format_amount(card.env, 12500.0, self.eur)} scaduti; "
                "giorni di ritardo della partita più vecchia: 60",
                f"Pagamento promesso: {format_amount(card.env, 5000.0, self.eur)} entro il 10/05/2026",
                False,
            ),
        )
        self.assertEqual(row_small.dispute_summary, f"Disputed: {format_amount(self.env, 200.0, self.eur)}")
        rows = self.env["fb.collection.queue"].search([("partner_id", "in", (big | small).ids)])
        self.assertEqual(rows.partner_id, big | small, "sorted by priority, highest first")

    @freeze_time("2026-04-30")
    def test_broken_promises_raise_priority_and_filters(self):
        customer = self._customer("Promesse S.r.l.")
        invoice = self._invoice(customer, 1000.0, date(2026, 3, 31))  # 30 days
        with freeze_time("2026-04-10"):
            promise = self.env["fb.promise"].create(
                {
                    "partner_id": customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "amount": 1000.0,
                    "promised_date": date(2026, 4, 20),
                    "company_id": self.company.id,
                }
            )
        self.env["fb.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")
        row = self._queue(customer)
        self.assertEqual(row.broken_promise_count, 1)
        # 10 x log10(1001) + 40 x 30/180 + 15 = 30.0 + 6.67 + 15 = 51.7
        self.assertEqual(row.priority, 51.7)
        Queue = self.env["fb.collection.queue"]
        self.assertIn(row, Queue.search([("broken_promise_count", ">", 0)]))
        self.assertEqual(row.stage_id.kind, "escalated")
        activity = promise.activity_ids
        self.assertEqual(
            activity.activity_type_id, self.env.ref("founder_backoffice.mail_activity_type_collections_call")
        )
        self.assertEqual(row.next_action_date, False, "the activity is on the promise, not the customer")
        # a broken promise counts for 12 months (365 days) after its promised date
        for today, count in (("2027-04-19", 1), ("2027-04-20", 0)):
            with freeze_time(today):
                self.env.invalidate_all()
                self.assertEqual(self._queue(customer).broken_promise_count, count, today)

    @freeze_time("2026-04-30")
    def test_kanban_stage_and_bulk_assignment_write_the_customer(self):
        customer = self._customer("Kanban S.r.l.")
        self._invoice(customer, 100.0, date(2026, 4, 1))
        customer.fb_collection_stage_id = False  # a customer that existed before the add-on
        row = self._queue(customer)
        self.assertEqual(row.stage_id, self.env.ref("founder_backoffice.collection_stage_new"))
        legal = self.env.ref("founder_backoffice.collection_stage_legal")
        row.write({"stage_id": legal.id})
        self.assertEqual(customer.fb_collection_stage_id, legal)
        wizard = (
            self.env["fb.assign.collector.wizard"]
            .with_context(active_model="fb.collection.queue", active_ids=row.ids)
            .create({"collector_id": self.collector.id})
        )
        wizard.action_assign()
        self.assertEqual(customer.fb_collector_id, self.collector)
        with self.assertRaises(UserError):
            row.write({"amount_overdue": 1.0})


@tagged("post_install", "-at_install")
class TestPromisesAndDisputes(FounderBackofficeCommon):
    @freeze_time("2026-04-10")
    def test_promise_kept_by_payments_before_the_date(self):
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        promise = self.env["fb.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": 600.0,
                "promised_date": date(2026, 4, 20),
                "company_id": self.company.id,
            }
        )
        self._pay(invoice, 400.0, date(2026, 4, 12))  # partial payment before the date: not yet kept
        with freeze_time("2026-04-15"):
            self.env["fb.promise"]._cron_check_promises()
            self.assertEqual(promise.state, "open")
            self.assertEqual(promise.amount_paid, 400.0)
        self._pay(invoice, 200.0, date(2026, 4, 19))
        with freeze_time("2026-04-19"):
            self.env["fb.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "kept")

    @freeze_time("2026-04-10")
    def test_promise_broken_after_the_date_plus_grace(self):
        self.policy.grace_days = 3
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        promise = self.env["fb.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": 1000.0,
                "promised_date": date(2026, 4, 20),
                "company_id": self.company.id,
            }
        )
        with freeze_time("2026-04-23"):
            self.env["fb.promise"]._cron_check_promises()
            self.assertEqual(promise.state, "open", "still within the grace days")
        self._pay(invoice, 1000.0, date(2026, 4, 24))  # paid too late
        with freeze_time("2026-04-24"):
            self.env["fb.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")

    @freeze_time("2026-04-10")
    def test_promise_input_is_validated(self):
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        values = {"partner_id": self.customer.id, "move_ids": [Command.set(invoice.ids)], "company_id": self.company.id}
        with self.assertRaisesRegex(ValidationError, "between the day of the promise and 90 days later"):
            self.env["fb.promise"].create({**values, "amount": 100.0, "promised_date": date(2026, 4, 9)})
        with self.assertRaisesRegex(ValidationError, "between the day of the promise and 90 days later"):
            self.env["fb.promise"].create({**values, "amount": 100.0, "promised_date": date(2099, 1, 1)})
        other_invoice = self._invoice(self._customer("Bianchi S.r.l."), 50.0, date(2026, 3, 1))
        with self.assertRaisesRegex(ValidationError, "Only posted invoices of Rossi S.p.A. can be included"):
            self.env["fb.promise"].create(
                {
                    **values,
                    "move_ids": [Command.set((invoice | other_invoice).ids)],
                    "amount": 100.0,
                    "promised_date": date(2026, 4, 20),
                }
            )
        self.assertFalse(self.env["fb.promise"].search([("partner_id", "=", self.customer.id)]), "nothing written")
        with self.assertRaisesRegex(ValidationError, "more than is owed"):
            self.env["fb.promise"].create({**values, "amount": 1000.01, "promised_date": date(2026, 4, 20)})
        with self.assertRaisesRegex(ValidationError, "positive"):
            self.env["fb.promise"].create({**values, "amount": 0.0, "promised_date": date(2026, 4, 20)})

    @freeze_time("2026-04-10")
    def test_a_promise_date_and_state_change_only_through_its_actions(self):
        """A collector who could date a promise in 2030 would hold dunning back until 2030 plus 90 days."""
        collector, manager = self._persona("Collections user"), self._persona("Collections manager")
        self.customer.fb_collector_id = collector
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        values = {"partner_id": self.customer.id, "move_ids": [Command.set(invoice.ids)], "company_id": self.company.id}
        Promise = self.env["fb.promise"].with_user(collector)
        promise = Promise.create({**values, "amount": 500.0, "promised_date": date(2026, 5, 1)})
        for vals in ({"date": date(2030, 1, 1), "promised_date": date(2030, 3, 31)}, {"state": "kept"}):
            for user in (collector, manager):
                with self.assertRaisesRegex(UserError, "only through its actions"):
                    promise.with_user(user).write(vals)
        with self.assertRaisesRegex(ValidationError, "dated the day it is made"):
            Promise.create({**values, "amount": 100.0, "date": date(2030, 1, 1), "promised_date": date(2030, 3, 31)})
        with self.assertRaisesRegex(UserError, "only through its actions"):
            Promise.create({**values, "amount": 100.0, "promised_date": date(2026, 5, 1), "state": "kept"})
        with self.assertRaisesRegex(ValidationError, "between the day of the promise and 90 days later"):
            promise.with_user(collector).write({"promised_date": date(2030, 3, 31)})
        self.assertEqual(
            (promise.date, promise.promised_date, promise.state), (date(2026, 4, 10), date(2026, 5, 1), "open")
        )
        promise.with_user(collector).action_cancel()
        self.assertEqual(promise.state, "cancelled")
        dispute = self.env["fb.dispute"].with_user(collector).create({"move_id": invoice.id, "reason": "quality"})
        with self.assertRaisesRegex(UserError, "only through its actions"):
            dispute.with_user(manager).write({"state": "rejected"})
        dispute.with_user(collector).action_resolve()
        self.assertEqual((dispute.state, dispute.date_closed), ("resolved", date(2026, 4, 10)))

    @freeze_time("2026-04-10")
    def test_open_promise_and_dispute_hold_back_dunning(self):
        promised = self._invoice(self.customer, 100.0, date(2026, 3, 1))
        disputed = self._invoice(self.customer, 200.0, date(2026, 3, 1))
        free = self._invoice(self.customer, 300.0, date(2026, 3, 1))
        self.env["fb.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(promised.ids)],
                "amount": 100.0,
                "promised_date": date(2026, 4, 20),
                "company_id": self.company.id,
            }
        )
        dispute = self.env["fb.dispute"].create({"move_id": disputed.id, "reason": "wrong_amount"})
        run = self._run(date(2026, 4, 10))
        self.assertEqual(run.line_ids.move_id, free)
        run.action_cancel()
        dispute.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        run = self._run(date(2026, 4, 10))
        self.assertEqual(run.line_ids.move_id, free | disputed)
        run.action_cancel()
        with freeze_time("2026-04-21"):
            run = self._run(date(2026, 4, 21))
            self.assertEqual(run.line_ids.move_id, free | disputed | promised, "after the promised date")


@tagged("post_install", "-at_install")
class TestPaymentPlans(FounderBackofficeCommon):
    @freeze_time("2026-04-01")
    def test_plan_splits_exactly_and_follows_payments_in_date_order(self):
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        plan = self.env["fb.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "instalment_count": 3,
                "frequency": "monthly",
                "first_date": date(2026, 4, 15),
                "company_id": self.company.id,
            }
        )
        plan.action_compute_instalments()
        self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertEqual(plan.line_ids.mapped("date_due"), [date(2026, 4, 15), date(2026, 5, 15), date(2026, 6, 15)])
        plan.action_start()
        self.assertEqual(self.customer.fb_collection_stage_id.kind, "plan")
        self._pay(invoice, 500.0, date(2026, 4, 10))
        plan._update_instalments()
        self.assertEqual(plan.line_ids.mapped("state"), ["paid", "partial", "open"])
        self.assertEqual(plan.line_ids.mapped("amount_paid"), [333.33, 166.67, 0.0])

    @freeze_time("2026-04-01")
    def test_plan_input_is_validated(self):
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        values = {"partner_id": self.customer.id, "move_ids": [Command.set(invoice.ids)], "company_id": self.company.id}
        with self.assertRaisesRegex(ValidationError, "at least one instalment"):
            self.env["fb.payment.plan"].create({**values, "instalment_count": 0})
        with self.assertRaisesRegex(ValidationError, "between the day it is agreed and 730 days later"):
            self.env["fb.payment.plan"].create({**values, "first_date": date(2099, 1, 1)})
        other_invoice = self._invoice(self._customer("Bianchi S.r.l."), 50.0, date(2026, 3, 1))
        with self.assertRaisesRegex(ValidationError, "Only posted invoices of Rossi S.p.A. can be included"):
            self.env["fb.payment.plan"].create({**values, "move_ids": [Command.set((invoice | other_invoice).ids)]})
        with self.assertRaisesRegex(ValidationError, "date order"):
            self.env["fb.payment.plan"].create(
                {
                    **values,
                    "line_ids": [
                        Command.create({"sequence": 1, "date_due": date(2026, 6, 1), "amount": 500.0}),
                        Command.create({"sequence": 2, "date_due": date(2026, 5, 1), "amount": 500.0}),
                    ],
                }
            )

    @freeze_time("2026-04-01")
    def test_a_running_plan_keeps_its_date_state_and_terms(self):
        collector, manager = self._persona("Collections user"), self._persona("Collections manager")
        self.customer.fb_collector_id = collector
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        later = self._invoice(self.customer, 500.0, date(2026, 3, 15))
        values = {"partner_id": self.customer.id, "move_ids": [Command.set(invoice.ids)], "company_id": self.company.id}
        Plan = self.env["fb.payment.plan"].with_user(collector)
        with self.assertRaisesRegex(ValidationError, "dated the day it is agreed"):
            Plan.create({**values, "date": date(2030, 1, 1), "first_date": date(2030, 2, 1)})
        plan = Plan.create({**values, "instalment_count": 2, "first_date": date(2026, 5, 1)})
        plan.action_start()
        first = plan.line_ids[:1]
        for records, vals in (
            (plan, {"date": date(2030, 1, 1)}),
            (plan, {"state": "draft"}),
            (first, {"amount_paid": 500.0}),
        ):
            for user in (collector, manager):
                with self.assertRaisesRegex(UserError, "only through its actions"):
                    records.with_user(user).write(vals)
        for records, vals in (
            (first, {"date_due": date(2028, 1, 1)}),
            (first, {"amount": 1.0}),
            (plan, {"move_ids": [Command.link(later.id)]}),
            (plan, {"first_date": date(2028, 1, 1)}),
        ):
            with self.assertRaisesRegex(UserError, "terms of a running payment plan"):
                records.with_user(manager).write(vals)
        with self.assertRaisesRegex(UserError, "terms of a running payment plan"):
            first.with_user(collector).unlink()
        self.assertEqual((plan.date, plan.state, plan.move_ids), (date(2026, 4, 1), "active", invoice))
        self.assertEqual(plan.line_ids.mapped("date_due"), [date(2026, 5, 1), date(2026, 6, 1)])
        plan.with_user(collector).action_cancel()
        self.assertEqual(plan.state, "cancelled")

    @freeze_time("2026-04-01")
    def test_plan_replaces_invoice_due_dates_and_a_missed_instalment_is_reminded(self):
        invoice = self._invoice(self.customer, 900.0, date(2026, 2, 1))  # 59 days late: final level
        plan = self.env["fb.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "instalment_count": 3,
                "frequency": "monthly",
                "first_date": date(2026, 4, 10),
                "company_id": self.company.id,
            }
        )
        plan.action_start()
        self.assertFalse(self._run(date(2026, 4, 1)).reminder_ids, "while the plan is respected: nothing")
        self._pay(invoice, 300.0, date(2026, 4, 9))  # first instalment paid
        with freeze_time("2026-05-20"):  # the second (2026-05-10) is 10 days late
            run = self._run(date(2026, 5, 20))
            line = run.line_ids
            self.assertEqual(line.plan_line_id, plan.line_ids[1])
            self.assertEqual((line.amount_residual, line.days_overdue), (300.0, 10))
            self.assertEqual(line.level_id, self.level_1)
            run.action_send()
            self.assertEqual(line.state, "sent")


@tagged("post_install", "-at_install")
class TestCreditHold(FounderBackofficeCommon):
    @freeze_time("2026-04-01")
    def test_credit_hold_blocks_posting_for_users_not_managers(self):
        user = self._user("fb_hold_clerk", "account.group_account_invoice")
        wizard = (
            self.env["fb.credit.hold.wizard"]
            .with_context(fb_partner_id=self.customer.id)
            .create({"reason": "Three invoices over 90 days"})
        )
        wizard.action_confirm()
        self.assertTrue(self.customer.fb_credit_hold)
        self.assertEqual(self.customer.fb_credit_hold_date, date(2026, 4, 1))
        draft = self._invoice(self.customer, 100.0, date(2026, 4, 30), post=False)
        with self.assertRaisesRegex(UserError, "credit hold"):
            draft.with_user(user).action_post()
        self.assertEqual(draft.state, "draft")
        draft.action_post()  # the test user is a founder, so a collections manager
        self.assertEqual(draft.state, "posted")

        with self.assertRaises(AccessError):
            self.customer.with_user(user).action_fb_release_credit_hold()
        self.customer.action_fb_release_credit_hold()
        self.assertFalse(self.customer.fb_credit_hold)
        self.assertIn("Credit hold released", self.customer.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestCollectorAccess(FounderBackofficeCommon):
    @freeze_time("2026-04-01")
    def test_collector_sees_only_own_customers_records(self):
        groups = "founder_backoffice.group_collections_user"
        anna = self._user("fb_anna", groups)
        bruno = self._user("fb_bruno", groups)
        mine = self._customer("Anna's customer", fb_collector_id=anna.id)
        theirs = self._customer("Bruno's customer", fb_collector_id=bruno.id)
        records = {}
        for partner in (mine, theirs):
            invoice = self._invoice(partner, 100.0, date(2026, 3, 1))
            records[partner] = (
                self.env["fb.promise"].create(
                    {
                        "partner_id": partner.id,
                        "amount": 50.0,
                        "company_id": self.company.id,
                        "promised_date": date(2026, 4, 20),
                    }
                ),
                self.env["fb.dispute"].create({"move_id": invoice.id, "reason": "other"}),
                self.env["fb.payment.plan"].create(
                    {"partner_id": partner.id, "move_ids": [Command.set(invoice.ids)], "company_id": self.company.id}
                ),
            )
        self.env.flush_all()
        for record in records[mine]:
            self.assertEqual(record.with_user(anna).search([("id", "=", record.id)]), record.with_user(anna))
        for record in records[theirs]:
            self.assertFalse(record.with_user(anna).search([("id", "=", record.id)]))
            with self.assertRaises(AccessError):
                record.with_user(anna).read(["state"])
            with self.assertRaises(AccessError):
                record.with_user(anna).write({"state": record.state})
        queue = self.env["fb.collection.queue"].with_user(anna).search([])
        self.assertEqual(queue.partner_id, mine)


@tagged("post_install", "-at_install")
class TestSeenOnline(HttpCase, FounderBackofficeCommon):
    def test_opening_the_invoice_in_the_portal_records_first_and_last_view(self):
        invoice = self._invoice(self.customer, 100.0, date(2026, 3, 1))
        invoice._portal_ensure_token()
        self.assertFalse(invoice.fb_portal_first_seen)
        response = self.url_open(f"/my/invoices/{invoice.id}?access_token={invoice.access_token}")
        self.assertEqual(response.status_code, 200)
        invoice.invalidate_recordset()
        self.assertTrue(invoice.fb_portal_first_seen)
        self.assertEqual(invoice.fb_portal_first_seen, invoice.fb_portal_last_seen)
        first = invoice.fb_portal_first_seen
        self.url_open(f"/my/invoices/{invoice.id}?access_token={invoice.access_token}")
        invoice.invalidate_recordset()
        self.assertEqual(invoice.fb_portal_first_seen, first)
        self.assertGreaterEqual(invoice.fb_portal_last_seen, first)


@tagged("post_install", "-at_install")
class TestCrmPaymentRisk(FounderBackofficeCommon):
    @freeze_time("2026-04-01")
    def test_opportunity_shows_overdue_and_warns_when_won_on_hold(self):
        self._invoice(self.customer, 700.0, date(2026, 3, 2))  # 30 days
        seller = self._user("fb_seller", "sales_team.group_sale_salesman")
        Lead = self.env["crm.lead"].with_user(seller)
        lead = Lead.create(
            {"name": "Renewal", "type": "opportunity", "partner_id": self.customer.id, "company_id": self.company.id}
        )
        self.assertEqual((lead.fb_overdue_amount, lead.fb_oldest_overdue_days), (700.0, 30))
        self.assertEqual(
            lead.fb_overdue_summary, f"{format_amount(self.env, 700.0, self.eur)} overdue; days late of the oldest: 30"
        )
        self.assertNotEqual(lead.action_set_won_rainbowman().get("tag"), "display_notification")
        other = Lead.create(
            {"name": "Upsell", "type": "opportunity", "partner_id": self.customer.id, "company_id": self.company.id}
        )
        self.customer._fb_put_on_credit_hold("Unpaid for 30 days")
        action = other.action_set_won_rainbowman()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("credit hold", action["params"]["message"])
        self.assertEqual(other.won_status, "won")
