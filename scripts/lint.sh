#!/usr/bin/env bash
# `make lint`: the OCA's pre-commit checks of .pre-commit-config.yaml on every file (README.rst from the readme/
# fragments, the OCA's module and catalogue checks, ruff, pylint-odoo, prettier). Hooks are local: the tools come
# from .venv, .venv-hooks and prettier from npm in the cache folder, all put on the PATH here. Any finding fails.
source "$(dirname "$0")/lib.sh"
find_odoo
bash "$ROOT/scripts/setup_venv.sh"
if [ ! -x "$PRETTIER_DIR/node_modules/.bin/prettier" ]; then
    command -v npm >/dev/null || die "npm is needed to install prettier: apt-get install npm"
    log "installing $PRETTIER_PACKAGES from npm into $PRETTIER_DIR (once)"
    npm install --prefix "$PRETTIER_DIR" --silent --no-audit --no-fund $PRETTIER_PACKAGES >&2 \
        || die "npm install $PRETTIER_PACKAGES failed"
fi
cd "$ROOT"
git rev-parse --git-dir >/dev/null 2>&1 || die "pre-commit runs in a git checkout of this repository"
export PATH="$VENV/bin:$ROOT/.venv-hooks/bin:$PRETTIER_DIR/node_modules/.bin:$PATH"
export PRE_COMMIT_HOME=$CACHE/pre-commit
pre-commit run --all-files --color never
