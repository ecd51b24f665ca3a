#!/usr/bin/env bash
# prettier with its XML plugin, as installed by scripts/lint.sh into the cache folder (prettier resolves plugins
# from the working folder, so the plugin is given by its path); a pre-commit hook of .pre-commit-config.yaml.
source "$(dirname "$0")/lib.sh"
exec "$PRETTIER_DIR/node_modules/.bin/prettier" --plugin="$PRETTIER_DIR/node_modules/@prettier/plugin-xml/src/plugin.js" "$@"
