#!/usr/bin/env bash
# The add-ons installed the OCA way, as `make test` checks it: wheels built from the committed files with whool
# (`pip wheel`), installed with pip into a throw-away virtual environment next to the Odoo tree, then Odoo, run
# from that environment with only its own addons path (none to this repository), installs
# founder_backoffice_bill_capture alone (Back Office does not depend on it), then founder_backoffice and, Employees
# and SMS being there, founder_backoffice_hr and founder_backoffice_sms, running a test class of the add-on from
# there. Ends with "wheels: N passed, M failed".
#
# Odoo itself is not a pip package here (see the README): the environment reaches the Odoo tree and .venv's
# packages through a .pth file, pip installs the wheels without resolving dependencies, and their requirements
# are checked against the tree's version and the environment instead.
source "$(dirname "$0")/lib.sh"
prepare_odoo
tpl=$(bash "$ROOT/scripts/template_db.sh")
tmp=$(mktemp -d)
db=fb_wheels_$$
trap 'rm -rf "$tmp"; drop_db "$db"' EXIT
passed=0 failed=0
check() {  # check "what" command...: one test
    if "${@:2}" >>"$tmp/log" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        log "FAILED: $1"
        tail -20 "$tmp/log" >&2
    fi
}

check "pip wheel builds one wheel per add-on" \
    "$PY" -m pip wheel --no-deps --no-build-isolation --wheel-dir "$tmp/dist" "$ROOT/founder_backoffice" \
    "$ROOT/founder_backoffice_hr" "$ROOT/founder_backoffice_sms" "$ROOT/founder_backoffice_bill_capture"
# The names and requirements the wheels declare, as pip reads them, sorted.
wheel_metadata() {
    "$PY" - "$tmp"/dist/*.whl <<'PYEOF' | sort
import sys, zipfile
for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as wheel:
        [metadata] = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
        for line in wheel.read(metadata).decode().splitlines():
            if line.startswith(("Name:", "Requires-Dist:")):
                print(line)
PYEOF
}
declared_as_expected() {
    diff <(wheel_metadata) - <<'END'
Name: odoo-addon-founder_backoffice
Name: odoo-addon-founder_backoffice_bill_capture
Name: odoo-addon-founder_backoffice_hr
Name: odoo-addon-founder_backoffice_sms
Requires-Dist: odoo-addon-founder_backoffice==19.0.*
Requires-Dist: odoo-addon-founder_backoffice==19.0.*
Requires-Dist: odoo==19.0.*
Requires-Dist: odoo==19.0.*
Requires-Dist: odoo==19.0.*
Requires-Dist: odoo==19.0.*
Requires-Dist: xlsxwriter
Requires-Dist: zxing-cpp
END
}
check "the wheels are odoo-addon-<add-on> requiring Odoo 19.0 and the manifests' Python libraries" declared_as_expected

python3 -m venv "$tmp/venv"
site=$("$tmp/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '%s\n%s\n' "$ODOO_DIR" "$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    > "$site/odoo_tree_and_requirements.pth"
check "pip installs the wheels into the throw-away environment" \
    "$tmp/venv/bin/python" -m pip install --no-deps "$tmp"/dist/*.whl
check "the environment meets the wheels' requirements (the tree is Odoo 19.0, xlsxwriter and zxing-cpp are there)" \
    "$tmp/venv/bin/python" -c "import odoo.release, xlsxwriter, zxingcpp; assert odoo.release.version_info[:2] == (19, 0)"
check "Odoo's addons namespace finds the add-ons in the environment, not in this repository" \
    "$tmp/venv/bin/python" -c "from importlib.util import find_spec
for name in ('founder_backoffice', 'founder_backoffice_hr', 'founder_backoffice_sms', 'founder_backoffice_bill_capture'):
    origin = find_spec('odoo.addons.' + name).origin
    assert origin.startswith('$site'), origin"

# Odoo run from the environment with only its own addons path (none to this repository), on database $1.
env_odoo() {
    "$tmp/venv/bin/python" "$ODOO_DIR/odoo-bin" -c "$ODOO_CFG" -d "$1" \
        --addons-path="$ODOO_DIR/odoo/addons,$ODOO_DIR/addons" --stop-after-init --max-cron-threads 0 --workers 0 \
        --http-port 0 "${@:2}"
}
# "name=state,..." of the add-ons in database $1 (those in state $2 only, when given).
addon_states() {
    psql -d "$1" -Atqc "SELECT string_agg(name || '=' || state, ',' ORDER BY name) FROM ir_module_module
                        WHERE name LIKE 'founder_backoffice%' AND state LIKE '${2:-%}'"
}
# Back Office never needs bill capture: no add-on of its dependency closure is bill capture.
back_office_closure() {
    "$PY" - "$ROOT" <<'PYEOF'
import ast, sys
from pathlib import Path
todo, seen = ["founder_backoffice"], set()
while todo:
    name = todo.pop()
    manifest = Path(sys.argv[1], name, "__manifest__.py")
    if name not in seen and manifest.exists():
        seen.add(name)
        todo += ast.literal_eval(manifest.read_text())["depends"]
sys.exit("founder_backoffice_bill_capture" in seen)
PYEOF
}
check "Back Office does not depend on bill capture" back_office_closure
copy_db "$tpl" "$db"
check "Odoo installs founder_backoffice_bill_capture alone from the environment" \
    env_odoo "$db" -i founder_backoffice_bill_capture --log-level warn
check "bill capture is installed without Back Office" \
    test "$(addon_states "$db" installed)" = "founder_backoffice_bill_capture=installed"
# Then Back Office, in the same database and the same run as its tests: those that read the persona and access
# tables read them from inside the installed wheel (tests/personas.md), not from this repository.
install_and_test() {
    env_odoo "$db" -i founder_backoffice --test-tags /founder_backoffice:TestAccessRights > "$tmp/tests.log" 2>&1 \
        && grep -qE ' [1-9][0-9]* post-tests in ' "$tmp/tests.log" \
        || { tail -30 "$tmp/tests.log"; return 1; }
}
check "Odoo installs founder_backoffice from the environment, without this repository in its addons path, and its \
tests pass from the installed wheel" install_and_test
check "the four add-ons are installed" test "$(addon_states "$db")" \
    = "founder_backoffice=installed,founder_backoffice_bill_capture=installed,founder_backoffice_hr=installed,\
founder_backoffice_sms=installed"
log "wheels: $passed passed, $failed failed"
echo "wheels: $passed passed, $failed failed"
[ "$failed" = 0 ]
