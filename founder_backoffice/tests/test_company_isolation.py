"""Nothing crosses a company line: company A's people, one per persona of the README's table, try every path of the
web client on company B's records and ids, and get a refusal, none of B's figures and no change to B.

Company B has its own customer, invoices, dunning policy, a run with its reminders, a promise, a dispute, a payment
plan, KPI history and dashboard figures, a digest, and shares a customer with company A. Each attempt goes the web
client's way (``WebClient`` of ``test_personas``); every answer is searched for B's customer and amounts, and B's
records are read back as superuser after each attempt.
"""

import io
import json
from datetime import timedelta
from urllib.parse import urlencode

import openpyxl

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from ..models.fb_collection_analytics import MONTHS
from ..models.res_partner import FB_GUARDED_FIELDS
from .common import PERSONAS, FounderBackofficeCommon
from .test_personas import Refused, WebClient

# What of company B must never reach a user of company A: its own customer, its invoices (7,777.77, 3,333.33 and
# 2,222.22, overdue 13,333.32 in all), its promise (4,444.44) and plan instalments (1,111.11), however formatted.
B_AMOUNTS = (7777.77, 3333.33, 2222.22, 13333.32, 4444.44, 1111.11)
B_MARKERS = (
    "Verdi Holding",
    *(text for amount in B_AMOUNTS for text in (repr(amount), f"{amount:,.2f}", f"{amount:,.2f}".replace(",", "."))),
)
# B's records read back after each attempt: these models' columns (the bookkeeping ones left out)
WATCHED = (
    "fb.dunning.policy",
    "fb.dunning.level",
    "fb.dunning.run",
    "fb.dunning.reminder",
    "fb.dunning.line",
    "fb.promise",
    "fb.dispute",
    "fb.payment.plan",
    "fb.payment.plan.line",
    "fb.kpi.snapshot",
    "fb.dashboard.figures",
    "fb.forecast.accuracy",
    "fb.forecast.accuracy.line",
)
BOOKKEEPING = {"write_date", "write_uid", "create_date", "create_uid"}
PARTNER_FIELDS = ["name", "active", "company_id", *sorted(FB_GUARDED_FIELDS)]


@tagged("post_install", "-at_install")
class TestCrossCompany(WebClient, FounderBackofficeCommon, HttpCase):
    responses = None  # the answers of the attempt under way

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        due = cls.today - timedelta(days=40)
        cls.users = {role: cls._persona(role) for role in PERSONAS}  # company A's people
        cls.invoice = cls._invoice(cls.customer, 500.0, due)
        company_b = cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.collector_b = cls._persona("Collections user", company=company_b)
        cls.founder_b = cls._persona("Founder", company=company_b)
        cls.customer_b = cls._customer("Verdi Holding S.p.A.", company_id=company_b.id)
        cls.shared = cls._customer("Neri Condivisa S.r.l.")  # a customer of both companies
        cls.invoice_b, cls.shared_invoice_b, cls.plan_invoice_b = (
            cls._invoice_b(partner, amount, due)
            for partner, amount in ((cls.customer_b, 7777.77), (cls.shared, 3333.33), (cls.customer_b, 2222.22))
        )
        in_b = cls.env(context=dict(cls.env.context, allowed_company_ids=[company_b.id, cls.company.id]))
        in_b["res.partner"].browse(cls.customer_b.id).fb_collector_id = cls.collector_b
        in_b["res.partner"].browse(cls.shared.id).write({"fb_credit_hold": True, "fb_credit_hold_reason": "Unpaid B"})
        cls.policy_b = in_b["fb.dunning.policy"].create(
            {
                "name": "Policy B",
                "company_id": company_b.id,
                "is_default": True,
                "min_days_between": 0,
                "compensation_amount": 0.0,
                "level_ids": [
                    Command.create({"name": "Only", "days": 1, "mail_template_id": cls.level_1.mail_template_id.id})
                ],
            }
        )
        cls.run_b = in_b["fb.dunning.run"].create({"company_id": company_b.id, "date": cls.today})
        cls.run_b.action_compute()
        cls.reminder_b = cls.run_b.reminder_ids.filtered(lambda reminder: reminder.partner_id == cls.customer_b)
        cls.promise_b = in_b["fb.promise"].create(
            {
                "partner_id": cls.customer_b.id,
                "company_id": company_b.id,
                "amount": 4444.44,
                "promised_date": cls.today + timedelta(days=10),
                "move_ids": [Command.set(cls.invoice_b.ids)],
            }
        )
        cls.dispute_b = in_b["fb.dispute"].create({"move_id": cls.shared_invoice_b.id, "reason": "quality"})
        cls.plan_b = in_b["fb.payment.plan"].create(
            {
                "partner_id": cls.customer_b.id,
                "company_id": company_b.id,
                "move_ids": [Command.set(cls.plan_invoice_b.ids)],
                "instalment_count": 2,
            }
        )
        cls.plan_b.action_start()
        in_b["fb.kpi.snapshot"]._refresh(company_b, months=1)
        in_b["fb.dashboard.figures"].sudo()._compute_ahead(company_b)
        cls.snapshot_b = in_b["fb.kpi.snapshot"].search([("company_id", "=", company_b.id)], limit=1)
        cls.figures_b = in_b["fb.dashboard.figures"].search([("company_id", "=", company_b.id)], limit=1)
        cls.forecast_weeks_b = in_b["fb.forecast.accuracy"].sudo()._freeze(company_b, cls.today - timedelta(days=8))
        cls.digest_b = in_b["digest.digest"].create(
            {"name": "Weekly B", "company_id": company_b.id, "kpi_fb_ar_overdue": True, "kpi_fb_cash": True}
        )
        cls.env.flush_all()
        cls.queue_b = in_b["fb.collection.queue"].search(
            [("partner_id", "=", cls.customer_b.id), ("company_id", "=", company_b.id)]
        )
        cls.stage_promised = cls.env["fb.collection.stage"]._of_kind("promised")

    @classmethod
    def _invoice_b(cls, partner, amount, due):
        invoice = (
            cls.env["account.move"]
            .with_company(cls.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    # ------------------------------------------------------------------ what B has, what an answer shows

    def url_open(self, url, *args, **kwargs):
        """Every answer the attempt got is kept, to be searched for B's data."""
        response = super().url_open(url, *args, **kwargs)
        if self.responses is not None:
            self.responses.append(response)
        return response

    def _leaks(self):
        """B's markers found in the answers of the attempt (the cells of an XLSX file included)."""
        found = set()
        for response in self.responses:
            content = response.content
            if content.startswith(b"PK"):
                book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
                text = " ".join(
                    str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
                )
            else:
                text = response.text
            found.update(marker for marker in B_MARKERS if marker in text)
        return found

    def _writes(self):
        """Rows written so far in this transaction (the requests' too: an ``HttpCase`` shares its cursor) in the
        tables company B's state is read from: an attempt that wrote none of them changed nothing of B, and
        reading B's whole state after each of the hundreds of attempts was most of the class's time."""
        self.env.flush_all()
        tables = ["res_partner", "account_move", "mail_message", "mail_activity"]
        tables += [self.env[model]._table for model in WATCHED]
        [(count,)] = self.env.execute_query(
            SQL(
                """SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)
                     FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)""",
                tables,
            )
        )
        return count

    def _b_state(self):
        """Company B's records as the superuser reads them: the collections values of its customers in B, its
        invoices, every column of its add-on records, the chatter and activities on them."""
        self.env.invalidate_all()
        env = self.env(su=True, context={"allowed_company_ids": [self.company_b.id], "active_test": False})
        partners = (self.customer_b | self.shared).ids
        state = {
            "res.partner": env["res.partner"].browse(partners).read(PARTNER_FIELDS),
            "account.move": env["account.move"]
            .browse((self.invoice_b | self.shared_invoice_b | self.plan_invoice_b).ids)
            .read(["state", "amount_residual", "partner_id", "payment_state", "fb_portal_last_seen"]),
        }
        threads = {"res.partner": [self.customer_b.id], "account.move": self.invoice_b.ids}
        for model in WATCHED:
            Model = env[model]
            domain = [("company_id", "=", self.company_b.id)]
            if model in ("fb.promise", "fb.payment.plan"):  # one made in A for B's customer counts too
                domain = ["|", *domain, ("partner_id", "=", self.customer_b.id)]
            elif model == "fb.payment.plan.line":
                domain = [("plan_id.company_id", "=", self.company_b.id)]
            names = [name for name, field in Model._fields.items() if field.column_type and name not in BOOKKEEPING]
            state[model] = Model.search_read(domain, names, order="id")
            threads[model] = [record["id"] for record in state[model]]
        for model, ids in threads.items():
            state[f"chatter of {model}"] = (
                env["mail.message"].search([("model", "=", model), ("res_id", "in", ids)]).ids
            )
            state[f"activities of {model}"] = (
                env["mail.activity"].search([("res_model", "=", model), ("res_id", "in", ids)]).ids
            )
        return state

    # ------------------------------------------------------------------ the attempts

    def _attempts(self):  # noqa: C901 a flat list of attempts, one per record kind
        """``(what, attempt, only a refusal will do)``: each attempt is one thing a user of A does with B's records or
        ids; the others may answer with A's own data (a list, the dashboard), never with B's."""
        b = self.company_b.id
        customer_b, shared, queue_b = self.customer_b.id, self.shared.id, self.queue_b.id
        later = str(self.today + timedelta(days=20))
        call = self._call

        def rpc(model, method, *args, **kwargs):
            return lambda: call(model, method, *args, **kwargs)

        def get(url):
            return lambda: self._get(url)

        def report(converter, name, docids=(), **options):
            return get(self._report_url(converter, name, docids, **options))

        def xlsx(name, **options):
            return get(f"/founder_backoffice/xlsx/{name}?" + urlencode({"options": json.dumps(options)}))

        def export(model, field_names, domain=(), ids=False):
            def attempt():
                self._allow_export()
                self._export("xlsx", model, field_names, list(domain), ids=ids)

            return attempt

        def wizard(model, values, method, context=None):
            def attempt():
                [created] = call(model, "web_save", [], values, specification={}, context=context or {})
                call(model, method, [created["id"]])

            return attempt

        def read_queue_row():
            rows = call("fb.collection.queue", "read", [queue_b], ["partner_id", "amount_overdue"])
            self.assertEqual(rows, [], "B's row is not in the queue of A's companies")

        def dashboard():
            result = call("fb.dashboard.figures", "get_dashboard", "this_month", company_id=b)
            self.assertNotEqual(result["company"]["id"], b, "the dashboard of a company the user is not in")

        def statement_xlsx():
            values = {"report": "statement", "partner_ids": [[6, 0, [customer_b]]]}
            [created] = call("fb.report.wizard", "web_save", [], values, specification={})
            self._get(call("fb.report.wizard", "action_xlsx", [created["id"]])["url"])

        def new_promise(partner, moves=()):
            values = {"partner_id": partner, "amount": 10.0, "promised_date": later, "move_ids": [[6, 0, list(moves)]]}
            return rpc("fb.promise", "web_save", [], values, specification={"display_name": {}})

        ids = {
            "run": self.run_b.id,
            "reminder": self.reminder_b.id,
            "line": self.reminder_b.line_ids[:1].id,
            "promise": self.promise_b.id,
            "dispute": self.dispute_b.id,
            "plan": self.plan_b.id,
        }
        return [
            # B's customer and the shared one
            ("read B's customer", rpc("res.partner", "read", [customer_b], ["name", "fb_credit_hold"]), True),
            ("open B's customer", rpc("res.partner", "web_read", [customer_b], {"display_name": {}}), True),
            (
                "change B's customer's collections settings",
                rpc("res.partner", "write", [customer_b], {"fb_no_dunning": True, "fb_credit_hold": True}),
                True,
            ),
            ("rename B's customer", rpc("res.partner", "write", [customer_b], {"name": "Renamed"}), True),
            ("release B's customer's hold", rpc("res.partner", "action_fb_release_credit_hold", [customer_b]), True),
            ("delete B's customer", rpc("res.partner", "unlink", [customer_b]), True),
            ("log a call on B's customer", rpc("res.partner", "action_fb_log_call", [customer_b]), True),
            (
                "post a note on B's customer",
                rpc("res.partner", "message_post", [customer_b], body="Note", subtype_xmlid="mail.mt_note"),
                True,
            ),
            (
                "change the shared customer's settings (A's own)",
                rpc("res.partner", "write", [shared], {"fb_no_dunning": True, "fb_credit_hold": False}),
                False,
            ),
            (
                "release the shared customer's hold in A",
                rpc("res.partner", "action_fb_release_credit_hold", [shared]),
                False,
            ),
            # the queue
            ("read B's queue row", read_queue_row, False),
            (
                "move B's queue card",
                rpc(
                    "fb.collection.queue", "web_save", [queue_b], {"stage_id": self.stage_promised.id}, specification={}
                ),
                True,
            ),
            (
                "list the queue of B",
                rpc(
                    "fb.collection.queue",
                    "web_search_read",
                    [("company_id", "=", b)],
                    {"partner_id": {"fields": {"display_name": {}}}, "amount_overdue": {}},
                ),
                False,
            ),
            # B's dunning, promises, disputes, plans
            ("read B's run", rpc("fb.dunning.run", "read", [ids["run"]], ["name", "state"]), True),
            ("send B's run", rpc("fb.dunning.run", "action_send", [ids["run"]]), True),
            ("cancel B's run", rpc("fb.dunning.run", "action_cancel", [ids["run"]]), True),
            ("retry B's run", rpc("fb.dunning.run", "action_retry_failed", [ids["run"]]), True),
            ("recompute B's run", rpc("fb.dunning.run", "action_compute", [ids["run"]]), True),
            ("write B's run", rpc("fb.dunning.run", "write", [ids["run"]], {"state": "cancelled"}), True),
            ("delete B's run", rpc("fb.dunning.run", "unlink", [ids["run"]]), True),
            ("read B's reminder", rpc("fb.dunning.reminder", "read", [ids["reminder"]], ["amount_overdue"]), True),
            (
                "write B's reminder",
                rpc("fb.dunning.reminder", "write", [ids["reminder"]], {"state": "cancelled"}),
                True,
            ),
            ("delete B's reminder", rpc("fb.dunning.reminder", "unlink", [ids["reminder"]]), True),
            ("read B's line", rpc("fb.dunning.line", "read", [ids["line"]], ["amount_residual"]), True),
            ("write B's line", rpc("fb.dunning.line", "write", [ids["line"]], {"state": "cancelled"}), True),
            ("delete B's line", rpc("fb.dunning.line", "unlink", [ids["line"]]), True),
            ("read B's promise", rpc("fb.promise", "read", [ids["promise"]], ["amount"]), True),
            (
                "postpone B's promise",
                rpc("fb.promise", "write", [ids["promise"]], {"promised_date": later, "date": str(self.today)}),
                True,
            ),
            ("withdraw B's promise", rpc("fb.promise", "action_cancel", [ids["promise"]]), True),
            ("delete B's promise", rpc("fb.promise", "unlink", [ids["promise"]]), True),
            ("read B's dispute", rpc("fb.dispute", "read", [ids["dispute"]], ["amount"]), True),
            ("resolve B's dispute", rpc("fb.dispute", "action_resolve", [ids["dispute"]]), True),
            ("write B's dispute", rpc("fb.dispute", "write", [ids["dispute"]], {"amount": 1.0}), True),
            ("delete B's dispute", rpc("fb.dispute", "unlink", [ids["dispute"]]), True),
            ("read B's plan", rpc("fb.payment.plan", "read", [ids["plan"]], ["amount"]), True),
            ("re-date B's plan", rpc("fb.payment.plan", "write", [ids["plan"]], {"date": later}), True),
            ("cancel B's plan", rpc("fb.payment.plan", "action_cancel", [ids["plan"]]), True),
            ("recompute B's plan", rpc("fb.payment.plan", "action_compute_instalments", [ids["plan"]]), True),
            ("delete B's plan", rpc("fb.payment.plan", "unlink", [ids["plan"]]), True),
            (
                "write B's instalment",
                rpc("fb.payment.plan.line", "write", self.plan_b.line_ids[:1].ids, {"amount": 1.0}),
                True,
            ),
            ("change B's level", rpc("fb.dunning.level", "write", self.policy_b.level_ids.ids, {"days": 99}), True),
            ("change B's policy", rpc("fb.dunning.policy", "write", self.policy_b.ids, {"grace_days": 90}), True),
            ("read B's KPI history", rpc("fb.kpi.snapshot", "read", self.snapshot_b.ids, ["month"]), True),
            ("delete B's KPI history", rpc("fb.kpi.snapshot", "unlink", self.snapshot_b.ids), True),
            ("read B's dashboard figures", rpc("fb.dashboard.figures", "read", self.figures_b.ids, ["data"]), True),
            (
                "read B's frozen forecast",
                rpc("fb.forecast.accuracy", "read", self.forecast_weeks_b.ids, ["expected"]),
                True,
            ),
            (
                "read B's forecast per grade",
                rpc("fb.forecast.accuracy.line", "read", self.forecast_weeks_b.line_ids.ids, ["expected"]),
                True,
            ),
            ("read B's invoice", rpc("account.move", "read", self.invoice_b.ids, ["amount_residual"]), True),
            ("reset B's invoice to draft", rpc("account.move", "button_draft", self.invoice_b.ids), True),
            # A's records pointing at B's
            ("promise for B's customer", new_promise(customer_b), True),
            ("promise on B's invoice", new_promise(shared, self.shared_invoice_b.ids), True),
            (
                "dispute on B's invoice",
                rpc(
                    "fb.dispute", "web_save", [], {"move_id": self.invoice_b.id, "reason": "quality"}, specification={}
                ),
                True,
            ),
            (
                "plan for B's customer",
                rpc(
                    "fb.payment.plan",
                    "web_save",
                    [],
                    {"partner_id": customer_b, "move_ids": [[6, 0, self.plan_invoice_b.ids]], "instalment_count": 2},
                    specification={},
                ),
                True,
            ),
            # wizards with B's records or company
            (
                "credit hold wizard on B's customer",
                wizard("fb.credit.hold.wizard", {"reason": "x"}, "action_confirm", {"fb_partner_id": customer_b}),
                True,
            ),
            (
                "collector wizard on B's queue row",
                wizard(
                    "fb.assign.collector.wizard",
                    {"collector_id": self.users["Collections manager"].id},
                    "action_assign",
                    {"active_model": "fb.collection.queue", "active_ids": [queue_b]},
                ),
                False,
            ),
            ("dunning run wizard in B", wizard("fb.dunning.run.wizard", {"company_id": b}, "action_preview"), True),
            ("report wizard on B", wizard("fb.report.wizard", {"company_id": b}, "action_view"), True),
            ("report wizard XLSX of B", wizard("fb.report.wizard", {"company_id": b}, "action_xlsx"), True),
            ("statement XLSX link of B's customer", statement_xlsx, False),
            # reports, links and exports naming B
            ("aging of B (/report/html)", report("html", "report_fb_aging", company_id=b), True),
            ("aging of B (/report/pdf)", report("pdf", "report_fb_aging", company_id=b), True),
            ("aging with company_ids of B", report("html", "report_fb_aging", company_ids=[b]), False),
            ("P&L of B", report("html", "report_fb_pnl", company_id=b), True),
            ("cash flow of B", report("html", "report_fb_cash_flow", company_id=b), True),
            ("statement of B's customer", report("html", "report_fb_statement", [customer_b]), True),
            (
                "statement of the shared customer in B",
                report("html", "report_fb_statement", [shared], company_id=b),
                True,
            ),
            ("statement of the shared customer in A", report("html", "report_fb_statement", [shared]), False),
            ("letter of B's reminder", report("html", "report_fb_dunning_letter", [ids["reminder"]]), True),
            ("aging XLSX of B", xlsx("aging_receivable", company_id=b), True),
            ("statement XLSX of B", xlsx("statement", company_id=b, partner_ids=[customer_b]), True),
            ("cash forecast XLSX of B", xlsx("cash_forecast", company_id=b), True),
            ("export B's promise", export("fb.promise", ["partner_id", "amount"], ids=[ids["promise"]]), True),
            ("export B's customer", export("res.partner", ["name", "fb_credit_hold"], ids=[customer_b]), True),
            ("export B's invoice", export("account.move", ["name", "amount_residual"], ids=self.invoice_b.ids), True),
            ("export B's queue row", export("fb.collection.queue", ["amount_overdue"], ids=[queue_b]), True),
            ("export the promises of B", export("fb.promise", ["amount"], [("company_id", "=", b)]), False),
            # the cockpit
            ("dashboard of B", dashboard, False),
            (
                "dashboard with B allowed",
                rpc("fb.dashboard.figures", "get_dashboard", "this_month", context={"allowed_company_ids": [b]}),
                True,
            ),
            ("refresh B's figures", rpc("fb.dashboard.figures", "action_refresh_figures", company_id=b), False),
            ("forecast week of B", rpc("fb.dashboard.figures", "get_forecast_week_action", 0, company_id=b), False),
            (
                "forecast of B on screen",
                rpc(
                    "fb.cash.forecast",
                    "web_search_read",
                    [],
                    {"week": {}, "receipts": {}},
                    context={"fb_report_options": {"company_id": b}},
                ),
                True,
            ),
            (
                "analytics of B",
                rpc(
                    "fb.collection.analytics",
                    "web_search_read",
                    [("company_id", "=", b)],
                    {"company_id": {}, "overdue_end": {}, "collected": {}},
                ),
                False,
            ),
            (
                "analytics totals",
                rpc("fb.collection.analytics", "formatted_read_group", [], ["company_id"], ["overdue_end:sum"]),
                False,
            ),
            (
                "analytics with B allowed",
                rpc(
                    "fb.collection.analytics",
                    "web_search_read",
                    [],
                    {"overdue_end": {}},
                    context={"allowed_company_ids": [self.company.id, b]},
                ),
                True,
            ),
            ("KPI engine on B", rpc("fb.kpi", "compute", b, str(self.today), str(self.today)), True),
            (
                "founder's figures of B's digest",
                rpc("digest.digest", "web_read", self.digest_b.ids, {"kpi_fb_ar_overdue_value": {}}),
                True,
            ),
            (
                "payment risk of the shared customer on a lead of B",
                rpc(
                    "crm.lead",
                    "onchange",
                    [],
                    {"name": "Deal", "type": "opportunity", "partner_id": shared, "company_id": b},
                    ["partner_id"],
                    {
                        "name": {},
                        "type": {},
                        "partner_id": {},
                        "company_id": {},
                        "fb_overdue_amount": {},
                        "fb_overdue_summary": {},
                        "fb_payment_grade": {},
                    },
                ),
                False,
            ),
        ]

    # ------------------------------------------------------------------ the sweep

    def test_company_a_people_get_nothing_of_company_b_and_change_nothing(self):
        before = self._b_state()
        self.assertTrue(before["fb.dunning.reminder"] and before["fb.payment.plan.line"], "B has history to protect")
        self.assertTrue(self.queue_b and self.snapshot_b and self.figures_b)
        attempts = self._attempts()
        for role, user in self.users.items():
            self._login_as(user)
            for what, attempt, refusal_only in attempts:
                with self.subTest(persona=role, attempt=what), self.env.cr.savepoint() as savepoint:
                    writes = self._writes()
                    self.responses = []
                    refusal = ""
                    try:
                        attempt()
                    except Refused as error:
                        refusal = str(error)
                    self.assertFalse(self._leaks(), f"{role}: {what} answered with company B's data")
                    if refusal_only:
                        self.assertTrue(refusal, f"{role}: {what} was not refused")
                    if self._writes() != writes:
                        self.assertEqual(self._b_state(), before, f"{role}: {what} changed company B's records")
                    savepoint.rollback()
                    self.env.invalidate_all()

    # ------------------------------------------------------------------ the digest (H3)

    def test_digest_gives_a_founder_the_figures_of_their_companies_only(self):
        founder = self.users["Founder"]
        digest = self.digest_b.with_context(allowed_company_ids=None)  # as the digest job sends it
        with self.assertRaises(AccessError):
            digest.with_user(founder).read(["kpi_fb_ar_overdue_value"])
        founder_kpis = {kpi["kpi_name"] for kpi in digest._compute_kpis(founder.company_id, founder)}
        self.assertFalse({name for name in founder_kpis if name.startswith("kpi_fb_")}, "B's figures for A's founder")
        b_kpis = {kpi["kpi_name"] for kpi in digest._compute_kpis(self.company_b, self.founder_b)}
        self.assertLessEqual({"kpi_fb_ar_overdue", "kpi_fb_cash"}, b_kpis, "B's founder gets B's figures")
        # the e-mail a founder of A gets once subscribed to B's digest (digest.action_subscribe is public)
        digest.with_user(founder).action_subscribe()
        Mail = self.env["mail.mail"].sudo()
        for recipient, company, shown in ((self.founder_b, self.company_b, True), (founder, self.company, False)):
            digest._action_send_to_user(recipient)
            mail = Mail.search([("subject", "=", f"{company.name}: Weekly B")], order="id desc", limit=1)
            self.assertEqual("Overdue receivables" in mail.body_html, shown, recipient.login)

    # ------------------------------------------------------------------ leads (M1)

    def test_payment_risk_on_leads_is_for_salespeople_of_the_lead_company(self):
        salesperson = self.users["Salesperson"]
        Lead = self.env["crm.lead"].with_user(salesperson)
        lead = Lead.create({"name": "Renewal", "type": "opportunity", "partner_id": self.customer.id})
        self.assertEqual((lead.fb_overdue_amount, lead.fb_oldest_overdue_days), (500.0, 40))
        shared = Lead.create({"name": "Upsell", "type": "opportunity", "partner_id": self.shared.id})
        self.assertEqual(shared.fb_overdue_amount, 0.0, "the shared customer owes B, not A")
        draft = Lead.new({"name": "Deal", "partner_id": self.shared.id, "company_id": self.company_b.id})
        self.assertEqual(
            (draft.fb_overdue_amount, draft.fb_overdue_summary, draft.fb_payment_grade),
            (0.0, False, False),
            "a lead naming a company the salesperson is not in shows none of its receivables",
        )
        # a portal reseller reads the leads assigned to it (website_crm_partner_assign's access), not the risk
        portal = self.users["Portal"]
        self.env["ir.model.access"].sudo().create(
            {
                "name": "portal resellers read their leads",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "group_id": self.env.ref("base.group_portal").id,
                "perm_read": True,
            }
        )
        self.assertEqual(lead.with_user(portal).read(["name"])[0]["name"], "Renewal")
        risk = {
            "fb_overdue_amount",
            "fb_oldest_overdue_days",
            "fb_overdue_summary",
            "fb_payment_grade",
            "fb_credit_hold",
        }
        self.assertFalse(risk & set(self.env["crm.lead"].with_user(portal).fields_get()))
        for name in risk:
            with self.assertRaises(AccessError):
                lead.with_user(portal).read([name])

    # ------------------------------------------------------------------ assignments (L10)

    def test_collectors_and_escalations_go_to_collections_staff_of_the_company(self):
        manager = self.users["Collections manager"]
        customer = self.customer.with_user(manager)
        for user, why in (
            (self.users["Portal"], "a portal user"),
            (self.users["Salesperson"], "an employee without collections rights"),
            (self.collector_b, "a collector of company B only"),
        ):
            with self.subTest(why), self.assertRaisesRegex(ValidationError, "cannot be the collector"):
                customer.write({"fb_collector_id": user.id})
        self.env.flush_all()
        row = self.env["fb.collection.queue"].search([("partner_id", "=", self.customer.id)])
        with self.assertRaisesRegex(ValidationError, "cannot be the collector"):
            row.with_user(manager).write({"collector_id": self.collector_b.id})
        wizard = (
            self.env["fb.assign.collector.wizard"]
            .with_user(manager)
            .with_context(active_model="fb.collection.queue", active_ids=row.ids)
            .create({"collector_id": self.collector_b.id})
        )
        with self.assertRaisesRegex(ValidationError, "cannot be the collector"):
            wizard.action_assign()
        customer.write({"fb_collector_id": self.users["Collections user"].id})
        self.assertEqual(self.customer.fb_collector_id, self.users["Collections user"])

        level = self.level_3.with_user(manager)
        for user in (self.users["Portal"], self.collector_b):
            with self.subTest(user.login), self.assertRaisesRegex(ValidationError, "hand cases over"):
                level.write({"escalate_user_id": user.id})
        level.write({"escalate_user_id": self.users["Founder"].id})
        self.assertEqual(self.level_3.escalate_user_id, self.users["Founder"])
        statement = self.env.ref("founder_backoffice.mail_template_fb_statement")
        with self.assertRaisesRegex(ValidationError, "template of payment reminders"):
            level.write({"mail_template_id": statement.id})
        final = self.env.ref("founder_backoffice.mail_template_fb_dunning_final")
        self.assertEqual(self.level_3.mail_template_id, final)

    def test_a_note_before_the_due_date_reaches_the_invoices_of_its_company_only(self):
        """Both companies note what falls due in three days: each run lists its own company's invoice of a customer
        they share, and company B's people cannot read company A's note."""
        soon = self.today + timedelta(days=3)
        shared = self._customer("Bruni Comune S.r.l.")
        self.level_1.copy({"name": "Soon", "days": -3})
        in_b = self.env(context=dict(self.env.context, allowed_company_ids=[self.company_b.id]))
        in_b["fb.dunning.level"].create(
            {"policy_id": self.policy_b.id, "name": "Soon", "days": -5, "create_activity": True}
        )
        invoice_a = self._invoice(shared, 100.0, soon)
        invoice_b = self._invoice_b(shared, 200.0, soon)
        run = self._run(self.today).with_user(self.users["Collections manager"])
        run_b = in_b["fb.dunning.run"].with_user(self.founder_b).create({"company_id": self.company_b.id})
        run_b.action_compute()
        self.assertEqual(run.line_ids.filtered(lambda line: line.partner_id == shared).move_id, invoice_a)
        self.assertEqual(run_b.line_ids.filtered(lambda line: line.partner_id == shared).move_id, invoice_b)
        note = run.reminder_ids.filtered(lambda reminder: reminder.partner_id == shared)
        self.assertTrue(note.pre_due)
        with self.assertRaises(AccessError):
            note.with_user(self.founder_b).read(["amount_upcoming"])

    # ------------------------------------------------------------------ analytics ids (L4)

    def test_collection_analytics_rows_keep_their_ids_with_large_user_ids(self):
        """Ids were ``company * 1,000,000 + collector * 100 + month``: collector 10,000 of a company took the ids of
        the next company's rows. A collector is given the user id that collided with company B's rows."""
        user_id = (self.company_b.id - self.company.id) * 10_000
        self.env.cr.execute(SQL("SELECT setval('res_users_id_seq', GREATEST(%s, 1), false)", user_id))
        collector = self._user("fb_collector_10k", PERSONAS["Collections user"])
        self.assertEqual(collector.id, user_id)
        self.customer.fb_collector_id = collector
        Analytics = self.env["fb.collection.analytics"].with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]
        )
        rows = Analytics._rows(self.company) + Analytics._rows(self.company_b)
        lines = {(row[1], row[2]) for row in rows}  # (collector, company)
        self.assertLessEqual({(collector.id, self.company.id), (None, self.company_b.id)}, lines)
        self.assertEqual(len({row[0] for row in rows}), len(rows), "one id per collector, company and month")
        self.assertEqual(len(rows), MONTHS * len(lines))
        self.env.flush_all()
        read = Analytics.search_read([], ["collector_id", "company_id", "month"])
        self.assertEqual(len({row["id"] for row in read}), len(rows), "every row read back under its own id")
