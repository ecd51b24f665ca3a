from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import text
from ..tools.xlsx import Column
from .fb_receivable import RECEIVABLE


class FbStatementReport(models.Model):
    """Customer statement (estratto conto, كشف حساب): opening balance, the period's documents with a running
    balance, closing balance; one SQL query for all the customers of the report."""

    _name = "fb.statement.report"
    _inherit = ["fb.report.mixin"]
    _description = "Customer statement line"
    _auto = False
    _order = "partner_name, partner_id, sequence, date, id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    partner_name = fields.Char(readonly=True)
    sequence = fields.Integer(readonly=True)
    date = fields.Date(readonly=True)
    move_id = fields.Many2one("account.move", "Document", readonly=True)
    reference = fields.Char(readonly=True)
    kind = fields.Selection(
        [
            ("opening", "Opening balance"),
            ("invoice", "Invoice"),
            ("credit_note", "Credit note"),
            ("payment", "Payment"),
            ("other", "Other"),
        ],
        readonly=True,
    )
    date_maturity = fields.Date("Due date", readonly=True)
    debit = fields.Monetary(readonly=True)
    credit = fields.Monetary(readonly=True)
    amount = fields.Monetary(readonly=True)
    balance = fields.Monetary("Running balance", readonly=True)

    @api.model
    @api.private
    def salutation(self, partner):
        """The salutation of the statement e-mail, in this environment's language (a template helper)."""
        return text.salutation(self.env, partner)

    @api.model
    def _query(self, options):
        partner_filter = SQL("TRUE")
        if options.get("partner_ids"):
            partner_filter = SQL(
                "COALESCE(partner.commercial_partner_id, aml.partner_id) IN %s", tuple(options["partner_ids"])
            )
        return SQL(
            """
            WITH lines AS (
                SELECT aml.id, aml.company_id, COALESCE(partner.commercial_partner_id, aml.partner_id) AS partner_id,
                       aml.date, aml.move_id, move.name AS reference, aml.date_maturity, aml.balance,
                       CASE WHEN move.move_type IN ('out_invoice', 'out_receipt') THEN 'invoice'
                            WHEN move.move_type = 'out_refund' THEN 'credit_note'
                            WHEN move.origin_payment_id IS NOT NULL OR move.statement_line_id IS NOT NULL
                                 THEN 'payment'
                            ELSE 'other' END AS kind
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.company_id = %(company_id)s
                   AND aml.parent_state = 'posted'
                   AND account.account_type = %(receivable)s
                   AND aml.date <= %(date_to)s
                   AND %(partner_filter)s
                   AND %(readable)s
            ), opening AS (
                SELECT partner_id, company_id, SUM(balance) AS amount FROM lines
                 WHERE date < %(date_from)s GROUP BY partner_id, company_id
            ), period AS (
                SELECT * FROM lines WHERE date >= %(date_from)s
            ), statement AS (
                SELECT partner_id * 2 + 1 AS id, partner_id, company_id, 0 AS sequence, %(date_from)s::date AS date,
                       NULL::integer AS move_id, NULL::varchar AS reference, 'opening' AS kind,
                       NULL::date AS date_maturity, amount
                  FROM opening
                 WHERE ROUND(amount, 6) != 0 OR partner_id IN (SELECT partner_id FROM period)
                UNION ALL
                SELECT id * 2, partner_id, company_id, 1, date, move_id, reference, kind, date_maturity, balance
                  FROM period
            )
            SELECT statement.*, COALESCE(p.name, '') AS partner_name, company.currency_id,
                   GREATEST(amount, 0) AS debit, GREATEST(-amount, 0) AS credit,
                   SUM(amount) OVER (PARTITION BY statement.partner_id
                                     ORDER BY statement.sequence, statement.date, statement.id) AS balance
              FROM statement
              JOIN res_partner p ON p.id = statement.partner_id
              JOIN res_company company ON company.id = statement.company_id
            """,
            company_id=options["company_id"],
            receivable=RECEIVABLE,
            date_from=options["date_from"],
            date_to=options["date_to"],
            partner_filter=partner_filter,
            readable=self._readable_partners(SQL("aml.partner_id")),
        )

    @api.model
    def _by_partner(self, options):
        """``[(partner, lines, closing balance)]`` in report order, for the PDF and the XLSX."""
        grouped = {}
        for line in self._lines(options):
            grouped.setdefault(line["partner_id"], []).append(line)
        partners = self.env["res.partner"].browse(grouped)
        return [(partner, grouped[partner.id], grouped[partner.id][-1]["balance"]) for partner in partners]

    @api.model
    def _write_xlsx(self, workbook, options):
        company = self.env["res.company"].browse(options["company_id"])
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        period = text.period(self.env, options["date_from"], options["date_to"], isolated=False)
        header = self._header_block(options, (self.env._("Period"), period))
        columns = [
            Column("partner_name", self.env._("Customer")),
            Column("date", self.env._("Date"), "date"),
            Column("kind_label", self.env._("Type")),
            Column("reference", self.env._("Document")),
            Column("date_maturity", self.env._("Due date"), "date"),
            Column("debit", self.env._("Debit"), "amount", total=True),
            Column("credit", self.env._("Credit"), "amount", total=True),
            Column("balance", self.env._("Balance"), "amount"),
        ]
        workbook.add_sheet(self.env._("Statements"), self.env._("Customer statements"), header).add_table(
            columns,
            ({**line, "kind_label": kinds[line["kind"]]} for line in self._iter_lines(options)),
            digits=company.currency_id.decimal_places,
            totals_label=self.env._("Total"),
        )
