from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..engine import forecast, periods
from ..tools.xlsx import Column

RECURRING_CATEGORIES = ("payroll", "taxes", "other")  # cash out of the cash-flow statement not tied to a bill


class FbCashForecast(models.Model):
    """The 13-week cash forecast of a company (``engine.forecast``): one row per week from the as-of date.

    Opening cash is the cash KPI's (bank, cash and in transit); each week adds the receipts expected from the
    customers' payment habits (``fb.payment.habit``) and takes away the vendor bills falling due and the recurring
    outflows, the weekly share of the last three months' payroll, taxes and other payments not tied to a bill.
    Amounts in company currency. The rows are computed in Python and served as the report's SQL rows, so the list,
    the graph and the XLSX export show the same weeks.
    """

    _name = "fb.cash.forecast"
    _inherit = ["fb.report.mixin"]
    _description = "Cash forecast week"
    _auto = False
    _order = "week"

    week = fields.Integer(readonly=True)
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date("To", readonly=True)
    receipts = fields.Monetary("Expected receipts", readonly=True)
    receipts_low = fields.Monetary(
        "Receipts, low", readonly=True, help="The receipts of the week are 80 % likely to lie between low and high."
    )
    receipts_high = fields.Monetary(
        "Receipts, high", readonly=True, help="The receipts of the week are 80 % likely to lie between low and high."
    )
    bills = fields.Monetary("Vendor bills", readonly=True)
    recurring = fields.Monetary("Recurring outflows", readonly=True, help="Payroll, taxes and other payments.")
    net = fields.Monetary("Net cash flow", readonly=True)
    closing = fields.Monetary("Cash at the end", readonly=True)
    is_lowest = fields.Boolean("Lowest week", readonly=True)

    @api.private
    @api.model
    def _weeks(self, company, as_of):
        """The forecast's ``engine.forecast.Week`` list for ``company`` as of ``as_of``."""
        Habit = self.env["fb.payment.habit"]
        CashFlow = self.env["fb.cash.flow.report"]
        cash = CashFlow._cash_at({"company_id": company.id}, fields.Date.add(as_of, days=1))
        return forecast.weekly_forecast(
            as_of,
            cash,
            Habit._receipt_forecasts(company, as_of),
            Habit._expected_bills(company, as_of),
            forecast.recurring_per_week(self._recurring_outflows(company, as_of)),
        )

    @api.model
    def _recurring_outflows(self, company, as_of):
        """Payroll, taxes and other payments of each of the three full months before ``as_of``, oldest first."""
        first = as_of.replace(day=1) - relativedelta(months=3)
        months = periods.month_starts(first, as_of.replace(day=1) - relativedelta(days=1))
        outflows = dict.fromkeys(months, 0.0)
        options = {"company_id": company.id, "date_from": first, "date_to": periods.month_end(months[-1])}
        for line in self.env["fb.cash.flow.report"]._lines(options):
            if line["direction"] == "out" and line["category"] in RECURRING_CATEGORIES:
                outflows[line["month"]] -= line["amount"]
        return list(outflows.values())

    @api.model
    def _query(self, options):
        company = self.env["res.company"].browse(options["company_id"])
        weeks = self._weeks(company, options["as_of"])
        lowest = forecast.lowest_week(weeks)
        rows = [
            SQL(
                "(%s, %s, %s::date, %s::date, %s, %s, %s, %s, %s, %s, %s, %s)",
                index + 1,
                *self._row(index, week),
                week is lowest,
            )
            for index, week in enumerate(weeks)
        ]
        return SQL(
            """SELECT weeks.*, %s AS company_id, %s AS currency_id
                 FROM (VALUES %s) AS weeks(id, week, date_from, date_to, receipts, receipts_low, receipts_high,
                                           bills, recurring, net, closing, is_lowest)""",
            company.id,
            company.currency_id.id,
            SQL(", ").join(rows),
        )

    @api.model
    def _row(self, index, week):
        """A week as the report's columns show it, on screen and in the XLSX: number, dates, then amounts."""
        return [
            index + 1,
            week.start,
            week.end,
            week.receipts,
            week.receipts_low,
            week.receipts_high,
            week.bills,
            week.recurring,
            week.net,
            week.closing,
        ]

    @api.readonly
    def action_open_documents(self):
        """The invoices and bills behind the week: where its receipts and bills come from."""
        self.ensure_one()
        options = self._options()
        company = self.env["res.company"].browse(options["company_id"])
        return self._week_action(company, options["as_of"], self.week - 1)

    @api.model
    def _week_action(self, company, as_of, index):
        """The documents of week ``index`` (from 0) of the forecast as of ``as_of``, as a list of entries that the
        user may read."""
        week = self._weeks(company, as_of)[index]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Week of %(date)s", date=format_date(self.env, week.start)),
            "res_model": "account.move",
            "domain": [("id", "in", sorted(set().union(*week.refs)))],
            "views": [(self.env.ref("founder_backoffice.account_move_view_list_forecast").id, "list"), (False, "form")],
            "context": {"create": False},
        }

    @api.model
    def _write_xlsx(self, workbook, options):
        company = self.env["res.company"].browse(options["company_id"])
        weeks = self._weeks(company, options["as_of"])
        lowest, out = forecast.lowest_week(weeks), forecast.cash_out_week(weeks)
        header = self._header_block(
            options,
            (self.env._("As of"), options["as_of"]),
            (self.env._("Opening cash"), weeks[0].closing - weeks[0].net),
            (self.env._("Lowest week"), lowest.start),
            (self.env._("Cash runs out"), out.start if out else self.env._("Not within 13 weeks")),
        )
        columns = [
            Column(0, self._fields["week"]._description_string(self.env), "integer"),
            Column(1, self._fields["date_from"]._description_string(self.env), "date"),
            Column(2, self._fields["date_to"]._description_string(self.env), "date"),
            Column(3, self._fields["receipts"]._description_string(self.env), "amount", total=True),
            Column(4, self._fields["receipts_low"]._description_string(self.env), "amount"),
            Column(5, self._fields["receipts_high"]._description_string(self.env), "amount"),
            Column(6, self._fields["bills"]._description_string(self.env), "amount", total=True),
            Column(7, self._fields["recurring"]._description_string(self.env), "amount", total=True),
            Column(8, self._fields["net"]._description_string(self.env), "amount", total=True),
            Column(9, self._fields["closing"]._description_string(self.env), "amount"),
        ]
        body = [self._row(index, week) for index, week in enumerate(weeks)]
        workbook.add_sheet(self.env._("Cash forecast"), self.env._("13-week cash forecast"), header).add_table(
            columns, body, digits=company.currency_id.decimal_places
        )
