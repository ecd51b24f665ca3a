"""The collections page behind every reminder, as the customers use it: the public visitor with the reminder's
token, the customer's portal user, someone holding another customer's token or a replaced reminder's, and the
customer of another company; its actions over HTTP with the page's CSRF token; the browser tour in Italian and
Arabic."""

import re
from datetime import timedelta

from markupsafe import escape

from odoo import fields, http
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..engine import agreements, dunning, portal
from .common import FounderBackofficeCommon
from .test_personas import Refused, readme_persona_table
from .test_portal_payment import DemoPayment

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NOT_OPEN = "This page cannot act on the chosen invoices: choose among the open ones."
TOO_FAR = (
    "Choose a date from today to %(days)s days from now; for a longer delay, please contact us about a payment plan."
)


class CollectionsPages:
    """Reminders sent, their pages' addresses, a plan proposed and the portal users, for an ``HttpCase`` of
    ``FounderBackofficeCommon``."""

    @classmethod
    def _send_run(cls, user, company=None):
        run = cls.env["fb.dunning.run"].with_user(user).create({"company_id": (company or cls.company).id})
        run.action_compute()
        run.action_send()
        return {reminder.partner_id: reminder for reminder in run.reminder_ids}

    @classmethod
    def _propose_plan(cls, invoice, collector, first_date):
        """A plan of ``invoice`` in two instalments from ``first_date``, proposed to the customer by ``collector``."""
        plan = cls.env["fb.payment.plan"].create(
            {
                "partner_id": invoice.partner_id.id,
                "company_id": invoice.company_id.id,
                "move_ids": [Command.set(invoice.ids)],
                "instalment_count": 2,
                "first_date": first_date,
            }
        )
        plan.with_user(collector).action_propose()
        return plan

    @classmethod
    def _portal_user_of(cls, customer, name, login):
        """A portal user for a new contact ``name`` of ``customer``; its password is its login."""
        contact = cls.env["res.partner"].create({"name": name, "parent_id": customer.id})
        return new_test_user(cls.env, login=login, password=login, groups="base.group_portal", partner_id=contact.id)

    def _url(self, reminder, token=True, path=""):
        token = reminder.access_token if token is True else token
        query = f"?access_token={token}" if token else ""
        return f"/my/collections/{reminder.id}{path}{query}"

    def _assert_says(self, page, message, lang="it_IT", *names):
        """``page`` shows the add-on's ``message`` (its English source) as the customer's language ``lang`` has it,
        whatever fills its placeholders (``%s``, or the ``names`` of ``%(name)s``)."""

        def said(lang):
            env = self.env(context=dict(self.env.context, lang=lang))
            if names:
                return env._(message, **dict.fromkeys(names, "\0"))
            return env._(message, "\0") if "%s" in message else env._(message)

        text = said(lang)
        self.assertEqual(text != said("en_US"), lang != "en_US", f"{message!r} in {lang}")
        for part in text.split("\0"):
            if part.strip():
                self.assertIn(str(escape(part.strip())), page, message)


@tagged("post_install", "-at_install")
class TestCollectionsPortal(CollectionsPages, FounderBackofficeCommon, HttpCase):
    """An Italian, an Arabic and an English customer of company A reminded today (the Italian one also by company
    B), a customer reminded twice (its first reminder replaced), and a payment plan proposed to the Italian one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.today = fields.Date.context_today(cls.env.user)
        cls.customer_it = cls._customer("Trattoria Da Luigi S.r.l.", lang="it_IT")
        cls.customer_ar = cls._customer("شركة النخبة للتجارة", lang="ar_001")
        cls.other = cls._customer("Bianchi S.r.l.")
        cls.twice = cls._customer("Verdi S.p.A.")
        cls.inv_a = cls._invoice(cls.customer_it, 1000.0, today - timedelta(days=40))
        cls.inv_b = cls._invoice(cls.customer_it, 500.0, today - timedelta(days=10))
        cls.inv_c = cls._invoice(cls.customer_it, 300.0, today + timedelta(days=10), invoice_date=today)
        cls.inv_ar = cls._invoice(cls.customer_ar, 700.0, today - timedelta(days=20))
        cls.inv_other = cls._invoice(cls.other, 300.0, today - timedelta(days=40))
        cls._invoice(cls.twice, 200.0, today - timedelta(days=20))
        cls.manager = cls._persona("Collections manager")
        cls.collector = cls._persona("Collections user")
        cls.customer_it.fb_collector_id = cls.collector
        contact = cls.env["res.partner"].create({"name": "Luigi Bianco", "parent_id": cls.customer_it.id})
        cls.portal_it = cls._persona("Portal", partner_id=contact.id)
        cls.portal_other = cls._portal_user_of(cls.other, "Anna", "fb_portal_bianchi")
        reminders = cls._send_run(cls.manager)
        cls.rem_it, cls.rem_ar, cls.rem_other = (reminders[p] for p in (cls.customer_it, cls.customer_ar, cls.other))
        cls.rem_replaced = reminders[cls.twice]
        cls._invoice(cls.twice, 50.0, today - timedelta(days=2))
        cls.rem_twice = cls._send_run(cls.manager)[cls.twice]
        # company B reminds the same Italian customer of its own invoice
        company_b = cls.company_b = cls.setup_other_company(name="Seconda S.r.l.")["company"]
        in_b = cls.env(context=dict(cls.env.context, allowed_company_ids=[company_b.id, cls.company.id]))
        in_b["fb.dunning.policy"].create(
            {
                "name": "Policy B",
                "company_id": company_b.id,
                "is_default": True,
                "min_days_between": 0,
                "level_ids": [
                    Command.create({"name": "Only", "days": 1, "mail_template_id": cls.level_1.mail_template_id.id})
                ],
            }
        )
        cls.invoice_b = cls._invoice(cls.customer_it, 7777.77, today - timedelta(days=30), company=company_b)
        cls.rem_b = cls._send_run(cls._persona("Collections manager", company=company_b), company_b)[cls.customer_it]
        cls.plan = cls._propose_plan(cls.inv_c, cls.collector, today + timedelta(days=10))
        # the page's words in Italian and Arabic, as the translators will give them
        cls.env.ref("founder_backoffice.portal_collections_page").update_field_translations(
            "arch_db",
            {
                "it_IT": {"Open items": "Partite aperte", "Promise a payment date": "Prometti una data di pagamento"},
                "ar_001": {"Open items": "البنود المفتوحة", "Promise a payment date": "حدد موعدا للسداد"},
            },
        )

    # ------------------------------------------------------------------ helpers

    def _page(self, reminder, token=True):
        response = self.url_open(self._url(reminder, token))
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response

    def _post(self, reminder, action, data, token=True, files=None):
        """POST a form of the page with the session's CSRF token (read on a page); ``(response, page after)``."""
        csrf = CSRF.search(self._page(self.rem_it).text).group(1)
        response = self.url_open(
            self._url(reminder, token, f"/{action}"),
            data=[("csrf_token", csrf), *data],
            files=files,
            allow_redirects=False,
        )
        self.env.invalidate_all()
        if response.status_code != 303:
            return response, None
        self.assertIn(f"/my/collections/{reminder.id}", response.headers["Location"])
        return response, self.url_open(response.headers["Location"]).text

    def _promise(self, reminder, moves, days=7, amount="500"):
        data = [("invoice_ids", str(move.id)) for move in moves]
        data += [("promised_date", str(self.today + timedelta(days=days))), ("amount", amount)]
        return self._post(reminder, "promise", data)[1]

    def _preview(self):
        run = self.env["fb.dunning.run"].with_user(self.manager).create({"company_id": self.company.id})
        run.action_compute()
        return run

    # ------------------------------------------------------------------ who sees what

    def test_public_visitor_with_the_token_sees_the_open_items_in_the_customers_language(self):
        self.assertTrue(self.rem_it.access_token, "sending gave the reminder its page's token")
        self.assertIn(self.rem_it.collections_url, self.rem_it.sudo().mail_id.body_html, "the e-mail links to it")
        letter = (
            self.env["ir.actions.report"]
            ._render_qweb_html("founder_backoffice.action_report_fb_dunning_letter", self.rem_it.ids)[0]
            .decode()
        )
        self.assertIn(f'href="{self.rem_it.collections_url}"', letter, "the letter links to it")
        self.assertIn("/report/barcode/?barcode_type=QR&amp;value=http", letter, "with its QR code")
        page = self._page(self.rem_it).text
        self.env.invalidate_all()
        for move in (self.inv_a, self.inv_b, self.inv_c):
            self.assertIn(move.name, page)
            self.assertIn(f"access_token={move.access_token}", page, "each invoice's PDF with its own token")
        self.assertIn("report_type=pdf", page)
        self.assertIn("1.000,00", page, "Italian amounts")
        self.assertIn("1.500,00", page, "the overdue total")
        self.assertIn("1.800,00", page, "the open balance")
        self.assertIn("10,00", page, "the reminder's fee")
        self.assertIn("Partite aperte", page)
        self.assertIn('dir="ltr"', page)
        self.assertIn(f"/my/collections/{self.rem_it.id}/statement?access_token=", page)
        self.assertIn('id="fb_collections_pay"', page)
        self.assertIn('id="fb_pay_selection"', page)
        self.assertRegex(page, rf'name="invoice_ids"[^>]*value="{self.inv_a.id}"', "a box to pick the invoice")
        self.assertNotIn("7.777,77", page, "company B's invoice is not on company A's page")
        self.assertNotIn(self.inv_other.name, page)
        page = self._page(self.rem_ar).text
        self.assertIn('dir="rtl"', page)
        self.assertIn("البنود المفتوحة", page)
        self.assertIn(self.inv_ar.name, page)
        self.assertNotIn(self.inv_a.name, page)

    def test_portal_user_finds_its_page_without_token_and_not_another_customers(self):
        self.authenticate(self.portal_it.login, self.portal_it.login)
        page = self._page(self.rem_it, token=False).text
        self.assertIn(self.inv_a.name, page)
        listing = self.url_open("/my/collections").text
        self.assertIn(f'href="/my/collections/{self.rem_it.id}"', listing)
        self.assertIn(f'href="/my/collections/{self.rem_b.id}"', listing, "its page in company B too")
        self.assertNotIn(f"/my/collections/{self.rem_other.id}", listing)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["fb_collections_count"]})
        self.assertEqual(counters["fb_collections_count"], 2)
        # (a signed-in customer's pages are served under its language's prefix: /it/my/...)
        response = self.url_open(self._url(self.rem_other, token=False))
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.inv_other.name, response.text)

        self.authenticate(self.portal_other.login, self.portal_other.login)
        response = self.url_open(self._url(self.rem_it, token=False))
        self.assertEqual(response.status_code, 403)
        for secret in (self.inv_a.name, "Trattoria", "1.000,00"):
            self.assertNotIn(secret, response.text)

    @mute_logger("odoo.http")
    def test_wrong_tokens_replaced_reminders_and_other_companies_show_nothing(self):
        response = self.url_open(self._url(self.rem_it, token=False), allow_redirects=False)
        self.assertEqual(response.status_code, 303, "a visitor without a token is asked to sign in")
        self.assertIn("/web/login", response.headers["Location"])
        for reminder, token in (
            (self.rem_it, self.rem_other.access_token),  # another customer's token on this page
            (self.rem_it, "x" * 36),
            (self.rem_b, self.rem_it.access_token),  # company B's reminder with company A's token
        ):
            response = self.url_open(self._url(reminder, token), allow_redirects=False)
            self.assertEqual(response.status_code, 403)
            for secret in (self.inv_a.name, self.invoice_b.name, "Trattoria", "7.777,77", "1.000,00"):
                self.assertNotIn(secret, response.text)
        response = self.url_open(self._url(self.rem_replaced), allow_redirects=False)
        self.assertEqual(response.status_code, 410)
        self.assertIn("replaced by a newer reminder", response.text)
        self.assertNotIn("Verdi", response.text)
        self.assertEqual(self.url_open(self._url(self.rem_twice)).status_code, 200, "the newer one opens")
        page = self._page(self.rem_b).text
        self.assertIn("7.777,77", page)
        self.assertNotIn("1.000,00", page, "company B's page shows company B's items only")

    def test_statement_of_the_customer_in_the_reminders_company(self):
        response = self.url_open(self._url(self.rem_it, path="/statement"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Trattoria Da Luigi S.r.l.", response.text)
        self.assertIn("1.000,00", response.text)
        self.assertIn("1.800,00", response.text, "the closing balance")
        self.assertNotIn("7.777,77", response.text)
        response = self.url_open(self._url(self.rem_it, self.rem_other.access_token, "/statement"))
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Trattoria", response.text)

    # ------------------------------------------------------------------ actions

    def test_promise_holds_the_invoices_as_a_collectors_and_is_recorded_once(self):
        page = self._promise(self.rem_ar, self.inv_ar, amount="700")
        self._assert_says(page, "Thank you: your promise to pay by %s is recorded.", "ar_001")
        promise = self.env["fb.promise"].search([("partner_id", "=", self.customer_ar.id)])
        self.assertRecordValues(
            promise,
            [
                {
                    "state": "open",
                    "amount": 700.0,
                    "promised_date": self.today + timedelta(days=7),
                    "company_id": self.company.id,
                    "collector_id": self.rem_ar._responsible_user().id,
                }
            ],
        )
        self.assertEqual(promise.move_ids, self.inv_ar)
        self.assertEqual(promise.activity_ids.user_id, promise.collector_id)
        for record in (self.customer_ar, self.inv_ar):
            self.assertTrue(any("promised to pay" in message.body for message in record.message_ids), record)
        self.assertIn('class="badge text-bg-info ms-1"', page, "the invoice shows the promise")

        page = self._promise(self.rem_ar, self.inv_ar, amount="700")
        self._assert_says(page, "Your promise to pay by %s is already recorded: thank you.", "ar_001")
        self.assertEqual(self.env["fb.promise"].search_count([("partner_id", "=", self.customer_ar.id)]), 1)
        page = self._promise(self.rem_ar, self.inv_ar, days=9, amount="700")
        self._assert_says(
            page, "Invoice %(invoices)s already has a promise to pay by %(date)s.", "ar_001", "invoices", "date"
        )
        self.assertEqual(self.env["fb.promise"].search_count([("partner_id", "=", self.customer_ar.id)]), 1)

        run = self._preview()
        self.assertNotIn(self.inv_ar, run.line_ids.move_id)
        skip = run.skip_ids.filtered(lambda s: s.partner_id == self.customer_ar)
        self.assertEqual(skip.reason, dunning.HOLD_PROMISED)

    @mute_logger("odoo.http")
    def test_promise_bad_input_is_refused_on_the_page(self):
        self._pay(self.inv_c, 300.0, self.today)
        cases = (
            ([self.inv_a], agreements.PROMISE_MAX_DAYS + 1, "500", TOO_FAR),
            ([self.inv_a], -1, "500", TOO_FAR),
            ([self.inv_a], 7, "abc", "Enter the amount as a number, such as 150.00."),
            ([self.inv_a], 7, "0", "Enter the amount you promise to pay."),
            ([self.inv_other], 7, "100", NOT_OPEN),
            ([self.invoice_b], 7, "100", NOT_OPEN),
            ([self.inv_c], 7, "100", "Invoice %s is already paid: thank you."),
        )
        for moves, days, amount, message in cases:
            page = self._promise(self.rem_it, moves, days, amount)
            self._assert_says(page, message, "it_IT", *(("days",) if message == TOO_FAR else ()))
        self.assertIn("5.000,00", self._promise(self.rem_it, [self.inv_a], 7, "5000"), "more than is owed")
        self.assertFalse(self.env["fb.promise"].search([("partner_id", "in", (self.customer_it | self.other).ids)]))
        response, _page = self._post(self.rem_it, "promise", [("amount", "100")], token=self.rem_other.access_token)
        self.assertEqual(response.status_code, 403)
        response, _page = self._post(self.rem_replaced, "promise", [("amount", "100")])
        self.assertEqual(response.status_code, 410)
        response = self.url_open(  # a form posted from elsewhere: no CSRF token of the visitor's session
            self._url(self.rem_it, path="/promise"),
            data={"invoice_ids": str(self.inv_a.id), "promised_date": str(self.today), "amount": "100"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["fb.promise"].search([]).filtered(lambda p: p.partner_id == self.twice))

    def test_dispute_with_a_file_holds_the_invoice_and_is_recorded_once(self):
        data = [
            ("invoice_id", str(self.inv_other.id)),
            ("reason", "quality"),
            ("message", "The chairs arrived broken."),
        ]
        files = {"attachment": ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")}
        _response, page = self._post(self.rem_other, "dispute", data, files=files)
        self.assertIn("we received your dispute", page)
        dispute = self.env["fb.dispute"].search([("move_id", "=", self.inv_other.id)])
        self.assertRecordValues(dispute, [{"state": "open", "reason": "quality", "note": "The chairs arrived broken."}])
        attachment = self.env["ir.attachment"].search([("res_model", "=", "fb.dispute"), ("res_id", "=", dispute.id)])
        self.assertEqual(attachment.mimetype, "image/png")
        self.assertEqual(dispute.activity_ids.user_id, self.rem_other._responsible_user())
        for record in (self.other, self.inv_other):
            self.assertTrue(any("The chairs arrived broken." in m.body for m in record.message_ids), record)
        self.assertIn("Under dispute", page)

        _response, page = self._post(self.rem_other, "dispute", data)
        self.assertIn("already disputed", page)
        self.assertEqual(self.env["fb.dispute"].search_count([("move_id", "=", self.inv_other.id)]), 1)
        skip = self._preview().skip_ids.filtered(lambda s: s.partner_id == self.other)
        self.assertEqual(skip.reason, dunning.HOLD_DISPUTED)

    def test_dispute_bad_input_is_refused_on_the_page(self):
        base = [("invoice_id", str(self.inv_a.id)), ("reason", "quality"), ("message", "Wrong")]
        cases = (
            (
                [("invoice_id", str(self.inv_a.id)), ("reason", "bribe"), ("message", "x")],
                None,
                "Choose the reason of your dispute.",
            ),
            (
                [("invoice_id", str(self.inv_a.id)), ("reason", "quality"), ("message", " ")],
                None,
                "Tell us what is wrong with the invoice.",
            ),
            (
                [("invoice_id", str(self.inv_a.id)), ("reason", "other"), ("message", "x" * 5000)],
                None,
                "Your message is too long: at most %s characters.",
            ),
            ([("invoice_id", str(self.invoice_b.id)), *base[1:]], None, NOT_OPEN),
            ([("invoice_id", "abc"), *base[1:]], None, "This page cannot act on the chosen invoices."),
            (
                base,
                {"attachment": ("invoice.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
                "Attach a PDF file or a picture (PNG, JPEG or TIFF).",
            ),
        )
        for data, files, message in cases:
            _response, page = self._post(self.rem_it, "dispute", data, files=files)
            self._assert_says(page, message)
        self.assertFalse(self.env["fb.dispute"].search([("move_id", "in", (self.inv_a | self.invoice_b).ids)]))

    def test_actions_are_rate_limited_per_reminder(self):
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """UPDATE fb_dunning_reminder SET portal_action_count = %s,
                          portal_window_start = date_trunc('hour', now() at time zone 'UTC') WHERE id = %s""",
                portal.ACTIONS_PER_HOUR,
                self.rem_ar.id,
            )
        )
        page = self._promise(self.rem_ar, self.inv_ar, amount="700")
        self._assert_says(page, "Too many requests on this page: please try again in an hour.", "ar_001")
        self.assertFalse(self.env["fb.promise"].search([("partner_id", "=", self.customer_ar.id)]))
        page = self._promise(self.rem_it, self.inv_a, amount="100")
        self._assert_says(page, "Thank you: your promise to pay by %s is recorded.")  # other pages are free

    def test_customer_accepts_the_proposed_plan(self):
        self.assertEqual(self.plan.state, "proposed")
        self.assertEqual(len(self.plan.line_ids), 2)
        page = self._page(self.rem_it).text
        self.assertIn(f'data-plan-id="{self.plan.id}"', page, "the plan proposed to the customer")
        self.assertIn("150,00", page, "its instalments")
        path = f"plan/{self.plan.id}/accept"
        _response, page = self._post(self.rem_it, path, [])
        self._assert_says(page, "Thank you: your payment plan is agreed. Its instalments are below.")
        self.assertEqual((self.plan.state, self.plan.date), ("active", self.today))
        accepted = self.plan.message_ids.filtered(lambda m: "accepted by the customer on" in (m.body or ""))
        self.assertEqual(len(accepted), 1)
        _response, page = self._post(self.rem_it, path, [])
        self._assert_says(page, "You have already accepted this payment plan: thank you.")
        self.assertEqual(len(self.plan.message_ids.filtered(lambda m: "accepted by the customer" in m.body)), 1)
        _response, page = self._post(self.rem_other, path, [])
        self._assert_says(page, "This payment plan is not open to acceptance on this page.", "en_US")

    # ------------------------------------------------------------------ the browser

    def test_tour_italian_and_arabic_pages(self):
        for reminder, customer in ((self.rem_it, self.customer_it), (self.rem_ar, self.customer_ar)):
            self.start_tour(self._url(reminder), "founder_backoffice_collections_portal_tour")
            promise = self.env["fb.promise"].search([("partner_id", "=", customer.id)])
            self.assertEqual(promise.promised_date, self.today + timedelta(days=7), customer.name)
            self.assertEqual(promise.move_ids, reminder._fb_overdue_invoices())


@tagged("post_install", "-at_install")
class TestCustomerPersonas(CollectionsPages, DemoPayment, FounderBackofficeCommon, HttpCase):
    """The README's table of what each customer can do, cell by cell over HTTP. A customer reminded twice (its first
    reminder replaced by the second) owes two overdue invoices and one not yet due, under a payment plan proposed to
    it; another customer is reminded too. Each has a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.today = fields.Date.context_today(cls.env.user)
        cls._enable_demo_provider()
        manager = cls._persona("Collections manager")
        cls.other = cls._customer("Bianchi S.r.l.")
        cls.inv_a = cls._invoice(cls.customer, 300.0, today - timedelta(days=10))
        cls.replaced = cls._send_run(manager)[cls.customer]
        cls.inv_b = cls._invoice(cls.customer, 200.0, today - timedelta(days=5))
        cls.inv_c = cls._invoice(cls.customer, 150.0, today + timedelta(days=10), invoice_date=today)
        cls.inv_other = cls._invoice(cls.other, 100.0, today - timedelta(days=10))
        reminders = cls._send_run(manager)
        cls.reminder, cls.other_reminder = reminders[cls.customer], reminders[cls.other]
        cls.plan = cls._propose_plan(cls.inv_c, manager, today + timedelta(days=10))
        cls.portal = cls._portal_user_of(cls.customer, "Mario Rossi", "fb_portal_rossi")
        cls.portal_other = cls._portal_user_of(cls.other, "Anna", "fb_portal_bianchi")

    def _personas(self):
        """``{persona: (the user signed in or None, [(reminder, token) of the page it tries])}``, in the README's
        order; another customer's portal user tries without a token, and with its own reminder's."""
        return {
            "Visitor with the link": (None, [(self.reminder, self.reminder.access_token)]),
            "The customer's portal user": (self.portal, [(self.reminder, None)]),
            "Another customer's portal user": (
                self.portal_other,
                [(self.reminder, None), (self.reminder, self.other_reminder.access_token)],
            ),
            "Another customer's link": (None, [(self.reminder, self.other_reminder.access_token)]),
            "A replaced reminder's link": (None, [(self.replaced, self.replaced.access_token)]),
        }

    def _customer_state(self):
        """All a customer's action may change: promises, disputes, payments, the plan, what is owed, the chatter."""
        self.env.invalidate_all()
        moves = self.inv_a | self.inv_b | self.inv_c
        return (
            self.env["fb.promise"].search([("partner_id", "child_of", self.customer.id)]),
            self.env["fb.dispute"].search([("move_id", "in", moves.ids)]),
            self.env["payment.transaction"].search([]),
            self.plan.state,
            moves.mapped("amount_residual"),
            self.customer.message_ids,
        )

    def _answer(self, response):
        """``response`` when the step went through; else, once checked that it shows nothing of the customer,
        ``Refused``: a 403, the login page or the replaced reminder's page (410)."""
        location = response.headers.get("Location", "")
        if response.status_code in (403, 410) or (response.status_code == 303 and "/web/login" in location):
            for secret in (self.customer.name, self.inv_a.name, self.inv_b.name, self.inv_c.name):
                self.assertNotIn(secret, response.text)
            raise Refused(f"{response.status_code} {location}")
        return response

    def _open(self, path=""):
        """GET the persona's page (or ``path`` under it)."""
        reminder, token = self.page
        self.env.flush_all()
        response = self._answer(self.url_open(self._url(reminder, token, path), allow_redirects=False))
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response

    def _submit(self, action, data):
        """POST a form of the page with the session's CSRF token; the page it leads to (with its message)."""
        reminder, token = self.page
        self.env.flush_all()
        response = self.url_open(
            self._url(reminder, token, f"/{action}"),
            data=[("csrf_token", http.Request.csrf_token(self)), *data],
            allow_redirects=False,
        )
        self.env.invalidate_all()
        self._answer(response)
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertIn(f"/my/collections/{reminder.id}", response.headers["Location"])
        return self.url_open(response.headers["Location"]).text

    # ------------------------------------------------------------------ the actions of the table

    def _act_open_page(self):
        page = self._open().text
        for text in (self.customer.name, self.inv_a.name, self.inv_b.name, self.inv_c.name, "500.00", "650.00"):
            self.assertIn(text, page)
        self.assertNotIn(self.inv_other.name, page)

    def _act_statement(self):
        """The statement PDF (HTML in test mode) of the customer, as of today."""
        statement = self._open("/statement").text
        self.assertIn(self.customer.name, statement)
        self.assertIn("650.00", statement, "the closing balance")
        self.assertNotIn(self.other.name, statement)

    def _act_pay_overdue(self):
        try:
            response = self._open()
        except Refused:
            reminder, token = self.page
            # what the page's payment form would send, sent anyway: no transaction either
            form = {
                "provider_id": self.provider.id,
                "method_id": self.demo_method.id,
                "data-amount": 500.0,
                "data-landing-route": self._url(reminder, token),
                "data-access-token": token,
                "data-transaction-route": f"/my/collections/{reminder.id}/transaction?pay=overdue",
            }
            answer = self._start_payment(form)
            self.assertEqual(answer, {"error": "This link is not valid: open the latest reminder you received."})
            raise
        form = self._payment_form(response)
        self.assertEqual(float(form["data-amount"]), 500.0)
        self._assert_paid(self.inv_a | self.inv_b, self._pay_online(form))
        self.assertEqual(self.inv_c.amount_residual, 150.0, "not overdue, not paid")

    def _act_promise(self):
        data = [("invoice_ids", str(self.inv_a.id)), ("invoice_ids", str(self.inv_b.id))]
        data += [("promised_date", str(self.today + timedelta(days=7))), ("amount", "500")]
        self.assertIn("is recorded", self._submit("promise", data))
        promise = self.env["fb.promise"].search([("partner_id", "child_of", self.customer.id)])
        self.assertRecordValues(
            promise, [{"state": "open", "amount": 500.0, "promised_date": self.today + timedelta(days=7)}]
        )
        self.assertEqual(promise.move_ids, self.inv_a | self.inv_b)

    def _act_dispute(self):
        data = [("invoice_id", str(self.inv_a.id)), ("reason", "quality"), ("message", "The chairs arrived broken.")]
        self.assertIn("we received your dispute", self._submit("dispute", data))
        dispute = self.env["fb.dispute"].search([("move_id", "=", self.inv_a.id)])
        self.assertRecordValues(dispute, [{"state": "open", "reason": "quality", "note": "The chairs arrived broken."}])

    def _act_accept_plan(self):
        self.assertIn("your payment plan is agreed", self._submit(f"plan/{self.plan.id}/accept", []))
        self.assertEqual((self.plan.state, self.plan.date), ("active", self.today))

    ACTIONS = {
        "Open the collections page": _act_open_page,
        "Download the statement PDF": _act_statement,
        "Pay what is overdue (Odoo's demo provider)": _act_pay_overdue,
        "Promise a payment date": _act_promise,
        "Dispute an invoice": _act_dispute,
        "Accept a proposed payment plan": _act_accept_plan,
    }

    @mute_logger("odoo.http")
    def test_every_customer_does_what_the_readme_says_over_http(self):
        columns, table = readme_persona_table("What each customer can do", "Customer action")
        personas = self._personas()
        self.assertEqual(columns, list(personas), "the README table has a column per persona, in this order")
        self.assertEqual(list(table), list(self.ACTIONS), "the README table lists the tested actions, in order")
        for action, expected in table.items():
            for persona, allowed in expected.items():
                user, pages = personas[persona]
                for reminder, token in pages:
                    with (
                        self.subTest(action=action, persona=persona, token=bool(token)),
                        self.env.cr.savepoint() as savepoint,
                    ):
                        self.authenticate(user and user.login, user and user.login)
                        self.page = (reminder, token)
                        before = self._customer_state()
                        refusal = ""
                        try:
                            self.ACTIONS[action](self)
                        except Refused as error:
                            refusal = str(error)
                            self.assertEqual(self._customer_state(), before, "a refusal changes nothing")
                        self.assertEqual(not refusal, allowed, f"{persona}: {action} {refusal or 'was allowed'}")
                        savepoint.rollback()
                        self.env.invalidate_all()
