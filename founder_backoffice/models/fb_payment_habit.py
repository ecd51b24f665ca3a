from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
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
    def _lateness(self, company, as_of, window, partner_ids=None, limit=None):
        """The lateness history: ``(partner id, days late)`` of the invoices paid in the dates of ``window``
        (``forecast.LatenessWindow``) up to ``as_of``, newest paid first; of the customers ``partner_ids`` (all
        when None), the first ``limit`` when given. ``forecast.histories`` keeps each customer's window."""
        since, until = (as_of - relativedelta(months=window.months), as_of) if window.months else (None, None)
        rows = self.env["fb.kpi"]._paid_invoices(company, since, until, partner_ids, limit=limit)
        return [(partner_id, forecast.days_late(due, paid_on)) for partner_id, _issued, due, paid_on in rows]

    @api.private
    @api.model
    def _histories(self, company, as_of, partner_ids=None):
        """``(by customer, company)``: the lateness histories of ``forecast.PROFILE_WINDOW`` per customer (of the
        customers asked for, all of them when ``partner_ids`` is None) and of the company's last
        ``COMPANY_HISTORY`` paid invoices."""
        window = forecast.PROFILE_WINDOW
        rows = self._lateness(company, as_of, window, None if partner_ids is None else list(partner_ids))
        if partner_ids is not None:
            rows = self._lateness(company, as_of, window, limit=COMPANY_HISTORY)
        return forecast.histories(rows, window), [days for _p, days in rows[:COMPANY_HISTORY]]

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
