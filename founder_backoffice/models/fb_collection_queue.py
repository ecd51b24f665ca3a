from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_amount, format_date

from ..engine import priority, promises
from ..tools import text
from .fb_payment_habit import EXPECTED_HELP, GRADE_HELP, GRADES

# A row's id encodes (company, customer), in bigint: the add-on assumes fewer than this many companies.
COMPANY_SLOTS = 1000
# The customer's collections settings of each row, read for the row's company (company-dependent fields).
SETTINGS = {
    "collector": "fb_collector_id",
    "stage": "fb_collection_stage_id",
    "credit_hold": "fb_credit_hold",
    "replied_date": "fb_replied_date",
}


class FbCollectionQueue(models.Model):
    """The collections queue: one row per customer with an overdue receivable, per company, the customers waiting
    for our answer to their reply first, then the most urgent.

    A read-only SQL view aggregating ``fb.receivable``'s open items and the collections records in one query, so the
    queue stays current and fast without stored per-customer figures. Stage, collector and next step are the
    customer's own fields in the row's company: editing them here writes them on the customer, for that company.
    """

    _name = "fb.collection.queue"
    _description = "Collections queue"
    _auto = False
    _order = "waiting desc, priority desc, amount_overdue desc, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_overdue = fields.Monetary("Overdue", readonly=True)
    amount_due = fields.Monetary("Total due", readonly=True)
    overdue_count = fields.Integer("Overdue invoices", readonly=True)
    oldest_days = fields.Integer("Oldest (days)", readonly=True, help="Days past due of the oldest overdue item.")
    last_level_id = fields.Many2one("fb.dunning.level", "Last reminder", readonly=True)
    last_reminder_date = fields.Date("Reminded on", readonly=True)
    next_action_date = fields.Date(
        "Next action", readonly=True, help="Deadline of the customer's next planned activity."
    )
    collector_id = fields.Many2one("res.users")
    stage_id = fields.Many2one("fb.collection.stage", group_expand="_read_group_stage_ids")
    promise_amount = fields.Monetary("Promised", readonly=True)
    promise_date = fields.Date("Promised by", readonly=True)
    broken_promise_count = fields.Integer("Broken promises", readonly=True, help="Over the last 12 months.")
    disputed_amount = fields.Monetary("Disputed", readonly=True)
    credit_hold = fields.Boolean(readonly=True)
    last_seen = fields.Datetime(
        "Seen on", readonly=True, help="Last time the customer opened one of its overdue invoices online."
    )
    priority = fields.Float(readonly=True, digits=(16, 1), help=priority.PRIORITY_HELP)
    waiting = fields.Boolean(
        "Waiting for us",
        readonly=True,
        help="The customer replied to a reminder and nobody answered yet: the dunning leaves them out meanwhile.",
    )
    replied_date = fields.Date("Waiting for us since", readonly=True)
    waiting_summary = fields.Char(compute="_compute_card_texts")
    overdue_summary = fields.Char(compute="_compute_card_texts")
    promise_summary = fields.Char(compute="_compute_card_texts")
    dispute_summary = fields.Char(compute="_compute_card_texts")
    payment_grade = fields.Selection(GRADES, compute="_compute_payment_grade", help=GRADE_HELP)
    expected_payment_date = fields.Date(
        "Next expected payment", compute="_compute_expected_payment_date", help=EXPECTED_HELP
    )

    @property
    def _table_query(self):
        self.env.flush_all()  # the query reads the accounting and collections tables directly
        Receivable = self.env["fb.receivable"]
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH items AS (
                SELECT *, %(overdue)s AS overdue FROM (%(items)s) open_items WHERE partner_id IS NOT NULL
            ), balances AS (
                SELECT company_id, partner_id,
                       SUM(residual) AS amount_due,
                       SUM(residual) FILTER (WHERE overdue) AS amount_overdue,
                       COUNT(DISTINCT move_id) FILTER (WHERE overdue) AS overdue_count,
                       MAX(%(today)s::date - date_maturity) FILTER (WHERE overdue) AS oldest_days,
                       ARRAY_AGG(DISTINCT move_id) FILTER (WHERE overdue) AS overdue_move_ids
                  FROM items
                 GROUP BY company_id, partner_id
                HAVING BOOL_OR(overdue)
            ), promises AS (
                SELECT company_id, partner_id,
                       SUM(amount) FILTER (WHERE state = 'open') AS promise_amount,
                       MIN(promised_date) FILTER (WHERE state = 'open') AS promise_date,
                       COUNT(*) FILTER (WHERE state = 'broken' AND promised_date > %(broken_since)s) AS broken
                  FROM fb_promise
                 GROUP BY company_id, partner_id
            ), disputes AS (
                SELECT company_id, partner_id, SUM(amount) AS disputed_amount
                  FROM fb_dispute WHERE state = 'open'
                 GROUP BY company_id, partner_id
            ), reminders AS (
                SELECT DISTINCT ON (company_id, partner_id) company_id, partner_id, level_id, date
                  FROM fb_dunning_reminder WHERE state = 'sent'
                 ORDER BY company_id, partner_id, date DESC, id DESC
            ), activities AS (
                SELECT res_id AS partner_id, MIN(date_deadline) AS next_action_date
                  FROM mail_activity WHERE res_model = 'res.partner'
                 GROUP BY res_id
            )
            SELECT b.partner_id::bigint * %(slots)s + b.company_id AS id,
                   b.partner_id, b.company_id, company.currency_id,
                   b.amount_overdue, b.amount_due, b.overdue_count, b.oldest_days,
                   r.level_id AS last_level_id, r.date AS last_reminder_date,
                   a.next_action_date,
                   %(collector)s AS collector_id,
                   COALESCE(%(stage)s, (SELECT id FROM fb_collection_stage WHERE kind = 'new'
                                         ORDER BY sequence, id LIMIT 1)) AS stage_id,
                   pr.promise_amount, pr.promise_date, COALESCE(pr.broken, 0) AS broken_promise_count,
                   d.disputed_amount, COALESCE(%(credit_hold)s, FALSE) AS credit_hold,
                   %(replied_date)s AS replied_date, %(replied_date)s IS NOT NULL AS waiting,
                   (SELECT MAX(m.fb_portal_last_seen) FROM account_move m WHERE m.id = ANY(b.overdue_move_ids))
                       AS last_seen,
                   %(priority)s AS priority
              FROM balances b
              JOIN res_partner p ON p.id = b.partner_id
              JOIN res_company company ON company.id = b.company_id
              LEFT JOIN promises pr ON pr.company_id = b.company_id AND pr.partner_id = b.partner_id
              LEFT JOIN disputes d ON d.company_id = b.company_id AND d.partner_id = b.partner_id
              LEFT JOIN reminders r ON r.company_id = b.company_id AND r.partner_id = b.partner_id
              LEFT JOIN activities a ON a.partner_id = b.partner_id
            """,
            items=Receivable._open_items_query(self.env.companies.ids),
            **self._settings_sql(),
            overdue=Receivable._overdue_sql(SQL("residual"), SQL("date_maturity"), today),
            slots=COMPANY_SLOTS,
            today=today,
            broken_since=promises.broken_window_start(today),
            priority=SQL(
                priority.PRIORITY_SQL.format(
                    amount="b.amount_overdue", days="b.oldest_days", broken="COALESCE(pr.broken, 0)"
                )
            ),
        )

    @api.model
    def _settings_sql(self):
        """``{column: SQL}``: the customer's (``p``) collections settings in the row's company (``b``), each read as
        Odoo reads a company-dependent field (its own value, else the company's default). A column, not a join: a
        join on the per-customer balances, which the planner cannot estimate, turned into a nested loop over every
        pair of customers."""
        Partner = self.env["res.partner"].sudo()
        return {
            column: SQL(
                "CASE b.company_id %s END",
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", company.id, Partner.with_company(company)._field_to_sql("p", fname))
                    for company in self.env.companies
                ),
            )
            for column, fname in SETTINGS.items()
        }

    @api.depends_context("lang")
    def _compute_payment_grade(self):
        """The customer's payment grade in the row's company (``fb.payment.habit``)."""
        Habit = self.env["fb.payment.habit"]
        for company, rows in self.grouped("company_id").items():
            profiles = Habit._profiles(company, set(rows.partner_id.ids))
            for row in rows:
                row.payment_grade = profiles[row.partner_id.id].grade

    def _compute_expected_payment_date(self):
        """When the customer's next payment is expected in the row's company (``fb.payment.habit``)."""
        Habit = self.env["fb.payment.habit"]
        for company, rows in self.grouped("company_id").items():
            _by_move, dates = Habit._expected_dates(company, set(rows.partner_id.ids))
            for row in rows:
                row.expected_payment_date = dates.get(row.partner_id.id, False)

    def _compute_card_texts(self):
        """The kanban card's sentences, whole in the user's language."""
        for row in self:
            currency = row.currency_id
            row.overdue_summary = text.overdue_summary(self.env, row.amount_overdue, currency, row.oldest_days)
            row.promise_summary = (
                self.env._(
                    "Promised: %(amount)s by %(date)s",
                    amount=format_amount(self.env, row.promise_amount, currency),
                    date=format_date(self.env, row.promise_date),
                )
                if row.promise_amount
                else False
            )
            row.dispute_summary = (
                self.env._("Disputed: %(amount)s", amount=format_amount(self.env, row.disputed_amount, currency))
                if row.disputed_amount
                else False
            )
            row.waiting_summary = (
                self.env._("Replied on %s, not answered", format_date(self.env, row.replied_date))
                if row.replied_date
                else False
            )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """Every stage is a kanban column, even an empty one (a handful of configuration records)."""
        return stages.search([])  # pylint: disable=no-search-all

    def write(self, vals):  # pylint: disable=method-required-super
        """Stage and collector belong to the customer: write them there, for the row's company (kanban drag and
        drop, list edits).

        The queue is a SQL view: there is no row of its own to write, so the ORM's write is not called; the
        rights it would check on the rows are checked here.
        """
        partner_vals = {}
        if "stage_id" in vals:
            partner_vals["fb_collection_stage_id"] = vals.pop("stage_id")
        if "collector_id" in vals:
            partner_vals["fb_collector_id"] = vals.pop("collector_id")
        if vals:
            raise UserError(self.env._("The collections queue is computed: change the invoices or the customer."))
        self.check_access("write")
        for company, rows in self.grouped("company_id").items():
            rows.partner_id.with_company(company).write(partner_vals)
        self.invalidate_recordset()
        return True

    def action_open_customer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_log_call(self):
        return self.partner_id.action_fb_log_call()

    def action_record_promise(self):
        return self.partner_id.action_fb_record_promise()

    def action_open_overdue_invoices(self):
        return self.partner_id.action_fb_open_overdue_invoices()
