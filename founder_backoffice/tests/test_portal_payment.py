from datetime import timedelta
from urllib.parse import urlencode

from lxml import html

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FounderBackofficeCommon


class DemoPayment:
    """Paying a reminder's page (``cls.reminder``) with Odoo's demo provider as its payment form does, for an
    ``HttpCase`` of ``FounderBackofficeCommon``."""

    @classmethod
    def _enable_demo_provider(cls):
        """Odoo's demo provider, published in test mode for the company, with its payment method."""
        cls.demo_method = cls.env.ref("payment_demo.payment_method_demo")
        cls.demo_method.active = True
        Provider = cls.env["payment.provider"]
        cls.provider = Provider.search(
            [("code", "=", "demo"), ("company_id", "=", cls.company.id)], limit=1
        ) or cls.env.ref("payment.payment_provider_demo").copy({"company_id": cls.company.id})
        cls.provider.write(
            {"state": "test", "is_published": True, "payment_method_ids": [Command.link(cls.demo_method.id)]}
        )

    def _payment_form(self, response):
        """The data of Odoo's payment form on the page, and the demo provider's option in it."""
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.text)
        [form] = page.xpath("//form[@id='o_payment_form']")
        [option] = form.xpath(".//input[@name='o_payment_radio'][@data-provider-code='demo']")
        return {
            **form.attrib,
            "provider_id": option.get("data-provider-id"),
            "method_id": option.get("data-payment-option-id"),
        }

    def _transaction(self, route, **params):
        """The JSON-RPC answer of a transaction route: its result, or its error's message."""
        answer = self.url_open(route, json={"jsonrpc": "2.0", "method": "call", "id": 0, "params": params}).json()
        return answer.get("result") or {"error": answer["error"]["data"]["message"]}

    def _start_payment(self, form, **overrides):
        """What the payment form's script sends to the page's transaction route when the customer clicks Pay."""
        params = {
            "provider_id": int(form["provider_id"]),
            "payment_method_id": int(form["method_id"]),
            "token_id": None,
            "amount": float(form["data-amount"]),
            "flow": "direct",
            "tokenization_requested": False,
            "landing_route": form["data-landing-route"],
            "is_validation": False,
            "access_token": form["data-access-token"],
            **overrides,
        }
        return self._transaction(form["data-transaction-route"], **params)

    def _pay_online(self, form):
        """Pay with the demo provider as its inline form does, then let the status page finish the payment."""
        processing = self._start_payment(form)
        self.assertNotIn("error", processing)
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": processing["reference"], "payment_details": "4242", "simulated_state": "done"},
        )
        status = self.make_jsonrpc_request("/payment/status/poll")
        self.assertEqual(status["state"], "done")
        self.assertEqual(
            status["landing_route"], f"/my/collections/{self.reminder.id}?access_token={self.reminder.access_token}"
        )
        self.env.invalidate_all()
        return self.env["payment.transaction"].search([("reference", "=", processing["reference"])])

    def _assert_paid(self, invoices, transaction):
        for invoice in invoices:
            self.assertEqual(invoice.amount_residual, 0.0, invoice.name)
            self.assertIn(invoice.payment_state, ("paid", "in_payment"), invoice.name)
        self.assertEqual(transaction.invoice_ids, invoices)
        self.assertEqual(transaction.payment_id.reconciled_invoice_ids, invoices)


@tagged("post_install", "-at_install")
class TestPortalPayment(DemoPayment, FounderBackofficeCommon, HttpCase):
    """The customer pays from a reminder's page through Odoo's demo provider, as the public visitor with the
    reminder's link: all that is overdue, chosen invoices, part of one, the next instalment of a plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = today = fields.Date.context_today(cls.env.user)
        cls._enable_demo_provider()
        cls.other_customer = cls._customer("Bianchi S.r.l.")
        cls.inv_a = cls._invoice(cls.customer, 300.0, today - timedelta(days=10))
        cls.inv_b = cls._invoice(cls.customer, 200.0, today - timedelta(days=5))
        cls.inv_c = cls._invoice(cls.customer, 150.0, today + timedelta(days=10))
        cls.plan_invoice = cls._invoice(cls.customer, 600.0, today + timedelta(days=20))
        cls.other_invoice = cls._invoice(cls.other_customer, 100.0, today - timedelta(days=10))
        cls.plan = cls.env["fb.payment.plan"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "move_ids": [Command.set(cls.plan_invoice.ids)],
                "instalment_count": 3,
                "frequency": "monthly",
                "first_date": today,
            }
        )
        cls.plan.action_start()
        run = cls.env["fb.dunning.run"].create({"company_id": cls.company.id, "date": today})
        run.action_compute()
        run.action_send()
        cls.reminder = run.reminder_ids.filtered(lambda reminder: reminder.partner_id == cls.customer)
        cls.other_reminder = run.reminder_ids.filtered(lambda reminder: reminder.partner_id == cls.other_customer)
        company_2 = cls.setup_other_company(name="Altra Società S.r.l.")["company"]
        cls.invoice_company_2 = cls._invoice(cls.customer, 70.0, today - timedelta(days=10), company=company_2)

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # the public visitor who follows the reminder's link

    # ------------------------------------------------------------------ what the customer does

    def _page(self, reminder=None, token=None, **query):
        reminder = reminder or self.reminder
        query = {"access_token": token or reminder.access_token, **query}
        return self.url_open(f"/my/collections/{reminder.id}?{urlencode(query, doseq=True)}")

    def _instalments_offered(self):
        page = html.fromstring(self._page().text)
        return [int(plan_line) for plan_line in page.xpath("//a[hasclass('fb_pay_instalment')]/@data-plan-line")]

    # ------------------------------------------------------------------ paying

    def test_pay_all_overdue_then_the_next_run_leaves_them_out(self):
        response = self._page()
        self.assertIn("Pay all overdue", response.text)
        form = self._payment_form(response)
        self.assertEqual(float(form["data-amount"]), 500.0)
        page = html.fromstring(response.text)
        self.assertIn("500.00", page.get_element_by_id("o_payment_summary_fb_amount").text_content())
        self.assertIn("pay=overdue", form["data-transaction-route"])
        self.assertTrue(self.inv_a | self.inv_b <= self.reminder.line_ids.move_id, "what the reminder was about")
        transaction = self._pay_online(form)
        self.assertEqual(transaction.amount, 500.0)
        self._assert_paid(self.inv_a | self.inv_b, transaction)
        self.assertEqual(self.inv_c.amount_residual, 150.0, "not overdue, not paid")
        self.assertTrue(
            self.customer.message_ids.filtered(lambda message: "The customer started paying" in (message.body or "")),
            "the collector sees the payment in the customer's chatter",
        )
        response = self._page()
        self.assertNotIn("Pay all overdue", response.text, "nothing overdue is left")
        # twenty days on, the preview reminds the invoice that is late by then, not the paid ones
        run = self._run(self.today + timedelta(days=20))
        self.assertIn(self.inv_c, run.line_ids.move_id)
        self.assertFalse(run.line_ids.move_id & (self.inv_a | self.inv_b))

    def test_pay_part_of_one_invoice(self):
        response = self._page(pay="selected", invoice_ids=self.inv_b.id, amount="50,5")
        form = self._payment_form(response)
        self.assertEqual(float(form["data-amount"]), 50.5)
        self.assertEqual(html.fromstring(response.text).get_element_by_id("fb_pay_amount").get("value"), "50,5")
        transaction = self._pay_online(form)
        self.assertEqual(transaction.amount, 50.5)
        self.assertEqual(self.inv_b.amount_residual, 149.5)
        self.assertEqual(self.inv_b.payment_state, "partial")
        self.assertEqual(transaction.payment_id.reconciled_invoice_ids, self.inv_b)
        self.assertEqual(self.inv_a.amount_residual, 300.0)

    def test_pay_chosen_invoices(self):
        # the selection form's checkboxes: one invoice_ids per chosen invoice (one not due yet, one sent twice)
        form = self._payment_form(self._page(pay="selected", invoice_ids=[self.inv_a.id, self.inv_c.id, self.inv_a.id]))
        self.assertEqual(float(form["data-amount"]), 450.0)
        transaction = self._pay_online(form)
        self._assert_paid(self.inv_a | self.inv_c, transaction)
        self.assertEqual(self.inv_b.amount_residual, 200.0)

    def test_pay_the_next_instalment_of_a_plan(self):
        first, second, _third = self.plan.line_ids.sorted("date_due")
        self.assertEqual(self._instalments_offered(), [first.id])
        form = self._payment_form(self._page(plan_line=first.id))
        self.assertEqual(float(form["data-amount"]), 200.0)
        transaction = self._pay_online(form)
        self.assertEqual(transaction.invoice_ids, self.plan_invoice)
        self.assertEqual(self.plan_invoice.amount_residual, 400.0)
        self.env["fb.payment.plan"]._cron_update_plans()
        self.assertEqual((first.state, second.state), ("paid", "open"))
        self.assertEqual(self._instalments_offered(), [second.id])

    def test_portal_users_pay_in_the_customers_name(self):
        """The customer's portal user pays from My Account without the token; someone else holding the link pays
        in the customer's name, never in their own."""
        contact = self.env["res.partner"].create({"name": "Mario Rossi", "parent_id": self.customer.id})
        portal = self._persona("Portal", partner_id=contact.id)
        self.authenticate(portal.login, portal.login)
        transaction = self._pay_online(self._payment_form(self.url_open(f"/my/collections/{self.reminder.id}")))
        self._assert_paid(self.inv_a | self.inv_b, transaction)
        self.assertEqual(transaction.partner_id, contact)
        self.assertEqual(transaction.payment_id.partner_id, self.customer)

        stranger_contact = self.env["res.partner"].create({"name": "Luca Bianchi", "parent_id": self.other_customer.id})
        stranger = new_test_user(
            self.env,
            login="fb_portal_bianchi",
            password="fb_portal_bianchi",
            groups="base.group_portal",
            partner_id=stranger_contact.id,
        )
        self.authenticate(stranger.login, stranger.login)
        response = self.url_open(f"/my/collections/{self.reminder.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 403, "without the link, not the page of another customer")
        transaction = self._pay_online(self._payment_form(self._page(pay="selected", invoice_ids=self.inv_c.id)))
        self._assert_paid(self.inv_c, transaction)
        self.assertEqual(transaction.partner_id, self.customer)

    # ------------------------------------------------------------------ refused

    def test_refused_without_a_transaction(self):
        transactions = self.env["payment.transaction"].search_count([])
        form = self._payment_form(self._page())
        route = f"/my/collections/{self.reminder.id}/transaction"

        # another customer's token opens nothing of this customer, and pays nothing
        response = self._page(token=self.other_reminder.access_token)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.inv_a.name, response.text)
        answer = self._start_payment(form, access_token=self.other_reminder.access_token)
        self.assertEqual(answer, {"error": "This link is not valid: open the latest reminder you received."})

        def refused(query, message, **overrides):
            selection = {**form, "data-transaction-route": f"{route}?{urlencode(query, doseq=True)}"}
            answer = self._start_payment(selection, **overrides)
            self.assertIn(message, answer.get("error", ""), query)

        strangers = "This page cannot act on the chosen invoices: choose among the open ones."
        refused({"pay": "selected", "invoice_ids": [self.inv_a.id, self.other_invoice.id]}, strangers)
        refused({"pay": "selected", "invoice_ids": self.invoice_company_2.id}, strangers)
        refused(
            {"pay": "selected", "invoice_ids": self.inv_b.id, "amount": "250"},
            f"The amount to pay cannot be more than what is owed on {self.inv_b.name}: ",
            amount=250.0,
        )
        refused(
            {"pay": "selected", "invoice_ids": [self.inv_a.id, self.inv_b.id], "amount": "10"},
            "To pay part of an invoice, select that invoice only.",
            amount=10.0,
        )
        refused({"pay": "overdue"}, "What is owed changed since the page was opened: reload the page.", amount=1.0)
        third = self.plan.line_ids.sorted("date_due")[-1]
        refused(
            {"plan_line": third.id},
            "This instalment cannot be paid here: it is not the next one of a running payment plan of yours.",
            amount=200.0,
        )
        self._pay(self.inv_c, 150.0, self.today)
        refused(
            {"pay": "selected", "invoice_ids": self.inv_c.id},
            f"Invoice {self.inv_c.name} is already paid: thank you.",
            amount=150.0,
        )
        self.assertEqual(self.env["payment.transaction"].search_count([]), transactions)

        # the page says the same, and offers no payment form for such a selection
        response = self._page(pay="selected", invoice_ids=self.other_invoice.id)
        page = html.fromstring(response.text)
        self.assertEqual(page.get_element_by_id("fb_pay_error").text_content().strip(), strangers)
        self.assertFalse(page.xpath("//form[@id='o_payment_form']"))
        self.assertNotIn(self.other_invoice.name, response.text)

        # without a payment provider, the page offers no payment at all
        self.provider.state = "disabled"
        self.assertFalse(html.fromstring(self._page().text).xpath("//section[@id='fb_pay']"))
