#!/usr/bin/env bash
# `make screenshots`: the README's PNG pages of the demo letters and statements (docs/screenshots/), rendered in
# make run's database founder_demo while `make run` serves it (wkhtmltopdf loads the report's style sheets from it).
source "$(dirname "$0")/lib.sh"
prepare_odoo pdf
db_exists founder_demo || die "no database founder_demo: start make run in another terminal first"
curl -fsS -o /dev/null http://127.0.0.1:8069/web/login \
    || die "nothing answers on http://127.0.0.1:8069: start make run in another terminal first"
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/scripts/screenshots.py" --config "$ODOO_CFG" --database founder_demo \
    --output "$ROOT/docs/screenshots"
log "written: $(ls "$ROOT/docs/screenshots" | tr '\n' ' ')"
