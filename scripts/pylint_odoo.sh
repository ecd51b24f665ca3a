#!/usr/bin/env bash
# pylint with the pylint-odoo plugin, one run per add-on (given together, pylint mis-resolves Odoo's namespace
# package "odoo"); a pre-commit hook of .pre-commit-config.yaml.
source "$(dirname "$0")/lib.sh"
find_odoo
for addon in $ADDONS; do
    PYTHONPATH=$ODOO_DIR "$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" --jobs=2 --disable=no-member "$ROOT/$addon"
done
