from urllib.parse import urlencode

from werkzeug.exceptions import Forbidden, NotFound

from odoo.exceptions import MissingError, UserError, ValidationError
from odoo.http import request, route
from odoo.tools import format_list

from odoo.addons.account_payment.controllers.payment import PaymentPortal

from ..engine import portal
from .portal import FbPortalAccount

# A transaction that may still become money: a new one for the same invoices could make the customer pay twice.
UNDER_WAY = ("pending", "authorized")


class FbPortalPayment(FbPortalAccount, PaymentPortal):
    """Pay from a reminder's collections page: all that is overdue, chosen invoices, part of one, or the next
    instalment of a running payment plan, through Odoo's payment providers (account_payment reconciles)."""

    def _fb_collections_values(self, reminder_sudo, **kw):
        """The page's values, and what its pay block offers for the selection in the query string."""
        values = super()._fb_collections_values(reminder_sudo, **kw)
        access_token = kw.get("access_token") or values.get("access_token")
        values["fb_pay"] = self._fb_pay_values(reminder_sudo, access_token, self._fb_pay_args())
        return values

    @route("/my/collections/<int:reminder_id>/transaction", type="jsonrpc", auth="public")
    def fb_collections_transaction(self, reminder_id, access_token=None, **kwargs):
        """Create the draft transaction of what the query string selects, the invoices and the amount computed
        here again whatever the browser sends, and return its processing values."""
        try:
            reminder_sudo = self._fb_reminder_sudo(reminder_id, access_token)
        except (Forbidden, NotFound, MissingError) as error:
            raise ValidationError(
                request.env._("This link is not valid: open the latest reminder you received.")
            ) from error
        _ = reminder_sudo.env._
        if portal.rate_limited(reminder_sudo._fb_count_portal_action()):
            raise ValidationError(_("Too many requests on this page: please try again in an hour."))
        self._validate_transaction_kwargs(kwargs)
        to_pay = self._fb_selection_to_pay(reminder_sudo, self._fb_pay_args())
        currency = to_pay["currency"]
        sent_amount = self._cast_as_float(kwargs.get("amount"))
        if sent_amount is not None and currency.compare_amounts(sent_amount, to_pay["amount"]):
            raise ValidationError(_("What is owed changed since the page was opened: reload the page."))
        partner_sudo = self._fb_payer(reminder_sudo)
        providers_sudo = (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                reminder_sudo.company_id.id, partner_sudo.id, to_pay["amount"], currency_id=currency.id
            )
        )
        if self._cast_as_int(kwargs.get("provider_id")) not in providers_sudo.ids:
            raise ValidationError(_("This payment method is not available for this payment."))
        kwargs.update(
            amount=to_pay["amount"],
            is_validation=False,
            landing_route=self._fb_page_url(reminder_sudo, access_token),
        )
        processing_values = self._process_transaction(
            partner_sudo.id, currency.id, to_pay["invoices"].ids, to_pay["reference"], **kwargs
        )
        staff = reminder_sudo._fb_staff(reminder_sudo._responsible_user())
        staff._fb_log_customer_action(
            staff.env._(
                "The customer started paying %(amount)s online for %(invoices)s (transaction %(reference)s)",
                amount=currency.format(to_pay["amount"]),
                invoices=format_list(staff.env, to_pay["invoices"].mapped("name")),
                reference=processing_values["reference"],
            ),
            reminder_sudo.env["account.move"],
        )
        return processing_values

    def _fb_pay_args(self):
        """The selection in the query string: ``pay=overdue`` (the default), ``invoice_ids`` (repeated, or
        comma-separated) with an optional ``amount`` for part of one invoice, or ``plan_line``."""
        args = request.httprequest.args
        invoice_ids = [part for value in args.getlist("invoice_ids") for part in value.split(",") if part.strip()]
        return {
            "pay": args.get("pay") or ("selected" if invoice_ids else ""),
            "invoice_ids": invoice_ids,
            "amount": args.get("amount", "").strip(),
            "plan_line": args.get("plan_line", "").strip(),
        }

    def _fb_next_instalments(self, reminder_sudo):
        """The first instalment not yet paid of each running payment plan of the customer in that company."""
        lines = reminder_sudo.env["fb.payment.plan.line"]
        for plan in reminder_sudo._fb_proposed_plans().filtered(lambda plan: plan.state == "active"):
            lines |= plan.line_ids.filtered(lambda line: line.state != "paid").sorted(
                lambda line: (line.date_due, line.sequence)
            )[:1]
        return lines

    def _fb_selection_to_pay(self, reminder_sudo, query):
        """``{invoices, amount, currency, reference}`` of the selection, or a clear error: only open invoices of
        the reminder's customer and company, in one currency, and never more than is owed on them."""
        _ = reminder_sudo.env._
        invoices, amount, reference = self._fb_selection(reminder_sudo, query)
        if not invoices:
            raise ValidationError(_("These invoices are already paid: thank you."))
        currency = invoices.currency_id
        if len(currency) > 1 or (query["plan_line"] and currency != reminder_sudo.company_id.currency_id):
            raise ValidationError(_("These invoices are in several currencies: select invoices of one currency."))
        amount = self._fb_checked_amount(reminder_sudo, invoices, amount, bool(query["plan_line"]))
        if invoices.transaction_ids.filtered(
            lambda tx: tx.state in UNDER_WAY or (tx.state == "done" and not tx.is_post_processed)
        ):
            raise ValidationError(
                _("A payment of these invoices is already under way: wait for it to be confirmed before paying again.")
            )
        return {"invoices": invoices, "amount": currency.round(amount), "currency": currency, "reference": reference}

    def _fb_selection(self, reminder_sudo, query):
        """``(invoices, amount or None for all that is owed, reference)`` the customer chose: a plan's next
        instalment, everything overdue, or the ticked invoices (and part of one)."""
        _ = reminder_sudo.env._
        if query["plan_line"]:
            line = self._fb_next_instalments(reminder_sudo).filtered(lambda line: str(line.id) == query["plan_line"])
            if not line:
                raise ValidationError(
                    _("This instalment cannot be paid here: it is not the next one of a running payment plan of yours.")
                )
            return line.plan_id.move_ids & reminder_sudo._fb_open_invoices(), line.amount_residual, line.plan_id.name
        if query["pay"] in ("overdue", ""):
            invoices = reminder_sudo._fb_overdue_invoices()
            if not invoices:
                raise ValidationError(_("Nothing is overdue: select the invoices you want to pay."))
            return invoices, None, None
        invoices = self._fb_selected_invoices(reminder_sudo, query["invoice_ids"])
        amount = self._fb_amount(reminder_sudo, query["amount"]) if query["amount"] else None
        if amount is not None and len(invoices) > 1:
            raise ValidationError(_("To pay part of an invoice, select that invoice only."))
        return invoices, amount, None

    def _fb_checked_amount(self, reminder_sudo, invoices, amount, instalment):
        """What is paid: everything owed on ``invoices`` when no amount was given, an instalment at most what is
        still owed, a part more than zero and never more than is owed."""
        _ = reminder_sudo.env._
        currency = invoices.currency_id
        owed = currency.round(sum(invoices.mapped("amount_residual")))
        if amount is None:
            return owed
        if instalment:
            return min(amount, owed)
        if currency.compare_amounts(amount, 0) <= 0:
            raise ValidationError(_("The amount to pay must be more than zero."))
        if currency.compare_amounts(amount, owed) > 0:
            raise ValidationError(
                _(
                    "The amount to pay cannot be more than what is owed on %(invoice)s: %(owed)s.",
                    invoice=invoices.name,
                    owed=currency.format(owed),
                )
            )
        return amount

    def _fb_selected_invoices(self, reminder_sudo, invoice_ids):
        """The chosen invoices, once each, refused whole if one is not an open invoice of the customer in that
        company."""
        if not invoice_ids:
            raise ValidationError(reminder_sudo.env._("Select at least one invoice to pay."))
        return reminder_sudo._fb_check_invoices(self._fb_moves(reminder_sudo, invoice_ids).union())

    def _fb_payer(self, reminder_sudo):
        """The logged-in user when they belong to the customer (their saved payment methods apply), else the
        customer: a payment is never made in the name of someone else who opened the link."""
        user_partner = request.env.user.partner_id
        customer = reminder_sudo._fb_customer()
        if not request.env.user._is_public() and user_partner.commercial_partner_id == customer.commercial_partner_id:
            return user_partner
        return customer

    def _fb_page_url(self, reminder_sudo, access_token):
        query = f"?{urlencode({'access_token': access_token})}" if access_token else ""
        return f"/my/collections/{reminder_sudo.id}{query}"

    def _fb_pay_values(self, reminder_sudo, access_token, query):
        """What the page's pay block shows: the overdue total, the next instalments, and for the selection its
        amount and Odoo's payment form (when a provider can take it), or why it cannot be paid."""
        payer_sudo = self._fb_payer(reminder_sudo)
        providers_sudo = request.env["payment.provider"].sudo()
        if not providers_sudo._get_compatible_providers(reminder_sudo.company_id.id, payer_sudo.id, 0.0):
            return False
        open_invoices = reminder_sudo._fb_open_invoices()
        overdue = reminder_sudo._fb_overdue_invoices()
        page_url = self._fb_page_url(reminder_sudo, access_token)
        values = {
            "paid": not open_invoices,
            "overdue_amount": sum(overdue.mapped("amount_residual")) if len(overdue.currency_id) == 1 else False,
            "overdue_currency": overdue.currency_id[:1],
            "instalments": [
                (line, f"{page_url}{'&' if '?' in page_url else '?'}{urlencode({'plan_line': line.id})}")
                for line in self._fb_next_instalments(reminder_sudo)
            ],
            "page_url": page_url,
            "typed_amount": query["amount"],
            "access_token": access_token,
            "error": False,
            "form": False,
        }
        if not open_invoices or not (overdue or query["pay"] or query["plan_line"]):
            return values
        try:
            to_pay = self._fb_selection_to_pay(reminder_sudo, query)
        except UserError as error:
            values["error"] = error.args[0]
            return values
        selection = {"plan_line": query["plan_line"]} if query["plan_line"] else {"pay": query["pay"] or "overdue"}
        if selection.get("pay") == "selected":
            selection["invoice_ids"] = ",".join(str(invoice_id) for invoice_id in to_pay["invoices"].ids)
            if query["amount"]:
                selection["amount"] = query["amount"]
        form = self._get_common_page_view_values(
            invoices_data={
                "partner": payer_sudo,
                "company": reminder_sudo.company_id,
                "total_amount": to_pay["amount"],
                "currency": to_pay["currency"],
                "amount_residual": to_pay["amount"],
                "payment_reference": to_pay["reference"],
                "landing_route": values["page_url"],
                "transaction_route": f"/my/collections/{reminder_sudo.id}/transaction?{urlencode(selection)}",
            },
            access_token=access_token,
        )
        values.update(
            to_pay,
            form=(form["payment_methods_sudo"] or form["tokens_sudo"]) and {**form, "amount": to_pay["amount"]},
        )
        return values
