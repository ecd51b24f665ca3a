from odoo import api, fields, models

from ..engine import forecast_accuracy
from .fb_forecast_accuracy import BACKFILLED_HELP, DIFFERENCE_HELP, FROZEN_ON_HELP, HORIZON_HELP, RECEIVED_HELP
from .fb_payment_habit import GRADES

GRADE_HELP = (
    "The customer's payment grade when the forecast was made. No history: a customer with no invoice paid in the "
    "12 months before."
)


class FbForecastAccuracyLine(models.Model):
    """The expected and received receipts of one customer grade in a frozen forecast week
    (``fb.forecast.accuracy``): a week's lines add up to the week, so the *Forecast vs actual* pivot sums right
    within one horizon."""

    _name = "fb.forecast.accuracy.line"
    _description = "Forecast vs actual per customer grade"
    _order = "week_start desc, horizon, grade"

    accuracy_id = fields.Many2one(
        "fb.forecast.accuracy", "Forecast week", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="accuracy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="accuracy_id.currency_id")
    frozen_on = fields.Date(related="accuracy_id.frozen_on", store=True, help=FROZEN_ON_HELP)
    horizon = fields.Integer(related="accuracy_id.horizon", store=True, aggregator=False, help=HORIZON_HELP)
    week_start = fields.Date(related="accuracy_id.week_start", store=True)
    is_finished = fields.Boolean(related="accuracy_id.is_finished", store=True)
    is_backfilled = fields.Boolean(related="accuracy_id.is_backfilled", store=True, help=BACKFILLED_HELP)
    grade = fields.Selection(
        [*GRADES, (forecast_accuracy.NO_GRADE, "No history")],
        "Customer grade",
        required=True,
        readonly=True,
        help=GRADE_HELP,
    )
    expected = fields.Monetary("Expected receipts", readonly=True)
    received = fields.Monetary(readonly=True, help=RECEIVED_HELP)
    difference = fields.Monetary("Received - expected", compute="_compute_difference", store=True, help=DIFFERENCE_HELP)

    _week_grade_unique = models.Constraint(
        "UNIQUE(accuracy_id, grade)", "A frozen forecast week has one line per customer grade."
    )

    @api.depends("expected", "received", "is_finished")
    def _compute_difference(self):
        for line in self:
            line.difference = forecast_accuracy.difference(line.expected, line.received, line.is_finished)
