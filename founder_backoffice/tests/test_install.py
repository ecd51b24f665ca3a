from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import convert_file


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = new_test_user(cls.env, login="fb_collector", groups="founder_backoffice.group_collections_user")
        cls.manager = new_test_user(cls.env, login="fb_manager", groups="founder_backoffice.group_collections_manager")
        cls.employee = new_test_user(cls.env, login="fb_employee", groups="base.group_user")
        cls.portal = new_test_user(cls.env, login="fb_portal", groups="base.group_portal")
        cls.root_menu = cls.env.ref("founder_backoffice.menu_root")

    def _visible(self, user, menu):
        return menu.id in self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_groups_form_a_chain(self):
        founder = self.env.ref("founder_backoffice.group_founder")
        manager = self.env.ref("founder_backoffice.group_collections_manager")
        user = self.env.ref("founder_backoffice.group_collections_user")
        self.assertIn(manager, founder.all_implied_ids)
        self.assertIn(user, manager.all_implied_ids)
        self.assertIn(self.env.ref("account.group_account_invoice"), user.all_implied_ids)
        self.assertTrue(self.env.ref("base.user_admin").has_group("founder_backoffice.group_founder"))
        self.assertFalse(self.manager.has_group("founder_backoffice.group_founder"))

    def test_back_office_menu_is_for_collections_users_only(self):
        overdue_menu = self.env.ref("founder_backoffice.menu_overdue_invoices")
        for user in (self.collector, self.manager):
            self.assertTrue(self._visible(user, self.root_menu), user.login)
            self.assertTrue(self._visible(user, overdue_menu), user.login)
        self.assertFalse(self._visible(self.employee, self.root_menu))
        with self.assertRaises(AccessError):
            self._visible(self.portal, self.root_menu)
        self.assertEqual(self.root_menu.web_icon, "founder_backoffice,static/description/icon.png")


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo files load on the main company (which has the generic chart in the test template) and give the
    states the features show in `make run`."""

    def test_demo_data(self):
        company = self.env.ref("base.main_company")
        self.assertTrue(company.chart_template)
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        # the demo policy's compensation is fixed in EUR: `make run` has Odoo's demo rates, the test template none
        eur = env.ref("base.EUR")
        eur.active = True
        env["res.currency.rate"].create({"currency_id": eur.id, "name": "2010-01-01", "rate": 0.7})

        def load(name):  # in the manifest's order
            convert_file(env, "founder_backoffice", f"data/demo/{name}", {}, mode="init", noupdate=True)

        load("res_partner_demo.xml")
        load("account_move_demo.xml")
        moves = env["account.move"].search([("company_id", "=", company.id), ("move_type", "=", "out_invoice")])
        self.assertEqual(len(moves), 9)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        overdue = moves.filtered(lambda m: m.invoice_date_due < m.create_date.date() and m.amount_residual)
        self.assertEqual(len(overdue), 7)
        partial = env.ref("founder_backoffice.demo_invoice_nukhba_partial")
        self.assertEqual(partial.payment_state, "partial")
        self.assertAlmostEqual(partial.amount_residual, 2500.0)
        self.assertEqual(env.ref("founder_backoffice.demo_partner_nukhba").lang, "ar_001")
        self.assertEqual(env.ref("founder_backoffice.demo_partner_trattoria").lang, "it_IT")

        # a year of habits: each demo customer's profile is the one the demo shows
        load("payment_history_demo.xml")
        grades = {
            name: (
                env.ref(f"founder_backoffice.demo_partner_{name}").fb_payment_grade,
                env.ref(f"founder_backoffice.demo_partner_{name}").fb_payment_trend,
            )
            for name in ("trattoria", "nukhba", "bianchi", "bright", "riyada")
        }
        self.assertEqual(
            grades,
            {
                "trattoria": ("A", "stable"),
                "nukhba": ("C", "improving"),
                "bianchi": ("D", "stable"),
                "bright": ("A", "stable"),
                "riyada": (False, False),
            },
        )
        weeks = env["fb.cash.forecast"]._weeks(company, fields.Date.context_today(env.user))
        self.assertGreater(sum(week.receipts for week in weeks), 0)
        self.assertGreater(sum(week.bills for week in weeks), 0)

        load("fb_dunning_policy_demo.xml")
        load("fb_jurisdiction_demo.xml")
        load("fb_collections_demo.xml")
        plan = env.ref("founder_backoffice.demo_payment_plan_bianchi")
        self.assertEqual((plan.state, plan.line_ids.mapped("amount")), ("active", [1033.33, 1033.33, 1033.34]))
        self.assertEqual(env.ref("founder_backoffice.demo_promise_bianchi").state, "open")
        self.assertEqual(env.ref("founder_backoffice.demo_dispute_riyada").state, "open")
        self.assertTrue(
            env.ref("founder_backoffice.demo_user_collector").has_group("founder_backoffice.group_collections_user")
        )
        # the Italian and Arabic customers receive a reminder whose link opens their collections page: the run goes
        # to the background job, which sends it as the administrator
        run = env.ref("founder_backoffice.demo_dunning_run")
        self.assertEqual((run.state, run.sending_user_id), ("sending", env.ref("base.user_admin")))
        sender = env.ref("founder_backoffice.ir_cron_fb_dunning_send")
        self.assertTrue(env["ir.cron.trigger"].search([("cron_id", "=", sender.id)]))
        run.with_user(run.sending_user_id)._send_pending()
        self.assertEqual(run.state, "done")
        sent = run.reminder_ids.filtered(lambda reminder: reminder.state == "sent")
        for name in ("trattoria", "nukhba"):
            reminder = sent.filtered(lambda r, n=name: r.partner_id == env.ref(f"founder_backoffice.demo_partner_{n}"))
            self.assertTrue(reminder.access_token)
            self.assertIn(reminder.collections_url, reminder.mail_id.body_html)
        # Pasticceria, due in three days, gets the note before the due date; then pays, and is thanked
        note = sent.filtered(lambda r: r.partner_id == env.ref("founder_backoffice.demo_partner_pasticceria"))
        self.assertEqual((note.pre_due, note.amount_upcoming), (True, 480.0))
        env.ref("founder_backoffice.demo_cron_customer_pays").ir_actions_server_id.run()
        self.assertEqual(env.ref("founder_backoffice.demo_invoice_pasticceria_due_3").payment_state, "paid")
        self.assertTrue(note.thanked_date)
        thanks = env["mail.mail"].search(
            [("model", "=", "fb.dunning.reminder"), ("res_id", "=", note.id), ("id", "!=", note.mail_id.id)]
        )
        self.assertEqual(len(thanks), 1)
        self.assertIn("grazie per il Vostro pagamento", thanks.subject, "in the customer's language")


@tagged("post_install", "-at_install")
class TestKpiHistoryFromTheFirstDay(TransactionCase):
    def test_snapshots_are_there_after_install_and_a_new_company_runs_the_job(self):
        """The install computed the last twelve months of every company with a chart; a new company triggers the
        snapshot job (which computes them once the chart is there)."""
        Snapshot = self.env["fb.kpi.snapshot"]
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            self.assertEqual(Snapshot.search_count([("company_id", "=", company.id)]), 12, company.name)
        job = self.env.ref("founder_backoffice.ir_cron_fb_kpi_snapshot")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", job.id)])
        self.env["res.company"].create({"name": "Nuova S.r.l."})
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", job.id)]), triggers + 1)
