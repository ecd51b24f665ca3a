import logging
from datetime import datetime

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..engine import forecast, kpi, kpi_definitions, periods
from ..engine.kpi_definitions import KPIS
from ..tools import server_side

_logger = logging.getLogger(__name__)

HISTORY_MONTHS = 12
# A founder's Refresh computes a company's figures again at most once in this interval: a second click or a second
# tab gets the figures just computed instead of scanning the ledger again.
REFRESH_INTERVAL = relativedelta(minutes=1)
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
        if not self._refreshed_recently("fb.kpi.snapshot", "write_date", self.env.company):
            self._refresh(self.env.company)
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _refreshed_recently(self, model, date_field, company):
        """Whether a founder's Refresh keeps ``company``'s rows of ``model`` as they are: computed less than
        ``REFRESH_INTERVAL`` ago, or being computed right now by another request (which holds this lock per model
        and company to the end of its transaction) rather than computed a second time behind it."""
        [(locked,)] = self.env.execute_query(
            SQL("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)", model, company.id)
        )
        if not locked:
            return True
        since = fields.Datetime.now() - REFRESH_INTERVAL
        domain = [("company_id", "=", company.id), (date_field, ">", since)]
        return bool(self.env[model].sudo().search_count(domain, limit=1))

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

    # ------------------------------------------------------------------ dashboard

    @api.model
    @api.readonly
    def get_dashboard(self, period=periods.DEFAULT_KIND, company_id=None):
        """All the dashboard in one call: each card's value, previous period, delta, trend, what it covers and
        where a click goes; the charts' monthly series and the 13-week cash forecast."""
        self.check_access("read")
        if period not in periods.KINDS:
            raise UserError(self.env._("The dashboard has no period %s.", period))
        company = self._dashboard_company(company_id)
        snapshots = self.with_company(company)
        today = fields.Date.context_today(snapshots)
        date_from, date_to = periods.period_bounds(period, today)
        previous_from, previous_to = periods.previous_period(date_from, date_to)
        Figures = snapshots.env["fb.dashboard.figures"]
        current, current_at = Figures._kpi_values(company, date_from, date_to)
        previous, previous_at = Figures._kpi_values(company, previous_from, previous_to)
        weeks, weeks_at = Figures._weeks(company, today)
        computed_at = [at for at in (current_at, previous_at, weeks_at) if at]
        cards = [definition for definition in self._kpis() if definition.card]
        history = snapshots.search_read(
            [("company_id", "=", company.id)],
            ["month", *(definition.key for definition in self._kpis())],
            order="month desc",
            limit=HISTORY_MONTHS,
        )[::-1]  # the latest twelve months, oldest first
        spans = self._span_texts(date_from, current["date_to"])
        result = []
        for definition in cards:
            key, field = definition.key, self._fields[definition.key]
            value, before = current.get(key), previous.get(key)
            difference, relative = kpi.delta(value, before)
            result.append(
                {
                    "key": key,
                    "label": field._description_string(self.env),
                    "help": field._description_help(self.env),
                    "format": definition.format,
                    "span": spans[definition.span],
                    "value": value,
                    "previous": before,
                    "delta": difference,
                    "delta_relative": relative,
                    "good": kpi.trend_is_good(value, before, definition.higher_is_better)
                    if definition.higher_is_better is not None
                    else None,
                    "trend": [None if row[key] is False else row[key] for row in history],
                    "empty_label": self._empty_label(key, current, company),
                }
            )
        return {
            "company": {"id": company.id, "name": company.name},
            "companies": [{"id": c.id, "name": c.name} for c in self.env.user.company_ids],
            "currency_id": company.currency_id.id,
            "period": period,
            "periods": self._period_kinds(),
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(current["date_to"]),
            "cards": result,
            "history": self._chart_series(history),
            "forecast": self._forecast_chart(company, weeks),
            # when the oldest figure shown was computed by the job; False: all computed now
            "computed_at": fields.Datetime.to_string(min(computed_at)) if computed_at else False,
        }

    @api.model
    def action_refresh_figures(self, company_id=None):
        """The dashboard's *Refresh*: compute the figures the job keeps for the company again, now."""
        self.check_access("write")
        company = self._dashboard_company(company_id)
        if not self._refreshed_recently("fb.dashboard.figures", "computed_at", company):
            self.env["fb.dashboard.figures"].sudo().with_company(company)._compute_ahead(company)
        return True

    def _span_texts(self, date_from, date_to):
        """What a card's figure covers, by ``KpiDefinition.span``, in the user's language and date format."""
        start, end = format_date(self.env, date_from), format_date(self.env, date_to)
        return {
            "period": self.env._("From %(date_from)s to %(date_to)s", date_from=start, date_to=end),
            "end": self.env._("On %(date)s", date=end),
            "three_months": self.env._("Monthly average of the 3 months to %(date)s", date=end),
        }

    def _chart_series(self, history):
        """The stored months as chart series: ``months`` (first days), one list per KPI (None where undefined) and
        its label, and the receivables chart's series in the order of the aging layout."""
        series = {
            definition.key: [None if row[definition.key] is False else row[definition.key] for row in history]
            for definition in self._kpis()
        }
        labels = {
            definition.key: self._fields[definition.key]._description_string(self.env) for definition in self._kpis()
        }
        return {
            "months": [fields.Date.to_string(row["month"]) for row in history],
            "series": series,
            "labels": labels,
            "aging": list(kpi_definitions.AGING_KEYS),
        }

    def _forecast_chart(self, company, weeks):
        """The 13-week cash forecast's weeks for the chart (the founder may see them: the group was checked)."""
        lowest, out = forecast.lowest_week(weeks), forecast.cash_out_week(weeks)
        return {
            "weeks": [
                {
                    "start": fields.Date.to_string(week.start),
                    "receipts": week.receipts,
                    "bills": week.bills,
                    "recurring": week.recurring,
                    "closing": week.closing,
                }
                for week in weeks
            ],
            "lowest": weeks.index(lowest),
            "cash_out": weeks.index(out) if out else None,
            "summary": self._forecast_summary(company, lowest, out),
        }

    def _forecast_summary(self, company, lowest, out):
        """One sentence: when cash runs out, or the lowest it gets."""
        amount = format_amount(self.env, lowest.closing, company.currency_id)
        if out:
            return self.env._(
                "Cash runs out in the week of %(date)s; lowest: %(amount)s.",
                date=format_date(self.env, out.start),
                amount=amount,
            )
        return self.env._(
            "Lowest cash in the next 13 weeks: %(amount)s, in the week of %(date)s.",
            amount=amount,
            date=format_date(self.env, lowest.start),
        )

    @api.model
    @api.readonly
    def get_forecast_week_action(self, week, company_id=None):
        """The invoices and bills behind week ``week`` (from 0) of the dashboard's forecast."""
        self.check_access("read")
        company = self._dashboard_company(company_id)
        if not isinstance(week, int) or not 0 <= week < forecast.FORECAST_WEEKS:
            raise UserError(self.env._("The forecast has weeks 1 to %s.", forecast.FORECAST_WEEKS))
        return (
            self.env["fb.cash.forecast"]
            .with_company(company)
            ._week_action(company, fields.Date.context_today(self), week)
        )

    @api.model
    def _dashboard_company(self, company_id):
        """The company asked for, if the user is one of its users; else the current company."""
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        return company if company in self.env.user.company_ids else self.env.company

    def _period_kinds(self):
        """``[kind, label]`` of the dashboard's periods (``engine.periods.KIND_LABELS``), in the user's language."""
        return [[kind, self.env._(label)] for kind, label in periods.KIND_LABELS.items()]

    def _empty_label(self, key, values, company):
        """What a card shows instead of "—" when the value is undefined for a known reason."""
        if key == "runway" and (values.get("burn") or 0) <= 0:
            return self.env._("Not burning")
        if key == "cac" and not company.fb_marketing_account_ids:
            return self.env._("Set up marketing accounts")
        return "—"

    @api.model
    @api.readonly
    def get_card_action(self, key, company_id=None):
        """The records behind a card, as the KPI registry says."""
        self.check_access("read")
        company = self._dashboard_company(company_id)
        definition = next((d for d in self._kpis() if d.key == key), None)
        action = definition.action if definition else kpi_definitions.HISTORY
        if action == kpi_definitions.OVERDUE_INVOICES:
            return self.env["fb.receivable"]._overdue_invoices_action(company)
        return self.env["ir.actions.act_window"]._for_xml_id(action)
