"""The Back Office reports, declared once.

The report wizard's choice, its view and PDF actions, the XLSX download route and the PDF report models all read
this registry: adding a report is one ``ReportDefinition`` here (plus its SQL model, its QWeb template and, for a
PDF, its ``ir.actions.report``). Models and actions are named by strings, so the registry imports nothing of Odoo.
"""

from dataclasses import dataclass

MODULE = "founder_backoffice"


@dataclass(frozen=True)
class ReportDefinition:
    """A report: ``key`` is the wizard's choice and the XLSX route's name, ``label`` the choice's label (translated
    as a selection value), ``model`` the ``fb.report.mixin`` model computing its rows."""

    key: str
    label: str
    model: str
    as_of: bool = False  # as of one date (the XLSX file is named after it), else over a period
    pdf: str | None = None  # the QWeb report's name without the module; None: no PDF
    kind: str = "receivable"  # the aging's side: receivable or payable
    views: str = "list,pivot"  # the views of "View"

    @property
    def pdf_action(self):
        """XML id of the ``ir.actions.report`` printing the PDF."""
        return f"{MODULE}.action_{self.pdf}" if self.pdf else None

    @property
    def pdf_model(self):
        """The model rendering the PDF's values (Odoo's ``report.<report name>``)."""
        return f"report.{MODULE}.{self.pdf}" if self.pdf else None


REPORTS = (
    ReportDefinition("aging_receivable", "Aged receivables", "fb.aging.report", as_of=True, pdf="report_fb_aging"),
    ReportDefinition(
        "aging_payable", "Aged payables", "fb.aging.report", as_of=True, pdf="report_fb_aging", kind="payable"
    ),
    ReportDefinition("statement", "Customer statement", "fb.statement.report", pdf="report_fb_statement"),
    ReportDefinition("pnl", "Profit and loss", "fb.pnl.report", pdf="report_fb_pnl"),
    ReportDefinition("cash_flow", "Cash flow statement", "fb.cash.flow.report", pdf="report_fb_cash_flow"),
    ReportDefinition("cash_forecast", "13-week cash forecast", "fb.cash.forecast", as_of=True, views="list,graph"),
)
BY_KEY = {report.key: report for report in REPORTS}
DEFAULT = REPORTS[0].key


def selection():
    """The wizard's choice of report: ``[(key, label)]`` in the registry's order."""
    return [(report.key, report.label) for report in REPORTS]


def of_pdf_model(model_name):
    """The definition whose PDF ``model_name`` renders (the first, for a PDF shared by two reports: they share the
    model and the date kind too); ``KeyError`` for another model."""
    for report in REPORTS:
        if report.pdf_model == model_name:
            return report
    raise KeyError(model_name)
