"""`make load`'s preparation, single-user reference and checks, on the copy of the bench database (see
scripts/load.sh).

load_check.py prepare --config C --database D     users of the load, dunning sent automatically, every job postponed
load_check.py start-job --config C --database D   the daily dunning job due now (the cron workers pick it up)
load_check.py single --url U --output F           the aging XLSX downloaded alone by one founder, five times
load_check.py check --config C --database D --runs DIR --log LOG
    per run (users, job sending or not): p50 / p95 / max and errors per action from the requests' times, each
    add-on action's p95 as a ratio to the yardstick's (Odoo's own actions, pooled) in the same run; the capacity of
    each mix; the job's effect on each screen; then: no level sent twice, no failed request, no deadlock,
    serialization error or error line in Odoo's log, the websocket worker up; exit status 1 when a target fails.
"""

import argparse
import json
import math
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from odoo_login import log_in

from odoo import SUPERUSER_ID, api, fields
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

COLLECTORS, FOUNDERS = 30, 10  # enough logins for the largest run (40 users, 3 collectors to a founder)
USERS = (10, 20, 40)  # the runs of scripts/load.sh, each without then with the dunning job sending
MAIN = ("job", 20)  # the run the per-action table shows
YARDSTICK = "odoo: "  # bench/locustfile.py's prefix of Odoo's own actions
XLSX = "founder: aging XLSX"
SCREEN_MS = 1000  # a screen holds while its p95 is at most this
TARGETS = {
    "ratio": 1.5,  # an add-on screen's p95 / the yardstick's
    "xlsx_ratio": 3.0,  # the XLSX's p95 under load / its median alone
    "capacity": 0.8,  # the add-on mix's capacity / the yardstick's
    "job_effect": 1.3,  # a screen's p95 with the job sending / without
}
SINGLE_DOWNLOADS = 5
LOG_ERRORS = ("deadlock detected", "could not serialize access")
SKIPPED = ("login page", "login", "session info")
SLOW_ROUTES = ("/founder_backoffice/xlsx/aging_receivable", "/web/login")  # not screens (Odoo's log's paths)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("prepare", "start-job", "single", "check"))
    parser.add_argument("--config")
    parser.add_argument("--database")
    parser.add_argument("--url")
    parser.add_argument("--output")
    parser.add_argument("--runs")
    parser.add_argument("--log")
    parser.add_argument("--workers", type=int, help="Odoo's HTTP workers (scripts/load.sh's)")
    return parser.parse_args()


def dunning_jobs(env):
    return env.ref("founder_backoffice.ir_cron_fb_dunning") | env.ref("founder_backoffice.ir_cron_fb_dunning_send")


def prepare(env):
    """A login per simulated user (``COLLECTORS`` collectors sharing the customers who owe money, ``FOUNDERS``
    founders: many users logged in as one account would contend on its row); the dashboard's figures computed, as
    their job has done in a server that runs; dunning sent automatically by the daily job, which waits, with every
    other job of the bench database, until ``start-job``: the runs without the job come first."""
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
    env["fb.dashboard.figures"]._cron_compute_ahead()
    env["ir.cron"].search([]).nextcall = fields.Datetime.add(fields.Datetime.now(), days=1)
    dunning_jobs(env).active = True
    env.cr.commit()


def start_job(env):
    for job in dunning_jobs(env):
        job._trigger()
    env.cr.commit()


def single(url, output):
    """The aging XLSX as one founder alone gets it from the same server, before the load: the reference of the
    XLSX's target."""
    import requests

    session = requests.Session()
    company_id = log_in(session, "load_founder_0", url, step_options=lambda step: {"timeout": 60})
    options = json.dumps({"company_id": company_id})
    times = []
    for index in range(SINGLE_DOWNLOADS + 1):
        start = time.perf_counter()
        response = session.get(
            f"{url}/founder_backoffice/xlsx/aging_receivable", params={"options": options}, timeout=600
        )
        response.raise_for_status()
        if index:  # the first fills the worker's caches, as in a server that ran before
            times.append((time.perf_counter() - start) * 1000)
    Path(output).write_text(json.dumps({"times_ms": times, "bytes": len(response.content)}))
    print(f"aging XLSX alone ({len(response.content)} bytes): median {statistics.median(times):.0f} ms of {times}")


def percentile(values, share):
    """The nearest-rank percentile, as Locust's."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def log_moment(stamp):
    """Epoch seconds of a line of Odoo's log stamped ``2026-12-08 00:30:06,975`` (local time, as the runs' windows)."""
    seconds, millis = stamp.split(",")
    return time.mktime(time.strptime(seconds, "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000


JOB_LINE = re.compile(
    r"^(\S+ \S+,\d+) \d+ INFO \S+ odoo\.addons\.base\.models\.ir_cron: Job 'Back Office: (?:daily dunning|send dunning "
    r"runs in the background)' \((\d+)\) (starting|fully done|partially done)",
    re.MULTILINE,
)


def job_intervals(log_text):
    """``[(start, end)]`` in epoch seconds, not overlapping: when a cron worker ran a dunning job, from Odoo's log."""
    intervals, started = [], {}
    for stamp, job, event in JOB_LINE.findall(log_text):
        moment = log_moment(stamp)
        if event == "starting":
            started[job] = moment
        elif job in started:
            intervals.append((started.pop(job), moment))
    merged = []
    for begin, end in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


# werkzeug's line as Odoo logs each request when it ends: method, path, status, then the number of queries, the
# seconds in SQL and the seconds in Python
REQUEST_LINE = re.compile(
    r'^(\S+ \S+,\d+) \d+ INFO \S+ werkzeug: .*?"\w+ ([^ ?#"]+)\S* HTTP/[\d.]+" \d+ - \d+ ([\d.]+) ([\d.]+)$',
    re.MULTILINE,
)


def served_requests(log_text):
    """``[(start, end, path)]`` in epoch seconds: each request an HTTP worker served, from Odoo's log."""
    served = []
    for stamp, path, sql_s, python_s in REQUEST_LINE.findall(log_text):
        end = log_moment(stamp)
        served.append((end - float(sql_s) - float(python_s), end, path.removeprefix("/web/dataset/call_kw/")))
    return served


def worker_use(window, served, workers):
    """``(seconds of the window when all ``workers`` were serving, so that a request waited for one, {path: seconds
    of worker time in the window}, [ms in a worker of each request of a screen])``: a screen's time in a worker
    grows when the machine's cores are busy, its time seen by the user also when it waited for a worker."""
    start, end = window
    held, edges, screens = defaultdict(float), [], []
    for begin, stop, path in served:
        if path not in SLOW_ROUTES and start <= begin and stop <= end:
            screens.append((stop - begin) * 1000)
        begin, stop = max(begin, start), min(stop, end)
        if begin < stop:
            held[path] += stop - begin
            edges += [(begin, 1), (stop, -1)]
    full, serving, last = 0.0, 0, start
    for moment, step in sorted(edges):
        if serving >= workers:
            full += moment - last
        serving, last = serving + step, moment
    return full, held, screens


def job_seconds(window, intervals):
    """How many seconds of the run's ``window`` the dunning jobs were running."""
    start, end = window
    return sum(max(0.0, min(end, stop) - max(start, begin)) for begin, stop in intervals)


def read_run(path):
    """``({action: [ms]}, {action: failed requests}, [ms of the yardstick's requests pooled])`` of one run."""
    times, errors = defaultdict(list), defaultdict(int)
    for line in path.read_text().splitlines():
        name, ms, failed = json.loads(line)
        if name in SKIPPED:
            continue
        times[name].append(ms)
        errors[name] += failed
    pooled = [ms for name, values in times.items() if name.startswith(YARDSTICK) for ms in values]
    return times, errors, pooled


def capacity(worst_by_users):
    """The most users for which the mix's worst p95 stays within ``SCREEN_MS``, linear between the runs measured;
    ``None`` when even the fewest users were over."""
    held = None
    points = sorted(worst_by_users.items())
    for (users, worst), following in zip(points, [*points[1:], None], strict=True):
        if worst > SCREEN_MS:
            break
        held = users
        if following and following[1] > SCREEN_MS:
            (next_users, next_worst) = following
            held = users + (next_users - users) * (SCREEN_MS - worst) / (next_worst - worst)
    return held


def check(env, runs_dir, log_path, workers):
    runs = {}
    for job in ("idle", "job"):
        for users in USERS:
            path = Path(runs_dir) / f"load-{job}-{users}.jsonl"
            if path.exists():
                window = Path(runs_dir) / f"load-{job}-{users}.window"
                runs[job, users] = (*read_run(path), tuple(map(float, window.read_text().split())))
    if MAIN not in runs:
        print(f"no timings of the main run ({MAIN[1]} users, job sending) in {runs_dir}")
        return 1
    single_path = Path(runs_dir) / "load-single.json"
    single_ms = statistics.median(json.loads(single_path.read_text())["times_ms"]) if single_path.exists() else None
    with open(log_path, errors="replace") as log:
        log_text = log.read()
    intervals = job_intervals(log_text)
    busy = {key: job_seconds(run[3], intervals) for key, run in runs.items()}
    failures = (
        main_table(runs[MAIN], single_ms, busy[MAIN])
        + capacities(runs, busy)
        + job_effects(runs, busy)
        + workers_table(runs, served_requests(log_text), workers)
        + database_and_log(env, log_text)
    )
    print("every target met" if not failures else f"MISSED: {', '.join(failures)}")
    return 1 if failures else 0


def main_table(run, single_ms, busy):
    """The main run's actions, each add-on screen's p95 against the yardstick's, the XLSX's against it alone."""
    failures = []
    times, errors, pooled, window = run
    yard = percentile(pooled, 0.95)
    print(
        f"\n{MAIN[1]} users, the dunning job running {busy:.0f} s of the run's {window[1] - window[0]:.0f} s; "
        f"yardstick (Odoo's own actions together): p95 {yard:.0f} ms"
    )
    print(
        f"{'action':36} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'x yard':>6}  target"
    )
    for name in sorted(times, key=lambda n: (n.startswith(YARDSTICK), n)):
        values = times[name]
        p95 = percentile(values, 0.95)
        ratio = p95 / yard
        if name.startswith(YARDSTICK):
            target, met = "yardstick", not errors[name]
        elif name == XLSX:
            reference = single_ms or float("inf")
            target = f"<= {TARGETS['xlsx_ratio']}x alone ({reference:.0f} ms): {p95 / reference:.1f}x"
            met = not errors[name] and p95 <= TARGETS["xlsx_ratio"] * reference
        else:
            target, met = f"<= {TARGETS['ratio']}x yardstick", not errors[name] and ratio <= TARGETS["ratio"]
        if not met:
            failures.append(f"{name} ({MAIN[1]} users)")
        print(
            f"{name:36} {len(values):>8} {errors[name]:>6} {percentile(values, 0.5):>7.0f} {p95:>7.0f} "
            f"{max(values):>7.0f} {ratio:>6.2f}  {target}, 0 errors: {'met' if met else 'MISSED'}"
        )
    return failures


def capacities(runs, busy):
    """Each run's worst screen of each mix, then each mix's capacity without and with the job."""
    failures = []
    print(f"\ncapacity: the most users for which every screen's p95 <= {SCREEN_MS} ms (the XLSX apart)")
    print(f"{'run':22} {'add-on worst p95':>28} {'yardstick worst p95':>34} {'yard p95':>9} {'errors':>6} {'job s':>5}")
    worst = defaultdict(dict)
    for (job, users), (times, errors, pooled, _window) in sorted(runs.items()):
        for mix in ("add-on", "yardstick"):
            screens = {
                n: percentile(v, 0.95)
                for n, v in times.items()
                if n != XLSX and n.startswith(YARDSTICK) == (mix == "yardstick")
            }
            name = max(screens, key=screens.get)
            worst[job, mix][users] = (screens[name], name)
        addon_ms, addon_name = worst[job, "add-on"][users]
        yard_ms, yard_name = worst[job, "yardstick"][users]
        print(
            f"{_run(job, users)} {addon_ms:>6.0f} {addon_name[:21]:21} "
            f"{yard_ms:>6.0f} {yard_name[:27]:27} {percentile(pooled, 0.95):>9.0f} {sum(errors.values()):>6} "
            f"{busy[job, users]:>5.0f}"
        )
        if sum(errors.values()):
            failures.append(f"errors at {users} users ({job})")
    for job in ("idle", "job"):
        if not worst[job, "add-on"]:
            continue
        addon, yardstick = (
            capacity({u: w for u, (w, _n) in worst[job, mix].items()}) for mix in ("add-on", "yardstick")
        )
        met = yardstick is None or (addon is not None and addon >= TARGETS["capacity"] * yardstick)
        if not met:
            failures.append(f"capacity ({job})")
        print(
            f"{'with the job sending' if job == 'job' else 'without the job':22} add-on {_users(addon)}, yardstick "
            f"{_users(yardstick)}; target add-on >= {TARGETS['capacity']:.0%} of the yardstick: "
            f"{'met' if met else 'MISSED'}"
        )
    return failures


def job_effects(runs, busy):
    """At each number of users, the add-on screen the job sending slows most, and Odoo's own screen it slows most
    (the same machine's share, no target); only where the job ran during at least half of the run."""
    failures = []
    print(f"\nthe job sending: each add-on screen's p95 with it / without it (target <= {TARGETS['job_effect']})")
    for users in USERS:
        if ("idle", users) not in runs or ("job", users) not in runs:
            continue
        start, end = runs["job", users][3]
        if busy["job", users] < (end - start) / 2:
            ran = busy["job", users]
            print(f"{users:>3} users: not measured, the job ran {ran:.0f} s of the run's {end - start:.0f} s")
            continue
        quiet, loaded = runs["idle", users][0], runs["job", users][0]
        effects = {
            name: percentile(loaded[name], 0.95) / percentile(quiet[name], 0.95)
            for name in loaded
            if name in quiet and name != XLSX
        }
        addon = {name: effect for name, effect in effects.items() if not name.startswith(YARDSTICK)}
        odoo = {name: effect for name, effect in effects.items() if name.startswith(YARDSTICK)}
        name, odoo_name = max(addon, key=addon.get), max(odoo, key=odoo.get)
        met = addon[name] <= TARGETS["job_effect"]
        if not met:
            failures.append(f"job effect at {users} users")
        print(
            f"{users:>3} users: highest {addon[name]:.2f} ({name}); {'met' if met else 'MISSED'}; Odoo's own screens: "
            f"highest {odoo[odoo_name]:.2f} ({odoo_name})"
        )
    return failures


def workers_table(runs, served, workers):
    """Where the HTTP workers' time went in each run: a request that finds every worker busy waits, whatever it
    asks, so a screen's p95 can be a wait behind another route. Prints only; no target."""
    print(f"\nthe {workers} HTTP workers (Odoo's log): time all were busy, and the routes that held them most")
    for (job, users), run in sorted(runs.items()):
        window = run[3]
        full, held, screens = worker_use(window, served, workers)
        capacity_s = workers * (window[1] - window[0])
        busiest = sorted(held, key=held.get, reverse=True)[:2]
        routes = ", ".join(f"{path} {held[path] / capacity_s:.0%}" for path in busiest)
        print(
            f"{_run(job, users)} all busy {full:>4.0f} s of "
            f"{window[1] - window[0]:.0f} s; screens in a worker p50 {percentile(screens, 0.5):>3.0f} ms, p95 "
            f"{percentile(screens, 0.95):>4.0f} ms; worker time: {routes}"
        )
    return []


def database_and_log(env, text):
    """No level sent twice, something sent, no deadlock, serialization error or error line, the websocket up."""
    [(twice,)] = env.execute_query(
        SQL(
            """SELECT COUNT(*) FROM (
                   SELECT 1 FROM fb_dunning_line WHERE state = 'sent' AND new_level
                    GROUP BY COALESCE(move_line_id, 0), COALESCE(plan_line_id, 0), level_id HAVING COUNT(*) > 1
               ) twice"""
        )
    )
    [(sent,)] = env.execute_query(SQL("SELECT COUNT(*) FROM fb_dunning_reminder WHERE state = 'sent'"))
    log_errors = sum(text.count(needle) for needle in LOG_ERRORS)
    error_lines = len(re.findall(r"^\S+ \S+ \d+ (?:ERROR|CRITICAL) ", text, re.MULTILINE))
    websocket = "Evented Service (longpolling) running" in text
    print(f"\nreminders sent by the daily job during the load: {sent}")
    print(f"levels sent twice: {twice}; deadlocks or serialization errors in the log: {log_errors}")
    print(f"error lines in the log: {error_lines}; websocket (gevent) worker started: {'yes' if websocket else 'no'}")
    return ["database and log checks"] if twice or log_errors or error_lines or not sent or not websocket else []


def _run(job, users):
    return f"{users:>3} users, {'job sending' if job == 'job' else 'no job':12}"


def _users(count):
    if count is None:
        return f"under {USERS[0]} users"
    return f"{count:.0f}+ users" if count >= USERS[-1] else f"{count:.0f} users"


def main():
    args = parse_args()
    if args.step == "single":
        single(args.url, args.output)
        return 0
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level", "warn"], setup_logging=True)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if args.step == "prepare":
            prepare(env)
        elif args.step == "start-job":
            start_job(env)
        else:
            return check(env, args.runs, args.log, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
