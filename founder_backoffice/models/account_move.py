import base64
import json
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import SQL, format_list

from ..engine import bill_reader, portal
from ..tools import bill_text, server_side
from .res_partner import COLLECTIONS, MANAGER, PROFILE

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
}
VENDOR_CANDIDATES = 5000  # vendors compared by name with a bill's text

_logger = logging.getLogger(__name__)
# what a credit hold stops: new sales to the customer (credit notes lower what it owes and go through)
HOLD_TYPES = ("out_invoice", "out_receipt")


class AccountMove(models.Model):
    _inherit = "account.move"

    fb_portal_first_seen = fields.Datetime(
        "First seen online",
        readonly=True,
        copy=False,
        help="First time the customer opened the invoice online.",
        groups=COLLECTIONS,
    )
    fb_portal_last_seen = fields.Datetime(
        "Seen online",
        readonly=True,
        copy=False,
        help="Last time the customer opened the invoice online.",
        groups=COLLECTIONS,
    )
    fb_dispute_ids = fields.One2many("fb.dispute", "move_id", string="Disputes", groups=COLLECTIONS)
    fb_dunning_line_ids = fields.One2many("fb.dunning.line", "move_id", string="Reminder history", groups=COLLECTIONS)
    fb_promise_ids = fields.Many2many(
        "fb.promise",
        "fb_promise_account_move_rel",
        "account_move_id",
        "promise_id",
        string="Promises to pay",
        copy=False,
        groups=COLLECTIONS,
    )
    fb_payment_plan_ids = fields.Many2many(
        "fb.payment.plan",
        "fb_payment_plan_account_move_rel",
        "account_move_id",
        "plan_id",
        string="Payment plans",
        copy=False,
        groups=COLLECTIONS,
    )

    fb_expected_payment_date = fields.Date(
        "Expected payment",
        compute="_compute_fb_expected_payment_date",
        groups=PROFILE,
        help="When the money is expected: the due date plus the customer's typical lateness on its paid invoices "
        "(the company's for a new customer), unless a promise to pay or a payment plan says when. Empty: paid, or "
        "over 90 days late (doubtful).",
    )

    fb_bill_text = fields.Text(
        "Text read from the bill",
        copy=False,
        readonly=True,
        groups=PROFILE,
        help="The text read from the uploaded bill (its PDF text, or OCR of a scan): once the bill is posted, it "
        "teaches where this vendor writes each field.",
    )
    fb_bill_reading = fields.Json(copy=False, readonly=True, groups=PROFILE)
    # the file uploaded or mailed, waiting for the bill-reading job (``_cron_read_bills``): a copy of its own, which
    # the job reads whoever may see the original, then clears
    fb_bill_file = fields.Binary("Bill file to read", attachment=True, copy=False, readonly=True, groups=PROFILE)
    fb_bill_file_name = fields.Char("Name of the bill file to read", copy=False, readonly=True, groups=PROFILE)
    fb_bill_read_attempts = fields.Integer("Readings of the bill file", copy=False, readonly=True, groups=PROFILE)
    fb_bill_check = fields.Char(
        "Check the bill",
        compute="_compute_fb_bill_check",
        groups=PROFILE,
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

    def _compute_fb_expected_payment_date(self):
        """The cash forecast's date of each open customer invoice (``fb.payment.habit``), the earliest of its items."""
        self.fb_expected_payment_date = False
        today = fields.Date.context_today(self)
        open_invoices = self.filtered(
            lambda move: move.is_sale_document() and move.state == "posted" and move.amount_residual > 0
        )
        for company, moves in open_invoices.grouped("company_id").items():
            dates = {}
            for move_ids, day, _amount in self.env["fb.payment.habit"]._expected_receipts(
                company, today, partner_ids=set(moves.commercial_partner_id.ids)
            ):
                for move_id in move_ids:
                    if day and (move_id not in dates or day < dates[move_id]):
                        dates[move_id] = day
            for move in moves:
                move.fb_expected_payment_date = dates.get(move.id, False)

    @api.constrains("auto_post", "partner_id", "move_type", "company_id")
    def _check_fb_scheduled_hold(self):
        """Scheduling a held customer's invoice to post itself is posting it: Odoo's auto-post job would do it."""
        self.filtered(lambda move: move.state == "draft" and move.auto_post != "no")._fb_check_credit_hold()

    def _fb_check_credit_hold(self):
        """Invoices and receipts of a customer on credit hold in their company are posted by a collections manager,
        in person: whatever the path (superuser included), since Odoo's jobs (auto-post, online payments) run as
        the superuser, who decides nothing. The fees a dunning run books are not new sales: they go through."""
        held = self.filtered(
            lambda move: move.move_type in HOLD_TYPES
            and move.commercial_partner_id.sudo().with_company(move.company_id).fb_credit_hold
        )
        if held:
            held -= self.env["fb.dunning.reminder"].sudo().search([("charge_move_id", "in", held.ids)]).charge_move_id
        user = self.env.user
        if held and (user._is_superuser() or not user.has_group(MANAGER)):
            move = held[:1]
            partner = move.commercial_partner_id.sudo().with_company(move.company_id)
            raise UserError(
                self.env._(
                    "%(customer)s is on credit hold (%(reason)s): a collections manager must post its invoices or "
                    "release the hold.",
                    customer=partner.name,
                    reason=partner.fb_credit_hold_reason or self.env._("no reason given"),
                )
            )

    def _post(self, soft=True):
        """Posting a customer invoice or receipt for a customer on credit hold needs a collections manager."""
        self._fb_check_credit_hold()
        # only an invoice posted before (reset to draft since) can have reminder history to give back
        reposted = self.filtered(lambda move: move.posted_before and move.is_sale_document())
        posted = super()._post(soft=soft)
        if reposted:
            self.env["fb.dunning.line"].sudo()._relink_to_items(posted & reposted)
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
        self.env.ref("founder_backoffice.ir_cron_fb_read_bills").sudo()._trigger()
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
        text = ocr = reason = None
        try:
            text, ocr = bill_text.bill_text(raw)
        except bill_text.BillTextError as error:
            reason = self._fb_bill_text_error(error)
        except Exception as error:  # a file that breaks a decoder must not stop the job
            _logger.exception("bill %s: %s could not be read", self.id, name)
            reason = self.env._("it could not be read (%s).", error)
        self._fb_unqueue_bill_file()
        if not reason and self.state != "draft":
            reason = self.env._("the bill is no longer a draft.")
        if not reason:
            reason, error = server_side.isolated(
                self.env, _logger, lambda: self._fb_read_bill(text, ocr, name), "bill %s: %s not filled", self.id, name
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

    def _fb_read_bill(self, text, ocr, filename):
        """Fill the draft bill from the text of its file; a reason when nothing was found in it."""
        company = self.company_id
        own_vats = [vat for vat in (company.vat, company.partner_id.vat) if vat]
        own_domains = [company.email.split("@")[-1]] if company.email else []
        vendors = self._fb_vendor_candidates(
            bill_reader.identifiers(bill_reader.normalize(text), own_vats, own_domains)
        )
        reading = bill_reader.read_bill(
            text,
            [vendor for vendor, _layout in vendors.values()],
            own_vats=own_vats,
            own_domains=own_domains,
            layouts={vendor_id: layout for vendor_id, (_vendor, layout) in vendors.items() if layout},
            ocr=ocr,
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
        self.message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._("Bill read from %s (OCR of a scan).", filename)
                if ocr
                else self.env._("Bill read from %s (text of the PDF).", filename),
                self.env._("Filled: %s.", format_list(self.env, filled))
                if filled
                else self.env._("Nothing was filled."),
            )
        )

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

    def _fb_check_invoices_of(self, partner):
        """A promise or a payment plan holds back the dunning of its invoices: only posted customer invoices of
        its own customer qualify."""
        strangers = self.filtered(
            lambda move: move.move_type != "out_invoice"
            or move.state != "posted"
            or move.commercial_partner_id != partner.commercial_partner_id
        )
        if strangers:
            raise ValidationError(
                self.env._(
                    "Only posted invoices of %(customer)s can be included, not %(invoices)s.",
                    customer=partner.commercial_partner_id.display_name,
                    invoices=format_list(self.env, strangers.mapped("display_name")),
                )
            )

    def _fb_amount_paid(self, date_from, date_to=None):
        """What was reconciled on these invoices (payments, credit notes) from ``date_from`` (to ``date_to``), in
        company currency: the progress of a promise to pay or of a payment plan."""
        domain = [("debit_move_id.move_id", "in", self.ids), ("max_date", ">=", date_from)]
        if date_to:
            domain.append(("max_date", "<=", date_to))
        [(amount,)] = self.env["account.partial.reconcile"]._read_group(domain, [], ["amount:sum"])
        return amount or 0.0

    def _invoice_paid_hook(self):
        """A customer who settles what a reminder listed is thanked (as the system: a portal payment runs as the
        public user, who reads no reminder)."""
        res = super()._invoice_paid_hook()
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        if invoices:
            self.env["fb.dunning.reminder"].sudo()._fb_thank_for(invoices)
        return res

    def _fb_ensure_portal_tokens(self):
        """Give every invoice of ``self`` its portal access token at once (the reminders link to the invoices)."""
        server_side.ensure_access_tokens(self)

    def _fb_mark_seen_online(self):
        """Record that the customer opened the invoice in the portal (called as superuser by the controller).

        Only the two dates change: an ORM write of the invoice would make the superuser its last writer, track
        and recompute it as if someone had edited it. A visit within ``SEEN_EVERY_MINUTES`` of the last one
        recorded changes no row (no write, no row lock against an accountant working on the invoice)."""
        if not self:
            return
        now = fields.Datetime.now()
        self.env.execute_query(
            SQL(
                """UPDATE account_move
                      SET fb_portal_first_seen = COALESCE(fb_portal_first_seen, %(now)s), fb_portal_last_seen = %(now)s
                    WHERE id IN %(ids)s AND (fb_portal_last_seen IS NULL OR fb_portal_last_seen <= %(since)s)""",
                now=now,
                since=now - timedelta(minutes=portal.SEEN_EVERY_MINUTES),
                ids=tuple(self.ids),
            )
        )
        self.invalidate_recordset(["fb_portal_first_seen", "fb_portal_last_seen"])

    def action_fb_open_dispute(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute"),
            "res_model": "fb.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }


def _stored_layout(value):
    """A vendor's learned layout as stored (JSON text, per company), bounded; empty when it is not a layout."""
    try:
        return bill_reader.clean_layout(json.loads(value or "{}"))
    except ValueError:
        return {}
