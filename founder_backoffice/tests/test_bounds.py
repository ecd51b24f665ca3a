"""Odd and hostile inputs get a clear message or a 4xx, never a server error or minutes of work; the portal's "seen"
costs no write on repeated visits; the statement e-mail names the company it is the statement of; a founder's
Refresh does not compute the same figures twice in a row."""

import json
from datetime import date, timedelta
from unittest.mock import patch
from urllib.parse import quote

from odoo import fields, sql_db
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import SQL

from ..engine import instalments, periods, portal
from ..models.fb_kpi import FbKpi
from .common import PERSONAS, FounderBackofficeCommon


@tagged("post_install", "-at_install")
class TestPortalSeen(FounderBackofficeCommon, HttpCase):
    """The customer's link to the invoice, opened by the customer, a link scanner or someone holding another link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.invoice = cls._invoice(cls.customer, 500.0, today - timedelta(days=10))
        cls.other_invoice = cls._invoice(cls._customer("Bianchi S.r.l."), 300.0, today - timedelta(days=10))
        for invoice in cls.invoice | cls.other_invoice:
            invoice._portal_ensure_token()

    def _row(self, invoice):
        """``(row version, first seen, last seen)``: any UPDATE of the row gives it a new ``ctid``."""
        self.env.flush_all()
        [row] = self.env.execute_query(
            SQL(
                "SELECT ctid::text, fb_portal_first_seen, fb_portal_last_seen FROM account_move WHERE id = %s",
                invoice.id,
            )
        )
        return row

    def _open(self, invoice, token, **params):
        url = f"/my/invoices/{invoice.id}?access_token={token}"
        url += "".join(f"&{key}={value}" for key, value in params.items())
        response = self.url_open(url, allow_redirects=False)
        self.env.invalidate_all()
        return response

    def test_seen_is_written_once_per_period_and_never_by_downloads(self):
        token = self.invoice.access_token
        for params in ({"report_type": "html"}, {"report_type": "pdf", "download": "true"}):
            self._open(self.invoice, token, **params)
            self.assertEqual(self._row(self.invoice)[1:], (None, None), f"{params} is no visit of the page")

        self.assertEqual(self._open(self.invoice, token).status_code, 200)
        version, first, last = self._row(self.invoice)
        self.assertTrue(first)
        self.assertEqual(first, last)
        for _scan in range(3):
            self.assertEqual(self._open(self.invoice, token).status_code, 200)
        self.assertEqual(self._row(self.invoice), (version, first, last), "no UPDATE of the invoice on a revisit")

        earlier = last - timedelta(minutes=portal.SEEN_EVERY_MINUTES + 1)
        self.env.execute_query(
            SQL("UPDATE account_move SET fb_portal_last_seen = %s WHERE id = %s", earlier, self.invoice.id)
        )
        self._open(self.invoice, token)
        _version, first_after, last_after = self._row(self.invoice)
        self.assertEqual(first_after, first)
        self.assertGreater(last_after, earlier, "a visit after the interval is recorded")

    def test_another_customers_link_writes_nothing(self):
        before = self._row(self.other_invoice)
        response = self._open(self.other_invoice, self.invoice.access_token)
        self.assertIn(response.status_code, (303, 403))
        self.assertNotIn("Bianchi", response.text)
        self.assertEqual(self._row(self.other_invoice), before)
        self.assertEqual(self._row(self.other_invoice)[1:], (None, None))


@tagged("post_install", "-at_install")
class TestBoundedInputs(FounderBackofficeCommon, HttpCase):
    """Hand-made report links, dashboard calls and wizard values at the edges of the calendar and beyond."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.founder = cls._persona("Founder")
        cls.manager = cls._persona("Collections manager")
        cls.collector = cls._persona("Collections user")
        cls.customer.fb_collector_id = cls.collector

    def _get(self, url):
        self.authenticate(self.founder.login, self.founder.login)
        self.env.flush_all()
        response = self.url_open(url, allow_redirects=False)
        self.env.invalidate_all()
        return response

    def _xlsx(self, report, **options):
        return self._get(f"/founder_backoffice/xlsx/{report}?options=" + quote(json.dumps(options)))

    def assertRefused(self, response, message):
        self.assertEqual(response.status_code, 422, response.text[:300])
        self.assertIn(message, response.text)

    def test_report_links_outside_the_calendar_are_refused(self):
        self.assertRefused(
            self._xlsx("pnl", date_from="0001-01-01", date_to="9999-12-31"),
            "The report dates must lie between 1900-01-01 and 2999-12-31.",
        )
        self.assertRefused(self._xlsx("cash_forecast", as_of="9999-12-31"), "must lie between")
        self.assertRefused(self._xlsx("aging_receivable", as_of="0001-01-01"), "must lie between")
        options = json.dumps({"options": {"company_id": self.company.id, "date_to": "9999-12-31"}})
        self.assertRefused(
            self._get("/report/html/founder_backoffice.report_fb_cash_flow?options=" + quote(options)),
            "must lie between",
        )

    def test_period_reports_have_at_most_ten_years_of_columns(self):
        self.assertEqual(periods.MAX_REPORT_MONTHS, 120)
        too_long = {"date_from": "2000-01-01", "date_to": "2026-12-31"}
        for report in ("pnl", "cash_flow"):
            self.assertRefused(self._xlsx(report, **too_long), "This report covers at most 120 months")
        options = json.dumps({"options": {"company_id": self.company.id, **too_long}})
        self.assertRefused(
            self._get("/report/html/founder_backoffice.report_fb_pnl?options=" + quote(options)), "at most 120 months"
        )
        backwards = self._xlsx("cash_flow", date_from="2026-05-01", date_to="2026-01-31")
        self.assertRefused(backwards, "The period must start before it ends.")
        ten_years = self._xlsx("pnl", date_from="2017-01-01", date_to="2026-12-31")
        self.assertEqual(ten_years.status_code, 200)

    def test_aging_limits_are_checked_wherever_they_come_from(self):
        infinite = quote('{"limits": [30, 60, 90, 1e400]}')  # 1e400 is infinity to Python's JSON reader
        response = self._get(f"/founder_backoffice/xlsx/aging_receivable?options={infinite}")
        self.assertRefused(response, "bucket limits must be positive numbers of days")
        Aging = self.env["fb.aging.report"].with_user(self.founder)
        for limits, message in (
            ([30, 60, 90, float("inf")], "positive numbers of days"),
            ("abc", "four bucket limits"),
            (list(range(1, 10**5)), "four bucket limits"),
        ):
            with self.assertRaisesRegex(UserError, message):
                Aging.with_context(fb_report_options={"limits": limits}).fields_get(["bucket_1"])
        labels = Aging.with_context(fb_report_options={"limits": [10, 20, 30, 40]}).fields_get(["bucket_1"])
        self.assertEqual(labels["bucket_1"]["string"], "1-10")

    def test_dashboard_refuses_an_unknown_period(self):
        with self.assertRaisesRegex(UserError, "The dashboard has no period x."):
            self.env["fb.dashboard.figures"].with_user(self.founder).get_dashboard(period="x")

    def test_dunning_wizard_dates_at_the_ends_of_the_calendar(self):
        wizard = Form(self.env["fb.dunning.run.wizard"].with_user(self.manager))
        for day in (date(9999, 12, 31), date(1, 1, 1)):
            with self.assertRaisesRegex(UserError, "Choose a date between 1900-01-01 and 2999-12-31."):
                wizard.date = day
        wizard.date = date(2026, 3, 28)  # a Saturday
        self.assertEqual(wizard.run_date, date(2026, 3, 30))

    def test_instalment_count_is_bounded_before_any_line_is_built(self):
        today = fields.Date.context_today(self.env.user)
        invoice = self._invoice(self.customer, 1000.0, today - timedelta(days=30))
        plan = (
            self.env["fb.payment.plan"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "instalment_count": 3,
                    "frequency": "weekly",
                }
            )
        )
        for count in (instalments.MAX_COUNT + 1, 10**6):
            plan.instalment_count = count
            with self.assertRaisesRegex(ValidationError, "A payment plan has from 1 to 120 instalments."):
                plan.action_compute_instalments()
            self.assertFalse(plan.line_ids)
        plan.instalment_count = 4
        plan.action_compute_instalments()
        self.assertEqual(plan.line_ids.mapped("amount"), [250.0] * 4)


@tagged("post_install", "-at_install")
class TestStatementCompany(FounderBackofficeCommon):
    """A collections manager of two companies, whose main company is A, sends a customer B's statement from B."""

    def test_statement_mail_names_the_company_it_is_sent_from(self):
        company_a = self.company
        company_b = self.setup_other_company(name="Beta Holding S.r.l.")["company"]
        manager = new_test_user(
            self.env,
            login="fb_bounds_two_companies",
            groups=PERSONAS["Collections manager"],
            company_id=company_a.id,
            company_ids=[Command.set((company_a | company_b).ids)],
        )
        customer = self._customer("Verdi S.r.l.")
        in_b = {"allowed_company_ids": [company_b.id, company_a.id]}
        action = customer.with_user(manager).with_context(**in_b).action_fb_send_statement()
        composer = (
            self.env["mail.compose.message"].with_user(manager).with_context(**in_b, **action["context"]).create({})
        )
        composer.action_send_mail()
        mail = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", customer.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Beta Holding S.r.l.: your statement of account")
        self.assertIn("Beta Holding S.r.l.", mail.body_html)
        self.assertNotIn(company_a.name, f"{mail.subject} {mail.body_html}")


@tagged("post_install", "-at_install")
class TestRefreshThrottle(FounderBackofficeCommon):
    """The dashboard's Refresh clicked twice, or while another request is computing the same company's figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.founder = cls._persona("Founder")

    def _kpi_computations(self):
        return patch.object(FbKpi, "compute", autospec=True, side_effect=FbKpi.compute)

    def test_second_refresh_within_a_minute_computes_nothing(self):
        Figures = self.env["fb.dashboard.figures"].with_user(self.founder)
        with self._kpi_computations() as compute, freeze_time("2026-03-31 10:00:00") as frozen:
            Figures.action_refresh_figures(self.company.id)
            first = compute.call_count
            self.assertGreater(first, 0)
            frozen.tick(timedelta(seconds=30))
            self.assertTrue(Figures.action_refresh_figures(self.company.id))
            self.assertEqual(compute.call_count, first, "figures 30 seconds old are kept")
            frozen.tick(timedelta(seconds=31))
            Figures.action_refresh_figures(self.company.id)
            self.assertEqual(compute.call_count, 2 * first, "a minute later they are computed again")

    def test_refresh_while_another_request_computes_waits_for_nothing(self):
        other_request = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other_request.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s), %s)", ("fb.dashboard.figures", self.company.id)
            )
            with self._kpi_computations() as compute:
                self.assertTrue(
                    self.env["fb.dashboard.figures"].with_user(self.founder).action_refresh_figures(self.company.id)
                )
            self.assertEqual(compute.call_count, 0, "the other request's figures are on their way")
        finally:
            other_request.rollback()
            other_request.close()

    def test_history_refresh_twice_computes_the_months_once(self):
        Snapshot = self.env["fb.kpi.snapshot"].with_user(self.founder).with_company(self.company)
        with self._kpi_computations() as compute:
            Snapshot.action_refresh()
            months = compute.call_count
            self.assertGreaterEqual(months, 12, "the twelve months of the history")
            Snapshot.action_refresh()
            self.assertEqual(compute.call_count, months, "computed a moment ago: kept")
