from datetime import date

from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-31")
class TestOneDefinitionOfOverdue(FounderBackofficeCommon):
    """Every screen that says "overdue" agrees on one data set, at the grain of the instalment.

    Rossi's 1,000 invoice of 10 March is due half on 10 March (21 days late on the 31st), half on 9 April: Odoo's
    invoice due date is 9 April, yet the invoice is overdue by 500. Bianchi owes 300 due 20 March (11 days late);
    Verdi 200 due 15 April (not due); Neri 50 from a journal entry of 5 March without a due date (due on its
    date, as in Odoo's aging). Each surface is read as the persona who uses it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-31"):
            cls.rossi = cls.customer
            cls.split = cls._invoice_in_two_instalments(cls.rossi, 1000.0, date(2026, 3, 10))
            cls.bianchi = cls._customer("Bianchi S.r.l.")
            cls.late = cls._invoice(cls.bianchi, 300.0, date(2026, 3, 20), invoice_date=date(2026, 3, 1))
            cls.verdi = cls._customer("Verdi S.r.l.")
            cls._invoice(cls.verdi, 200.0, date(2026, 4, 15), invoice_date=date(2026, 3, 16))
            cls.neri = cls._customer("Neri S.r.l.")
            cls.entry = cls.env["account.move"].create(
                {
                    "move_type": "entry",
                    "date": date(2026, 3, 5),
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": cls.company_data["default_account_receivable"].id,
                                "partner_id": cls.neri.id,
                                "debit": 50.0,
                                "date_maturity": False,
                            }
                        ),
                        Command.create({"account_id": cls.company_data["default_account_revenue"].id, "credit": 50.0}),
                    ],
                }
            )
            cls.entry.action_post()
        cls.manager = cls._persona("Collections manager")
        cls.founder = cls._persona("Founder")
        cls.seller = cls._persona("Salesperson")
        cls.overdue = cls.split | cls.late | cls.entry

    def test_the_invoice_due_date_is_not_what_makes_it_overdue(self):
        self.assertEqual(self.split.invoice_date_due, date(2026, 4, 9))
        self.assertEqual(self.split.amount_residual, 1000.0)

    def test_customer_button_and_overdue_menu(self):
        rossi = self.rossi.with_user(self.manager)
        self.assertEqual(rossi.fb_overdue_count, 1)
        action = rossi.action_fb_open_overdue_invoices()
        self.assertEqual(self.env["account.move"].with_user(self.manager).search(action["domain"]), self.split)
        neri = self.neri.with_user(self.manager)
        self.assertEqual(neri.fb_overdue_count, 1)
        action = neri.action_fb_open_overdue_invoices()
        self.assertEqual(self.env["account.move"].with_user(self.manager).search(action["domain"]), self.entry)
        menu = self.env.ref("founder_backoffice.action_overdue_invoices_menu").with_user(self.manager).run()
        self.assertEqual(self.env["account.move"].with_user(self.manager).search(menu["domain"]), self.overdue)

    def test_collections_queue(self):
        self.env.flush_all()
        rows = self.env["fb.collection.queue"].with_user(self.manager).search([])
        self.assertEqual(rows.partner_id, self.rossi | self.bianchi | self.neri, "Verdi owes nothing overdue")
        rossi = rows.filtered(lambda row: row.partner_id == self.rossi)
        self.assertEqual(
            (rossi.amount_overdue, rossi.amount_due, rossi.overdue_count, rossi.oldest_days), (500.0, 1000.0, 1, 21)
        )
        self.assertEqual(sum(rows.mapped("amount_overdue")), 850.0)

    def test_dunning_reminds_the_late_instalment_only(self):
        run = self.env["fb.dunning.run"].with_user(self.manager).create({"date": date(2026, 3, 31)})
        run.action_compute()
        reminder = run.reminder_ids.filtered(lambda r: r.partner_id == self.rossi)
        self.assertEqual(reminder.amount_overdue, 500.0)
        self.assertEqual(reminder.line_ids.mapped("date_maturity"), [date(2026, 3, 10)])
        self.assertEqual(run.reminder_ids.partner_id, self.rossi | self.bianchi, "dunning reminds invoices only")

    def test_aging_puts_each_instalment_in_its_bucket(self):
        Aging = (
            self.env["fb.aging.report"]
            .with_user(self.manager)
            .with_context(fb_report_options={"company_id": self.company.id, "as_of": "2026-03-31"})
        )
        lines = [line for line in Aging._lines(Aging._options()) if line["move_id"] == self.split.id]
        self.assertEqual(
            sorted((line["days_overdue"], line["bucket_0"], line["bucket_1"]) for line in lines),
            [(-9, 500.0, 0.0), (21, 0.0, 500.0)],
        )
        overdue = sum(line["amount_residual"] for line in Aging._lines(Aging._options()) if line["days_overdue"] > 0)
        self.assertEqual(overdue, 850.0)

    def test_kpis_cards_and_drill_downs(self):
        values = self.env["fb.kpi"].with_user(self.founder).compute(self.company, date(2026, 3, 1), date(2026, 3, 31))
        self.assertEqual((values["ar"], values["ar_overdue"], values["overdue_count"]), (1550.0, 850.0, 3))
        Snapshot = self.env["fb.kpi.snapshot"].with_user(self.founder)
        Figures = self.env["fb.dashboard.figures"].with_user(self.founder)
        cards = {card["key"]: card for card in Figures.get_dashboard("this_month", self.company.id)["cards"]}
        self.assertEqual(cards["ar_overdue"]["value"], 850.0)
        self.assertAlmostEqual(cards["ar_overdue_share"]["value"], 850 / 1550)
        Snapshot._refresh(self.company, months=1)
        march = Snapshot.search([("company_id", "=", self.company.id), ("month", "=", "2026-03-01")])
        self.assertEqual((march.ar_overdue, march.overdue_count), (850.0, 3))
        for key in ("ar_overdue", "abnormal_count", "dso"):
            action = Figures.get_card_action(key, self.company.id)
            self.assertEqual(self.env["account.move"].with_user(self.founder).search(action["domain"]), self.overdue)

    def test_opportunity_shows_the_late_instalment(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.seller)
            .create({"name": "Renewal", "type": "opportunity", "partner_id": self.rossi.id})
        )
        self.assertEqual((lead.fb_overdue_amount, lead.fb_oldest_overdue_days), (500.0, 21))
