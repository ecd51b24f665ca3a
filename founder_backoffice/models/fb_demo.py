from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command


class FbDemo(models.AbstractModel):
    """What `make run`'s demo data builds in code (``data/demo/``): kept out of the models it feeds."""

    _name = "fb.demo"
    _description = "Back Office demo data"

    @api.model
    def _payment_history(self):
        """Demo data: a year of monthly invoices paid by each demo customer's habit (on time, about 10 days late
        and getting better, about 45 days late, early; one never pays), the founding capital, salaries paid
        every month and monthly rent bills, so that the profiles, the forecast and the charts have a history.
        Created and posted in batches: one at a time, the demo took minutes to load."""
        Move = self.env["account.move"]
        company = self.env.company
        today = fields.Date.context_today(self)
        habits = {
            "demo_partner_trattoria": [0, -2, 1, 0, -1, 0, 0, -3, 0, 2, 0],
            "demo_partner_nukhba": [3, 5, 4, 8, 10, 12, 15, 18, 20, 22, 25],
            "demo_partner_bianchi": [44, 47, 40, 52, 45, 43, 48, 46, 41, 45, 50],
            "demo_partner_bright": [-6, -5, -4, -7, -5, -3, -6, -5, -4, -5, -6],
            "demo_partner_riyada": [None] * 3,
        }
        invoice_vals, lateness = [], []
        for xml_id, lates in habits.items():
            partner = self.env.ref(f"founder_backoffice.{xml_id}")
            for months_ago, late in enumerate(lates, start=2):
                invoice_date = today - relativedelta(months=months_ago)
                invoice_vals.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": invoice_date,
                        "invoice_date_due": invoice_date + relativedelta(days=30),
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Monthly service", "quantity": 1, "price_unit": 900 + 150 * months_ago}
                            )
                        ],
                    }
                )
                lateness.append(late)
        invoices = Move.create(invoice_vals)
        invoices.action_post()
        paid = {
            invoice: invoice.invoice_date_due + relativedelta(days=late)
            for invoice, late in zip(invoices, lateness, strict=True)
            if late is not None and invoice.invoice_date_due + relativedelta(days=late) < today
        }
        bank = self.env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
        accounts = self.env["account.account"].with_company(company)
        equity = accounts.search([("account_type", "=", "equity"), ("company_ids", "in", company.id)], limit=1)
        salaries = accounts.search([("account_type", "=", "expense"), ("company_ids", "in", company.id)], limit=1)
        entries = [(today - relativedelta(months=13), bank.default_account_id, equity, 120000.0, "Founding capital")]
        entries += [
            (today - relativedelta(months=months_ago), salaries, bank.default_account_id, 9500.0, "Salaries")
            for months_ago in range(12, 0, -1)
        ]
        Move.create(
            [
                {
                    "move_type": "entry",
                    "date": day,
                    "ref": label,
                    "line_ids": [
                        Command.create({"name": label, "account_id": debit.id, "debit": amount}),
                        Command.create({"name": label, "account_id": credit.id, "credit": amount}),
                    ],
                }
                for day, debit, credit, amount, label in entries
            ]
        ).action_post()
        landlord, supplier = self.env["res.partner"].create(
            [
                {"name": "Immobiliare Centro S.r.l.", "is_company": True},
                {"name": "Forniture Ufficio S.p.A.", "is_company": True},
            ]
        )
        bills = [(landlord, today - relativedelta(months=months_ago), 1800.0) for months_ago in range(12, 0, -1)]
        bills += [
            (landlord, today - relativedelta(days=20), 1800.0),
            (supplier, today - relativedelta(days=10), 4200.0),
        ]
        bills = Move.create(
            [
                {
                    "move_type": "in_invoice",
                    "partner_id": vendor.id,
                    "invoice_date": day,
                    "invoice_date_due": day + relativedelta(days=30),
                    "invoice_line_ids": [
                        Command.create({"name": "Rent and supplies", "quantity": 1, "price_unit": amount})
                    ],
                }
                for vendor, day, amount in bills
            ]
        )
        bills.action_post()
        paid.update({bill: bill.invoice_date_due for bill in bills[:12]})
        self._pay(paid, bank)

    @api.model
    def _pay(self, paid, journal):
        """Pay each move of ``paid`` (move -> payment date) in full from ``journal``: one payment each, created,
        posted and matched with its move together."""
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound" if move.is_inbound() else "outbound",
                    "partner_type": "customer" if move.is_sale_document() else "supplier",
                    "partner_id": move.commercial_partner_id.id,
                    "amount": move.amount_residual,
                    "currency_id": move.currency_id.id,
                    "date": day,
                    "journal_id": journal.id,
                    "memo": move.name,
                }
                for move, day in paid.items()
            ]
        )
        payments.action_post()
        self.env["account.move.line"]._reconcile_plan(
            [
                (move.line_ids + payment.move_id.line_ids).filtered(
                    lambda line: line.account_type in ("asset_receivable", "liability_payable") and not line.reconciled
                )
                for move, payment in zip(paid, payments, strict=True)
            ]
        )
