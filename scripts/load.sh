#!/usr/bin/env bash
# `make load`: Odoo as in production (4 HTTP workers, 2 cron workers, the websocket worker, limits) on a copy of the
# bench database (`make bench` first; SCALE as there); the aging XLSX downloaded by one user alone, then Locust
# (headless, 127.0.0.1 only) for LOAD_TIME (2 minutes) each with 10, 20 and 40 users, first with the cron workers
# idle, then while the daily dunning job sends for every company; then the checks of bench/load_check.py.
source "$(dirname "$0")/lib.sh"
prepare_odoo
scale=${SCALE:-1}
bench_db="fb_bench_$(tr . _ <<<"$scale")"
db_exists "$bench_db" || die "run \`SCALE=$scale make bench\` once first: the load runs on a copy of $bench_db"
db=fb_load
http_port=8173
workers=4
logdir=$ROOT/.test-logs
mkdir -p "$logdir"
if [ ! -x "$ROOT/.venv-load/bin/locust" ]; then
    log "creating .venv-load with Locust (requirements-load.txt, once)"
    python3 -m venv "$ROOT/.venv-load" && "$ROOT/.venv-load/bin/pip" install --quiet -r "$ROOT/requirements-load.txt" \
        || die "could not install Locust into .venv-load"
fi
cleanup() {
    local status=$?
    [ -n "${odoo_pid:-}" ] && kill "$odoo_pid" 2>/dev/null && wait "$odoo_pid" 2>/dev/null
    [ -n "${sink_pid:-}" ] && kill "$sink_pid" 2>/dev/null
    [ -n "${mail_dir:-}" ] && rm -rf "$mail_dir"
    drop_db "$db"
    exit "$status"
}
trap cleanup EXIT
log "copying $bench_db into $db; load users, dunning in 'send automatically' mode, every job postponed"
copy_db "$bench_db" "$db"
# a copied database has no planner statistics until autovacuum comes by: gather them now, as a server that runs has
psql -d "$db" -qc "SET client_min_messages = error; ANALYZE"
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/load_check.py" prepare --config "$ODOO_CFG" --database "$db"
rm -f "$logdir/load-odoo.log"  # Odoo appends to its log file: the checks read this run's only
# the reminders' e-mails go to the demo's mail sink (kept as files, removed at the end), as to a real server
mail_dir=$(mktemp -d)
start_mail_sink "$mail_dir"
# its own session: on shutdown, Odoo's multi-process server signals its whole process group
setsid "$PY" "$ODOO_DIR/odoo-bin" -c "$ODOO_CFG" -d "$db" --db-filter "^$db\$" --http-port "$http_port" \
    --workers "$workers" --max-cron-threads 2 --smtp 127.0.0.1 --smtp-port "$smtp_port" \
    --limit-time-cpu 600 --limit-time-real 1200 --limit-time-real-cron 3600 \
    --limit-memory-soft 2147483648 --limit-memory-hard 2684354560 --log-level info \
    --logfile "$logdir/load-odoo.log" &
odoo_pid=$!
for _ in $(seq 90); do
    curl -s -o /dev/null "http://127.0.0.1:$http_port/web/login" && break
    sleep 1
done
rm -f "$logdir"/load-*.json "$logdir"/load-*.jsonl "$logdir"/load-*.window
url="http://127.0.0.1:$http_port"
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/load_check.py" single --url "$url" --output "$logdir/load-single.json"
locust_run() {  # job users [time]
    log "Locust: $2 users for ${3:-${LOAD_TIME:-2m}} against $url ($1)"
    local start=$EPOCHSECONDS
    FB_LOAD_TIMINGS="$logdir/load-$1-$2.jsonl" "$ROOT/.venv-load/bin/locust" -f "$ROOT/bench/locustfile.py" \
        --headless --users "$2" --spawn-rate 10 --run-time "${3:-${LOAD_TIME:-2m}}" --host "$url" --only-summary \
        >"$logdir/locust-$1-$2.log" 2>&1 || true
    echo "$start $EPOCHSECONDS" >"$logdir/load-$1-$2.window"  # when it ran: the checks see if the job ran then
}
# each worker compiles its views and templates at its first requests, as after any restart: not measured
locust_run warmup 20 30s
for users in 10 20 40; do locust_run idle "$users"; done
log "the daily dunning job due now; waiting for a cron worker to start it"
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/load_check.py" start-job --config "$ODOO_CFG" --database "$db"
for _ in $(seq 150); do
    grep -q "Job 'Back Office: daily dunning' ([0-9]*) starting" "$logdir/load-odoo.log" 2>/dev/null && break
    sleep 1
done
# the 20-user run first: the job, which takes about 90 s at SCALE=1, sends during the run the table shows
for users in 20 10 40; do
    locust_run job "$users"
    log "reminders sent so far: $(psql -d "$db" -Atqc "SELECT COUNT(*) FROM fb_dunning_reminder WHERE state = 'sent'")"
done
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/load_check.py" check --config "$ODOO_CFG" --database "$db" \
    --runs "$logdir" --log "$logdir/load-odoo.log" --workers "$workers"
