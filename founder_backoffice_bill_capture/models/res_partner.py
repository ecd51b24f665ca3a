from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    fb_bill_layout = fields.Text(
        "Bill layout",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups="account.group_account_invoice",
        help="Learned from this vendor's bills read from files in this company: the labels it writes before each "
        "field (JSON).",
    )
