from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..engine import reports
from ..tools import text


class FbReportPdfMixin(models.AbstractModel):
    """What every Back Office PDF needs: the options it was asked with, checked, and the page direction."""

    _name = "fb.report.pdf.mixin"
    _description = "Back Office PDF report"

    @api.model
    def _data_options(self, data):
        """The options a report was asked with, as a dict (a hand-made ``/report`` URL may send anything)."""
        options = (data or {}).get("options") or {}
        if not isinstance(options, dict):
            raise UserError(self.env._("The report options are not valid."))
        return dict(options)

    @api.model
    def _report_values(self, data):
        """Odoo's ``/report`` route renders any report for any logged-in user: the report checks here what its
        menu checks (the report model's access rights, the company, the partners' record rules in its query)."""
        definition = reports.of_pdf_model(self._name)
        model = self.env[definition.model].with_context(fb_report_options=self._data_options(data))
        model.check_access("read")
        options = model._options()
        lang = self.env.lang or "en_US"
        company = self.env["res.company"].browse(options["company_id"])
        return (
            model,
            options,
            {
                "options": options,
                "company": company,
                "subtitle": self._subtitle(options, company.currency_id, definition.as_of),
                "direction": self.env["res.lang"]._get_data(code=lang).direction or "ltr",
            },
        )

    @api.model
    def _period(self, options):
        """The period of the report, as a sentence of this environment's language."""
        return text.period(self.env, options["date_from"], options["date_to"])

    @api.model
    def _subtitle(self, options, currency, as_of):
        """The report's date (``as_of``) or period and currency, as one sentence of the reader's language."""
        if as_of:
            return self.env._(
                "As of %(date)s, in %(currency)s",
                date=text.isolate(format_date(self.env, options["as_of"])),
                currency=text.isolate(currency.name),
            )
        return self.env._(
            "From %(date_from)s to %(date_to)s, in %(currency)s",
            date_from=text.isolate(format_date(self.env, options["date_from"])),
            date_to=text.isolate(format_date(self.env, options["date_to"])),
            currency=text.isolate(currency.name),
        )


class ReportFbAging(models.AbstractModel):
    _name = "report.founder_backoffice.report_fb_aging"
    _inherit = ["fb.report.pdf.mixin"]
    _description = "Aging report PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        model, options, values = self._report_values(data)
        lines = model._lines(options)
        return {
            **values,
            "docs": self.env["fb.report.wizard"].browse(docids),
            "title": model._title(options),
            "labels": model._bucket_labels(options["limits"]),
            "summary": model._summary(lines),
            "lines": lines,
        }


class ReportFbPnl(models.AbstractModel):
    _name = "report.founder_backoffice.report_fb_pnl"
    _inherit = ["fb.report.pdf.mixin"]
    _description = "Profit and loss PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        model, options, values = self._report_values(data)
        months, sections, net = model._grid(options)
        return {
            **values,
            "docs": self.env["fb.report.wizard"].browse(docids),
            "months": months,
            "sections": sections,
            "net": net,
        }


class ReportFbCashFlow(models.AbstractModel):
    _name = "report.founder_backoffice.report_fb_cash_flow"
    _inherit = ["fb.report.pdf.mixin"]
    _description = "Cash flow PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        model, options, values = self._report_values(data)
        months, rows, opening, closing = model._grid(options)
        return {
            **values,
            "docs": self.env["fb.report.wizard"].browse(docids),
            "months": months,
            "rows": rows,
            "opening": opening,
            "closing": closing,
        }


class ReportFbStatement(models.AbstractModel):
    """Statements of the given customers; without options (e-mail from the customer form) the period is the
    last three months to today."""

    _name = "report.founder_backoffice.report_fb_statement"
    _inherit = ["fb.report.pdf.mixin"]
    _description = "Customer statement PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        self.env["account.move"].check_access("read")
        partners = self.env["res.partner"].browse(docids)
        partners.check_access("read")
        partners = partners.commercial_partner_id
        options = self._data_options(data)
        today = fields.Date.context_today(self)
        options.setdefault("date_to", fields.Date.to_string(today))
        options.setdefault("date_from", fields.Date.to_string(fields.Date.subtract(today, months=3)))
        options["partner_ids"] = partners.ids
        options["as_of"] = options["date_to"]
        model, options, values = self._report_values({"options": options})
        aging_model = self.env["fb.aging.report"].with_context(fb_report_options={**options, "kind": "receivable"})
        aging_options = aging_model._options()
        aging_lines = [line for line in aging_model._lines(aging_options) if line["partner_id"] in partners.ids]
        statements = {partner.id: (lines, closing) for partner, lines, closing in model._by_partner(options)}
        return {
            **values,
            "docs": partners,
            "statements": statements,
            "texts": {
                partner.id: self.with_context(lang=partner.lang or self.env.lang)._statement_texts(
                    options, aging_options["limits"]
                )
                for partner in partners
            },
            "aging": {
                partner.id: aging_model._summary([line for line in aging_lines if line["partner_id"] == partner.id])
                for partner in partners
            },
        }

    @api.model
    def _statement_texts(self, options, limits):
        """The words of a statement computed here rather than in the template, in this environment's language."""
        return {"period": self._period(options), "aging_labels": self.env["fb.aging.report"]._bucket_labels(limits)}


class ReportFbDunningLetter(models.AbstractModel):
    """The letter of each reminder, for whoever may read the reminder (its collector, a manager)."""

    _name = "report.founder_backoffice.report_fb_dunning_letter"
    _description = "Payment reminder letter PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        reminders = self.env["fb.dunning.reminder"].browse(docids)
        reminders.check_access("read")
        return {"doc_ids": reminders.ids, "doc_model": reminders._name, "docs": reminders}
