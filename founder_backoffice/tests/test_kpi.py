from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import PERSONAS, FounderBackofficeCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-31")
class TestFounderKpis(FounderBackofficeCommon):
    """Q1 2026 of a small company, every KPI computed by hand in the comments.

    Q4 2025: customer A invoiced 500 on 2025-11-10, paid 2025-12-05.
    Q1 2026: A invoiced 1000 on 01-10 (due 02-09), paid 02-20; B invoiced 600 on 02-01 (due 03-03), paid 200 on
    03-15; C invoiced 400 on 03-20 (due 04-19) with a 100 credit note on 03-25 reconciled against it. A 5,000
    capital contribution reaches the bank on 01-05, a 50 bank fee leaves it on 02-28. Bills: 300 rent on 02-15
    (due 03-17, paid 03-16), 200 on 03-10 (due 04-09), 150 of marketing on 01-15 (due 02-14, unpaid).
    CRM: one opportunity won after 20 days, one lost, one open worth 2,000.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-31"):
            cls._dataset()

    @classmethod
    def _bill(cls, day, due, amount, account=None):
        line = {"name": "Bill", "quantity": 1, "price_unit": amount, "tax_ids": []}
        if account:
            line["account_id"] = account.id
        bill = cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": cls.supplier.id,
                "invoice_date": day,
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create(line)],
            }
        )
        bill.action_post()
        return bill

    @classmethod
    def _dataset(cls):
        cls.a, cls.b, cls.c = cls.customer, cls._customer("Beta S.r.l."), cls._customer("Gamma S.r.l.")
        cls.supplier = cls._customer("Fornitore S.r.l.")
        a0 = cls._invoice(cls.a, 500.0, date(2025, 12, 10), invoice_date=date(2025, 11, 10))
        cls._pay(a0, 500.0, date(2025, 12, 5))
        a1 = cls._invoice(cls.a, 1000.0, date(2026, 2, 9), invoice_date=date(2026, 1, 10))
        cls._pay(a1, 1000.0, date(2026, 2, 20))
        b1 = cls._invoice(cls.b, 600.0, date(2026, 3, 3), invoice_date=date(2026, 2, 1))
        cls._pay(b1, 200.0, date(2026, 3, 15))
        c1 = cls._invoice(cls.c, 400.0, date(2026, 4, 19), invoice_date=date(2026, 3, 20))
        refund = cls._invoice(cls.c, 100.0, date(2026, 3, 25), post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        (c1 | refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()

        bank_journal = cls.company_data["default_journal_bank"]
        misc = cls.company_data["default_journal_misc"]
        equity = cls.env["account.account"].search(
            [("account_type", "=", "equity"), ("company_ids", "in", cls.company.id)], limit=1
        )
        cls._entry(date(2026, 1, 5), bank_journal.default_account_id, equity, 5000.0, misc)
        cls._entry(
            date(2026, 2, 28), cls.company_data["default_account_expense"], bank_journal.default_account_id, 50.0, misc
        )
        rent = cls._bill(date(2026, 2, 15), date(2026, 3, 17), 300.0)
        cls._register_payment(rent, amount=300.0, payment_date=date(2026, 3, 16))
        cls._bill(date(2026, 3, 10), date(2026, 4, 9), 200.0)
        cls.marketing = cls.copy_account(cls.company_data["default_account_expense"], {"name": "Advertising"})
        cls._bill(date(2026, 1, 15), date(2026, 2, 14), 150.0, account=cls.marketing)

        Lead = cls.env["crm.lead"].sudo()
        won = Lead.create({"name": "Won deal", "type": "opportunity", "company_id": cls.company.id})
        # create_date comes from the database clock, which freezegun does not move
        cls.env.cr.execute("UPDATE crm_lead SET create_date = '2026-01-02 09:00:00' WHERE id = %s", [won.id])
        won.invalidate_recordset(["create_date"])
        with freeze_time("2026-01-22 10:00:00"):
            won.action_set_won()
        with freeze_time("2026-02-10"):
            Lead.create({"name": "Lost deal", "type": "opportunity", "company_id": cls.company.id}).action_set_lost()
        Lead.create(
            {"name": "Open deal", "type": "opportunity", "company_id": cls.company.id, "expected_revenue": 2000}
        )

    def _q1(self):
        return self.env["fb.kpi"].compute(self.company, date(2026, 1, 1), date(2026, 3, 31))

    def test_profit_and_customers(self):
        values = self._q1()
        # revenue 1000 + 600 + 400 - 100 = 1900 ; expenses 300 + 200 + 150 + 50 = 700
        self.assertEqual((values["revenue"], values["expenses"], values["net_profit"]), (1900.0, 700.0, 1200.0))
        # B and C had their first invoice ever in Q1; A already in November
        self.assertEqual(values["new_customers"], 2)
        # Q4 customers {A}, all invoiced again in Q1
        self.assertEqual(values["retention"], 1.0)
        # 1900 untaxed / 3 invoices (the credit note is not an order)
        self.assertAlmostEqual(values["aov"], 633.33, places=2)
        self.assertIsNone(values["cac"], "marketing accounts not set up yet")
        self.company.fb_marketing_account_ids = self.marketing
        values = self._q1()
        self.assertEqual(values["cac"], 75.0)  # 150 of marketing / 2 new customers

    def test_cash_burn_and_runway(self):
        values = self._q1()
        # 5000 capital + 500 + 1000 + 200 received - 300 rent - 50 fee
        self.assertEqual(values["cash"], 6350.0)
        self.assertEqual((values["cash_in"], values["cash_out"]), (6200.0, 350.0))
        # operating cash out: Jan 0 (the capital is financing), Feb 50 - 1000 = -950, Mar 300 - 200 = 100
        # burn = (0 - 950 + 100) / 3 = -283.33: not burning, so no runway figure
        self.assertAlmostEqual(values["burn"], -283.33, places=2)
        self.assertIsNone(values["runway"])

    def test_receivables_dso_cei_and_payables(self):
        values = self._q1()
        # open at 03-31: B 600 - 200 = 400 (28 days late), C 400 - 100 = 300 not yet due; nothing at 12-31
        self.assertEqual((values["ar"], values["ar_overdue"], values["ar_current"]), (700.0, 400.0, 300.0))
        self.assertEqual((values["ar_1_30"], values["ar_31_60"], values["ar_unapplied"]), (400.0, 0.0, 0.0))
        self.assertAlmostEqual(values["ar_overdue_share"], 400 / 700)
        # DSO = 700 / 1900 x 90 days = 33.16
        self.assertAlmostEqual(values["dso"], 33.16, places=2)
        # CEI = (0 + 1900/3 - 700) / (0 + 1900/3 - 300) x 100 = -66.67 / 333.33 x 100 = -20.0
        self.assertAlmostEqual(values["cei"], -20.0, places=2)
        # March alone: opening 600 (B), sales 300, closing 700, current 300 -> (600+300-700)/(600+300-300) = 33.33
        march = self.env["fb.kpi"].compute(self.company, date(2026, 3, 1), date(2026, 3, 31))
        self.assertAlmostEqual(march["cei"], 33.33, places=2)
        # payables: 200 (due 04-09) + 150 marketing (overdue); due in the next 30 days: 200
        self.assertEqual((values["ap"], values["ap_due_30"]), (350.0, 200.0))

    def test_invoices_payments_crm_and_collections(self):
        values = self._q1()
        self.assertEqual((values["invoice_count"], values["invoiced"], values["overdue_count"]), (3, 2000.0, 1))
        self.assertEqual(values["ar_overdue"], 400.0)
        # A's 1000 invoice: issued 01-10, paid 02-20 = 41 days
        self.assertEqual(values["days_to_pay"], 41.0)
        self.assertEqual(values["collected"], 1200.0)  # 1000 + 200 in Q1
        self.assertEqual((values["pipeline"], values["win_rate"]), (2000.0, 0.5))  # 1 won, 1 lost
        self.assertIsNone(values["promises_kept"])
        self.assertEqual(values["abnormal_count"], 0)

    def test_the_values_are_the_registrys_keys_and_the_snapshots_columns(self):
        keys = {definition.key for definition in self.env["fb.kpi.snapshot"]._kpis()}
        self.assertEqual(set(self._q1()), keys | {"date_from", "date_to"})
        self.assertLessEqual(keys, set(self.env["fb.kpi.snapshot"]._fields))
        for dead in ("add", "best_dso", "churn", "days_to_win", "on_time_share", "reminders_sent", "customers"):
            self.assertNotIn(dead, keys)

    def test_a_credit_note_larger_than_the_invoices_is_an_unapplied_credit(self):
        """Net negative receivables: the credit is a series of its own, the buckets keep what is owed, and the
        overdue share is undefined rather than a negative percentage."""
        delta = self._customer("Delta S.r.l.")
        refund = self._invoice(delta, 1000.0, date(2026, 3, 30), post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        values = self._q1()
        # open at 03-31: B 400 overdue, C 300 not yet due, Delta's 1000 credit: net -300
        self.assertEqual((values["ar"], values["ar_overdue"]), (-300.0, 400.0))
        self.assertEqual((values["ar_current"], values["ar_1_30"], values["ar_unapplied"]), (300.0, 400.0, -1000.0))
        self.assertIsNone(values["ar_overdue_share"], "no share of net negative receivables")
        founder = self._persona("Founder")
        self.env["fb.kpi.snapshot"].with_company(self.company)._refresh(self.company, months=1)
        Figures = self.env["fb.dashboard.figures"].with_user(founder)
        history = Figures.get_dashboard("this_month", self.company.id)["history"]
        self.assertEqual(history["aging"][0], "ar_current")
        self.assertEqual(history["aging"][-1], "ar_unapplied")
        self.assertEqual(history["labels"]["ar_unapplied"], "Unapplied credits")
        self.assertEqual(
            [history["series"][key][-1] for key in history["aging"]], [300.0, 400.0, 0.0, 0.0, 0.0, 0.0, -1000.0]
        )
        self.assertEqual(history["series"]["ar_overdue_share"][-1], None)
        Aging = self.env["fb.aging.report"].with_user(founder).with_company(self.company)
        [line] = [line for line in Aging._lines(Aging._options()) if line["partner_id"] == delta.id]
        self.assertEqual((line["bucket_0"], line["unapplied"], line["amount_residual"]), (0.0, -1000.0, -1000.0))

    def test_the_digest_labels_its_boxes_as_the_registry_and_shows_undefined_figures_as_undefined(self):
        founder = self._persona("Founder", email="founder@example.com")
        digest = self.env["digest.digest"].create(
            {
                "name": "Weekly",
                "company_id": self.company.id,
                "periodicity": "weekly",
                "kpi_fb_runway": True,
                "kpi_fb_ar_overdue_share": True,
                "kpi_fb_dso": True,
                "user_ids": [Command.set(founder.ids)],
            }
        )
        kpis = {kpi["kpi_name"]: kpi for kpi in digest._compute_kpis(self.company, founder)}
        self.assertEqual(kpis["kpi_fb_runway"]["kpi_fullname"], "Runway (months)")
        # not burning (-283.33 a month): no runway, not "0.00" months
        self.assertEqual(
            [kpis["kpi_fb_runway"][column]["value"] for column in ("kpi_col1", "kpi_col2", "kpi_col3")], ["—"] * 3
        )
        self.assertEqual(kpis["kpi_fb_runway"]["kpi_col1"]["margin"], 0.0)
        # 400 overdue of 700, as a percentage like the snapshot's
        self.assertEqual(kpis["kpi_fb_ar_overdue_share"]["kpi_col1"]["value"], "57.14")
        # the DSO of a day or a week says nothing: each window's is over the 90 days to its end, and says so
        self.assertEqual(kpis["kpi_fb_dso"]["kpi_fullname"], "DSO (days), last 90 days")
        self.assertEqual(kpis["kpi_fb_dso"]["kpi_col1"]["value"], "33.16")  # 700 / 1900 x 90, as the quarter's

    def test_zero_denominators_give_no_figure(self):
        values = self.env["fb.kpi"].compute(self.company, date(2025, 1, 1), date(2025, 1, 31))
        for key in ("dso", "cei", "aov", "retention", "win_rate", "days_to_pay", "ar_overdue_share"):
            self.assertIsNone(values[key], key)
        self.assertEqual(values["revenue"], 0.0)

    def test_dashboard_rpc_and_history(self):
        self.env["fb.kpi.snapshot"]._refresh(self.company, months=3)
        january = self.env["fb.kpi.snapshot"].search(
            [("company_id", "=", self.company.id), ("month", "=", "2026-01-01")]
        )
        self.assertEqual((january.revenue, january.new_customers), (1000.0, 0))
        # not burning: no runway, stored as undefined rather than as 0 months
        self.assertIsNone(january.runway)
        self.assertFalse(january.read(["runway"])[0]["runway"])
        Figures = self.env["fb.dashboard.figures"].with_company(self.company)
        data = Figures.get_dashboard("this_quarter", self.company.id)
        cards = {card["key"]: card for card in data["cards"]}
        self.assertEqual((cards["revenue"]["value"], cards["revenue"]["previous"]), (1900.0, 500.0))
        self.assertAlmostEqual(cards["revenue"]["delta_relative"], 2.8)  # (1900 - 500) / 500
        self.assertTrue(cards["revenue"]["good"])
        self.assertFalse(cards["ar_overdue"]["good"], "more overdue than in Q4 (0) is bad news")
        self.assertEqual(cards["runway"]["empty_label"], "Not burning")
        self.assertEqual(cards["revenue"]["trend"], [1000.0, 600.0, 300.0])
        self.assertEqual(cards["runway"]["trend"], [None, None, None])
        self.assertEqual(cards["win_rate"]["trend"], [100.0, 0.0, None])  # won, lost, none closed
        self.assertEqual((cards["runway"]["label"], cards["runway"]["format"]), ("Runway (months)", "months"))
        self.assertEqual(data["periods"][0], ["last_30_days", "Last 30 days"])
        self.assertEqual([kind for kind, _label in data["periods"]][-1], "last_12_months")
        action = self.env["fb.dashboard.figures"].get_card_action("ar_overdue", self.company.id)
        self.assertEqual(self.env["account.move"].search(action["domain"]).partner_id, self.b)

    def test_dashboard_reads_the_figures_computed_ahead(self):
        """The job's figures are what the dashboard shows, with their time, stale ones too (while the job is asked
        to compute them again); the founder's Refresh computes them again now; a collections manager cannot."""
        founder = self._persona("Founder")
        Figures = self.env["fb.dashboard.figures"].with_user(founder).with_company(self.company)
        with self.enter_registry_test_mode():
            self.env.ref("founder_backoffice.ir_cron_fb_dashboard_figures").method_direct_trigger()
        figures = self.env["fb.dashboard.figures"].search([("company_id", "=", self.company.id)])
        # 6 periods and the period before each, some shared (last month is this month's previous), and the forecast
        self.assertIn("kpi:2026-01-01:2026-03-31", figures.mapped("key"))
        self.assertIn("forecast:2026-03-31", figures.mapped("key"))
        self._invoice(self.c, 250.0, date(2026, 4, 30), invoice_date=date(2026, 3, 30))
        data = Figures.get_dashboard("this_quarter", self.company.id)
        cards = {card["key"]: card for card in data["cards"]}
        self.assertEqual(cards["revenue"]["value"], 1900.0, "the figures of the job, not yet the new invoice")
        self.assertEqual(data["computed_at"], "2026-03-31 00:00:00")
        self.assertEqual(len(data["forecast"]["weeks"]), 13)
        with freeze_time("2026-03-31 00:31:00"):
            data = Figures.get_dashboard("this_quarter", self.company.id)
            self.assertEqual((data["computed_at"], data["stale"]), ("2026-03-31 00:00:00", True), "31 minutes old")
            self.assertEqual({card["key"]: card for card in data["cards"]}["revenue"]["value"], 1900.0)
            Figures.action_refresh_figures(self.company.id)
            data = Figures.get_dashboard("this_quarter", self.company.id)
        self.assertEqual(data["computed_at"], "2026-03-31 00:31:00")
        self.assertEqual({card["key"]: card for card in data["cards"]}["revenue"]["value"], 2150.0)
        manager = self._persona("Collections manager")
        with self.assertRaises(AccessError):
            self.env["fb.dashboard.figures"].with_user(manager).action_refresh_figures(self.company.id)
        with self.assertRaises(AccessError):
            self.env["fb.dashboard.figures"].with_user(manager).search([])

    def test_only_founders_get_the_figures(self):
        collector = self._user("fb_kpi_collector", "founder_backoffice.group_collections_manager")
        accountant = self._user("fb_kpi_accountant", "account.group_account_manager")
        for user in (collector, accountant):
            with self.assertRaises(AccessError):
                self.env["fb.dashboard.figures"].with_user(user).get_dashboard("this_month")
            with self.assertRaises(AccessError):
                self.env["fb.kpi.snapshot"].with_user(user).search([])


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    def test_dashboard_tour(self):
        """A founder opens the dashboard, sees the cards, the charts and the forecast, and opens a forecast week:
        the customer's promises to pay put its money in weeks 6 to 8, the middle of the chart."""
        company = self.env.ref("base.main_company")
        customer = self.env["res.partner"].create({"name": "Tour Customer"})
        today = date.today()
        Move = self.env["account.move"].with_company(company)
        for amount, invoice_date, due in (
            (1500.0, today, today),
            (1000.0, today - timedelta(days=40), today - timedelta(days=10)),
        ):
            self._post(Move, customer, amount, invoice_date, due)
        for days in (38, 45, 52):
            promised = self._post(
                Move, customer, 100.0 + days, today - timedelta(days=45), today + timedelta(days=days)
            )
            self.env["fb.promise"].with_company(company).create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(promised.ids)],
                    "amount": promised.amount_total,
                    "promised_date": today + timedelta(days=days),
                }
            )
        founder = new_test_user(
            self.env,
            login="fb_tour_founder",
            password="fb_tour_founder",
            groups=PERSONAS["Founder"],
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        self.start_tour("/odoo/founder-dashboard", "founder_backoffice_dashboard_tour", login=founder.login)

    def _post(self, Move, customer, amount, invoice_date, due):
        move = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": amount, "tax_ids": []})],
            }
        )
        move.action_post()
        return move
