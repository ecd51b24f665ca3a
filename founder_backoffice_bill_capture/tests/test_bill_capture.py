import importlib.util
import io
import json
import random
import resource
import time
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from unittest.mock import patch

import polib
from PIL import WebPImagePlugin

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, RecordCapturer, TransactionCase, tagged
from odoo.tools import file_open, format_list, mute_logger
from odoo.tools.translate import trans_export

from ..engine import bill_reader
from ..tools import bill_text
from . import bill_samples
from .common import BillCaptureCommon


@tagged("post_install", "-at_install")
class TestBillCapture(BillCaptureCommon, HttpCase):
    """An invoicing user uploads paper bills on the vendor bills list, as the web client does: the journal's
    ``create_document_from_attachment`` over JSON-RPC; a vendor mails them to the purchase journal's alias. The
    request makes the draft bill at once; the bill-reading job reads the file, and the QR code printed on it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls._persona("Invoicing user")
        cls.journal = cls.company_data["default_journal_purchase"]
        cls.reader_job = cls.env.ref("founder_backoffice_bill_capture.ir_cron_fb_read_bills")
        cls.sample_vendor = next(vendor for vendor in bill_samples.VENDORS if vendor.name.startswith("Ferramenta"))
        cls.vendor = cls.env["res.partner"].create(
            {
                "name": cls.sample_vendor.name,
                "vat": cls.sample_vendor.vat,
                "supplier_rank": 1,
                "company_id": False,
                "country_id": cls.env.ref("base.it").id,
            }
        )
        cls.sample = bill_samples.make_sample(random.Random(7), cls.sample_vendor, 318)
        cls.pdf = bill_samples.to_pdf(cls.sample.html)
        company_b_data = cls.setup_other_company(name="Bravo S.r.l.")
        cls.company_b, cls.journal_b = company_b_data["company"], company_b_data["default_journal_purchase"]
        cls.user_b = cls._persona("Invoicing user", company=cls.company_b)
        saudi = bill_samples.SAUDI_DEMO
        cls.saudi_vendor = cls.env["res.partner"].create(
            {"name": saudi["seller"], "vat": saudi["vat"], "country_id": cls.env.ref("base.sa").id}
        )
        cls.env["account.tax"].create(
            {
                "name": "VAT 15% (purchases)",
                "amount": 15.0,
                "type_tax_use": "purchase",
                "company_id": cls.company.id,
                "country_id": cls.company.account_fiscal_country_id.id,
            }
        )
        cls.iban = "IT60X0542811101000000123456"
        cls.vendor.bank_ids = [Command.create({"acc_number": cls.iban})]

    def _upload(self, name, raw, mimetype, user=None, journal=None):
        """The bill list's Upload: the file becomes an attachment, then the journal makes a bill of it; the bill,
        the attachment and the seconds the request took."""
        user, journal = user or self.user, journal or self.journal
        self.authenticate(user.login, user.login)
        attachment = self.env["ir.attachment"].with_user(user).create({"name": name, "raw": raw, "mimetype": mimetype})
        self.env.flush_all()
        start = time.monotonic()
        response = self.url_open(
            "/web/dataset/call_kw/account.journal/create_document_from_attachment",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": "account.journal",
                    "method": "create_document_from_attachment",
                    "args": [journal.ids, attachment.ids],
                    "kwargs": {
                        "context": {"default_move_type": "in_invoice", "allowed_company_ids": journal.company_id.ids}
                    },
                },
            },
        )
        seconds = time.monotonic() - start
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        self.env.invalidate_all()
        return self.env["account.move"].browse(body["result"]["res_id"]), attachment, seconds

    def _read_queued(self):
        """The bill-reading job, as the scheduler runs it (its own transactions); its seconds and how much the
        largest memory of this process grew meanwhile, in MB."""
        self.env.flush_all()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.monotonic()
        self.assertIs(self.reader_job.method_direct_trigger(), True)
        seconds = time.monotonic() - start
        self.env.invalidate_all()
        return seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024

    def _assert_queued(self, bill, attachment, name):
        """Right after the request: a draft bill with the file, nothing read yet, the job called."""
        self.assertEqual((bill.move_type, bill.state), ("in_invoice", "draft"))
        self.assertIn(attachment, bill.attachment_ids)
        self.assertFalse(bill.partner_id or bill.ref or bill.invoice_line_ids or bill.sudo().fb_bill_text)
        self.assertTrue(bill.sudo().fb_bill_file)
        self.assertIn(f"{name} is being read", self._bodies(bill))
        self.assertTrue(self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.reader_job.id)]))

    def _bodies(self, bill):
        return " ".join(bill.message_ids.mapped("body"))

    def _assert_filled(self, bill):
        sample = self.sample
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.partner_id, self.vendor)
        self.assertEqual(bill.ref, sample.ref)
        self.assertEqual((bill.invoice_date, bill.invoice_date_due), (sample.invoice_date, sample.due_date))
        self.assertEqual(bill.currency_id, self.eur)
        self.assertAlmostEqual(bill.amount_untaxed, sample.untaxed, places=2)
        self.assertAlmostEqual(bill.amount_tax, sample.tax, places=2)
        self.assertAlmostEqual(bill.amount_total, sample.total, places=2)
        self.assertFalse(bill.sudo().fb_bill_file, "read: the queued copy of the file is gone")

    def test_text_pdf_becomes_a_filled_draft_bill(self):
        bill, attachment, _seconds = self._upload("fattura.pdf", self.pdf, "application/pdf")
        self._assert_queued(bill, attachment, "fattura.pdf")
        self._read_queued()
        self._assert_filled(bill)
        self.assertEqual(
            [(line.name, line.quantity, line.price_unit) for line in bill.invoice_line_ids],
            [(description, quantity, price) for description, quantity, price, _amount in self.sample.lines],
        )
        self.assertEqual(bill.invoice_line_ids.tax_ids.mapped("amount"), [22.0])
        self.assertTrue(all(bill.invoice_line_ids.mapped("is_imported")))
        self.assertIn(attachment, bill.attachment_ids)
        self.assertFalse(bill.with_user(self.user).fb_bill_check, "a text PDF whose amounts add up: nothing to check")
        self.assertIn("Bill read from fattura.pdf (text of the PDF)", self._bodies(bill))

    def test_scan_is_read_by_ocr(self):
        bill, attachment, _seconds = self._upload("scan.png", bill_samples.to_scan(self.pdf, seed=3), "image/png")
        self._assert_queued(bill, attachment, "scan.png")
        self._read_queued()
        self._assert_filled(bill)
        self.assertIn("(OCR of a scan)", self._bodies(bill))

    def test_the_demo_scan_becomes_a_filled_draft_bill(self):
        """The paper bill shipped with the demo (make run), dropped on the bills list."""
        with file_open("founder_backoffice_bill_capture/static/demo/bill_ferramenta_rossi.jpg", "rb") as scan:
            bill, _attachment, _seconds = self._upload("bill_ferramenta_rossi.jpg", scan.read(), "image/jpeg")
        self._read_queued()
        self.assertEqual((bill.partner_id, bill.ref), (self.vendor, "FT-2026-0412"))
        self.assertEqual((bill.invoice_date, bill.invoice_date_due), (date(2026, 2, 4), date(2026, 3, 6)))
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total), (17372.20, 3821.88, 21194.08))
        self.assertEqual(bill.invoice_line_ids.mapped("quantity"), [10, 7, 9])

    def test_a_bill_mailed_to_the_purchase_alias_is_read_by_the_job(self):
        """Anyone may mail the alias: the mail gateway makes the draft bill and returns; the job reads the file."""
        mail = EmailMessage()
        mail["From"] = "Ferramenta Rossi <amministrazione@ferramentarossi.example>"
        alias = self.journal.alias_id.alias_full_name or ""
        mail["To"] = alias if "@" in alias else "vendor-bills@founder.example"
        mail["Subject"] = "Fattura 318"
        mail["Message-ID"] = "<fattura-318@ferramentarossi.example>"
        mail.set_content("In allegato la fattura.")
        mail.add_attachment(self.pdf, maintype="application", subtype="pdf", filename="fattura.pdf")
        with RecordCapturer(self.env["account.move"], [("move_type", "=", "in_invoice")]) as capture:
            start = time.monotonic()
            self.env["mail.thread"].message_process(
                "account.move",
                mail.as_bytes(),
                custom_values={"move_type": "in_invoice", "journal_id": self.journal.id},
            )
            self.assertLess(time.monotonic() - start, 10)
        bill = capture.records
        self.assertEqual(len(bill), 1)
        self._assert_queued(bill, bill.attachment_ids.filtered(lambda file: file.name == "fattura.pdf"), "fattura.pdf")
        self._read_queued()
        self._assert_filled(bill)

    def test_a_hostile_pdf_gives_a_draft_bill_within_bounds(self):
        """A 2 KB PDF whose five pages print a 50,000-letter word: before, its reading ran in the upload request
        and the mail gateway for 522 s (measured outside Odoo: 96 s of e-mail pattern, 426 s of reading)."""
        bill, attachment, seconds = self._upload("hostile.pdf", bill_samples.long_word_pdf(), "application/pdf")
        self.assertLess(seconds, 10, "the upload returns at once")
        self._assert_queued(bill, attachment, "hostile.pdf")
        seconds, grown = self._read_queued()
        self.assertLess(seconds, 30)
        self.assertLess(grown, 300)
        self.assertEqual((bill.state, bill.partner_id.id, bill.ref), ("draft", False, False))
        self.assertIn(
            "Attachment hostile.pdf not imported: no vendor, bill number, date or total was found in it.",
            self._bodies(bill),
        )

    def test_a_pdf_of_huge_pages_is_read_a_page_at_a_time_at_a_bounded_size(self):
        """Two text-less pages of 64 x 64 inches: before, both were rasterized at 164 million pixels and held
        together in the worker's memory (more than the 300 MB bound below) before the OCR began."""
        bill, attachment, seconds = self._upload("huge.pdf", bill_samples.huge_pages_pdf(pages=2), "application/pdf")
        self.assertLess(seconds, 10, "the upload returns at once")
        self._assert_queued(bill, attachment, "huge.pdf")
        seconds, grown = self._read_queued()
        self.assertLess(seconds, bill_text.DEADLINE + 30)
        self.assertLess(grown, 300)
        self.assertEqual((bill.state, bill.partner_id.id), ("draft", False))
        self.assertIn("Attachment huge.pdf not imported: ", self._bodies(bill))

    def test_a_webp_named_png_is_not_decoded(self):
        """The file's first bytes tell its type, not its name: a WebP (a format with a history of decoder
        overflows) named like a PNG is refused at the upload, and no WebP decoder runs."""
        webp = bill_samples.webp_scan(bill_samples.to_scan(self.pdf, seed=3))
        with patch.object(WebPImagePlugin.WebPImageFile, "_open", side_effect=AssertionError("WebP decoded")):
            bill, attachment, _seconds = self._upload("scan.png", webp, "image/png")
            self._read_queued()
        self.assertEqual((bill.state, bill.partner_id.id), ("draft", False))
        self.assertIn(attachment, bill.attachment_ids)
        self.assertFalse(bill.sudo().fb_bill_file)
        self.assertIn(
            "Attachment scan.png not imported: it is not a PDF, PNG, JPEG or TIFF file (its content was checked, "
            "whatever its name says).",
            self._bodies(bill),
        )

    def test_one_failing_file_stops_no_other_and_none_is_retried_forever(self):
        first, _attachment, _seconds = self._upload("first.pdf", self.pdf, "application/pdf")
        second, _attachment, _seconds = self._upload("second.pdf", self.pdf, "application/pdf")
        # the third's reading stopped the server twice already (a worker killed while it was being read)
        third, _attachment, _seconds = self._upload("third.pdf", self.pdf, "application/pdf")
        third.sudo().fb_bill_read_attempts = bill_text.MAX_ATTEMPTS
        read = bill_text.bill_text
        calls = []

        def failing_first(raw, deadline=None):
            calls.append(raw)
            if len(calls) == 1:
                raise RuntimeError("decoder bug")
            return read(raw, deadline)

        with (
            patch.object(bill_text, "bill_text", failing_first),
            mute_logger("odoo.addons.founder_backoffice_bill_capture.models.account_move"),
        ):
            self._read_queued()
        self.assertEqual(len(calls), 2, "the third file is not read a third time")
        self.assertIn("Attachment first.pdf not imported: it could not be read (decoder bug).", self._bodies(first))
        self.assertFalse(first.partner_id)
        self._assert_filled(second)
        self.assertIn(
            "Attachment third.pdf not imported: its reading was stopped 2 times before it ended.", self._bodies(third)
        )
        self.assertFalse(any((first | third).sudo().mapped("fb_bill_file")))
        hidden = [("res_model", "=", "account.move"), ("res_field", "=", "fb_bill_file")]
        self.assertFalse(self.env["ir.attachment"].sudo().search([*hidden, ("res_id", "in", (first | second).ids)]))

    def test_unreadable_file_keeps_the_attachment_and_says_why(self):
        blank = bill_samples.to_scan(bill_samples.to_pdf("<html><body><p>&#160;</p></body></html>"))
        bill, attachment, _seconds = self._upload("photo.png", blank, "image/png")
        self._read_queued()
        self.assertEqual((bill.move_type, bill.state, bill.partner_id.id), ("in_invoice", "draft", False))
        self.assertIn(attachment, bill.attachment_ids)
        self.assertIn(
            "Attachment photo.png not imported: no vendor, bill number, date or total was found in it.",
            self._bodies(bill),
        )

    def test_what_the_user_typed_is_kept(self):
        bill = (
            self.env["account.move"]
            .with_user(self.user)
            .create({"move_type": "in_invoice", "journal_id": self.journal.id, "ref": "TYPED-1"})
        )
        attachment = self.env["ir.attachment"].create(
            {"name": "fattura.pdf", "raw": self.pdf, "mimetype": "application/pdf"}
        )
        bill.with_user(self.user)._extend_with_attachments(bill._to_files_data(attachment))
        self._read_queued()
        self.assertEqual(bill.ref, "TYPED-1")
        self.assertEqual(bill.partner_id, self.vendor)
        self.assertAlmostEqual(bill.amount_total, self.sample.total, places=2)

    def test_a_posted_bill_teaches_its_vendors_layout_in_its_company(self):
        bill, _attachment, _seconds = self._upload("fattura.pdf", self.pdf, "application/pdf")
        self._read_queued()
        bill.with_user(self.user).action_post()
        layout = json.loads(self.vendor.with_user(self.user).with_company(self.company).fb_bill_layout)
        self.assertEqual(layout["due_date"], ["scadenza"])
        self.assertEqual(layout["total"], ["totale documento"])
        self.assertFalse(self.vendor.with_user(self.user_b).with_company(self.company_b).fb_bill_layout)

    def test_company_b_does_not_use_the_layout_company_a_learned(self):
        """The vendor is shared; the labels company A's bills taught are A's: B's users neither read nor use them."""
        self.vendor.sudo().with_company(self.company).fb_bill_layout = json.dumps(
            {"ref": ["doc. ref"], "total": ["payable"]}
        )
        pdf = bill_samples.to_pdf(
            "<html><body><p>Ferramenta Rossi S.r.l. - P.IVA IT09876540015</p><p>Doc. Ref: AC-002</p>"
            "<p>Issued on 02/02/2026</p><p>Payable 300.00</p></body></html>"
        )
        bill_a, _attachment, _seconds = self._upload("a.pdf", pdf, "application/pdf")
        bill_b, _attachment, _seconds = self._upload("b.pdf", pdf, "application/pdf", self.user_b, self.journal_b)
        self._read_queued()
        self.assertEqual((bill_a.partner_id, bill_a.ref), (self.vendor, "AC-002"))
        self.assertEqual((bill_b.company_id, bill_b.partner_id, bill_b.ref), (self.company_b, self.vendor, False))
        self.assertTrue(self.vendor.with_user(self.user).with_company(self.company).fb_bill_layout)
        self.assertFalse(self.vendor.with_user(self.user_b).with_company(self.company_b).fb_bill_layout)

    def test_a_stored_layout_is_bounded_whatever_was_written(self):
        """A layout is data a user may write over RPC: the reader keeps known fields and a few short labels."""
        self.vendor.with_user(self.user).with_company(self.company).fb_bill_layout = json.dumps(
            {"ref": ["x" * 5000, *(f"label {index}" for index in range(1000))], "evil": ["a"]}
        )
        bill, _attachment, _seconds = self._upload("fattura.pdf", self.pdf, "application/pdf")
        self._read_queued()
        self._assert_filled(bill)
        bill.with_user(self.user).action_post()
        layout = json.loads(self.vendor.sudo().with_company(self.company).fb_bill_layout)
        self.assertEqual(set(layout) - set(bill_reader.LABELS), set())
        self.assertLessEqual(max(len(labels) for labels in layout.values()), bill_reader.MAX_LABELS)

    def test_sales_invoices_are_left_to_odoo(self):
        journal = self.company_data["default_journal_sale"]
        move = self.env["account.move"].with_context(default_move_type="out_invoice", default_journal_id=journal.id)
        files = move._to_files_data(
            self.env["ir.attachment"].create({"name": "x.pdf", "raw": self.pdf, "mimetype": "application/pdf"})
        )
        self.assertIsNone(move._get_edi_decoder(files[0]))

    # ------------------------------------------------------------------ codes printed on the bill

    def test_the_demo_saudi_bill_is_read_from_its_zatca_qr_code(self):
        """The demo's scan of a bilingual simplified tax invoice: its QR code names the vendor by its VAT number and
        gives the date, the total and the VAT exactly."""
        with file_open("founder_backoffice_bill_capture/static/demo/bill_al_waha_zatca.jpg", "rb") as scan:
            bill, _attachment, _seconds = self._upload("bill_al_waha_zatca.jpg", scan.read(), "image/jpeg")
        self._read_queued()
        self.assertEqual(
            (bill.state, bill.partner_id, bill.partner_id.vat), ("draft", self.saudi_vendor, "310123456700003")
        )
        self.assertEqual(bill.invoice_date, date(2026, 3, 5))
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total), (1000.0, 150.0, 1150.0))
        self.assertEqual(bill.invoice_line_ids.tax_ids.mapped("amount"), [15.0])
        self.assertFalse(bill.with_user(self.user).fb_bill_check, "what the code gave is exact: nothing to check")
        coded = format_list(self.env, ["Partner", "Invoice/Bill Date", "Untaxed Amount", "Tax", "Total"])
        self.assertIn(f"Read from the QR code: {coded}.", self._bodies(bill))

    def test_a_zatca_qr_code_outranks_the_text_of_the_bill(self):
        """A PDF whose text misprints the total (1,105.00): the QR code's 1,150.00 is taken, and the bill is its
        company's only."""
        saudi = bill_samples.SAUDI_DEMO
        payload = bill_samples.zatca_payload(saudi["seller"], saudi["vat"], "2026-04-12T09:00:00Z", 1150.0, 150.0)
        html = bill_samples.qr_bill_html(
            [saudi["seller"], "Simplified tax invoice SIN-2026-0400", "Date: 13/04/2026", "Total: 1,105.00 SAR"],
            payload,
        )
        bill, _attachment, _seconds = self._upload("zatca.pdf", bill_samples.to_pdf(html), "application/pdf")
        self._read_queued()
        self.assertEqual((bill.partner_id, bill.ref), (self.saudi_vendor, "SIN-2026-0400"))
        self.assertEqual((bill.invoice_date, bill.amount_tax, bill.amount_total), (date(2026, 4, 12), 150.0, 1150.0))
        self.assertIn("Bill read from zatca.pdf (text of the PDF)", self._bodies(bill))
        with self.assertRaises(AccessError):
            bill.with_user(self.user_b).read(["amount_total"])

    def test_an_epc_qr_code_on_a_scan_names_the_vendor_by_its_iban(self):
        """A scanned Italian bill with its SEPA (EPC) QR code: the vendor by the code's IBAN, the amount to pay and
        the payment reference exactly."""
        payload = bill_samples.epc_payload("Ferramenta Rossi", self.iban, 122.0, "RF18539007547034")
        html = bill_samples.qr_bill_html(
            ["Fattura n. 77 del 03/03/2026", "Imponibile 100,00 EUR", "IVA 22% 22,00 EUR", "Totale 122,00 EUR"],
            payload,
        )
        scan = bill_samples.to_scan(bill_samples.to_pdf(html), seed=4)
        bill, _attachment, _seconds = self._upload("scan_77.png", scan, "image/png")
        self._read_queued()
        self.assertEqual((bill.partner_id, bill.payment_reference), (self.vendor, "RF18539007547034"))
        self.assertEqual((bill.currency_id, bill.amount_total, bill.amount_tax), (self.eur, 122.0, 22.0))
        coded = format_list(self.env, ["Partner", "Total", "Payment Reference"])
        self.assertIn(f"Read from the QR code: {coded}.", self._bodies(bill))

    def test_bill_capture_needs_no_back_office(self):
        """Installed by itself: founder_backoffice is not among the modules it needs."""
        module = self.env["ir.module.module"].search([("name", "=", "founder_backoffice_bill_capture")])
        needed = module.upstream_dependencies(exclude_states=("uninstallable",)).mapped("name")
        self.assertIn("account", needed)
        self.assertFalse([name for name in needed if name.startswith("founder_backoffice")])

    def test_updating_back_office_hands_the_bill_fields_over_with_their_data(self):
        """A database of before: Back Office's external ids name the bill fields. Its 19.0.1.4.0 pre-migration gives
        them to bill capture (or drops Back Office's where bill capture already names the field), so that the update
        does not delete the fields and drop their columns: the learned layouts stay."""
        back_office = get_module_path("founder_backoffice", display_warning=False)
        if not back_office:
            self.skipTest("Back Office is not in the addons path")
        spec = importlib.util.spec_from_file_location(
            "handover", Path(back_office, "migrations", "19.0.1.4.0", "pre-migration.py")
        )
        handover = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(handover)
        Data = self.env["ir.model.data"].sudo()
        layout_field = self.env["ir.model.fields"]._get("res.partner", "fb_bill_layout")
        text_field = self.env["ir.model.fields"]._get("account.move", "fb_bill_text")
        self.vendor.sudo().with_company(self.company).fb_bill_layout = json.dumps({"total": ["payable"]})
        # the layout's field named by Back Office only; the text's by both (bill capture installed first)
        Data.search([("module", "=", "founder_backoffice_bill_capture"), ("res_id", "=", layout_field.id)]).filtered(
            lambda data: data.model == "ir.model.fields"
        ).unlink()
        for field in (layout_field, text_field):
            name = f"field_{field.model.replace('.', '_')}__{field.name}"
            Data.create({"module": "founder_backoffice", "name": name, "model": "ir.model.fields", "res_id": field.id})
        self.env.flush_all()
        handover.migrate(self.env.cr, "19.0.1.3.0")
        self.env.invalidate_all()
        names = Data.search([("model", "=", "ir.model.fields"), ("res_id", "in", (layout_field | text_field).ids)])
        self.assertEqual(
            sorted((data.module, data.name) for data in names),
            [
                ("founder_backoffice_bill_capture", "field_account_move__fb_bill_text"),
                ("founder_backoffice_bill_capture", "field_res_partner__fb_bill_layout"),
            ],
        )
        layout = self.vendor.sudo().with_company(self.company).fb_bill_layout
        self.assertEqual(json.loads(layout), {"total": ["payable"]})


@tagged("post_install", "-at_install")
class TestBillCaptureTerms(TransactionCase):
    def test_committed_pot_has_every_term_of_the_installed_module(self):
        """A new user-facing string cannot slip in untranslated: re-export and compare with the committed .pot."""
        buffer = io.BytesIO()
        trans_export(False, ["founder_backoffice_bill_capture"], buffer, "po", self.env)
        exported = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        committed_path = Path(__file__).resolve().parent.parent / "i18n" / "founder_backoffice_bill_capture.pot"
        committed = {entry.msgid for entry in polib.pofile(str(committed_path))}
        self.assertEqual(sorted(exported - committed), [], "terms missing from the committed .pot (run make i18n)")
