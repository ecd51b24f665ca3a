#!/usr/bin/env bash
# ruff (style, imports, bugbear) and pylint with the pylint-odoo plugin (SQL injection, translation
# misuse, manifest keys, XML ids...). Any finding fails.
source "$(dirname "$0")/lib.sh"
find_odoo
bash "$ROOT/scripts/setup_venv.sh"
cd "$ROOT"
log "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check --quiet . || die "ruff format would change files: run .venv/bin/ruff format ."
log "pylint-odoo"
# One run per add-on: given together, pylint mis-resolves Odoo's namespace package "odoo".
for addon in $ADDONS; do
    PYTHONPATH=$ODOO_DIR "$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" --disable=no-member "$addon"
done
