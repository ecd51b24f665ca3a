import io
import json
from datetime import timedelta

import openpyxl

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
class TestReadReplica(FounderBackofficeCommon, HttpCase):
    """The read paths a founder uses run on a read-only cursor, which Odoo takes from ``db_replica_host`` when one
    is configured: each is marked read-only, and served from the read-only test cursor (which refuses writes) without
    Odoo falling back to a read/write cursor — it logs a warning when it has to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls._invoice(cls.customer, 500.0, today - timedelta(days=40))
        cls.founder = cls._persona("Founder")

    def setUp(self):
        super().setUp()
        self.authenticate(self.founder.login, self.founder.login)

    def _call(self, model, method, *args, **kwargs):
        self.assertTrue(getattr(getattr(self.registry[model], method), "_readonly", False), f"{model}.{method}")
        kwargs["context"] = {"allowed_company_ids": [self.company.id], **kwargs.get("context", {})}
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
        )
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        return body["result"]

    def test_dashboard_reports_and_exports_run_on_the_read_only_cursor(self):
        options = {"company_id": self.company.id}
        job = self.env.ref("founder_backoffice.ir_cron_fb_dashboard_figures")
        Runs, asked = self.env["ir.cron.trigger"], [("cron_id", "=", job.id)]
        Runs.search(asked).unlink()
        self.env.flush_all()
        with self.assertNoLogs("odoo.http", "WARNING"):
            dashboard = self._call("fb.dashboard.figures", "get_dashboard")
            self.assertEqual({card["key"]: card["value"] for card in dashboard["cards"]}["ar_overdue"], 500.0)
            # no figures yet: computed by the call, which asks the job to store them in a transaction of its own
            self.assertEqual(Runs.search_count(asked), 1)
            self._call("fb.dashboard.figures", "get_card_action", "ar_overdue")
            self._call("fb.dashboard.figures", "get_forecast_week_action", 0)
            rows = self._call(
                "fb.aging.report",
                "web_search_read",
                [],
                {"amount_residual": {}},
                context={"fb_report_options": options},
            )["records"]
            self.assertEqual(sum(row["amount_residual"] for row in rows), 500.0)
            [week] = self._call(
                "fb.cash.forecast",
                "web_search_read",
                [("week", "=", 1)],
                {"id": {}},
                context={"fb_report_options": options},
            )["records"]
            self._call(
                "fb.cash.forecast", "action_open_documents", [week["id"]], context={"fb_report_options": options}
            )
            page = self.url_open(
                f"/report/html/founder_backoffice.report_fb_aging?options={json.dumps({'options': options})}"
            )
            self.assertIn("Rossi S.p.A.", page.text)
            for report in ("aging_receivable", "cash_forecast", "pnl"):
                response = self.url_open(f"/founder_backoffice/xlsx/{report}?options={json.dumps(options)}")
                self.assertEqual(response.status_code, 200, report)
                book = openpyxl.load_workbook(io.BytesIO(response.content))
                self.assertTrue(book.worksheets, report)
