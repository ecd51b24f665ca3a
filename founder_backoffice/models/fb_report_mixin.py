import itertools

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..engine import periods
from ..tools.xlsx import XlsxReport, excel_date_format

_cursor_numbers = itertools.count()  # names of the SQL cursors of exports, unique within a process


class FbReportMixin(models.AbstractModel):
    """A report computed by one SQL query, shown on screen and exported as PDF and XLSX from the same rows.

    A report model is a read-only SQL view whose query depends on options (company, dates...) read from the
    context, so its list and pivot views show exactly the rows the PDF and XLSX exports are built from.
    """

    _name = "fb.report.mixin"
    _description = "Back Office report"

    _max_months = None  # the longest period of a report with a column per month

    # every report query returns these columns: the company and its currency, for the monetary columns
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)

    @api.model
    def _options(self):
        """The report options of the context, checked: a user only reports on companies they may access, and
        options that do not parse (a hand-made ``/report`` URL) are refused with a message."""
        options = self.env.context.get("fb_report_options") or {}
        if not isinstance(options, dict):
            raise UserError(self.env._("The report options are not valid."))
        options = dict(options)
        company_id = options.get("company_id") or self.env.company.id
        if not isinstance(company_id, int) or isinstance(company_id, bool):
            raise UserError(self.env._("The report options name no valid company."))
        company = self.env["res.company"].browse(company_id)
        if company not in self.env.user.company_ids:
            raise AccessError(self.env._("You cannot report on company %s.", company.sudo().display_name))
        options["company_id"] = company.id
        for key in ("as_of", "date_from", "date_to"):
            try:
                options[key] = fields.Date.to_date(options.get(key)) or fields.Date.context_today(self)
            except (TypeError, ValueError) as error:
                raise UserError(self.env._("The report option %s is not a date.", key)) from error
            if not periods.in_range(options[key]):
                raise UserError(
                    self.env._(
                        "The report dates must lie between %(first)s and %(last)s.",
                        first=periods.FIRST_DAY.isoformat(),
                        last=periods.LAST_DAY.isoformat(),
                    )
                )
        if self._max_months:
            self._check_months(options)
        partner_ids = options.get("partner_ids") or []
        if not isinstance(partner_ids, list) or not all(
            isinstance(pid, int) and not isinstance(pid, bool) for pid in partner_ids
        ):
            raise UserError(self.env._("The report options name no valid customers."))
        return options

    @api.model
    def _check_months(self, options):
        """A report with a column per month covers a period that starts before it ends, of at most
        ``_max_months`` months."""
        if options["date_from"] > options["date_to"]:
            raise UserError(self.env._("The period must start before it ends."))
        if periods.month_count(options["date_from"], options["date_to"]) > self._max_months:
            raise UserError(
                self.env._("This report covers at most %s months: choose a shorter period.", self._max_months)
            )

    @api.model
    def _readable_partners(self, column):
        """SQL condition: the partner in ``column`` is one the user may read. The reports read the accounting
        tables directly, so they apply the partners' record rules themselves; where the rules hide no partner
        from the user (the usual case) the condition is TRUE and the big exports keep their plan."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        if Partner.search_count([]) == Partner.sudo().search_count([]):
            return SQL("TRUE")
        return SQL("%s IN %s", column, Partner._search([]).subselect())

    @property
    def _table_query(self):
        self.env.flush_all()  # the query reads the accounting tables directly
        return self._query(self._options())

    @api.model
    def _query(self, options) -> SQL:
        raise NotImplementedError

    @api.model
    def _lines(self, options):
        """The report's rows as dicts, from the same query as the screen."""
        self.env.flush_all()
        return self.env.execute_query_dict(self._query(options))

    @api.model
    def _iter_lines(self, options, batch_size=5000):
        """The report's rows as dicts, read through a server-side SQL cursor ``batch_size`` rows at a time:
        an export of a hundred thousand items holds one batch in memory, not the whole result."""
        self.env.flush_all()
        cursor = SQL.identifier(f"fb_report_{next(_cursor_numbers)}")
        self.env.cr.execute(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", cursor, self._query(options)))
        while rows := self.env.execute_query_dict(SQL("FETCH FORWARD %s FROM %s", batch_size, cursor)):
            yield from rows
        # a reader that stops early leaves the cursor to the end of the transaction, which closes it
        self.env.cr.execute(SQL("CLOSE %s", cursor))

    @api.model
    def _xlsx_content(self, options):
        """The report as an XLSX file in the user's language (right to left for Arabic). Writes nothing, so the
        download route may run it on a read replica."""
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        with XlsxReport(rtl=lang.direction == "rtl", date_format=excel_date_format(lang.date_format)) as workbook:
            self._write_xlsx(workbook, options)
            return workbook.close()

    @api.model
    def _write_xlsx(self, workbook, options):
        raise NotImplementedError

    @api.model
    def _header_block(self, options, *extra):
        company = self.env["res.company"].browse(options["company_id"])
        return [
            (self.env._("Company"), company.name),
            *extra,
            (self.env._("Currency"), company.currency_id.name),
        ]
