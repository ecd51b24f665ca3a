#!/usr/bin/env bash
# Ensures the cached template database of Odoo's own modules (account, crm, mail, the Italian and Saudi
# charts, the it_IT and ar_001 languages) and prints its name. Built once per Odoo tree and dependency list.
# `template_db.sh tests`: the tests' template instead, a copy of it with the Italian company of the add-on's
# tests and its chart (scripts/template_company.py), built once per template and version of that script.
source "$(dirname "$0")/lib.sh"
# Callers capture stdout: only the name goes there, everything any tool prints goes to stderr.
exec 3>&1 1>&2
find_odoo
bash "$ROOT/scripts/setup_venv.sh"
ensure_pg
write_odoo_cfg
logfile=$CACHE/template-build.log

is_complete() {
    db_exists "$1" && [ "$(psql -d "$1" -Atqc "SELECT value FROM ir_config_parameter WHERE key = 'fb.template.complete'" 2>/dev/null)" = 1 ]
}

# Drops the databases named like $1 but $2, when unused: a run of another tree on this server may be building or
# copying its own (dropdb without --force refuses a database that has sessions).
drop_other_templates() {
    for old in $(psql -d postgres -Atqc "SELECT datname FROM pg_database WHERE datname LIKE '$1' AND datname != '$2'"); do
        if dropdb "$old" 2>/dev/null; then
            rm -rf "$DATA_DIR/filestore/$old"
        else
            log "template $old is in use: kept"
        fi
    done
}

failed() {
    tail -40 "$logfile" >&2
    drop_db "$1"
    die "$2 (log: $logfile)"
}

tpl=$(template_db_name)
if ! is_complete "$tpl"; then
    log "building template database $tpl (modules $(template_modules); languages $TEMPLATE_LANGS)"
    drop_other_templates 'fb\_template\_%' "$tpl"
    odoo_bin -d "$tpl" -i "$(template_modules)" --load-language "en_US,$TEMPLATE_LANGS" --stop-after-init \
        --max-cron-threads 0 --workers 0 --http-port 8169 --log-level warn > "$logfile" 2>&1 \
        || failed "$tpl" "building the template database failed"
    psql -d "$tpl" -qc "INSERT INTO ir_config_parameter (key, value) VALUES ('fb.template.complete', '1')"
    log "template database $tpl ready"
fi
if [ "${1:-}" = tests ]; then
    tests_tpl=${tpl}_t$(sha256sum < "$ROOT/scripts/template_company.py" | cut -c1-8)
    if ! is_complete "$tests_tpl"; then
        log "building the tests' template database $tests_tpl (the Italian company of the add-on's tests)"
        drop_other_templates "${tpl//_/\\_}\\_t%" "$tests_tpl"
        copy_db "$tpl" "$tests_tpl"
        psql -d "$tests_tpl" -qc "DELETE FROM ir_config_parameter WHERE key = 'fb.template.complete'"
        PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/scripts/template_company.py" "$ODOO_CFG" "$tests_tpl" > "$logfile" 2>&1 \
            || failed "$tests_tpl" "making the tests' Italian company failed"
        psql -d "$tests_tpl" -qc "INSERT INTO ir_config_parameter (key, value) VALUES ('fb.template.complete', '1')"
    fi
    tpl=$tests_tpl
fi
echo "$tpl" >&3
