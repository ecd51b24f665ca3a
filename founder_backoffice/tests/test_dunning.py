from datetime import date
from unittest.mock import patch

from psycopg2.errors import UniqueViolation

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import SQL, mute_logger

from ..models.fb_dunning_reminder import FbDunningReminder
from ..models.fb_dunning_run import FbDunningRun
from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
class TestDunningRun(FounderBackofficeCommon):
    @freeze_time("2026-03-31")
    def test_levels_on_run_date_and_no_second_reminder(self):
        # due dates -> days overdue on 2026-03-31: 5, 20, 45 and one not yet due
        inv_5 = self._invoice(self.customer, 100.0, date(2026, 3, 26))
        inv_20 = self._invoice(self.customer, 200.0, date(2026, 3, 11))
        other = self._customer("Bianchi S.r.l.")
        inv_45 = self._invoice(other, 300.0, date(2026, 2, 14))
        self._invoice(other, 999.0, date(2026, 4, 10))

        run = self._run(date(2026, 3, 31))
        reminders = {r.partner_id: r for r in run.reminder_ids}
        self.assertEqual(set(reminders), {self.customer, other})
        self.assertEqual(reminders[self.customer].level_id, self.level_2)
        self.assertEqual(reminders[other].level_id, self.level_3)
        self.assertEqual(reminders[self.customer].amount_overdue, 300.0)
        self.assertEqual(reminders[other].amount_fee, 10.0)
        self.assertEqual(reminders[other].amount_total, 310.0)
        self.assertEqual(self.env["mail.mail"].search_count([("model", "=", "fb.dunning.reminder")]), 0)

        run.action_send()
        self.assertEqual(run.state, "done")
        self.assertEqual(self._sent_levels(), {inv_5.name: "Friendly", inv_20.name: "Firm", inv_45.name: "Final"})
        mails = self.env["mail.mail"].search(
            [("model", "=", "fb.dunning.reminder"), ("res_id", "in", run.reminder_ids.ids)]
        )
        self.assertEqual(len(mails), 2)
        self.assertEqual(mails.recipient_ids, self.customer | other)
        self.assertIn(inv_20.name, reminders[self.customer].mail_id.body_html)
        self.assertIn(inv_20._get_share_url() and inv_20.access_token, reminders[self.customer].mail_id.body_html)

        second = self._run(date(2026, 3, 31))
        self.assertFalse(second.reminder_ids, "the same day, every item already has its level: nothing new")
        second.action_send()
        self.assertEqual(self.env["mail.mail"].search_count([("model", "=", "fb.dunning.reminder")]), 2)

    @freeze_time("2026-04-20")
    def test_partial_payment_uses_residual_and_paid_invoice_drops_out(self):
        partial = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        paid = self._invoice(self.customer, 500.0, date(2026, 3, 1))
        self._pay(partial, 400.0, date(2026, 4, 1))
        self._pay(paid, 500.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        self.assertEqual(run.line_ids.move_id, partial)
        self.assertEqual(run.line_ids.amount_residual, 600.0)
        self.assertEqual(run.reminder_ids.amount_overdue, 600.0)

    @freeze_time("2026-04-20")
    def test_credit_note_offsets_only_when_the_policy_says_so(self):
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        refund = self._invoice(self.customer, 400.0, date(2026, 4, 1), post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        run = self._run(date(2026, 4, 20))
        self.assertEqual(run.reminder_ids.amount_credits, -400.0)
        self.assertEqual(run.reminder_ids.amount_total, 600.0 + 10.0)  # final level fee 10
        run.action_cancel()
        self.policy.offset_credits = False
        run = self._run(date(2026, 4, 20))
        self.assertEqual(run.reminder_ids.amount_credits, 0.0)
        self.assertEqual(run.reminder_ids.amount_total, 1010.0)
        self.assertEqual(run.line_ids.move_id, invoice)

    @freeze_time("2026-04-20")
    def test_run_lines_carry_their_reminder_values(self):
        """The run inserts its lines in bulk: each line reads back its reminder's run, company, customer, date."""
        first = self._invoice(self.customer, 100.0, date(2026, 4, 1))
        second = self._invoice(self.customer, 200.0, date(2026, 3, 1))
        run = self._run(date(2026, 4, 20))
        reminder = run.reminder_ids
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.line_ids, run.line_ids)
        by_move = {line.move_id: line for line in reminder.line_ids}
        self.assertEqual(set(by_move), {first, second})
        for line in reminder.line_ids:
            self.assertEqual(
                (line.run_id, line.company_id, line.partner_id, line.date, line.state),
                (run, self.company, self.customer, date(2026, 4, 20), "draft"),
            )
        self.assertEqual(by_move[second].date_maturity, date(2026, 3, 1))
        self.assertEqual((by_move[second].days_overdue, by_move[second].amount_residual), (50, 200.0))
        self.assertEqual((by_move[first].level_id, by_move[second].level_id), (self.level_2, self.level_3))
        self.assertEqual(self.customer.fb_dunning_reminder_ids, reminder)
        self.assertEqual(first.fb_dunning_line_ids, by_move[first])

    def assertSkipped(self, run, reason, amount):
        """The preview lists the customer as left out, with the engine's reason and what it owes overdue."""
        self.assertEqual(
            [(skip.partner_id, skip.reason, skip.amount_overdue) for skip in run.skip_ids],
            [(self.customer, reason, amount)],
        )

    @freeze_time("2026-04-20")
    def test_a_collector_sees_the_left_out_customers_assigned_to_them(self):
        collector = self._persona("Collections user")
        mine = self._customer("Mia S.r.l.", fb_collector_id=collector.id)
        self._invoice(mine, 40.0, date(2026, 4, 10))
        self._invoice(self.customer, 45.0, date(2026, 4, 10))
        self.policy.min_overdue_amount = 50.0
        run = self._run(date(2026, 4, 20))
        self.assertEqual(run.skip_ids.partner_id, mine | self.customer)
        skips = self.env["fb.dunning.skip"].with_user(collector).search([("run_id", "=", run.id)])
        self.assertEqual(
            [(skip.partner_id, skip.reason, skip.amount_overdue) for skip in skips], [(mine, "min_amount", 40.0)]
        )

    @freeze_time("2026-04-20")
    def test_customer_covered_by_credits_gets_nothing(self):
        self._invoice(self.customer, 300.0, date(2026, 3, 1))
        self._pay(self._invoice(self.customer, 1.0, date(2026, 4, 30)), 301.0, date(2026, 4, 2))
        run = self._run(date(2026, 4, 20))
        self.assertFalse(run.reminder_ids)
        self.assertSkipped(run, "net_balance", 300.0)

    @freeze_time("2026-04-20")
    def test_exclusions_no_dunning_blocked_and_no_followup(self):
        excluded = self._customer("Excluded S.r.l.", fb_no_dunning=True)
        self._invoice(excluded, 100.0, date(2026, 3, 1))
        blocked = self._invoice(self.customer, 100.0, date(2026, 3, 1))
        blocked.action_toggle_block_payment()
        no_followup = self._invoice(self.customer, 50.0, date(2026, 3, 1))
        no_followup.line_ids.filtered(lambda line: line.account_type == "asset_receivable").no_followup = True
        kept = self._invoice(self.customer, 70.0, date(2026, 3, 1))
        run = self._run(date(2026, 4, 20))
        self.assertEqual(run.line_ids.move_id, kept)

    @freeze_time("2026-04-20")
    def test_minimum_amount_and_grace_days(self):
        self._invoice(self.customer, 49.0, date(2026, 4, 17))  # 3 days late
        self.policy.write({"min_overdue_amount": 50.0})
        run = self._run(date(2026, 4, 20))
        self.assertFalse(run.reminder_ids)
        self.assertSkipped(run, "min_amount", 49.0)
        self.policy.write({"min_overdue_amount": 0.0, "grace_days": 3})
        run.action_compute()
        self.assertFalse(run.reminder_ids)
        self.assertSkipped(run, "no_new_level", 49.0)
        self.policy.grace_days = 2
        self.assertEqual(self._run(date(2026, 4, 20)).reminder_ids.level_id, self.level_1)

    @freeze_time("2026-04-20")
    def test_days_between_reminders(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 18))
        self.policy.min_days_between = 10
        self._run(date(2026, 4, 19)).action_send()
        self._invoice(self.customer, 100.0, date(2026, 4, 1))  # reaches level 2: new, but too soon
        run = self._run(date(2026, 4, 20))
        self.assertFalse(run.reminder_ids)
        self.assertSkipped(run, "too_soon", 200.0)
        self.assertEqual(
            dict(run.skip_ids._fields["reason"]._description_selection(self.env))["too_soon"], "Reminded too recently"
        )

    @freeze_time("2026-03-31")
    def test_interest_compensation_once_per_invoice(self):
        self.env["fb.interest.rate"].create(
            [
                {"company_id": self.company.id, "date_from": date(2026, 1, 1), "rate": 4.5},
                {"company_id": self.company.id, "date_from": date(2026, 7, 1), "rate": 4.25},
            ]
        )
        self.policy.compensation_amount = 40.0
        self.level_3.charge_interest = True
        invoice = self._invoice(self.customer, 1000.0, date(2026, 2, 14))  # 45 days late on 2026-03-31
        run = self._run(date(2026, 3, 31))
        # 1000 x (4.50 + 8) % x 45 / 365 = 15.41
        self.assertEqual(run.line_ids.interest, 15.41)
        self.assertEqual(run.line_ids.compensation, 40.0)
        self.assertAlmostEqual(run.reminder_ids.amount_total, 1065.41)  # 1000 + 15.41 interest + 40 + 10 fee
        run.action_send()
        self.assertEqual(self.env["fb.dunning.line"].search([("move_id", "=", invoice.id)]).compensation, 40.0)

        # a new invoice later reaches the final level: the first one is listed again but not compensated twice
        with freeze_time("2026-07-15"):
            self._invoice(self.customer, 100.0, date(2026, 6, 1))
            run = self._run(date(2026, 7, 15))
            line = run.line_ids.filtered(lambda line: line.move_id == invoice)
            self.assertEqual(line.compensation, 0.0)
            # interest to 2026-07-15 less the 15.41 already charged:
            # 1000 x (12.5 % x 136 days + 12.25 % x 15 days) / 365 = 46.58 + 5.03 = 51.61; 51.61 - 15.41 = 36.20
            self.assertEqual(line.interest, 36.20)

    @freeze_time("2026-07-15")
    def test_interest_across_first_of_july_uses_both_rates(self):
        self.env["fb.interest.rate"].create(
            [
                {"company_id": self.company.id, "date_from": date(2026, 1, 1), "rate": 4.5},
                {"company_id": self.company.id, "date_from": date(2026, 7, 1), "rate": 4.25},
            ]
        )
        self.level_2.charge_interest = True
        self._invoice(self.customer, 1000.0, date(2026, 6, 30))  # 15 days late, all in H2
        self._invoice(self.customer, 1000.0, date(2026, 6, 15))  # 30 days: 15 in H1, 15 in H2
        run = self._run(date(2026, 7, 15))
        self.assertEqual(run.reminder_ids.level_id, self.level_3, "the final level does not charge interest")
        self.level_3.charge_interest = True
        run.action_cancel()
        run = self._run(date(2026, 7, 15))
        # 1000 x 12.25 % x 15/365 = 5.03 ; 1000 x (12.5 % x 15 + 12.25 % x 15)/365 = 10.17
        self.assertEqual(sorted(run.line_ids.mapped("interest")), [5.03, 10.17])

    @freeze_time("2026-03-31")
    def test_missing_reference_rate_is_a_clear_error(self):
        self.level_3.charge_interest = True
        self._invoice(self.customer, 100.0, date(2026, 2, 1))
        with self.assertRaisesRegex(UserError, "starting 01/01/2026"):  # the user's date format
            self._run(date(2026, 3, 31))

    @freeze_time("2026-04-30")
    def test_instalments_get_their_own_levels(self):
        invoice = self._invoice_in_two_instalments(self.customer, 1000.0, date(2026, 3, 1))
        run = self._run(date(2026, 4, 30))
        by_due = {line.date_maturity: line for line in run.line_ids}
        # 2026-03-01: 60 days late, final level; 2026-03-31: 30 days late, final level too
        self.assertEqual(set(by_due), {date(2026, 3, 1), date(2026, 3, 31)})
        self.assertEqual(by_due[date(2026, 3, 1)].amount_residual, 500.0)
        run.action_cancel()
        with freeze_time("2026-04-10"):
            run = self._run(date(2026, 4, 10))
            levels = {line.date_maturity: line.level_id for line in run.line_ids}
            self.assertEqual(levels, {date(2026, 3, 1): self.level_3, date(2026, 3, 31): self.level_1})
            self.assertEqual(run.line_ids.move_id, invoice)

    @freeze_time("2026-04-20")
    def test_one_message_for_invoices_in_two_currencies(self):
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 2.0)])
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        self._invoice(self.customer, 300.0, date(2026, 4, 1), currency=usd)
        run = self._run(date(2026, 4, 20))
        reminder = run.reminder_ids
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.amount_overdue, 250.0)  # 100 EUR + 300 USD at 2 USD per EUR
        self.assertEqual([(c.name, a) for c, a in reminder.currency_totals()], [("EUR", 100.0), ("USD", 300.0)])
        run.action_send()
        self.assertEqual(
            self.env["mail.mail"].search_count([("res_id", "=", reminder.id), ("model", "=", reminder._name)]), 1
        )
        body = reminder.mail_id.body_html
        self.assertIn("$\xa0300.00", body)
        self.assertIn("100.00\xa0€", body)

    @freeze_time("2026-04-20")
    def test_run_dated_before_last_run_is_refused(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        self._run(date(2026, 4, 20)).action_send()
        with self.assertRaises(ValidationError):
            self._run(date(2026, 4, 19))

    @freeze_time("2026-04-20")
    def test_future_run_previews_but_cannot_be_sent(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 20))
        run = self._run(date(2026, 4, 21))  # what tomorrow's run will send
        self.assertEqual(run.reminder_ids.level_id, self.level_1)
        with self.assertRaisesRegex(UserError, "can be sent from that day"):
            run.action_send()

    @freeze_time("2026-04-20")
    def test_wizard_preview_sends_nothing(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        wizard = Form(self.env["fb.dunning.run.wizard"])
        wizard.date = date(2026, 4, 20)
        action = wizard.save().action_preview()
        run = self.env["fb.dunning.run"].browse(action["res_id"])
        self.assertEqual(run.state, "draft")
        self.assertEqual(run.reminder_ids.partner_id, self.customer)
        self.assertEqual(run.reminder_ids.state, "draft")
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "fb.dunning.reminder")]))
        self.assertFalse(self._sent_levels())

    @freeze_time("2026-04-20")
    def test_level_sent_twice_is_impossible_in_the_database(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        first = self._run(date(2026, 4, 20))
        second = self._run(date(2026, 4, 20))  # computed before the first is sent: same items and levels
        first.action_send()
        second.action_send()
        self.assertEqual(second.reminder_ids.state, "cancelled", "re-checked under lock before sending")
        line = second.line_ids
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            line.sudo().write({"state": "sent", "new_level": True})
            line.flush_recordset()

    @freeze_time("2026-04-20")
    def test_no_email_address_fails_the_line_and_schedules_a_call(self):
        silent = self._customer("Senza Email S.r.l.", email=False)
        self._invoice(silent, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        run.action_send()
        self.assertEqual(run.reminder_ids.state, "failed")
        self.assertEqual(run.line_ids.state, "failed")
        self.assertIn("no e-mail address", run.reminder_ids.failure_reason)
        activity = self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", silent.id)])
        self.assertEqual(
            activity.activity_type_id, self.env.ref("founder_backoffice.mail_activity_type_collections_call")
        )
        # the next run tries again
        silent.email = "finally@example.com"
        with freeze_time("2026-04-21"):
            retry = self._run(date(2026, 4, 21))
            retry.action_send()
            self.assertEqual(retry.reminder_ids.state, "sent")

    @freeze_time("2026-04-20")
    def test_bounced_email_makes_the_reminder_failed_and_retryable(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        run.action_send()
        reminder = run.reminder_ids
        reminder.mail_id._postprocess_sent_message(
            success_pids=[], success_emails=[], failure_reason="550 mailbox unavailable", failure_type="mail_smtp"
        )
        self.assertEqual(reminder.state, "failed")
        self.assertEqual(reminder.line_ids.state, "failed")
        run.action_retry_failed()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(
            self.env["mail.mail"].search_count([("res_id", "=", reminder.id), ("model", "=", reminder._name)]), 2
        )

    @freeze_time("2026-04-20")
    def test_retrying_a_customer_without_address_schedules_one_call(self):
        silent = self._customer("Senza Email S.r.l.", email=False)
        self._invoice(silent, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        run.action_send()
        run.action_retry_failed()
        with freeze_time("2026-04-21"):
            self._run(date(2026, 4, 21)).action_send()
        self.assertEqual(run.reminder_ids.state, "failed")
        calls = self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", silent.id)])
        self.assertEqual(len(calls), 1, "the open call is not scheduled again")

    @freeze_time("2026-04-20")
    def test_an_email_that_reached_some_recipients_leaves_the_reminder_sent(self):
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20))
        run.action_send()
        reminder = run.reminder_ids
        reminder.mail_id._postprocess_sent_message(
            success_pids=[self.customer.id],
            success_emails=[],
            failure_reason="one address of two is invalid",
            failure_type="mail_email_invalid",
        )
        self.assertEqual((reminder.state, reminder.line_ids.state), ("sent", "sent"))

    @freeze_time("2026-04-20")
    def test_each_note_of_a_run_has_its_own_message_id(self):
        other = self._customer("Verdi S.r.l.")
        invoices = self._invoice(self.customer, 100.0, date(2026, 4, 1)) | self._invoice(other, 100.0, date(2026, 4, 1))
        self._run(date(2026, 4, 20)).action_send()
        notes = self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", (self.customer | other).ids),
                "&",
                ("model", "=", "account.move"),
                ("res_id", "in", invoices.ids),
                ("body", "ilike", "Payment reminder sent"),
            ]
        )
        self.assertEqual(len(notes), 4)
        self.assertEqual(len(set(notes.mapped("message_id"))), 4)

    @freeze_time("2026-04-20")
    def test_send_logs_chatter_schedules_calls_escalates_and_books_charges(self):
        manager = self.env.user
        product = self.env["product.product"].create({"name": "Dunning charges", "type": "service"})
        self.policy.write({"fee_booking": "posted", "fee_product_id": product.id})
        self.level_3.write({"escalate_credit_hold": True, "escalate_user_id": manager.id})
        late = self._invoice(self.customer, 100.0, date(2026, 3, 1))  # 50 days: final
        other = self._customer("Verdi S.r.l.")
        firm = self._invoice(other, 100.0, date(2026, 4, 1))  # 19 days: firm, call
        run = self._run(date(2026, 4, 20))
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)]).unlink()
        run.action_send()

        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)]), "the e-mails leave now, not in the hour"
        )
        self.assertTrue(self.customer.fb_credit_hold)
        self.assertIn("Final", self.customer.fb_credit_hold_reason)
        self.assertFalse(other.fb_credit_hold)
        charge = run.reminder_ids.filtered(lambda r: r.partner_id == self.customer).charge_move_id
        self.assertEqual(charge.state, "posted")
        self.assertEqual(charge.amount_total, 10.0)
        self.assertEqual(charge.invoice_line_ids.product_id, product)
        calls = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("activity_type_id", "=", self.env.ref("founder_backoffice.mail_activity_type_collections_call").id),
            ]
        )
        self.assertEqual(calls.mapped("res_id"), [other.id])
        handover = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id), ("user_id", "=", manager.id)]
        )
        self.assertEqual(len(handover), 1)
        for record in (self.customer, late, other, firm):
            messages = record.message_ids.filtered(lambda m: "Payment reminder sent" in (m.body or ""))
            self.assertEqual(len(messages), 1, record.display_name)

    @freeze_time("2026-04-20")
    def test_letter_is_attached_and_right_to_left_for_arabic(self):
        arabic = self._customer("شركة الأمل", lang="ar_001")
        self._invoice(arabic, 100.0, date(2026, 4, 1))  # firm level: letter attached
        run = self._run(date(2026, 4, 20))
        run.action_send()
        reminder = run.reminder_ids
        self.assertEqual(len(reminder.mail_id.attachment_ids), 1)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("founder_backoffice.action_report_fb_dunning_letter", reminder.ids)[0]
            .decode()
        )
        self.assertIn('dir="rtl"', html)
        self.assertIn("شركة الأمل", html)
        self.assertEqual(reminder.text_direction, "rtl")
        self.assertIn('dir="rtl"', reminder.mail_id.body_html)

    @freeze_time("2026-04-20")
    def test_reminder_email_in_the_customer_language(self):
        arabic = self._customer("مؤسسة النور", lang="ar_001")
        italian = self._customer("Verdi S.r.l.", lang="it_IT")
        for customer in (arabic, italian):
            self._invoice(customer, 100.0, date(2026, 4, 18))  # friendly level
        run = self._run(date(2026, 4, 20))
        run.action_send()
        bodies = {r.partner_id: r.mail_id.body_html for r in run.reminder_ids}
        self.assertIn("نودّ تذكيركم", bodies[arabic])
        self.assertIn("المبلغ المستحق", bodies[arabic])
        self.assertIn('dir="rtl"', bodies[arabic])
        self.assertIn("Spettabile", bodies[italian])
        self.assertIn("Giorni di ritardo", bodies[italian])
        self.assertNotIn("Dear", bodies[italian])

    def test_run_lines_are_inserted_in_the_columns_of_their_fields(self):
        Line = self.env["fb.dunning.line"]
        self.assertEqual(
            Line._column_types({"interest", "level_id", "new_level", "date_maturity"}),
            {"date_maturity": "date", "level_id": "int4", "new_level": "bool", "interest": "numeric"},
        )
        with self.assertRaisesRegex(ValueError, "no column"):
            Line._column_types({"reference"})  # computed, not stored
        with self.assertRaisesRegex(ValueError, "no text column"):
            Line._column_types({"skip_reason"})


@tagged("post_install", "-at_install")
class TestDunningCalendar(FounderBackofficeCommon):
    def _calendar(self, weekdays, holidays=()):
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Calendar",
                "company_id": self.company.id,
                "tz": "UTC",
                "attendance_ids": [
                    Command.create({"name": f"Day {day}", "dayofweek": str(day), "hour_from": 8, "hour_to": 17})
                    for day in weekdays
                ],
            }
        )
        for day in holidays:
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Public holiday",
                    "calendar_id": calendar.id,
                    "company_id": self.company.id,
                    "date_from": f"{day} 00:00:00",
                    "date_to": f"{day} 23:59:59",
                }
            )
        self.company.resource_calendar_id = calendar

    def test_saturday_sunday_weekend_and_holiday_move_the_run(self):
        self._calendar(range(5), holidays=[date(2026, 3, 30)])  # Monday 30 March is a holiday
        self.assertEqual(self.company._fb_next_working_day(date(2026, 3, 27)), date(2026, 3, 27))  # Friday
        self.assertEqual(self.company._fb_next_working_day(date(2026, 3, 28)), date(2026, 3, 31))  # Saturday
        wizard = self.env["fb.dunning.run.wizard"].create({"date": date(2026, 3, 29)})
        self.assertEqual(wizard.run_date, date(2026, 3, 31))

    def test_friday_saturday_weekend_moves_the_run(self):
        self._calendar([6, 0, 1, 2, 3])  # Sunday to Thursday, as in Saudi Arabia
        self.assertEqual(self.company._fb_next_working_day(date(2026, 3, 27)), date(2026, 3, 29))  # Friday -> Sunday
        self.assertEqual(self.company._fb_next_working_day(date(2026, 3, 29)), date(2026, 3, 29))

    def test_cron_does_nothing_on_a_non_working_day(self):
        self._calendar(range(5))
        self._invoice(self.customer, 100.0, date(2026, 3, 20))
        cron = self.env.ref("founder_backoffice.ir_cron_fb_dunning")
        Run = self.env["fb.dunning.run"]
        with freeze_time("2026-03-28 09:00:00"), self.enter_registry_test_mode():  # Saturday
            cron.method_direct_trigger()
        self.assertFalse(Run.search([("company_id", "=", self.company.id)]))
        with freeze_time("2026-03-30 09:00:00"), self.enter_registry_test_mode():  # Monday
            cron.method_direct_trigger()
        run = Run.search([("company_id", "=", self.company.id)])
        self.assertEqual((run.date, run.origin, run.state), (date(2026, 3, 30), "cron", "draft"))
        self.assertEqual(run.reminder_ids.partner_id, self.customer)

    def test_holiday_entered_at_local_midnight_blocks_exactly_that_day(self):
        self._calendar(range(5))
        calendar = self.company.resource_calendar_id
        # Wednesday 1 April 2026 from midnight to midnight: UTC+2 in Rome, UTC+3 in Riyadh
        for tz, date_from, date_to in (
            ("Europe/Rome", "2026-03-31 22:00:00", "2026-04-01 21:59:59"),
            ("Asia/Riyadh", "2026-03-31 21:00:00", "2026-04-01 20:59:59"),
        ):
            calendar.tz = tz
            leave = self.env["resource.calendar.leaves"].create(
                {
                    "name": "Holiday",
                    "calendar_id": calendar.id,
                    "company_id": self.company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                }
            )
            self.assertEqual(self.company._fb_next_working_day(date(2026, 3, 31)), date(2026, 3, 31), tz)
            self.assertEqual(self.company._fb_next_working_day(date(2026, 4, 1)), date(2026, 4, 2), tz)
            self.assertEqual(
                self.company._fb_working_calendar(date(2026, 3, 30), date(2026, 4, 3))[1], {date(2026, 4, 1)}
            )
            leave.unlink()


@tagged("post_install", "-at_install")
class TestDunningCron(FounderBackofficeCommon):
    @freeze_time("2026-04-20")
    def test_cron_failing_mid_run_then_resumed_sends_each_reminder_once(self):
        customers = [self._customer(f"Cliente {i}") for i in range(3)]
        for customer in customers:
            self._invoice(customer, 100.0, date(2026, 4, 1))
        self.company.fb_dunning_mode = "send"
        cron = self.env.ref("founder_backoffice.ir_cron_fb_dunning")
        original = FbDunningReminder._send
        calls = []

        def fail_second_batch(reminders):
            calls.append(reminders.ids)
            if len(calls) >= 2:  # the server stays down until the patch ends: batches 2 and 3 fail
                raise RuntimeError("SMTP server down")
            return original(reminders)

        with (
            patch.object(FbDunningRun, "SEND_BATCH", 1),
            patch.object(FbDunningReminder, "_send", fail_second_batch),
            mute_logger("odoo.addons.founder_backoffice.models.fb_dunning_run"),
            self.enter_registry_test_mode(),
        ):
            cron.method_direct_trigger()
        run = self.env["fb.dunning.run"].search([("company_id", "=", self.company.id)])
        self.assertEqual(sorted(run.reminder_ids.mapped("state")), ["draft", "draft", "sent"])
        self.assertEqual(run.state, "failed")
        self.assertIn("SMTP server down", run.failure_reason)
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            run.action_cancel()  # one reminder went out

        # the server is back: the founder presses Send, which goes on with the two left
        with patch.object(FbDunningRun, "SEND_BATCH", 1):
            run.with_user(self._persona("Founder")).action_send()
        run.invalidate_recordset()
        self.assertEqual(run.reminder_ids.mapped("state"), ["sent"] * 3)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(self._sent_levels()), 3)
        mails = self.env["mail.mail"].search([("model", "=", "fb.dunning.reminder")])
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(run.reminder_ids.ids))


@tagged("post_install", "-at_install")
class TestDunningChargedOnce(FounderBackofficeCommon):
    """Fees, interest and compensation are charged once per reminder and per item, whatever is retried."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["fb.interest.rate"].create({"company_id": cls.company.id, "date_from": date(2026, 1, 1), "rate": 4.5})
        cls.product = cls.env["product.product"].create({"name": "Dunning charges", "type": "service"})
        cls.policy.write({"fee_booking": "posted", "fee_product_id": cls.product.id, "compensation_amount": 40.0})
        cls.level_3.charge_interest = True
        cls.founder = cls._persona("Founder")

    def _charge_invoices(self):
        return self.env["account.move"].search([("invoice_line_ids.product_id", "=", self.product.id)])

    @freeze_time("2026-03-31")
    def test_retry_after_a_bounce_books_one_charges_invoice_and_next_week_charges_the_rest(self):
        invoice = self._invoice(self.customer, 1000.0, date(2026, 2, 14))  # 45 days late: final level
        run = self._run(date(2026, 3, 31)).with_user(self.founder)
        run.action_send()
        reminder = run.reminder_ids
        # 10 fee + 1000 x 12.5 % x 45 / 365 = 15.41 interest + 40 compensation
        self.assertEqual(reminder.charge_move_id.amount_total, 65.41)
        reminder.mail_id._postprocess_sent_message(
            success_pids=[], success_emails=[], failure_reason="550 mailbox unavailable", failure_type="mail_smtp"
        )
        self.assertEqual(reminder.state, "failed")
        run.action_retry_failed()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(self._charge_invoices(), reminder.charge_move_id, "one charges invoice")
        reminder.mail_id._postprocess_sent_message(
            success_pids=[], success_emails=[], failure_reason="550 mailbox unavailable", failure_type="mail_smtp"
        )
        self.assertEqual(reminder.state, "failed", "bounced again: still charged, by the booked invoice")

        with freeze_time("2026-04-07"):
            self._invoice(self.customer, 100.0, date(2026, 3, 1))  # a new invoice reaches the final level
            week = self._run(date(2026, 4, 7)).with_user(self.founder)
            line = week.line_ids.filtered(lambda line: line.move_id == invoice)
            # 1000 x 12.5 % x 52 / 365 = 17.81, less the 15.41 charged: 2.40; the compensation was charged
            self.assertEqual((line.interest, line.compensation), (2.40, 0.0))
            [(stored,)] = self.env.execute_query(SQL("SELECT interest FROM fb_dunning_line WHERE id = %s", line.id))
            self.assertEqual(float(stored), 2.4, "stored rounded to the currency")
            week.action_send()
            self.assertEqual(len(self._charge_invoices()), 2)
            # 10 fee + 2.40 + 100 x 12.5 % x 37 / 365 = 1.27 interest + 40 compensation of the new invoice
            self.assertEqual(week.reminder_ids.charge_move_id.amount_total, 53.67)

    @freeze_time("2026-03-31")
    def test_a_bounced_reminder_raised_again_by_the_next_run_does_not_charge_its_fee_again(self):
        self._invoice(self.customer, 1000.0, date(2026, 2, 14))  # 45 days late: final level
        run = self._run(date(2026, 3, 31)).with_user(self.founder)
        run.action_send()
        reminder = run.reminder_ids
        self.assertEqual((reminder.amount_fee, reminder.charge_move_id.amount_total), (10.0, 65.41))
        reminder.mail_id._postprocess_sent_message(
            success_pids=[], success_emails=[], failure_reason="550 mailbox unavailable", failure_type="mail_smtp"
        )
        with freeze_time("2026-04-07"):
            week = self._run(date(2026, 4, 7)).with_user(self.founder)
            self.assertEqual(week.reminder_ids.level_id, self.level_3, "the same level, raised again")
            self.assertEqual(week.reminder_ids.amount_fee, 0.0, "booked by the bounced reminder's invoice")
            week.action_send()
        # only the interest of the week since: 1000 x 12.5 % x 7 / 365 = 2.40
        self.assertEqual(week.reminder_ids.charge_move_id.amount_total, 2.40)
        self.assertEqual(len(self._charge_invoices()), 2)

    @freeze_time("2026-03-31")
    def test_two_overlapping_drafts_send_nothing_twice(self):
        first_invoice = self._invoice(self.customer, 1000.0, date(2026, 2, 14))  # final level, interest
        planned = self._customer("Verdi S.r.l.")
        plan_invoice = self._invoice(planned, 600.0, date(2026, 1, 15))
        plan = self.env["fb.payment.plan"].create(
            {
                "partner_id": planned.id,
                "move_ids": [Command.set(plan_invoice.ids)],
                "instalment_count": 2,
                "frequency": "monthly",
                "date": date(2026, 3, 10),
                "first_date": date(2026, 3, 20),
                "company_id": self.company.id,
            }
        )
        plan.action_start()
        manual = self._run(date(2026, 3, 31), policy_id=self.policy.id)  # left aside by the daily job
        self.company.fb_dunning_mode = "draft"
        cron = self.env.ref("founder_backoffice.ir_cron_fb_dunning")
        second_invoice = self._invoice(self.customer, 200.0, date(2026, 3, 20))  # only in the daily run
        with freeze_time("2026-03-31 09:00:00"), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        daily = self.env["fb.dunning.run"].search([("origin", "=", "cron")])
        self.assertEqual(daily.reminder_ids.partner_id, self.customer | planned)
        daily_line = daily.line_ids.filtered(lambda line: line.move_id == first_invoice)
        self.assertEqual((daily_line.interest, daily_line.compensation), (15.41, 40.0), "as computed")

        manual.with_user(self.founder).action_send()
        self.assertEqual(manual.state, "done")
        self.company.fb_dunning_mode = "send"
        with freeze_time("2026-03-31 10:00:00"), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(daily.state, "done", "the daily job was not blocked")
        self.assertEqual(cron.failure_count, 0)
        by_partner = {reminder.partner_id: reminder for reminder in daily.reminder_ids}
        self.assertEqual(by_partner[planned].state, "cancelled")
        self.assertIn("already received its level", by_partner[planned].failure_reason)
        instalment_line = by_partner[planned].line_ids
        self.assertIn(manual.name, instalment_line.skip_reason)
        self.assertEqual(by_partner[self.customer].state, "sent", "the second invoice is new")
        self.assertIn(manual.name, daily_line.skip_reason)
        self.assertFalse(daily_line.new_level)
        self.assertEqual((daily_line.interest, daily_line.compensation), (0.0, 0.0), "charged by the first run")
        second_line = daily.line_ids.filtered(lambda line: line.move_id == second_invoice)
        self.assertTrue(second_line.new_level)
        self.assertEqual(by_partner[self.customer].amount_compensation, 40.0, "the second invoice's own")
        mails = self.env["mail.mail"].search([("model", "=", "fb.dunning.reminder")])
        self.assertEqual(len(mails.filtered(lambda m: planned in m.recipient_ids)), 1)
        self.assertEqual(
            self.env["fb.dunning.line"].search_count(
                [("plan_line_id", "!=", False), ("state", "=", "sent"), ("new_level", "=", True)]
            ),
            1,
        )

    @freeze_time("2026-04-20")
    def test_days_between_reminders_checked_again_at_sending(self):
        self.policy.min_days_between = 7
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        first = self._run(date(2026, 4, 20))
        other = self._customer("Verdi S.r.l.")
        self._invoice(other, 100.0, date(2026, 4, 1))
        second = self._run(date(2026, 4, 20), policy_id=self.policy.id)
        self._invoice(self.customer, 100.0, date(2026, 4, 19))  # a new level for the first customer
        second.action_compute()
        first.action_send()
        second.with_user(self.founder).action_send()
        reminder = second.reminder_ids.filtered(lambda r: r.partner_id == self.customer)
        self.assertEqual(reminder.state, "cancelled")
        self.assertIn("Days between reminders in the policy: 7.", reminder.failure_reason)
        self.assertEqual(second.reminder_ids.filtered(lambda r: r.partner_id == other).state, "sent")

    def test_compensation_needs_a_rate_of_that_currency_itself(self):
        gbp = self.env.ref("base.GBP")
        gbp.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", gbp.id)]).unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": self.eur.id, "company_id": self.company.id, "name": "2026-01-01", "rate": 1.0}
        )
        run = self.env["fb.dunning.run"].create({"company_id": self.company.id, "date": date(2026, 3, 31)})
        run._check_rate(self.eur)  # the company currency needs no rate
        with self.assertRaisesRegex(UserError, "No exchange rate of GBP"):
            run._check_rate(gbp)  # a rate of the company currency says nothing about GBP
        self.env["res.currency.rate"].create(
            {"currency_id": gbp.id, "company_id": self.company.id, "name": "2026-01-01", "rate": 0.85}
        )
        run._check_rate(gbp)


@tagged("post_install", "-at_install")
class TestDunningHistory(FounderBackofficeCommon):
    @freeze_time("2026-04-20")
    def test_sent_history_cannot_be_deleted_but_a_draft_run_can(self):
        founder = self._persona("Founder")
        self._invoice(self.customer, 100.0, date(2026, 4, 1))
        run = self._run(date(2026, 4, 20)).with_user(founder)
        run.action_send()
        for records in (run, run.reminder_ids, run.line_ids):
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                records.unlink()
        self.assertTrue(run.exists() and run.line_ids.exists())
        draft = self._run(date(2026, 4, 20)).with_user(founder)
        draft.unlink()
        self.assertFalse(draft.exists())

    @freeze_time("2026-04-20")
    def test_reset_to_draft_and_post_again_keeps_the_history_and_its_levels(self):
        invoice = self._invoice_in_two_instalments(self.customer, 1000.0, date(2026, 3, 1))
        run = self._run(date(2026, 4, 20))
        run.action_send()
        self.assertEqual(sorted(run.line_ids.level_id.mapped("name")), ["Final", "Firm"])  # 50 and 20 days late
        items = run.line_ids.move_line_id
        invoice.button_draft()
        invoice.write({"invoice_payment_term_id": False, "invoice_date_due": date(2026, 3, 1)})
        invoice.action_post()
        item = invoice.line_ids.filtered(lambda aml: aml.display_type == "payment_term")
        self.assertEqual(len(items.exists()), 1, "Odoo dropped one of the two items")
        lines = invoice.fb_dunning_line_ids
        self.assertEqual(lines, run.line_ids, "the history of the dropped item is kept")
        self.assertEqual(set(lines.mapped("state")), {"sent"})
        self.assertEqual(lines.move_line_id, item)
        with freeze_time("2026-04-21"):
            self.assertFalse(self._run(date(2026, 4, 21)).reminder_ids, "the final level was already sent")
