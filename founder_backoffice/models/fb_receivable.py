from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

RECEIVABLE = "asset_receivable"
PAYABLE = "liability_payable"
INCOME_TYPES = ("income", "income_other")
EXPENSE_TYPES = ("expense", "expense_other", "expense_depreciation", "expense_direct_cost")
SALES_TYPES = ("out_invoice", "out_refund")


class FbReceivable(models.AbstractModel):
    """What the add-on calls open, overdue, credit sales and revenue: defined here once, used by every screen,
    report, KPI and dunning run, in the ORM's domain form and, for the reports' SQL, in SQL.

    The grain is the receivable (or payable) **item**, one journal item per instalment of an invoice:

    - an **open item** is an item of a posted entry on a receivable / payable account that is not fully
      reconciled: a debit still due, or a credit (credit note, payment) not yet applied;
    - an item is **overdue** at a date when something is still owed on it (residual above zero, seen from the
      company for payables) and its due date (the entry's date when it has none, as a journal entry may) is
      before that date; a credit is never overdue;
    - an **overdue invoice** is an entry with at least one overdue item: with a split payment term, one late
      instalment makes the invoice overdue, although Odoo's invoice due date is that of the last instalment;
    - **credit sales** are the customer invoices less credit notes, tax included, by invoice date (what the
      receivables are measured against: DSO, CEI);
    - **revenue** is the balance of the income accounts, expenses that of the expense accounts, by entry date.
    """

    _name = "fb.receivable"
    _description = "Receivable definitions"

    # ------------------------------------------------------------------ items now (domains)

    @api.model
    def _open_items_domain(self, companies=None):
        """Open receivable items now (stored residuals), of ``companies`` when given."""
        domain = Domain(
            [
                ("parent_state", "=", "posted"),
                ("account_type", "=", RECEIVABLE),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ]
        )
        return domain & Domain("company_id", "in", companies.ids) if companies is not None else domain

    @api.model
    def _overdue_items_domain(self, as_of, companies=None):
        """Overdue receivable items at ``as_of`` (a date): the overdue rule, in domain form."""
        day = fields.Date.to_string(as_of)
        due_before = Domain("date_maturity", "<", day) | (
            Domain("date_maturity", "=", False) & Domain("date", "<", day)
        )
        return self._open_items_domain(companies) & Domain("amount_residual", ">", 0) & due_before

    @api.model
    def _overdue_invoices_domain(self, as_of, companies=None, partners=None):
        """Entries (``account.move``) with an overdue item at ``as_of``, of the customers ``partners`` (and their
        contacts) when given: the invoice-level view of the overdue items, for counts and drill-downs."""
        items = self._overdue_items_domain(as_of, companies)
        if partners is not None:
            items &= Domain("partner_id", "child_of", partners.commercial_partner_id.ids)
        return Domain("line_ids", "any", items)

    @api.model
    def _overdue_invoices_action(self, companies=None, partners=None):
        """The list of the invoices with an overdue item today: the Overdue Invoices menu, the customer's
        button, the queue's and the dashboard's drill-downs."""
        action = self.env["ir.actions.act_window"]._for_xml_id("founder_backoffice.action_overdue_invoices")
        action["domain"] = list(self._overdue_invoices_domain(fields.Date.context_today(self), companies, partners))
        return action

    # ------------------------------------------------------------------ items at a date (SQL)

    @api.model
    def _overdue_sql(self, residual, due_date, as_of):
        """The overdue rule in SQL, on the columns ``residual`` and ``due_date`` of an item at ``as_of``."""
        return SQL("(%s > 0 AND %s < %s::date)", residual, due_date, as_of)

    @api.model
    def _open_items_query(self, company_ids, as_of=None, kind="receivable", partner_filter=None):
        """SQL of the open items at ``as_of`` (None: now, as the domains above): ``id, company_id, currency_id,
        partner_id`` (commercial), ``move_id, date, date_maturity, residual`` (company currency, positive when
        owed to the company for a receivable, when owed by it for a payable).

        At a date, an item counts from its own date, and before today its residual is rebuilt from the
        reconciliations: today's residual plus what the partial reconciliations dated after ``as_of`` settled,
        so later payments and credit notes do not reduce it; today and later it is the stored residual.
        ``partner_filter`` is an SQL condition on ``aml.partner_id`` (the reports' record rules).
        """
        sign = 1 if kind == "receivable" else -1
        # the stored residual, signed without arithmetic on each row: numeric products cost in a big report
        residual = SQL("aml.amount_residual") if sign == 1 else SQL("-aml.amount_residual")
        companies = list(company_ids)
        if as_of and as_of < fields.Date.context_today(self):
            later = SQL(
                """SELECT line_id, SUM(amount) AS amount FROM (
                       SELECT pr.debit_move_id AS line_id, pr.amount FROM account_partial_reconcile pr
                        WHERE pr.max_date > %(as_of)s AND pr.company_id = ANY(%(companies)s)
                       UNION ALL
                       SELECT pr.credit_move_id, -pr.amount FROM account_partial_reconcile pr
                        WHERE pr.max_date > %(as_of)s AND pr.company_id = ANY(%(companies)s)
                   ) moves GROUP BY line_id""",
                as_of=as_of,
                companies=companies,
            )
            items = SQL("account_move_line aml LEFT JOIN (%s) later ON later.line_id = aml.id", later)
            residual = SQL(
                "CASE WHEN later.line_id IS NULL THEN %s ELSE %s + %s * later.amount END", residual, residual, sign
            )
            still_open = SQL("(NOT aml.reconciled OR later.line_id IS NOT NULL)")
            nonzero = SQL("ROUND(items.residual, 6) != 0")
        else:
            # plain conditions on the table's columns, which PostgreSQL estimates well
            items = SQL("account_move_line aml")
            still_open = SQL("NOT aml.reconciled AND aml.amount_residual != 0")
            nonzero = SQL("TRUE")
        return SQL(
            """
            SELECT items.* FROM (
                SELECT aml.id, aml.company_id, company.currency_id,
                       COALESCE(partner.commercial_partner_id, aml.partner_id) AS partner_id,
                       aml.move_id, aml.date, COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       %(residual)s AS residual
                  FROM %(items)s
                  JOIN account_account account ON account.id = aml.account_id
             LEFT JOIN res_company company ON company.id = aml.company_id
             LEFT JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.company_id = ANY(%(companies)s)
                   AND aml.parent_state = 'posted'
                   AND account.account_type = %(account_type)s
                   AND %(dated)s
                   AND %(still_open)s
                   AND %(partner_filter)s
            ) items WHERE %(nonzero)s
            """,
            items=items,
            residual=residual,
            companies=companies,
            account_type=RECEIVABLE if kind == "receivable" else PAYABLE,
            dated=SQL("aml.date <= %s", as_of) if as_of else SQL("TRUE"),
            still_open=still_open,
            nonzero=nonzero,
            partner_filter=partner_filter or SQL("TRUE"),
        )

    # ------------------------------------------------------------------ sales and revenue

    @api.model
    def _credit_sales_domain(self, company, date_from, date_to):
        """Customer invoices and credit notes of the period (``amount_total_signed`` is the credit sales)."""
        return Domain(
            [
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("move_type", "in", SALES_TYPES),
                ("invoice_date", ">=", date_from),
                ("invoice_date", "<=", date_to),
            ]
        )

    @api.model
    def _profit_and_loss_query(self, company_id, date_from, date_to):
        """SQL of the P&L by account and month: ``company_id, account_id, section`` (income / expense),
        ``month, amount`` (positive for revenue and for expenses), ``net`` (the contribution to the profit)."""
        return SQL(
            """
            SELECT aml.company_id, aml.account_id,
                   CASE WHEN account.account_type IN %(income)s THEN 'income' ELSE 'expense' END AS section,
                   date_trunc('month', aml.date)::date AS month,
                   SUM(CASE WHEN account.account_type IN %(income)s THEN -aml.balance ELSE aml.balance END) AS amount,
                   SUM(-aml.balance) AS net
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
             WHERE aml.company_id = %(company_id)s
               AND aml.parent_state = 'posted'
               AND aml.date BETWEEN %(date_from)s AND %(date_to)s
               AND account.account_type IN %(types)s
             GROUP BY aml.company_id, aml.account_id, section, month
            """,
            income=INCOME_TYPES,
            types=INCOME_TYPES + EXPENSE_TYPES,
            company_id=company_id,
            date_from=date_from,
            date_to=date_to,
        )
