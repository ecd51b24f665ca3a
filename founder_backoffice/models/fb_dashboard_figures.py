import json
import logging
from contextlib import nullcontext
from datetime import date, datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..engine import forecast, freshness, kpi, kpi_definitions, periods
from ..tools import server_side
from .fb_kpi_snapshot import HISTORY_MONTHS

_logger = logging.getLogger(__name__)

DATE_KEYS = ("date_from", "date_to")
FORECAST_PREFIX = "forecast:"
JOB = "founder_backoffice.ir_cron_fb_dashboard_figures"


class FbDashboardFigures(models.Model):
    """The dashboard's KPIs of every period and its 13-week forecast, computed ahead by a job.

    Reading the KPIs of a period and the forecast scans the ledger, so their cost grows with it; the dashboard
    reads them here instead, whatever the size of the ledger, and says how old they are (its *Refresh* computes
    them again now). Stale ones (``engine.freshness``) are served as they are while the job computes them again;
    only a company that has none yet has them computed by the dashboard itself.
    """

    _name = "fb.dashboard.figures"
    _description = "Founder dashboard figures computed ahead"
    _order = "company_id, key"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade", readonly=True)
    key = fields.Char(required=True, readonly=True, help="kpi:<first day>:<last day>, or forecast:<as of>.")
    data = fields.Json(required=True, readonly=True)
    # when computed, or last found current by the job (nothing they are read from written since)
    computed_at = fields.Datetime(required=True, readonly=True)

    _company_key_unique = models.Constraint(
        "UNIQUE(company_id, key)", "The dashboard keeps one set of figures per company and key."
    )

    @api.model
    def _kpi_key(self, date_from, date_to):
        return f"kpi:{date_from}:{date_to}"

    @api.model
    def _forecast_key(self, as_of):
        return f"{FORECAST_PREFIX}{as_of}"

    @api.model
    def _forecast_day(self, key):
        """The day of a forecast's key (its figures were all computed as of that day); None for a KPI's key."""
        return date.fromisoformat(key.removeprefix(FORECAST_PREFIX)) if key.startswith(FORECAST_PREFIX) else None

    @api.model
    def _stored(self, company, period):
        """``(KPIs of the period, of the period before, forecast weeks, computed_at)`` from the company's stored
        figures, whatever their age, the period taken as of the day they were computed (a new day begins before
        the job's next run); None where the company has none."""
        rows = self.search_fetch([("company_id", "=", company.id)], ["key", "data", "computed_at"])
        as_of = max(filter(None, (self._forecast_day(row.key) for row in rows)), default=None)
        if not as_of:
            return None
        stored = {row.key: row.data for row in rows}
        date_from, date_to = periods.period_bounds(period, as_of)
        keys = [
            self._kpi_key(date_from, date_to),
            self._kpi_key(*periods.previous_period(date_from, date_to)),
            self._forecast_key(as_of),
        ]
        if not all(key in stored for key in keys):
            return None
        current, previous, weeks = (stored[key] for key in keys)
        return (
            {**current, **{key: date.fromisoformat(current[key]) for key in DATE_KEYS}},
            {**previous, **{key: date.fromisoformat(previous[key]) for key in DATE_KEYS}},
            [
                forecast.Week(
                    **{**week, "start": date.fromisoformat(week["start"]), "end": date.fromisoformat(week["end"])}
                )
                for week in weeks
            ],
            min(rows.mapped("computed_at")),
        )

    @api.model
    def _computed_now(self, company, period, today):
        """What ``_stored`` gives, computed now as of ``today`` (``computed_at`` None: not stored)."""
        date_from, date_to = periods.period_bounds(period, today)
        Kpi = self.env["fb.kpi"]
        return (
            Kpi.compute(company, date_from, date_to),
            Kpi.compute(company, *periods.previous_period(date_from, date_to)),
            self.env["fb.cash.forecast"]._weeks(company, today),
            None,
        )

    @api.model
    def _ask_refresh(self):
        """Ask the figures job for a run now, unless one is asked already; nobody waits for it. The run computes
        again the figures of every company that needs it (``_cron_compute_ahead``), this one's included.

        A run asked stays asked until it ends (ir.cron deletes a run's triggers when the run commits), so the
        founders who open the dashboard meanwhile ask nothing more; the lock makes two asking at once ask once.
        The dashboard's transaction is read-only (on a replica where there is one): the trigger is written in a
        transaction of its own, as Odoo writes a session's device from a read-only request."""
        job = self.env["ir.cron"].sudo().browse(self.env["ir.model.data"]._xmlid_to_res_id(JOB))
        if self._asked(job):
            return False
        if self.env.cr.readonly:
            self.env.cr.rollback()
            cursor = self.env.registry.cursor()
        else:
            cursor = nullcontext(self.env.cr)
        with cursor as cr:
            job = job.with_env(job.env(cr=cr))
            [(locked,)] = job.env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)", JOB, job.id))
            if not locked or self._asked(job):
                return False
            job._trigger()
            return True

    @api.model
    def _asked(self, job):
        """Whether a run of ``job`` is asked for now and has not ended."""
        return bool(
            job.env["ir.cron.trigger"].search_count(
                [("cron_id", "=", job.id), ("call_at", "<=", fields.Datetime.now())], limit=1
            )
        )

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
    def _mark_current(self, company, checked_at):
        """Mark ``company``'s figures current at ``checked_at``: nothing they are read from changed since they were
        computed (unless a Refresh stored them since)."""
        self.flush_model()
        self.env.execute_query(
            SQL(
                "UPDATE fb_dashboard_figures SET computed_at = %s WHERE company_id = %s AND computed_at < %s",
                checked_at,
                company.id,
                checked_at,
            )
        )
        self.invalidate_model(["computed_at"])

    @api.model
    def _latest_changes(self, since):
        """``{company id: latest write_date}`` of the records the figures are read from (``fb.kpi._input_models``)
        written after ``since``, in one query; the key None holds records of no company, which count for all."""
        parts = []
        for name in self.env["fb.kpi"]._input_models():
            Model = self.env[name]
            field = Model._fields.get("company_id")
            if name == "res.company":
                column = SQL.identifier("id")
            elif field and field.store and field.type == "many2one":
                column = SQL.identifier("company_id")
            else:
                column = SQL("NULL::int")
            parts.append(
                SQL(
                    "SELECT %s AS company, MAX(write_date) AS latest FROM %s WHERE write_date > %s GROUP BY 1",
                    column,
                    SQL.identifier(Model._table),
                    since,
                )
            )
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL("SELECT company, MAX(latest) FROM (%s) changes GROUP BY company", SQL(" UNION ALL ").join(parts))
        )
        return dict(rows)

    @api.model
    def _cron_compute_ahead(self):
        """Every 15 minutes, and when a founder's dashboard serves stale figures (``_ask_refresh``): each company's
        figures are computed again where ``engine.freshness.must_compute`` says so (none yet, of another day, or
        something they are read from written since), and only marked current otherwise. Each company in its own
        savepoint: one that fails (or that a founder's Refresh is storing right now) is logged and left to the next
        call. The stalest go first, so that a call stopped by the job's time budget is followed by one that goes on
        with the others."""
        # every company with accounting, whichever companies the job's user belongs to
        companies = self.env["res.company"].sudo().search([("chart_template", "!=", False)], order="id")
        Figures = self.sudo()
        today = fields.Date.context_today(Figures)
        checked_at = fields.Datetime.now()
        stored = {
            row.company_id: (self._forecast_day(row.key), row.computed_at)
            for row in Figures.search_fetch(
                [("company_id", "in", companies.ids), ("key", "=like", f"{FORECAST_PREFIX}%")],
                ["company_id", "key", "computed_at"],
                order="computed_at",
            )
        }
        oldest = min((computed_at for _as_of, computed_at in stored.values()), default=None)
        changes = Figures._latest_changes(freshness.changes_since(oldest)) if oldest else {}

        def refresh(company):
            as_of, computed_at = stored.get(company, (None, None))
            latest = max((changes[key] for key in (company.id, None) if key in changes), default=None)
            changed = bool(computed_at and latest and latest > freshness.changes_since(computed_at))
            if freshness.must_compute(as_of, today, changed):
                self.with_company(company)._compute_ahead(company)
            else:
                Figures._mark_current(company, checked_at)

        server_side.for_each_company(
            self.env,
            _logger,
            companies.sorted(lambda company: stored.get(company, (None, datetime.min))[1]),
            refresh,
            "dashboard figures",
        )

    # ------------------------------------------------------------------ dashboard

    @api.model
    @api.readonly
    def get_dashboard(self, period=periods.DEFAULT_KIND, company_id=None):
        """All the dashboard in one call: each card's value, previous period, delta, trend, what it covers and
        where a click goes; the charts' monthly series, the 13-week cash forecast and its accuracy so far. The
        figures are the job's, whatever their age (``computed_at``, ``age`` in seconds; ``stale``: the job is asked
        to compute them again), or computed now where the company has none yet."""
        self.check_access("read")
        if period not in periods.KINDS:
            raise UserError(self.env._("The dashboard has no period %s.", period))
        company = self._dashboard_company(company_id)
        figures = self.with_company(company)
        snapshots = figures.env["fb.kpi.snapshot"]
        kpis = snapshots._kpis()
        today = fields.Date.context_today(figures)
        current, previous, weeks, computed_at = figures._stored(company, period) or figures._computed_now(
            company, period, today
        )
        now = fields.Datetime.now()
        stale = bool(computed_at) and freshness.is_stale(computed_at, now)
        cards = [definition for definition in kpis if definition.card]
        history = snapshots.search_read(
            [("company_id", "=", company.id)],
            ["month", *(definition.key for definition in kpis)],
            order="month desc",
            limit=HISTORY_MONTHS,
        )[::-1]  # the latest twelve months, oldest first
        spans = self._span_texts(current["date_from"], current["date_to"])
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
        dashboard = {
            "company": {"id": company.id, "name": company.name},
            "companies": [{"id": c.id, "name": c.name} for c in self.env.user.company_ids],
            "currency_id": company.currency_id.id,
            "period": period,
            "periods": self._period_kinds(),
            "date_from": fields.Date.to_string(current["date_from"]),
            "date_to": fields.Date.to_string(current["date_to"]),
            "cards": result,
            "history": self._chart_series(kpis, history),
            "forecast": self._forecast_chart(company, weeks),
            "accuracy": figures.env["fb.forecast.accuracy"]._accuracy_chart(company),
            # when the figures shown were computed, or last found current; False: computed now
            "computed_at": fields.Datetime.to_string(computed_at) if computed_at else False,
            "age": max(0, int((now - computed_at).total_seconds())) if computed_at else 0,
            "stale": stale,
        }
        if stale or not computed_at:
            # last: asking may end this read-only transaction
            figures._ask_refresh()
        return dashboard

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
