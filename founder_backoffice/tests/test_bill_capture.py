import random
from datetime import date

from odoo.tests import HttpCase, tagged
from odoo.tools import file_open

from . import bill_samples
from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
class TestBillCapture(FounderBackofficeCommon, HttpCase):
    """An invoicing user uploads paper bills on the vendor bills list, as the web client does: the journal's
    ``create_document_from_attachment`` over JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls._persona("Invoicing user")
        cls.journal = cls.company_data["default_journal_purchase"]
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

    def _upload(self, name, raw, mimetype):
        """The bill list's Upload: the file becomes an attachment, then the journal makes a bill of it."""
        self.authenticate("fb_invoicing_user", "fb_invoicing_user")
        attachment = (
            self.env["ir.attachment"].with_user(self.user).create({"name": name, "raw": raw, "mimetype": mimetype})
        )
        self.env.flush_all()
        response = self.url_open(
            "/web/dataset/call_kw/account.journal/create_document_from_attachment",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": "account.journal",
                    "method": "create_document_from_attachment",
                    "args": [self.journal.ids, attachment.ids],
                    "kwargs": {
                        "context": {"default_move_type": "in_invoice", "allowed_company_ids": [self.company.id]}
                    },
                },
            },
        )
        body = response.json()
        self.assertNotIn("error", body, body.get("error"))
        self.env.invalidate_all()
        return self.env["account.move"].browse(body["result"]["res_id"]), attachment

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

    def test_text_pdf_becomes_a_filled_draft_bill(self):
        bill, attachment = self._upload("fattura.pdf", self.pdf, "application/pdf")
        self._assert_filled(bill)
        self.assertEqual(
            [(line.name, line.quantity, line.price_unit) for line in bill.invoice_line_ids],
            [(description, quantity, price) for description, quantity, price, _amount in self.sample.lines],
        )
        self.assertEqual(bill.invoice_line_ids.tax_ids.mapped("amount"), [22.0])
        self.assertIn(attachment, bill.attachment_ids)
        self.assertFalse(bill.with_user(self.user).fb_bill_check, "a text PDF whose amounts add up: nothing to check")
        self.assertIn("Bill read from fattura.pdf (text of the PDF)", bill.message_ids.mapped("body")[0])

    def test_scan_is_read_by_ocr(self):
        bill, _attachment = self._upload("scan.png", bill_samples.to_scan(self.pdf, seed=3), "image/png")
        self._assert_filled(bill)
        self.assertIn("(OCR of a scan)", " ".join(bill.message_ids.mapped("body")))

    def test_the_demo_scan_becomes_a_filled_draft_bill(self):
        """The paper bill shipped with the demo (make run), dropped on the bills list."""
        with file_open("founder_backoffice/static/demo/bill_ferramenta_rossi.jpg", "rb") as scan:
            bill, _attachment = self._upload("bill_ferramenta_rossi.jpg", scan.read(), "image/jpeg")
        self.assertEqual((bill.partner_id, bill.ref), (self.vendor, "FT-2026-0412"))
        self.assertEqual((bill.invoice_date, bill.invoice_date_due), (date(2026, 2, 4), date(2026, 3, 6)))
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total), (17372.20, 3821.88, 21194.08))
        self.assertEqual(bill.invoice_line_ids.mapped("quantity"), [10, 7, 9])

    def test_unreadable_file_keeps_the_attachment_and_says_why(self):
        blank = bill_samples.to_scan(bill_samples.to_pdf("<html><body><p>&#160;</p></body></html>"))
        bill, attachment = self._upload("photo.png", blank, "image/png")
        self.assertEqual((bill.move_type, bill.state, bill.partner_id.id), ("in_invoice", "draft", False))
        self.assertIn(attachment, bill.attachment_ids)
        bodies = " ".join(bill.message_ids.mapped("body"))
        self.assertIn(
            "Attachment photo.png not imported: no vendor, bill number, date or total was found in it.", bodies
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
        self.assertEqual(bill.ref, "TYPED-1")
        self.assertEqual(bill.partner_id, self.vendor)
        self.assertAlmostEqual(bill.amount_total, self.sample.total, places=2)

    def test_a_posted_bill_teaches_its_vendors_layout(self):
        bill, _attachment = self._upload("fattura.pdf", self.pdf, "application/pdf")
        bill.with_user(self.user).action_post()
        layout = self.vendor.sudo().fb_bill_layout
        self.assertEqual(layout["due_date"], ["scadenza"])
        self.assertEqual(layout["total"], ["totale documento"])

    def test_sales_invoices_are_left_to_odoo(self):
        journal = self.company_data["default_journal_sale"]
        move = self.env["account.move"].with_context(default_move_type="out_invoice", default_journal_id=journal.id)
        files = move._to_files_data(
            self.env["ir.attachment"].create({"name": "x.pdf", "raw": self.pdf, "mimetype": "application/pdf"})
        )
        self.assertIsNone(move._get_edi_decoder(files[0]))
