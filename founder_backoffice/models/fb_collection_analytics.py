from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import periods

MONTHS = 12
USER_ID_BITS = 31  # a row's id holds its collector's user id (an int4) whole, below its company and month


def row_id(company_id, month_index, collector_id):
    """The row of ``collector_id`` (0: none) in ``company_id`` for its month ``month_index``: distinct for any user
    id, a bigint below 2**53 (JavaScript's exact integers) up to company ids in the hundreds of thousands."""
    return ((company_id * MONTHS + month_index) << USER_ID_BITS) + collector_id


class FbCollectionAnalytics(models.Model):
    """How each collector's customers paid, month by month over the last twelve months, for the graph and pivot
    views: customers assigned, overdue at the start and the end, collected, promises made, kept and broken, calls
    logged, and the days from an invoice's first reminder to its payment.

    A customer counts for its current collector (the assignment has no history); customers without one are on the
    row without collector, which only managers see. The rows are computed from the accounting and collections
    tables and served as the report's SQL rows; record rules give a collector their own rows only.
    """

    _name = "fb.collection.analytics"
    _description = "Collection analytics"
    _auto = False
    _order = "month desc, collector_id"
    _rec_name = "collector_id"

    collector_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True)
    customer_count = fields.Integer("Customers assigned", readonly=True, aggregator="max")
    overdue_start = fields.Monetary("Overdue at the start", readonly=True)
    overdue_end = fields.Monetary("Overdue at the end", readonly=True)
    collected = fields.Monetary(readonly=True, help="Payments received from the collector's customers.")
    promise_count = fields.Integer("Promises made", readonly=True)
    promise_kept_count = fields.Integer("Promises kept", readonly=True)
    promise_broken_count = fields.Integer("Promises broken", readonly=True)
    call_count = fields.Integer("Calls logged", readonly=True)
    reminder_to_payment_days = fields.Float(
        "Days from first reminder to payment",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Average over the invoices paid in the month that had been reminded.",
    )

    @property
    def _table_query(self):
        self.env.flush_all()  # the rows are read from the accounting and collections tables directly
        rows = [row for company in self.env.companies for row in self._rows(company)]
        columns = (
            "id, collector_id, company_id, currency_id, month, customer_count, overdue_start, overdue_end, collected, "
            "promise_count, promise_kept_count, promise_broken_count, call_count, reminder_to_payment_days"
        )
        if not rows:
            return SQL(
                "SELECT %s WHERE FALSE", SQL(", ".join(f"NULL::numeric AS {name}" for name in columns.split(", ")))
            )
        values = SQL(", ").join(
            SQL(
                "(%s::bigint, %s::int, %s, %s, %s::date, %s, %s::numeric, %s::numeric, %s::numeric, %s, %s, %s, %s, "
                "%s::float)",
                *row,
            )
            for row in rows
        )
        return SQL("SELECT * FROM (VALUES %s) AS rows(%s)", values, SQL(columns))

    @api.model
    def _rows(self, company):
        """One row per collector (None: no collector) and month of ``company``, ids unique across companies."""
        today = fields.Date.context_today(self)
        months = periods.month_starts(today.replace(day=1) - relativedelta(months=MONTHS - 1), today)
        assigned = (
            self.env["res.partner"]
            .sudo()
            .with_company(company)  # the collector of each customer in this company
            .with_context(active_test=False)
            .search([("fb_collector_id", "!=", False)])
        )
        collector_of = {partner.id: partner.fb_collector_id.id for partner in assigned}
        customers = defaultdict(int)
        for collector in collector_of.values():
            customers[collector] += 1
        measures = defaultdict(lambda: defaultdict(float))  # (collector, month) -> measure -> value

        def add(partner_id, month, measure, value):
            measures[(collector_of.get(partner_id), month)][measure] += value or 0

        # a month starts with what was overdue at the end of the one before: each boundary is read once
        boundaries = [months[0] - relativedelta(days=1)] + [min(periods.month_end(month), today) for month in months]
        overdue = [self._overdue_by_customer(company, day) for day in boundaries]
        for index, month in enumerate(months):
            for partner_id, amount in overdue[index]:
                add(partner_id, month, "overdue_start", amount)
            for partner_id, amount in overdue[index + 1]:
                add(partner_id, month, "overdue_end", amount)
        for partner_id, month, amount in self._collected(company, months[0]):
            add(partner_id, month, "collected", amount)
        for partner_id, month, made, kept, broken in self._promises(company, months[0]):
            add(partner_id, month, "promise_count", made)
            add(partner_id, month, "promise_kept_count", kept)
            add(partner_id, month, "promise_broken_count", broken)
        for partner_id, month, calls in self._calls(company, months[0]):
            add(partner_id, month, "call_count", calls)
        for partner_id, month, days_total, invoices in self._reminder_to_payment(company, months[0]):
            add(partner_id, month, "reminded_days", days_total)
            add(partner_id, month, "reminded_invoices", invoices)
        collectors = sorted({key[0] for key in measures} | set(customers), key=lambda c: c or 0)
        rows = []
        for collector in collectors:
            for index, month in enumerate(months):
                values = measures.get((collector, month), {})
                reminded = values.get("reminded_invoices")
                rows.append(
                    (
                        row_id(company.id, index, collector or 0),
                        collector,
                        company.id,
                        company.currency_id.id,
                        month,
                        customers.get(collector, 0),
                        values.get("overdue_start", 0.0),
                        values.get("overdue_end", 0.0),
                        values.get("collected", 0.0),
                        int(values.get("promise_count", 0)),
                        int(values.get("promise_kept_count", 0)),
                        int(values.get("promise_broken_count", 0)),
                        int(values.get("call_count", 0)),
                        values["reminded_days"] / reminded if reminded else None,
                    )
                )
        return rows

    @api.model
    def _overdue_by_customer(self, company, as_of):
        Receivable = self.env["fb.receivable"]
        return self.env.execute_query(
            SQL(
                "SELECT partner_id, SUM(residual) FROM (%s) items WHERE %s GROUP BY partner_id",
                Receivable._open_items_query([company.id], as_of),
                Receivable._overdue_sql(SQL("residual"), SQL("date_maturity"), as_of),
            )
        )

    @api.model
    def _collected(self, company, since):
        """Customers' payments by customer and month, as the dashboard's "Collected"."""
        return [
            (partner.commercial_partner_id.id, month, amount)
            for partner, month, amount in self.env["account.payment"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_type", "=", "customer"),
                    ("state", "in", ("in_process", "paid")),
                    ("date", ">=", since),
                ],
                ["partner_id", "date:month"],
                ["amount_company_currency_signed:sum"],
            )
        ]

    @api.model
    def _promises(self, company, since):
        """Promises by customer and month: made (by the day they were made), kept and broken (by their date). A
        promise proposed from a customer's reply is not made until a collector confirms it."""
        return self.env.execute_query(
            SQL(
                """SELECT partner_id, month, SUM(made), SUM(kept), SUM(broken) FROM (
                       SELECT partner_id, date_trunc('month', date)::date AS month, 1 AS made, 0 AS kept, 0 AS broken
                         FROM fb_promise WHERE company_id = %(company)s AND date >= %(since)s AND state != 'proposed'
                       UNION ALL
                       SELECT partner_id, date_trunc('month', promised_date)::date, 0,
                              (state = 'kept')::int, (state = 'broken')::int
                         FROM fb_promise WHERE company_id = %(company)s AND promised_date >= %(since)s
                   ) promises GROUP BY partner_id, month""",
                company=company.id,
                since=since,
            )
        )

    @api.model
    def _calls(self, company, since):
        """Collections calls logged on customers (activities of the collections call type marked done)."""
        call = self.env.ref("founder_backoffice.mail_activity_type_collections_call")
        return self.env.execute_query(
            SQL(
                """SELECT COALESCE(partner.commercial_partner_id, partner.id), date_trunc('month', message.date)::date,
                          COUNT(*)
                     FROM mail_message message
                     JOIN res_partner partner ON partner.id = message.res_id
                    WHERE message.model = 'res.partner' AND message.mail_activity_type_id = %s
                      AND message.date >= %s AND (partner.company_id IS NULL OR partner.company_id = %s)
                    GROUP BY 1, 2""",
                call.id,
                since,
                company.id,
            )
        )

    @api.model
    def _reminder_to_payment(self, company, since):
        """By customer and month of payment: total days from the first sent reminder to the payment, and the
        number of reminded invoices paid (paid as ``fb.kpi._paid_invoices_query`` says)."""
        return self.env.execute_query(
            SQL(
                """WITH reminded AS (
                       SELECT paid.partner_id, paid.paid_date, paid.paid_date - MIN(line.date) AS days
                         FROM (%s) paid
                         JOIN fb_dunning_line line ON line.move_id = paid.move_id AND line.state = 'sent'
                        GROUP BY paid.move_id, paid.partner_id, paid.paid_date
                   )
                   SELECT partner_id, date_trunc('month', paid_date)::date, SUM(GREATEST(days, 0)), COUNT(*)
                     FROM reminded GROUP BY 1, 2""",
                self.env["fb.kpi"]._paid_invoices_query(company, date_from=since),
            )
        )
