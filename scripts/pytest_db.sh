#!/usr/bin/env bash
# `make pytest-db`: the database in which pytest-odoo runs the add-on's Odoo tests one at a time, a copy of the
# tests' template (scripts/template_db.sh tests) with the add-on and its bridges installed as `make test` installs
# them. Named fb_pytest (FB_PYTEST_DB=another), made again from scratch on each call: after a change of a model, a
# view or data, call it again (the tests run against what is installed). Then, from the repository:
#   .venv/bin/pytest --odoo-database=fb_pytest founder_backoffice/tests -k test_name
# (conftest.py gives pytest-odoo the project's .odoo.cfg; add --odoo-http for the HttpCase tests.)
source "$(dirname "$0")/lib.sh"
prepare_odoo
# pytest loads its plugins, pytest-odoo's `import odoo` included, before anything of this repository: the Odoo tree
# goes on .venv's path (as scripts/wheel_test.sh does for its environment).
site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '%s\n' "$ODOO_DIR" > "$site/odoo_tree.pth"
db=${FB_PYTEST_DB:-fb_pytest}
tpl=$(bash "$ROOT/scripts/template_db.sh" tests)
logfile=$CACHE/pytest-db.log
port=$(free_port)
log "installing $ADDONS into $db, a copy of $tpl (log: $logfile)"
copy_db "$tpl" "$db"
if ! odoo_bin -d "$db" -i "$ADDONS_CSV" --stop-after-init --max-cron-threads 0 --workers 0 --http-port "$port" \
        --log-level warn > "$logfile" 2>&1; then
    tail -40 "$logfile" >&2
    drop_db "$db"
    die "installing $ADDONS into $db failed (log: $logfile)"
fi
log "$db ready: $VENV/bin/pytest --odoo-database=$db $ADDON/tests -k test_name"
echo "$db"
