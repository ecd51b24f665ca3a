"""Query budgets of the steps and screens whose cost must not grow with the data, as Odoo's crm keeps its own
(``assertQueryCount``): a query per record or a lost prefetch fails ``make test`` instead of waiting for ``make
bench``. Each budget is the count measured, run as the persona who uses the screen, after a first run that warms
Odoo's caches (``warmup``); the send step is measured at two sizes with the same budget, so a query per reminder
fails one of them."""

from datetime import date

from lxml import etree

from odoo.tests import freeze_time, tagged
from odoo.tests.common import warmup

from .common import FounderBackofficeCommon

TODAY = "2026-03-31"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestQueryBudgets(FounderBackofficeCommon):
    """20 customers, each with one invoice of March (100, 200, ... 2,000) 10 days overdue: reminded at the
    policy's first level (an e-mail, no letter). The dashboard's figures were computed by its job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(TODAY):
            customers = [cls._customer(f"Cliente {index:02d}") for index in range(1, 21)]
            invoices = [
                cls._invoice(customer, 100.0 * index, date(2026, 3, 21), date(2026, 3, 1), post=False)
                for index, customer in enumerate(customers, 1)
            ]
            cls.env["account.move"].union(*invoices).action_post()
            cls.env["fb.dashboard.figures"].sudo()._compute_ahead(cls.company)
        cls.manager = cls._persona("Collections manager")
        cls.founder = cls._persona("Founder")

    def _list_view(self, Model):
        """What the web client reads for ``Model``'s list view: the specification of its columns shown by default
        (a many2one with its name; not the optional columns hidden until a user shows them) and the aggregates of
        its summed columns."""
        arch = etree.fromstring(Model.get_views([(False, "list")])["views"]["list"]["arch"])
        columns = arch.xpath("/list/field[not(@optional='hide')]")
        specification = {
            node.get("name"): {"fields": {"display_name": {}}}
            if Model._fields[node.get("name")].type == "many2one"
            else {}
            for node in columns
        }
        return specification, [f"{node.get('name')}:sum" for node in columns if node.get("sum")]

    def _assert_send_budget(self, count, budget):
        """A collections manager sends a run of ``count`` reminders (the others of the preview cancelled) in
        ``budget`` queries: one batch, whatever ``count``."""
        with self.with_user(self.manager.login):
            run = self.env["fb.dunning.run"].create({"company_id": self.company.id, "date": TODAY})
            run.action_compute()
            run.reminder_ids.sorted("id")[count:]._set_state("cancelled")
            with self.assertQueryCount(fb_collections_manager=budget):
                run.action_send()
            sent = run.reminder_ids.filtered(lambda reminder: reminder.state == "sent")
            self.assertEqual((run.state, len(sent), len(sent.mail_id)), ("done", count, count))

    @warmup
    def test_send_step_of_5_reminders(self):
        self._assert_send_budget(5, 42)

    @warmup
    def test_send_step_of_20_reminders(self):
        self._assert_send_budget(20, 42)

    @warmup
    def test_dunning_preview(self):
        with self.with_user(self.manager.login):
            run = self.env["fb.dunning.run"].create({"company_id": self.company.id, "date": TODAY})
            with self.assertQueryCount(fb_collections_manager=25):
                run.action_compute()
            self.assertEqual(len(run.reminder_ids), 20)
            self.assertEqual(sum(run.reminder_ids.mapped("amount_overdue")), 21000.0)

    @warmup
    def test_dashboard_rpc(self):
        """The OWL dashboard's call as it opens (static/src/dashboard: the server's default period and company),
        from the figures its job computed."""
        with self.with_user(self.founder.login):
            # 7, and 1 for the forecast's accuracy (fb.forecast.accuracy's finished weeks, read in one query)
            with self.assertQueryCount(fb_founder=8):
                data = self.env["fb.dashboard.figures"].get_dashboard(company_id=None)
            cards = {card["key"]: card["value"] for card in data["cards"]}
            self.assertEqual((data["computed_at"], cards["ar_overdue"]), ("2026-03-31 00:00:00", 21000.0))

    @warmup
    def test_dashboard_rpc_on_stale_figures(self):
        """The same call 31 minutes after the job's figures: served as they are, the first call asking the job for
        a run (5 queries more), the next finding it asked (2 more), none computing the figures."""
        with self.with_user(self.founder.login), freeze_time("2026-03-31 00:31:00"):
            with self.assertQueryCount(fb_founder=13):
                data = self.env["fb.dashboard.figures"].get_dashboard(company_id=None)
            self.env.invalidate_all()
            with self.assertQueryCount(fb_founder=10):
                self.env["fb.dashboard.figures"].get_dashboard(company_id=None)
            cards = {card["key"]: card["value"] for card in data["cards"]}
            self.assertEqual(
                (data["computed_at"], data["stale"], cards["ar_overdue"]), ("2026-03-31 00:00:00", True, 21000.0)
            )

    @warmup
    def test_collections_queue_first_page(self):
        with self.with_user(self.manager.login):
            Queue = self.env["fb.collection.queue"]
            specification, _sums = self._list_view(Queue)
            with self.assertQueryCount(fb_collections_manager=7):
                page = Queue.web_search_read([], specification, limit=80, count_limit=10001)
            self.assertEqual(page["length"], 20)
            self.assertEqual(sum(row["amount_overdue"] for row in page["records"]), 21000.0)

    @warmup
    def test_aging_screen_first_page(self):
        """The aged receivables as the report dialog opens them: the list's first page of customers with sums."""
        with self.with_user(self.manager.login):
            wizard = self.env["fb.report.wizard"].create({"report": "aging_receivable"})
            Aging = self.env["fb.aging.report"].with_context(**wizard.action_view()["context"])
            _specification, sums = self._list_view(Aging)
            with self.assertQueryCount(fb_collections_manager=4):
                groups = Aging.web_read_group([], ["partner_id"], [*sums, "__count"], limit=80)
            self.assertEqual(groups["length"], 20)
            self.assertEqual(sum(group["amount_residual:sum"] for group in groups["groups"]), 21000.0)
