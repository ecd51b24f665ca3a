import importlib.util
from datetime import date
from pathlib import Path

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, TransactionCase, freeze_time, tagged
from odoo.tools import convert_file, html2plaintext

from .common import FounderBackofficeCommon

DECREE = "231/2002"
DIRECTIVE = "2011/7/EU"
LETTER = "founder_backoffice.action_report_fb_dunning_letter"


@tagged("post_install", "-at_install")
class TestJurisdictions(FounderBackofficeCommon):
    """One run for an Italian company, an Italian consumer, a Saudi company and a German company, each reminded
    under the policy of its country and kind, 45 days late at the final level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["fb.interest.rate"].create({"company_id": cls.company.id, "date_from": date(2026, 1, 1), "rate": 4.5})
        cls.product = cls.env["product.product"].create({"name": "Dunning charges", "type": "service"})
        final = cls.env.ref("founder_backoffice.mail_template_fb_dunning_final").id

        def policy(name, jurisdiction, **level):
            return cls.env["fb.dunning.policy"].create(
                {
                    "name": name,
                    "company_id": cls.company.id,
                    "jurisdiction": jurisdiction,
                    "min_days_between": 0,
                    "fee_booking": "draft",
                    "fee_product_id": cls.product.id,
                    "level_ids": [Command.create({"name": "Final", "days": 30, "mail_template_id": final, **level})],
                }
            )

        cls.italy_b2b = policy("Italia imprese", "italy_b2b", charge_interest=True)
        cls.consumers = policy("Consumatori", "eu_consumer", fee_type="fixed", fee_fixed=10.0)
        cls.saudi = policy("Saudi", "saudi", fee_type="fixed", fee_fixed=25.0)
        cls.eu_b2b = policy("EU business", "eu_b2b", charge_interest=True)
        italy, saudi_arabia, germany = (cls.env.ref(f"base.{code}") for code in ("it", "sa", "de"))
        cls.trattoria = cls._customer("Trattoria Roma S.r.l.", lang="it_IT", country_id=italy.id)
        cls.consumer = cls._customer("Mario Rossi", lang="it_IT", country_id=italy.id, is_company=False)
        cls.nukhba = cls._customer("شركة النخبة", lang="ar_001", country_id=saudi_arabia.id)
        cls.gmbh = cls._customer("Müller GmbH", country_id=germany.id)
        cls._invoice(cls.trattoria, 3000.0, date(2026, 2, 14))  # 45 days late on 2026-03-31
        for customer in (cls.consumer, cls.nukhba, cls.gmbh):
            cls._invoice(customer, 1000.0, date(2026, 2, 14))

    def _reminders(self, run):
        return {reminder.partner_id: reminder for reminder in run.reminder_ids}

    def _letter(self, reminder):
        return self.env["ir.actions.report"]._render_qweb_html(LETTER, reminder.ids)[0].decode()

    @freeze_time("2026-03-31")
    def test_each_customer_is_reminded_under_the_law_of_its_country_and_kind(self):
        run = self._run(date(2026, 3, 31))
        reminders = self._reminders(run)
        self.assertEqual(
            {partner: reminder.policy_id for partner, reminder in reminders.items()},
            {
                self.trattoria: self.italy_b2b,
                self.consumer: self.consumers,
                self.nukhba: self.saudi,
                self.gmbh: self.eu_b2b,
            },
        )
        # (interest, compensation, fee): 3000 x (4.5 + 8) % x 45 / 365 = 46.23; 1000 x ... = 15.41; 40 EUR each
        self.assertEqual(
            {
                partner: (reminder.amount_interest, reminder.amount_compensation, reminder.amount_fee)
                for partner, reminder in reminders.items()
            },
            {
                self.trattoria: (46.23, 40.0, 0.0),
                self.consumer: (0.0, 0.0, 10.0),
                self.nukhba: (0.0, 0.0, 25.0),
                self.gmbh: (15.41, 40.0, 0.0),
            },
        )
        for partner in reminders:
            self.assertEqual(partner._fb_dunning_policy(self.company), reminders[partner].policy_id)

    def test_own_policy_first_and_the_default_where_no_preset_applies(self):
        italy = self.env.ref("base.it")
        by_hand = self._customer("Scelta S.r.l.", country_id=italy.id, fb_dunning_policy_id=self.saudi.id)
        british = self._customer("Bright Ltd", country_id=self.env.ref("base.uk").id)
        nowhere = self._customer("Senza Paese S.r.l.")
        self.assertEqual(by_hand._fb_dunning_policy(self.company), self.saudi)
        self.assertEqual(british._fb_dunning_policy(self.company), self.policy)
        self.assertEqual(nowhere._fb_dunning_policy(self.company), self.policy)
        # an archived preset policy no longer applies: the default does
        self.eu_b2b.action_archive()
        self.assertEqual(self.gmbh._fb_dunning_policy(self.company), self.policy)

    @freeze_time("2026-03-31")
    def test_final_notices_claim_only_what_the_law_of_the_customer_allows(self):
        run = self._run(date(2026, 3, 31))
        run.action_send()
        reminders = self._reminders(run)
        texts = {}
        for partner, reminder in reminders.items():
            self.assertEqual(reminder.state, "sent", partner.name)
            clause = html2plaintext(reminder.with_context(lang=partner.lang).legal_clause())
            body, letter = html2plaintext(reminder.mail_id.body_html), html2plaintext(self._letter(reminder))
            texts[partner] = body + letter
            for document in (body, letter):
                self.assertIn(clause[:40], document, partner.name)
            self.assertNotIn("provided by law", texts[partner])
            self.assertNotIn("previsti dalla legge", texts[partner])
            self.assertNotIn("المنصوص عليهما قانونًا", texts[partner])
        # Italian companies: the decree, the ECB rate and the flat-rate compensation, in the e-mail and the letter
        italian = reminders[self.trattoria]
        self.assertIn(DECREE, italian.mail_id.body_html)
        self.assertIn(DECREE, str(italian.with_context(lang="it_IT").interest_note()))
        self.assertIn(html2plaintext(italian.with_context(lang="it_IT").interest_note())[:40], texts[self.trattoria])
        self.assertIn("40,00", str(italian.with_context(lang="it_IT").legal_clause()))
        # German companies: the directive
        self.assertIn(DIRECTIVE, texts[self.gmbh])
        self.assertIn("Under Directive 2011/7/EU, late-payment interest runs", texts[self.gmbh])
        # consumers and Saudi customers: no statute, no interest; the fee is the one agreed
        for partner in (self.consumer, self.nukhba):
            self.assertNotIn(DECREE, texts[partner])
            self.assertNotIn(DIRECTIVE, texts[partner])
            self.assertFalse(reminders[partner].amount_interest)
            self.assertTrue(str(reminders[partner].with_context(lang=partner.lang).legal_clause()))
        self.assertIn("rtl", self._letter(reminders[self.nukhba]))

    @freeze_time("2026-03-31")
    def test_italian_charges_invoice_is_outside_vat_and_notes_the_stamp_duty(self):
        run = self._run(date(2026, 3, 31))
        run.action_send()
        charges = {partner: reminder.charge_move_id for partner, reminder in self._reminders(run).items()}
        exempt = self.env["account.chart.template"].with_company(self.company).ref("00art15v")
        self.assertEqual(exempt.l10n_it_exempt_reason, "N1")  # l10n_it's own 0 % tax, "escluse ex art. 15"
        italian = charges[self.trattoria]
        self.assertEqual(italian.amount_total, 86.23)  # 46.23 + 40, no VAT
        self.assertEqual(italian.invoice_line_ids.tax_ids, exempt)
        self.assertTrue(all(DECREE in line.name for line in italian.invoice_line_ids))
        narration = html2plaintext(italian.narration)
        self.assertIn("633/1972", narration)
        self.assertIn("N1", narration)
        self.assertIn("77,47", narration, "86.23 outside VAT: above the stamp duty threshold")
        german = charges[self.gmbh]
        self.assertEqual(german.amount_total, 55.41)
        self.assertEqual(german.invoice_line_ids.tax_ids, exempt)
        self.assertTrue(all(DIRECTIVE in line.name for line in german.invoice_line_ids))
        self.assertIn("633/1972", html2plaintext(german.narration))
        self.assertNotIn("77.47", html2plaintext(german.narration), "55.41 outside VAT: no stamp duty")
        saudi = charges[self.nukhba]
        self.assertEqual((saudi.amount_total, saudi.invoice_line_ids.tax_ids), (25.0, exempt.browse()))
        self.assertNotIn("633/1972", html2plaintext(saudi.narration or ""))

    def test_a_policy_refuses_what_its_law_forbids(self):
        manager = self._persona("Collections manager")
        Policy = self.env["fb.dunning.policy"].with_user(manager)
        final = self.env.ref("founder_backoffice.mail_template_fb_dunning_final").id

        def create(jurisdiction, **level):
            return Policy.create(
                {
                    "name": "Test",
                    "jurisdiction": jurisdiction,
                    "level_ids": [Command.create({"name": "Last", "days": 30, "mail_template_id": final, **level})],
                }
            )

        with self.assertRaisesRegex(ValidationError, "level Last cannot charge late-payment interest"):
            create("saudi", charge_interest=True)
        with self.assertRaisesRegex(ValidationError, "level Last cannot charge late-payment interest"):
            create("eu_consumer", charge_interest=True)
        with self.assertRaisesRegex(ValidationError, "cannot charge a percentage of the overdue amount"):
            create("saudi", fee_type="percent", fee_percent=5.0)
        with self.assertRaisesRegex(ValidationError, "no flat-rate compensation is due"):
            Policy.create({"name": "Test", "jurisdiction": "saudi", "compensation_amount": 40.0})
        with self.assertRaisesRegex(ValidationError, "level Final cannot charge late-payment interest"):
            self.saudi.with_user(manager).write(
                {"level_ids": [Command.update(self.saudi.level_ids.id, {"charge_interest": True})]}
            )
        # what the law allows is accepted: a fixed fee in Saudi Arabia, a percentage fee to consumers
        self.assertTrue(create("saudi", fee_type="fixed", fee_fixed=50.0))
        self.assertTrue(create("eu_consumer", fee_type="percent", fee_percent=5.0))
        # no jurisdiction: as before, nothing refused
        self.assertTrue(create(False, charge_interest=True, fee_type="percent", fee_percent=5.0))

    def test_collections_manager_picks_a_preset_other_roles_cannot(self):
        manager = self._persona("Collections manager")
        form = Form(self.env["fb.dunning.policy"].with_user(manager))
        form.name = "Clienti italiani"
        form.jurisdiction = "saudi"
        self.assertEqual((form.interest_margin, form.compensation_amount), (0.0, 0.0))
        form.jurisdiction = "italy_b2b"
        self.assertEqual((form.interest_margin, form.compensation_amount), (8.0, 40.0))
        form.compensation_amount = 50.0  # the proposed EU regulation's amount
        form.jurisdiction = "eu_b2b"
        self.assertEqual(form.compensation_amount, 50.0)
        policy = form.save()
        self.assertEqual((policy.jurisdiction, policy.interest_margin, policy.compensation_amount), ("eu_b2b", 8, 50))
        # created without the form: the preset fills what is not given
        saudi = self.env["fb.dunning.policy"].with_user(manager).create({"name": "KSA", "jurisdiction": "saudi"})
        self.assertEqual((saudi.interest_margin, saudi.compensation_amount), (0.0, 0.0))
        for role in ("Collections user", "Accountant"):
            with self.assertRaises(AccessError, msg=role):
                self.env["fb.dunning.policy"].with_user(self._persona(role)).create(
                    {"name": "Mine", "jurisdiction": "saudi"}
                )

    def test_another_companys_people_neither_read_nor_get_these_policies(self):
        company_b = self.env["res.company"].create({"name": "Azienda B S.r.l.", "currency_id": self.eur.id})
        policy_b = self.env["fb.dunning.policy"].create(
            {"name": "Saudi B", "company_id": company_b.id, "jurisdiction": "saudi"}
        )
        manager_b = self._persona("Collections manager", company=company_b)
        Policy = self.env["fb.dunning.policy"].with_user(manager_b)
        self.assertEqual(Policy.search([]), policy_b)
        with self.assertRaises(AccessError):
            self.saudi.with_user(manager_b).read(["name", "jurisdiction"])
        shared = self._customer("شركة مشتركة", lang="ar_001", country_id=self.env.ref("base.sa").id)
        self.assertEqual(shared.with_user(manager_b)._fb_dunning_policy(company_b), policy_b)
        self.assertEqual(shared._fb_dunning_policy(self.company), self.saudi)

    def test_upgrade_resets_a_final_notice_that_claims_charges_provided_by_law(self):
        """Databases made before 19.0.1.3.0 kept the old final notice (``noupdate`` data)."""
        template = self.env.ref("founder_backoffice.mail_template_fb_dunning_final").with_context(lang="en_US")
        shipped = template.body_html
        template.body_html = str(shipped).replace(
            "collection proceedings.</p>",
            "collection proceedings, with the late-payment interest and compensation provided by law.</p>",
        )
        self.assertIn("provided by law", template.body_html)
        path = Path(__file__).parent.parent / "migrations" / "19.0.1.3.0" / "post-final_notice_legal_clause.py"
        spec = importlib.util.spec_from_file_location("fb_final_notice_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(template.body_html, shipped)
        self.assertIn("legal_clause()", template.with_context(lang="it_IT").body_html)
        self.assertIn("ultimo avviso", template.with_context(lang="it_IT").body_html, "its translations reloaded")
        self.assertNotIn("previsti dalla legge", template.with_context(lang="it_IT").body_html)


@tagged("post_install", "-at_install")
class TestJurisdictionDemo(TransactionCase):
    """`make run`'s demo: the Italian restaurant's final notice names the decree and the flat-rate compensation,
    the Saudi customer's claims no interest and no statutory charge (the policies follow the country)."""

    def test_demo_final_notices(self):
        company = self.env.ref("base.main_company")
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        eur = env.ref("base.EUR")  # the compensation is fixed in EUR: the test template has no rate of it
        eur.active = True
        env["res.currency.rate"].create({"currency_id": eur.id, "name": "2010-01-01", "rate": 0.7})
        for name in ("res_partner_demo", "account_move_demo", "fb_dunning_policy_demo", "fb_jurisdiction_demo"):
            convert_file(env, "founder_backoffice", f"data/demo/{name}.xml", {}, mode="init", noupdate=True)
        run = env["fb.dunning.run"].create({"company_id": company.id})
        run.action_compute()
        reminders = {reminder.partner_id: reminder for reminder in run.reminder_ids}
        trattoria = reminders[env.ref("founder_backoffice.demo_partner_trattoria")]
        nukhba = reminders[env.ref("founder_backoffice.demo_partner_nukhba")]
        self.assertEqual(trattoria.policy_id, env.ref("founder_backoffice.demo_dunning_policy"))
        self.assertEqual(trattoria.policy_id.jurisdiction, "italy_b2b")
        self.assertEqual(trattoria.level_id, env.ref("founder_backoffice.demo_dunning_level_3"))
        self.assertGreater(trattoria.amount_interest, 0)
        self.assertGreater(trattoria.amount_compensation, 0)
        clause = str(trattoria.with_context(lang="it_IT").legal_clause())
        self.assertIn(DECREE, clause)
        self.assertIn("40,00", clause, "the flat-rate compensation, in EUR")
        self.assertEqual(nukhba.policy_id, env.ref("founder_backoffice.demo_dunning_policy_saudi"))
        self.assertEqual(nukhba.level_id, env.ref("founder_backoffice.demo_dunning_level_saudi_3"))
        self.assertEqual((nukhba.amount_interest, nukhba.amount_compensation, nukhba.amount_fee), (0.0, 0.0, 25.0))
        clause = str(nukhba.with_context(lang="ar_001").legal_clause())
        self.assertTrue(clause)
        self.assertNotIn(DECREE, clause)
        self.assertEqual(nukhba.level_id.with_context(lang="ar_001").name, "الإنذار النهائي")
