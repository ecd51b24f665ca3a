from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

from ..engine import forecast

COMPANY_HISTORY = 200  # the company's last paid invoices, the habit of a customer who never paid
GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]
GRADE_HELP = (
    "From the invoices paid in the last 12 months (at most the last 20): A pays by the due date (typically on time and "
    "at least 8 invoices in 10 on time), B typically up to a week late, C up to 30 days, D up to 60 days, E later. "
    "Typically: the median, so one invoice held back does not sink a good payer. Empty: nothing paid yet."
)
TRENDS = [("improving", "Improving"), ("stable", "Stable"), ("worsening", "Worsening")]
TREND_HELP = "The last half of those invoices compared with the first half: 3 days or more earlier, or later."


class FbPaymentHabit(models.AbstractModel):
    """Customers' payment habits read from their paid invoices, computed by ``engine.forecast``: the payment profile
    shown on customers, the queue and opportunities, and the expected payment dates of the cash forecast.

    Read in SQL without record rules: callers show a customer's profile only to users who may see the customer's
    receivables, or aggregate it for the founder."""

    _name = "fb.payment.habit"
    _description = "Customer payment habits"

    @api.private
    @api.model
    def _histories(self, company, as_of, partner_ids=None):
        """``(by customer, company)``: days late of the invoices paid in the ``PROFILE_MONTHS`` up to ``as_of``,
        newest first, at most ``PROFILE_INVOICES`` per customer and ``COMPANY_HISTORY`` for the company (of the
        customers asked for, all of them when ``partner_ids`` is None)."""
        Kpi = self.env["fb.kpi"]
        since = as_of - relativedelta(months=forecast.PROFILE_MONTHS)
        rows = Kpi._paid_invoices(company, since, as_of, None if partner_ids is None else list(partner_ids))
        by_partner = defaultdict(list)
        for partner_id, _issued, due, paid_on in rows:
            if len(by_partner[partner_id]) < forecast.PROFILE_INVOICES:
                by_partner[partner_id].append(forecast.days_late(due, paid_on))
        if partner_ids is not None:
            rows = Kpi._paid_invoices(company, since, as_of, limit=COMPANY_HISTORY)
        company_history = [forecast.days_late(due, paid_on) for _p, _i, due, paid_on in rows[:COMPANY_HISTORY]]
        return by_partner, company_history

    @api.private
    @api.model
    def _profiles(self, company, partner_ids):
        """``{commercial partner id: PaymentProfile}`` today."""
        today = fields.Date.context_today(self)
        by_partner, _company = self._histories(company, today, list(partner_ids) or [0])
        return {partner_id: forecast.payment_profile(by_partner.get(partner_id, ())) for partner_id in partner_ids}

    @api.private
    @api.model
    def _expected_receipts(self, company, as_of, naive=False, partner_ids=None):
        """``(move ids, expected date, amount)`` of each receivable item open at ``as_of`` and owed to the company:
        by the customer's habit (the company's for a customer that never paid), an open promise to pay or the open
        instalments of an active payment plan overriding it; with ``naive``, by the due dates. A date of None is
        doubtful money. Of the customers ``partner_ids`` (commercial) when given."""
        Receivable = self.env["fb.receivable"]
        self.env.flush_all()
        items = self.env.execute_query(
            SQL(
                "SELECT partner_id, move_id, date_maturity, residual FROM (%s) items WHERE residual > 0 AND %s",
                Receivable._open_items_query([company.id], as_of),
                SQL("partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL("TRUE"),
            )
        )
        if naive:
            return [((move_id,), forecast.naive_payment_date(due, as_of), amount) for _p, move_id, due, amount in items]
        by_partner, company_history = self._histories(company, as_of, partner_ids)
        promised = self._promised_dates(company, as_of)
        planned, instalments = self._plan_instalments(company, as_of, partner_ids)
        receipts = [
            (
                (move_id,),
                forecast.expected_payment_date(
                    due, by_partner.get(partner_id) or company_history, as_of, promised.get(move_id)
                ),
                amount,
            )
            for partner_id, move_id, due, amount in items
            if move_id not in planned
        ]
        return receipts + instalments

    @api.model
    def _promised_dates(self, company, as_of):
        """``{move id: date}`` of the promises to pay open at ``as_of`` (the latest promise of an invoice wins)."""
        promises = (
            self.env["fb.promise"]
            .sudo()
            .search([("company_id", "=", company.id), ("state", "=", "open"), ("date", "<=", as_of)], order="date, id")
        )
        return {move.id: promise.promised_date for promise in promises for move in promise.move_ids}

    @api.model
    def _plan_instalments(self, company, as_of, partner_ids=None):
        """``(move ids, receipts)``: the invoices of the active payment plans, whose money comes as the plans'
        open instalments, each ``(the plan's invoices, date, amount still due)``."""
        domain = [("company_id", "=", company.id), ("state", "=", "active")]
        if partner_ids is not None:
            domain.append(("partner_id.commercial_partner_id", "in", list(partner_ids)))
        plans = self.env["fb.payment.plan"].sudo().search(domain)
        receipts = [
            (tuple(line.plan_id.move_ids.ids), max(line.date_due, as_of), line.amount_residual)
            for line in plans.line_ids
            if line.amount_residual > 0
        ]
        return set(plans.move_ids.ids), receipts

    @api.private
    @api.model
    def _expected_bills(self, company, as_of):
        """``(move ids, due date, amount)`` of each payable item open at ``as_of`` and owed by the company: vendor
        bills are paid by their due date (an overdue one now)."""
        self.env.flush_all()
        items = self.env.execute_query(
            SQL(
                "SELECT move_id, date_maturity, residual FROM (%s) items WHERE residual > 0",
                self.env["fb.receivable"]._open_items_query([company.id], as_of, "payable"),
            )
        )
        return [((move_id,), forecast.naive_payment_date(due, as_of), amount) for move_id, due, amount in items]

    @api.model
    def _demo_payment_history(self):
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
        self._demo_pay(paid, bank)

    @api.model
    def _demo_pay(self, paid, journal):
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
