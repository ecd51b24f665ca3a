#!/usr/bin/env bash
# `make bench [SCALE=1]`: generates the benchmark data set once into its own database (from the test template
# database, so run `make test` once before), then measures every operation and prints the table
# (bench/results/latest.json keeps it for comparisons).
source "$(dirname "$0")/lib.sh"
# The cash forecast's backtest on generated companies needs only the engine: it runs (and prints) first, and again
# with the other figures at the end.
mkdir -p "$ROOT/bench/results"
log "cash forecast backtest on generated companies (held-out seeds)"
"$PY" "$ROOT/bench/forecast_backtest.py" | tee "$ROOT/bench/results/forecast_backtest.txt"
prepare_odoo
scale=${SCALE:-1}
db="fb_bench_$(tr . _ <<<"$scale")"
if [ "$(psql -d "$db" -Atqc "SELECT value FROM ir_config_parameter WHERE key = 'fb.bench.generated'" 2>/dev/null)" = "" ]; then
    tpl=$(bash "$ROOT/scripts/template_db.sh")
    copy_db "$tpl" "$db"
    log "installing $ADDON into $db and generating the data set (scale $scale: $(python3 -c "print(int(20000 * $scale))") invoices; once)"
    odoo_bin -d "$db" -i "$ADDON" --stop-after-init --max-cron-threads 0 --log-level warn --http-port 8169
    PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/bench.py" --config "$ODOO_CFG" --database "$db" --scale "$scale" --generate
    # the planner's statistics of the new rows, which autovacuum would gather only later
    psql -d "$db" -qc "SET client_min_messages = error; ANALYZE"
else
    log "updating $ADDON in $db: the code measured is the code of this tree"
    odoo_bin -d "$db" -u "$ADDON" --stop-after-init --max-cron-threads 0 --log-level warn --http-port 8169
fi
# OCA's account_credit_control 19.0 from its published wheel, in a copy of the data set (never in the add-on's
# own database), to measure both on the same data in the same run.
oca_version=19.0.1.0.0.13
oca_dir=$CACHE/oca-account_credit_control-$oca_version
if [ ! -d "$oca_dir/odoo/addons/account_credit_control" ]; then
    log "downloading odoo-addon-account_credit_control $oca_version (the OCA's wheel)"
    "$PY" -m pip download --quiet --no-deps -d "$oca_dir.tmp" "odoo-addon-account_credit_control==$oca_version"
    "$PY" -m zipfile -e "$oca_dir.tmp"/*.whl "$oca_dir"
    rm -rf "$oca_dir.tmp"
fi
oca_db=${db}_oca
oca_addons="$(addons_path),$oca_dir/odoo/addons"
if [ "$(psql -d "$oca_db" -Atqc "SELECT state FROM ir_module_module WHERE name = 'account_credit_control'" 2>/dev/null)" != installed ]; then
    log "installing account_credit_control into $oca_db, a copy of $db"
    copy_db "$db" "$oca_db"
    odoo_bin -d "$oca_db" --addons-path "$oca_addons" -i account_credit_control --stop-after-init --max-cron-threads 0 \
        --log-level warn --http-port 8169
else
    odoo_bin -d "$oca_db" --addons-path "$oca_addons" -u "$ADDON" --stop-after-init --max-cron-threads 0 \
        --log-level warn --http-port 8169
fi
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/bench.py" --config "$ODOO_CFG" --database "$db" --scale "$scale" \
    --oca-database "$oca_db" --addons-path "$oca_addons" --output "$ROOT/bench/results/latest.json"
echo
cat "$ROOT/bench/results/forecast_backtest.txt"
