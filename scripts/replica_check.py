"""Where each of the founder's requests ran, read from the statistics of the primary and of the hot standby.

Logged in as the demo's administrator (a founder), it sends the dashboard RPC, the report screens, the aging PDF
and the XLSX links, which Odoo serves from its read-only cursor — the standby when ``db_replica_host`` is set —
then a dunning run that is computed and sent, which writes on the primary. Around each request it reads, on both
servers, how many times the accounting and Back Office tables were scanned (``pg_stat_user_tables``: a standby
counts the scans of the queries it serves; the backends flush their statistics when idle, hence the pauses). Odoo
itself may still write a device log line or report assets on the primary during a read request: those tables are
not counted. Exit status 1 when a read scanned those tables on the primary, or the dunning run did not write there."""

import argparse
import json
import os
import sys
import time

import psycopg2
import requests

STATS_PAUSE = 11  # seconds: PostgreSQL backends flush their statistics at the latest 10 s after going idle


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--replica-port", type=int, required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    return parser.parse_args()


class Server:
    def __init__(self, name, database, port=None):
        self.name = name
        self.params = {"dbname": database, "host": os.environ.get("PGHOST") or "127.0.0.1"}
        if port:
            self.params.update(host="127.0.0.1", port=port)

    def query(self, sql):
        """One value, read on a connection of its own, closed at once."""
        conn = psycopg2.connect(**self.params)
        try:
            with conn.cursor() as cr:
                cr.execute(sql)
                return cr.fetchone()[0]
        finally:
            conn.close()

    def scans(self):
        """Sequential and index scans of the accounting and Back Office tables so far."""
        return self.query(
            """SELECT COALESCE(SUM(seq_scan + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables
                WHERE relname IN ('account_move_line', 'account_move', 'account_partial_reconcile')
                   OR relname LIKE 'fb%'"""
        )

    def count(self, table):
        return self.query(f"SELECT COUNT(*) FROM {table}")  # a fixed table name


class Odoo:
    def __init__(self, url, database, login, password):
        self.url, self.session = url, requests.Session()
        response = self.session.post(
            f"{url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": database, "login": login, "password": password}},
        )
        result = response.json().get("result")
        if not result:
            sys.exit(f"cannot log in as {login}: {response.text[:200]}")
        self.company_id = result["user_companies"]["current_company"]

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", {})["allowed_company_ids"] = [self.company_id]
        response = self.session.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={"jsonrpc": "2.0", "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}},
        )
        body = response.json()
        if "error" in body:
            raise RuntimeError(f"{model}.{method}: {body['error']['data']['message']}")
        return body["result"]

    def get(self, path):
        response = self.session.get(f"{self.url}{path}")
        response.raise_for_status()
        return response.content


def main():
    args = parse_args()
    primary = Server("primary", args.database)
    standby = Server("standby", args.database, args.replica_port)
    odoo = Odoo(args.url, args.database, args.login, args.password)
    options = {"company_id": odoo.company_id}
    report_context = {"fb_report_options": options}
    reads = [
        ("dashboard RPC", lambda: odoo.call("fb.dashboard.figures", "get_dashboard")),
        (
            "aging screen (list)",
            lambda: odoo.call(
                "fb.aging.report", "web_search_read", [], {"amount_residual": {}}, context=report_context
            ),
        ),
        (
            "cash forecast screen",
            lambda: odoo.call("fb.cash.forecast", "web_search_read", [], {"closing": {}}, context=report_context),
        ),
        (
            "aging PDF (/report/pdf)",
            lambda: odoo.get(
                f"/report/pdf/founder_backoffice.report_fb_aging?options={json.dumps({'options': options})}"
            ),
        ),
        (
            "aging XLSX link",
            lambda: odoo.get(f"/founder_backoffice/xlsx/aging_receivable?options={json.dumps(options)}"),
        ),
        (
            "cash forecast XLSX link",
            lambda: odoo.get(f"/founder_backoffice/xlsx/cash_forecast?options={json.dumps(options)}"),
        ),
    ]

    def dunning():
        run_id = odoo.call("fb.dunning.run", "create", {"company_id": odoo.company_id})
        odoo.call("fb.dunning.run", "action_compute", [run_id])
        odoo.call("fb.dunning.run", "action_send", [run_id])

    reminders_before = primary.count("fb_dunning_reminder")
    time.sleep(STATS_PAUSE)
    rows, failures = [], []
    for name, request, kind in [
        *((n, r, "read") for n, r in reads),
        ("dunning run: compute and send", dunning, "write"),
    ]:
        before = primary.scans(), standby.scans()
        request()
        time.sleep(STATS_PAUSE)
        after = primary.scans(), standby.scans()
        on_primary, on_standby = after[0] - before[0], after[1] - before[1]
        ran_where = "standby" if on_primary == 0 and on_standby > 0 else "primary"
        rows.append((name, on_standby, on_primary, ran_where))
        if (kind == "read") != (ran_where == "standby"):
            failures.append(name)
    time.sleep(1)
    written, replicated = primary.count("fb_dunning_reminder"), standby.count("fb_dunning_reminder")
    print(f"\n{'request':34} {'table scans on the standby':>27} {'on the primary':>15}  ran on")
    for name, on_standby, on_primary, ran_where in rows:
        print(f"{name:34} {on_standby:>27} {on_primary:>15}  {ran_where}")
    print(
        f"\nreminders written on the primary: {written - reminders_before}; replicated to the standby: "
        f"{replicated - reminders_before}"
    )
    print(
        "every read on the standby, the dunning run on the primary: "
        + ("yes" if not failures else f"NO ({', '.join(failures)})")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
