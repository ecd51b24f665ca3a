#!/usr/bin/env bash
# `make run`: sets up what is missing, creates once the database founder_demo with the add-on and its demo
# data (updated when the add-on's files change), then serves Odoo on http://127.0.0.1:8069 until Ctrl-C.
source "$(dirname "$0")/lib.sh"
prepare_odoo pdf ocr

db=founder_demo
# Odoo's demo payment provider (its own data sets it to test mode, published, in the demo company): a customer pays
# a reminder from its collections page end to end. The add-on itself does not depend on it. Bill capture, an add-on
# of its own, with its sample bills.
demo_modules=payment_demo,founder_backoffice_bill_capture
source_stamp=$(cd "$ROOT/$ADDON" && find . -type f -not -path '*/__pycache__/*' -printf '%P %s %T@\n' | sort | sha256sum | cut -c1-16)
param() { psql -d "$db" -Atqc "SELECT value FROM ir_config_parameter WHERE key = 'fb.demo.$1'" 2>/dev/null || true; }
set_param() {
    psql -d "$db" -qc "DELETE FROM ir_config_parameter WHERE key = 'fb.demo.$1';
                       INSERT INTO ir_config_parameter (key, value) VALUES ('fb.demo.$1', '$2')"
}

if ! db_exists "$db" || [ "$(param installed)" != 1 ]; then
    drop_db "$db"
    log "creating $db with $ADDON and its demo data (a few minutes, once)"
    odoo_bin -d "$db" -i "$ADDON,$demo_modules" --with-demo --load-language "en_US,$TEMPLATE_LANGS" --stop-after-init \
        --max-cron-threads 0 --log-level warn || die "creating $db failed"
    set_param installed 1
    set_param source "$source_stamp"
elif [ "$(param source)" != "$source_stamp" ]; then
    log "the add-on changed: updating it in $db"
    odoo_bin -d "$db" -u "$ADDON" -i "$demo_modules" --stop-after-init --max-cron-threads 0 --log-level warn \
        || die "updating $db failed"
    set_param source "$source_stamp"
fi

# The e-mails the demo sends (reminders, statements) are kept as files instead of failing for want of a server.
mail_dir=$ROOT/.demo-mail
start_mail_sink "$mail_dir"
trap 'kill $sink_pid 2>/dev/null' EXIT
log "Odoo is starting on http://127.0.0.1:8069 (login admin / password admin); Ctrl-C stops it"
log "e-mails Odoo sends are kept in $mail_dir (one .eml file each)"
"$PY" "$ODOO_DIR/odoo-bin" -c "$ODOO_CFG" -d "$db" --db-filter "^$db\$" --smtp 127.0.0.1 --smtp-port "$smtp_port"
