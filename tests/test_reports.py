"""The report registry agrees with itself and with the XML and models it names."""

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from founder_backoffice.engine import reports

ADDON_DIR = Path(__file__).resolve().parent.parent / "founder_backoffice"


def test_keys_are_unique_and_the_default_is_one_of_them():
    keys = [report.key for report in reports.REPORTS]
    assert len(keys) == len(set(keys))
    assert reports.DEFAULT in keys
    assert reports.selection()[0] == ("aging_receivable", "Aged receivables")


def test_reports_sharing_a_pdf_share_its_model_and_date_kind():
    for report in reports.REPORTS:
        if report.pdf:
            shared = reports.of_pdf_model(report.pdf_model)
            assert (shared.model, shared.as_of) == (report.model, report.as_of)
    with pytest.raises(KeyError):
        reports.of_pdf_model("report.founder_backoffice.report_fb_dunning_letter")


def test_as_of_and_pdf():
    assert {r.key for r in reports.REPORTS if r.as_of} == {"aging_receivable", "aging_payable", "cash_forecast"}
    assert {r.key for r in reports.REPORTS if not r.pdf} == {"cash_forecast"}
    assert reports.BY_KEY["aging_payable"].kind == "payable"
    assert reports.BY_KEY["cash_forecast"].views == "list,graph"
    assert reports.BY_KEY["pnl"].pdf_action == "founder_backoffice.action_report_fb_pnl"
    assert reports.BY_KEY["cash_forecast"].pdf_action is None


def test_the_named_actions_and_models_exist():
    """Every PDF action is an ``ir.actions.report`` of the add-on printing the registry's PDF model, and every
    report and PDF model is declared by the add-on."""
    tree = ElementTree.parse(ADDON_DIR / "report" / "fb_reports.xml")
    report_names = {
        f"founder_backoffice.{record.get('id')}": record.find("field[@name='report_name']").text
        for record in tree.iter("record")
        if record.get("model") == "ir.actions.report"
    }
    sources = "".join(path.read_text() for path in ADDON_DIR.glob("*/*.py"))
    declared = set(re.findall(r'_name = "([^"]+)"', sources))
    for report in reports.REPORTS:
        assert report.model in declared
        if report.pdf:
            assert f"report.{report_names[report.pdf_action]}" == report.pdf_model
            assert report.pdf_model in declared
