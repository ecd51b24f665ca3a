#!/usr/bin/env bash
# `make load`: Odoo as in production (4 HTTP workers, 2 cron workers, limits) on a copy of the bench database
# (`make bench` first; SCALE as there), driven for 2 minutes by Locust (headless, 20 users, 127.0.0.1 only) while the
# daily dunning job sends for every company in the cron workers; then the checks of bench/load_check.py.
source "$(dirname "$0")/lib.sh"
prepare_odoo
scale=${SCALE:-1}
bench_db="fb_bench_$(tr . _ <<<"$scale")"
db_exists "$bench_db" || die "run \`SCALE=$scale make bench\` once first: the load runs on a copy of $bench_db"
db=fb_load
http_port=8173
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
    drop_db "$db"
    exit "$status"
}
trap cleanup EXIT
log "copying $bench_db into $db; load users, dunning in 'send automatically' mode, the daily job due now"
copy_db "$bench_db" "$db"
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/load_check.py" prepare --config "$ODOO_CFG" --database "$db"
rm -f "$logdir/load-odoo.log"  # Odoo appends to its log file: the checks read this run's only
# its own session: on shutdown, Odoo's multi-process server signals its whole process group
setsid "$PY" "$ODOO_DIR/odoo-bin" -c "$ODOO_CFG" -d "$db" --db-filter "^$db\$" --http-port "$http_port" \
    --workers 4 --max-cron-threads 2 \
    --limit-time-cpu 600 --limit-time-real 1200 --limit-time-real-cron 3600 \
    --limit-memory-soft 2147483648 --limit-memory-hard 2684354560 --log-level info \
    --logfile "$logdir/load-odoo.log" &
odoo_pid=$!
for _ in $(seq 90); do
    curl -s -o /dev/null "http://127.0.0.1:$http_port/web/login" && break
    sleep 1
done
# the cron workers' first pass comes about a minute after the start: the load begins with the job, so that the two
# minutes measure the screens while it sends
log "waiting for a cron worker to start the daily dunning job"
for _ in $(seq 150); do
    grep -q "Job 'Back Office: daily dunning' ([0-9]*) starting" "$logdir/load-odoo.log" 2>/dev/null && break
    sleep 1
done
log "Locust: 20 users for 2 minutes against http://127.0.0.1:$http_port"
"$ROOT/.venv-load/bin/locust" -f "$ROOT/bench/locustfile.py" --headless --users 20 --spawn-rate 5 --run-time 2m \
    --host "http://127.0.0.1:$http_port" --csv "$logdir/load" --only-summary >"$logdir/locust.log" 2>&1 || true
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/load_check.py" check --config "$ODOO_CFG" --database "$db" \
    --stats "$logdir/load_stats.csv" --log "$logdir/load-odoo.log"
