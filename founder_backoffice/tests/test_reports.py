import io
from datetime import date

import openpyxl

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestReports(FounderBackofficeCommon):
    """One crafted history: an invoice partly paid in May and credited in June, a vendor bill paid in June."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-06-30"):
            cls.invoice = cls._invoice(cls.customer, 1000.0, date(2026, 3, 1), invoice_date=date(2026, 2, 1))
            cls._pay(cls.invoice, 400.0, date(2026, 5, 15))
            refund = cls._invoice(cls.customer, 100.0, date(2026, 6, 10), post=False)
            refund.move_type = "out_refund"
            refund.action_post()
            (cls.invoice | refund).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
            cls.supplier = cls._customer("Fornitore S.r.l.")
            cls.bill = cls.env["account.move"].create(
                {
                    "move_type": "in_invoice",
                    "partner_id": cls.supplier.id,
                    "invoice_date": date(2026, 5, 21),
                    "invoice_date_due": date(2026, 6, 20),
                    "invoice_line_ids": [
                        Command.create({"name": "Rent", "quantity": 1, "price_unit": 300.0, "tax_ids": []})
                    ],
                }
            )
            cls.bill.action_post()
            cls.injection = cls._customer('=HYPERLINK("x")')
            cls._invoice(cls.injection, 10.0, date(2026, 6, 25))

    def _wizard(self, report, **values):
        return self.env["fb.report.wizard"].create({"report": report, "company_id": self.company.id, **values})

    def test_the_form_asks_a_date_or_a_period_and_offers_a_pdf_as_the_registry_says(self):
        cases = (("aging_payable", False, True), ("cash_forecast", False, False), ("pnl", True, True))
        for report, period, pdf in cases:
            wizard = self.env["fb.report.wizard"].new({"report": report})
            self.assertEqual((wizard.report_period, wizard.report_pdf), (period, pdf), report)

    def _aging_rows(self, as_of, kind="aging_receivable"):
        model, options = self._wizard(kind, as_of=as_of)._report_model()
        return {line["partner_id"]: line for line in model._lines(options)}, model, options

    def test_aging_as_of_past_dates_ignores_later_payments_and_credit_notes(self):
        buckets = ("bucket_0", "bucket_1", "bucket_2", "bucket_3", "bucket_4", "bucket_5")
        expected = {
            date(2026, 4, 30): (1000.0, 60, 2),  # before the payment: all of it, 60 days: 31-60
            date(2026, 5, 31): (600.0, 91, 4),  # after the 400 payment: 91 days: 91-120
            date(2026, 6, 30): (500.0, 121, 5),  # after the 100 credit note: over 120
        }
        for as_of, (residual, days, bucket) in expected.items():
            rows, _model, _options = self._aging_rows(as_of)
            row = rows[self.customer.id]
            self.assertEqual((row["amount_residual"], row["days_overdue"]), (residual, days), as_of)
            self.assertEqual([row[name] for name in buckets], [residual if i == bucket else 0.0 for i in range(6)])
        rows, _model, _options = self._aging_rows(date(2026, 1, 31))
        self.assertNotIn(self.customer.id, rows, "nothing was invoiced yet")

    def test_aging_screen_groups_like_the_exports(self):
        _rows, model, _options = self._aging_rows(date(2026, 5, 31))
        [(partner, total, bucket_4)] = model._read_group(
            [("partner_id", "=", self.customer.id)], ["partner_id"], ["amount_residual:sum", "bucket_4:sum"]
        )
        self.assertEqual((partner, total, bucket_4), (self.customer, 600.0, 600.0))

    def test_aging_list_page_and_group_count_from_one_pass(self):
        """The list view's page of groups and their count, as Odoo's two-pass default would give them."""
        for name, amount in (("Bianchi S.r.l.", 50.0), ("Verdi S.n.c.", 70.0), ("Neri S.a.s.", 90.0)):
            self._invoice(self._customer(name), amount, date(2026, 6, 1))
        _rows, model, options = self._aging_rows(date(2026, 6, 30))
        model = model.with_context(fb_report_options=options)
        aggregates = ["amount_residual:sum", "bucket_1:sum", "__count"]
        every_group = model._read_group([], ["partner_id"], aggregates[:2], order="partner_id")
        result = model.web_read_group([], ["partner_id"], aggregates, limit=2, offset=1)
        self.assertEqual(result["length"], len(every_group))
        self.assertEqual(len(every_group), 5)
        self.assertEqual(
            [(group["partner_id"], group["amount_residual:sum"], group["bucket_1:sum"]) for group in result["groups"]],
            [((partner.id, partner.display_name), total, bucket) for partner, total, bucket in every_group[1:3]],
        )
        self.assertEqual(model.web_read_group([], ["partner_id"], aggregates, limit=80)["length"], 5)

    def test_exports_stream_the_same_lines_in_batches(self):
        for report, values in (
            ("aging_receivable", {"as_of": date(2026, 6, 30)}),
            ("statement", {"date_from": date(2026, 5, 1), "date_to": date(2026, 6, 30)}),
        ):
            model, options = self._wizard(report, **values)._report_model()
            lines = model._lines(options)
            self.assertGreater(len(lines), 1, report)
            self.assertEqual(list(model._iter_lines(options, batch_size=1)), lines, report)

    def test_aging_of_payables(self):
        rows, _model, _options = self._aging_rows(date(2026, 6, 30), "aging_payable")
        self.assertEqual(
            (rows[self.supplier.id]["amount_residual"], rows[self.supplier.id]["bucket_1"]), (300.0, 300.0)
        )
        self.assertNotIn(self.customer.id, rows)

    def test_custom_bucket_limits_and_bad_limits(self):
        model, options = self._wizard(
            "aging_receivable", as_of=date(2026, 5, 31), limit_1=7, limit_2=14, limit_3=21, limit_4=100
        )._report_model()
        row = {line["partner_id"]: line for line in model._lines(options)}[self.customer.id]
        self.assertEqual(row["bucket_4"], 600.0)  # 91 days: 22-100
        self.assertEqual(
            model._bucket_labels(options["limits"]),
            ["Not due", "1-7", "8-14", "15-21", "22-100", "Over 100", "Unapplied credits"],
        )
        with self.assertRaises(ValidationError):
            self._wizard("aging_receivable", limit_1=30, limit_2=30)
        with self.assertRaises(ValidationError):
            self._wizard("pnl", date_from=date(2026, 6, 1), date_to=date(2026, 5, 1))

    def test_report_for_a_company_the_user_cannot_access_is_refused(self):
        other = self.env["res.company"].sudo().create({"name": "Other company"})
        clerk = self._user("fb_report_clerk", "founder_backoffice.group_collections_user")
        Aging = self.env["fb.aging.report"].with_user(clerk)
        self.assertEqual(
            Aging.with_context(fb_report_options={"company_id": self.company.id})._options()["kind"], "receivable"
        )
        with self.assertRaises(AccessError):
            Aging.with_context(fb_report_options={"company_id": other.id})._options()

    def test_reports_leave_out_the_partners_the_users_record_rules_hide(self):
        clerk = self._user("fb_report_rules", "founder_backoffice.group_collections_user")
        restricted = self.env["res.groups"].create({"name": "Restricted contacts", "user_ids": clerk.ids})
        self.env["ir.rule"].create(
            {
                "name": "Restricted contacts: not the injection test customer",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain_force": f"[('id', '!=', {self.injection.id})]",
                "groups": [Command.link(restricted.id)],
            }
        )
        options = {"company_id": self.company.id, "as_of": "2026-06-30"}
        for user, expected in ((self.env.user, self.customer | self.injection), (clerk, self.customer)):
            Aging = self.env["fb.aging.report"].with_user(user).with_context(fb_report_options=options)
            partners = {line["partner_id"] for line in Aging._lines(Aging._options())}
            self.assertEqual(partners, set(expected.ids), user.login)
            statement = self.env["fb.statement.report"].with_user(user).with_context(fb_report_options=options)
            partners = {line["partner_id"] for line in statement._lines(statement._options())}
            self.assertEqual(partners, set(expected.ids), user.login)

    def test_statement_opening_running_and_closing_balance(self):
        model, options = self._wizard(
            "statement",
            date_from=date(2026, 5, 1),
            date_to=date(2026, 6, 30),
            partner_ids=[Command.set(self.customer.ids)],
        )._report_model()
        [(partner, lines, closing)] = model._by_partner(options)
        self.assertEqual(partner, self.customer)
        self.assertEqual(
            [(line["kind"], line["amount"], line["balance"]) for line in lines],
            [("opening", 1000.0, 1000.0), ("payment", -400.0, 600.0), ("credit_note", -100.0, 500.0)],
        )
        self.assertEqual(closing, 500.0)

    def test_profit_and_loss_by_month(self):
        model, options = self._wizard("pnl", date_from=date(2026, 2, 1), date_to=date(2026, 6, 30))._report_model()
        months, sections, net = model._grid(options)
        self.assertEqual([m.month for m in months], [2, 3, 4, 5, 6])
        (_income, _income_rows, income, income_label), (_expense, _expense_rows, expenses, expense_label) = sections
        self.assertEqual((income_label, expense_label), ("Total revenue", "Total expenses"))
        self.assertEqual(income, [1000.0, 0.0, 0.0, 0.0, -100.0 + 10.0])  # the credit note, and the 10.00 invoice
        self.assertEqual(expenses, [0.0, 0.0, 0.0, 300.0, 0.0])
        self.assertEqual(net, [1000.0, 0.0, 0.0, -300.0, -90.0])
        [(total_net,)] = model._read_group([], [], ["net:sum"])
        self.assertEqual(total_net, 610.0)

    def test_cash_flow_direct_method(self):
        payment = self._register_payment(self.bill, amount=300.0, payment_date=date(2026, 6, 25))
        self.assertEqual(payment.move_id.state, "posted")
        model, options = self._wizard(
            "cash_flow", date_from=date(2026, 5, 1), date_to=date(2026, 6, 30)
        )._report_model()
        _months, rows, opening, closing = model._grid(options)
        flows = {label: values for label, values, _total in rows}
        self.assertEqual(flows["Cash in: Customer receipts"], [400.0, 0.0])
        self.assertEqual(flows["Cash out: Supplier payments"], [0.0, -300.0])
        self.assertEqual(flows["Net cash flow"], [400.0, -300.0])
        self.assertEqual((opening, closing), (0.0, [400.0, 100.0]))

    def _xlsx(self, wizard, lang="en_US"):
        """The XLSX the wizard's download link gives (the route itself is exercised over HTTP by the personas)."""
        model, options = wizard.with_context(lang=lang)._report_model()
        return openpyxl.load_workbook(io.BytesIO(model._xlsx_content(options)), data_only=True)

    def test_aging_xlsx_matches_the_screen_and_is_safe(self):
        wizard = self._wizard("aging_receivable", as_of=date(2026, 6, 30))
        book = self._xlsx(wizard)
        summary = book.worksheets[0]
        self.assertFalse(summary.sheet_view.rightToLeft)
        rows = {row[0]: row for row in summary.iter_rows(values_only=True) if row and row[0]}
        model, options = wizard._report_model()
        screen = {line["partner_name"]: line for line in model._lines(options)}
        # the six buckets, the unapplied credits (blank where nothing is owed), the total
        self.assertEqual(rows["Rossi S.p.A."][1:], (None, None, None, None, None, 500.0, None, 500.0))
        self.assertEqual(rows["Rossi S.p.A."][6], screen["Rossi S.p.A."]["bucket_5"])
        self.assertEqual(rows['=HYPERLINK("x")'][2], 10.0)  # 5 days past due: 1-30
        detail = book.worksheets[1]
        cells = [row for row in detail.iter_rows() if row[0].value == '=HYPERLINK("x")']
        self.assertEqual(len(cells), 1)
        self.assertEqual(cells[0][0].data_type, "s")

    def test_statement_xlsx_lines_and_running_balance(self):
        wizard = self._wizard(
            "statement",
            date_from=date(2026, 5, 1),
            date_to=date(2026, 6, 30),
            partner_ids=[Command.set(self.customer.ids)],
        )
        sheet = self._xlsx(wizard).worksheets[0]
        rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Rossi S.p.A."]
        self.assertEqual(
            [(row[2], row[5], row[6], row[7]) for row in rows],
            [
                ("Opening balance", 1000.0, 0.0, 1000.0),
                ("Payment", 0.0, 400.0, 600.0),
                ("Credit note", 0.0, 100.0, 500.0),
            ],
        )

    def test_xlsx_is_right_to_left_with_arabic_headers_for_an_arabic_user(self):
        book = self._xlsx(self._wizard("aging_receivable", as_of=date(2026, 5, 31)), lang="ar_001")
        sheet = book.worksheets[0]
        self.assertTrue(sheet.sheet_view.rightToLeft)
        values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
        self.assertIn("الشريك", values)

    def test_pdf_html_is_localized_and_right_to_left_in_arabic(self):
        wizard = self._wizard("aging_receivable", as_of=date(2026, 5, 31))
        Report = self.env["ir.actions.report"]
        data = {"options": wizard._options()}
        html_ar = (
            Report.with_context(lang="ar_001")
            ._render_qweb_html("founder_backoffice.action_report_fb_aging", wizard.ids, data=data)[0]
            .decode()
        )
        self.assertIn('dir="rtl"', html_ar)
        self.assertIn(self.env["fb.aging.report"].with_context(lang="ar_001")._title({"kind": "receivable"}), html_ar)
        self.assertNotIn("Aged receivables", html_ar)
        html_it = (
            Report.with_context(lang="it_IT")
            ._render_qweb_html("founder_backoffice.action_report_fb_aging", wizard.ids, data=data)[0]
            .decode()
        )
        self.assertIn("Scadenzario", html_it)
        self.assertIn('dir="ltr"', html_it)

    def test_statement_pdf_in_the_customer_language(self):
        self.customer.lang = "it_IT"
        self.env["res.lang"]._activate_lang("it_IT")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("founder_backoffice.action_report_fb_statement", self.customer.ids)[0]
            .decode()
        )
        self.assertIn("Estratto conto", html)
        self.assertIn("500,00", html)
