"""make test's comparison of Odoo's own suites with their run without the add-on (scripts/core_suites.py)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "core_suites.py"
spec = importlib.util.spec_from_file_location("core_suites", SCRIPT)
core_suites = importlib.util.module_from_spec(spec)
spec.loader.exec_module(core_suites)

PREFIX = "2026-12-01 22:25:27,193 11125"
BASELINE_LOG = f"""\
{PREFIX} INFO db odoo.addons.account.tests.test_account_move_send: Starting TestAccountMoveSend.test_send ...
{PREFIX} INFO db odoo.addons.account.tests.test_account_partner: Starting TestAccountPartner.test_merge ...
{PREFIX} INFO db odoo.addons.crm.tests.test_crm_lead: Starting TestCRMLead.test_phone ...
{PREFIX} ERROR db odoo.addons.crm.tests.test_crm_lead: FAIL: Subtest TestCRMLead.test_phone (login='user_sales')
{PREFIX} INFO db odoo.addons.crm.tests.test_crm_lead_duplicates: Starting TestCRMLead.test_phone ...
"""


def _parse(tmp_path, text, name):
    log = tmp_path / name
    log.write_text(text)
    return core_suites.parse(log)


def test_tests_are_told_apart_by_file_and_subtests_count_for_their_test(tmp_path):
    outcome = _parse(tmp_path, BASELINE_LOG, "baseline.log")
    assert outcome == {
        "run": [
            "account.test_account_move_send.TestAccountMoveSend.test_send",
            "account.test_account_partner.TestAccountPartner.test_merge",
            "crm.test_crm_lead.TestCRMLead.test_phone",
            "crm.test_crm_lead_duplicates.TestCRMLead.test_phone",
        ],
        "failed": ["crm.test_crm_lead.TestCRMLead.test_phone"],
    }


def test_same_outcome_passes_and_a_new_failure_or_a_class_that_did_not_set_up_is_a_regression(tmp_path):
    baseline = _parse(tmp_path, BASELINE_LOG, "baseline.log")
    assert core_suites.compare(baseline, baseline) == (4, 3, [])
    broken = BASELINE_LOG.replace(
        f"{PREFIX} INFO db odoo.addons.account.tests.test_account_partner: Starting TestAccountPartner.test_merge ...",
        f"{PREFIX} ERROR db odoo.tests.suite: ERROR: setUpClass "
        "(odoo.addons.account.tests.test_account_partner.TestAccountPartner)",
    ) + (f"{PREFIX} ERROR db odoo.addons.account.tests.test_account_move_send: ERROR: TestAccountMoveSend.test_send\n")
    run, passed, regressions = core_suites.compare(baseline, _parse(tmp_path, broken, "current.log"))
    assert (run, passed) == (3, 1)
    assert regressions == [
        "account.test_account_move_send.TestAccountMoveSend.test_send",
        "account.test_account_partner.TestAccountPartner.setUpClass",
        "account.test_account_partner.TestAccountPartner.test_merge",
    ]


def test_a_test_that_passes_when_odoo_runs_it_again_has_not_failed(tmp_path):
    source = f"{PREFIX} INFO db odoo.addons.account.tests.test_account_partner:"
    start = f"{source} Starting TestAccountPartner.test_merge ...\n"
    retried = BASELINE_LOG.replace(
        start,
        f"{start}{source} FAIL: TestAccountPartner.test_merge\n{source} Retrying a failed test: test_merge\n{start}",
    )
    baseline = _parse(tmp_path, BASELINE_LOG, "baseline.log")
    assert core_suites.compare(baseline, _parse(tmp_path, retried, "retried.log")) == (4, 3, [])
    failing_twice = retried + f"{source} FAIL: TestAccountPartner.test_merge\n"
    assert core_suites.compare(baseline, _parse(tmp_path, failing_twice, "twice.log"))[2] == [
        "account.test_account_partner.TestAccountPartner.test_merge"
    ]
