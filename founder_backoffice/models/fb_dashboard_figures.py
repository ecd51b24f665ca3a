import json
import logging
from datetime import date, datetime, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import forecast, periods
from ..tools import server_side

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
            {
                "start": week.start.isoformat(),
                "end": week.end.isoformat(),
                "receipts": week.receipts,
                "bills": week.bills,
                "recurring": week.recurring,
                "closing": week.closing,
            }
            for week in weeks
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
