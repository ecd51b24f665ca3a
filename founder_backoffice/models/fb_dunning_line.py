from odoo import api, fields, models
from odoo.tools import SQL


def _array_literal(values):
    """PostgreSQL array literal of numbers, dates, booleans and None: one string parameter instead of one
    adapted parameter per element (the columns of _insert_run_lines hold no text)."""
    items = ("NULL" if v is None else ("t" if v else "f") if isinstance(v, bool) else str(v) for v in values)
    return "{" + ",".join(items) + "}"


class FbDunningLine(models.Model):
    """One overdue receivable item in a reminder: the history of the dunning of each invoice instalment."""

    _name = "fb.dunning.line"
    _description = "Payment reminder line"
    _order = "date desc, reminder_id, date_maturity, id"
    _check_company_auto = True

    reminder_id = fields.Many2one("fb.dunning.reminder", required=True, ondelete="cascade", index=True)
    run_id = fields.Many2one(related="reminder_id.run_id", store=True, index=True)
    company_id = fields.Many2one(related="reminder_id.company_id", store=True)
    partner_id = fields.Many2one(related="reminder_id.partner_id", store=True, index=True)
    date = fields.Date(related="reminder_id.date", store=True)
    move_line_id = fields.Many2one("account.move.line", "Receivable item", ondelete="cascade", index="btree_not_null")
    plan_line_id = fields.Many2one(
        "fb.payment.plan.line", "Instalment", ondelete="cascade", index="btree_not_null", help="A missed instalment."
    )
    move_id = fields.Many2one(related="move_line_id.move_id", store=True, index=True, string="Invoice")
    date_maturity = fields.Date("Due date", compute="_compute_date_maturity", store=True)
    level_id = fields.Many2one("fb.dunning.level", "Level reached", ondelete="restrict")
    level_days = fields.Integer(help="Threshold of the level at the time, which survives a change of policy.")
    new_level = fields.Boolean(help="This reminder brought the item to its level for the first time.")
    days_overdue = fields.Integer()
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company currency")
    line_currency_id = fields.Many2one("res.currency", "Currency")
    amount_residual = fields.Monetary(
        "Residual", currency_field="company_currency_id", help="Still due at the time, in company currency."
    )
    amount_residual_currency = fields.Monetary(
        "Residual in currency",
        currency_field="line_currency_id",
        help="Still due at the time, in the invoice currency.",
    )
    interest = fields.Monetary(currency_field="company_currency_id")
    compensation = fields.Monetary(currency_field="company_currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
    )
    reference = fields.Char(compute="_compute_reference", help="The invoice, or the payment plan instalment.")
    portal_url = fields.Char(compute="_compute_portal_url", help="Where the customer sees and pays the invoice.")

    _level_sent_once = models.UniqueIndex(
        "(move_line_id, level_id) WHERE state = 'sent' AND new_level",
        "This dunning level was already sent for this invoice.",
    )
    _instalment_level_sent_once = models.UniqueIndex(
        "(plan_line_id, level_id) WHERE state = 'sent' AND new_level",
        "This dunning level was already sent for this instalment.",
    )
    _one_source = models.Constraint(
        "CHECK((move_line_id IS NULL) != (plan_line_id IS NULL))",
        "A reminder line is about one receivable item or one instalment.",
    )

    # Columns of _insert_run_lines and their SQL types.
    _RUN_LINE_COLUMNS = {
        "reminder_id": "int4",
        "partner_id": "int4",
        "move_line_id": "int4",
        "plan_line_id": "int4",
        "move_id": "int4",
        "date_maturity": "date",
        "level_id": "int4",
        "level_days": "int4",
        "new_level": "bool",
        "days_overdue": "int4",
        "line_currency_id": "int4",
        "amount_residual": "numeric",
        "amount_residual_currency": "numeric",
        "interest": "numeric",
        "compensation": "numeric",
    }

    @api.depends("move_line_id.date_maturity", "plan_line_id.date_due")
    def _compute_date_maturity(self):
        for line in self:
            line.date_maturity = line.move_line_id.date_maturity or line.plan_line_id.date_due

    @api.depends("move_id.name", "plan_line_id")
    def _compute_reference(self):
        for line in self:
            line.reference = line.move_id.name or line.plan_line_id.display_name

    @api.depends("move_id")
    def _compute_portal_url(self):
        """The invoice's portal page, with its access token once it has one: sending gives every invoice of the
        run a token first, while a letter printed before (a read-only request) must not write one."""
        for line in self:
            move = line.move_id
            if not move:
                line.portal_url = False
                continue
            path = move.get_portal_url() if move.access_token else move.access_url
            line.portal_url = f"{move.get_base_url()}{path}"

    @api.model
    def _insert_run_lines(self, run, vals_list):
        """Insert the lines of a run's new reminders in one statement.

        A run writes one line per overdue item, thousands at once: the ORM would recompute every related
        field line by line, while the run already knows all of them. Values are given column-wise as arrays.
        """
        if not vals_list:
            return
        self.env.flush_all()
        columns = self._RUN_LINE_COLUMNS
        fixed = {"run_id": run.id, "company_id": run.company_id.id, "date": run.date, "state": "draft"}
        self.env.execute_query(
            SQL(
                """INSERT INTO fb_dunning_line (%(columns)s, %(fixed)s, create_uid, write_uid, create_date, write_date)
                   SELECT *, %(fixed_values)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                     FROM unnest(%(arrays)s)""",
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                fixed=SQL(", ").join(SQL.identifier(name) for name in fixed),
                fixed_values=SQL(", ").join(SQL("%s", value) for value in fixed.values()),
                uid=self.env.uid,
                now=SQL("(now() at time zone 'UTC')"),
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", _array_literal(vals.get(name) for vals in vals_list), SQL(sql_type))
                    for name, sql_type in columns.items()
                ),
            )
        )
        # What the ORM's create would keep in cache: the lines, and the one2many lists that now hold them
        self.invalidate_model()
        for field in self._fields.values():
            for inverse in self.pool.field_inverses[field]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
