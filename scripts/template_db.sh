#!/usr/bin/env bash
# Ensures the cached template database of Odoo's own modules (account, crm, mail, the Italian and Saudi
# charts, the it_IT and ar_001 languages) and prints its name. Built once per Odoo tree and dependency list.
source "$(dirname "$0")/lib.sh"
# Callers capture stdout: only the name goes there, everything any tool prints goes to stderr.
exec 3>&1 1>&2
find_odoo
bash "$ROOT/scripts/setup_venv.sh"
ensure_pg
write_odoo_cfg

tpl=$(template_db_name)
if db_exists "$tpl" && [ "$(psql -d "$tpl" -Atqc "SELECT value FROM ir_config_parameter WHERE key = 'fb.template.complete'" 2>/dev/null)" = 1 ]; then
    echo "$tpl" >&3
    exit 0
fi
log "building template database $tpl (modules $(template_modules); languages $TEMPLATE_LANGS)"
# Templates of other Odoo trees are dropped only when unused: a run of another tree on this server may be
# building or copying its own (dropdb without --force refuses a database that has sessions).
for old in $(psql -d postgres -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'fb\_template\_%'"); do
    if dropdb "$old" 2>/dev/null; then
        rm -rf "$DATA_DIR/filestore/$old"
    else
        log "template $old is in use: kept"
    fi
done
logfile=$CACHE/template-build.log
if ! odoo_bin -d "$tpl" -i "$(template_modules)" --load-language "en_US,$TEMPLATE_LANGS" \
        --stop-after-init --max-cron-threads 0 --workers 0 --http-port 8169 --log-level warn > "$logfile" 2>&1; then
    tail -40 "$logfile" >&2
    drop_db "$tpl"
    die "building the template database failed (log: $logfile)"
fi
psql -d "$tpl" -qc "INSERT INTO ir_config_parameter (key, value) VALUES ('fb.template.complete', '1')"
log "template database $tpl ready"
echo "$tpl" >&3
