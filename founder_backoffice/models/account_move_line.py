from odoo import api, models
from odoo.fields import Domain


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _fb_receivable_domain(self, company):
        """Open receivable items of posted entries of ``company``: debits still due and credits not applied."""
        return Domain(
            [
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ]
        )

    @api.model
    def _fb_dunning_domain(self, company, as_of):
        """The receivable items a dunning run of ``as_of`` may remind: overdue invoice instalments not excluded.

        Excluded are customers marked "no dunning", invoices whose payment is blocked and items flagged
        ``no_followup`` (Odoo's own exclusions), and what the collections workspace holds back: invoices under
        an open dispute, under an open promise to pay until its date, or in a running payment plan (whose
        instalments are reminded instead).
        """
        return self._fb_receivable_domain(company) & Domain(
            [
                ("amount_residual", ">", 0),
                ("date_maturity", "<", as_of),
                ("move_id.move_type", "=", "out_invoice"),
                ("move_id.payment_state", "!=", "blocked"),
                ("no_followup", "=", False),
                ("partner_id.commercial_partner_id.fb_no_dunning", "=", False),
                ("move_id.fb_dispute_ids", "not any", [("state", "=", "open")]),
                ("move_id.fb_promise_ids", "not any", [("state", "=", "open"), ("promised_date", ">=", as_of)]),
                ("move_id.fb_payment_plan_ids", "not any", [("state", "=", "active")]),
            ]
        )
