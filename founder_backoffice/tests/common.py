from contextlib import contextmanager

from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# The groups an administrator gives each role on the Users form, and nothing more. The roles that create
# customers also get "Contacts: Creation", as Odoo's own demo user has; the Back Office roles get only theirs.
# the name of the other companies the tests' template made (scripts/template_company.py), until a test takes one
SPARE_NAME = "Spare Test Company"
PERSONAS = {
    "Portal": "base.group_portal",
    "Internal user": "base.group_user,base.group_partner_manager",
    "Salesperson": "sales_team.group_sale_salesman,base.group_partner_manager",
    "Invoicing user": "account.group_account_invoice,base.group_partner_manager",
    "Accountant": "account.group_account_invoice,account.group_account_user,base.group_partner_manager",
    "Accounting administrator": "account.group_account_manager,base.group_partner_manager",
    "Collections user": "founder_backoffice.group_collections_user",
    "Collections manager": "founder_backoffice.group_collections_manager",
    "Founder": "founder_backoffice.group_founder",
}


class FounderBackofficeCommon(AccountTestInvoicingCommon):
    """An Italian company (EUR, Italian chart, Monday-Friday calendar) with a three-level dunning policy."""

    country_code = "it"

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("founder_backoffice.group_founder")

    @classmethod
    def setup_independent_company(cls, **kwargs):
        """The Italian company made once with its chart in the test database (scripts/template_company.py): loading
        the chart was most of each class's set-up. Elsewhere, one is made here as Odoo's tests make it. The KPI
        history the add-on's install gave it goes: the classes start from a company made after the install."""
        company = cls.env.ref("__fb_tests__.company_it", raise_if_not_found=False)
        if not company:
            return super().setup_independent_company(**kwargs)
        cls.env.user.company_ids = [Command.link(company.id)]
        cls.env["fb.kpi.snapshot"].sudo().search([("company_id", "=", company.id)]).unlink()
        return company

    @classmethod
    def _create_company(cls, **create_values):
        """Another Italian company with its chart (``setup_other_company``): one the tests' template made
        (scripts/template_company.py) and no test took yet in this transaction, under the name asked; loading a
        chart was most of a class's set-up. Elsewhere, or with other values asked, one is made as Odoo's tests
        make it."""
        spare = cls.env["res.company"].search([("name", "=like", f"{SPARE_NAME} %")], order="id", limit=1)
        if not spare or set(create_values) - {"name"}:
            return super()._create_company(**create_values)
        spare.name = create_values.get("name", "Test Company")
        cls.env.user.company_ids = [Command.link(spare.id)]
        # what the add-on's install gave it goes, as if it were made after the install
        for model in ("fb.kpi.snapshot", "fb.forecast.accuracy"):
            cls.env[model].sudo().search([("company_id", "=", spare.id)]).unlink()
        return spare

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.eur = cls.company.currency_id
        cls.customer = cls._customer("Rossi S.p.A.", lang="en_US")
        cls.policy = cls.env["fb.dunning.policy"].create(
            {
                "name": "Standard",
                "company_id": cls.company.id,
                "is_default": True,
                "min_days_between": 0,
                "compensation_amount": 0.0,
                "level_ids": [
                    Command.create(
                        {
                            "name": "Friendly",
                            "days": 1,
                            "mail_template_id": cls.env.ref("founder_backoffice.mail_template_fb_dunning_friendly").id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Firm",
                            "days": 15,
                            "mail_template_id": cls.env.ref("founder_backoffice.mail_template_fb_dunning_firm").id,
                            "attach_letter": True,
                            "create_activity": True,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Final",
                            "days": 30,
                            "mail_template_id": cls.env.ref("founder_backoffice.mail_template_fb_dunning_final").id,
                            "fee_type": "fixed",
                            "fee_fixed": 10.0,
                        }
                    ),
                ],
            }
        )
        cls.level_1, cls.level_2, cls.level_3 = cls.policy.level_ids.sorted("days")

    @classmethod
    def _customer(cls, name, lang="en_US", email=True, **values):
        if lang != "en_US":
            cls.env["res.lang"]._activate_lang(lang)
        slug = name.lower().replace(" ", "").replace(".", "")[:12]
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "lang": lang, "email": email and f"{slug}@example.com", **values}
        )

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        """Like Odoo's ``assertRaises``, roll back what the failing call wrote, then check the message."""
        with self.assertRaises(expected_exception) as context:
            yield context
        self.assertRegex(str(context.exception), expected_regex)

    @classmethod
    def _user(cls, login, groups):
        """A user of the test company only, with these groups (comma-separated xml ids)."""
        return new_test_user(
            cls.env, login=login, groups=groups, company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)]
        )

    @classmethod
    def _persona(cls, role, company=None, **values):
        """A user of ``role`` (a key of PERSONAS) in ``company`` only; its password is its login."""
        company = company or cls.company
        login = "fb_" + role.lower().replace(" ", "_") + ("" if company == cls.company else f"_{company.id}")
        return new_test_user(
            cls.env,
            login=login,
            password=login,
            groups=PERSONAS[role],
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            **values,
        )

    @classmethod
    def _invoice(
        cls, partner, amount, due, invoice_date=None, currency=None, payment_term=None, post=True, company=None
    ):
        """A posted customer invoice of ``amount`` (no tax) due on ``due`` (or per ``payment_term``), of ``company``
        (default: the current one)."""
        values = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date or due,
            "currency_id": (currency or cls.eur).id,
            "invoice_line_ids": [
                Command.create({"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []})
            ],
        }
        if payment_term:
            values["invoice_payment_term_id"] = payment_term.id
        else:
            values["invoice_date_due"] = due
        invoice = cls.env["account.move"].with_company(company or cls.env.company).create(values)
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def _invoice_in_two_instalments(cls, partner, amount, invoice_date):
        """A posted invoice due half on ``invoice_date``, half 30 days later."""
        term = cls.env["account.payment.term"].create(
            {
                "name": "Half now, half in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                ],
            }
        )
        return cls._invoice(partner, amount, None, invoice_date=invoice_date, payment_term=term)

    @classmethod
    def _entry(cls, day, debit_account, credit_account, amount, journal=None):
        """A posted journal entry moving ``amount`` from ``credit_account`` to ``debit_account``."""
        move = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": day,
                "journal_id": (journal or cls.company_data["default_journal_misc"]).id,
                "line_ids": [
                    Command.create({"name": "x", "account_id": debit_account.id, "debit": amount}),
                    Command.create({"name": "x", "account_id": credit_account.id, "credit": amount}),
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, on):
        return cls._register_payment(invoice, amount=amount, payment_date=on)

    def _run(self, on, **values):
        run = self.env["fb.dunning.run"].create({"company_id": self.company.id, "date": on, **values})
        run.action_compute()
        return run

    def _sent_levels(self, partner=None):
        """``{invoice name: level name}`` of the new levels sent so far (per customer if given)."""
        domain = [("state", "=", "sent"), ("new_level", "=", True)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return {line.move_id.name: line.level_id.name for line in self.env["fb.dunning.line"].search(domain)}
