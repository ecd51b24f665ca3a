from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import forecast, receipts

HISTORY_MONTHS = 15  # the paid history the forecast learns from: last year's same months included
GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]
GRADE_HELP = (
    "From the invoices paid in the last 12 months (at most the last 20): A pays by the due date (typically on time and "
    "at least 8 invoices in 10 on time), B typically up to a week late, C up to 30 days, D up to 60 days, E later. "
    "Typically: the median, so one invoice held back does not sink a good payer. Empty: nothing paid yet."
)
EXPECTED_HELP = (
    "The earliest day by which an open invoice is paid with even odds, as the cash forecast expects it from how the "
    "customer and the company's customers pay. Empty: no open invoice is more likely paid than not."
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
    def _histories(self, company, as_of, partner_ids):
        """``{customer: lateness}``: the histories of ``forecast.PROFILE_WINDOW`` of the customers ``partner_ids``."""
        window = forecast.PROFILE_WINDOW
        return forecast.histories(self._lateness(company, as_of, window, list(partner_ids) or [0]), window)

    @api.private
    @api.model
    def _profiles(self, company, partner_ids):
        """``{commercial partner id: PaymentProfile}`` today."""
        today = fields.Date.context_today(self)
        by_partner = self._histories(company, today, partner_ids)
        return {partner_id: forecast.payment_profile(by_partner.get(partner_id, ())) for partner_id in partner_ids}

    @api.private
    @api.model
    def _receipt_forecasts(self, company, as_of, partner_ids=None):
        """``receipts.ItemForecast`` of each receivable item open at ``as_of`` and owed to the company (of the
        customers ``partner_ids``, commercial, when given), learned from the company's paid history."""
        items = self._open_receivables(company, as_of)
        # every open item teaches the curves (old debts nobody paid), so an invoice's date matches the forecast's
        habits = receipts.learn(
            self._paid_history(company, as_of), as_of, self._kept_shares(company, as_of), open_items=items
        )
        if partner_ids is not None:
            items = [item for item in items if item.partner in set(partner_ids)]
        return receipts.forecast_items(items, habits, as_of)

    @api.private
    @api.model
    def _expected_dates(self, company, partner_ids):
        """``({move id: date}, {customer id: date})``: the earliest expected payment date (``ItemForecast``) of each
        open invoice and of each customer ``partner_ids`` (commercial), today; none where none is likely paid."""
        by_move, by_partner = {}, {}
        for item in self._receipt_forecasts(company, fields.Date.context_today(self), partner_ids):
            if item.expected_date:
                for dates, key in [(by_move, move_id) for move_id in item.ref] + [(by_partner, item.partner)]:
                    dates[key] = min(dates.get(key, item.expected_date), item.expected_date)
        return by_move, by_partner

    @api.private
    @api.model
    def _paid_history(self, company, as_of):
        """``receipts.Paid`` of the company's invoices paid in the ``HISTORY_MONTHS`` up to ``as_of``."""
        rows = self.env["fb.kpi"]._paid_invoices(company, as_of - relativedelta(months=HISTORY_MONTHS), as_of)
        return [receipts.Paid(partner, issued, due, paid_on) for partner, issued, due, paid_on in rows]

    @api.private
    @api.model
    def _open_receivables(self, company, as_of, partner_ids=None):
        """``receipts.OpenItem`` of each receivable item open at ``as_of``, with the date of an open promise to
        pay; the invoices of an active payment plan come as the plan's open instalments instead."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT partner_id, move_id, date_maturity, residual FROM (%s) items
                    WHERE residual > 0 AND %s""",
                self.env["fb.receivable"]._open_items_query([company.id], as_of),
                SQL("partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL("TRUE"),
            )
        )
        promised = self._promised_dates(company, as_of)
        planned, instalments = self._plan_instalments(company, as_of, partner_ids)
        items = [
            receipts.OpenItem(
                (move_id,),
                partner_id,
                due,
                amount,
                override=promised.get(move_id),
                override_kind=receipts.PROMISE if move_id in promised else None,
            )
            for partner_id, move_id, due, amount in rows
            if move_id not in planned
        ]
        return items + instalments

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
        """``(move ids, items)``: the invoices of the active payment plans, whose money comes as the plans' open
        instalments, each an ``OpenItem`` of the plan's invoices due on the instalment's date."""
        domain = [("company_id", "=", company.id), ("state", "=", "active")]
        if partner_ids is not None:
            domain.append(("partner_id.commercial_partner_id", "in", list(partner_ids)))
        plans = self.env["fb.payment.plan"].sudo().search(domain)
        items = [
            receipts.OpenItem(
                tuple(line.plan_id.move_ids.ids),
                line.partner_id.commercial_partner_id.id,
                line.date_due,
                line.amount_residual,
                override=line.date_due,
                override_kind=receipts.INSTALMENT,
            )
            for line in plans.line_ids
            if line.amount_residual > 0
        ]
        return set(plans.move_ids.ids), items

    @api.model
    def _kept_shares(self, company, as_of):
        """``{PROMISE: share, INSTALMENT: share}`` of the promises settled and the instalments fallen due in the
        ``HISTORY_MONTHS`` up to ``as_of`` that were kept (paid in full); None where there are none."""
        since = as_of - relativedelta(months=HISTORY_MONTHS)
        promises = dict(
            self.env["fb.promise"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", ("kept", "broken")),
                    ("promised_date", ">=", since),
                    ("promised_date", "<=", as_of),
                ],
                ["state"],
                ["__count"],
            )
        )
        instalments = dict(
            self.env["fb.payment.plan.line"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("date_due", ">=", since), ("date_due", "<", as_of)],
                ["state"],
                ["__count"],
            )
        )
        return {
            receipts.PROMISE: receipts.share(promises.get("kept", 0), sum(promises.values())),
            receipts.INSTALMENT: receipts.share(instalments.get("paid", 0), sum(instalments.values())),
        }

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
