"""Benchmark of the add-on on a generated data set: `make bench` (see the README's Performance section).

The data set is generated once into its own database (2,000 customers and 20,000 posted invoices at scale 1).
Each operation then runs several times as the administrator, each time in a forked child process inside a
transaction that is rolled back, so every run starts from the same data and the child's peak resident memory is
the operation's own; the child runs it once unmeasured first, so caches are as warm as in a running server.
The SQL query count comes from Odoo's cursor. Floors (one raw SQL query, and that query written with plain
xlsxwriter) are measured in the same run so that targets can be ratios to them.
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from collections import namedtuple
from datetime import date, timedelta

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.orm import fields_textual
from odoo.tools import SQL, config

RUNS = 3
LETTER_CUSTOMERS = 100  # a batch's letters are rendered by one wkhtmltopdf call (patched-Qt build)
LETTER_HTTP_PORT = 8179  # wkhtmltopdf reads the letters' style sheets from Odoo's HTTP server, started for them
# The cash forecast's backtest: customers with lasting habits, as (share of customers, mean days late, spread in
# days); None: never pays. Forecast made 13 weeks before the data's end, compared with what came in.
BACKTEST_HABITS = ((0.25, -5, 3), (0.30, 10, 4), (0.25, 45, 8), (0.12, 90, 20), (0.08, None, 0))
BACKTEST_TARGET = 0.25  # at least 25 % less error than the strongest simple method (see forecast_backtest)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True, help="database holding the generated data set")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 2,000 customers, 20,000 invoices; 5 = 100,000")
    parser.add_argument("--generate", action="store_true", help="generate the data set into the database")
    parser.add_argument("--oca-database", help="a copy of the data set with OCA's account_credit_control installed")
    parser.add_argument("--addons-path", help="Odoo's addons path with the OCA add-on's folder")
    parser.add_argument("--output", default="bench/results/latest.json")
    return parser.parse_args()


# ---------------------------------------------------------------------- data set


def generate(env, scale):
    """Customers, invoices over 12 months (about 60 % overdue, 20 % paid, some partly paid), credit notes,
    vendor bills, bank statement lines and a three-level dunning policy; created and posted in batches."""
    rng = random.Random(42)
    company = env.company
    today = date.today()
    n_customers, n_invoices = int(2000 * scale), int(20000 * scale)
    customers = env["res.partner"].create(
        [
            {"name": f"Customer {i:06d}", "email": f"customer{i}@example.com", "is_company": True}
            for i in range(n_customers)
        ]
    )
    suppliers = env["res.partner"].create([{"name": f"Supplier {i:04d}"} for i in range(max(20, n_customers // 20))])
    invoices = env["account.move"]
    for start in range(0, n_invoices, 1000):
        vals = []
        for _ in range(start, min(start + 1000, n_invoices)):
            kind = rng.random()
            if kind < 0.6:  # overdue by 1 to 200 days
                due = today - timedelta(days=rng.randint(1, 200))
            else:  # paid later, or not yet due
                due = today + timedelta(days=rng.randint(-150, 40))
            invoice_date = max(due - timedelta(days=30), today - timedelta(days=365))
            vals.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": customers[rng.randrange(n_customers)].id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": round(rng.uniform(50, 5000), 2),
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        batch = env["account.move"].create(vals)
        batch.action_post()
        invoices |= batch
        env.cr.commit()
        print(f"  {len(invoices)} invoices", file=sys.stderr)
    not_overdue = invoices.filtered(lambda m: m.invoice_date_due >= today - timedelta(days=150))
    paid = not_overdue[: int(n_invoices * 0.2)]
    receive_payments(env, paid, 1)
    receive_payments(env, (invoices - paid)[: int(n_invoices * 0.02)], 1 / 3)
    refunds = (invoices - paid)[-int(n_invoices * 0.01) :]._reverse_moves(
        [{"invoice_date": today, "ref": "Credit note"}] * int(n_invoices * 0.01)
    )
    refunds.action_post()
    bills = env["account.move"].create(
        [
            {
                "move_type": "in_invoice",
                "partner_id": suppliers[i % len(suppliers)].id,
                "invoice_date": today,
                "invoice_date_due": today + timedelta(days=rng.randint(-30, 30)),
                "invoice_line_ids": [
                    Command.create({"name": "Cost", "quantity": 1, "price_unit": rng.uniform(50, 2000), "tax_ids": []})
                ],
            }
            for i in range(int(n_invoices * 0.1))
        ]
    )
    bills.action_post()
    generate_statement_lines(env, rng, customers, suppliers, int(n_invoices * 0.05))
    template = env.ref("founder_backoffice.mail_template_fb_dunning_friendly")
    env["fb.dunning.policy"].create(
        {
            "name": "Benchmark",
            "company_id": company.id,
            "is_default": True,
            "min_days_between": 0,
            "level_ids": [
                Command.create({"name": "Friendly", "days": 1, "mail_template_id": template.id}),
                Command.create({"name": "Firm", "days": 30, "mail_template_id": template.id}),
                Command.create(
                    {"name": "Final", "days": 60, "mail_template_id": template.id, "fee_type": "fixed", "fee_fixed": 10}
                ),
            ],
        }
    )
    env["ir.config_parameter"].set_param("fb.bench.generated", json.dumps({"scale": scale, "invoices": n_invoices}))
    env.cr.commit()


def receive_payments(env, invoices, share, on=None):
    """Customers' payments of ``share`` of each invoice, received on ``on`` (today) in bank entries of 1,000 lines
    and matched with the invoices in one reconciliation plan: one wizard-made payment per invoice is what made
    generation slow."""
    company = env.company
    bank = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    general = env["account.journal"].search([("type", "=", "general"), ("company_id", "=", company.id)], limit=1)
    receivables = invoices.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
    for start in range(0, len(receivables), 1000):
        batch = receivables[start : start + 1000]
        amounts = [batch.company_currency_id.round(line.amount_residual * share) for line in batch]
        entry = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": general.id,
                "date": on or date.today(),
                "ref": "Customer payments",
                "line_ids": [
                    Command.create({"account_id": bank.default_account_id.id, "name": "Bank", "debit": sum(amounts)}),
                    *(
                        Command.create(
                            {
                                "account_id": line.account_id.id,
                                "partner_id": line.partner_id.id,
                                "name": f"Payment {line.move_id.name}",
                                "credit": amount,
                            }
                        )
                        for line, amount in zip(batch, amounts, strict=True)
                    ),
                ],
            }
        )
        entry.action_post()
        credits = entry.line_ids.filtered(lambda line: line.credit).sorted("id")
        env["account.move.line"]._reconcile_plan([a + b for a, b in zip(batch, credits, strict=True)])
        env.cr.commit()


def generate_statement_lines(env, rng, customers, suppliers, count):
    """Unreconciled bank statement lines of the last three months: receipts from customers, payments to suppliers."""
    journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1)
    today = date.today()
    env["account.bank.statement.line"].create(
        [
            {
                "journal_id": journal.id,
                "date": today - timedelta(days=rng.randint(0, 90)),
                "payment_ref": f"Bank transfer {index:06d}",
                **(
                    {
                        "partner_id": customers[rng.randrange(len(customers))].id,
                        "amount": round(rng.uniform(50, 5000), 2),
                    }
                    if index % 3
                    else {
                        "partner_id": suppliers[rng.randrange(len(suppliers))].id,
                        "amount": -round(rng.uniform(50, 2000), 2),
                    }
                ),
            }
            for index in range(count)
        ]
    )
    env.cr.commit()


def generate_backtest(env, scale):
    """A company of its own whose customers pay by lasting habits: a year of monthly invoices due in 30 days,
    each paid (in full) on its due date plus the customer's usual lateness and some noise, when that day is past."""
    rng = random.Random(7)
    today = date.today()
    company = env["res.company"].create({"name": "Backtest S.r.l.", "currency_id": env.company.currency_id.id})
    env.user.company_ids |= company
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    n_customers = max(200, int(300 * scale))
    weights = [share for share, _mean, _spread in BACKTEST_HABITS]
    habits = rng.choices(BACKTEST_HABITS, weights, k=n_customers)
    customers = env["res.partner"].create(
        [{"name": f"Habit customer {i:05d}", "is_company": True} for i in range(n_customers)]
    )
    payments = {}
    for customer, (_share, mean, spread) in zip(customers, habits, strict=True):
        vals = []
        for months_ago in range(12, 0, -1):
            invoice_date = today - timedelta(days=30 * months_ago + rng.randint(0, 29))
            vals.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": invoice_date + timedelta(days=30),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "quantity": 1, "price_unit": round(rng.uniform(200, 3000), 2)}
                        )
                    ],
                }
            )
        invoices = env["account.move"].create(vals)
        invoices.action_post()
        for invoice in invoices:
            if mean is not None:
                paid_on = invoice.invoice_date_due + timedelta(days=round(rng.gauss(mean, spread)))
                if paid_on < today:
                    payments.setdefault(paid_on, env["account.move"])
                    payments[paid_on] |= invoice
    for paid_on, invoices in sorted(payments.items()):
        receive_payments(env, invoices, 1, paid_on)
    env["ir.config_parameter"].set_param("fb.bench.backtest", company.id)
    env.cr.commit()
    print(f"  backtest: {n_customers} customers, {len(customers) * 12} invoices", file=sys.stderr)


def backtest(env):
    """The weekly receipts forecast 13 weeks before the data's end against what was received in each of those weeks
    on the receivables then open: WAPE and bias of the engine and of the strongest of the simple methods of
    ``forecast_backtest`` on the same open items, and the weeks inside the engine's 80 % range."""
    import forecast_backtest

    from odoo.addons.founder_backoffice.engine import forecast, forecast_accuracy

    company = env["res.company"].browse(int(env["ir.config_parameter"].get_param("fb.bench.backtest")))
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    as_of = date.today() - timedelta(weeks=forecast.FORECAST_WEEKS)
    Habit = env["fb.payment.habit"]
    received = env["fb.forecast.accuracy"]._payments(company, as_of, date.today())
    actual = forecast.weekly_totals([(day, amount) for _partner, day, amount in received], as_of)
    weeks = forecast.weekly_forecast(as_of, 0.0, Habit._receipt_forecasts(company, as_of), [], 0.0)
    simple = forecast_backtest.simple_forecasts(
        Habit._paid_history(company, as_of), Habit._open_receivables(company, as_of), as_of
    )
    best = min(simple, key=lambda name: forecast.wape(actual, simple[name]))
    engine = [week.receipts for week in weeks]
    ranges = [(week.receipts_low, week.receipts_high) for week in weeks]
    result = {
        "as_of": str(as_of),
        "received": sum(actual),
        "engine": forecast.wape(actual, engine),
        "engine_bias": sum(engine) / sum(actual) - 1,
        "best_simple": best,
        "simple": forecast.wape(actual, simple[best]),
        "simple_bias": sum(simple[best]) / sum(actual) - 1,
    }
    result["in_range"] = sum(
        forecast_accuracy.in_range(got, low, high) for (low, high), got in zip(ranges, actual, strict=True)
    )
    result["reduction"] = 1 - result["engine"] / result["simple"]
    return result


# ---------------------------------------------------------------------- operations


def dunning_preview(env):
    run = env["fb.dunning.run"].create({"date": date.today()})
    run._create_reminders()
    return len(run.reminder_ids)


def planned_reminders(env, count):
    """The first ``count`` reminders of a run of today: what the send step starts from (computed before the
    clock starts; the preview is measured on its own)."""
    run = env["fb.dunning.run"].create({"date": date.today()})
    return run._create_reminders().sorted("id")[:count]


def dunning_send(reminders):
    for start in range(0, len(reminders), 100):
        reminders[start : start + 100]._send()
    return len(reminders)


def with_letters(env):
    """The first reminders of a run whose levels attach a PDF letter, rendered by wkhtmltopdf (not test mode),
    which reads the letters' style sheets over HTTP as from a running server: this process serves them."""
    serve_http(env.cr.dbname)
    env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{LETTER_HTTP_PORT}")
    env["fb.dunning.level"].search([]).attach_letter = True
    return planned_reminders(env, LETTER_CUSTOMERS)


def serve_http(dbname):
    """Odoo's HTTP server in a thread of this (forked) process, for this database only; once."""
    if getattr(serve_http, "server", None):
        return
    import odoo.http
    from odoo.service import server

    config["http_interface"], config["http_port"], config["dbfilter"] = "127.0.0.1", LETTER_HTTP_PORT, f"^{dbname}$"
    serve_http.server = server.ThreadedServer(odoo.http.root)
    serve_http.server.http_spawn()


def queue(env):
    Queue = env["fb.collection.queue"]
    return len(Queue.search_fetch([], ["partner_id", "amount_overdue", "priority"], limit=80)) + Queue.search_count([])


def _aging(env, as_of, xlsx):
    Aging = env["fb.aging.report"].with_context(fb_report_options={"as_of": str(as_of)})
    if not xlsx:
        # what the list view loads when it opens: the first page of partner groups with their sums, and their count
        aggregates = [f"bucket_{index}:sum" for index in range(6)] + ["amount_residual:sum", "__count"]
        return Aging.web_read_group([], ["partner_id"], aggregates, limit=80)["length"]
    options = Aging._options()
    from odoo.addons.founder_backoffice.tools.xlsx import XlsxReport

    with XlsxReport() as workbook:
        Aging._write_xlsx(workbook, options)
        return len(workbook.close())


def statements_xlsx(env):
    from odoo.addons.founder_backoffice.tools.xlsx import XlsxReport

    Statement = env["fb.statement.report"].with_context(
        fb_report_options={"date_from": str(date.today() - timedelta(days=90)), "date_to": str(date.today())}
    )
    with XlsxReport() as workbook:
        Statement._write_xlsx(workbook, Statement._options())
        return len(workbook.close())


def kpi_refresh(env):
    env["fb.kpi.snapshot"]._refresh(env.company)
    return 12


def dashboard(env):
    return len(env["fb.dashboard.figures"].get_dashboard("this_month")["cards"])


def with_figures(env):
    """The figures the job computes every 15 minutes, computed before the clock starts."""
    env["fb.dashboard.figures"].sudo()._compute_ahead(env.company)
    return env


def figures_job(env):
    env["fb.dashboard.figures"].sudo()._compute_ahead(env.company)
    return env["fb.dashboard.figures"].search_count([("company_id", "=", env.company.id)])


FLOOR_SQL = """
    SELECT aml.partner_id,
           SUM(aml.amount_residual) FILTER (WHERE aml.date_maturity >= CURRENT_DATE),
           SUM(aml.amount_residual) FILTER (WHERE CURRENT_DATE - aml.date_maturity BETWEEN 1 AND 30),
           SUM(aml.amount_residual) FILTER (WHERE CURRENT_DATE - aml.date_maturity BETWEEN 31 AND 60),
           SUM(aml.amount_residual) FILTER (WHERE CURRENT_DATE - aml.date_maturity BETWEEN 61 AND 90),
           SUM(aml.amount_residual) FILTER (WHERE CURRENT_DATE - aml.date_maturity BETWEEN 91 AND 120),
           SUM(aml.amount_residual) FILTER (WHERE CURRENT_DATE - aml.date_maturity > 120)
      FROM account_move_line aml JOIN account_account a ON a.id = aml.account_id
     WHERE a.account_type = 'asset_receivable' AND NOT aml.reconciled AND aml.parent_state = 'posted'
     GROUP BY aml.partner_id
"""
# The same cells as the report's detail sheet: partner, document, dates, days past due, buckets and total.
FLOOR_DETAIL_SQL = """
    SELECT p.name, m.name, aml.date, aml.date_maturity, CURRENT_DATE - aml.date_maturity,
           CASE WHEN aml.date_maturity >= CURRENT_DATE THEN aml.amount_residual END,
           CASE WHEN CURRENT_DATE - aml.date_maturity BETWEEN 1 AND 30 THEN aml.amount_residual END,
           CASE WHEN CURRENT_DATE - aml.date_maturity BETWEEN 31 AND 60 THEN aml.amount_residual END,
           CASE WHEN CURRENT_DATE - aml.date_maturity BETWEEN 61 AND 90 THEN aml.amount_residual END,
           CASE WHEN CURRENT_DATE - aml.date_maturity BETWEEN 91 AND 120 THEN aml.amount_residual END,
           CASE WHEN CURRENT_DATE - aml.date_maturity > 120 THEN aml.amount_residual END,
           aml.amount_residual
      FROM account_move_line aml JOIN account_account a ON a.id = aml.account_id
      JOIN account_move m ON m.id = aml.move_id LEFT JOIN res_partner p ON p.id = aml.partner_id
     WHERE a.account_type = 'asset_receivable' AND NOT aml.reconciled AND aml.parent_state = 'posted'
"""


def floor_sql(env):
    return len(env.execute_query(SQL(FLOOR_SQL)))


def floor_sql_xlsx(env):
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    for query in (FLOOR_SQL, FLOOR_DETAIL_SQL):
        sheet = workbook.add_worksheet()
        for row, values in enumerate(env.execute_query(SQL(query))):
            sheet.write_row(row, 0, [v if not isinstance(v, date) else str(v) for v in values])
    workbook.close()
    return len(output.getvalue())


Operation = namedtuple("Operation", "name function floor target setup split", defaults=(None, None, None, None))
# Where the send step's time goes: Odoo's steps it calls, timed inside the measured run (the rest is the add-on's
# own: checks, chatter notes, links, states). The mail rows' creation is given without the sanitizing it includes.
SANITIZING, MAIL_ROWS = "Odoo: sanitizing each message's HTML", "Odoo: creating the e-mails and messages"
SEND_SPLIT = (
    ("Odoo: rendering each e-mail from its template", "mail.template", "_generate_template"),
    ("Odoo: the layout around each e-mail", "mail.template", "_render_encapsulate"),
    (SANITIZING, None, "html_sanitize"),
    (MAIL_ROWS, "mail.mail", "create"),
)
OPERATIONS = [
    # name, function measured, floor it is compared with, target (max seconds, max queries or ratio to the
    # floor), setup: what the function is given instead of the environment, prepared before the clock starts
    Operation("floor: aging SQL", floor_sql),
    Operation("floor: aging SQL + xlsxwriter", floor_sql_xlsx),
    Operation("dunning preview", dunning_preview, target={"seconds": 4, "queries": 200}),
    Operation(
        "dunning send, 1,000 customers (no PDF)",
        dunning_send,
        target={"seconds_per_item": 0.008, "queries_per_item": 15},
        setup=lambda env: planned_reminders(env, 1000),
        split=SEND_SPLIT,
    ),
    Operation("dunning send with PDF letters", dunning_send, target={"seconds_per_item": 0.25}, setup=with_letters),
    Operation("collections queue: first page + count", queue, target={"seconds": 0.5}),
    Operation(
        "aging AR today: screen data",
        lambda env: _aging(env, date.today(), False),
        "floor: aging SQL",
        {"ratio": 3},
    ),
    Operation(
        "aging AR 6 months ago: screen data",
        lambda env: _aging(env, date.today() - timedelta(days=182), False),
        "floor: aging SQL",
        {"ratio": 3},
    ),
    Operation(
        "aging AR today: XLSX",
        lambda env: _aging(env, date.today(), True),
        "floor: aging SQL + xlsxwriter",
        {"ratio": 2},
    ),
    Operation("statements XLSX, all customers", statements_xlsx, target={"seconds": 1.5}),
    Operation("KPI snapshot refresh, 12 months", kpi_refresh, target={"seconds": 30}),
    Operation("dashboard RPC", dashboard, target={"seconds": 1}, setup=with_figures),
    Operation("dashboard RPC, figures computed now", dashboard),
    Operation("dashboard figures: the job, one company", figures_job, target={"seconds": 60}),
]


# ---------------------------------------------------------------------- OCA's account_credit_control, same data

OCA_TARGET = 10  # at least 10 times faster, with 10 times fewer queries


def oca_policy(env):
    """OCA's default three-level policy of the company, on its receivable accounts and by e-mail at every level
    without the PDF summary its template attaches (as the add-on's benchmark policy, whose e-mails carry no
    letter), set before the clock starts."""
    policy = env.ref("account_credit_control.credit_control_3_time")
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", env.company.id)]
    )
    policy.account_ids = receivable
    policy.level_ids.channel = "email"
    policy.level_ids.email_template_id.report_template_ids = False
    return policy


def oca_run(env):
    policy = oca_policy(env)
    return env["credit.control.run"].create({"date": date.today(), "policy_ids": [Command.set(policy.ids)]})


def oca_generate(run):
    run.generate_credit_lines()
    return len(run.line_ids.partner_id)


def oca_lines_to_send(env, count):
    """The credit lines of the first ``count`` customers of a run of today, ready to send (before the clock)."""
    run = oca_run(env)
    run.generate_credit_lines()
    partners = run.line_ids.partner_id.sorted("id")[:count]
    lines = run.line_ids.filtered(lambda line: line.partner_id in partners)
    lines.state = "to_be_sent"
    return lines


def oca_send(lines):
    communications = lines.env["credit.control.communication"]._generate_comm_from_credit_lines(lines)
    communications._generate_emails()
    return len(communications)


OCA_OPERATIONS = [
    # OCA's operation, and the add-on's operation of the main table it is compared with
    (Operation("OCA: credit lines of a run", oca_generate, setup=oca_run), "dunning preview"),
    (
        Operation(
            "OCA: communications and e-mails, 1,000 customers",
            oca_send,
            setup=lambda env: oca_lines_to_send(env, 1000),
        ),
        "dunning send, 1,000 customers (no PDF)",
    ),
]


def compare_with_oca(registry, results):
    """Each OCA operation measured as the add-on's, and the ratios of time and queries (OCA / add-on)."""
    rows = {}
    for operation, ours in OCA_OPERATIONS:
        row = measure(registry, operation)
        if "error" in row or "error" in results.get(ours, {"error": "not measured"}):
            rows[operation.name] = {"error": row.get("error") or f"{ours} not measured"}
            continue
        ours_row = results[ours]
        row["versus"] = ours
        row["time_ratio"] = row["seconds"] / max(ours_row["seconds"], 1e-6)
        row["query_ratio"] = row["queries"] / max(ours_row["queries"], 1)
        row["target_met"] = row["time_ratio"] >= OCA_TARGET and row["query_ratio"] >= OCA_TARGET
        rows[operation.name] = row
    return rows


def print_oca(rows):
    print(f"\nside by side with OCA account_credit_control 19.0 (same data, same run; target {OCA_TARGET}x)")
    print(f"{'OCA operation':50} {'items':>6} {'seconds':>9} {'queries':>8}  {'x time':>7} {'x queries':>9}  target")
    for name, row in rows.items():
        if "error" in row:
            print(f"{name:50} ERROR {row['error']}")
            continue
        met = "met" if row["target_met"] else "MISSED"
        print(
            f"{name:50} {row['items']:>6} {row['seconds']:>9.3f} {row['queries']:>8}  {row['time_ratio']:>7.1f} "
            f"{row['query_ratio']:>9.1f}  {met}"
        )
        print(f"{'  versus: ' + row['versus']:50}")


def reset_peak_memory():
    """Start the process's resident-memory high-water mark again from its current size (Linux)."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def peak_memory_mb():
    """The resident-memory high-water mark since ``reset_peak_memory`` (Linux, as the reset)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))


def measure(registry, operation):
    """The median time, queries and peak memory of ``RUNS`` runs of ``operation``, or the first run's error."""
    runs = [measure_once(registry, operation) for _ in range(RUNS)]
    errors = [run["error"] for run in runs if "error" in run]
    if errors:
        return {"error": errors[0]}
    row = {key: statistics.median(run[key] for run in runs) for key in ("seconds", "queries", "peak_mb")}
    row["items"] = runs[0]["items"]
    if operation.split:
        row["split"] = {label: statistics.median(run["split"][label] for run in runs) for label in runs[0]["split"]}
    return row


def timed_split(registry, split):
    """Wrap the functions of ``split`` (in this forked child only) to add up the seconds spent in each; the mail
    rows' creation is counted without the sanitizing inside it."""
    spent = dict.fromkeys((label for label, _model, _name in split), 0.0)

    def wrap(label, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - start

        return wrapper

    for label, model, name in split:
        owner = registry[model] if model else fields_textual
        setattr(owner, name, wrap(label, getattr(owner, name)))
    return spent


def measure_once(registry, operation):
    """Run ``operation`` in a forked child, in a transaction rolled back; return its time, queries and peak MB.

    The child runs it once before measuring, as a running server has run it before: the first run after a
    start fills the registry's caches, at a fixed cost that is not the operation's. The peak is the process's
    resident memory at its highest during the measured run."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        result = {}
        try:
            with registry.cursor() as cr:
                # as the administrator in the web client: record rules apply, nothing of the chatter switched off
                env = api.Environment(cr, SUPERUSER_ID, {})
                env = env(user=env.ref("base.user_admin"), context={"lang": "en_US"})
                # a running server's caches (access rules, views, compiled templates) are warm: run once first
                for measured in (False, True):
                    argument = operation.setup(env) if operation.setup else env
                    env.flush_all()
                    if measured:
                        spent = timed_split(registry, operation.split or ())
                        reset_peak_memory()
                        start_queries, start = cr.sql_log_count, time.perf_counter()
                    items = operation.function(argument)
                    env.flush_all()
                    if not measured:
                        cr.rollback()
                result = {
                    "seconds": time.perf_counter() - start,
                    "queries": cr.sql_log_count - start_queries,
                    "items": items,
                    "peak_mb": peak_memory_mb(),
                    "split": spent,
                }
                cr.rollback()
        except Exception as error:  # reported to the parent, which prints it in the table
            result = {"error": f"{type(error).__name__}: {error}"}
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.waitpid(pid, 0)
    return json.loads(data)


def main():
    args = parse_args()
    options = ["-c", args.config, "-d", args.database, "--log-level", "warn"]
    if args.addons_path:
        options += ["--addons-path", args.addons_path]
    config.parse_config(options, setup_logging=True)
    registry = Registry(args.database)
    if args.generate:
        with registry.cursor() as cr:
            generate(
                api.Environment(
                    cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}
                ),
                args.scale,
            )
        return
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
        if not env["ir.config_parameter"].get_param("fb.bench.backtest"):
            print("generating the backtest company (once)", file=sys.stderr)
            generate_backtest(env, args.scale)
        backtest_result = backtest(env)
    results = {}
    for operation in OPERATIONS:
        name, floor, target = operation.name, operation.floor, operation.target
        row = results[name] = measure(registry, operation)
        if "error" in row:
            continue
        if floor and floor in results and "seconds" in results[floor]:
            row["ratio"] = row["seconds"] / max(results[floor]["seconds"], 1e-6)
        row["target_met"] = target_met(row, target)
    oca = compare_with_oca(Registry(args.oca_database), results) if args.oca_database else {}
    print_table(results, args.scale)
    print_split(results)
    print_backtest(backtest_result)
    if oca:
        print_oca(oca)
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as output:
        json.dump(
            {"scale": args.scale, "runs": RUNS, "results": results, "backtest": backtest_result}, output, indent=2
        )


def target_met(row, target):
    if not target:
        return None
    checks = []
    if "seconds" in target:
        checks.append(row["seconds"] <= target["seconds"])
    if "queries" in target:
        checks.append(row["queries"] <= target["queries"])
    if "seconds_per_item" in target:
        checks.append(row["seconds"] <= target["seconds_per_item"] * max(row["items"], 1))
    if "queries_per_item" in target:
        checks.append(row["queries"] <= target["queries_per_item"] * max(row["items"], 1))
    if "ratio" in target:
        checks.append(row.get("ratio", float("inf")) <= target["ratio"])
    checks.append(row["peak_mb"] <= 600)
    return all(checks)


def print_table(results, scale):
    print(f"\nscale {scale} ({int(20000 * scale)} invoices), median of {RUNS} runs")
    print(f"{'operation':45} {'items':>8} {'seconds':>9} {'queries':>8} {'peak MB':>8} {'ratio':>6}  target")
    for name, row in results.items():
        if "error" in row:
            print(f"{name:45} ERROR {row['error']}")
            continue
        ratio = f"{row['ratio']:.1f}" if "ratio" in row else ""
        met = {True: "met", False: "MISSED", None: ""}[row["target_met"]]
        print(
            f"{name:45} {row['items']:>8} {row['seconds']:>9.3f} {row['queries']:>8} {row['peak_mb']:>8.0f} "
            f"{ratio:>6}  {met}"
        )


def print_split(results):
    """Where each split operation's time went, in milliseconds per item: Odoo's steps, then the add-on's own."""
    for name, row in results.items():
        if "split" not in row:
            continue
        items = max(row["items"], 1)
        spent = dict(row["split"])
        spent[MAIL_ROWS] -= spent[SANITIZING]  # the mail rows' creation includes the sanitizing
        spent["the add-on's own steps: checks, chatter, links, states"] = row["seconds"] - sum(spent.values())
        print(f"\n{name}: where the time goes (ms per item, {row['seconds'] / items * 1000:.1f} in all)")
        for label, seconds in spent.items():
            print(f"  {label:60} {seconds / items * 1000:>6.1f}")


def print_backtest(result):
    met = "met" if result["reduction"] >= BACKTEST_TARGET else "MISSED"
    print(f"\ncash forecast backtest: forecast as of {result['as_of']}, 13 weeks, {result['received']:,.0f} received")
    print(f"{'weekly receipts WAPE, bias: engine':54} {result['engine']:>8.1%} {result['engine_bias']:>+8.1%}")
    simple = "weekly receipts WAPE, bias: due date"
    if result["best_simple"] != "due date":
        simple = f"{simple} {result['best_simple']}"
    print(f"{simple:54} {result['simple']:>8.1%} {result['simple_bias']:>+8.1%}")
    print(f"{'error reduction (target 25 %)':54} {result['reduction']:>8.1%}  {met}")
    print(f"{'weeks inside the 80 % range':54} {result['in_range']:>8} of 13")


if __name__ == "__main__":
    main()
