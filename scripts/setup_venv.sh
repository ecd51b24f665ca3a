#!/usr/bin/env bash
# Creates .venv with Odoo's own requirements (minus python-ldap) and the dev tools, and .venv-hooks with the OCA's
# module checks (requirements-hooks.txt).
# The venv is built once per requirements hash in the cache and .venv links to it, so a fresh clone
# (CI) reuses it in seconds; pip's wheel cache makes a rebuild cheap too.
source "$(dirname "$0")/lib.sh"
find_odoo

# The OCA's checks pin another polib than Odoo: their own small environment, built once per requirements hash.
hooks_key=$(cat "$ROOT/requirements-hooks.txt" <(python3 --version 2>&1) | sha256sum | cut -c1-16)
hooks=$CACHE/hooks-venv-$hooks_key
if [ ! -f "$hooks/.complete" ]; then
    log "building the environment of the OCA checks in $hooks (once)"
    rm -rf "$hooks"
    python3 -m venv "$hooks"
    "$hooks/bin/pip" install --quiet -r "$ROOT/requirements-hooks.txt"
    touch "$hooks/.complete"
fi
[ "$(readlink "$ROOT/.venv-hooks" 2>/dev/null)" = "$hooks" ] || { rm -rf "$ROOT/.venv-hooks"; ln -s "$hooks" "$ROOT/.venv-hooks"; }

key=$(printf '%s\n%s\n' "$(python3 --version 2>&1)" "$(cat "$ODOO_DIR/requirements.txt" "$ROOT/requirements-dev.txt")" \
      | sha256sum | cut -c1-16)
target=$CACHE/venv-$key
if [ -f "$target/.complete" ]; then
    if [ "$(readlink "$VENV" 2>/dev/null)" != "$target" ]; then
        rm -rf "$VENV" && ln -s "$target" "$VENV"
    fi
    exit 0
fi

log "building the Python environment in $target (about 3 minutes, once)"
rm -rf "$target" "$VENV"
python3 -m venv "$target"
"$target/bin/pip" install --quiet --upgrade 'pip>=25.3' 'setuptools<70' wheel
reqs=$CACHE/requirements-$key.txt
# python-ldap needs LDAP headers and only serves LDAP login, which this add-on does not use.
grep -v -i '^python-ldap' "$ODOO_DIR/requirements.txt" > "$reqs"
build_constraints=$CACHE/build-constraints.txt
# cbor2==5.4.2's sdist does not build with setuptools >= 70.
echo 'setuptools<70' > "$build_constraints"
"$target/bin/pip" install --quiet --build-constraint "$build_constraints" -r "$reqs" -r "$ROOT/requirements-dev.txt"
touch "$target/.complete"
ln -s "$target" "$VENV"
log "Python environment ready: $VENV -> $target"
