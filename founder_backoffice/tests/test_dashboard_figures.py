"""The dashboard serves the figures its job computed whatever their age, and asks the job for one run when they are
stale (stale-while-revalidate); the job computes again only the companies whose figures changed."""

from contextlib import ExitStack
from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged

from ..models.fb_cash_forecast import FbCashForecast
from ..models.fb_dashboard_figures import JOB, FbDashboardFigures
from ..models.fb_kpi import FbKpi
from .common import PERSONAS, FounderBackofficeCommon

COMPUTED = "2026-03-31 10:00:00"
STALE = "2026-03-31 10:31:00"


def counting(cls, name):
    """``patch.object`` that counts the calls of ``cls.name`` and still makes them."""
    return patch.object(cls, name, autospec=True, side_effect=getattr(cls, name))


@tagged("post_install", "-at_install")
class TestStaleFigures(FounderBackofficeCommon):
    """Two companies whose figures the job computed at 10:00; 500 overdue in the first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company(name="Seconda S.r.l.")["company"]
        cls._invoice(cls.customer, 500.0, date(2026, 3, 1))
        cls.founder = cls._persona("Founder")
        cls.cofounder = new_test_user(
            cls.env,
            login="fb_cofounder",
            groups=PERSONAS["Founder"],
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.founder_other = cls._persona("Founder", company=cls.other)
        cls.job = cls.env.ref(JOB)
        cls.env["ir.cron.trigger"].search([("cron_id", "=", cls.job.id)]).unlink()
        with freeze_time(COMPUTED):
            for company in (cls.company, cls.other):
                cls.env["fb.dashboard.figures"].sudo().with_company(company)._compute_ahead(company)

    def _dashboard(self, user, company=None):
        return (
            self.env["fb.dashboard.figures"].with_user(user).get_dashboard("this_month", (company or self.company).id)
        )

    def _runs_asked(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.job.id)])

    def _counted_computations(self, stack):
        """The KPI and forecast computations made from here on, counted."""
        return [
            stack.enter_context(counting(FbKpi, "compute")),
            stack.enter_context(counting(FbCashForecast, "_weeks")),
        ]

    def test_stale_figures_are_served_with_their_age_while_one_run_of_the_job_is_asked(self):
        """Founders only: collections people, salespeople and accountants are refused."""
        self._invoice(self.customer, 250.0, date(2026, 3, 30))  # overdue too, written after the figures
        with freeze_time("2026-03-31 10:20:00"):
            fresh = self._dashboard(self.founder)
        self.assertEqual((fresh["computed_at"], fresh["age"], fresh["stale"]), (COMPUTED, 20 * 60, False))
        self.assertEqual(self._runs_asked(), 0, "figures 20 minutes old: nothing asked")
        with ExitStack() as stack, freeze_time(STALE):
            computations = self._counted_computations(stack)
            stale = self._dashboard(self.founder)
            for user in (self.cofounder, self.founder, self.cofounder):
                self.assertEqual(self._dashboard(user)["computed_at"], COMPUTED)
        self.assertEqual([mock.call_count for mock in computations], [0, 0], "no founder computes the figures")
        self.assertEqual((stale["computed_at"], stale["age"], stale["stale"]), (COMPUTED, 31 * 60, True))
        cards = {card["key"]: card["value"] for card in stale["cards"]}
        self.assertEqual(cards["ar_overdue"], 500.0, "the figures of 10:00, without the invoice written since")
        self.assertEqual(self._runs_asked(), 1, "one run of the job asked, however many founders open the dashboard")
        for role in ("Collections manager", "Collections user", "Salesperson", "Accountant"):
            with self.subTest(role=role), freeze_time(STALE), self.assertRaises(AccessError):
                self._dashboard(self._persona(role))

    def test_a_company_without_figures_has_them_computed_by_the_first_visit_and_the_job_asked_to_store_them(self):
        self.env["fb.dashboard.figures"].sudo().search([("company_id", "=", self.company.id)]).unlink()
        with ExitStack() as stack, freeze_time(COMPUTED):
            computations = self._counted_computations(stack)
            data = self._dashboard(self.founder)
        self.assertEqual([mock.call_count for mock in computations], [2, 1], "this period, the one before, forecast")
        self.assertEqual((data["computed_at"], data["stale"]), (False, False))
        self.assertEqual({card["key"]: card["value"] for card in data["cards"]}["ar_overdue"], 500.0)
        self.assertEqual(self._runs_asked(), 1)

    def test_a_founder_neither_sees_nor_has_refreshed_the_figures_of_a_company_not_hers(self):
        # the first company's figures found current at 10:25, the other's still of 10:00
        self.env["fb.dashboard.figures"].sudo()._mark_current(self.company, datetime(2026, 3, 31, 10, 25))
        with freeze_time(STALE):
            data = self._dashboard(self.founder, company=self.other)
            self.assertEqual((data["company"]["id"], data["stale"]), (self.company.id, False), "her own company's")
            self.assertEqual(self._runs_asked(), 0, "the other company's stale figures ask nothing through her")
            theirs = self._dashboard(self.founder_other, company=self.other)
        self.assertEqual((theirs["company"]["id"], theirs["stale"]), (self.other.id, True))
        self.assertEqual(self._runs_asked(), 1)
        Figures = self.env["fb.dashboard.figures"].with_user(self.founder)
        self.assertEqual(Figures.search([]).company_id, self.company)


@tagged("post_install", "-at_install")
class TestFiguresJob(FounderBackofficeCommon):
    """The job marks current the figures of a company where nothing they are read from was written since."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company(name="Seconda S.r.l.")["company"]
        cls.invoice = cls._invoice(cls.customer, 500.0, date(2026, 3, 1))
        cls.job = cls.env.ref(JOB)
        # the day after this test's records, which all carry the time their transaction began
        cls.day = cls.env.cr.now().date() + timedelta(days=1)

    def _at(self, hour, minute):
        return datetime.combine(self.day, time(hour, minute))

    def test_the_job_computes_again_only_the_company_whose_figures_changed(self):
        Figures = self.env["fb.dashboard.figures"].sudo()
        with freeze_time(self._at(10, 0)):
            for company in (self.company, self.other):
                Figures.with_company(company)._compute_ahead(company)
        # an invoice of the first company written at 10:20, after its figures
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move_line SET write_date = %s WHERE move_id = %s", (self._at(10, 20), self.invoice.id)
        )
        with (
            freeze_time(self._at(10, 31)),
            counting(FbDashboardFigures, "_compute_ahead") as compute_ahead,
            self.enter_registry_test_mode(),
        ):
            self.job.method_direct_trigger()
        computed = {call.args[1].id for call in compute_ahead.call_args_list}
        self.assertIn(self.company.id, computed, "an invoice written since: computed again")
        self.assertNotIn(self.other.id, computed, "nothing written since: only marked current")
        self.env.invalidate_all()
        for company in (self.company, self.other):
            rows = Figures.search([("company_id", "=", company.id)])
            self.assertEqual(set(rows.mapped("computed_at")), {self._at(10, 31)}, company.name)
