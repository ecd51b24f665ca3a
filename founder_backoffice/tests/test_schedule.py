from datetime import date

from odoo.tests import freeze_time, tagged

from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
class TestSchedule(FounderBackofficeCommon):
    """A note before the due date, the reminders after it, a letter as a channel of its own and the thank-you once
    the customer settles, as the collections manager who runs the dunning and the invoicing user who records the
    payment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.min_days_between = 7
        cls.pre_due = cls.env["fb.dunning.level"].create(
            {
                "policy_id": cls.policy.id,
                "name": "Falling due",
                "days": -3,
                "mail_template_id": cls.env.ref("founder_backoffice.mail_template_fb_dunning_upcoming").id,
            }
        )
        cls.manager = cls._persona("Collections manager")
        cls.invoicing = cls._persona("Invoicing user")
        cls.italian = cls._customer("Pasticceria Dolce Vita", lang="it_IT")

    def _mails(self, reminders):
        return self.env["mail.mail"].search([("model", "=", "fb.dunning.reminder"), ("res_id", "in", reminders.ids)])

    def _pay_as_invoicing_user(self, invoice):
        self.env["account.payment.register"].with_user(self.invoicing).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": date(2026, 4, 2)})._create_payments()

    @freeze_time("2026-03-31")
    def test_a_note_before_the_due_date_then_the_reminders_after_it(self):
        soon = self._invoice(self.customer, 480.0, date(2026, 4, 3))  # due in 3 days
        later = self._invoice(self.customer, 900.0, date(2026, 4, 5))  # due in 5 days: not yet in the window
        elsewhere = self._customer("Nothing due soon")
        self._invoice(elsewhere, 70.0, date(2026, 4, 20))

        run = self._run(date(2026, 3, 31)).with_user(self.manager)
        self.assertFalse(run.skip_ids, "a customer with nothing overdue is never left out")
        note = run.reminder_ids
        self.assertEqual((note.partner_id, note.level_id, note.pre_due), (self.customer, self.pre_due, True))
        self.assertEqual(note.line_ids.move_id, soon)
        self.assertEqual((note.amount_overdue, note.amount_upcoming, note.amount_fee), (0.0, 480.0, 0.0))
        self.assertEqual(note.amount_total, 480.0)
        run.action_send()
        mail = self._mails(note)
        self.assertEqual(mail.subject, f"{self.company.name}: invoices falling due soon")
        self.assertIn("fall due in the next few days", mail.body_html)
        self.assertIn("To pay in", mail.body_html)
        self.assertNotIn(">-3<", mail.body_html, "no negative days late")

        with freeze_time("2026-04-01"):
            self.assertFalse(self._run(date(2026, 4, 1)).reminder_ids, "the note goes once per invoice")
        with freeze_time("2026-04-04"):  # 'soon' is a day late, four days after its note
            overdue = self._run(date(2026, 4, 4)).with_user(self.manager)
            self.assertEqual(overdue.reminder_ids.level_id, self.level_1, "a note does not hold back a reminder")
            self.assertEqual(overdue.line_ids.move_id, soon, "a reminder after the due date lists the overdue only")
            self.assertEqual(overdue.reminder_ids.amount_total, 480.0)
            self.assertNotIn(later, overdue.line_ids.move_id)

    @freeze_time("2026-03-31")
    def test_a_letter_goes_without_an_email_and_a_customer_without_address_is_not_failed_for_it(self):
        self.level_1.write({"mail_template_id": False, "attach_letter": True})
        no_address = self._customer("Posta Ordinaria", email=False)
        self._invoice(no_address, 200.0, date(2026, 3, 20))
        run = self._run(date(2026, 3, 31)).with_user(self.manager)
        run.action_send()
        reminder = run.reminder_ids
        self.assertEqual(reminder.state, "sent")
        self.assertFalse(reminder.mail_id)
        letter = self.env["ir.attachment"].search(
            [("res_model", "=", "fb.dunning.reminder"), ("res_id", "=", reminder.id)]
        )
        self.assertEqual(len(letter), 1)
        self.assertIn(b"Posta Ordinaria", letter.raw)

    @freeze_time("2026-03-31")
    def test_the_customer_who_settles_is_thanked_once_in_their_language(self):
        first = self._invoice(self.italian, 300.0, date(2026, 3, 20))
        second = self._invoice(self.italian, 200.0, date(2026, 3, 25))
        run = self._run(date(2026, 3, 31)).with_user(self.manager)
        run.action_send()
        reminder = run.reminder_ids
        self.assertEqual(len(self._mails(reminder)), 1)

        self._pay_as_invoicing_user(first)
        self.assertFalse(reminder.thanked_date, "one invoice of the reminder is still open")
        self.assertEqual(len(self._mails(reminder)), 1)
        self._pay_as_invoicing_user(second)
        self.assertEqual(reminder.thanked_date, date(2026, 3, 31))
        thanks = self._mails(reminder) - reminder.mail_id
        self.assertEqual(len(thanks), 1)
        self.assertEqual(thanks.recipient_ids, self.italian)
        self.assertIn("Pasticceria Dolce Vita", thanks.body_html)
        self.assertIn("31/03/2026", thanks.body_html, "the reminder's date, in Italian")

        self.env["fb.dunning.reminder"].sudo()._fb_thank_for(first | second)
        self.assertEqual(len(self._mails(reminder)), 2, "once per reminder")

    @freeze_time("2026-03-31")
    def test_no_thanks_for_an_older_reminder_nor_where_the_policy_says_not(self):
        old = self._invoice(self.customer, 300.0, date(2026, 3, 1))
        run = self._run(date(2026, 3, 31)).with_user(self.manager)
        run.action_send()
        with freeze_time("2026-04-10"):
            newer = self._invoice(self.customer, 100.0, date(2026, 4, 5))
            second = self._run(date(2026, 4, 10)).with_user(self.manager)
            second.action_send()
            self.assertEqual(second.line_ids.move_id, old | newer)
            self._pay_as_invoicing_user(old)
            self.assertFalse(any((run | second).reminder_ids.mapped("thanked_date")), "the latest reminder is open")
            self.policy.thank_customers = False
            self._pay_as_invoicing_user(newer)
            self.assertFalse(second.reminder_ids.thanked_date)
            self.assertEqual(len(self._mails((run | second).reminder_ids)), 2)
