from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import server_side

# The SQL types of the columns _insert_run_lines writes as array literals.
ARRAY_TYPES = ("int4", "numeric", "date", "bool")


def _array_literal(values):
    """PostgreSQL array literal of numbers, dates, booleans and None: one string parameter instead of one
    adapted parameter per element (the columns of _insert_run_lines are of ``ARRAY_TYPES``)."""
    items = ("NULL" if v is None else ("t" if v else "f") if isinstance(v, bool) else str(v) for v in values)
    return "{" + ",".join(items) + "}"


# What a line is about, in the keys the run uses for its sources: ("aml", receivable item id) or
# ("plan", instalment id).
SOURCE_FIELDS = {"aml": "move_line_id", "plan": "plan_line_id"}


class FbDunningLine(models.Model):
    """One overdue receivable item in a reminder: the history of the dunning of each invoice instalment."""

    _name = "fb.dunning.line"
    _description = "Payment reminder line"
    # As the reminders (date desc, id desc), by "reminder_id.id" so that reading a reminder's lines does not join
    # the reminders: PostgreSQL has no statistics yet for the lines a run has just inserted in this transaction, so
    # a join on the reminder is planned as a scan per line.
    _order = "date desc, reminder_id.id desc, date_maturity, id"
    _check_company_auto = True

    reminder_id = fields.Many2one("fb.dunning.reminder", required=True, ondelete="cascade", index=True)
    run_id = fields.Many2one(related="reminder_id.run_id", store=True, index=True)
    company_id = fields.Many2one(related="reminder_id.company_id", store=True)
    partner_id = fields.Many2one(related="reminder_id.partner_id", store=True, index=True)
    date = fields.Date(related="reminder_id.date", store=True)
    # History outlives the receivable item: resetting an invoice to draft may replace its items, and posting it
    # again links its history to the new ones (account.move._post).
    move_line_id = fields.Many2one("account.move.line", "Receivable item", ondelete="set null", index="btree_not_null")
    plan_line_id = fields.Many2one(
        "fb.payment.plan.line", "Instalment", ondelete="restrict", index="btree_not_null", help="A missed instalment."
    )
    move_id = fields.Many2one("account.move", "Invoice", ondelete="restrict", index="btree_not_null")
    date_maturity = fields.Date("Due date")
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
    skip_reason = fields.Char(
        "Not raised because", readonly=True, help="Why sending did not bring this item to a new level."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
    )
    reference = fields.Char(compute="_compute_reference", help="The invoice, or the payment plan instalment.")
    portal_url = fields.Char(compute="_compute_portal_url", help="Where the customer sees and pays the invoice.")

    # "This level was already sent" is checked three times, on purpose; the three agree on what a sent level is: a
    # line in state "sent" with ``new_level`` (the reminder that brought the item to that level).
    # 1. Computing a run (``fb.dunning.run._level_days_sent``): the highest ``level_days`` sent for each item, turned
    #    into a level of today's policy by the engine (``levels.level_at``). A threshold, not a level id, so the
    #    history survives a change of policy: levels edited, added or replaced.
    # 2. Sending (``fb.dunning.reminder._drop_already_sent``): the (item, level id) pairs another run sent since this
    #    one was computed. Two draft runs may overlap; the one sent second drops what the first sent, with a reason.
    # 3. The database (the two unique indexes below): an (item, level id) pair once among the sent lines with
    #    ``new_level``, the guard against two sends racing in separate transactions, which 2 cannot see.
    # 2 and 3 compare level ids: they stop a second run with the same levels, while a change of policy between two
    # runs is 1's case. The reminder's state is mirrored on its lines (``fb.dunning.reminder._set_state``) for the
    # indexes, since a partial index sees only the columns of its own table.
    _level_sent_once = models.UniqueIndex(
        "(move_line_id, level_id) WHERE state = 'sent' AND new_level",
        "This dunning level was already sent for this invoice.",
    )
    _instalment_level_sent_once = models.UniqueIndex(
        "(plan_line_id, level_id) WHERE state = 'sent' AND new_level",
        "This dunning level was already sent for this instalment.",
    )
    _one_source = models.Constraint(
        "CHECK((move_id IS NULL) != (plan_line_id IS NULL) AND (move_line_id IS NULL OR move_id IS NOT NULL))",
        "A reminder line is about one invoice item or one instalment.",
    )

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

    @api.model_create_multi
    def create(self, vals_list):
        server_side.refuse_outside_actions(self)
        return super().create(vals_list)

    def write(self, vals):
        """Lines are written by their run's actions and jobs only: sent history cannot be rewritten."""
        server_side.check_managed_write(self, vals, self._fields)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(line.state == "sent" for line in self):
            raise UserError(self.env._("A sent reminder is part of the customer's history: it cannot be deleted."))

    def _source_key(self):
        self.ensure_one()
        return ("aml", self.move_line_id.id) if self.move_line_id else ("plan", self.plan_line_id.id)

    @api.model
    def _aggregate_by_source(self, keys, domain, aggregate):
        """``{source key: aggregate}`` over the lines matching ``domain`` of each of the source ``keys``."""
        result = {}
        for kind, field in SOURCE_FIELDS.items():
            ids = [key[1] for key in keys if key[0] == kind]
            if ids:
                for record, value in self._read_group(Domain(domain) & Domain(field, "in", ids), [field], [aggregate]):
                    result[(kind, record.id)] = value
        return result

    @api.model
    def _charged_domain(self):
        """Lines whose interest and compensation the customer was charged: sent, or booked on a charges invoice
        (which stays booked when the e-mail then bounced and the reminder failed)."""
        return Domain("state", "=", "sent") | Domain("reminder_id.charge_move_id.state", "in", ("draft", "posted"))

    @api.model
    def _relink_to_items(self, moves):
        """Give the history of re-posted invoices back to their receivable items.

        Resetting an invoice to draft and changing it can replace its receivable items, which leaves their
        reminder lines without an item. Each such line goes to the item with its due date, else to the invoice's
        first item; when that item already has the line's level, the line stays history without new level.
        """
        orphans = self.search([("move_id", "in", moves.ids), ("move_line_id", "=", False)], order="id")
        if not orphans:
            return
        items = self.env["account.move.line"].search(
            [("move_id", "in", orphans.move_id.ids), ("display_type", "=", "payment_term")], order="date_maturity, id"
        )
        reached = {
            (line.move_line_id.id, line.level_id.id)
            for line in self.search(
                [("move_line_id", "in", items.ids), ("state", "=", "sent"), ("new_level", "=", True)]
            )
        }
        for line in orphans:
            candidates = items.filtered(lambda item, move=line.move_id: item.move_id == move)
            if not candidates:
                continue
            item = candidates.filtered(lambda item, due=line.date_maturity: item.date_maturity == due)[:1]
            item = item or candidates[:1]
            vals = {"move_line_id": item.id}
            if line.state == "sent" and line.new_level:
                if (item.id, line.level_id.id) in reached:
                    vals["new_level"] = False
                reached.add((item.id, line.level_id.id))
            line.write(vals)

    @api.model
    def _insert_run_lines(self, run, vals_list):
        """Insert the lines of a run's new reminders in one statement.

        A run writes one line per overdue item, thousands at once: the ORM would recompute every related
        field line by line, while the run already knows all of them. ``vals_list`` holds values as for ``create``
        (a key missing from some is NULL there); they are given column-wise as arrays, typed as the fields' columns.
        """
        if not vals_list:
            return
        self.env.flush_all()
        columns = self._column_types(set().union(*vals_list))
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

    @api.model
    def _column_types(self, names):
        """``{column: SQL type}`` of the fields ``names``, in the fields' order, as the ORM declared their columns;
        a name that is no stored column, or a column ``_array_literal`` cannot write, is a programming error."""
        columns = {
            name: field.column_type[1]
            for name, field in self._fields.items()
            if name in names and field.store and field.column_type
        }
        if unknown := set(names) - columns.keys():
            raise ValueError(f"fb.dunning.line has no column {sorted(unknown)}")
        if texts := sorted(name for name, sql_type in columns.items() if sql_type not in ARRAY_TYPES):
            raise ValueError(f"fb.dunning.line's run lines take no text column: {texts}")
        return columns
