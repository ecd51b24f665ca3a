#!/usr/bin/env bash
# `make screenshots`: the README's PNG pages of the demo letters and statements (docs/screenshots/), rendered in
# make run's database founder_demo (run `make run` once before).
source "$(dirname "$0")/lib.sh"
find_odoo
bash "$ROOT/scripts/setup_venv.sh"
bash "$ROOT/scripts/system_deps.sh" pdf
ensure_pg
write_odoo_cfg
db_exists founder_demo || die "no database founder_demo: run make run once first"
PYTHONPATH=$ODOO_DIR "$PY" "$ROOT/scripts/screenshots.py" --config "$ODOO_CFG" --database founder_demo \
    --output "$ROOT/docs/screenshots"
log "written: $(ls "$ROOT/docs/screenshots" | tr '\n' ' ')"
