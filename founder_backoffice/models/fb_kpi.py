from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..engine import kpi, periods
from .fb_receivable import RECEIVABLE

LATENESS_HISTORY = 10  # last paid invoices per customer behind "abnormally pending"
# overdue receivables by days past due, for the dashboard's month-by-month chart: (KPI key, from, to or None)
AGE_BUCKETS = (("ar_1_30", 1, 30), ("ar_31_60", 31, 60), ("ar_61_90", 61, 90), ("ar_over_90", 91, None))


class FbKpi(models.AbstractModel):
    """The founder KPIs of a company over a period, read set-based and computed by ``engine.kpi``.

    Every figure is in company currency (signed amounts), from posted entries only. ``compute`` returns a flat
    dict; a KPI whose denominator is zero is ``None`` (shown as "—"), never 0. The period's end is clipped to
    today for balances and day counts, so "this month" means "so far".
    """

    _name = "fb.kpi"
    _description = "Founder KPIs"

    @api.private
    @api.model
    def compute(self, company, date_from, date_to):
        """Every KPI of ``company`` over the period, read in SQL without record rules: only for the founder's
        dashboard and snapshots, which check the group first (not callable over RPC)."""
        today = fields.Date.context_today(self)
        end = min(date_to, today)
        days = periods.days_in(date_from, end)
        months = periods.months_in(date_from, end)
        values = {"date_from": date_from, "date_to": end}
        values.update(self._profit(company, date_from, end))
        values.update(self._cash(company, date_from, end))
        values.update(self._receivables(company, date_from, end))
        values.update(self._payables(company, end))
        values.update(self._sales(company, date_from, end))
        values.update(self._payments(company, date_from, end))
        values.update(self._crm(company, date_from, end))
        values.update(self._collections(company, date_from, end))
        values["abnormal_count"] = len(self._abnormally_pending(company, end))
        values.update(
            net_profit=kpi.net_profit(values["revenue"], values["expenses"]),
            runway=kpi.runway_months(values["cash"], values["burn"]),
            ar_overdue_share=kpi.share(values["ar_overdue"], values["ar"]),
            ap_overdue_share=kpi.share(values["ap_overdue"], values["ap"]),
            dso=kpi.dso(values["ar"], values["credit_sales"], days),
            best_dso=kpi.best_possible_dso(values["ar_current"], values["credit_sales"], days),
            cei=kpi.cei(values["ar_opening"], values["credit_sales"], values["ar"], values["ar_current"], months),
            aov=kpi.aov(values["untaxed_sales"], values["invoice_count"]),
            cac=kpi.cac(values["marketing_spend"], values["new_customers"]) if values["marketing_set"] else None,
            win_rate=kpi.win_rate(values["won"], values["lost"]),
        )
        values["add"] = kpi.average_days_delinquent(values["dso"], values["best_dso"])
        values.update(self._extra(company, date_from, end))
        return values

    @api.model
    def _extra(self, company, date_from, date_to):
        """KPIs of bridge modules (e.g. employees with ``hr``): none here."""
        return {}

    def _query(self, sql):
        """The rows of ``sql`` over what is written so far (raw SQL does not flush what it reads)."""
        self.env.flush_all()
        return self.env.execute_query(sql)

    # ------------------------------------------------------------------ profit and loss, cash

    @api.model
    def _profit(self, company, date_from, date_to):
        """Revenue and expenses of the P&L (``fb.receivable``'s revenue), and the spend on marketing accounts."""
        marketing = company.fb_marketing_account_ids.ids
        [(revenue, expenses, spend)] = self._query(
            SQL(
                """SELECT COALESCE(SUM(amount) FILTER (WHERE section = 'income'), 0),
                          COALESCE(SUM(amount) FILTER (WHERE section = 'expense'), 0),
                          COALESCE(SUM(-net) FILTER (WHERE account_id = ANY(%s)), 0)
                     FROM (%s) pnl""",
                marketing or [0],
                self.env["fb.receivable"]._profit_and_loss_query(company.id, date_from, date_to),
            )
        )
        return {"revenue": revenue, "expenses": expenses, "marketing_spend": spend, "marketing_set": bool(marketing)}

    @api.model
    def _cash(self, company, date_from, date_to):
        """Cash at the end, money in and out (internal transfers excluded) and the 3-month net burn.

        Burn is the mean of the last three months' net operating cash out: financing flows (equity, long-term
        debt) are left out, so a fund-raise does not hide the burn.
        """
        CashFlow = self.env["fb.cash.flow.report"]
        options = {"company_id": company.id, "date_from": date_from, "date_to": date_to}
        cash_in = cash_out = 0.0
        for line in CashFlow._lines(options):
            if line["direction"] == "in":
                cash_in += line["amount"]
            else:
                cash_out -= line["amount"]
        cash = CashFlow._cash_at(options, fields.Date.add(date_to, days=1))
        burn_months = periods.month_starts(date_to.replace(day=1) - relativedelta(months=2), date_to)
        burn_options = {**options, "date_from": burn_months[0]}
        outflows = dict.fromkeys(burn_months, 0.0)
        for line in CashFlow._lines(burn_options):
            if line["category"] != "financing":
                outflows[line["month"]] -= line["amount"]
        return {
            "cash": cash,
            "cash_in": cash_in,
            "cash_out": cash_out,
            "burn": kpi.net_burn([outflows[month] for month in burn_months]),
        }

    # ------------------------------------------------------------------ receivables and payables

    @api.model
    def _open_totals(self, company, kind, as_of, horizon=None):
        """``fb.receivable``'s open items at ``as_of``, summed in SQL: ``(total, overdue, not overdue, falling due
        from as_of to horizon, number of entries with an overdue item)``."""
        Receivable = self.env["fb.receivable"]
        overdue = Receivable._overdue_sql(SQL("residual"), SQL("date_maturity"), as_of)
        [totals] = self._query(
            SQL(
                """SELECT COALESCE(SUM(residual), 0),
                          COALESCE(SUM(residual) FILTER (WHERE %(overdue)s), 0),
                          COALESCE(SUM(residual) FILTER (WHERE NOT %(overdue)s), 0),
                          COALESCE(SUM(residual) FILTER (WHERE date_maturity BETWEEN %(as_of)s AND %(horizon)s), 0),
                          COUNT(DISTINCT move_id) FILTER (WHERE %(overdue)s)
                     FROM (%(items)s) AS items""",
                overdue=overdue,
                as_of=as_of,
                horizon=horizon or as_of,
                items=Receivable._open_items_query([company.id], as_of, kind),
            )
        )
        return totals

    @api.model
    def _receivables(self, company, date_from, date_to):
        """Receivables at the end (total, overdue, not overdue, overdue invoices, overdue by age) and the day
        before the period (CEI's opening)."""
        ar, ar_overdue, ar_current, _soon, overdue_count = self._open_totals(company, "receivable", date_to)
        ar_opening = self._open_totals(company, "receivable", fields.Date.subtract(date_from, days=1))[0]
        return {
            "ar": ar,
            "ar_overdue": ar_overdue,
            "ar_current": ar_current,
            "ar_opening": ar_opening,
            "overdue_count": overdue_count,
            **self._overdue_by_age(company, date_to),
        }

    @api.model
    def _overdue_by_age(self, company, as_of):
        """The overdue receivables at ``as_of`` in the age buckets of ``AGE_BUCKETS``."""
        Receivable = self.env["fb.receivable"]
        [amounts] = self._query(
            SQL(
                "SELECT %s FROM (%s) AS items WHERE %s",
                SQL(", ").join(
                    SQL(
                        "COALESCE(SUM(residual) FILTER (WHERE %s::date - date_maturity BETWEEN %s AND %s), 0)",
                        as_of,
                        low,
                        high or 1_000_000,
                    )
                    for _key, low, high in AGE_BUCKETS
                ),
                Receivable._open_items_query([company.id], as_of),
                Receivable._overdue_sql(SQL("residual"), SQL("date_maturity"), as_of),
            )
        )
        return {key: amount for (key, _low, _high), amount in zip(AGE_BUCKETS, amounts, strict=True)}

    @api.model
    def _payables(self, company, date_to):
        ap, ap_overdue, _current, ap_due_30, _count = self._open_totals(
            company, "payable", date_to, fields.Date.add(date_to, days=30)
        )
        return {"ap": ap, "ap_overdue": ap_overdue, "ap_due_30": ap_due_30}

    # ------------------------------------------------------------------ sales and customers

    @api.model
    def _sales(self, company, date_from, date_to):
        """Credit sales (tax included, for DSO and CEI), untaxed sales and orders (AOV), invoice statuses, and
        the customers: new ones (first invoice ever in the period) and those kept from the previous period."""
        Move = self.env["account.move"]
        sales = self.env["fb.receivable"]._credit_sales_domain(company, date_from, date_to)
        [(credit_sales, untaxed)] = Move._read_group(
            sales, [], ["amount_total_signed:sum", "amount_untaxed_signed:sum"]
        )
        issued = {
            state: (count, amount)
            for state, count, amount in Move._read_group(
                sales & Domain("move_type", "=", "out_invoice"),
                ["payment_state"],
                ["__count", "amount_total_signed:sum"],
            )
        }
        previous_from, previous_to = periods.previous_period(date_from, date_to)
        customers = self._customers(company, date_from, date_to)
        previous = self._customers(company, previous_from, previous_to)
        [(first_invoices,)] = self._query(
            SQL(
                """SELECT COUNT(*) FROM (
                       SELECT commercial_partner_id, MIN(invoice_date) AS first_date FROM account_move
                        WHERE company_id = %s AND state = 'posted' AND move_type = 'out_invoice'
                        GROUP BY commercial_partner_id) firsts
                    WHERE first_date BETWEEN %s AND %s""",
                company.id,
                date_from,
                date_to,
            )
        )
        return {
            "credit_sales": credit_sales or 0.0,
            "untaxed_sales": untaxed or 0.0,
            "invoice_count": sum(count for count, _amount in issued.values()),
            "invoiced": sum(amount for _count, amount in issued.values()),
            "paid_count": sum(issued.get(state, (0, 0))[0] for state in ("paid", "in_payment")),
            "partial_count": issued.get("partial", (0, 0))[0],
            "customers": len(customers),
            "new_customers": first_invoices,
            "retention": kpi.retention(previous, customers),
            "churn": kpi.churn(previous, customers),
        }

    @api.model
    def _customers(self, company, date_from, date_to):
        rows = self.env["account.move"]._read_group(
            [
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("move_type", "=", "out_invoice"),
                ("invoice_date", ">=", date_from),
                ("invoice_date", "<=", date_to),
            ],
            ["commercial_partner_id"],
        )
        return {partner.id for [partner] in rows}

    @api.model
    def _paid_invoices(self, company, date_from=None, date_to=None, partner_ids=None, limit=None):
        """Rows ``(partner id, invoice date, due date, paid date)`` of ``_paid_invoices_query``, newest paid first
        (the first ``limit`` of them when given)."""
        return self._query(
            SQL(
                """SELECT partner_id, invoice_date, due_date, paid_date FROM (%s) paid
                    ORDER BY paid_date DESC LIMIT %s""",
                self._paid_invoices_query(company, date_from, date_to, partner_ids),
                limit,
            )
        )

    @api.model
    def _paid_invoices_query(self, company, date_from=None, date_to=None, partner_ids=None):
        """SQL of the invoices fully paid (from ``date_from``, to ``date_to``), with their paid date: the last
        reconciliation of their receivable items. Columns ``move_id, partner_id`` (commercial), ``invoice_date,
        due_date, paid_date``."""
        return SQL(
            """SELECT move.id AS move_id, move.commercial_partner_id AS partner_id, move.invoice_date,
                      move.invoice_date_due AS due_date, MAX(partial.max_date) AS paid_date
                 FROM account_move move
                 JOIN account_move_line aml ON aml.move_id = move.id
                 JOIN account_account account ON account.id = aml.account_id
                 JOIN account_partial_reconcile partial ON partial.debit_move_id = aml.id
                WHERE move.company_id = %(company)s AND move.state = 'posted'
                  AND move.move_type = 'out_invoice' AND move.payment_state IN ('paid', 'in_payment')
                  AND account.account_type = %(receivable)s
                  AND (%(partners)s IS NULL OR move.commercial_partner_id = ANY(%(partners)s))
                GROUP BY move.id
               HAVING (%(date_from)s IS NULL OR MAX(partial.max_date) >= %(date_from)s)
                  AND (%(date_to)s IS NULL OR MAX(partial.max_date) <= %(date_to)s)""",
            company=company.id,
            receivable=RECEIVABLE,
            partners=partner_ids,
            date_from=date_from,
            date_to=date_to,
        )

    @api.model
    def _payments(self, company, date_from, date_to):
        """How fast customers pay: mean days from invoice to payment, and the share paid by the due date, over
        the invoices fully paid in the period (each invoice counts once, whatever its amount)."""
        paid = self._paid_invoices(company, date_from, date_to)
        return {
            "days_to_pay": kpi.average_days_to_pay([(issued, paid_on) for _p, issued, _due, paid_on in paid]),
            "on_time_share": kpi.on_time_share([(due, paid_on) for _p, _issued, due, paid_on in paid]),
            "paid_invoices": len(paid),
        }

    @api.model
    def _abnormally_pending(self, company, as_of):
        """``{move id: days overdue}`` of the invoices with an overdue item at ``as_of`` late beyond what their
        customer usually is (see ``kpi.is_abnormally_pending``); an item's payment term is its due date less its
        date."""
        Receivable = self.env["fb.receivable"]
        overdue = self._query(
            SQL(
                "SELECT partner_id, move_id, date, date_maturity FROM (%s) items WHERE %s",
                Receivable._open_items_query([company.id], as_of),
                Receivable._overdue_sql(SQL("residual"), SQL("date_maturity"), as_of),
            )
        )
        history = defaultdict(list)
        for partner_id, _issued, due, paid_on in self._paid_invoices(
            company, partner_ids=list({partner_id for partner_id, *_item in overdue if partner_id}) or [0]
        ):
            if len(history[partner_id]) < LATENESS_HISTORY:
                history[partner_id].append((paid_on - due).days)
        abnormal = {}
        for partner_id, move_id, issued, due in overdue:
            days = (as_of - due).days
            if kpi.is_abnormally_pending(days, history[partner_id], (due - issued).days):
                abnormal[move_id] = max(days, abnormal.get(move_id, 0))
        return abnormal

    # ------------------------------------------------------------------ CRM and collections

    @api.model
    def _crm(self, company, date_from, date_to):
        """Open pipeline, win rate and days to win of the opportunities closed in the period."""
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)  # aggregates for the founder only
        company_domain = [("company_id", "in", (company.id, False)), ("type", "=", "opportunity")]
        [(pipeline,)] = Lead._read_group(
            [*company_domain, ("active", "=", True), ("won_status", "=", "pending")], [], ["expected_revenue:sum"]
        )
        closed = [
            *company_domain,
            ("date_closed", ">=", fields.Datetime.to_datetime(date_from)),
            ("date_closed", "<", fields.Datetime.to_datetime(fields.Date.add(date_to, days=1))),
        ]
        won = Lead.search([*closed, ("won_status", "=", "won")])
        lost = Lead.search_count([*closed, ("won_status", "=", "lost")])
        return {
            "pipeline": pipeline or 0.0,
            "won": len(won),
            "lost": lost,
            "days_to_win": kpi.mean([(lead.date_closed - lead.create_date).days for lead in won]),
        }

    @api.model
    def _collections(self, company, date_from, date_to):
        """Money collected from customers, promises kept, reminders sent."""
        [(collected,)] = self.env["account.payment"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_type", "=", "customer"),
                ("state", "in", ("in_process", "paid")),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            [],
            ["amount_company_currency_signed:sum"],
        )
        promises = dict(
            self.env["fb.promise"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("promised_date", ">=", date_from),
                    ("promised_date", "<=", date_to),
                    ("state", "in", ("kept", "broken")),
                ],
                ["state"],
                ["__count"],
            )
        )
        reminders_sent = (
            self.env["fb.dunning.reminder"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sent"),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ]
            )
        )
        return {
            "collected": collected or 0.0,
            "promises_kept": kpi.share(promises.get("kept", 0), promises.get("kept", 0) + promises.get("broken", 0)),
            "reminders_sent": reminders_sent,
        }
