from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang


class FbInterestRate(models.Model):
    """The ECB reference rate of a half-year, the base of statutory late-payment interest."""

    _name = "fb.interest.rate"
    _description = "Late-payment reference rate"
    _order = "company_id, date_from desc"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date_from = fields.Date(
        "Half-year from", required=True, help="1 January or 1 July: the rate applies to that half-year."
    )
    rate = fields.Float("Reference rate (%)", digits=(16, 2), required=True)

    _half_year_unique = models.Constraint(
        "UNIQUE(company_id, date_from)", "There is already a reference rate for this half-year."
    )

    @api.constrains("date_from", "rate")
    def _check_half_year(self):
        for record in self:
            if record.date_from.day != 1 or record.date_from.month not in (1, 7):
                raise ValidationError(self.env._("A reference rate starts on 1 January or 1 July."))
            if record.rate < 0:
                raise ValidationError(self.env._("A reference rate cannot be negative."))

    @api.depends("date_from", "rate")
    def _compute_display_name(self):
        for record in self:
            if not record.date_from:
                record.display_name = False
                continue
            record.display_name = self.env._(
                "Half-year %(half)s of %(year)s: %(rate)s %%",
                half=1 if record.date_from.month == 1 else 2,
                year=record.date_from.year,
                rate=formatLang(self.env, record.rate, digits=2),
            )

    @api.model
    def _rates_by_half_year(self, company):
        """``{half-year start: rate}`` of a company, the engine's input."""
        return {rate.date_from: rate.rate for rate in self.search([("company_id", "=", company.id)])}
