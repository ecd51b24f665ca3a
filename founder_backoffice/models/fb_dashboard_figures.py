import json
import logging
from datetime import date, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..engine import forecast, kpi, kpi_definitions, periods
from ..tools import server_side
from .fb_kpi_snapshot import HISTORY_MONTHS

_logger = logging.getLogger(__name__)

# Figures older than this are computed again when the dashboard opens; the job computes them every 15 minutes.
MAX_AGE = timedelta(minutes=30)
DATE_KEYS = ("date_from", "date_to")


class FbDashboardFigures(models.Model):
    """The dashboard's KPIs of every period and its 13-week forecast, computed ahead by a job.

    Reading the KPIs of a period and the forecast scans the ledger, so their cost grows with it; the dashboard
    reads them here instead, whatever the size of the ledger, and says how old they are (its *Refresh* computes
    them again now). Where they are missing or older than ``MAX_AGE`` (the job does not run, a new day began) the
    dashboard computes them itself.
    """

    _name = "fb.dashboard.figures"
    _description = "Founder dashboard figures computed ahead"
    _order = "company_id, key"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade", readonly=True)
    key = fields.Char(required=True, readonly=True, help="kpi:<first day>:<last day>, or forecast:<as of>.")
    data = fields.Json(required=True, readonly=True)
    computed_at = fields.Datetime(required=True, readonly=True)

    _company_key_unique = models.Constraint(
        "UNIQUE(company_id, key)", "The dashboard keeps one set of figures per company and key."
    )

    @api.model
    def _kpi_key(self, date_from, date_to):
        return f"kpi:{date_from}:{date_to}"

    @api.model
    def _forecast_key(self, as_of):
        return f"forecast:{as_of}"

    @api.model
    def _fresh(self, company, key):
        """``(data, computed_at)`` of ``key`` if computed less than ``MAX_AGE`` ago, else ``(None, None)``."""
        figures = self.search_fetch(
            [("company_id", "=", company.id), ("key", "=", key), ("computed_at", ">", fields.Datetime.now() - MAX_AGE)],
            ["data", "computed_at"],
            limit=1,
        )
        return (figures.data, figures.computed_at) if figures else (None, None)

    @api.model
    def _kpi_values(self, company, date_from, date_to):
        """``(fb.kpi.compute's values, when computed)``: the job's if fresh (``computed_at`` set), else now (None)."""
        data, computed_at = self._fresh(company, self._kpi_key(date_from, date_to))
        if data is None:
            return self.env["fb.kpi"].compute(company, date_from, date_to), None
        return {**data, **{key: date.fromisoformat(data[key]) for key in DATE_KEYS}}, computed_at

    @api.model
    def _weeks(self, company, as_of):
        """``(the forecast's weeks, when computed)``, like ``_kpi_values``."""
        data, computed_at = self._fresh(company, self._forecast_key(as_of))
        if data is None:
            return self.env["fb.cash.forecast"]._weeks(company, as_of), None
        return [
            forecast.Week(
                **{**week, "start": date.fromisoformat(week["start"]), "end": date.fromisoformat(week["end"])}
            )
            for week in data
        ], computed_at

    @api.model
    def _compute_ahead(self, company):
        """Compute and store the KPIs of every dashboard period (and of the period before it) and the forecast, as
        of today in the company's users' time zone."""
        Snapshot = self.env["fb.kpi.snapshot"].with_company(company)
        today = fields.Date.context_today(Snapshot)
        ranges = set()
        for kind in periods.KINDS:
            bounds = periods.period_bounds(kind, today)
            ranges |= {bounds, periods.previous_period(*bounds)}
        now = fields.Datetime.now()
        data = {}
        for date_from, date_to in sorted(ranges):
            values = Snapshot.env["fb.kpi"].compute(company, date_from, date_to)
            data[self._kpi_key(date_from, date_to)] = {
                **values,
                **{key: values[key].isoformat() for key in DATE_KEYS},
            }
        weeks = Snapshot.env["fb.cash.forecast"]._weeks(company, today)
        data[self._forecast_key(today)] = [
            {"start": week.start.isoformat(), "end": week.end.isoformat(), **week.amounts()} for week in weeks
        ]
        self._store(company, data, now)

    @api.model
    def _store(self, company, data, now):
        """Store ``{key: data}`` of ``company`` in one upsert, and drop its other keys: the job and a founder's
        Refresh may store the same keys at once, and the second must not fail on the unique key (under Odoo's
        repeatable read, a row the other just committed makes it a serialization failure, which Odoo retries)."""
        self.flush_model()
        self.env.execute_query(
            SQL(
                """INSERT INTO fb_dashboard_figures AS figures
                          (company_id, key, data, computed_at, create_uid, write_uid, create_date, write_date)
                   SELECT %(company)s, rows.key, rows.data, %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                     FROM unnest(%(keys)s::varchar[], %(data)s::jsonb[]) AS rows(key, data)
                       ON CONFLICT (company_id, key) DO UPDATE
                      SET data = EXCLUDED.data, computed_at = EXCLUDED.computed_at,
                          write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date""",
                company=company.id,
                now=now,
                uid=self.env.uid,
                keys=list(data),
                data=[json.dumps(values) for values in data.values()],
            )
        )
        self.env.execute_query(
            SQL(
                "DELETE FROM fb_dashboard_figures WHERE company_id = %s AND NOT (key = ANY(%s::varchar[]))",
                company.id,
                list(data),
            )
        )
        self.invalidate_model()

    @api.model
    def _cron_compute_ahead(self):
        """Every 15 minutes, each company in its own savepoint: one that fails (or that a founder's Refresh is
        storing right now) is logged and left to the next call, the others are computed. The stalest go first,
        so that a call stopped by the job's time budget is followed by one that goes on with the others."""
        # every company with accounting, whichever companies the job's user belongs to
        companies = self.env["res.company"].sudo().search([("chart_template", "!=", False)], order="id")
        computed = dict(
            self.sudo()._read_group([("company_id", "in", companies.ids)], ["company_id"], ["computed_at:min"])
        )
        companies = companies.sorted(lambda company: computed.get(company) or datetime.min)
        server_side.for_each_company(
            self.env,
            _logger,
            companies,
            lambda company: self.with_company(company)._compute_ahead(company),
            "dashboard figures",
        )

    # ------------------------------------------------------------------ dashboard

    @api.model
    @api.readonly
    def get_dashboard(self, period=periods.DEFAULT_KIND, company_id=None):
        """All the dashboard in one call: each card's value, previous period, delta, trend, what it covers and
        where a click goes; the charts' monthly series, the 13-week cash forecast and its accuracy so far."""
        self.check_access("read")
        if period not in periods.KINDS:
            raise UserError(self.env._("The dashboard has no period %s.", period))
        company = self._dashboard_company(company_id)
        figures = self.with_company(company)
        snapshots = figures.env["fb.kpi.snapshot"]
        kpis = snapshots._kpis()
        today = fields.Date.context_today(figures)
        date_from, date_to = periods.period_bounds(period, today)
        previous_from, previous_to = periods.previous_period(date_from, date_to)
        current, current_at = figures._kpi_values(company, date_from, date_to)
        previous, previous_at = figures._kpi_values(company, previous_from, previous_to)
        weeks, weeks_at = figures._weeks(company, today)
        computed_at = [at for at in (current_at, previous_at, weeks_at) if at]
        cards = [definition for definition in kpis if definition.card]
        history = snapshots.search_read(
            [("company_id", "=", company.id)],
            ["month", *(definition.key for definition in kpis)],
            order="month desc",
            limit=HISTORY_MONTHS,
        )[::-1]  # the latest twelve months, oldest first
        spans = self._span_texts(date_from, current["date_to"])
        result = []
        for definition in cards:
            key, field = definition.key, snapshots._fields[definition.key]
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
            "history": self._chart_series(kpis, history),
            "forecast": self._forecast_chart(company, weeks),
            "accuracy": figures.env["fb.forecast.accuracy"]._accuracy_chart(company),
            # when the oldest figure shown was computed by the job; False: all computed now
            "computed_at": fields.Datetime.to_string(min(computed_at)) if computed_at else False,
        }

    @api.model
    def action_refresh_figures(self, company_id=None):
        """The dashboard's *Refresh*: compute the figures the job keeps for the company again, now (whoever may
        read them may have them computed; they are stored as the superuser)."""
        self.check_access("read")
        company = self._dashboard_company(company_id)
        if not server_side.refreshed_recently(self.env, self._name, "computed_at", company):
            self.sudo().with_company(company)._compute_ahead(company)
        return True

    def _span_texts(self, date_from, date_to):
        """What a card's figure covers, by ``KpiDefinition.span``, in the user's language and date format."""
        start, end = format_date(self.env, date_from), format_date(self.env, date_to)
        return {
            "period": self.env._("From %(date_from)s to %(date_to)s", date_from=start, date_to=end),
            "end": self.env._("On %(date)s", date=end),
            "three_months": self.env._("Monthly average of the 3 months to %(date)s", date=end),
        }

    def _chart_series(self, kpis, history):
        """The stored months as chart series: ``months`` (first days), one list per KPI (None where undefined) and
        its label, and the receivables chart's series in the order of the aging layout."""
        fields_ = self.env["fb.kpi.snapshot"]._fields
        series = {
            definition.key: [None if row[definition.key] is False else row[definition.key] for row in history]
            for definition in kpis
        }
        labels = {definition.key: fields_[definition.key]._description_string(self.env) for definition in kpis}
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
            "weeks": [{"start": fields.Date.to_string(week.start), **week.amounts()} for week in weeks],
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
        definition = next((d for d in self.env["fb.kpi.snapshot"]._kpis() if d.key == key), None)
        action = definition.action if definition else kpi_definitions.HISTORY
        if action == kpi_definitions.OVERDUE_INVOICES:
            return self.env["fb.receivable"]._overdue_invoices_action(company)
        return self.env["ir.actions.act_window"]._for_xml_id(action)
