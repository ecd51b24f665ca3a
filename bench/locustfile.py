"""`make load`'s simulated users (Locust): collectors working their queue and founders reading their figures,
logged in through /web/login, each action going the web client's way (JSON-RPC call_kw, the XLSX link). The same
users also do Odoo's own comparable actions ("odoo: ..."), the yardstick the add-on's actions are compared with in
the same run. Every request's time is appended to the file named by ``FB_LOAD_TIMINGS`` (bench/load_check.py
computes the percentiles, also of the yardstick's requests together)."""

import itertools
import json
import os
import random
from datetime import date, timedelta

from locust import HttpUser, between, events, task
from odoo_login import log_in

YARDSTICK = "odoo: "  # the prefix of Odoo's own actions
_timings = open(os.environ["FB_LOAD_TIMINGS"], "a", encoding="utf-8")  # noqa: SIM115 (open while Locust runs)


@events.request.add_listener
def record(name, response_time, exception, **_kwargs):
    _timings.write(json.dumps([name, round(response_time, 1), bool(exception)]) + "\n")


@events.quitting.add_listener
def close(**_kwargs):
    _timings.close()


class OdooUser(HttpUser):
    """Each simulated user logs in with a login of its own (bench/load_check.py prepares them)."""

    abstract = True
    wait_time = between(1, 3)
    role = None
    logins = None

    def on_start(self):
        self.login = f"load_{self.role}_{next(self.logins)}"
        self.company_id = log_in(self.client, self.login, step_options=lambda step: {"name": step})

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

    def form(self, name, model, ids, specification):
        """A form as the web client opens it (``web_read``), on one of the records ``ids`` when there are any."""
        if ids:
            self.call(name, model, "web_read", [random.choice(ids)], specification)


class Collector(OdooUser):
    weight = 3
    role = "collector"
    logins = itertools.cycle(range(30))
    customers = ()
    invoices = ()

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
        self.form(
            "collector: customer form",
            "res.partner",
            self.customers,
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

    # the yardstick: Odoo's own screens of the same kind, as its web client loads them

    @task(4)
    def invoice_list(self):
        rows = self.call(
            YARDSTICK + "invoice list, first page",
            "account.move",
            "web_search_read",
            [("move_type", "=", "out_invoice")],
            {
                "name": {},
                "invoice_partner_display_name": {},
                "invoice_date": {},
                "invoice_date_due": {},
                "ref": {},
                "invoice_user_id": {"fields": {"display_name": {}}},
                "company_id": {"fields": {"display_name": {}}},
                "amount_untaxed_in_currency_signed": {},
                "amount_total_in_currency_signed": {},
                "amount_residual_signed": {},
                "currency_id": {"fields": {}},
                "status_in_payment": {},
                "state": {},
                "move_type": {},
            },
            limit=80,
        )
        if rows:
            self.invoices = [row["id"] for row in rows["records"]]

    @task(3)
    def partner_form(self):
        self.form(
            YARDSTICK + "partner form",
            "res.partner",
            self.customers,
            {
                "name": {},
                "email": {},
                "phone": {},
                "street": {},
                "city": {},
                "country_id": {"fields": {"display_name": {}}},
                "vat": {},
                "property_payment_term_id": {"fields": {"display_name": {}}},
                "property_account_receivable_id": {"fields": {"display_name": {}}},
                "total_invoiced": {},
                "bank_account_count": {},
            },
        )

    @task(2)
    def invoice_form(self):
        self.form(
            YARDSTICK + "invoice form",
            "account.move",
            self.invoices,
            {
                "name": {},
                "partner_id": {"fields": {"display_name": {}}},
                "invoice_date": {},
                "invoice_date_due": {},
                "state": {},
                "payment_state": {},
                "amount_residual": {},
                "tax_totals": {},
                "invoice_line_ids": {
                    "fields": {
                        "product_id": {"fields": {"display_name": {}}},
                        "name": {},
                        "quantity": {},
                        "price_unit": {},
                        "tax_ids": {"fields": {"display_name": {}}},
                        "price_subtotal": {},
                    }
                },
            },
        )


class Founder(OdooUser):
    weight = 1
    role = "founder"
    logins = itertools.cycle(range(10))

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

    # the yardstick: Odoo's accounting dashboard (the journals' kanban with their figures and graphs)

    @task(3)
    def accounting_dashboard(self):
        self.call(
            YARDSTICK + "accounting dashboard",
            "account.journal",
            "web_search_read",
            [("show_on_dashboard", "=", True)],
            {
                "name": {},
                "type": {},
                "color": {},
                "kanban_dashboard": {},
                "kanban_dashboard_graph": {},
                "has_entries": {},
                "activity_ids": {},
            },
        )
