from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..engine import aging, forecast, freshness, kpi, periods
from .fb_receivable import RECEIVABLE


class FbKpi(models.AbstractModel):
    """The founder KPIs of a company over a period, read set-based and computed by ``engine.kpi``.

    Every figure is in company currency (signed amounts), from posted entries only. ``compute`` returns the
    values of the KPI registry (``engine.kpi_definitions``, with the bridges' KPIs), no more and no less; a KPI
    whose denominator is not positive is ``None`` (shown as "—"), never a made-up number. The period's end is
    clipped to today for balances and day counts, so "this month" means "so far".
    """

    _name = "fb.kpi"
    _description = "Founder KPIs"

    @api.private
    @api.model
    def compute(self, company, date_from, date_to):
        """``{KPI key: value}`` of every KPI of the registry for ``company`` over the period, with the period's
        ``date_from`` and ``date_to`` (clipped to today). Read in SQL without record rules: only for the founder's
        dashboard, digest and snapshots, which check the group first (not callable over RPC)."""
        end = min(date_to, fields.Date.context_today(self))
        values = self._measure(company, date_from, end)
        return {
            "date_from": date_from,
            "date_to": end,
            **{definition.key: values[definition.key] for definition in self.env["fb.kpi.snapshot"]._kpis()},
        }

    @api.model
    def _measure(self, company, date_from, end):
        """The KPIs over the period and the inputs they are made of."""
        days = periods.days_in(date_from, end)
        months = periods.months_in(date_from, end)
        values = self._profit(company, date_from, end)
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
            dso=kpi.dso(values["ar"], values["credit_sales"], days),
            cei=kpi.cei(values["ar_opening"], values["credit_sales"], values["ar"], values["ar_not_overdue"], months),
            aov=kpi.aov(values["untaxed_sales"], values["invoice_count"]),
            cac=kpi.cac(values["marketing_spend"], values["new_customers"]) if values["marketing_set"] else None,
            win_rate=kpi.win_rate(values["won"], values["lost"]),
        )
        values.update(self._extra(company, date_from, end))
        return values

    @api.model
    def _extra(self, company, date_from, date_to):
        """KPIs of bridge modules (e.g. employees with ``hr``): none here."""
        return {}

    @api.model
    def _input_models(self):
        """The models the KPIs and the forecast are read from (``engine.freshness.INPUT_MODELS``): the dashboard's
        figures job computes a company's figures again when one of their records was written since (a bridge adds
        the models of its ``_extra``)."""
        return freshness.INPUT_MODELS

    def _rows(self, sql):
        """The rows of ``sql`` over what is written so far (raw SQL does not flush what it reads)."""
        self.env.flush_all()
        return self.env.execute_query(sql)

    # ------------------------------------------------------------------ profit and loss, cash

    @api.model
    def _profit(self, company, date_from, date_to):
        """Revenue and expenses of the P&L (``fb.receivable``'s revenue), and the spend on marketing accounts."""
        marketing = company.fb_marketing_account_ids.ids
        [(revenue, expenses, spend)] = self._rows(
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
        [totals] = self._rows(
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
        """Receivables at the end (total, overdue, not overdue with the open credits: CEI's closing current,
        overdue invoices, each series of the aging layout) and the day before the period (CEI's opening)."""
        ar, ar_overdue, ar_not_overdue, _soon, overdue_count = self._open_totals(company, "receivable", date_to)
        ar_opening = self._open_totals(company, "receivable", fields.Date.subtract(date_from, days=1))[0]
        return {
            "ar": ar,
            "ar_overdue": ar_overdue,
            "ar_not_overdue": ar_not_overdue,
            "ar_opening": ar_opening,
            "overdue_count": overdue_count,
            **self._aging(company, date_to),
        }

    @api.model
    def _aging(self, company, as_of):
        """The receivables at ``as_of`` in each series of the aging report's layout (``engine.aging``): by days
        past due, and the open credits apart. Keys ``ar_current``, ``ar_1_30``, ..., ``ar_unapplied``."""
        series = self.env["fb.aging.report"]._series_conditions(
            aging.DEFAULT_LIMITS, SQL("residual"), SQL("(%s::date - date_maturity)", as_of)
        )
        [amounts] = self._rows(
            SQL(
                "SELECT %s FROM (%s) AS items",
                SQL(", ").join(
                    SQL("COALESCE(SUM(residual) FILTER (WHERE %s), 0)", condition) for _key, condition in series
                ),
                self.env["fb.receivable"]._open_items_query([company.id], as_of),
            )
        )
        return {f"ar_{key}": amount for (key, _condition), amount in zip(series, amounts, strict=True)}

    @api.model
    def _payables(self, company, date_to):
        ap, _overdue, _not_overdue, ap_due_30, _count = self._open_totals(
            company, "payable", date_to, fields.Date.add(date_to, days=30)
        )
        return {"ap": ap, "ap_due_30": ap_due_30}

    # ------------------------------------------------------------------ sales and customers

    @api.model
    def _sales(self, company, date_from, date_to):
        """Credit sales (tax included, for DSO and CEI), untaxed sales and orders (AOV), invoices issued, and the
        customers: new ones (first invoice ever in the period) and those kept from the previous period."""
        Move = self.env["account.move"]
        sales = self.env["fb.receivable"]._credit_sales_domain(company, date_from, date_to)
        [(credit_sales, untaxed)] = Move._read_group(
            sales, [], ["amount_total_signed:sum", "amount_untaxed_signed:sum"]
        )
        [(invoice_count, invoiced)] = Move._read_group(
            sales & Domain("move_type", "=", "out_invoice"), [], ["__count", "amount_total_signed:sum"]
        )
        previous_from, previous_to = periods.previous_period(date_from, date_to)
        customers = self._customers(company, date_from, date_to)
        previous = self._customers(company, previous_from, previous_to)
        [(first_invoices,)] = self._rows(
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
            "invoice_count": invoice_count,
            "invoiced": invoiced or 0.0,
            "new_customers": first_invoices,
            "retention": kpi.retention(previous, customers),
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
        return self._rows(
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
        """How fast customers pay: mean days from invoice to payment over the invoices fully paid in the period
        (each invoice counts once, whatever its amount)."""
        paid = self._paid_invoices(company, date_from, date_to)
        return {"days_to_pay": kpi.average_days_to_pay([(issued, paid_on) for _p, issued, _due, paid_on in paid])}

    @api.model
    def _abnormally_pending(self, company, as_of):
        """``{move id: days overdue}`` of the invoices with an overdue item at ``as_of`` late beyond what their
        customer usually is (see ``kpi.is_abnormally_pending``), by the customer's lateness history in
        ``forecast.ABNORMAL_WINDOW``; an item's payment term is its due date less its date."""
        Receivable = self.env["fb.receivable"]
        overdue = self._rows(
            SQL(
                "SELECT partner_id, move_id, date, date_maturity FROM (%s) items WHERE %s",
                Receivable._open_items_query([company.id], as_of),
                Receivable._overdue_sql(SQL("residual"), SQL("date_maturity"), as_of),
            )
        )
        window = forecast.ABNORMAL_WINDOW
        partners = list({partner_id for partner_id, *_item in overdue if partner_id}) or [0]
        history = forecast.histories(self.env["fb.payment.habit"]._lateness(company, as_of, window, partners), window)
        abnormal = {}
        for partner_id, move_id, issued, due in overdue:
            days = (as_of - due).days
            if kpi.is_abnormally_pending(days, history.get(partner_id, ()), (due - issued).days):
                abnormal[move_id] = max(days, abnormal.get(move_id, 0))
        return abnormal

    # ------------------------------------------------------------------ CRM and collections

    @api.model
    def _crm(self, company, date_from, date_to):
        """Open pipeline, and the opportunities won and lost in the period (the win rate)."""
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
        closed_by_status = dict(Lead._read_group(closed, ["won_status"], ["__count"]))
        return {
            "pipeline": pipeline or 0.0,
            "won": closed_by_status.get("won", 0),
            "lost": closed_by_status.get("lost", 0),
        }

    @api.model
    def _collections(self, company, date_from, date_to):
        """Money collected from customers, and the share of promises kept."""
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
        return {
            "collected": collected or 0.0,
            "promises_kept": kpi.share(promises.get("kept", 0), promises.get("kept", 0) + promises.get("broken", 0)),
        }
