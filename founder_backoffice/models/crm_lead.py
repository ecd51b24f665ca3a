from odoo import api, fields, models
from odoo.fields import Domain

from ..report import text
from .fb_payment_habit import GRADE_HELP, GRADES


class CrmLead(models.Model):
    """Sales sees the customer's payment risk on the opportunity before closing it."""

    _inherit = "crm.lead"

    fb_overdue_amount = fields.Monetary(
        "Customer overdue", compute="_compute_fb_payment_risk", currency_field="company_currency"
    )
    fb_oldest_overdue_days = fields.Integer("Oldest overdue (days)", compute="_compute_fb_payment_risk")
    fb_overdue_summary = fields.Char("Payment risk", compute="_compute_fb_payment_risk")
    fb_payment_grade = fields.Selection(
        GRADES, "Customer payment grade", compute="_compute_fb_payment_grade", help=GRADE_HELP
    )
    fb_credit_hold = fields.Boolean(related="partner_id.commercial_partner_id.fb_credit_hold", string="Credit hold")

    @api.depends("partner_id", "company_id")
    def _compute_fb_payment_risk(self):
        """Overdue receivables of the leads' customers, read in one query for all of them."""
        today = fields.Date.context_today(self)
        partners = self.partner_id.commercial_partner_id
        Line = self.env["account.move.line"].sudo()
        risk = {}
        if partners:
            for partner, company, amount, oldest in Line._read_group(
                self.env["fb.receivable"]._overdue_items_domain(today) & Domain("partner_id", "child_of", partners.ids),
                ["partner_id", "company_id"],
                ["amount_residual:sum", "date_maturity:min"],
            ):
                key = (partner.commercial_partner_id.id, company.id)
                amount_sum, oldest_due = risk.get(key, (0.0, oldest))
                risk[key] = (amount_sum + amount, min(oldest_due, oldest))
        for lead in self:
            company = lead.company_id or self.env.company
            amount, oldest = risk.get((lead.partner_id.commercial_partner_id.id, company.id), (0.0, None))
            lead.fb_overdue_amount = amount
            lead.fb_oldest_overdue_days = (today - oldest).days if oldest else 0
            lead.fb_overdue_summary = (
                text.overdue_summary(self.env, amount, lead.company_currency, lead.fb_oldest_overdue_days)
                if amount
                else False
            )

    def _compute_fb_payment_grade(self):
        """How the customer pays its invoices, for sales who do not see them (read as superuser)."""
        Habit = self.env["fb.payment.habit"].sudo()
        self.fb_payment_grade = False
        for company, leads in (
            self.filtered("partner_id").grouped(lambda lead: lead.company_id or self.env.company).items()
        ):
            profiles = Habit._profiles(company, set(leads.partner_id.commercial_partner_id.ids))
            for lead in leads:
                lead.fb_payment_grade = profiles[lead.partner_id.commercial_partner_id.id].grade

    def action_set_won_rainbowman(self):
        """Winning a deal with a customer on credit hold goes through, with a warning to sales."""
        result = super().action_set_won_rainbowman()
        if self.fb_credit_hold:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "sticky": True,
                    "title": self.env._("Customer on credit hold"),
                    "message": self.env._(
                        "%(customer)s is on credit hold (%(reason)s): check with collections before delivering.",
                        customer=self.partner_id.commercial_partner_id.name,
                        reason=self.partner_id.commercial_partner_id.fb_credit_hold_reason or "",
                    ),
                },
            }
        return result
