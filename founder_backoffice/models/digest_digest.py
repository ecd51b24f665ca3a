import math
from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_amount, format_date

from ..engine import forecast
from ..engine.kpi_definitions import BY_KEY as KPI

WORST_LATE = 5
FOUNDER = "founder_backoffice.group_founder"
DIGEST_CONTEXT = ("start_datetime", "end_datetime", "uid")


UNDEFINED = "—"  # what the e-mail shows for a figure that is undefined (no runway when not burning)
# the digest's boxes that are KPIs of the registry: the box is labelled as the KPI, the value is the KPI's
REGISTRY_BOXES = {
    "kpi_fb_cash": "cash",
    "kpi_fb_runway": "runway",
    "kpi_fb_ar_overdue": "ar_overdue",
    "kpi_fb_ar_overdue_share": "ar_overdue_share",
    "kpi_fb_dso": "dso",
    "kpi_fb_collected": "collected",
    "kpi_fb_abnormal": "abnormal_count",
}


def _value(field_class, **options):
    return field_class(compute="_compute_kpi_fb_values", depends_context=DIGEST_CONTEXT, **options)


def _box(key):
    """The digest's box of the registry's KPI ``key``, labelled as the KPI over the digest's short windows."""
    return fields.Boolean(KPI[key].window_label, help=KPI[key].help)


class DigestDigest(models.Model):
    """The founder's figures in Odoo's periodic digest e-mail, for the recipients who are founders.

    Each KPI is a box to tick on the digest form; its value at the end of each of the digest's windows (last 24
    hours, 7 days, 30 days) is compared with the window before. The values are computed as the recipient
    (``_compute_kpis`` runs with the recipient's user and language): a recipient who is not a founder, or not a
    user of the digest's company, gets an ``AccessError``, which the digest turns into leaving the KPI out of that
    person's e-mail. The KPIs of the registry (``engine.kpi_definitions``) keep their label and scale; Odoo's
    digest formats numbers only, so an undefined one travels as NaN and is shown as "—".
    """

    _inherit = "digest.digest"

    kpi_fb_cash = _box("cash")
    kpi_fb_cash_value = _value(fields.Monetary)
    kpi_fb_runway = _box("runway")
    kpi_fb_runway_value = _value(fields.Float)
    kpi_fb_ar_overdue = _box("ar_overdue")
    kpi_fb_ar_overdue_value = _value(fields.Monetary)
    kpi_fb_ar_overdue_share = _box("ar_overdue_share")
    kpi_fb_ar_overdue_share_value = _value(fields.Float)
    kpi_fb_dso = _box("dso")
    kpi_fb_dso_value = _value(fields.Float)
    kpi_fb_collected = _box("collected")
    kpi_fb_collected_value = _value(fields.Monetary)
    kpi_fb_promises_due = fields.Boolean("Promises to pay due in the next 7 days")
    kpi_fb_promises_due_value = _value(fields.Integer)
    kpi_fb_abnormal = _box("abnormal_count")
    kpi_fb_abnormal_value = _value(fields.Integer)
    kpi_fb_lowest_cash = fields.Boolean("Lowest cash in the 13-week forecast")
    kpi_fb_lowest_cash_value = _value(fields.Monetary)

    def _compute_kpi_fb_values(self):
        if not self.env.user.has_group(FOUNDER):
            raise AccessError(self.env._("Only founders receive the founder's figures."))
        start, end, _companies = self._get_kpi_compute_parameters()
        date_to = fields.Datetime.to_datetime(end).date() if end else fields.Date.context_today(self)
        date_from = fields.Datetime.to_datetime(start).date() if start else date_to - timedelta(days=7)
        for digest in self:
            company = digest.company_id or self.env.company
            if company not in self.env.user.company_ids:
                # a digest of another company is readable and subscribable by every employee: its figures are not
                raise AccessError(self.env._("The founder's figures are only given for your own companies."))
            digest.update(self._fb_values(company, date_from, date_to))

    def _fb_values(self, company, date_from, date_to):
        """The founder's KPIs of ``company`` for the window: balances at its end, flows over it; a KPI with
        ``min_days`` over those days to the window's end (a day or a week of sales says nothing of the DSO)."""
        Kpi = self.env["fb.kpi"]
        values = Kpi.compute(company, date_from + timedelta(days=1), date_to)
        days = {KPI[key].min_days for key in REGISTRY_BOXES.values()} - {None}
        longer = {
            n: Kpi.compute(company, date_to - timedelta(days=n - 1), date_to)
            for n in days
            if n > (date_to - date_from).days
        }
        promises = (
            self.env["fb.promise"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "open"),
                    ("promised_date", ">", date_to),
                    ("promised_date", "<=", date_to + timedelta(days=7)),
                ]
            )
        )
        weeks = self.env["fb.cash.forecast"]._weeks(company, date_to)
        result = {
            f"{box}_value": self._fb_stored(key, longer.get(KPI[key].min_days, values)[key])
            for box, key in REGISTRY_BOXES.items()
        }
        result.update(
            kpi_fb_promises_due_value=promises,
            kpi_fb_lowest_cash_value=forecast.lowest_week(weeks).closing,
        )
        return result

    def _fb_stored(self, key, value):
        """The KPI's value as the registry stores it (a percentage for a percent KPI); NaN when undefined."""
        stored = KPI[key].stored(value)
        return math.nan if stored is None else stored

    def _get_margin_value(self, value, previous_value=0.0):
        """No change to show when either figure is undefined."""
        if any(isinstance(figure, float) and math.isnan(figure) for figure in (value, previous_value)):
            return 0.0
        return super()._get_margin_value(value, previous_value)

    def _compute_kpis(self, company, user):
        """An undefined figure (NaN, formatted by Odoo as "nan") is shown as "—"."""
        kpis = super()._compute_kpis(company, user)
        for values in kpis:
            for column in ("kpi_col1", "kpi_col2", "kpi_col3"):
                if values[column].get("value") == "nan":
                    values[column]["value"] = UNDEFINED
        return kpis

    def _compute_kpis_actions(self, company, user):
        actions = super()._compute_kpis_actions(company, user)
        dashboard = "founder_backoffice.action_fb_dashboard"
        for field_name in self._fields:
            if field_name.startswith("kpi_fb_") and not field_name.endswith("_value"):
                actions[field_name] = dashboard
        actions["kpi_fb_abnormal"] = "founder_backoffice.action_overdue_invoices_menu"
        actions["kpi_fb_lowest_cash"] = "founder_backoffice.action_fb_report_cash_forecast"
        return actions

    def _compute_preferences(self, company, user):
        """Before Odoo's preferences, the five invoices latest beyond their customer's habit, for a founder who
        ticked the abnormally late invoices."""
        preferences = super()._compute_preferences(company, user)
        if not self.kpi_fb_abnormal or not user.has_group(FOUNDER):
            return preferences
        today = fields.Date.context_today(self)
        late = self.env["fb.kpi"]._abnormally_pending(company, today)
        worst = sorted(late.items(), key=lambda item: item[1], reverse=True)[:WORST_LATE]
        if not worst:
            return preferences
        moves = self.env["account.move"].sudo().browse([move_id for move_id, _days in worst])
        days = dict(worst)
        lines = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(invoice)s, %(customer)s: %(amount)s due on %(date)s; days late: %(days)s",
                invoice=move.name,
                customer=move.commercial_partner_id.name,
                amount=format_amount(self.env, move.amount_residual_signed, company.currency_id),
                date=format_date(self.env, move.invoice_date_due),
                days=days[move.id],
            )
            for move in moves
        )
        block = Markup("<p><b>%s</b></p><ul>%s</ul>") % (
            self.env._("Invoices late beyond their customer's habit"),
            lines,
        )
        return [block, *preferences]
