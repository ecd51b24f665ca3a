from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_list

from ..engine import portal
from ..tools import server_side
from .res_partner import COLLECTIONS, MANAGER, PROFILE

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
        help="The day by which the invoice is paid with even odds, as the cash forecast expects it from how the "
        "customer and the company's customers pay, a promise to pay or a payment plan counting as reliably as they "
        "have been kept. Empty: paid, or more likely never paid.",
    )

    def _compute_fb_expected_payment_date(self):
        """The cash forecast's date of each open customer invoice (``fb.payment.habit``), the earliest of its items."""
        self.fb_expected_payment_date = False
        open_invoices = self.filtered(
            lambda move: move.is_sale_document() and move.state == "posted" and move.amount_residual > 0
        )
        for company, moves in open_invoices.grouped("company_id").items():
            dates, _by_partner = self.env["fb.payment.habit"]._expected_dates(
                company, set(moves.commercial_partner_id.ids)
            )
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
        return posted

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
