from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..engine import aging
from ..tools.xlsx import Column

LIMITS = len(aging.DEFAULT_LIMITS)  # the report's columns are fields: four limits, whichever days they are
# the field of each series of ``aging.series``: Not due, the four ranges, over the last limit, unapplied credits
SERIES_FIELDS = (*(f"bucket_{index}" for index in range(LIMITS + 2)), aging.UNAPPLIED)


class FbAgingReport(models.Model):
    """Open receivable or payable items as of any date, by age bucket (scadenzario, أعمار الديون).

    The items and their residuals at the as-of date are ``fb.receivable``'s open items (rebuilt from the
    reconciliations for a past date). One SQL query gives every item of the report; its joins that only add
    names are LEFT JOINs on keys that are never empty, so that PostgreSQL drops them when a grouped view does
    not read those names.
    """

    _name = "fb.aging.report"
    _inherit = ["fb.report.mixin"]
    _description = "Aging report item"
    _auto = False
    _order = "partner_name, date_maturity, id"

    partner_id = fields.Many2one("res.partner", readonly=True)
    partner_name = fields.Char(readonly=True)
    move_id = fields.Many2one("account.move", "Journal entry", readonly=True)
    document = fields.Char(readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date("Due date", readonly=True)
    days_overdue = fields.Integer("Days past due", readonly=True)
    amount_residual = fields.Monetary("Total", readonly=True)
    bucket_0 = fields.Monetary("Not due", readonly=True)
    bucket_1 = fields.Monetary("1-30", readonly=True)
    bucket_2 = fields.Monetary("31-60", readonly=True)
    bucket_3 = fields.Monetary("61-90", readonly=True)
    bucket_4 = fields.Monetary("91-120", readonly=True)
    bucket_5 = fields.Monetary("Over 120", readonly=True)
    unapplied = fields.Monetary(
        "Unapplied credits",
        readonly=True,
        help="Open credit notes and payments not yet matched with an invoice, whatever their date.",
    )

    @api.model
    def _options(self):
        options = super()._options()
        options["kind"] = options.get("kind") or "receivable"
        if options["kind"] not in ("receivable", "payable"):
            raise UserError(self.env._("An aging report is of receivables or of payables."))
        if options["kind"] == "payable" and not self.env.user.has_groups(
            "founder_backoffice.group_founder,account.group_account_manager"
        ):
            raise AccessError(self.env._("Only a founder or an accounting administrator sees the aged payables."))
        options["limits"] = self._report_limits(options)
        return options

    @api.model
    def _report_limits(self, options):
        """The four bucket limits of the report options, checked (the defaults when there are none)."""
        limits = options.get("limits") or aging.DEFAULT_LIMITS
        if not isinstance(limits, (list, tuple)) or len(limits) != LIMITS:
            raise UserError(self.env._("The aging report has four bucket limits."))
        return self._checked_limits(limits)

    @api.model
    def _checked_limits(self, limits):
        """The bucket limits as days, or a message when they are not positive and increasing (the wizard's form
        and a hand-made ``/report`` URL alike)."""
        try:
            return aging.validate_limits(limits)
        except (TypeError, ValueError, OverflowError) as error:  # OverflowError: an infinite limit
            raise ValidationError(
                self.env._("The bucket limits must be positive numbers of days, each larger than the previous.")
            ) from error

    @api.model
    def _series_conditions(self, limits, residual, days):
        """``[(series key, SQL condition)]`` of the aging layout ``aging.series(limits)`` on an item's ``residual``
        and ``days`` past due: the one SQL form of the layout, for this report and the dashboard's KPIs."""
        conditions = []
        for key, low, high in aging.series(limits):
            if key == aging.UNAPPLIED:
                condition = SQL("%s < 0", residual)
            elif low is None:
                condition = SQL("%s > 0 AND %s <= %s", residual, days, high)
            elif high is None:
                condition = SQL("%s > 0 AND %s >= %s", residual, days, low)
            else:
                condition = SQL("%s > 0 AND %s BETWEEN %s AND %s", residual, days, low, high)
            conditions.append((key, condition))
        return conditions

    @api.model
    def _query(self, options):
        buckets = [
            SQL("CASE WHEN %s THEN residual ELSE 0 END AS %s", condition, SQL.identifier(name))
            for name, (_key, condition) in zip(
                SERIES_FIELDS, self._series_conditions(options["limits"], SQL("residual"), SQL("days")), strict=True
            )
        ]
        return SQL(
            """
            WITH aged AS (
                SELECT items.*, (%(as_of)s::date - date_maturity) AS days FROM (%(items)s) items
            )
            SELECT aged.id, aged.company_id, aged.currency_id, aged.partner_id,
                   COALESCE(p.name, '') AS partner_name, aged.move_id, move.name AS document,
                   aged.date, aged.date_maturity,
                   aged.days AS days_overdue, aged.residual AS amount_residual, %(buckets)s
              FROM aged
         LEFT JOIN res_partner p ON p.id = aged.partner_id
         LEFT JOIN account_move move ON move.id = aged.move_id
            """,
            items=self.env["fb.receivable"]._open_items_query(
                [options["company_id"]],
                options["as_of"],
                options["kind"],
                SQL("(aml.partner_id IS NULL OR %s)", self._readable_partners(SQL("aml.partner_id"))),
            ),
            as_of=options["as_of"],
            buckets=SQL(", ").join(buckets),
        )

    @api.model
    def _formatted_read_group_with_length(self, domain, groupby, aggregates, offset=0, limit=None, order=None):
        """A page of groups and their number from one pass over the open items.

        The list view asks for a page of groups, and the web client's default then aggregates every group past
        the page again just to count them: two passes over the items of the query. Here all the groups are
        aggregated once (one per partner or period: thousands at most) and the page is cut from them; only the
        page's group values are read for their names.
        """
        groupby = tuple(groupby)
        if not limit or self.env.context.get("fill_temporal") or self._web_read_group_field_expand(groupby):
            return super()._formatted_read_group_with_length(domain, groupby, aggregates, offset, limit, order)
        aggregates = tuple(spec.replace(":recordset", ":array_agg") for spec in aggregates)
        rows = self._read_group(domain, groupby, aggregates, order=order or ", ".join(groupby))
        columns = list(zip(*rows[offset : offset + limit], strict=True))
        for index, values in enumerate(columns[: len(groupby)]):
            if values and isinstance(values[0], models.BaseModel):
                prefetch = tuple(record_id for value in values for record_id in value._ids)
                columns[index] = [value.with_prefetch(prefetch) for value in values]
        return self._web_read_group_format(groupby, aggregates, list(zip(*columns, strict=True))), len(rows)

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Bucket columns are labelled after the limits of the report being shown."""
        result = super().fields_get(allfields, attributes)
        options = self.env.context.get("fb_report_options") or {}
        if not isinstance(options, dict):
            raise UserError(self.env._("The report options are not valid."))
        for name, label in zip(SERIES_FIELDS, self._bucket_labels(self._report_limits(options)), strict=True):
            if name in result and "string" in result[name]:
                result[name]["string"] = label
        return result

    @api.model
    def _bucket_labels(self, limits):
        """The column title of each series of the layout, in the user's language."""
        labels = []
        for key, low, high in aging.series(limits):
            if key == aging.UNAPPLIED:
                labels.append(self.env._("Unapplied credits"))
            elif low is None:
                labels.append(self.env._("Not due"))
            elif high is None:
                labels.append(self.env._("Over %s", low - 1))
            else:
                labels.append(f"{low}-{high}")
        return labels

    @api.model
    def _summary(self, lines):
        """Per partner totals of the item lines, in partner name order: ``[(partner name, [buckets], total)]``."""
        summary = {}
        for line in lines:
            self._add_to_summary(summary, line)
        return self._summary_rows(summary)

    @api.model
    def _add_to_summary(self, summary, line):
        row = summary.setdefault(line["partner_name"] or self.env._("No partner"), [0.0] * len(SERIES_FIELDS))
        for index, name in enumerate(SERIES_FIELDS):
            row[index] += line[name]

    @api.model
    def _summary_rows(self, summary):
        return [(name, buckets, sum(buckets)) for name, buckets in sorted(summary.items())]

    @api.model
    def _title(self, options):
        return self.env._("Aged receivables") if options["kind"] == "receivable" else self.env._("Aged payables")

    @api.model
    def _write_xlsx(self, workbook, options):
        """Summary sheet first, detail second; the detail is streamed and the summary summed on the way, then
        written (each sheet keeps its own rows, so the first can be filled last)."""
        company = self.env["res.company"].browse(options["company_id"])
        labels = self._bucket_labels(options["limits"])
        header = self._header_block(options, (self.env._("As of"), options["as_of"]))
        digits = company.currency_id.decimal_places
        title = self._title(options)
        summary_sheet = workbook.add_sheet(self.env._("Summary"), title, header)
        detail_columns = [
            Column("partner_name", self.env._("Partner")),
            Column("document", self.env._("Document")),
            Column("date", self.env._("Date"), "date"),
            Column("date_maturity", self.env._("Due date"), "date"),
            Column("days_overdue", self.env._("Days past due"), "integer"),
            *(
                Column(name, label, "amount", total=True, blank_zero=True)
                for name, label in zip(SERIES_FIELDS, labels, strict=True)
            ),
            Column("amount_residual", self.env._("Total"), "amount", total=True),
        ]
        summary = {}

        def summed(lines):
            for line in lines:
                self._add_to_summary(summary, line)
                yield line

        workbook.add_sheet(self.env._("Detail"), title, header).add_table(
            detail_columns,
            summed(self._iter_lines(options)),
            digits=digits,
            totals_label=self.env._("Total"),
        )
        summary_columns = (
            [Column(0, self.env._("Partner"))]
            + [Column(index + 1, label, "amount", total=True, blank_zero=True) for index, label in enumerate(labels)]
            + [Column(len(SERIES_FIELDS) + 1, self.env._("Total"), "amount", total=True)]
        )
        summary_sheet.add_table(
            summary_columns,
            ([name, *buckets, total] for name, buckets, total in self._summary_rows(summary)),
            digits=digits,
            totals_label=self.env._("Total"),
        )
