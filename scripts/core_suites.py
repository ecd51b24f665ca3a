"""Outcomes of Odoo's own test suites read from an Odoo log, and their comparison with a baseline.

    core_suites.py parse LOG            -> JSON {"run": [test ids], "failed": [test ids]} on stdout
    core_suites.py compare BASELINE LOG -> one line "RUN PASSED REGRESSIONS" on stdout, the regressed tests on stderr

A test id is "module.file.Class.method". A class whose setUpClass fails runs none of its tests: its tests are
missing from "run" and the class is in "failed" as "module.file.Class.setUpClass". A regression is a test that
failed with the add-on and not without it, or that ran without the add-on and not with it.

The suites run with Odoo's own retry of a failed test (``ODOO_TEST_FAILURE_RETRIES``, as on Odoo's runbot): a
browser tour that times out once on a loaded machine is not a regression. A test's outcome is that of its last
run, so a test that starts again has not failed until it fails again.
"""

import json
import re
import sys

LINE = re.compile(
    r"^\S+ \S+ \d+ (?:INFO|ERROR) \S+ (?P<logger>[\w.]+): (?P<kind>Starting|FAIL:|ERROR:) (?P<what>.+?)(?: \.\.\.)?$"
)
TEST_LOGGER = re.compile(r"^odoo\.addons\.(\w+)\.tests\.(\w+)")
CLASS_HOOK = re.compile(r"^(setUpClass|tearDownClass) \(odoo\.addons\.(\w+)\.tests\.(\w+)\.(\w+)\)$")


def test_id(logger, what):
    """``module.file.Class.method`` of a log line, or None for a line of no test."""
    what = what.removeprefix("Subtest ")
    hook = CLASS_HOOK.match(what)
    if hook:
        return f"{hook[2]}.{hook[3]}.{hook[4]}.{hook[1]}"
    source = TEST_LOGGER.match(logger)
    return source and f"{source[1]}.{source[2]}.{what.split(' ', 1)[0]}"


def parse(path):
    run, failed = set(), set()
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = LINE.match(line.rstrip("\n"))
            if not match:
                continue
            ident = test_id(match["logger"], match["what"])
            if not ident:
                continue
            if match["kind"] == "Starting":
                run.add(ident)
                failed.discard(ident)
            else:
                failed.add(ident)
    return {"run": sorted(run), "failed": sorted(failed)}


def compare(baseline, current):
    base_run, base_failed = set(baseline["run"]), set(baseline["failed"])
    run, failed = set(current["run"]), set(current["failed"])
    regressions = sorted((failed - base_failed) | (base_run - run))
    passed = len(run - failed)
    return len(run), passed, regressions


def main(argv):
    if argv[1:2] == ["parse"] and len(argv) == 3:
        json.dump(parse(argv[2]), sys.stdout, indent=0)
        return 0
    if argv[1:2] == ["compare"] and len(argv) == 4:
        with open(argv[2], encoding="utf-8") as file:
            baseline = json.load(file)
        run, passed, regressions = compare(baseline, parse(argv[3]))
        for ident in regressions:
            print(f"regression: {ident}", file=sys.stderr)
        print(run, passed, len(regressions))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
