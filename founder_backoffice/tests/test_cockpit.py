import io
from datetime import date

import openpyxl

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import PERSONAS, FounderBackofficeCommon

AS_OF = date(2026, 3, 2)  # a Monday: week 1 runs from 03-02 to 03-08


@tagged("post_install", "-at_install")
@freeze_time("2026-03-02")
class TestCockpit(FounderBackofficeCommon):
    """A small ledger whose payment profiles, forecast, digest and collection analytics are computed by hand.

    Rossi always pays 10 days late: four invoices of 100 due on the 1st of 10/2025 to 1/2026, each paid 10 days
    later. Open on 2026-03-02: Rossi's 1,000 due 03-06 (expected 03-16, week 3); Bianchi's 500 due 02-20 with a
    promise to pay on 03-25 (week 4; without it, the company's habit: 10 days late, 03-02); Verdi, a new customer,
    300 due 04-10 (the company's habit: 04-20, week 8); Neri's 250 due 2025-11-20 is over 90 days late: doubtful,
    left out. A vendor bill of 200 is due 03-10 (week 2).
    Cash: 10,000 of capital on 2025-11-03, Rossi's 400, and 1,300 of other payments in each of December, January
    and February: 10,000 + 400 - 3,900 = 6,500 to open with, and 1,300 x 12 / 52 = 300 of recurring outflows a
    week.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-02"):
            cls._ledger()

    @classmethod
    def _ledger(cls):
        cls.rossi = cls.customer
        cls.bianchi = cls._customer("Bianchi S.r.l.")
        cls.verdi = cls._customer("Verdi S.r.l.")
        bank = cls.company_data["default_journal_bank"].default_account_id
        equity = cls.env["account.account"].search(
            [("account_type", "=", "equity"), ("company_ids", "in", cls.company.id)], limit=1
        )
        cls._entry(date(2025, 11, 3), bank, equity, 10000.0)
        for month in (10, 11, 12, 1):
            due = date(2025 if month > 1 else 2026, month, 1)
            cls.rossi_paid = cls._invoice(cls.rossi, 100.0, due)
            cls._pay(cls.rossi_paid, 100.0, date(due.year, due.month, 11))
        for month in (12, 1, 2):
            cls._entry(
                date(2025 if month == 12 else 2026, month, 15),
                cls.company_data["default_account_expense"],
                bank,
                1300.0,
            )
        cls.rossi_open = cls._invoice(cls.rossi, 1000.0, date(2026, 3, 6), invoice_date=date(2026, 2, 4))
        cls.bianchi_open = cls._invoice(cls.bianchi, 500.0, date(2026, 2, 20), invoice_date=date(2026, 1, 21))
        cls.verdi_open = cls._invoice(cls.verdi, 300.0, date(2026, 4, 10), invoice_date=date(2026, 3, 1))
        cls.neri_open = cls._invoice(
            cls._customer("Neri S.r.l."), 250.0, date(2025, 11, 20), invoice_date=date(2025, 10, 21)
        )
        cls.promise = cls.env["fb.promise"].create(
            {
                "partner_id": cls.bianchi.id,
                "move_ids": [Command.set(cls.bianchi_open.ids)],
                "amount": 500.0,
                "promised_date": date(2026, 3, 25),
            }
        )
        cls.bill = cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": cls.verdi.id,
                "invoice_date": date(2026, 2, 10),
                "invoice_date_due": date(2026, 3, 10),
                "invoice_line_ids": [
                    Command.create({"name": "Rent", "quantity": 1, "price_unit": 200.0, "tax_ids": []})
                ],
            }
        )
        cls.bill.action_post()

    def _forecast_rows(self, user):
        Forecast = self.env["fb.cash.forecast"].with_user(user).with_context(fb_report_options={"as_of": "2026-03-02"})
        columns = ["week", "date_from", "receipts", "receipts_low", "receipts_high", "bills", "recurring", "closing"]
        return Forecast.search_read([], [*columns, "is_lowest"])

    def test_payment_profile_on_the_customer_as_a_collector_and_an_invoicing_user(self):
        collector = self._persona("Collections user")
        self.rossi.fb_collector_id = collector
        for user in (collector, self._persona("Invoicing user")):
            partner = self.rossi.with_user(user)
            with self.subTest(user=user.login):
                self.assertEqual(partner.fb_payment_grade, "C")
                self.assertEqual((partner.fb_days_late_median, partner.fb_days_late_avg), (10.0, 10.0))
                self.assertEqual((partner.fb_on_time_share, partner.fb_payment_trend), (0.0, "stable"))
                self.assertEqual(partner.fb_paid_invoice_count, 4)
                self.assertEqual(partner.fb_next_payment_date, date(2026, 3, 16), "the invoice's expected date")
        self.assertFalse(self.verdi.fb_payment_grade, "a new customer has no grade")
        self.assertFalse(self.neri_open.partner_id.fb_next_payment_date, "102 days late, never paid: no date")
        manager = self._persona("Collections manager")
        row = self.env["fb.collection.queue"].with_user(manager).search([("partner_id", "=", self.bianchi.id)])
        self.assertEqual(row.expected_payment_date, date(2026, 3, 25), "Bianchi's promise, on its queue row")
        with self.assertRaises(AccessError):
            self.rossi.with_user(self._persona("Internal user")).read(["fb_payment_grade"])

    def test_expected_payment_dates_habit_promise_and_new_customer(self):
        user = self._persona("Invoicing user")
        moves = (self.rossi_open | self.bianchi_open | self.verdi_open | self.neri_open).with_user(user)
        self.assertEqual(
            moves.mapped("fb_expected_payment_date"),
            # Rossi by its habit (the 11th, 10 days late); Bianchi's promise; Verdi, new, by the company's customers;
            # Neri, 102 days late and never paid before: more likely never paid
            [date(2026, 3, 16), date(2026, 3, 25), date(2026, 4, 22), False],
        )
        self.promise.sudo().state = "cancelled"
        self.bianchi_open.invalidate_recordset(["fb_expected_payment_date"])
        self.assertEqual(self.bianchi_open.with_user(user).fb_expected_payment_date, date(2026, 3, 19))

    def test_a_payment_plan_brings_the_money_as_its_instalments(self):
        """Verdi agrees to pay its 300 in three monthly instalments from 03-10: weeks 2, 6 and 10 get most of each
        100 (instalments with no record yet are 80 % reliable; the rest follows the habit)."""
        plan = self.env["fb.payment.plan"].create(
            {
                "partner_id": self.verdi.id,
                "move_ids": [Command.set(self.verdi_open.ids)],
                "instalment_count": 3,
                "frequency": "monthly",
                "first_date": date(2026, 3, 10),
                "company_id": self.company.id,
            }
        )
        plan.action_start()
        self.assertEqual(self.verdi_open.fb_expected_payment_date, date(2026, 3, 10))
        receipts = {row["week"]: row["receipts"] for row in self._forecast_rows(self._persona("Founder"))}
        self.assertEqual([round(receipts[week], 2) for week in (2, 6, 10)], [139.22, 102.09, 92.41])

    def test_salesperson_sees_the_grade_on_the_opportunity(self):
        salesperson = self._persona("Salesperson")
        lead = (
            self.env["crm.lead"]
            .with_user(salesperson)
            .create({"name": "Renewal", "type": "opportunity", "partner_id": self.rossi.id})
        )
        self.assertEqual(lead.fb_payment_grade, "C")

    def test_forecast_weeks_by_hand_as_the_founder(self):
        rows = self._forecast_rows(self._persona("Founder"))
        self.assertEqual(len(rows), 13)
        self.assertEqual(rows[0]["date_from"], AS_OF)
        receipts = {row["week"]: round(row["receipts"], 2) for row in rows if row["receipts"]}
        # Rossi's 1000 around its habit (week 3), Bianchi's promise (week 4), Verdi's 300 spread by the company's
        # customers; Neri's 250, 102 days late, mostly never: no week takes an item whole
        self.assertEqual(
            receipts,
            {1: 86.88, 2: 59.09, 3: 886.1, 4: 337.03, 5: 29.46, 6: 31.44, 7: 56.25, 8: 110.31, 9: 32.67}
            | {10: 25.11, 11: 20.16, 12: 16.7, 13: 14.16},
        )
        # one invoice a week: "nothing comes" keeps at least a 1 in 10 chance, so the 80 % range starts at 0
        self.assertEqual({row["receipts_low"] for row in rows}, {0.0})
        self.assertAlmostEqual(rows[2]["receipts_high"], 1424.27, places=2)
        self.assertEqual({row["week"]: row["bills"] for row in rows if row["bills"]}, {2: 200.0})
        self.assertAlmostEqual(rows[0]["recurring"], 300.0)
        closing = [round(row["closing"], 2) for row in rows]
        self.assertEqual(closing[:8], [6286.88, 5845.97, 6432.07, 6469.1, 6198.56, 5930.0, 5686.25, 5496.56])
        self.assertEqual(closing[-1], 4105.36)
        self.assertEqual([row["week"] for row in rows if row["is_lowest"]], [13])

    def test_a_week_opens_its_documents_and_the_xlsx_reads_back(self):
        founder = self._persona("Founder")
        Forecast = (
            self.env["fb.cash.forecast"].with_user(founder).with_context(fb_report_options={"as_of": "2026-03-02"})
        )
        week_3 = Forecast.search([("week", "=", 3)])
        action = week_3.action_open_documents()
        self.assertEqual(self.env["account.move"].with_user(founder).search(action["domain"]), self.rossi_open)
        self.assertEqual(action["name"], "Week of 03/16/2026")
        wizard = self.env["fb.report.wizard"].with_user(founder).create({"report": "cash_forecast", "as_of": AS_OF})
        self.assertTrue(wizard.action_xlsx()["url"].startswith("/founder_backoffice/xlsx/cash_forecast?options="))
        model, options = wizard._report_model()
        sheet = openpyxl.load_workbook(io.BytesIO(model._xlsx_content(options)), data_only=True).worksheets[0]
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = next(row for row in cells if row[0] == "Week")
        week_3_row = next(row for row in cells if row[0] == 3)
        self.assertAlmostEqual(week_3_row[header.index("Expected receipts")], 886.1, places=2)
        self.assertAlmostEqual(week_3_row[header.index("Cash at the end")], 6432.07, places=2)
        self.assertIn(["Opening cash", 6500.0], [row[:2] for row in cells])

    def test_collectors_and_salespeople_do_not_see_the_forecast(self):
        for role in ("Collections manager", "Salesperson", "Invoicing user"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self._forecast_rows(self._persona(role))

    def test_weekly_digest_gives_founders_their_figures_and_nobody_else(self):
        founder = self._persona("Founder", email="founder@example.com")
        manager = self._persona("Collections manager", email="manager@example.com")
        digest = self.env["digest.digest"].create(
            {
                "name": "Weekly",
                "company_id": self.company.id,
                "periodicity": "weekly",
                "kpi_fb_cash": True,
                "kpi_fb_lowest_cash": True,
                "kpi_fb_abnormal": True,
                "kpi_fb_promises_due": True,
                "user_ids": [Command.set((founder | manager).ids)],
            }
        )
        kpis = {kpi["kpi_name"]: kpi for kpi in digest._compute_kpis(self.company, founder)}
        self.assertEqual(set(kpis), {"kpi_fb_cash", "kpi_fb_lowest_cash", "kpi_fb_abnormal", "kpi_fb_promises_due"})
        self.assertEqual(kpis["kpi_fb_abnormal"]["kpi_col2"]["value"], 1)  # Neri, 102 days late on 30-day terms
        self.assertEqual(kpis["kpi_fb_promises_due"]["kpi_col2"]["value"], 0)  # Bianchi's is due in 23 days
        self.assertEqual(kpis["kpi_fb_cash"]["kpi_col1"]["value"], "6.5k€")
        self.assertEqual(kpis["kpi_fb_lowest_cash"]["kpi_col1"]["value"], "4.1k€")
        self.assertEqual(digest._compute_kpis(self.company, manager), [], "not a founder: none of the founder's KPIs")
        digest.action_send()
        mails = self.env["mail.mail"].search([("email_to", "ilike", "@example.com"), ("subject", "ilike", "Weekly")])
        bodies = {mail.email_to: mail.body_html for mail in mails}
        founder_body = next(body for to, body in bodies.items() if "founder@" in to)
        manager_body = next(body for to, body in bodies.items() if "manager@" in to)
        self.assertIn("Lowest cash in the 13-week forecast", founder_body)
        self.assertIn("Invoices late beyond their customer", founder_body)
        self.assertIn(self.neri_open.name, founder_body)
        self.assertNotIn("Lowest cash", manager_body)
        self.assertNotIn(self.neri_open.name, manager_body)

    def test_digest_in_the_recipients_language(self):
        founder = self._user("fb_founder_it", PERSONAS["Founder"])
        founder.write({"lang": "it_IT", "email": "fondatore@example.com"})
        digest = self.env["digest.digest"].create(
            {
                "name": "Settimanale",
                "company_id": self.company.id,
                "kpi_fb_lowest_cash": True,
                "kpi_fb_abnormal": True,
                "user_ids": [Command.set(founder.ids)],
            }
        )
        digest.action_send()
        body = self.env["mail.mail"].search([("email_to", "ilike", "fondatore@")]).body_html
        self.assertIn("Cassa minima nella previsione a 13 settimane", body)
        self.assertIn("Fatture in ritardo rispetto alle abitudini di pagamento del cliente", body)
        self.assertNotIn("Lowest cash", body)

    def test_collection_analytics_per_collector(self):
        """Anna works Rossi, Bruno works Bianchi. Rossi paid 100 on the 11th of October to January, the last one 6
        days after its first reminder (01-05), and had a call logged in March; Bianchi's 500 is overdue since
        02-20 and promised on 03-02."""
        anna = self._persona("Collections user", name="Anna")
        bruno = self._user("fb_bruno", PERSONAS["Collections user"])
        bruno.name = "Bruno"
        manager = self._persona("Collections manager")
        self.rossi.fb_collector_id = anna
        self.bianchi.fb_collector_id = bruno
        run = self.env["fb.dunning.run"].create({"company_id": self.company.id, "date": date(2026, 1, 5)})
        # history as a run leaves it (reminders and lines are made by the runs only)
        Reminder, Line = self.env["fb.dunning.reminder"].sudo(), self.env["fb.dunning.line"].sudo()
        reminder = Reminder.create(
            {"run_id": run.id, "partner_id": self.rossi.id, "policy_id": self.policy.id, "level_id": self.level_1.id}
        )
        Line.create({"reminder_id": reminder.id, "move_id": self.rossi_paid.id, "state": "sent"})
        call = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.rossi.id,
                "activity_type_id": self.env.ref("founder_backoffice.mail_activity_type_collections_call").id,
                "user_id": anna.id,
            }
        )
        call.with_user(anna).action_feedback("Will pay on the 16th")
        fields_ = ["collector_id", "month", "customer_count", "overdue_start", "overdue_end", "collected"]
        fields_ += ["promise_count", "call_count", "reminder_to_payment_days"]

        def rows(user):
            Analytics = self.env["fb.collection.analytics"].with_user(user)
            return {
                (row["collector_id"] and row["collector_id"][1], row["month"]): row
                for row in Analytics.search_read([], fields_)
            }

        everyone = rows(manager)
        self.assertEqual({collector for collector, _month in everyone}, {"Anna", "Bruno", False})
        march, february, january = date(2026, 3, 1), date(2026, 2, 1), date(2026, 1, 1)
        self.assertEqual(everyone[(False, march)]["overdue_end"], 250.0, "Neri has no collector: managers see it")
        self.assertEqual(everyone[("Anna", january)]["collected"], 100.0)
        self.assertEqual(everyone[("Anna", january)]["reminder_to_payment_days"], 6.0)
        self.assertEqual(everyone[("Anna", march)]["call_count"], 1)
        self.assertEqual(everyone[("Anna", march)]["customer_count"], 1)
        self.assertEqual(
            (everyone[("Bruno", february)]["overdue_start"], everyone[("Bruno", february)]["overdue_end"]), (0.0, 500.0)
        )
        self.assertEqual(
            (everyone[("Bruno", march)]["overdue_start"], everyone[("Bruno", march)]["promise_count"]), (500.0, 1)
        )
        self.assertEqual(everyone[("Bruno", january)]["collected"], 0.0)
        self.assertEqual({collector for collector, _month in rows(anna)}, {"Anna"}, "a collector sees their own line")
        self.assertEqual(len(rows(anna)), 12)
