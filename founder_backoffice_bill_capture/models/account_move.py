import base64
import dataclasses
import json
import logging

from markupsafe import Markup
from psycopg2 import InterfaceError, OperationalError

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError
from odoo.fields import Command, Domain
from odoo.tools import format_list

from ..engine import bill_codes, bill_layout, bill_reader
from ..tools import bill_text

# who reads and fills vendor bills
INVOICING = "account.group_account_invoice"
# the bill's fields a reading fills, by the name the engine gives them
BILL_FIELDS = {
    "vendor_id": "partner_id",
    "ref": "ref",
    "invoice_date": "invoice_date",
    "due_date": "invoice_date_due",
    "currency": "currency_id",
    "untaxed": "amount_untaxed",
    "tax": "amount_tax",
    "total": "amount_total",
    "tax_rate": "amount_tax",
    "payment_reference": "payment_reference",
}
VENDOR_CANDIDATES = 5000  # vendors compared by name with a bill's text

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    fb_bill_text = fields.Text(
        "Text read from the bill",
        copy=False,
        readonly=True,
        groups=INVOICING,
        help="The text read from the uploaded bill (its PDF text, or OCR of a scan): once the bill is posted, it "
        "teaches where this vendor writes each field.",
    )
    fb_bill_reading = fields.Json(copy=False, readonly=True, groups=INVOICING)
    # the file uploaded or mailed, waiting for the bill-reading job (``_cron_read_bills``): a copy of its own, which
    # the job reads whoever may see the original, then clears
    fb_bill_file = fields.Binary("Bill file to read", attachment=True, copy=False, readonly=True, groups=INVOICING)
    fb_bill_file_name = fields.Char("Name of the bill file to read", copy=False, readonly=True, groups=INVOICING)
    fb_bill_read_attempts = fields.Integer("Readings of the bill file", copy=False, readonly=True, groups=INVOICING)
    fb_bill_check = fields.Char(
        "Check the bill",
        compute="_compute_fb_bill_check",
        groups=INVOICING,
        help="What to check on a bill read from a file.",
    )

    def _compute_fb_bill_check(self):
        for move in self:
            reading = move.fb_bill_reading or {}
            names = [
                move._fields[BILL_FIELDS[name]]._description_string(self.env)
                for name in reading.get("to_check", ())
                if name in BILL_FIELDS
            ]
            messages = []
            if names:
                messages.append(
                    self.env._("Read from the attached file: check %s.", format_list(self.env, dict.fromkeys(names)))
                )
            if "totals" in reading.get("flags", ()):
                messages.append(self.env._("Untaxed amount and taxes do not add up to the total printed on the bill."))
            if "lines" in reading.get("flags", ()):
                messages.append(self.env._("The bill's lines do not add up to its untaxed amount."))
            if reading.get("total_differs"):
                messages.append(
                    self.env._(
                        "The total printed on the bill is %s: check the lines and taxes.", reading["total_differs"]
                    )
                )
            move.fb_bill_check = " ".join(messages) or False

    def _post(self, soft=True):
        """A posted vendor bill read from a file teaches its vendor's layout."""
        posted = super()._post(soft=soft)
        posted.filtered(lambda move: move.is_purchase_document(include_receipts=True))._fb_learn_bill_layout()
        return posted

    # ------------------------------------------------------------------ bill capture

    def _get_edi_decoder(self, file_data, new=False):
        """A PDF or an image that no e-invoice decoder takes (Factur-X, UBL, FatturaPA run first, with a higher
        priority) is read as a paper bill, on vendor bills."""
        decoder = super()._get_edi_decoder(file_data, new=new)
        move_type = self.move_type if self else self.env.context.get("default_move_type")
        if (
            decoder
            or move_type not in self.get_purchase_types(include_receipts=True)
            or (file_data["import_file_type"] != "pdf" and file_data["mimetype"] not in bill_text.IMAGE_TYPES)
        ):
            return decoder
        return {"priority": 1, "decoder": type(self)._fb_decode_bill}

    def _fb_decode_bill(self, file_data, new=False):
        """Queue the file for the bill-reading job: the upload or the mail returns at once, the file is read in the
        background within bounds. A file over the size limit or that is not a PDF, PNG, JPEG or TIFF (told by its
        first bytes, whatever its name says) is refused now: Odoo posts the reason returned."""
        self.ensure_one()
        try:
            bill_text.file_type(file_data["raw"])
        except bill_text.BillTextError as error:
            return self._fb_bill_text_error(error)
        self.sudo().write(
            {
                "fb_bill_file": base64.b64encode(file_data["raw"]),
                "fb_bill_file_name": file_data["name"],
                "fb_bill_read_attempts": 0,
            }
        )
        self.message_post(
            body=self.env._("%s is being read: the bill is filled in a moment.", file_data["name"]),
            subtype_xmlid="mail.mt_note",
        )
        self.env.ref("founder_backoffice_bill_capture.ir_cron_fb_read_bills").sudo()._trigger()
        return None

    @api.model
    def _cron_read_bills(self):
        """Read the bill files queued by uploads and the bills alias, oldest first, one at a time and each in its own
        transaction: a file that fails is said on its bill and stops no other. The attempt is committed before the
        reading, so that a file whose reading stopped the server is tried ``MAX_ATTEMPTS`` times, then left."""
        Cron = self.env["ir.cron"]
        tried = []

        def queued():
            return Domain("fb_bill_file", "!=", False) & Domain("id", "not in", tried)

        while move := self.search(queued(), order="id", limit=1):
            tried.append(move.id)
            # its messages in the language of whoever uploaded it (the company's, for a mailed bill)
            uploader = move.create_uid
            lang = uploader.lang if uploader.active and uploader._is_internal() else move.company_id.partner_id.lang
            move = move.with_company(move.company_id).with_context(lang=lang or None)
            move.fb_bill_read_attempts += 1
            if move.fb_bill_read_attempts > bill_text.MAX_ATTEMPTS:
                name = move.fb_bill_file_name
                move._fb_unqueue_bill_file()
                move._fb_bill_not_read(
                    name, move.env._("its reading was stopped %s times before it ended.", bill_text.MAX_ATTEMPTS)
                )
            else:
                Cron._commit_progress()
                move._fb_read_queued_file()
            if not Cron._commit_progress(1, remaining=self.search_count(queued())):
                return

    def _fb_read_queued_file(self):
        """Read the bill's queued file (within ``bill_text``'s bounds, holding no lock meanwhile), then fill the bill
        if it is still a draft; why it could not be read is said in its chatter."""
        raw = base64.b64decode(self.with_context(bin_size=False).fb_bill_file)
        name = self.fb_bill_file_name or ""
        words = ocr = reason = None
        payloads = []
        try:
            words, ocr, payloads = bill_text.bill_text(raw)
        except bill_text.BillTextError as error:
            reason = self._fb_bill_text_error(error)
        except Exception as error:  # a file that breaks a decoder must not stop the job
            _logger.exception("bill %s: %s could not be read", self.id, name)
            reason = self.env._("it could not be read (%s).", error)
        self._fb_unqueue_bill_file()
        if not reason and self.state != "draft":
            reason = self.env._("the bill is no longer a draft.")
        if not reason:
            reason, error = _isolated(
                self.env,
                lambda: self._fb_read_bill(words, ocr, name, payloads),
                "bill %s: %s not filled",
                self.id,
                name,
            )
            if error:
                reason = self.env._("it could not be read (%s).", error)
        if reason:
            self._fb_bill_not_read(name, reason)

    def _fb_unqueue_bill_file(self):
        self.write({"fb_bill_file": False, "fb_bill_file_name": False})

    def _fb_bill_not_read(self, filename, reason):
        self.message_post(
            body=self.env._("Attachment %(filename)s not imported: %(reason)s", filename=filename, reason=reason),
            subtype_xmlid="mail.mt_note",
        )

    def _fb_bill_text_error(self, error):
        """Why ``bill_text`` could not read a file, for the bill's chatter."""
        return {
            bill_text.NOT_A_BILL_FILE: self.env._(
                "it is not a PDF, PNG, JPEG or TIFF file (its content was checked, whatever its name says)."
            ),
            bill_text.TOO_LARGE: self.env._(
                "it is too large: bills are read up to %(megabytes)s MB and %(megapixels)s megapixels a page.",
                megabytes=bill_text.MAX_FILE_BYTES // (1024 * 1024),
                megapixels=bill_text.MAX_IMAGE_PIXELS // 1_000_000,
            ),
            bill_text.MISSING_TOOL: self.env._("%s is not installed on the server.", error.tool),
            bill_text.TOO_SLOW: self.env._(
                "reading it took more than %(seconds)s seconds: %(tool)s was stopped.",
                seconds=bill_text.DEADLINE,
                tool=error.tool,
            ),
            bill_text.TOOL_FAILED: self.env._("%s could not read it.", error.tool),
        }[error.reason]

    def _fb_read_bill(self, words, ocr, filename, payloads=()):
        """Fill the draft bill from the words of its file (``bill_layout.Word``, with their boxes) and the QR codes
        on it (``payloads``, what they hold); a reason when nothing was found in them. The words' text is kept on the
        bill."""
        text = bill_layout.text_of(words)
        company = self.company_id
        own_vats = [vat for vat in (company.vat, company.partner_id.vat) if vat]
        own_domains = [company.email.split("@")[-1]] if company.email else []
        codes = [code for code in map(bill_codes.read_code, payloads) if code]
        found = bill_reader.identifiers(bill_reader.normalize(text), own_vats, own_domains)
        coded_vats = {code.values["vat"] for code in codes if code.values.get("vat")}
        found = dataclasses.replace(
            found,
            vats=found.vats | coded_vats | {bill_reader.vat_key(vat) for vat in coded_vats},
            ibans=found.ibans | {code.values["iban"] for code in codes if code.values.get("iban")},
        )
        vendors = self._fb_vendor_candidates(found)
        reading = bill_reader.read_bill(
            words,
            [vendor for vendor, _layout in vendors.values()],
            own_vats=own_vats,
            own_domains=own_domains,
            layouts={vendor_id: layout for vendor_id, (_vendor, layout) in vendors.items() if layout},
            ocr=ocr,
            codes=codes,
        )
        if not set(reading.values) & {"ref", "invoice_date", "total", "vendor_id"}:
            return self.env._("no vendor, bill number, date or total was found in it.")
        self._fb_fill_bill(reading, text, ocr, filename)
        return None

    def _fb_vendor_candidates(self, found):
        """``{partner id: (engine Vendor, learned layout)}``: the company's main vendors, and any partner of one
        of the VAT numbers, IBANs or e-mail domains ``found`` on the bill."""
        Partner = self.env["res.partner"].with_company(self.company_id)
        company_domain = Partner._check_company_domain(self.company_id)
        identified = Domain.OR(
            [
                Domain("vat", "in", list(found.vats)),
                Domain("bank_ids.sanitized_acc_number", "in", list(found.ibans)),
                *(Domain("email", "=ilike", f"%@{domain}") for domain in found.domains),
            ]
        )
        partners = (
            Partner.search(Domain(company_domain) & identified)
            if found.vats or found.ibans or found.domains
            else Partner
        )
        # the vendors that bill the company most, compared by name
        partners |= Partner.search(
            [*company_domain, ("supplier_rank", ">", 0)], order="supplier_rank desc", limit=VENDOR_CANDIDATES
        )
        return {
            partner.id: (
                bill_reader.Vendor(
                    partner.id,
                    partner.name or "",
                    vats=(partner.vat,) if partner.vat else (),
                    ibans=tuple(partner.bank_ids.mapped("sanitized_acc_number")),
                    domains=(partner.email.split("@")[-1],) if partner.email and "@" in partner.email else (),
                ),
                _stored_layout(partner.fb_bill_layout),
            )
            for partner in partners.commercial_partner_id
        }

    def _fb_fill_bill(self, reading, text, ocr, filename):
        """Write what was read on the draft bill, leaving what the user already filled alone; what was written,
        and what of it to check, is said on the bill."""
        values, vals = reading.values, {}
        if "vendor_id" in values and not self.partner_id:
            vals["partner_id"] = values["vendor_id"]
        if values.get("ref") and not self.ref:
            vals["ref"] = values["ref"]
        if values.get("invoice_date") and not self.invoice_date:
            vals["invoice_date"] = values["invoice_date"]
        if values.get("payment_reference") and not self.payment_reference:
            vals["payment_reference"] = values["payment_reference"]
        currency = values.get("currency") and self.env["res.currency"].search([("name", "=", values["currency"])])
        if currency and currency != self.currency_id and not self.invoice_line_ids:
            vals["currency_id"] = currency.id
        self.write(vals)
        written = {name for name, field in BILL_FIELDS.items() if field in vals}
        if values.get("due_date") and not self.invoice_payment_term_id:
            self.invoice_date_due = values["due_date"]
            written.add("due_date")
        if not self.invoice_line_ids and values.get("untaxed") is not None:
            self.write({"invoice_line_ids": self._fb_bill_lines(reading)})
            self.invoice_line_ids.is_imported = True  # as Odoo marks the lines its decoders make
            written |= {"untaxed", "tax", "total", "tax_rate"}
        total_differs = (
            values.get("total") is not None
            and self.currency_id.compare_amounts(values["total"], self.amount_total) != 0
        )
        self.fb_bill_text = text
        self.fb_bill_reading = {
            "to_check": [name for name in reading.to_check if name in written],
            "flags": reading.flags if written & {"untaxed", "tax", "total"} else [],
            "ocr": ocr,
            "total_differs": self.currency_id.format(values["total"]) if total_differs else False,
        }
        filled = dict.fromkeys(
            self._fields[BILL_FIELDS[name]]._description_string(self.env) for name in BILL_FIELDS if name in written
        )
        coded = dict.fromkeys(
            self._fields[BILL_FIELDS[name]]._description_string(self.env)
            for name in BILL_FIELDS
            if name in written and name in reading.coded
        )
        lines = [
            self.env._("Bill read from %s (OCR of a scan).", filename)
            if ocr
            else self.env._("Bill read from %s (text of the PDF).", filename),
            self.env._("Filled: %s.", format_list(self.env, filled)) if filled else self.env._("Nothing was filled."),
        ]
        if coded:
            lines.append(self.env._("Read from the QR code: %s.", format_list(self.env, coded)))
        self.message_post(body=Markup("<br/>").join(lines))

    def _fb_bill_lines(self, reading):
        """The bill's table as invoice lines, else one line of its untaxed amount; taxed at the rate read, with the
        company's purchase tax of that rate."""
        tax = self.env["account.tax"]
        if reading.values.get("tax_rate") is not None:
            tax = self.env["account.tax"].search(
                [
                    *self.env["account.tax"]._check_company_domain(self.company_id),
                    ("type_tax_use", "=", "purchase"),
                    ("amount_type", "=", "percent"),
                    ("amount", "=", reading.values["tax_rate"]),
                    ("price_include", "=", False),
                ],
                limit=1,
            )
        lines = reading.lines or [
            bill_reader.BillLine(reading.values.get("ref") or self.env._("Bill"), 1.0, reading.values["untaxed"], 0.0)
        ]
        return [
            Command.create(
                {
                    "name": line.description,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "tax_ids": [Command.set(tax.ids)],
                }
            )
            for line in lines
        ]

    def _fb_learn_bill_layout(self):
        """A posted bill read from a file teaches its vendor's layout in the bill's company: where the values the
        accountant confirmed were written."""
        for move in self.filtered(lambda move: move.sudo().fb_bill_text and move.partner_id):
            vendor = move.partner_id.commercial_partner_id.sudo().with_company(move.company_id)
            truth = {
                "ref": move.ref,
                "invoice_date": move.invoice_date,
                "due_date": move.invoice_date_due,
                "untaxed": move.amount_untaxed,
                "tax": move.amount_tax,
                "total": move.amount_total,
            }
            layout = bill_reader.learn_layout(move.sudo().fb_bill_text, truth, _stored_layout(vendor.fb_bill_layout))
            vendor.fb_bill_layout = json.dumps(layout, ensure_ascii=False)


def _stored_layout(value):
    """A vendor's learned layout as stored (JSON text, per company), bounded; empty when it is not a layout."""
    try:
        return bill_reader.clean_layout(json.loads(value or "{}"))
    except ValueError:
        return {}


def _isolated(env, function, message, *args):
    """``(result, error)`` of ``function`` called in a savepoint: an error rolls back what it did and is returned
    (and logged with ``message``), so that one bill's failure stops no other. Concurrency errors end the job's
    transaction (its next call starts from a fresh snapshot)."""
    try:
        with env.cr.savepoint():
            return function(), None
    except (OperationalError, InterfaceError, ConcurrencyError):
        raise
    except Exception as error:  # one bill's failure must not stop the others
        _logger.exception(message, *args)
        return None, error
