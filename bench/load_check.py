"""`make load`'s preparation and checks, on the copy of the bench database (see scripts/load.sh).

load_check.py prepare --config C --database D   users of the load, dunning sent automatically, the job due now
load_check.py check --config C --database D --stats CSV --log LOG
    p50 / p95 / max and errors per action (Locust's CSV), then: no level sent twice, no failed request, no
    deadlock or serialization error in Odoo's log; exit status 1 when a check or a target fails.
"""

import argparse
import csv
import sys

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

COLLECTORS, FOUNDERS = 15, 5  # the 20 simulated users of scripts/load.sh, each with a login of its own
TARGETS_MS = {"default": 1000, "founder: aging XLSX": 5000}  # p95 of screens and RPCs; of the XLSX export
LOG_ERRORS = ("deadlock detected", "could not serialize access")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("prepare", "check"))
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--stats")
    parser.add_argument("--log")
    return parser.parse_args()


def prepare(env):
    """A login per simulated user (``COLLECTORS`` collectors sharing the customers who owe money, ``FOUNDERS``
    founders: many users logged in as one account would contend on its row); dunning sent automatically by the
    daily job, which is due now (the cron workers pick it up during the load)."""
    Users = env["res.users"].with_context(no_reset_password=True)
    groups = {
        "collector": env.ref("founder_backoffice.group_collections_user"),
        "founder": env.ref("founder_backoffice.group_founder"),
    }
    users = {
        role: Users.create(
            [
                {
                    "name": f"Load {role} {index}",
                    "login": f"load_{role}_{index}",
                    "password": f"load_{role}_{index}",
                    "group_ids": [Command.set(groups[role].ids)],
                }
                for index in range(count)
            ]
        )
        for role, count in (("collector", COLLECTORS), ("founder", FOUNDERS))
    }
    owing = env["fb.collection.queue"].search([]).partner_id
    for index, partner in enumerate(owing):
        partner.fb_collector_id = users["collector"][index % COLLECTORS]
    env["res.company"].search([]).write({"fb_dunning_mode": "send"})
    dunning = env.ref("founder_backoffice.ir_cron_fb_dunning") | env.ref("founder_backoffice.ir_cron_fb_dunning_send")
    # the bench database's other jobs are overdue too: they wait until tomorrow, so that the cron workers' first
    # pass (a minute after the start) is the dunning
    (env["ir.cron"].search([]) - dunning).nextcall = fields.Datetime.add(fields.Datetime.now(), days=1)
    dunning.active = True
    for job in dunning:
        job._trigger()
    env.cr.commit()


def check(env, stats_path, log_path):
    failures = []
    print(f"\n{'action':36} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  target")
    with open(stats_path, newline="") as stats:
        for row in csv.DictReader(stats):
            name = row["Name"]
            if name == "Aggregated" or name.startswith(("login", "session")):
                continue
            errors, p95 = int(row["Failure Count"]), float(row["95%"])
            target = TARGETS_MS.get(name, TARGETS_MS["default"])
            met = errors == 0 and p95 <= target
            if not met:
                failures.append(name)
            print(
                f"{name:36} {row['Request Count']:>8} {errors:>6} {float(row['50%']):>7.0f} {p95:>7.0f} "
                f"{float(row['Max Response Time']):>7.0f}  p95 <= {target} ms, 0 errors: {'met' if met else 'MISSED'}"
            )
    [(twice,)] = env.execute_query(
        SQL(
            """SELECT COUNT(*) FROM (
                   SELECT 1 FROM fb_dunning_line WHERE state = 'sent' AND new_level
                    GROUP BY COALESCE(move_line_id, 0), COALESCE(plan_line_id, 0), level_id HAVING COUNT(*) > 1
               ) twice"""
        )
    )
    [(sent,)] = env.execute_query(SQL("SELECT COUNT(*) FROM fb_dunning_reminder WHERE state = 'sent'"))
    with open(log_path, errors="replace") as log:
        text = log.read()
    log_errors = sum(text.count(needle) for needle in LOG_ERRORS)
    print(f"\nreminders sent by the daily job during the load: {sent}")
    print(f"levels sent twice: {twice}; deadlocks or serialization errors in the log: {log_errors}")
    if twice or log_errors or not sent:
        failures.append("database and log checks")
    print("every target met" if not failures else f"MISSED: {', '.join(failures)}")
    return 1 if failures else 0


def main():
    args = parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level", "warn"], setup_logging=True)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if args.step == "prepare":
            prepare(env)
            return 0
        return check(env, args.stats, args.log)


if __name__ == "__main__":
    sys.exit(main())
