"""A customer's collections settings (credit hold, no dunning, collector, stage) are per company, and only the
people of a company change them there; the credit hold holds on every posting path.

Two companies: the test company A and company B. A shared customer (no company) has invoices in both; B has a
customer of its own. Company A's people try B's customer over JSON-RPC as the web client sends it.
"""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

from odoo import fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, sql

from ..models.fb_collection_queue import COMPANY_SLOTS
from .common import FounderBackofficeCommon

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
SETTINGS = ["fb_no_dunning", "fb_credit_hold", "fb_credit_hold_reason", "fb_collector_id", "fb_collection_stage_id"]
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.MissingError")


def load_migration(name, version="19.0.1.1.0"):
    """A migration script of the add-on as a module (its file name is not an importable name)."""
    spec = importlib.util.spec_from_file_location(
        f"fb_migration_{version.replace('.', '_')}_{name.replace('-', '_')}", MIGRATIONS / version / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestCompanySettings(FounderBackofficeCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.due = cls.today - timedelta(days=40)
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.shared = cls._customer("Condivisa S.r.l.")
        cls.customer_b = cls._customer("Cliente B S.p.A.", company_id=cls.company_b.id)
        cls.manager = cls._persona("Collections manager")
        cls.clerk = cls._persona("Invoicing user")
        cls.clerk_b = cls._persona("Invoicing user", company=cls.company_b)
        cls.legal = cls.env.ref("founder_backoffice.collection_stage_legal")
        cls.env["fb.dunning.policy"].create(
            {
                "name": "Policy B",
                "company_id": cls.company_b.id,
                "is_default": True,
                "min_days_between": 0,
                "compensation_amount": 0.0,
                "level_ids": [
                    Command.create({"name": "Only", "days": 1, "mail_template_id": cls.level_1.mail_template_id.id})
                ],
            }
        )

    # ------------------------------------------------------------------ helpers

    def _in(self, company):
        """The customers' values as company ``company`` reads them (read as superuser)."""
        return self.env["res.partner"].sudo().with_company(company)

    def _settings(self, partner, company):
        values = self._in(company).browse(partner.id).read(SETTINGS)[0]
        return {name: values[name] for name in SETTINGS}

    def _draft(self, partner, company=None, user=None, move_type="out_invoice", **values):
        Move = self.env["account.move"].with_user(user or self.env.user).with_company(company or self.company)
        return Move.create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": self.today,
                "date": self.today,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
                ],
                **values,
            }
        )

    def _overdue_in(self, company, partner, amount):
        invoice = self._draft(partner, company, invoice_date=self.due, date=self.due, invoice_date_due=self.due)
        invoice.invoice_line_ids.price_unit = amount
        invoice.action_post()
        return invoice

    def _rpc(self, user, model, method, *args, **kwargs):
        """``call_kw`` as the web client sends it for ``user`` working in company A: ``(result, error name)``."""
        self.authenticate(user.login, user.login)
        kwargs.setdefault("context", {"allowed_company_ids": [self.company.id], "lang": "en_US"})
        self.env.flush_all()
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
        )
        self.env.invalidate_all()
        self.assertEqual(response.status_code, 200, f"{model}.{method}")
        body = response.json()
        if "error" in body:
            return None, body["error"]["data"]["name"]
        return body.get("result"), None

    # ------------------------------------------------------------------ H2: nothing of B changes from A

    def test_a_manager_of_a_changes_nothing_of_company_b_over_rpc(self):
        self._overdue_in(self.company_b, self.customer_b, 700.0)
        user_b = self._persona("Internal user", company=self.company_b)
        user_b.partner_id.sudo().company_id = self.company_b  # a contact A may read: it is an employee's
        row_b = (
            self.env["fb.collection.queue"]
            .with_context(allowed_company_ids=[self.company_b.id])
            .search([("partner_id", "=", self.customer_b.id)])
        )
        self.assertEqual(len(row_b), 1)
        stage_before = self._settings(self.customer_b, self.company_b)["fb_collection_stage_id"]
        for partner in (self.customer_b, user_b.partner_id):
            with self.subTest(partner=partner.name):
                result, error = self._rpc(
                    self.manager, "res.partner", "write", [partner.id], {"fb_no_dunning": True, "fb_credit_hold": True}
                )
                self.assertEqual((result, error), (None, "odoo.exceptions.AccessError"))
        _result, error = self._rpc(self.manager, "res.partner", "action_fb_release_credit_hold", [self.customer_b.id])
        self.assertIn(error, REFUSED)
        _result, error = self._rpc(
            self.manager, "fb.collection.queue", "write", [row_b.id], {"stage_id": self.legal.id}
        )
        self.assertIn(error, REFUSED)
        _result, error = self._rpc(
            self.manager,
            "fb.collection.queue",
            "web_save",
            [row_b.id],
            {"collector_id": self.manager.id},
            specification={},
        )
        self.assertIn(error, REFUSED)
        [wizard], error = self._rpc(
            self.manager,
            "fb.credit.hold.wizard",
            "web_save",
            [],
            {"reason": "From A"},
            specification={},
            context={"allowed_company_ids": [self.company.id], "fb_partner_id": self.customer_b.id},
        )
        _result, error = self._rpc(self.manager, "fb.credit.hold.wizard", "action_confirm", [wizard["id"]])
        self.assertEqual(error, "odoo.exceptions.AccessError")
        [wizard], error = self._rpc(
            self.manager,
            "fb.assign.collector.wizard",
            "web_save",
            [],
            {"collector_id": self.manager.id},
            specification={},
            context={
                "allowed_company_ids": [self.company.id],
                "active_model": "fb.collection.queue",
                "active_ids": row_b.ids,
            },
        )
        self._rpc(self.manager, "fb.assign.collector.wizard", "action_assign", [wizard["id"]])
        nothing = {
            "fb_no_dunning": False,
            "fb_credit_hold": False,
            "fb_credit_hold_reason": False,
            "fb_collector_id": False,
            "fb_collection_stage_id": stage_before,
        }
        for company in (self.company, self.company_b):
            self.assertEqual(self._settings(self.customer_b, company), nothing, company.name)
            self.assertFalse(self._in(company).browse(user_b.partner_id.id).fb_credit_hold)

        # the shared customer is A's too: A's manager sets A's values, B's stay as they were
        result, error = self._rpc(
            self.manager, "res.partner", "write", [self.shared.id], {"fb_no_dunning": True, "fb_credit_hold": True}
        )
        self.assertEqual((result, error), (True, None))
        in_a, in_b = self._settings(self.shared, self.company), self._settings(self.shared, self.company_b)
        self.assertEqual((in_a["fb_no_dunning"], in_a["fb_credit_hold"]), (True, True))
        self.assertEqual((in_b["fb_no_dunning"], in_b["fb_credit_hold"]), (False, False))

    # ------------------------------------------------------------------ M9: values per company

    def test_a_hold_and_no_dunning_in_a_leave_company_b_alone(self):
        companies = self.company | self.company_b
        self.shared.with_user(self.manager).write(
            {"fb_credit_hold": True, "fb_credit_hold_reason": "Unpaid in A", "fb_no_dunning": True}
        )
        self.assertEqual(self._settings(self.shared, self.company)["fb_credit_hold_reason"], "Unpaid in A")
        self.assertEqual(
            self._settings(self.shared, self.company_b),
            {
                "fb_no_dunning": False,
                "fb_credit_hold": False,
                "fb_credit_hold_reason": False,
                "fb_collector_id": False,
                "fb_collection_stage_id": False,
            },
        )
        # B's invoicing user invoices the shared customer; A's cannot
        invoice_b = self._draft(self.shared, self.company_b, self.clerk_b)
        invoice_b.with_user(self.clerk_b).action_post()
        self.assertEqual(invoice_b.state, "posted")
        invoice_a = self._draft(self.shared, self.company, self.clerk)
        with self.assertRaisesRegex(UserError, "credit hold"):
            invoice_a.with_user(self.clerk).action_post()
        self.assertEqual(invoice_a.state, "draft")

        # each company's salespeople see that company's hold on their opportunities
        holds = [
            self.env["crm.lead"]
            .with_user(seller)
            .create({"name": "Renewal", "partner_id": self.shared.id})
            .fb_credit_hold
            for seller in (self._persona("Salesperson", company=company) for company in companies)
        ]
        self.assertEqual(holds, [True, False])

        # A's "no dunning" leaves B's run going: each run reads its company's value, whichever company it runs from
        self._overdue_in(self.company, self.shared, 300.0)
        self._overdue_in(self.company_b, self.shared, 400.0)
        both = self.env["fb.dunning.run"].with_context(allowed_company_ids=[self.company.id, self.company_b.id])
        run_a = both.create({"company_id": self.company.id, "date": self.today})
        run_b = both.create({"company_id": self.company_b.id, "date": self.today})
        (run_a | run_b).action_compute()
        self.assertNotIn(self.shared, run_a.reminder_ids.partner_id)
        self.assertEqual(run_b.reminder_ids.filtered(lambda r: r.partner_id == self.shared).amount_overdue, 400.0)

    def test_the_collector_of_a_shared_customer_is_per_company(self):
        anna = new_test_user(
            self.env,
            login="fb_anna_ab",
            groups="founder_backoffice.group_collections_user",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.company_b).ids)],
        )
        bruno = self._persona("Collections user", company=self.company_b)
        self.shared.write({"fb_collector_id": anna.id})
        self.shared.with_company(self.company_b).write({"fb_collector_id": bruno.id})
        self.assertEqual(self._in(self.company).browse(self.shared.id).fb_collector_id, anna)
        self.assertEqual(self._in(self.company_b).browse(self.shared.id).fb_collector_id, bruno)
        self._overdue_in(self.company, self.shared, 300.0)
        self._overdue_in(self.company_b, self.shared, 400.0)
        promises = self.env["fb.promise"]
        for company in (self.company, self.company_b):
            promises |= promises.with_company(company).create(
                {
                    "partner_id": self.shared.id,
                    "company_id": company.id,
                    "amount": 50.0,
                    "promised_date": self.today + timedelta(days=5),
                }
            )
        promise_a, promise_b = promises
        both = {"allowed_company_ids": [self.company.id, self.company_b.id]}
        self.env.flush_all()
        for user, promise, company in ((anna, promise_a, self.company), (bruno, promise_b, self.company_b)):
            context = both if user == anna else {"allowed_company_ids": [self.company_b.id]}
            seen = self.env["fb.promise"].with_user(user).with_context(**context).search([("id", "in", promises.ids)])
            self.assertEqual(seen, promise, user.login)
            rows = (
                self.env["fb.collection.queue"]
                .with_user(user)
                .with_context(**context)
                .search([("partner_id", "=", self.shared.id)])
            )
            self.assertEqual(rows.mapped(lambda row: (row.company_id, row.collector_id)), [(company, user)])
        # the collector moves the stage of their own company's row only
        rows = self.env["fb.collection.queue"].with_context(**both).search([("partner_id", "=", self.shared.id)])
        row_a = rows.filtered(lambda row: row.company_id == self.company)
        row_a.with_user(anna).with_context(**both).write({"stage_id": self.legal.id})
        self.assertEqual(self._in(self.company).browse(self.shared.id).fb_collection_stage_id, self.legal)
        self.assertEqual(self._in(self.company_b).browse(self.shared.id).fb_collection_stage_id.kind, "promised")

    # ------------------------------------------------------------------ M6: the hold on every posting path

    def test_the_credit_hold_holds_on_auto_post_and_receipts(self):
        scheduled = self._draft(self.shared, user=self.clerk)
        scheduled.with_user(self.clerk).write({"auto_post": "at_date"})
        self.shared.with_user(self.manager).write({"fb_credit_hold": True, "fb_credit_hold_reason": "Unpaid"})
        self.env.flush_all()
        self.env.ref("account.ir_cron_auto_post_draft_entry").sudo().method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(scheduled.state, "draft", "Odoo's auto-post job posts as superuser: it is held too")
        self.assertIn("credit hold", scheduled.message_ids[:1].body)

        late = self._draft(self.shared, user=self.clerk)
        with self.assertRaisesRegex(UserError, "credit hold"):
            late.with_user(self.clerk).write({"auto_post": "at_date"})
        self.assertEqual(late.auto_post, "no")

        receipt = self._draft(self.shared, user=self.clerk, move_type="out_receipt")
        with self.assertRaisesRegex(UserError, "credit hold"):
            receipt.with_user(self.clerk).action_post()
        self.assertEqual(receipt.state, "draft")
        receipt.with_user(self.manager).action_post()
        scheduled.with_user(self.manager).action_post()
        self.assertEqual((receipt.state, scheduled.state), ("posted", "posted"))
        # the hold of A does not hold B's receipts of the same customer
        receipt_b = self._draft(self.shared, self.company_b, self.clerk_b, move_type="out_receipt")
        receipt_b.with_user(self.clerk_b).action_post()
        self.assertEqual(receipt_b.state, "posted")

    # ------------------------------------------------------------------ L4: queue ids in bigint

    def test_queue_rows_of_customers_with_large_ids(self):
        """Row ids were ``partner_id * 1000 + company_id`` in int4: a customer id above 2,147,483 broke the queue."""
        cr = self.env.cr
        cr.execute("SELECT last_value FROM res_partner_id_seq")
        [(last_value,)] = cr.fetchall()
        self.addCleanup(cr.execute, SQL("SELECT setval('res_partner_id_seq', %s)", last_value))
        cr.execute(SQL("SELECT setval('res_partner_id_seq', %s)", 2_200_000))
        big = self._customer("Numero Grande S.r.l.")
        self.assertGreater(big.id * COMPANY_SLOTS, 2**31)
        self._overdue_in(self.company, big, 250.0)
        self.env.flush_all()
        row = self.env["fb.collection.queue"].search([("partner_id", "=", big.id)])
        self.assertEqual(row.id, big.id * COMPANY_SLOTS + self.company.id)
        self.assertEqual((row.partner_id, row.amount_overdue, row.overdue_count), (big, 250.0, 1))
        wizard = (
            self.env["fb.assign.collector.wizard"]
            .with_context(active_model="fb.collection.queue", active_ids=row.ids)
            .create({"collector_id": self.manager.id})
        )
        self.assertEqual(wizard.queue_ids, row)
        wizard.action_assign()
        row.write({"stage_id": self.legal.id})
        self.assertEqual(self._settings(big, self.company)["fb_collector_id"][0], self.manager.id)
        self.assertEqual(self._settings(big, self.company)["fb_collection_stage_id"][0], self.legal.id)

    # ------------------------------------------------------------------ migration of the global values

    def test_migration_gives_the_old_values_to_the_companies_that_used_them(self):
        """19.0.1.1.0: each former plain value goes to the customer's company, else to the companies of its customer
        invoices and reminders, else to every company."""
        pre, post = load_migration("pre-migration"), load_migration("post-migration")
        cr = self.env.cr
        pre.migrate(cr, "19.0.1.0.0")  # the columns are company-dependent already: nothing to keep
        self.assertFalse(
            {column + post.SAVED_SUFFIX for column in pre.COLUMNS} & set(sql.table_columns(cr, "res_partner"))
        )
        collector = self.env.user
        invoiced_in_b = self._customer("Solo B S.r.l.")
        self._overdue_in(self.company_b, invoiced_in_b, 100.0)
        unused = self._customer("Mai Fatturato S.r.l.")
        kept_in_a = self._customer("Gia Impostato S.r.l.")
        kept_in_a.write({"fb_credit_hold_reason": "Set after the upgrade"})
        self.env.flush_all()
        types = {
            "fb_credit_hold": "boolean",
            "fb_credit_hold_reason": "varchar",
            "fb_credit_hold_date": "date",
            "fb_no_dunning": "boolean",
            "fb_collector_id": "int4",
            "fb_collection_stage_id": "int4",
        }
        for column, column_type in types.items():
            cr.execute(
                SQL(
                    "ALTER TABLE res_partner ADD COLUMN %s %s",
                    SQL.identifier(column + post.SAVED_SUFFIX),
                    SQL(column_type),
                )
            )
        old = {
            self.customer_b: {
                "fb_credit_hold": True,
                "fb_credit_hold_reason": "Old B",
                "fb_credit_hold_date": date(2025, 1, 31),
            },
            invoiced_in_b: {"fb_no_dunning": True, "fb_collector_id": collector.id, "fb_credit_hold": False},
            unused: {"fb_collection_stage_id": self.legal.id, "fb_credit_hold_reason": "Old reason"},
            kept_in_a: {"fb_credit_hold_reason": "Old reason"},
        }
        for partner, values in old.items():
            cr.execute(
                SQL(
                    "UPDATE res_partner SET %s WHERE id = %s",
                    SQL(", ").join(
                        SQL("%s = %s", SQL.identifier(name + post.SAVED_SUFFIX), value)
                        for name, value in values.items()
                    ),
                    partner.id,
                )
            )
        post.spread_to_companies(cr)
        self.env.invalidate_all()

        self.assertFalse({column + post.SAVED_SUFFIX for column in types} & set(sql.table_columns(cr, "res_partner")))
        in_a, in_b = self._in(self.company), self._in(self.company_b)
        customer_b_in_b = in_b.browse(self.customer_b.id)
        self.assertEqual(
            (
                customer_b_in_b.fb_credit_hold,
                customer_b_in_b.fb_credit_hold_reason,
                customer_b_in_b.fb_credit_hold_date,
            ),
            (True, "Old B", date(2025, 1, 31)),
        )
        self.assertFalse(in_a.browse(self.customer_b.id).fb_credit_hold, "B's own customer: B's value only")
        self.assertEqual(
            (in_b.browse(invoiced_in_b.id).fb_no_dunning, in_b.browse(invoiced_in_b.id).fb_collector_id),
            (True, collector),
        )
        self.assertEqual(
            (in_a.browse(invoiced_in_b.id).fb_no_dunning, in_a.browse(invoiced_in_b.id).fb_collector_id),
            (False, self.env["res.users"]),
            "a shared customer invoiced in B only",
        )
        for company in self.env["res.company"].search([]):
            unused_there = self._in(company).browse(unused.id)
            self.assertEqual(
                (unused_there.fb_collection_stage_id, unused_there.fb_credit_hold_reason), (self.legal, "Old reason")
            )
        self.assertEqual(in_a.browse(kept_in_a.id).fb_credit_hold_reason, "Set after the upgrade")
        self.assertEqual(in_b.browse(kept_in_a.id).fb_credit_hold_reason, "Old reason")
