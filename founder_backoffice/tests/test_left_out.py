"""Every customer with overdue items that a dunning run leaves out says why, and a customer waiting for our answer
comes first in the collections queue.

On 2026-04-20 every customer of company A owes an invoice (or an entry) due on 2026-03-01, 50 days late, and each
is held back by one reason: marked no dunning, no policy with levels, replied to a reminder on 2026-04-18, a
dispute, a promise to pay on 2026-04-30, a running payment plan, a blocked payment, an entry that is no invoice,
an item flagged "no follow-up", and a dispute and a promise at once. Rossi is reminded in A though it waits for an
answer in company B; Altra has a policy of its own; Beta is a customer of company B only.
"""

from datetime import date

from lxml import etree

from odoo.fields import Command
from odoo.tests import freeze_time, tagged
from odoo.tools.misc import format_date
from odoo.tools.safe_eval import safe_eval

from .common import FounderBackofficeCommon

DUE = date(2026, 3, 1)
RUN_DATE = date(2026, 4, 20)
REPLIED = date(2026, 4, 18)


@tagged("post_install", "-at_install")
class TestLeftOut(FounderBackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._persona("Collections manager")
        cls.collector = cls._persona("Collections user")
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        with freeze_time(RUN_DATE):
            cls._ledger()

    @classmethod
    def _ledger(cls):
        mine = {"fb_collector_id": cls.collector.id}
        cls.customer.fb_collector_id = cls.collector
        cls.rossi_invoice = cls._invoice(cls.customer, 1000.0, DUE)
        cls.customer.with_company(cls.company_b).sudo().fb_replied_date = date(2026, 4, 1)
        cls.other_policy = cls.env["fb.dunning.policy"].create(
            {
                "name": "Other",
                "company_id": cls.company.id,
                "level_ids": [
                    Command.create(
                        {
                            "name": "Only",
                            "days": 1,
                            "mail_template_id": cls.env.ref("founder_backoffice.mail_template_fb_dunning_friendly").id,
                        }
                    )
                ],
            }
        )
        cls.altra = cls._customer("Altra S.r.l.", fb_dunning_policy_id=cls.other_policy.id)
        cls.altra_invoice = cls._invoice(cls.altra, 105.0, DUE)
        cls.no_dunning = cls._customer("Nodun S.r.l.", fb_no_dunning=True)
        cls._invoice(cls.no_dunning, 110.0, DUE)
        empty_policy = cls.env["fb.dunning.policy"].create({"name": "No levels", "company_id": cls.company.id})
        cls.no_policy = cls._customer("Senzapolitica S.r.l.", fb_dunning_policy_id=empty_policy.id)
        cls._invoice(cls.no_policy, 120.0, DUE)
        cls.waiting = cls._customer("Attesa S.r.l.", **mine)
        cls._invoice(cls.waiting, 130.0, DUE)
        cls.waiting.with_company(cls.company).sudo().fb_replied_date = REPLIED
        cls.disputed = cls._customer("Contesa S.r.l.", **mine)
        cls._dispute(cls._invoice(cls.disputed, 140.0, DUE))
        cls.promised = cls._customer("Promessa S.r.l.")
        cls._promise(cls._invoice(cls.promised, 150.0, DUE))
        cls.in_plan = cls._customer("Piano S.r.l.")
        plan_invoice = cls._invoice(cls.in_plan, 160.0, DUE)
        cls.env["fb.payment.plan"].create(
            {
                "partner_id": cls.in_plan.id,
                "move_ids": [Command.set(plan_invoice.ids)],
                "instalment_count": 2,
                "frequency": "monthly",
                "first_date": date(2026, 5, 1),
                "company_id": cls.company.id,
            }
        ).action_start()
        cls.blocked = cls._customer("Bloccata S.r.l.")
        cls._invoice(cls.blocked, 170.0, DUE).action_toggle_block_payment()
        cls.not_invoice = cls._customer("Scrittura S.r.l.")
        cls._opening_balance(cls.not_invoice, 180.0)
        cls.no_followup = cls._customer("Nofollow S.r.l.")
        receivable = cls._invoice(cls.no_followup, 190.0, DUE).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        receivable.no_followup = True
        cls.mixed = cls._customer("Mista S.r.l.")
        cls._promise(cls._invoice(cls.mixed, 210.0, DUE))
        cls._dispute(cls._invoice(cls.mixed, 200.0, DUE))
        cls.beta = cls._customer("Beta S.p.A.", company_id=cls.company_b.id)
        cls.env["account.move"].with_company(cls.company_b).create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.beta.id,
                "invoice_date": DUE,
                "invoice_date_due": DUE,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 990.0, "tax_ids": []})
                ],
            }
        ).action_post()

    @classmethod
    def _dispute(cls, invoice):
        cls.env["fb.dispute"].create({"move_id": invoice.id, "reason": "quality"})

    @classmethod
    def _promise(cls, invoice):
        cls.env["fb.promise"].create(
            {
                "partner_id": invoice.partner_id.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": invoice.amount_total,
                "promised_date": date(2026, 4, 30),
                "company_id": cls.company.id,
            }
        )

    @classmethod
    def _opening_balance(cls, partner, amount):
        """What the customer owed when the books were opened: a journal entry, no invoice."""
        cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": DUE,
                "journal_id": cls.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Opening balance",
                            "account_id": cls.company_data["default_account_receivable"].id,
                            "partner_id": partner.id,
                            "debit": amount,
                            "date_maturity": DUE,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Opening balance",
                            "account_id": cls.company_data["default_account_revenue"].id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        ).action_post()

    def _preview(self, **values):
        run = (
            self.env["fb.dunning.run"]
            .with_user(self.manager)
            .create({"company_id": self.company.id, "date": RUN_DATE, **values})
        )
        run.action_compute()
        return run

    @freeze_time(RUN_DATE)
    def test_every_customer_left_out_says_why(self):
        run = self._preview()
        self.assertEqual(run.reminder_ids.partner_id, self.customer | self.altra, "Rossi waits for an answer in B only")
        self.assertEqual(run.line_ids.move_id, self.rossi_invoice | self.altra_invoice, "held items are on no reminder")
        self.assertEqual(
            {skip.partner_id: (skip.reason, skip.amount_overdue, skip.date) for skip in run.skip_ids},
            {
                self.no_dunning: ("no_dunning", 110.0, False),
                self.no_policy: ("no_policy", 120.0, False),
                self.waiting: ("waiting", 130.0, REPLIED),
                self.disputed: ("disputed", 140.0, False),
                self.promised: ("promised", 150.0, False),
                self.in_plan: ("payment_plan", 160.0, False),
                self.blocked: ("payment_blocked", 170.0, False),
                self.not_invoice: ("not_invoice", 180.0, False),
                self.no_followup: ("no_followup", 190.0, False),
                self.mixed: ("disputed", 410.0, False),
            },
        )
        why = {skip.partner_id: skip.reason_text for skip in run.skip_ids}
        self.assertEqual(why[self.waiting], f"Replied on {format_date(run.env, REPLIED)}, not answered")
        self.assertEqual(
            [why[partner] for partner in (self.no_policy, self.in_plan, self.not_invoice)],
            ["No dunning policy", "In a payment plan", "Not invoices (payments, credit notes, entries)"],
        )
        self.assertNotIn(self.beta, run.skip_ids.partner_id | run.reminder_ids.partner_id, "a customer of company B")

        restricted = self._preview(policy_id=self.policy.id)
        self.assertEqual(restricted.reminder_ids.partner_id, self.customer)
        self.assertEqual(
            restricted.skip_ids.partner_id,
            run.skip_ids.partner_id,
            "a customer of another policy is not this run's; one without a policy says so",
        )

    @freeze_time(RUN_DATE)
    def test_queue_shows_who_waits_for_us_first(self):
        queue = self.env["fb.collection.queue"].with_user(self.collector)
        rows = queue.search([])
        self.assertEqual(
            [(row.partner_id, row.waiting, row.replied_date) for row in rows],
            [
                (self.waiting, True, REPLIED),
                (self.customer, False, False),  # waiting in company B only
                (self.disputed, False, False),
            ],
            "the one waiting for our answer first, though it owes the least",
        )
        self.assertGreater(rows[1].priority, rows[0].priority)
        self.assertEqual(
            (rows[0].waiting_summary, rows[1].waiting_summary),
            (f"Replied on {format_date(queue.env, REPLIED)}, not answered", False),
        )
        search_view = self.env.ref("founder_backoffice.fb_collection_queue_view_search")
        [waiting_filter] = etree.fromstring(search_view.arch).xpath("//filter[@name='filter_waiting']")
        self.assertEqual(queue.search(safe_eval(waiting_filter.get("domain"))).partner_id, self.waiting)
