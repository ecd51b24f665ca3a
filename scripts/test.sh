#!/usr/bin/env bash
# Everything `make test` runs: lint, plain pytest over tests/, then the add-on's Odoo tests in a fresh
# database copied from the cached template. Ends with one line "N passed, M failed"; non-zero exit on any
# failure, and when no Odoo test ran.
source "$(dirname "$0")/lib.sh"
started=$(date +%s)
find_odoo
bash "$ROOT/scripts/setup_venv.sh"
bash "$ROOT/scripts/system_deps.sh" pdf browser ocr
logdir=$ROOT/.test-logs
rm -rf "$logdir" && mkdir -p "$logdir"

# A finding of the linters is a failure like any other: the tests still run and the summary says so.
lint_bad=0
bash "$ROOT/scripts/lint.sh" || { lint_bad=1; log "lint failed (see above)"; }

log "plain pytest (tests/)"
plain_rc=0
"$PY" -m pytest -p no:odoo "$ROOT/tests" -q --junit-xml="$logdir/plain.xml" || plain_rc=$?
read -r plain_total plain_bad plain_skipped < <("$PY" - "$logdir/plain.xml" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
s = s if s.tag == "testsuite" else s.find("testsuite")
print(int(s.get("tests")), int(s.get("failures")) + int(s.get("errors")), int(s.get("skipped")))
PYEOF
) || { plain_total=0 plain_bad=1 plain_skipped=0; }
[ "$plain_rc" = 0 ] || [ "$plain_bad" -gt 0 ] || plain_bad=1

tpl=$(bash "$ROOT/scripts/template_db.sh" tests)
ensure_pg
write_odoo_cfg
# Names and port of this run only: two runs on one server do not touch each other's databases.
db=${FB_TEST_DB:-fb_test_$$}
port=$(free_port)
trap 'drop_db "$db"; drop_db "${db}_core"' EXIT
copy_db "$tpl" "$db"
log "Odoo tests of $ADDONS in database $db (log: $logdir/odoo.log)"
# A hung run (a browser, a report tool) ends here with a message instead of at CI's own limit. The log ends
# with each class's and test's time (odoo.tests.stats at DEBUG), set-up included.
limit=${FB_TEST_TIMEOUT:-2400}
odoo_rc=0
timeout --kill-after=30 "$limit" "$PY" "$ODOO_DIR/odoo-bin" -c "$ODOO_CFG" -d "$db" -i "$ADDONS_CSV" \
    --test-tags "$(printf '/%s,' $ADDONS | sed 's/,$//')" --stop-after-init --max-cron-threads 0 --workers 0 \
    --http-port "$port" --log-handler odoo.tests.stats:DEBUG > "$logdir/odoo.log" 2>&1 || odoo_rc=$?
[ "$odoo_rc" != 124 ] && [ "$odoo_rc" != 137 ] || log "the Odoo tests did not finish within $limit s: stopped (see $logdir/odoo.log)"
grep -E ' (ERROR|CRITICAL) |^(FAIL|ERROR):|Traceback' "$logdir/odoo.log" | head -60 >&2 || true
result=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$logdir/odoo.log" | tail -1 || true)
odoo_run=0 odoo_bad=0
if [ -n "$result" ]; then
    read -r odoo_failed odoo_errors odoo_run < <(sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests/\1 \2 \3/' <<<"$result")
    odoo_bad=$((odoo_failed + odoo_errors))
fi
odoo_skipped=$(grep -cE ': skipped ' "$logdir/odoo.log" || true)
if [ "$odoo_run" = 0 ]; then
    log "no Odoo test ran (see $logdir/odoo.log)"
    odoo_bad=$((odoo_bad + 1))
elif [ "$odoo_rc" != 0 ] && [ "$odoo_bad" = 0 ]; then
    log "Odoo exited with status $odoo_rc (see $logdir/odoo.log)"
    odoo_bad=1
fi

# The wheels, installed the OCA way into a throw-away environment (scripts/wheel_test.sh).
log "wheels of the add-ons (log: $logdir/wheels.log)"
bash "$ROOT/scripts/wheel_test.sh" > "$logdir/wheels.log" 2>&1 || true
read -r wheels_passed wheels_bad < <(sed -nE 's/^wheels: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$logdir/wheels.log") \
    || { wheels_passed=0 wheels_bad=1; tail -20 "$logdir/wheels.log" >&2; }

# Odoo's own tests of $CORE_TESTS in database $1, all after the registry is complete (scripts/odoo_suites.py),
# logged to $2; bounded like the add-on's tests. A failed test runs once more, as on Odoo's runbot
# (scripts/core_suites.py keeps the outcome of its last run).
run_core_suites() {
    ODOO_TEST_FAILURE_RETRIES=1 PYTHONPATH=$ODOO_DIR timeout --kill-after=30 "$limit" "$PY" "$ROOT/scripts/odoo_suites.py" -c "$ODOO_CFG" -d "$1" \
        --test-tags "$CORE_TESTS" --stop-after-init --max-cron-threads 0 --workers 0 --http-port "$port" \
        --log-handler odoo.tests.stats:DEBUG > "$2" 2>&1 || true
}

# Odoo's own suites must end with the add-on installed exactly as without it: the outcome without it is
# recorded once per template database and test list, in a copy of the template (filestore included).
core_hash=$(printf '%s' "$CORE_TESTS" | sha256sum | cut -c1-12)
baseline=$CACHE/core-baseline-$tpl-$core_hash.json
if [ ! -s "$baseline" ]; then
    log "Odoo's own suites without the add-on, once for this template (log: $logdir/core-baseline.log)"
    copy_db "$tpl" "${db}_core"
    run_core_suites "${db}_core" "$logdir/core-baseline.log"
    drop_db "${db}_core"
    "$PY" "$ROOT/scripts/core_suites.py" parse "$logdir/core-baseline.log" > "$baseline.tmp"
    if grep -q '"run": \[\]' "$baseline.tmp"; then
        rm -f "$baseline.tmp"
        die "Odoo's own suites ran no test without the add-on (see $logdir/core-baseline.log)"
    fi
    mv "$baseline.tmp" "$baseline"
fi
log "Odoo's own suites with the add-on installed (log: $logdir/core.log)"
run_core_suites "$db" "$logdir/core.log"
read -r core_run core_passed core_bad < <("$PY" "$ROOT/scripts/core_suites.py" compare "$baseline" "$logdir/core.log")
log "Odoo's own suites: $core_run tests, $core_passed passed, $core_bad regressions against the run without the add-on"
drop_db "$db"

passed=$((plain_total - plain_bad - plain_skipped + odoo_run - odoo_bad - odoo_skipped + wheels_passed + core_passed))
failed=$((lint_bad + plain_bad + odoo_bad + wheels_bad + core_bad))
[ "$passed" -ge 0 ] || passed=0
log "lint: $([ "$lint_bad" = 0 ] && echo passed || echo failed); plain pytest: $plain_total tests, $plain_bad failed, $plain_skipped skipped; Odoo: $odoo_run tests, $odoo_bad failed, $odoo_skipped skipped; wheels: $wheels_passed passed, $wheels_bad failed; Odoo's own suites: $core_run tests, $core_bad regressions; $(( $(date +%s) - started )) s"
echo "$passed passed, $failed failed, $((plain_skipped + odoo_skipped)) skipped"
[ "$failed" = 0 ]
