"""`make load`'s simulated users (Locust): collectors working their queue and founders reading their figures,
logged in through /web/login, each action going the web client's way (JSON-RPC call_kw, the XLSX link)."""

import itertools
import json
import random
import re
from datetime import date, timedelta

from locust import HttpUser, between, task


class OdooUser(HttpUser):
    """Each simulated user logs in with a login of its own (bench/load_check.py prepares them)."""

    abstract = True
    wait_time = between(1, 3)
    role = None
    logins = None

    def on_start(self):
        self.login = f"load_{self.role}_{next(self.logins)}"
        page = self.client.get("/web/login", name="login page")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/web/login",
            data={"login": self.login, "password": self.login, "csrf_token": token, "redirect": "/odoo"},
            name="login",
        )
        info = self.client.post("/web/session/get_session_info", json={}, name="session info").json()["result"]
        self.company_id = info["user_companies"]["current_company"]

    def call(self, name, model, method, *args, **kwargs):
        kwargs.setdefault("context", {})["allowed_company_ids"] = [self.company_id]
        payload = {"jsonrpc": "2.0", "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}}
        with self.client.post(
            f"/web/dataset/call_kw/{model}/{method}", json=payload, name=name, catch_response=True
        ) as r:
            body = r.json() if r.ok else {}
            if "error" in body:
                r.failure(body["error"]["data"]["message"][:200])
                return None
            return body.get("result")


class Collector(OdooUser):
    weight = 3
    role = "collector"
    logins = itertools.cycle(range(15))
    customers = ()

    @task(4)
    def queue(self):
        rows = self.call(
            "collector: queue, first page",
            "fb.collection.queue",
            "web_search_read",
            [],
            {"partner_id": {"fields": {"display_name": {}}}, "amount_overdue": {}, "priority": {}},
            limit=80,
        )
        if rows:
            self.customers = [row["partner_id"]["id"] for row in rows["records"]]

    @task(3)
    def customer_form(self):
        if self.customers:
            self.call(
                "collector: customer form",
                "res.partner",
                "web_read",
                [random.choice(self.customers)],
                {"name": {}, "fb_collector_id": {}, "fb_payment_grade": {}, "fb_overdue_count": {}},
            )

    @task(1)
    def promise(self):
        if self.customers:
            self.call(
                "collector: record a promise",
                "fb.promise",
                "web_save",
                [],
                {
                    "partner_id": random.choice(self.customers),
                    "amount": 100.0,
                    "promised_date": str(date.today() + timedelta(days=7)),
                },
                specification={},
            )

    @task(1)
    def log_call(self):
        if self.customers:
            partner = random.choice(self.customers)
            action = self.call("collector: log a call (form)", "res.partner", "action_fb_log_call", [partner])
            if action:
                defaults = {k[len("default_") :]: v for k, v in action["context"].items() if k.startswith("default_")}
                [activity] = self.call(
                    "collector: log a call (save)", "mail.activity", "web_save", [], defaults, specification={}
                ) or [None]
                if activity:
                    self.call(
                        "collector: log a call (done)", "mail.activity", "action_feedback", [activity["id"]], "Called"
                    )


class Founder(OdooUser):
    weight = 1
    role = "founder"
    logins = itertools.cycle(range(5))

    def options(self):
        return {"company_id": self.company_id}

    @task(3)
    def dashboard(self):
        self.call("founder: dashboard", "fb.dashboard.figures", "get_dashboard")

    @task(2)
    def aging_screen(self):
        self.call(
            "founder: aging screen",
            "fb.aging.report",
            "web_search_read",
            [],
            {"partner_id": {"fields": {"display_name": {}}}, "amount_residual": {}},
            limit=80,
            context={"fb_report_options": self.options()},
        )

    @task(1)
    def aging_xlsx(self):
        self.client.get(
            f"/founder_backoffice/xlsx/aging_receivable?options={json.dumps(self.options())}",
            name="founder: aging XLSX",
        )
