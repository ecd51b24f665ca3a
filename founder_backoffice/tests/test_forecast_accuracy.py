"""The forecast frozen every week and set against what came in (``fb.forecast.accuracy``), its range on the forecast,
and the *Forecast vs actual* view and chart as the founder and the other roles reach them."""

import io
from datetime import date, timedelta
from unittest.mock import patch

import openpyxl
from psycopg2.errors import SerializationFailure

from odoo import fields, sql_db
from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools import mute_logger

from ..engine import forecast, forecast_accuracy, receipts
from ..models.fb_payment_habit import FbPaymentHabit
from .common import FounderBackofficeCommon
from .test_personas import Refused, WebClient

AS_OF = date(2026, 3, 1)  # the Sunday of the first freeze: its week 1 runs from 03-02 to 03-08
MONDAYS = ("2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23")
JOB_LOG = "odoo.addons.founder_backoffice.models.fb_forecast_accuracy"


@tagged("post_install", "-at_install")
class TestForecastAccuracy(FounderBackofficeCommon):
    """A small ledger, and a forecast made by hand so that every figure is known whatever the engine's method.

    History: Rossi paid four invoices of 100, each 10 days late (grade C); Bright four, each on its due date (A);
    Verdi never paid (no history). Open at the end of 03-01: Rossi's 1,000, Bright's 400 and Verdi's 300. The
    forecast expects half of each Rossi item in week 1 and half in week 2, all of Bright's in week 1 and half of
    Verdi's in week 2 (the other half beyond). Paid: Bright's 400 on 03-05, Rossi's 1,000 on 03-10, Verdi's 300 on
    03-20; Neri's 777, invoiced on 03-03 after the freeze and paid 03-06, is not the forecast's business.

    Frozen each Monday: as of 03-01, weeks 1 and 2 expect 900 (C 500, A 400) and 650 (C 500, no history 150); as of
    03-08 (Rossi and Verdi open) 500 and 650; as of 03-15 (Verdi open) 0 and 150. Received in the weeks of 03-02,
    03-09 and 03-16: 400, 1,000 and 300. The forecasts of the Sunday before each week: 900, 500 and 0 against 400,
    1,000 and 300: WAPE (500 + 500 + 300) / 1,700 = 13/17, bias 1,400 / 1,700 - 1 = -3/17.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Accuracy = cls.env["fb.forecast.accuracy"].sudo()
        cls.installed = dict(Accuracy._read_group([], ["company_id"], ["frozen_on:count_distinct"]))
        Accuracy.search([]).unlink()  # what the install backfilled
        cls.job = cls.env.ref("founder_backoffice.ir_cron_fb_forecast_accuracy")
        with freeze_time("2026-03-23"):
            cls.rossi = cls.customer
            cls.bright = cls._customer("Bright Trading Ltd")
            cls.verdi = cls._customer("Verdi S.r.l.")
            for month in (10, 11, 12, 1):
                due = date(2025 if month > 1 else 2026, month, 1)
                cls._pay(cls._invoice(cls.rossi, 100.0, due), 100.0, due + timedelta(days=10))
                cls._pay(cls._invoice(cls.bright, 100.0, due), 100.0, due)
            paid = (
                (cls._invoice(cls.bright, 400.0, date(2026, 3, 5), invoice_date=date(2026, 2, 3)), date(2026, 3, 5)),
                (cls._invoice(cls.rossi, 1000.0, date(2026, 3, 2), invoice_date=date(2026, 2, 1)), date(2026, 3, 10)),
                (cls._invoice(cls.verdi, 300.0, date(2026, 3, 10), invoice_date=date(2026, 2, 10)), date(2026, 3, 20)),
                (
                    cls._invoice(cls._customer("Neri S.r.l."), 777.0, date(2026, 3, 4), date(2026, 3, 3)),
                    date(2026, 3, 6),
                ),
            )
            for invoice, day in paid:
                cls._pay(invoice, invoice.amount_total, day)
        cls.shares = {cls.rossi.id: (0.5, 0.5), cls.bright.id: (1.0,), cls.verdi.id: (0.0, 0.5)}

    def _handmade_forecast(self):
        """The class's hand-made forecast in place of the engine's: each open item's shares by customer."""
        shares = self.shares

        def receipt_forecasts(habit, company, as_of, partner_ids=None):
            weeks = forecast.FORECAST_WEEKS
            return [
                receipts.ItemForecast(
                    item.ref,
                    item.partner,
                    item.amount,
                    (shares.get(item.partner, ()) + (0.0,) * weeks)[:weeks],
                    None,
                )
                for item in habit._open_receivables(company, as_of, partner_ids)
            ]

        return patch.object(FbPaymentHabit, "_receipt_forecasts", receipt_forecasts)

    def _run_job(self, *mondays):
        """The weekly job as the scheduler calls it, on each of ``mondays``."""
        for monday in mondays:
            with freeze_time(monday), self._handmade_forecast(), self.enter_registry_test_mode():
                self.job.method_direct_trigger()
            self.env.invalidate_all()

    def _weeks(self, frozen_on=AS_OF):
        return self.env["fb.forecast.accuracy"].search(
            [("company_id", "=", self.company.id), ("frozen_on", "=", frozen_on)], order="horizon"
        )

    @staticmethod
    def _by_grade(weeks, field):
        return {(line.horizon, line.grade): line[field] for line in weeks.line_ids if line[field]}

    def test_the_job_freezes_the_expected_receipts_per_week_and_grade_once_a_week(self):
        self._run_job(MONDAYS[0], MONDAYS[0])
        weeks = self._weeks()
        self.assertEqual(weeks.mapped("horizon"), list(range(1, 14)))
        self.assertEqual(self.env["fb.forecast.accuracy"].search_count([("company_id", "=", self.company.id)]), 13)
        self.assertEqual((weeks[0].week_start, weeks[0].week_end), (date(2026, 3, 2), date(2026, 3, 8)))
        self.assertEqual(weeks.mapped("expected"), [900.0, 650.0] + [0.0] * 11)
        self.assertEqual(
            self._by_grade(weeks, "expected"), {(1, "C"): 500.0, (1, "A"): 400.0, (2, "C"): 500.0, (2, "none"): 150.0}
        )
        self.assertEqual(len(weeks.line_ids), 39, "three grades in each of the 13 weeks, stored once")
        for week in weeks:
            self.assertLessEqual(week.expected_low, week.expected + 0.005)
            self.assertGreaterEqual(week.expected_high, week.expected - 0.005)
        self.assertEqual((set(weeks.mapped("is_finished")), sum(weeks.mapped("received"))), ({False}, 0.0))
        self.assertFalse(any(weeks.mapped("is_backfilled")))

    def test_once_the_weeks_are_over_what_came_in_and_the_running_accuracy(self):
        self._run_job(*MONDAYS)
        first = self._weeks()
        self.assertEqual(first.mapped("received")[:4], [400.0, 1000.0, 300.0, 0.0], "Neri's 777 is left out")
        self.assertEqual(first.mapped("is_finished")[:4], [True, True, True, False])
        self.assertEqual(first[0].difference, -500.0)
        self.assertEqual(self._by_grade(first, "received"), {(1, "A"): 400.0, (2, "C"): 1000.0, (3, "none"): 300.0})
        self.assertEqual(self._weeks(date(2026, 3, 8)).mapped("expected")[:2], [500.0, 650.0])
        self.assertEqual(self._weeks(date(2026, 3, 15)).mapped("expected")[:2], [0.0, 150.0])
        with freeze_time(MONDAYS[-1]):
            Accuracy = self.env["fb.forecast.accuracy"].with_user(self._persona("Founder")).with_company(self.company)
            chart = Accuracy._accuracy_chart(self.company)
        self.assertEqual([week["received"] for week in chart["weeks"]], [400.0, 1000.0, 300.0])
        self.assertEqual([week["expected"] for week in chart["weeks"]], [900.0, 500.0, 0.0])
        self.assertEqual(chart["count"], 3)
        self.assertAlmostEqual(chart["wape"], 13 / 17)
        self.assertAlmostEqual(chart["bias"], -3 / 17)
        inside = sum(1 for week in chart["weeks"] if week["low"] - 0.005 <= week["received"] <= week["high"] + 0.005)
        self.assertEqual(chart["in_range"], inside)

    def test_a_freeze_another_job_is_storing_is_left_to_it(self):
        """Two jobs at once: the second, whose snapshot is older than the first's commit, gets a serialization
        failure (never a unique-key error) and stores nothing; the job logs it and goes on."""
        if not self.env.ref("__fb_tests__.company_it", raise_if_not_found=False):
            self.skipTest("the test company is not in the template database: another connection cannot see it")
        other, stored = sql_db.db_connect(self.env.cr.dbname).cursor(), None
        try:
            other.execute("SET lock_timeout = '10s'")
            other.execute(
                "INSERT INTO fb_forecast_accuracy (company_id, frozen_on, horizon, week_start, week_end) "
                "VALUES (%s, %s, 1, %s, %s) RETURNING id",
                (self.company.id, AS_OF, date(2026, 3, 2), date(2026, 3, 8)),
            )
            [(stored,)] = other.fetchall()
            other.commit()
            with mute_logger("odoo.sql_db", JOB_LOG):
                with freeze_time(MONDAYS[0]), self._handmade_forecast(), self.assertRaises(SerializationFailure):
                    self.env["fb.forecast.accuracy"].sudo()._freeze(self.company, AS_OF)
                self._run_job(MONDAYS[0])
            self.assertFalse(self._weeks(), "left to the job storing it")
            self.assertEqual(self.job.failure_count, 0)
        finally:
            other.rollback()
            other.execute("DELETE FROM fb_forecast_accuracy WHERE id = %s", (stored,))
            other.commit()
            other.close()

    def test_the_install_froze_the_forecast_of_the_last_13_sundays_and_this_weeks(self):
        if not self.env.ref("__fb_tests__.company_it", raise_if_not_found=False):
            self.skipTest("the test company is not in the template database: it was made after the install")
        self.assertEqual(self.installed.get(self.company), 14, "the test company existed at the install")
        self.assertEqual(set(self.installed.values()), {14}, "and so did every company with rows")

    @freeze_time(MONDAYS[-1])
    def test_the_install_backfills_the_last_13_weeks_with_the_engines_forecast(self):
        Accuracy = self.env["fb.forecast.accuracy"].sudo()
        Accuracy._freeze_week(self.company, backfill=True)
        weeks = Accuracy.search([("company_id", "=", self.company.id)])
        days = sorted(set(weeks.mapped("frozen_on")))
        self.assertEqual((days[0], days[-1], len(days)), (date(2025, 12, 21), date(2026, 3, 22), 14))
        self.assertEqual(set(weeks.filtered("is_backfilled").mapped("frozen_on")), set(days[:-1]))
        for week in weeks:  # each line rounded to the cent
            self.assertAlmostEqual(sum(week.line_ids.mapped("expected")), week.expected, delta=0.03)
            self.assertAlmostEqual(sum(week.line_ids.mapped("received")), week.received, delta=0.03)
        first = weeks.filtered(lambda week: week.frozen_on == AS_OF).sorted("horizon")
        self.assertEqual(first.mapped("received")[:3], [400.0, 1000.0, 300.0], "measured, whatever the method")
        self.assertAlmostEqual(
            sum(first.mapped("expected")),
            sum(
                item.amount * sum(item.weeks)
                for item in self.env["fb.payment.habit"]._receipt_forecasts(self.company, AS_OF)
            ),
            delta=0.1,
        )


@tagged("post_install", "-at_install")
class TestForecastAccuracyWebClient(WebClient, FounderBackofficeCommon, HttpCase):
    """The founder's paths of the web client to the frozen forecast, the refusals of the other roles and of
    company B's founder; the forecast's range in its XLSX. Last week's freeze expected the customer's 500, paid
    two days into the week."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Accuracy = cls.env["fb.forecast.accuracy"].sudo()
        Accuracy.search([]).unlink()  # what the install backfilled
        cls.today = fields.Date.context_today(cls.env.user)
        cls.frozen_on = forecast_accuracy.freeze_day(cls.today) - timedelta(weeks=1)
        invoice = cls._invoice(
            cls.customer, 500.0, cls.frozen_on - timedelta(days=5), invoice_date=cls.frozen_on - timedelta(days=35)
        )
        cls._pay(invoice, 500.0, cls.frozen_on + timedelta(days=2))
        cls.weeks = Accuracy._freeze(cls.company, cls.frozen_on)
        Accuracy._fill_received(cls.company, cls.today)
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.founder_b = cls._persona("Founder", company=cls.company_b)
        cls.weeks_b = Accuracy.with_company(cls.company_b)._freeze(cls.company_b, cls.frozen_on)

    def _week_1(self):
        return self.weeks.filtered(lambda week: week.horizon == 1)

    def test_the_founder_reads_forecast_vs_actual_and_its_chart(self):
        self._login_as(self._persona("Founder"))
        action = self.env.ref("founder_backoffice.action_fb_forecast_accuracy_line")
        loaded = self.url_open("/web/action/load", json={"params": {"action_id": action.id}}).json()["result"]
        self.assertEqual(loaded["res_model"], "fb.forecast.accuracy.line")
        domain = [("horizon", "=", 1), ("is_finished", "=", True)]
        lines = self._call(
            "fb.forecast.accuracy.line", "web_search_read", domain, {"grade": {}, "expected": {}, "received": {}}
        )["records"]
        self.assertEqual(sum(line["received"] for line in lines), 500.0)
        groups = self._call(
            "fb.forecast.accuracy.line", "formatted_read_group", domain, ["grade"], ["expected:sum", "received:sum"]
        )
        week = self._week_1()
        self.assertEqual(sum(group["received:sum"] for group in groups), 500.0)
        self.assertAlmostEqual(sum(group["expected:sum"] for group in groups), week.expected, places=2)
        dashboard = self._call("fb.dashboard.figures", "get_dashboard", "this_month")
        accuracy = dashboard["accuracy"]
        self.assertEqual(([w["received"] for w in accuracy["weeks"]], accuracy["count"]), ([500.0], 1))
        self.assertAlmostEqual(accuracy["wape"], abs(500.0 - week.expected) / 500.0)
        self.assertAlmostEqual(accuracy["bias"], week.expected / 500.0 - 1)
        forecast = dashboard["forecast"]["weeks"]
        self.assertTrue(all(w["receipts_low"] <= w["receipts"] + 0.005 <= w["receipts_high"] + 0.01 for w in forecast))

    def test_other_roles_are_refused(self):
        for role in ("Collections manager", "Accountant", "Accounting administrator"):
            self._login_as(self._persona(role))
            for model in ("fb.forecast.accuracy", "fb.forecast.accuracy.line"):
                with self.subTest(role=role, model=model), self.assertRaises(Refused):
                    self._call(model, "web_search_read", [], {"expected": {}, "received": {}})
            with self.subTest(role=role), self.assertRaises(Refused):
                self._call("fb.dashboard.figures", "get_dashboard", "this_month")

    def test_the_founder_of_company_b_sees_none_of_as_rows(self):
        self._login_as(self.founder_b)
        b_context = {"allowed_company_ids": [self.company_b.id]}
        for model, ours, theirs in (
            ("fb.forecast.accuracy", self.weeks, self.weeks_b),
            ("fb.forecast.accuracy.line", self.weeks.line_ids, self.weeks_b.line_ids),
        ):
            rows = self._call(model, "web_search_read", [], {"company_id": {}}, context=b_context)["records"]
            self.assertEqual({row["id"] for row in rows}, set(theirs.ids), model)
            with self.subTest(model=model), self.assertRaises(Refused):
                self._call(model, "web_read", ours[:1].ids, {"expected": {}}, context=b_context)

    def test_the_forecast_xlsx_carries_the_range(self):
        self._login_as(self._persona("Founder"))
        [wizard] = self._call("fb.report.wizard", "web_save", [], {"report": "cash_forecast"}, specification={})
        action = self._call("fb.report.wizard", "action_view", [wizard["id"]])
        rows = self._call(
            "fb.cash.forecast",
            "web_search_read",
            [],
            {"week": {}, "receipts": {}, "receipts_low": {}, "receipts_high": {}},
            context=action["context"],
        )["records"]
        xlsx = self._call("fb.report.wizard", "action_xlsx", [wizard["id"]])
        sheet = openpyxl.load_workbook(io.BytesIO(self._get(xlsx["url"]).content), data_only=True).worksheets[0]
        cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header = next(row for row in cells if row[0] == "Week")
        by_week = {row[0]: row for row in cells if isinstance(row[0], int)}
        for row in rows:
            line = by_week[row["week"]]
            self.assertAlmostEqual(line[header.index("Receipts, low")], row["receipts_low"], places=2)
            self.assertAlmostEqual(line[header.index("Receipts, high")], row["receipts_high"], places=2)
            self.assertLessEqual(row["receipts_low"], row["receipts"] + 0.005)
