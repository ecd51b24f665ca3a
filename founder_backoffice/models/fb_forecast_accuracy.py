import logging

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..engine import forecast, forecast_accuracy
from ..tools import server_side

_logger = logging.getLogger(__name__)

FROZEN_ON_HELP = (
    "The forecast was made as of the end of this day, a Sunday: the last full day of the ledger before its first week."
)
HORIZON_HELP = (
    "How many weeks before the week the forecast was made: 1 is the forecast of the Sunday before the week, 13 the "
    "forecast made a quarter before. Compare one horizon at a time: each week is forecast once per horizon."
)
DIFFERENCE_HELP = "Negative: less came in than expected."
RECEIVED_HELP = (
    "What the customers paid during the week on the receivables that were open when the forecast was made (the "
    "forecast covers only those), filled in once the week is over."
)
BACKFILLED_HELP = (
    "Made when the Back Office was installed, as of a past Sunday, so that the accuracy shows from the first day: "
    "that forecast used the promises to pay and payment plans of the install day, not those known that Sunday."
)


class FbForecastAccuracy(models.Model):
    """A week of the 13-week receipts forecast as it was frozen, and what came in that week.

    Every Monday a job freezes each company's forecast (``engine.forecast_accuracy``): one row per forecast week,
    with the expected receipts and their 80 % range, and the expected receipts per customer grade as lines. Once
    the week is over the job fills in what came in. Written by the job only: founders read.
    """

    _name = "fb.forecast.accuracy"
    _description = "Frozen forecast week and what came in"
    _order = "week_start desc, horizon"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    frozen_on = fields.Date("Forecast as of", required=True, readonly=True, help=FROZEN_ON_HELP)
    horizon = fields.Integer("Weeks ahead", required=True, readonly=True, aggregator=False, help=HORIZON_HELP)
    week_start = fields.Date("Week from", required=True, readonly=True)
    week_end = fields.Date("Week to", required=True, readonly=True)
    expected = fields.Monetary("Expected receipts", readonly=True)
    expected_low = fields.Monetary(
        "Expected receipts, low", readonly=True, aggregator=False, help="The low end of the 80 % range of the week."
    )
    expected_high = fields.Monetary(
        "Expected receipts, high", readonly=True, aggregator=False, help="The high end of the 80 % range of the week."
    )
    received = fields.Monetary(readonly=True, help=RECEIVED_HELP)
    difference = fields.Monetary("Received - expected", compute="_compute_difference", store=True, help=DIFFERENCE_HELP)
    in_range = fields.Boolean("Inside the 80 % range", readonly=True)
    is_finished = fields.Boolean("Week over", readonly=True)
    is_backfilled = fields.Boolean("Backfilled", readonly=True, help=BACKFILLED_HELP)
    line_ids = fields.One2many("fb.forecast.accuracy.line", "accuracy_id", "Per customer grade", readonly=True)

    _company_week_unique = models.Constraint(
        "UNIQUE(company_id, frozen_on, horizon)", "A company's forecast is frozen once a week."
    )

    @api.depends("expected", "received", "is_finished")
    def _compute_difference(self):
        for week in self:
            week.difference = forecast_accuracy.difference(week.expected, week.received, week.is_finished)

    @api.depends("week_start", "frozen_on")
    def _compute_display_name(self):
        for week in self:
            week.display_name = self.env._(
                "Week of %(date)s as forecast on %(frozen_on)s",
                date=format_date(self.env, week.week_start),
                frozen_on=format_date(self.env, week.frozen_on),
            )

    # ------------------------------------------------------------------ the job

    @api.model
    def _cron_freeze_forecast(self):
        """Every Monday, each company in its own savepoint: freeze this week's forecast (once: a second call, or
        one running at the same time, stores nothing more) and fill in what came in during the weeks now over."""
        companies = self.env["res.company"].sudo().search([("chart_template", "!=", False)], order="id")
        server_side.for_each_company(
            self.env,
            _logger,
            companies,
            lambda company: self.sudo().with_company(company)._freeze_week(company),
            "forecast freeze",
        )

    @api.model
    def _backfill(self):
        """The forecast frozen as of the last 13 Sundays of every company with accounting, so that its accuracy shows
        from the first day (install, and the upgrade that brought it): a company whose backfill fails is logged and
        left to the weekly job."""
        for company in self.env["res.company"].sudo().search([("chart_template", "!=", False)], order="id"):
            server_side.isolated(
                self.env,
                _logger,
                lambda company=company: self.sudo().with_company(company)._freeze_week(company, backfill=True),
                "Freezing the past forecasts of %s failed",
                company.name,
            )

    @api.model
    def _freeze_week(self, company, backfill=False):
        """This week's freeze of ``company`` (and, with ``backfill``, the ``BACKFILL_WEEKS`` before it), then what
        came in during the finished weeks."""
        today = fields.Date.context_today(self)
        days = forecast_accuracy.backfill_days(today) if backfill else [forecast_accuracy.freeze_day(today)]
        last = forecast_accuracy.freeze_day(today)
        for day in days:
            self._freeze(company, day, backfilled=day < last)
        self._fill_received(company, today)

    @api.model
    def _grades(self, company, as_of, partner_ids):
        """``{commercial partner id: grade or None}`` as of ``as_of`` (``engine.forecast.payment_profile``)."""
        by_partner = self.env["fb.payment.habit"]._histories(company, as_of, partner_ids)
        return {partner: forecast.payment_profile(by_partner.get(partner, ())).grade for partner in partner_ids}

    @api.model
    def _freeze(self, company, frozen_on, backfilled=False):
        """Store the forecast of ``company`` as of ``frozen_on``: its weeks with their range, and per customer grade.
        The weeks are inserted in one statement that skips those already stored, so that a second job, or two at
        once, store nothing more (under Odoo's repeatable read, rows another transaction just committed make it a
        serialization failure, which the job logs and leaves). Returns the weeks stored now."""
        items = self.env["fb.payment.habit"]._receipt_forecasts(company, frozen_on)
        weeks = forecast.weekly_forecast(frozen_on, 0.0, items, [], 0.0)
        frozen = forecast_accuracy.frozen_weeks(frozen_on, len(weeks))
        rounded = company.currency_id.round
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """INSERT INTO fb_forecast_accuracy AS week
                          (company_id, frozen_on, horizon, week_start, week_end, expected, expected_low,
                           expected_high, received, difference, in_range, is_finished, is_backfilled,
                           create_uid, write_uid, create_date, write_date)
                   SELECT %(company)s, %(frozen_on)s, rows.horizon, rows.week_start, rows.week_end, rows.expected,
                          rows.low, rows.high, 0, 0, FALSE, FALSE, %(backfilled)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                     FROM unnest(%(horizons)s::int[], %(starts)s::date[], %(ends)s::date[], %(expected)s::numeric[],
                                 %(low)s::numeric[], %(high)s::numeric[])
                          AS rows(horizon, week_start, week_end, expected, low, high)
                       ON CONFLICT (company_id, frozen_on, horizon) DO NOTHING
                RETURNING id, horizon""",
                company=company.id,
                frozen_on=frozen_on,
                backfilled=backfilled,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                horizons=[week.horizon for week in frozen],
                starts=[week.start for week in frozen],
                ends=[week.end for week in frozen],
                expected=[rounded(week.receipts) for week in weeks],
                low=[rounded(week.receipts_low) for week in weeks],
                high=[rounded(week.receipts_high) for week in weeks],
            )
        )
        self.invalidate_model()
        if not rows:
            return self.browse()
        by_horizon = {horizon: week_id for week_id, horizon in rows}
        grades = self._grades(company, frozen_on, {item.partner for item in items})
        by_grade = forecast_accuracy.expected_by_grade(items, grades, len(weeks))
        self.env["fb.forecast.accuracy.line"].create(
            [
                {"accuracy_id": by_horizon[week.horizon], "grade": grade, "expected": expected[index]}
                for grade, expected in sorted(by_grade.items())
                for index, week in enumerate(frozen)
                if week.horizon in by_horizon
            ]
        )
        return self.browse(sorted(by_horizon.values()))

    @api.model
    def _fill_received(self, company, today):
        """Fill in what came in during the weeks over by ``today``: those not filled yet, and again those over
        for less than ``RESTATED_DAYS`` (a bank statement reconciled late still counts)."""
        Line = self.env["fb.forecast.accuracy.line"]
        restated = today - forecast_accuracy.RESTATED_DAYS
        weeks = self.search(
            [
                ("company_id", "=", company.id),
                ("week_end", "<", today),
                "|",
                ("is_finished", "=", False),
                ("week_end", ">=", restated),
            ]
        )
        for frozen_on in sorted(set(weeks.mapped("frozen_on"))):
            of_freeze = weeks.filtered(lambda week, frozen_on=frozen_on: week.frozen_on == frozen_on)
            payments = self._payments(company, frozen_on, max(of_freeze.mapped("week_end")))
            grades = self._grades(company, frozen_on, {partner for partner, _day, _amount in payments})
            received = forecast_accuracy.received_by_grade(payments, frozen_on, grades)
            for week in of_freeze:
                index = week.horizon - 1
                lines = {line.grade: line for line in week.line_ids}
                for grade in set(lines) | set(received):
                    amount = received[grade][index] if grade in received else 0.0
                    if grade in lines:
                        lines[grade].received = amount
                    elif amount:  # a grade with nothing expected that week: none of its lines were stored
                        Line.create({"accuracy_id": week.id, "grade": grade, "received": amount})
                total = company.currency_id.round(sum(by_week[index] for by_week in received.values()))
                week.write(
                    {
                        "received": total,
                        "is_finished": True,
                        "in_range": forecast_accuracy.in_range(total, week.expected_low, week.expected_high),
                    }
                )

    @api.model
    def _payments(self, company, frozen_on, until):
        """``(commercial partner id, date, amount)`` paid after ``frozen_on`` and by ``until`` on the receivables
        of ``company`` open at ``frozen_on`` (as ``bench.backtest`` measures what came in)."""
        self.env.flush_all()
        return self.env.execute_query(
            SQL(
                """SELECT items.partner_id, partial.max_date, partial.amount
                     FROM account_partial_reconcile partial
                     JOIN (%s) items ON items.id = partial.debit_move_id
                    WHERE partial.max_date > %s AND partial.max_date <= %s AND items.residual > 0""",
                self.env["fb.receivable"]._open_items_query([company.id], frozen_on),
                frozen_on,
                until,
            )
        )

    # ------------------------------------------------------------------ the dashboard

    @api.model
    def _accuracy_chart(self, company, weeks=forecast.FORECAST_WEEKS):
        """The running accuracy over the finished weeks of the ``ACCURACY_HORIZON`` (``engine.forecast_accuracy``)
        and the last ``weeks`` of them, oldest first, for the dashboard (one query)."""
        rows = self.search_read(
            [
                ("company_id", "=", company.id),
                ("horizon", "=", forecast_accuracy.ACCURACY_HORIZON),
                ("is_finished", "=", True),
            ],
            ["week_start", "expected", "expected_low", "expected_high", "received"],
            order="week_start",
        )
        result = forecast_accuracy.accuracy(
            (row["expected"], row["received"], row["expected_low"], row["expected_high"]) for row in rows
        )
        return {
            "weeks": [
                {
                    "start": fields.Date.to_string(row["week_start"]),
                    "expected": row["expected"],
                    "low": row["expected_low"],
                    "high": row["expected_high"],
                    "received": row["received"],
                }
                for row in rows[-weeks:]
            ],
            "horizon": forecast_accuracy.ACCURACY_HORIZON,
            "count": result.weeks,
            "wape": result.wape,
            "bias": result.bias,
            "in_range": result.in_range,
        }
