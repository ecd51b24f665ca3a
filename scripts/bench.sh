#!/usr/bin/env bash
# `make bench [SCALE=1]`: generates the benchmark data set once into its own database (from the test template
# database, so run `make test` once before), then measures every operation and prints the table
# (bench/results/latest.json keeps it for comparisons).
source "$(dirname "$0")/lib.sh"
prepare_odoo
scale=${SCALE:-1}
db="fb_bench_$(tr . _ <<<"$scale")"
if [ "$(psql -d "$db" -Atqc "SELECT value FROM ir_config_parameter WHERE key = 'fb.bench.generated'" 2>/dev/null)" = "" ]; then
    tpl=$(bash "$ROOT/scripts/template_db.sh")
    copy_db "$tpl" "$db"
    log "installing $ADDON into $db and generating the data set (scale $scale: $(python3 -c "print(int(20000 * $scale))") invoices; once)"
    odoo_bin -d "$db" -i "$ADDON" --stop-after-init --max-cron-threads 0 --log-level warn --http-port 8169
    PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/bench.py" --config "$ODOO_CFG" --database "$db" --scale "$scale" --generate
else
    log "updating $ADDON in $db: the code measured is the code of this tree"
    odoo_bin -d "$db" -u "$ADDON" --stop-after-init --max-cron-threads 0 --log-level warn --http-port 8169
fi
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/bench/bench.py" --config "$ODOO_CFG" --database "$db" --scale "$scale" \
    --output "$ROOT/bench/results/latest.json"
