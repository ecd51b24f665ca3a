from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# The groups an administrator gives each role on the Users form, and nothing more: the bookkeeper who enters vendor
# bills (Invoicing), as the Back Office tests' persona of the same name.
# the name of the other companies the tests' template made (scripts/template_company.py), until a test takes one
SPARE_NAME = "Spare Test Company"
PERSONAS = {
    "Invoicing user": "account.group_account_invoice,base.group_partner_manager",
}


class BillCaptureCommon(AccountTestInvoicingCommon):
    """An Italian company (EUR, Italian chart), with the personas of bill capture."""

    country_code = "it"

    @classmethod
    def setup_independent_company(cls, **kwargs):
        """The Italian company made once with its chart in the tests' template (scripts/template_company.py), where
        there is one; elsewhere one is made here as Odoo's tests make it."""
        company = cls.env.ref("__fb_tests__.company_it", raise_if_not_found=False)
        if not company:
            return super().setup_independent_company(**kwargs)
        cls.env.user.company_ids = [Command.link(company.id)]
        return company

    @classmethod
    def _create_company(cls, **create_values):
        """Another Italian company with its chart (``setup_other_company``): one the tests' template made and no
        test took yet in this transaction, under the name asked, where there is one; else made as Odoo's tests
        make it."""
        spare = cls.env["res.company"].search([("name", "=like", f"{SPARE_NAME} %")], order="id", limit=1)
        if not spare or set(create_values) - {"name"}:
            return super()._create_company(**create_values)
        spare.name = create_values.get("name", "Test Company")
        cls.env.user.company_ids = [Command.link(spare.id)]
        return spare

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.eur = cls.company.currency_id

    @classmethod
    def _persona(cls, role, company=None):
        """A user of ``role`` (a key of PERSONAS) in ``company`` only; its password is its login."""
        company = company or cls.company
        login = "fbc_" + role.lower().replace(" ", "_") + ("" if company == cls.company else f"_{company.id}")
        return new_test_user(
            cls.env,
            login=login,
            password=login,
            groups=PERSONAS[role],
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
