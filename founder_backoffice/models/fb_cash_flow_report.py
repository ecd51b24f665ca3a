from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import periods
from ..tools import text
from ..tools.xlsx import Column

CATEGORIES = ("customers", "suppliers", "taxes", "payroll", "financing", "other")


class FbCashFlowReport(models.Model):
    """Cash-flow statement, direct method (rendiconto finanziario, قائمة التدفقات النقدية).

    Cash is the bank and cash accounts plus cash in transit (outstanding receipts/payments, transfer account).
    Each entry moving cash is classified by its other lines: receivable = customer receipts, payable = supplier
    payments, tax accounts = taxes, the company's payroll accounts = payroll, equity and long-term debt = financing
    (a fund-raise, a loan), anything else = other. Entries
    only between cash accounts (transfers, bank reconciliation of a payment) move no cash and are left out.
    """

    _name = "fb.cash.flow.report"
    _inherit = ["fb.report.mixin"]
    _description = "Cash flow line"
    _auto = False
    _order = "month, category, direction"
    _max_months = periods.MAX_REPORT_MONTHS

    month = fields.Date(readonly=True)
    category = fields.Selection(
        [
            ("customers", "Customer receipts"),
            ("suppliers", "Supplier payments"),
            ("taxes", "Taxes"),
            ("payroll", "Payroll"),
            ("financing", "Financing"),
            ("other", "Other"),
        ],
        readonly=True,
    )
    direction = fields.Selection([("in", "Cash in"), ("out", "Cash out")], readonly=True)
    amount = fields.Monetary(readonly=True, help="Positive in, negative out.")

    @api.model
    def _accounts(self, options):
        company = self.env["res.company"].browse(options["company_id"])
        bank, transit = company._fb_liquidity_accounts()
        taxes = self.env["account.tax.repartition.line"].search([("company_id", "=", company.id)]).account_id
        return (bank | transit).ids or [0], taxes.ids or [0], company.fb_payroll_account_ids.ids or [0]

    @api.model
    def _query(self, options):
        liquidity, taxes, payroll = self._accounts(options)
        return SQL(
            """
            WITH cash_moves AS (
                SELECT DISTINCT aml.move_id
                  FROM account_move_line aml
                 WHERE aml.company_id = %(company_id)s AND aml.parent_state = 'posted'
                   AND aml.date BETWEEN %(date_from)s AND %(date_to)s
                   AND aml.account_id = ANY(%(liquidity)s)
            ), flows AS (
                SELECT aml.company_id, date_trunc('month', aml.date)::date AS month,
                       CASE WHEN account.account_type = 'asset_receivable' THEN 'customers'
                            WHEN account.account_type = 'liability_payable' THEN 'suppliers'
                            WHEN aml.account_id = ANY(%(taxes)s) THEN 'taxes'
                            WHEN aml.account_id = ANY(%(payroll)s) THEN 'payroll'
                            WHEN account.account_type IN ('equity', 'equity_unaffected', 'liability_non_current')
                                 THEN 'financing'
                            ELSE 'other' END AS category,
                       -aml.balance AS amount
                  FROM account_move_line aml
                  JOIN cash_moves USING (move_id)
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE NOT aml.account_id = ANY(%(liquidity)s)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY month, category, direction) AS id, grouped.*, company.currency_id
              FROM (SELECT company_id, month, category,
                           CASE WHEN amount > 0 THEN 'in' ELSE 'out' END AS direction, SUM(amount) AS amount
                      FROM flows WHERE amount != 0
                     GROUP BY company_id, month, category, direction) grouped
              JOIN res_company company ON company.id = grouped.company_id
            """,
            company_id=options["company_id"],
            date_from=options["date_from"],
            date_to=options["date_to"],
            liquidity=liquidity,
            taxes=taxes,
            payroll=payroll,
        )

    @api.model
    def _cash_at(self, options, before):
        """Cash (bank, cash and in transit) at the end of the day before ``before``."""
        liquidity, _taxes, _payroll = self._accounts(options)
        self.env.flush_all()
        [(amount,)] = self.env.execute_query(
            SQL(
                """SELECT COALESCE(SUM(balance), 0) FROM account_move_line
                    WHERE company_id = %s AND parent_state = 'posted' AND date < %s AND account_id = ANY(%s)""",
                options["company_id"],
                before,
                liquidity,
            )
        )
        return amount

    @api.model
    def _grid(self, options):
        """``(months, rows, opening, closing)``: rows are ``(label, [amount per month], total)`` for each
        category and direction, then net cash flow; opening and closing cash per month."""
        months = periods.month_starts(options["date_from"], options["date_to"])
        index = {month: i for i, month in enumerate(months)}
        amounts = {}
        for line in self._lines(options):
            row = amounts.setdefault((line["direction"], line["category"]), [0.0] * len(months))
            row[index[line["month"]]] += line["amount"]
        labels = dict(self._fields["category"]._description_selection(self.env))
        directions = dict(self._fields["direction"]._description_selection(self.env))
        rows = []
        for direction in ("in", "out"):
            for category in CATEGORIES:
                if (direction, category) in amounts:
                    values = amounts[(direction, category)]
                    label = self.env._(
                        "%(direction)s: %(category)s", direction=directions[direction], category=labels[category]
                    )
                    rows.append((label, values, sum(values)))
        net = [sum(values[i] for values in amounts.values()) for i in range(len(months))]
        rows.append((self.env._("Net cash flow"), net, sum(net)))
        opening = self._cash_at(options, options["date_from"])
        closing_by_month, running = [], opening
        for value in net:
            running += value
            closing_by_month.append(running)
        return months, rows, opening, closing_by_month

    @api.model
    def _write_xlsx(self, workbook, options):
        company = self.env["res.company"].browse(options["company_id"])
        months, rows, opening, closing = self._grid(options)
        header = self._header_block(
            options,
            (self.env._("Period"), text.period(self.env, options["date_from"], options["date_to"], isolated=False)),
            (self.env._("Opening cash"), opening),
        )
        columns = (
            [Column(0, "")]
            + [Column(i + 1, month.strftime("%Y-%m"), "amount") for i, month in enumerate(months)]
            + [Column(len(months) + 1, self.env._("Total"), "amount")]
        )
        body = [[label, *values, total] for label, values, total in rows]
        body.append([self.env._("Closing cash"), *closing, closing[-1] if closing else opening])
        workbook.add_sheet(self.env._("Cash flow"), self.env._("Cash flow statement"), header).add_table(
            columns, body, digits=company.currency_id.decimal_places
        )
