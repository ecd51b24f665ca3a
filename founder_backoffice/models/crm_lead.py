from odoo import api, fields, models
from odoo.fields import Domain

from ..tools import text
from .fb_payment_habit import GRADE_HELP, GRADES

# the README's "salesperson sees the customer's payment grade on an opportunity": not portal resellers
# (website_crm_partner_assign), who may read the leads assigned to them
SALES = "sales_team.group_sale_salesman"


class CrmLead(models.Model):
    """Sales sees the customer's payment risk on the opportunity before closing it."""

    _inherit = "crm.lead"

    fb_overdue_amount = fields.Monetary(
        "Customer overdue", compute="_compute_fb_payment_risk", currency_field="company_currency", groups=SALES
    )
    fb_oldest_overdue_days = fields.Integer("Oldest overdue (days)", compute="_compute_fb_payment_risk", groups=SALES)
    fb_overdue_summary = fields.Char("Payment risk", compute="_compute_fb_payment_risk", groups=SALES)
    fb_payment_grade = fields.Selection(
        GRADES, "Customer payment grade", compute="_compute_fb_payment_grade", help=GRADE_HELP, groups=SALES
    )
    fb_credit_hold = fields.Boolean("Credit hold", compute="_compute_fb_credit_hold", groups="base.group_user")

    def _fb_company(self):
        """The company whose receivables the lead shows: its own (else the current one), provided the user works
        in it; read as superuser, the figures must not reach into a company the user could name on a new lead."""
        company = self.company_id or self.env.company
        return company if company in self.env.companies else self.env["res.company"]

    @api.depends("partner_id", "company_id")
    @api.depends_context("allowed_company_ids")
    def _compute_fb_credit_hold(self):
        """The customer's credit hold in the lead's company (a hold is per company)."""
        for lead in self:
            company = lead._fb_company()
            partner = lead.partner_id.commercial_partner_id.sudo().with_company(company)
            lead.fb_credit_hold = bool(company) and partner.fb_credit_hold

    @api.depends("partner_id", "company_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_fb_payment_risk(self):
        """Overdue receivables of the leads' customers in the leads' companies, read in one query for all."""
        today = fields.Date.context_today(self)
        partners = self.partner_id.commercial_partner_id
        companies = self.company_id | self.env.company
        Line = self.env["account.move.line"].sudo()
        risk = {}
        if partners:
            for partner, company, amount, oldest in Line._read_group(
                self.env["fb.receivable"]._overdue_items_domain(today)
                & Domain("partner_id", "child_of", partners.ids)
                & Domain("company_id", "in", (companies & self.env.companies).ids),
                ["partner_id", "company_id"],
                ["amount_residual:sum", "date_maturity:min"],
            ):
                key = (partner.commercial_partner_id.id, company.id)
                amount_sum, oldest_due = risk.get(key, (0.0, oldest))
                risk[key] = (amount_sum + amount, min(oldest_due, oldest))
        for lead in self:
            amount, oldest = risk.get((lead.partner_id.commercial_partner_id.id, lead._fb_company().id), (0.0, None))
            lead.fb_overdue_amount = amount
            lead.fb_oldest_overdue_days = (today - oldest).days if oldest else 0
            lead.fb_overdue_summary = (
                text.overdue_summary(self.env, amount, lead.company_currency, lead.fb_oldest_overdue_days)
                if amount
                else False
            )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_fb_payment_grade(self):
        """How the customer pays its invoices, for sales who do not see them (read as superuser)."""
        Habit = self.env["fb.payment.habit"].sudo()
        self.fb_payment_grade = False
        for company, leads in self.filtered("partner_id").grouped(lambda lead: lead._fb_company()).items():
            if not company:
                continue
            profiles = Habit._profiles(company, set(leads.partner_id.commercial_partner_id.ids))
            for lead in leads:
                lead.fb_payment_grade = profiles[lead.partner_id.commercial_partner_id.id].grade

    def action_set_won_rainbowman(self):
        """Winning a deal with a customer on credit hold goes through, with a warning to sales."""
        result = super().action_set_won_rainbowman()
        if self.fb_credit_hold:
            customer = self.partner_id.commercial_partner_id
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "sticky": True,
                    "title": self.env._("Customer on credit hold"),
                    "message": self.env._(
                        "%(customer)s is on credit hold (%(reason)s): check with collections before delivering.",
                        customer=customer.name,
                        reason=customer.with_company(self._fb_company()).fb_credit_hold_reason or "",
                    ),
                },
            }
        return result
