from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import periods
from ..tools import text
from ..tools.xlsx import Column


class FbPnlReport(models.Model):
    """Founder P&L (conto economico, قائمة الدخل): ``fb.receivable``'s revenue and expenses by account and month.

    ``amount`` is positive for both revenue and expenses; ``net`` is the contribution to the profit (revenue
    positive, expenses negative), so its total is the net profit. Refunds net out on their accounts.
    """

    _name = "fb.pnl.report"
    _inherit = ["fb.report.mixin"]
    _description = "Profit and loss line"
    _auto = False
    _order = "section desc, account_id, month"
    _max_months = periods.MAX_REPORT_MONTHS

    account_id = fields.Many2one("account.account", readonly=True)
    section = fields.Selection([("income", "Revenue"), ("expense", "Expenses")], readonly=True)
    month = fields.Date(readonly=True)
    amount = fields.Monetary(readonly=True)
    net = fields.Monetary("Net profit", readonly=True)

    @api.model
    def _query(self, options):
        return SQL(
            """
            SELECT ROW_NUMBER() OVER (ORDER BY account_id, month) AS id, rows.*, company.currency_id
              FROM (%s) rows
              JOIN res_company company ON company.id = rows.company_id
            """,
            self.env["fb.receivable"]._profit_and_loss_query(
                options["company_id"], options["date_from"], options["date_to"]
            ),
        )

    @api.model
    def _grid(self, options):
        """``(months, sections, net)``: per section ``(label, [(account, [amount per month], total)], totals, label
        of the totals)``, and the net profit per month."""
        months = periods.month_starts(options["date_from"], options["date_to"])
        index = {month: i for i, month in enumerate(months)}
        lines = self._lines(options)
        accounts = self.env["account.account"].browse({line["account_id"] for line in lines})
        rows = {}
        for line in lines:
            row = rows.setdefault((line["section"], line["account_id"]), [0.0] * len(months))
            row[index[line["month"]]] += line["amount"]
        sections = []
        labels = dict(self._fields["section"]._description_selection(self.env))
        total_labels = {"income": self.env._("Total revenue"), "expense": self.env._("Total expenses")}
        for section in ("income", "expense"):
            section_rows = [
                (account, rows[(section, account.id)], sum(rows[(section, account.id)]))
                for account in accounts.sorted("code")
                if (section, account.id) in rows
            ]
            totals = [sum(row[1][i] for row in section_rows) for i in range(len(months))]
            sections.append((labels[section], section_rows, totals, total_labels[section]))
        net = [income - expense for income, expense in zip(sections[0][2], sections[1][2], strict=True)]
        return months, sections, net

    @api.model
    def _write_xlsx(self, workbook, options):
        company = self.env["res.company"].browse(options["company_id"])
        months, sections, net = self._grid(options)
        period = text.period(self.env, options["date_from"], options["date_to"], isolated=False)
        header = self._header_block(options, (self.env._("Period"), period))
        columns = (
            [Column(0, self.env._("Account"))]
            + [Column(i + 1, month.strftime("%Y-%m"), "amount") for i, month in enumerate(months)]
            + [Column(len(months) + 1, self.env._("Total"), "amount")]
        )
        sheet = workbook.add_sheet(self.env._("Profit and loss"), self.env._("Profit and loss"), header)
        digits = company.currency_id.decimal_places
        for label, rows, totals, total_label in sections:
            body = [[account.display_name, *amounts, total] for account, amounts, total in rows]
            body.append([total_label, *totals, sum(totals)])
            sheet.add_table(columns, body, digits=digits, title=label)
        sheet.add_table(columns, [[self.env._("Net profit"), *net, sum(net)]], digits=digits)
