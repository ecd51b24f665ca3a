import json

from dateutil.relativedelta import relativedelta
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import aging, reports


class FbReportWizard(models.TransientModel):
    """Pick a report, a company and a date or period, then see it on screen, as a PDF or as an XLSX file."""

    _name = "fb.report.wizard"
    _description = "Back Office report"

    report = fields.Selection(reports.selection(), required=True, default=reports.DEFAULT)
    report_period = fields.Boolean("Period", compute="_compute_report_kind")  # else as of one date
    report_pdf = fields.Boolean("PDF", compute="_compute_report_kind")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    as_of = fields.Date("As of", default=fields.Date.context_today)
    date_from = fields.Date(
        "From", default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(months=2)
    )
    date_to = fields.Date("To", default=fields.Date.context_today)
    partner_ids = fields.Many2many("res.partner", string="Customers", help="Empty: every customer with activity.")
    limit_1 = fields.Integer("Bucket 1 up to (days)", default=aging.DEFAULT_LIMITS[0])
    limit_2 = fields.Integer("Bucket 2 up to (days)", default=aging.DEFAULT_LIMITS[1])
    limit_3 = fields.Integer("Bucket 3 up to (days)", default=aging.DEFAULT_LIMITS[2])
    limit_4 = fields.Integer("Bucket 4 up to (days)", default=aging.DEFAULT_LIMITS[3])

    @api.depends("report")
    def _compute_report_kind(self):
        """What the form shows for the chosen report: a date or a period, and the PDF button."""
        for wizard in self:
            definition = reports.BY_KEY.get(wizard.report)
            wizard.report_period = not (definition and definition.as_of)
            wizard.report_pdf = not definition or bool(definition.pdf)

    def _definition(self):
        return reports.BY_KEY[self.report]

    @api.constrains("limit_1", "limit_2", "limit_3", "limit_4")
    def _check_limits(self):
        for wizard in self:
            self.env["fb.aging.report"]._checked_limits(wizard._limits())

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period must start before it ends."))

    def _limits(self):
        return (self.limit_1, self.limit_2, self.limit_3, self.limit_4)

    def _options(self):
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "as_of": fields.Date.to_string(self.as_of),
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "kind": self._definition().kind,
            "limits": list(self._limits()),
            "partner_ids": self.partner_ids.commercial_partner_id.ids,
        }

    def _report_model(self):
        """The report model with this wizard's options; checks the user may read it and report on the company."""
        model = self.env[self._definition().model].with_context(fb_report_options=self._options())
        model.check_access("read")
        return model, model._options()

    def action_view(self):
        self.ensure_one()
        model, _options = self._report_model()  # refuses a report the user may not read
        name = dict(self._fields["report"]._description_selection(self.env))[self.report]
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model._name,
            "view_mode": self._definition().views,
            "context": {"fb_report_options": self._options()},
            "target": "current",
        }

    def action_pdf(self):
        self.ensure_one()
        self._report_model()  # checks the options and the company access
        action = self.env.ref(self._definition().pdf_action)
        if self.report == "statement":
            partners = self.partner_ids.commercial_partner_id or self._statement_partners()
            return action.report_action(partners, data={"options": self._options()})
        return action.report_action(self, data={"options": self._options()})

    def _statement_partners(self):
        model, options = self._report_model()
        return self.env["res.partner"].browse({line["partner_id"] for line in model._lines(options)})

    def action_xlsx(self):
        """Download the XLSX from the report's read-only route (``controllers/report_xlsx.py``): the file is
        computed on request with the options of the link and the rights of who opens it, and stored nowhere."""
        self.ensure_one()
        self._report_model()  # refuses here, in the dialog, what the route would refuse
        query = url_encode({"options": json.dumps(self._options())})
        return {
            "type": "ir.actions.act_url",
            "url": f"/founder_backoffice/xlsx/{self.report}?{query}",
            "target": "self",
        }
