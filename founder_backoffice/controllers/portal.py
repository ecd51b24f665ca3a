from datetime import timedelta

from werkzeug.exceptions import Forbidden, NotFound

from odoo import fields
from odoo.api import SUPERUSER_ID
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request, route

from odoo.addons.account_payment.controllers.portal import PortalAccount

from ..engine import agreements, portal
from ..tools.upload_type import MAX_FILE_BYTES, upload_type

STATEMENT_REPORT = "founder_backoffice.action_report_fb_statement"
FLASH = "fb_collections_message"  # the session key of the message a POST leaves for the page it redirects to


class FbPortalAccount(PortalAccount):
    @route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, report_type=None, download=False, **kw):
        """Remember when the customer (not an employee) opens the invoice's page, so collectors know it was seen.

        Only the page counts: its PDF, downloads and the HTML the page frames are what scanners and previews
        fetch, and a visit within ``portal.SEEN_EVERY_MINUTES`` of the last one recorded writes nothing."""
        response = super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )
        if report_type or download or response.status_code != 200:
            return response
        if request.env.user._is_public() or request.env.user.share:
            try:
                invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
            except (AccessError, MissingError):
                return response
            invoice_sudo._fb_mark_seen_online()
        return response

    # ------------------------------------------------------------------ the collections page of a reminder

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "fb_collections_count" in counters:
            values["fb_collections_count"] = len(self._fb_my_reminders())
        return values

    def _fb_my_reminders(self):
        """The current reminders of the logged-in customer, one per company (the pages it may open)."""
        user = request.env.user
        if user._is_public():
            return request.env["fb.dunning.reminder"]
        reminders = (
            request.env["fb.dunning.reminder"]
            .sudo()
            .search(
                [("partner_id", "child_of", user.partner_id.commercial_partner_id.id), ("state", "=", "sent")],
                order="date desc, id desc",
            )
        )
        return reminders.filtered(lambda reminder: reminder._fb_portal_current())

    def _fb_reminder_sudo(self, reminder_id, access_token):
        """The reminder of the page (in superuser mode) once the visitor may see it: the reminder's token, or a
        portal user of its customer; ``Forbidden`` otherwise. A reminder no longer current (a newer one was
        sent) raises ``MissingError``: its page says so and shows nothing else."""
        try:
            reminder_sudo = self._document_check_access("fb.dunning.reminder", reminder_id, access_token)
        except MissingError as error:
            raise NotFound() from error
        except AccessError as error:
            reminder_sudo = request.env["fb.dunning.reminder"].sudo().browse(reminder_id)
            user = request.env.user
            if user._is_public() or (
                user.partner_id.commercial_partner_id != reminder_sudo.partner_id.commercial_partner_id
            ):
                raise Forbidden() from error
        if not reminder_sudo._fb_portal_current():
            raise MissingError(request.env._("This reminder was replaced by a newer one."))
        return reminder_sudo.with_context(lang=self._fb_lang(reminder_sudo))

    def _fb_lang(self, reminder_sudo):
        """The page speaks the customer's language: the reminder's."""
        lang = reminder_sudo.lang or reminder_sudo.company_id.partner_id.lang or "en_US"
        return lang if request.env["res.lang"]._get_data(code=lang).code else "en_US"

    def _fb_collections_values(self, reminder_sudo, **kw):
        """What the page shows (read in superuser mode, after the checks, of the reminder's customer and company
        only): the open items today with their days late and charges, the totals per currency, the plans."""
        today = fields.Date.context_today(reminder_sudo)
        items = reminder_sudo._fb_open_items()
        invoices = reminder_sudo._fb_open_invoices()
        invoices._fb_ensure_portal_tokens()
        charges = {}
        for line in reminder_sudo.line_ids.filtered("move_line_id"):
            charges[line.move_line_id.id] = line.interest + line.compensation
        rows, totals = [], {}
        for item in items:
            currency = item.currency_id
            residual = item.amount_residual_currency if currency != item.company_currency_id else item.amount_residual
            due = item.date_maturity or item.date
            rows.append(
                {
                    "item": item,
                    "move": item.move_id,
                    "currency": currency,
                    "residual": residual,
                    "due": due,
                    "days_late": portal.days_late(due, today) if residual > 0 else 0,
                    "charges": charges.get(item.id, 0.0),
                    "payable": item.move_id in invoices,
                    "held": self._fb_held(item.move_id),
                    "pdf_url": item.move_id.get_portal_url(report_type="pdf", download=True)
                    if item.move_id in invoices
                    else False,
                }
            )
            total = totals.setdefault(currency, {"open": 0.0, "overdue": 0.0})
            total["open"] += residual
            if residual > 0 and due < today:
                total["overdue"] += residual
        charge_move = reminder_sudo.charge_move_id
        plans = reminder_sudo._fb_proposed_plans()
        lang = reminder_sudo.env.lang
        token = reminder_sudo.access_token
        token_query = f"?access_token={token}" if token else ""
        direction = request.env["res.lang"]._get_data(code=lang).direction or "ltr"
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "fb_collections",
            "no_breadcrumbs": request.env.user._is_public(),
            "reminder": reminder_sudo,
            "company": reminder_sudo.company_id,
            "res_company": reminder_sudo.company_id,
            "customer": reminder_sudo._fb_customer(),
            "rows": rows,
            "totals": sorted(totals.items(), key=lambda total: total[0].name),
            "charges_due": reminder_sudo.amount_charges if not charge_move or charge_move.state != "posted" else 0.0,
            "plans": plans,
            "invoices": invoices,
            "overdue_invoices": reminder_sudo._fb_overdue_invoices(),
            "reasons": reminder_sudo.env["fb.dispute"]._fields["reason"]._description_selection(reminder_sudo.env),
            "today": today,
            "promise_max_date": today + timedelta(days=agreements.PROMISE_MAX_DAYS),
            "max_message_chars": portal.MAX_MESSAGE_CHARS,
            "access_token": token,
            "token_query": token_query,
            "statement_url": f"/my/collections/{reminder_sudo.id}/statement{token_query}",
            "lang": lang,
            "direction": direction,
            "html_data": {"lang": lang.replace("_", "-"), "dir": direction},
            "message": request.session.pop(FLASH, None),
        }
        return values

    def _fb_held(self, move):
        """Why the dunning of an invoice waits, for the page: an open dispute, or a promise to pay."""
        if move.fb_dispute_ids.filtered(lambda dispute: dispute.state == "open"):
            return "dispute"
        if move.fb_promise_ids.filtered(lambda promise: promise.state == "open"):
            return "promise"
        return False

    @route("/my/collections", type="http", auth="user", website=True, readonly=True)
    def fb_my_collections(self, **kw):
        """The portal user's reminders, one page per company that reminded the customer."""
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "fb_collections",
            "reminders": self._fb_my_reminders(),
        }
        return request.render("founder_backoffice.portal_my_collections", values)

    @route("/my/collections/<int:reminder_id>", type="http", auth="public", website=True)
    def fb_collections_page(self, reminder_id, access_token=None, **kw):
        def page(reminder_sudo):
            request.update_context(lang=reminder_sudo.env.lang)
            return request.render(
                "founder_backoffice.portal_collections_page", self._fb_collections_values(reminder_sudo, **kw)
            )

        return self._fb_answer(reminder_id, access_token, page)

    def _fb_answer(self, reminder_id, access_token, respond):
        """``respond(reminder_sudo)`` for a visitor who may see the reminder's page; else the "replaced" page or
        a refusal."""
        try:
            reminder_sudo = self._fb_reminder_sudo(reminder_id, access_token)
        except MissingError:
            return self._fb_replaced_page()
        except (Forbidden, NotFound):
            return self._fb_refused(access_token)
        return respond(reminder_sudo)

    def _fb_refused(self, access_token):
        """A wrong token, someone else's reminder or none at all: the login page for a visitor without a token
        (a customer who signed in then sees its own), else a plain refusal that shows nothing."""
        if not access_token and request.env.user._is_public():
            return request.redirect(f"/web/login?redirect={request.httprequest.path}")
        raise Forbidden()

    def _fb_replaced_page(self):
        return request.render(
            "founder_backoffice.portal_collections_replaced",
            {**self._prepare_portal_layout_values(), "page_name": "fb_collections", "no_breadcrumbs": True},
            status=410,
        )

    @route("/my/collections/<int:reminder_id>/statement", type="http", auth="public", website=True)
    def fb_collections_statement(self, reminder_id, access_token=None, **kw):
        """The add-on's statement of the customer in the reminder's company, as of today, as the customer's
        language has it."""
        return self._fb_answer(reminder_id, access_token, self._fb_statement)

    def _fb_statement(self, reminder_sudo):
        company = reminder_sudo.company_id
        # the report checks the reader's companies: the superuser belongs to every company
        Report = (
            request.env["ir.actions.report"]
            .with_user(SUPERUSER_ID)
            .with_company(company)
            .with_context(lang=reminder_sudo.env.lang)
        )
        content, kind = Report._render_qweb_pdf(
            STATEMENT_REPORT, reminder_sudo._fb_customer().ids, data={"options": {"company_id": company.id}}
        )
        headers = [("Content-Type", "application/pdf" if kind == "pdf" else "text/html; charset=utf-8")]
        if kind == "pdf":
            filename = reminder_sudo.env._(
                "Statement %(customer)s %(date)s",
                customer=reminder_sudo._fb_customer().name,
                date=fields.Date.context_today(reminder_sudo),
            )
            headers.append(("Content-Disposition", content_disposition(f"{filename}.pdf")))
        return request.make_response(content, headers=headers)

    # ------------------------------------------------------------------ the customer's actions (POST)

    def _fb_action(self, reminder_id, access_token, action):
        """Run ``action(reminder_sudo)`` for a POST of the page, then redirect to the page with its message (PRG).

        Refused, with the page's message, when the hour's actions on the reminder are spent; a business error
        rolls back what the action did and is shown the same way. A wrong token or a replaced reminder gets no
        page at all."""
        try:
            reminder_sudo = self._fb_reminder_sudo(reminder_id, access_token)
        except MissingError:
            return self._fb_replaced_page()
        except (Forbidden, NotFound):
            raise Forbidden() from None
        request.update_context(lang=reminder_sudo.env.lang)
        if portal.rate_limited(reminder_sudo._fb_count_portal_action()):
            flash = ("danger", reminder_sudo.env._("Too many requests on this page: please try again in an hour."))
        else:
            try:
                with request.env.cr.savepoint():
                    flash = ("success", action(reminder_sudo))
            except (UserError, ValidationError) as error:
                flash = ("danger", error.args[0])
        request.session[FLASH] = flash
        query = f"?access_token={access_token}" if access_token else ""
        return request.redirect(f"/my/collections/{reminder_sudo.id}{query}#fb_message")

    @route("/my/collections/<int:reminder_id>/promise", type="http", auth="public", methods=["POST"], website=True)
    def fb_collections_promise(self, reminder_id, access_token=None, promised_date=None, amount=None, **kw):
        invoice_ids = request.httprequest.form.getlist("invoice_ids")

        def promise(reminder_sudo):
            moves = self._fb_moves(reminder_sudo, invoice_ids)
            try:
                pay_by = fields.Date.to_date(promised_date)
            except ValueError:
                pay_by = None
            if not pay_by:
                raise UserError(reminder_sudo.env._("Choose the date by which you will pay."))
            return reminder_sudo._fb_portal_promise(moves, pay_by, self._fb_amount(reminder_sudo, amount))

        return self._fb_action(reminder_id, access_token, promise)

    @route("/my/collections/<int:reminder_id>/dispute", type="http", auth="public", methods=["POST"], website=True)
    def fb_collections_dispute(self, reminder_id, access_token=None, invoice_id=None, reason=None, message=None, **kw):
        upload = request.httprequest.files.get("attachment")

        def dispute(reminder_sudo):
            moves = self._fb_moves(reminder_sudo, [invoice_id] if invoice_id else [])
            return reminder_sudo._fb_portal_dispute(moves, reason, message, self._fb_attachment(reminder_sudo, upload))

        return self._fb_action(reminder_id, access_token, dispute)

    @route(
        "/my/collections/<int:reminder_id>/plan/<int:plan_id>/accept",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def fb_collections_accept_plan(self, reminder_id, plan_id, access_token=None, **kw):
        def accept(reminder_sudo):
            return reminder_sudo._fb_portal_accept_plan(reminder_sudo.env["fb.payment.plan"].browse(plan_id).exists())

        return self._fb_action(reminder_id, access_token, accept)

    def _fb_moves(self, reminder_sudo, invoice_ids):
        """The invoices a form names (ids as text); none means every overdue invoice of the page."""
        try:
            ids = [int(invoice_id) for invoice_id in invoice_ids]
        except (TypeError, ValueError):
            raise UserError(reminder_sudo.env._("This page cannot act on the chosen invoices.")) from None
        if not ids:
            return reminder_sudo._fb_overdue_invoices()
        return reminder_sudo.env["account.move"].browse(ids).exists()

    def _fb_amount(self, reminder_sudo, amount):
        """The amount a form gives (a decimal comma read as a point)."""
        try:
            return float((amount or "").strip().replace(",", "."))
        except ValueError:
            raise UserError(reminder_sudo.env._("Enter the amount as a number, such as 150.00.")) from None

    def _fb_attachment(self, reminder_sudo, upload):
        """``(name, content, type)`` of the file the customer attached to a dispute, or None: at most
        ``MAX_FILE_BYTES``, and a PDF or an image by its first bytes (whatever its name says)."""
        if not upload or not upload.filename:
            return None
        raw = upload.read(MAX_FILE_BYTES + 1)
        if not raw:
            return None
        if len(raw) > MAX_FILE_BYTES:
            raise UserError(
                reminder_sudo.env._("The file is too large: at most %s MB.", MAX_FILE_BYTES // (1024 * 1024))
            )
        mimetype = upload_type(raw)
        if not mimetype:
            raise UserError(reminder_sudo.env._("Attach a PDF file or a picture (PNG, JPEG or TIFF)."))
        return upload.filename[:200], raw, mimetype
