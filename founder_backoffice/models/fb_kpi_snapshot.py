import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import kpi_definitions, periods
from ..engine.kpi_definitions import KPIS
from ..tools import server_side

_logger = logging.getLogger(__name__)

HISTORY_MONTHS = 12
KPI = kpi_definitions.BY_KEY


class _Undefinable:
    """A KPI figure that may be undefined ("—", e.g. no runway when not burning): ``None`` is stored as NULL and
    read as empty, where Odoo's numbers would turn it into a 0 that was never measured."""

    def convert_to_column(self, value, record, values=None, validate=True):
        return None if value is None or value is False else super().convert_to_column(value, record, values, validate)

    def convert_to_column_insert(self, value, record, values=None, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_column_insert(value, record, values, validate)

    def convert_to_cache(self, value, record, validate=True):
        return None if value is None or value is False else super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return value

    def convert_to_read(self, value, record, use_display_name=True):
        return False if value is None else super().convert_to_read(value, record, use_display_name)


class UndefinableFloat(_Undefinable, fields.Float):
    pass


class UndefinableMonetary(_Undefinable, fields.Monetary):
    pass


def kpi_field(definition):
    """The snapshot column of a KPI of the registry (``engine.kpi_definitions``), one declaration per KPI in the
    model, e.g. ``dso = kpi_field(KPI["dso"])``: label and help are the definition's; counts are integers, money
    is in company currency, the rest has one decimal, and an undefined figure is stored as NULL."""
    options = {"string": definition.label, "help": definition.help, "readonly": True}
    if definition.format == "count":
        return fields.Integer(**options)
    if definition.format == "monetary":
        return UndefinableMonetary(**options)
    return UndefinableFloat(digits=(16, 1), **options)


class FbKpiSnapshot(models.Model):
    """The founder KPIs of a company for one month, stored for the history graphs, pivots and trends.

    Refreshed every night for the last twelve months and on demand; the dashboard's figures for any period are
    computed live, the stored months only draw the trend lines.
    """

    _name = "fb.kpi.snapshot"
    _description = "Founder KPI snapshot"
    _order = "company_id, month desc"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, help="First day of the month.")
    # one column per KPI of the registry (``_kpis``; bridge modules declare theirs the same way)
    cash = kpi_field(KPI["cash"])
    runway = kpi_field(KPI["runway"])
    burn = kpi_field(KPI["burn"])
    revenue = kpi_field(KPI["revenue"])
    net_profit = kpi_field(KPI["net_profit"])
    ar_overdue = kpi_field(KPI["ar_overdue"])
    ar_overdue_share = kpi_field(KPI["ar_overdue_share"])
    dso = kpi_field(KPI["dso"])
    cei = kpi_field(KPI["cei"])
    collected = kpi_field(KPI["collected"])
    ap_due_30 = kpi_field(KPI["ap_due_30"])
    aov = kpi_field(KPI["aov"])
    new_customers = kpi_field(KPI["new_customers"])
    retention = kpi_field(KPI["retention"])
    cac = kpi_field(KPI["cac"])
    win_rate = kpi_field(KPI["win_rate"])
    pipeline = kpi_field(KPI["pipeline"])
    days_to_pay = kpi_field(KPI["days_to_pay"])
    promises_kept = kpi_field(KPI["promises_kept"])
    abnormal_count = kpi_field(KPI["abnormal_count"])
    expenses = kpi_field(KPI["expenses"])
    cash_in = kpi_field(KPI["cash_in"])
    cash_out = kpi_field(KPI["cash_out"])
    ar = kpi_field(KPI["ar"])
    ap = kpi_field(KPI["ap"])
    invoice_count = kpi_field(KPI["invoice_count"])
    invoiced = kpi_field(KPI["invoiced"])
    ar_current = kpi_field(KPI["ar_current"])
    ar_1_30 = kpi_field(KPI["ar_1_30"])
    ar_31_60 = kpi_field(KPI["ar_31_60"])
    ar_61_90 = kpi_field(KPI["ar_61_90"])
    ar_91_120 = kpi_field(KPI["ar_91_120"])
    ar_over_120 = kpi_field(KPI["ar_over_120"])
    ar_unapplied = kpi_field(KPI["ar_unapplied"])
    overdue_count = kpi_field(KPI["overdue_count"])

    _company_month_unique = models.Constraint(
        "UNIQUE(company_id, month)", "There is one KPI snapshot per company and month."
    )

    @api.model
    def _kpis(self):
        """The KPI registry: ``engine.kpi_definitions.KPIS``; a bridge module adds its own by extending this
        method with ``kpi_definitions.registry(super()._kpis(), its definitions)`` (employees with ``hr``)."""
        return kpi_definitions.registry(KPIS)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """The history list offers a column for every KPI of the registry: those its view does not place come
        as optional hidden columns."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "list":
            placed = {node.get("name") for node in arch.iter("field")}
            for definition in self._kpis():
                if definition.key not in placed:
                    etree.SubElement(arch, "field", name=definition.key, optional="hide")
        return arch, view

    @api.model
    def _values_from_kpis(self, values):
        """Snapshot field values from ``fb.kpi.compute``'s dict."""
        return {definition.key: definition.stored(values.get(definition.key)) for definition in self._kpis()}

    @api.model
    def _refresh(self, company, months=HISTORY_MONTHS):
        """Recompute the last ``months`` months of ``company`` (the current one so far included)."""
        today = fields.Date.context_today(self)
        starts = periods.month_starts(today.replace(day=1) - relativedelta(months=months - 1), today)
        existing = {snap.month: snap for snap in self._ensure_months(company, starts)}
        for start in starts:
            values = self._values_from_kpis(self.env["fb.kpi"].compute(company, start, periods.month_end(start)))
            existing[start].write(values)

    @api.model
    def _ensure_months(self, company, starts):
        """The snapshots of ``company`` for the months ``starts``, made where missing in one statement that skips
        those another transaction made: the job and a founder's Refresh may make the same months at once, and
        the second must not fail on the unique key (under Odoo's repeatable read, a month the other just
        committed makes it a serialization failure, which Odoo retries)."""
        self.check_access("create")
        self.flush_model(["company_id", "month"])
        self.env.execute_query(
            SQL(
                """INSERT INTO fb_kpi_snapshot (company_id, month, create_uid, write_uid, create_date, write_date)
                   SELECT %(company)s, month, %(uid)s, %(uid)s, %(now)s, %(now)s
                     FROM unnest(%(months)s::date[]) AS month
                       ON CONFLICT (company_id, month) DO NOTHING""",
                company=company.id,
                uid=self.env.uid,
                now=SQL("(now() at time zone 'UTC')"),
                months=list(starts),
            )
        )
        self.invalidate_model()
        return self.search([("company_id", "=", company.id), ("month", "in", list(starts))])

    def action_refresh(self):
        self.check_access("write")
        if not server_side.refreshed_recently(self.env, self._name, "write_date", self.env.company):
            self._refresh(self.env.company)
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _cron_refresh(self):
        """Nightly, each company in its own savepoint: one that fails (or that a founder's Refresh is storing right
        now) is logged and left to the next night, the others are refreshed; a call stopped by the job's time
        budget reports the companies left, which the next call refreshes."""
        companies = self.env["res.company"].search([("chart_template", "!=", False)], order="id")
        refreshed = dict(self._read_group([("company_id", "in", companies.ids)], ["company_id"], ["write_date:min"]))
        companies = companies.sorted(lambda company: refreshed.get(company) or datetime.min)
        server_side.for_each_company(
            self.env, _logger, companies, lambda company: self.with_company(company)._refresh(company), "KPI snapshots"
        )
