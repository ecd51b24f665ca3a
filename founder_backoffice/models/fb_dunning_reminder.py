import textwrap
from collections import defaultdict
from urllib.parse import urlencode

from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tools import SQL, format_list
from odoo.tools.mail import email_normalize, generate_tracking_message_id, html2plaintext, plaintext2html
from odoo.tools.misc import format_amount, format_date

from odoo.addons.base.models.ir_actions_report import _wkhtml
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..engine import agreements, dunning, jurisdictions, levels, portal, replies
from ..tools import server_side, text
from .fb_dunning_line import SOURCE_FIELDS
from .res_partner import REPLY_ACTIVITY, is_staff_answer

LETTER_REPORT = "founder_backoffice.action_report_fb_dunning_letter"
REPLY_EXCERPT = 200  # characters of a customer's reply quoted in the collector's activity


class FbDunningReminder(models.Model):
    """The communication a customer gets in a run: all its overdue items, the level reached, charges, total due."""

    _name = "fb.dunning.reminder"
    _description = "Payment reminder"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"  # collections staff answer the customer on the reminders they see

    run_id = fields.Many2one("fb.dunning.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(related="run_id.date", store=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, check_company=True)
    contact_id = fields.Many2one("res.partner", "Sent to", compute="_compute_contact_id")
    lang = fields.Selection(related="partner_id.lang")
    text_direction = fields.Char(compute="_compute_text_direction", help="rtl for right-to-left languages.")
    policy_id = fields.Many2one("fb.dunning.policy", required=True)
    level_id = fields.Many2one("fb.dunning.level", required=True)
    # Not tracked: the e-mail in the chatter, or the failure reason, says what became of a reminder, and a run
    # changes thousands of them at once.
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        index=True,
    )
    line_ids = fields.One2many("fb.dunning.line", "reminder_id", string="Overdue items")
    amount_overdue = fields.Monetary("Overdue", currency_field="currency_id")
    amount_credits = fields.Monetary(
        "Credits", currency_field="currency_id", help="Open credit notes and payments offset against the overdue."
    )
    amount_upcoming = fields.Monetary(
        "Falling due", currency_field="currency_id", help="Invoices not yet due that a note before the due date lists."
    )
    pre_due = fields.Boolean(
        "Before the due date", compute="_compute_pre_due", help="A friendly note before the due date."
    )
    amount_fee = fields.Monetary("Fee", currency_field="currency_id")
    # Sums of the lines' charges, set by the run with the lines (which never change afterwards).
    amount_interest = fields.Monetary("Interest", readonly=True, currency_field="currency_id")
    amount_compensation = fields.Monetary("Compensation", readonly=True, currency_field="currency_id")
    amount_charges = fields.Monetary(
        "Fees and interest", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    amount_total = fields.Monetary("Total due", compute="_compute_amounts", store=True, currency_field="currency_id")
    mail_id = fields.Many2one("mail.mail", "E-mail", readonly=True, index="btree_not_null", ondelete="set null")
    thanked_date = fields.Date(
        "Thanked on", readonly=True, copy=False, help="When the customer was thanked for settling this reminder."
    )
    sent_message_id = fields.Many2one("mail.message", "Sent message", readonly=True, ondelete="set null")
    failure_reason = fields.Text(readonly=True)
    charge_move_id = fields.Many2one("account.move", "Charges invoice", readonly=True, copy=False)
    # The customer's collections page (portal.mixin): its address with the token, and the count of the customer's
    # actions on it in the current clock hour (``portal.ACTIONS_PER_HOUR``), kept in the row for every worker.
    collections_url = fields.Char("Collections page", compute="_compute_collections_url")
    portal_action_count = fields.Integer(readonly=True, copy=False, groups="base.group_system")
    portal_window_start = fields.Datetime(readonly=True, copy=False, groups="base.group_system")

    @api.depends("partner_id")
    def _compute_contact_id(self):
        """The customer's invoice address if it has one, else the customer: one query for all reminders."""
        invoice_contacts = {}
        for contact in self.env["res.partner"].search(
            [("parent_id", "in", self.partner_id.ids), ("type", "=", "invoice")], order="id desc"
        ):
            invoice_contacts[contact.parent_id.id] = contact
        for reminder in self:
            reminder.contact_id = invoice_contacts.get(reminder.partner_id.id, reminder.partner_id)

    def _compute_access_url(self):
        for reminder in self:
            reminder.access_url = f"/my/collections/{reminder.id}"

    @api.depends("access_token")
    def _compute_collections_url(self):
        """The page's address with its token once the reminder has one: sending gives it, while a letter printed
        before (a read-only request) must not write one."""
        for reminder in self:
            token = reminder.access_token
            reminder.collections_url = token and f"{reminder.get_base_url()}{reminder.access_url}?access_token={token}"

    @api.depends("lang")
    def _compute_text_direction(self):
        for reminder in self:
            reminder.text_direction = self.env["res.lang"]._get_data(code=reminder.lang or "en_US").direction or "ltr"

    @api.depends("level_id.days")
    def _compute_pre_due(self):
        for reminder in self:
            reminder.pre_due = levels.is_pre_due(reminder.level_id.days)

    @api.depends(
        "amount_interest", "amount_compensation", "amount_fee", "amount_overdue", "amount_upcoming", "amount_credits"
    )
    def _compute_amounts(self):
        for reminder in self:
            currency = reminder.currency_id
            reminder.amount_charges = currency.round(
                reminder.amount_fee + reminder.amount_interest + reminder.amount_compensation
            )
            reminder.amount_total = currency.round(
                reminder.amount_overdue + reminder.amount_upcoming + reminder.amount_credits + reminder.amount_charges
            )

    @api.depends("partner_id", "level_id", "date")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = self.env._(
                "%(customer)s - %(level)s (%(date)s)",
                customer=reminder.partner_id.name,
                level=reminder.level_id.name,
                date=reminder.date and format_date(self.env, reminder.date),
            )

    @api.private
    def salutation(self):
        """The letter's salutation, in the reminder's language (its environment's)."""
        self.ensure_one()
        return text.salutation(self.env, self.partner_id)

    @api.private
    def overdue_label(self, currency):
        """The label of the total in ``currency`` of the items listed, in the reminder's language."""
        if self.pre_due:
            return self.env._("To pay in %(currency)s:", currency=text.isolate(currency.name))
        return self.env._("Overdue in %(currency)s:", currency=text.isolate(currency.name))

    @api.private
    def interest_note(self):
        """How the late-payment interest is computed, in the reminder's language, under the law of the policy's
        jurisdiction when it has one."""
        self.ensure_one()
        margin = text.isolate(text.number(self.env, self.policy_id.interest_margin))
        if self.policy_id.jurisdiction == jurisdictions.ITALY_B2B:
            return self.env._(
                "Interest is charged under %(statute)s at the ECB reference rate of each half-year plus %(margin)s "
                "percentage points, on the amount due from the day after the due date.",
                statute=text.isolate(jurisdictions.preset(jurisdictions.ITALY_B2B).statute),
                margin=margin,
            )
        if self.policy_id.jurisdiction == jurisdictions.EU_B2B:
            return self.env._(
                "Interest is charged under Directive 2011/7/EU at the reference rate of each half-year plus "
                "%(margin)s percentage points, on the amount due from the day after the due date.",
                margin=margin,
            )
        return self.env._(
            "Interest is charged at the reference rate of each half-year plus %(margin)s percentage points, on the "
            "amount due from the day after the due date.",
            margin=margin,
        )

    @api.private
    def legal_clause(self):
        """What the final notice claims and on which basis, in the reminder's language, as the policy's
        jurisdiction allows (empty: nothing to claim): the statutory interest and compensation of business
        customers in Italy and the EU, the agreed fee of consumers and Saudi customers (no statutory charge), and
        the law of the contract, unnamed, for a policy without jurisdiction."""
        self.ensure_one()
        policy = self.policy_id
        rules = jurisdictions.preset(policy.jurisdiction)
        if rules and not rules.interest:
            return self.env._("The fee above is charged as agreed in our terms of sale.") if self.amount_fee else ""
        if not self.level_id.charge_interest:
            return ""
        if not rules:
            return self.env._(
                "We will also claim the late-payment interest and compensation due under the law that applies to "
                "our contract."
            )
        eur = self.env.ref(f"base.{jurisdictions.STATUTE_CURRENCY}")
        compensation = text.isolate(format_amount(self.env, policy.compensation_amount, eur))
        with_compensation = policy.compensation_amount > 0
        if policy.jurisdiction == jurisdictions.ITALY_B2B:
            statute = text.isolate(rules.statute)
            if with_compensation:
                return self.env._(
                    "Under %(statute)s, late-payment interest runs from the day after each due date, and a flat-rate "
                    "compensation for recovery costs of %(amount)s is due for each invoice.",
                    statute=statute,
                    amount=compensation,
                )
            return self.env._(
                "Under %(statute)s, late-payment interest runs from the day after each due date.", statute=statute
            )
        if with_compensation:
            return self.env._(
                "Under Directive 2011/7/EU, late-payment interest runs from the day after each due date, and a fixed "
                "compensation for recovery costs of %(amount)s is due for each invoice.",
                amount=compensation,
            )
        return self.env._("Under Directive 2011/7/EU, late-payment interest runs from the day after each due date.")

    @api.private
    def currency_totals(self):
        """``[(currency, overdue in that currency)]``: what the letter and e-mail show per invoice currency (a
        template helper, not callable over RPC)."""
        self.ensure_one()
        totals = defaultdict(float)
        for line in self.line_ids:
            totals[line.line_currency_id] += line.amount_residual_currency
        return sorted(totals.items(), key=lambda item: item[0].name)

    # ------------------------------------------------------------------ sending

    def _is_history(self):
        """Sent to the customer, or charged on an invoice: part of the customer's history."""
        self.ensure_one()
        return self.state == "sent" or bool(self.charge_move_id)

    @api.model
    def _last_sent_dates(self, partners, companies, other_than_runs=None):
        """``({partner: date}, {partner: date})``: the last reminder after a due date and the last note before one
        sent to each of ``partners`` in ``companies``, in one query."""
        domain = Domain(
            [("partner_id", "in", partners.ids), ("company_id", "in", companies.ids), ("state", "=", "sent")]
        )
        if other_than_runs:
            domain &= Domain("run_id", "not in", other_than_runs.ids)
        last_reminder, last_note = {}, {}
        for partner, level, day in self._read_group(domain, ["partner_id", "level_id"], ["date:max"]):
            last = last_note if levels.is_pre_due(level.days) else last_reminder
            last[partner] = max(day, last.get(partner, day))
        return last_reminder, last_note

    @api.model_create_multi
    def create(self, vals_list):
        server_side.refuse_outside_actions(self)
        return super().create(vals_list)

    def write(self, vals):
        """A reminder is written by its run's actions and jobs only (and the e-mail failure hook): its history
        cannot be rewritten, not even to a draft that could then be deleted."""
        server_side.check_managed_write(self, vals, self._managed_fields())
        return super().write(vals)

    @api.model
    def _managed_fields(self):
        """Every field but the chatter's."""
        return set(self._fields) - set(self.env["mail.thread"]._fields)

    def unlink(self):
        """Refuse before ``mail.thread`` deletes the chatter: its messages are the sent e-mails the history points
        to (the check below is Odoo's, which runs only after that)."""
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            self._unlink_except_sent()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(reminder._is_history() for reminder in self):
            raise UserError(self.env._("A sent reminder is part of the customer's history: it cannot be deleted."))

    def _lock_pending(self):
        """The reminders of ``self`` this transaction could lock and that are still draft."""
        locked = self.try_lock_for_update()
        locked.invalidate_recordset(["state"])
        return locked.filtered(lambda r: r.state == "draft")

    def _set_state(self, state, failure_reason=False):
        """The reminder's state, mirrored on its lines for the "already sent" indexes of ``fb.dunning.line``."""
        self.sudo().write({"state": state, "failure_reason": failure_reason})
        self.line_ids.sudo().write({"state": state})

    def _reset_to_draft(self):
        self._set_state("draft")

    def _send(self):
        """Send a locked batch of draft reminders of one run: e-mails queued, letters attached, chatter, calls,
        escalation, charges."""
        reminders = self._drop_already_sent()
        reminders._refresh_charges()
        to_mail = reminders.filtered(lambda r: r.level_id.mail_template_id)
        no_address = to_mail.filtered(lambda r: not r.contact_id.email and not r._fb_reachable_without_email())
        if no_address:
            no_address._set_state("failed", self.env._("The customer has no e-mail address."))
            no_address._schedule_calls(self.env._("No e-mail address: call the customer about the overdue invoices."))
        sending = reminders - no_address
        sending.line_ids.move_id._fb_ensure_portal_tokens()
        sending._fb_ensure_portal_tokens()
        mailing = to_mail.filtered(lambda r: r.contact_id.email)
        for template in mailing.level_id.mail_template_id:
            batch = mailing.filtered(lambda r, t=template: r.level_id.mail_template_id == t)
            mails = template.with_context(fb_compile_once=True).send_mail_batch(
                batch.ids, email_layout_xmlid="founder_backoffice.mail_layout_customer"
            )
            batch._link_mails(mails)
        if mailing:
            # the e-mails leave now, not at the mail queue's next hourly call
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        sending._attach_letters()
        sending._fb_send_other_channels()
        sending._log_in_chatter()
        sending.filtered(lambda r: r.level_id.create_activity)._schedule_calls(
            self.env._("Payment reminder sent: follow up by phone.")
        )
        sending._escalate()
        sending._book_charges()
        sending._set_state("sent")

    @api.model
    def _fb_thank_for(self, invoices):
        """Thank the customers whose latest reminder listed some of ``invoices`` (just paid) and is now settled:
        once per reminder, in their language, when their policy says so (``dunning.to_thank``)."""
        listed = self.env["fb.dunning.line"].search([("move_id", "in", invoices.ids), ("state", "=", "sent")])
        candidates = listed.reminder_id.filtered(lambda r: r.policy_id.thank_customers and not r.thanked_date)
        if not candidates:
            return
        later = self.search(
            [
                ("partner_id", "in", candidates.partner_id.ids),
                ("company_id", "in", candidates.company_id.ids),
                ("state", "=", "sent"),
                ("date", ">=", min(candidates.mapped("date"))),
            ]
        )
        sent = [
            dunning.Sent(
                reminder.id,
                (reminder.partner_id.id, reminder.company_id.id),
                reminder.date,
                settled=reminder in candidates and reminder._fb_settled(),
                thanked=bool(reminder.thanked_date),
            )
            for reminder in later | candidates
        ]
        to_thank = self.browse(dunning.to_thank(sent)).filtered(lambda r: r.contact_id.email)
        if not to_thank:
            return
        to_thank.write({"thanked_date": fields.Date.context_today(self)})
        template = self.env.ref("founder_backoffice.mail_template_fb_dunning_thanks")
        template.send_mail_batch(to_thank.ids, email_layout_xmlid="founder_backoffice.mail_layout_customer")
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    def _fb_settled(self):
        """Every item the reminder listed is paid."""
        self.ensure_one()
        return all(
            line.plan_line_id.state == "paid" if line.plan_line_id else line.move_line_id.reconciled
            for line in self.line_ids
        )

    def _fb_reachable_without_email(self):
        """Whether another channel of the level (an add-on's: SMS) reaches the customer when it has no e-mail
        address: the reminder is then sent rather than failed."""
        self.ensure_one()
        return False

    def _fb_send_other_channels(self):
        """Send the batch through the channels add-ons give a level (SMS), after its e-mails were queued."""

    def _link_mails(self, mails):
        """Store each reminder's e-mail and message, in one statement for the whole batch."""
        rows = [(mail.res_id, mail.id, mail.mail_message_id.id) for mail in mails if mail.res_id in self.ids]
        if rows:
            self.flush_recordset()
            self.env.execute_query(
                SQL(
                    """UPDATE fb_dunning_reminder AS reminder
                          SET mail_id = links.mail_id, sent_message_id = links.message_id
                         FROM (VALUES %s) AS links(id, mail_id, message_id)
                        WHERE reminder.id = links.id""",
                    SQL(", ").join(SQL("(%s, %s, %s)", *row) for row in rows),
                )
            )
            self.invalidate_recordset(["mail_id", "sent_message_id"])

    def _drop_already_sent(self):
        """What another run sent since this one was computed: its items lose the level it already sent (with
        the reason), and a reminder is cancelled, with the reason, when nothing new is left to say or when the
        customer was reminded less than the policy's days between reminders ago, or replied to a reminder since
        the preview and waits for an answer. The second of the three "already sent" checks, documented together
        above ``fb.dunning.line``'s unique indexes."""
        items = self.line_ids.filtered("new_level")
        sent_by = {
            (line._source_key(), line.level_id.id): line.run_id
            for line in self.env["fb.dunning.line"].search(
                Domain.OR(Domain(field, "in", items[field].ids) for field in SOURCE_FIELDS.values())
                & Domain([("state", "=", "sent"), ("new_level", "=", True)])
            )
        }
        for item in items:
            run = sent_by.get((item._source_key(), item.level_id.id))
            if run:
                item.sudo().write(
                    {
                        "new_level": False,
                        "skip_reason": self.env._(
                            "Level %(level)s already sent in %(run)s", level=item.level_id.name, run=run.name
                        ),
                    }
                )
        stale = self.filtered(lambda r: not any(r.line_ids.mapped("new_level")))
        stale._set_state("cancelled", self.env._("Every item already received its level in another run."))
        reminders = self - stale
        partners, companies, runs = reminders.partner_id, reminders.company_id, reminders.run_id
        last_reminder, last_note = self._last_sent_dates(partners, companies, runs)
        for reminder in reminders:
            partner = reminder.partner_id
            last = dunning.last_contact(last_reminder.get(partner), last_note.get(partner), reminder.pre_due)
            gap = reminder.policy_id.min_days_between
            if dunning.too_soon(last, reminder.date, gap):
                reminder._set_state(
                    "cancelled",
                    self.env._(
                        "Reminded on %(date)s by another run. Days between reminders in the policy: %(days)s.",
                        date=format_date(self.env, last),
                        days=gap,
                    ),
                )
                stale |= reminder
                continue
            replied = reminder.partner_id.with_company(reminder.company_id).sudo().fb_replied_date
            if replied:
                reminder._set_state(
                    "cancelled", self.env._("Replied on %s, not answered", format_date(self.env, replied))
                )
                stale |= reminder
        return self - stale

    def _refresh_charges(self):
        """Charge what is still due at sending: another run may have charged some of the interest or the
        compensation since this one was computed. Reminders whose charges are already booked keep them."""
        to_check = self.filtered(lambda r: r.level_id.charge_interest and not r.charge_move_id)
        if not to_check:
            return
        items = {}
        for line in to_check.line_ids:
            key = line._source_key()
            if key[1]:
                source = dunning.OverdueSource(
                    line.partner_id.id,
                    line.date_maturity,
                    line.amount_residual,
                    line.amount_residual_currency,
                    line.line_currency_id,
                    line.move_id or None,
                    {},
                )
                items[line] = dunning.ChargeItem(key, line.reminder_id.policy_id, source)
        charges = to_check.run_id._charges_of(list(items.values()), exclude=to_check.line_ids)
        currency = to_check.currency_id
        for line, item in items.items():
            interest, compensation = charges.get(item.key, (0.0, 0.0))
            if currency.compare_amounts(interest, line.interest) or currency.compare_amounts(
                compensation, line.compensation
            ):
                line.sudo().write({"interest": interest, "compensation": compensation})
        for reminder in to_check:
            reminder.sudo().write(
                {
                    "amount_interest": currency.round(sum(reminder.line_ids.mapped("interest"))),
                    "amount_compensation": currency.round(sum(reminder.line_ids.mapped("compensation"))),
                }
            )

    def _attach_letters(self):
        """Keep the PDF letter (in the customer's language) on the reminders of levels that send one, attached to
        their e-mail if they have one."""
        reminders = self.filtered(lambda r: r.level_id.attach_letter)
        letters = reminders._render_letters()
        for reminder in reminders:
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{reminder.with_context(lang=reminder.lang)._letter_filename()}.pdf",
                    "raw": letters[reminder.id],
                    "res_model": self._name,
                    "res_id": reminder.id,
                    "mimetype": "application/pdf",
                }
            )
            if reminder.mail_id:  # the e-mail this run just queued: outgoing mails are the administrator's to edit
                reminder.mail_id.sudo().attachment_ids = [Command.link(attachment.id)]

    def _render_letters(self):
        """``{reminder id: letter}``: the whole batch in one wkhtmltopdf call where Odoo can split the result per
        reminder (a patched-Qt build), else one call per letter (Odoo refuses several documents then)."""
        Report = self.env["ir.actions.report"]
        batches = [self] if len(self) > 1 and _wkhtml().is_patched_qt else list(self)
        letters = {}
        for batch in batches:
            rendered, kind = Report._pre_render_qweb_pdf(LETTER_REPORT, batch.ids)
            if kind != "pdf":  # test mode renders HTML
                letters.update(dict.fromkeys(batch.ids, rendered))
            elif len(batch) == 1 or all(rendered.get(rid, {}).get("stream") for rid in batch.ids):
                letters.update({rid: rendered[rid]["stream"].getvalue() for rid in batch.ids})
            else:  # Odoo could not split the batch's PDF per reminder
                for reminder in batch:
                    letters.update(reminder._render_letters())
        return letters

    def _letter_filename(self):
        return self.env._("Payment reminder %(customer)s %(date)s", customer=self.partner_id.name, date=self.date)

    def _log_in_chatter(self):
        """Log each reminder on the customer and on each of its invoices, each note one sentence for the
        translators with the level (a link to the reminder) and the amount set into it."""
        partner_bodies, move_bodies = {}, defaultdict(list)
        for reminder in self:
            link = Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (
                self._name,
                reminder.id,
                reminder.level_id.name,
            )
            partner_bodies[reminder.partner_id.id] = self.env._(
                "Payment reminder sent at level %(level)s, for %(amount)s.",
                level=link,
                amount=text.isolate(reminder.currency_id.format(reminder.amount_total)),
            )
            for line in reminder.line_ids.filtered("move_id"):
                if line.level_id:
                    body = self.env._(
                        "Payment reminder sent at level %(level)s; this invoice reached level %(invoice_level)s.",
                        level=link,
                        invoice_level=line.level_id.name,
                    )
                else:
                    body = self.env._(
                        "Payment reminder sent at level %(level)s; this invoice is listed in it without a level of "
                        "its own.",
                        level=link,
                    )
                move_bodies[line.move_id.id].append(body)
        self._log_notes("res.partner", partner_bodies)
        self._log_notes(
            "account.move", {move_id: Markup("<br/>").join(bodies) for move_id, bodies in move_bodies.items()}
        )

    @api.model
    def _log_notes(self, model, bodies):
        """Log ``{record id: body}`` as internal notes in one statement: the messages ``_message_log_batch``
        would create (no notification), without the ORM's per-message work for the thousands of invoices of a
        run. The bodies are markup built here from escaped values."""
        if not bodies:
            return
        Thread = self.env[model]
        author_id, email_from = Thread._message_compute_author(None, None)
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from, author_id=author_id)[False]
        self.env.execute_query(
            SQL(
                """INSERT INTO mail_message (model, res_id, body, message_type, subtype_id, is_internal, author_id,
                                             email_from, reply_to, message_id, email_add_signature, date,
                                             create_uid, write_uid, create_date, write_date)
                   SELECT %(model)s, notes.res_id, notes.body, 'notification', %(subtype)s, TRUE,
                          %(author)s, %(email_from)s, %(reply_to)s, notes.message_id, FALSE,
                          %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                     FROM unnest(%(res_ids)s::int4[], %(bodies)s::text[], %(message_ids)s::text[])
                          AS notes(res_id, body, message_id)""",
                model=model,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author=author_id,
                email_from=email_from or None,
                reply_to=reply_to or None,
                # one Message-Id per message, as mail.message gives a message of a record
                message_ids=[generate_tracking_message_id(f"{res_id}-{model}") for res_id in bodies],
                now=SQL("(now() at time zone 'UTC')"),
                uid=self.env.uid,
                res_ids=list(bodies),
                bodies=[str(body) for body in bodies.values()],
            )
        )
        Thread.browse(bodies).invalidate_recordset(["message_ids"])

    # ------------------------------------------------------------------ replies

    def _message_post_after_hook(self, message, msg_values):
        """The customer's reply to a reminder (through the mail gateway, or the portal) pauses its dunning; a
        collector's answer on the reminder ends the pause."""
        result = super()._message_post_after_hook(message, msg_values)
        if self._fb_is_customer_reply(message):
            self.sudo()._fb_customer_replied(message)
        elif is_staff_answer(message):
            self.partner_id._fb_end_reply_pause(self.company_id)
        return result

    def _fb_is_customer_reply(self, message):
        """Whether ``message`` is a message to us from the customer or one of its contacts (by author or address)."""
        self.ensure_one()
        message = message.sudo()
        if message.message_type not in ("email", "comment") or message.is_internal or message.subtype_id.internal:
            return False
        customer = self.partner_id.commercial_partner_id.sudo()
        if message.author_id and message.author_id.commercial_partner_id == customer:
            return True
        email = email_normalize(message.email_from)
        return bool(email) and bool(
            customer.search_count([("id", "child_of", customer.id), ("email_normalized", "=", email)], limit=1)
        )

    def _fb_customer_replied(self, message):
        """Unless it is an automatic answer, the customer waits for us in the reminder's company from its first
        unanswered reply; its collector gets an activity (one at a time), and a payment date the reply states
        becomes a promise proposed to the collector."""
        self.ensure_one()
        headers = self.env.context.get("fb_reply_headers") or {}
        if replies.is_auto_reply(headers, message.subject or ""):
            return
        text = self._fb_reply_text(message.body)
        words = textwrap.shorten(text, REPLY_EXCERPT, placeholder=" ...")
        day = fields.Date.context_today(self, message.date)
        customer = self.partner_id.with_company(self.company_id).sudo()
        if not customer.fb_replied_date:
            customer.fb_replied_date = day
        promise = self._fb_propose_promise(text, day, words)
        self._fb_schedule_reply_activity(words, promise)

    @api.model
    def _fb_reply_text(self, body):
        """The customer's own words in a reply's HTML body: without what Odoo marks as quoted text or signature
        (``data-o-mail-quote``, as its chatter folds them), then as the engine reads it."""
        if not body:
            return ""
        tree = lxml_html.fragment_fromstring(str(body), create_parent="div")
        for quote in tree.xpath("//*[@data-o-mail-quote]"):
            quote.drop_tree()
        return replies.own_text(html2plaintext(lxml_html.tostring(tree, encoding="unicode")))

    def _fb_propose_promise(self, text, day, words):
        """The promise to pay a reply states, for the collector to confirm: by the date it states, for the amount
        it states, else the reminder's total, at most what is still owed on the reminder's open invoices."""
        pay_by = replies.promised_date(text, day)
        invoices = self.line_ids.move_id.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.state == "posted"
            and move.payment_state in ("not_paid", "partial")
        )
        if not pay_by or not invoices:
            return self.env["fb.promise"]
        owed = sum(invoices.mapped("amount_residual_signed"))
        amount = self.currency_id.round(min(replies.promised_amount(text) or self.amount_total, owed))
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            return self.env["fb.promise"]
        return (
            self.env["fb.promise"]
            .sudo()
            .create(
                {
                    "state": "proposed",
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "move_ids": [Command.set(invoices.ids)],
                    "amount": amount,
                    "date": day,
                    "promised_date": pay_by,
                    "collector_id": self._responsible_user().id,
                    "note": self.env._(
                        "Read in the customer's reply to %(reminder)s: %(words)s",
                        reminder=self.display_name,
                        words=words,
                    ),
                }
            )
        )

    def _fb_schedule_reply_activity(self, words, promise):
        """An activity for the collector on the customer, unless one is still open, and one on the proposed
        promise."""
        user = self._responsible_user()
        if promise:
            promise.activity_schedule(
                REPLY_ACTIVITY,
                summary=self.env._("Confirm the promise to pay proposed by the customer's reply"),
                note=plaintext2html(words),
                user_id=promise.collector_id.id,
            )
        customer = self.partner_id.sudo()
        if customer.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(REPLY_ACTIVITY)):
            return
        customer.activity_schedule(
            REPLY_ACTIVITY,
            summary=self.env._("Customer replied to a payment reminder"),
            note=plaintext2html(words),
            user_id=user.id,
        )

    def _responsible_user(self):
        """Who follows the customer up: its collector, else the salesperson of its oldest overdue invoice."""
        self.ensure_one()
        collector = self.partner_id.with_company(self.company_id).fb_collector_id
        user = collector or self.line_ids[:1].move_id.invoice_user_id or self.partner_id.user_id
        if not user or user._is_superuser():
            user = self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        return user

    def _schedule_calls(self, note):
        """A collections call on each customer, unless one is still open: retrying a reminder (a missing e-mail
        address, a bounce) does not pile up calls."""
        activity_type = self.env.ref("founder_backoffice.mail_activity_type_collections_call")
        deadline = activity_type._get_date_deadline()
        open_calls = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.partner_id.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        called = set(open_calls.mapped("res_id"))
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": reminder.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._("Collections call: %s", reminder.level_id.name),
                    "note": note,
                    "user_id": reminder._responsible_user().id,
                    "date_deadline": deadline,
                }
                for reminder in self
                if reminder.partner_id.id not in called
            ]
        )

    def _escalate(self):
        for reminder in self.filtered(lambda r: r.level_id.escalate_credit_hold):
            reminder.partner_id.with_company(reminder.company_id)._fb_put_on_credit_hold(
                self.env._(
                    "Dunning level %(level)s on %(date)s",
                    level=reminder.level_id.name,
                    date=format_date(self.env, reminder.date),
                )
            )
        handover = self.filtered(lambda r: r.level_id.escalate_user_id)
        if handover:
            todo = self.env.ref("mail.mail_activity_data_todo")
            self.env["mail.activity"].create(
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                        "res_id": reminder.partner_id.id,
                        "activity_type_id": todo.id,
                        "summary": self.env._("Escalated collection case: %s", reminder.level_id.name),
                        "user_id": reminder.level_id.escalate_user_id.id,
                        "date_deadline": fields.Date.context_today(self),
                    }
                    for reminder in handover
                ]
            )

    def _book_charges(self):
        """Invoice the fees, interest and compensation when the policy says so: one invoice per reminder, once
        (a retried reminder keeps the invoice booked the first time)."""
        to_book = self.filtered(
            lambda r: not r.charge_move_id
            and r.policy_id.fee_booking != "none"
            and r.currency_id.compare_amounts(r.amount_charges, 0) > 0
        )
        if not to_book:
            return
        moves = self.env["account.move"].create([reminder._charge_move_vals() for reminder in to_book])
        for reminder, move in zip(to_book, moves, strict=True):
            reminder.sudo().charge_move_id = move
        to_book.filtered(lambda r: r.policy_id.fee_booking == "posted").charge_move_id.action_post()

    def _charge_move_vals(self):
        """The charges invoice, in the customer's language: the interest and compensation named with the law of the
        policy's jurisdiction; where the company's country taxes them apart (Italy: outside the VAT base), they
        carry its chart's tax of that kind and the invoice says so, with the stamp duty above its threshold."""
        self.ensure_one()
        product = self.policy_id.fee_product_id
        env = self.with_context(lang=self.lang).env
        jurisdiction = self.policy_id.jurisdiction
        if jurisdiction == jurisdictions.ITALY_B2B:
            statute = jurisdictions.preset(jurisdiction).statute
            interest_label = env._("Late-payment interest (%(statute)s)", statute=statute)
            compensation_label = env._("Flat-rate compensation for recovery costs (%(statute)s)", statute=statute)
        elif jurisdiction == jurisdictions.EU_B2B:
            interest_label = env._("Late-payment interest (Directive 2011/7/EU)")
            compensation_label = env._("Recovery compensation (Directive 2011/7/EU)")
        else:
            interest_label = env._("Late-payment interest")
            compensation_label = env._("Recovery compensation")
        treatment = jurisdictions.charge_tax(self.company_id.account_fiscal_country_id.code)
        outside_vat = self.env["account.tax"]
        if treatment:
            chart = self.env["account.chart.template"].with_company(self.company_id)
            outside_vat = chart.ref(treatment.chart_tax, raise_if_not_found=False) or outside_vat
        lines = []
        for label, amount, taxes in (
            (env._("Reminder fee"), self.amount_fee, self.env["account.tax"]),
            (interest_label, self.amount_interest, outside_vat),
            (compensation_label, self.amount_compensation, outside_vat),
        ):
            if self.currency_id.compare_amounts(amount, 0) > 0:
                lines.append(
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": label,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.set(taxes.ids)],
                        }
                    )
                )
        vals = {
            "move_type": "out_invoice",
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "invoice_date": self.date,
            "currency_id": self.currency_id.id,
            "invoice_origin": self.run_id.name,
            "invoice_line_ids": lines,
        }
        excluded = self.amount_interest + self.amount_compensation
        if treatment and self.currency_id.compare_amounts(excluded, 0) > 0:
            notes = [
                env._(
                    "Late-payment interest and recovery compensation are outside the scope of VAT (%(law)s, "
                    "nature %(nature)s).",
                    law=treatment.law,
                    nature=treatment.nature,
                )
            ]
            eur = self.env.ref(f"base.{jurisdictions.STATUTE_CURRENCY}")
            limit = eur._convert(float(treatment.stamp_duty_threshold), self.currency_id, self.company_id, self.date)
            if jurisdictions.stamp_duty_due(treatment, excluded, limit):
                notes.append(
                    env._(
                        "Stamp duty of %(duty)s applies to this invoice: its amounts outside the scope of VAT exceed "
                        "%(threshold)s.",
                        duty=format_amount(env, float(treatment.stamp_duty), eur),
                        threshold=format_amount(env, float(treatment.stamp_duty_threshold), eur),
                    )
                )
            vals["narration"] = Markup("").join(Markup("<p>%s</p>") % note for note in notes)
        return vals

    # ------------------------------------------------------------------ collections page (portal)

    @api.private
    def collections_qr_src(self):
        """The QR code of the collections page, as Odoo's barcode route draws it (a letter's template helper)."""
        self.ensure_one()
        query = urlencode({"barcode_type": "QR", "value": self.collections_url, "width": 240, "height": 240})
        return f"/report/barcode/?{query}"

    def _fb_ensure_portal_tokens(self):
        """Give every reminder of ``self`` the token of its collections page at once, as its invoices get theirs."""
        server_side.ensure_access_tokens(self, "collections_url")

    def _fb_portal_current(self):
        """Whether the reminder's page still speaks for the company: the reminder was sent, and no reminder was
        sent to the customer in the same company after it (the newer one's page replaces it)."""
        self.ensure_one()
        if self.state != "sent":
            return False
        newer = Domain(
            [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id), ("state", "=", "sent")]
        ) & (Domain("date", ">", self.date) | (Domain("date", "=", self.date) & Domain("id", ">", self.id)))
        return not self.sudo().search_count(newer, limit=1)

    def _fb_count_portal_action(self):
        """Count one more action of the customer on the page in this clock hour and return the hour's count.
        The update locks the reminder's row, so two submissions of the page at once (a double click) run one
        after the other and the second finds what the first did."""
        self.ensure_one()
        [(count,)] = self.env.execute_query(
            SQL(
                """UPDATE fb_dunning_reminder
                      SET portal_action_count = CASE WHEN portal_window_start = %(hour)s
                                                     THEN COALESCE(portal_action_count, 0) + 1 ELSE 1 END,
                          portal_window_start = %(hour)s
                    WHERE id = %(id)s
                RETURNING portal_action_count""",
                hour=SQL("date_trunc('hour', now() at time zone 'UTC')"),
                id=self.id,
            )
        )
        self.invalidate_recordset(["portal_action_count", "portal_window_start"])
        return count

    def _fb_customer(self):
        return self.partner_id.commercial_partner_id

    def _fb_staff(self, collector):
        """The reminder in the collector's language: what the page logs and schedules is read by the staff, while
        its answers are in the customer's."""
        return self.with_context(lang=collector.lang or self.company_id.partner_id.lang or "en_US")

    def _fb_open_items(self):
        """The customer's open receivable items in the reminder's company today, oldest due first (whatever the
        reminder listed: the page shows what is open now)."""
        self.ensure_one()
        domain = self.env["fb.receivable"]._open_items_domain(self.company_id) & Domain(
            "partner_id", "child_of", self._fb_customer().id
        )
        return self.env["account.move.line"].search(domain, order="date_maturity, id")

    def _fb_open_invoices(self):
        """The customer's invoices in the company on which something is still due: what the page acts on."""
        return self._fb_open_items().move_id.filtered(
            lambda move: move.move_type == "out_invoice" and move.payment_state in ("not_paid", "partial")
        )

    def _fb_overdue_invoices(self):
        """The open invoices of the page with an overdue item today: what a promise covers unless the customer
        chooses."""
        overdue = self.env["account.move"].search(
            self.env["fb.receivable"]._overdue_invoices_domain(
                fields.Date.context_today(self), self.company_id, self._fb_customer()
            )
        )
        return self._fb_open_invoices() & overdue

    def _fb_proposed_plans(self):
        """The payment plans of the customer in the company that the page shows: proposed, or running."""
        return self.env["fb.payment.plan"].search(
            [
                ("partner_id", "child_of", self._fb_customer().id),
                ("company_id", "=", self.company_id.id),
                ("state", "in", ("proposed", "active")),
            ]
        )

    def _fb_check_invoices(self, moves):
        """``moves`` (invoices the customer chose on the page) as the customer's open invoices, or a
        ``UserError`` that names what is wrong: paid already, or not one of the customer's open invoices."""
        open_invoices = self._fb_open_invoices()
        strangers = moves - open_invoices
        if not strangers:
            return moves
        paid = strangers.filtered(
            lambda move: move.company_id == self.company_id
            and move.commercial_partner_id == self._fb_customer()
            and move.state == "posted"
            and move.payment_state not in ("not_paid", "partial")
        )
        if paid:
            raise UserError(
                self.env._("Invoice %s is already paid: thank you.", format_list(self.env, paid.mapped("name")))
            )
        raise UserError(self.env._("This page cannot act on the chosen invoices: choose among the open ones."))

    def _fb_log_customer_action(self, body, moves):
        """What the customer did on the page, in the customer's chatter and in each invoice's."""
        customer = self._fb_customer()
        link = Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (
            self._name,
            self.id,
            self.level_id.name,
        )
        body = self.env._("%(action)s (on the collections page of reminder %(reminder)s)", action=body, reminder=link)
        for record in (customer, *moves):
            record._message_log(body=body, author_id=customer.id)

    def _fb_portal_promise(self, moves, pay_by, amount):
        """The customer promises on the page to pay ``amount`` on ``moves`` by ``pay_by``: an open promise, as a
        collector records it, which holds the invoices' dunning until then. Returns the page's message; the same
        promise made again changes nothing."""
        self.ensure_one()
        moves = self._fb_check_invoices(moves)
        if not moves:
            raise UserError(self.env._("Choose the invoices you promise to pay."))
        today = fields.Date.context_today(self)
        if not agreements.promise_date_ok(today, pay_by):
            raise UserError(
                self.env._(
                    "Choose a date from today to %(days)s days from now; for a longer delay, please contact us about "
                    "a payment plan.",
                    days=agreements.PROMISE_MAX_DAYS,
                )
            )
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("Enter the amount you promise to pay."))
        promised = self.env["fb.promise"].search(
            [("move_ids", "in", moves.ids), ("state", "=", "open"), ("company_id", "=", self.company_id.id)]
        )
        same = promised.filtered(
            lambda p: p.move_ids == moves
            and p.promised_date == pay_by
            and not self.currency_id.compare_amounts(p.amount, amount)
        )
        if same:
            return self.env._(
                "Your promise to pay by %s is already recorded: thank you.", format_date(self.env, pay_by)
            )
        if promised:
            raise UserError(
                self.env._(
                    "Invoice %(invoices)s already has a promise to pay by %(date)s.",
                    invoices=format_list(self.env, (promised.move_ids & moves).mapped("name")),
                    date=format_date(self.env, min(promised.mapped("promised_date"))),
                )
            )
        collector = self._responsible_user()
        staff = self._fb_staff(collector)
        promise = self.env["fb.promise"].create(
            {
                "partner_id": self._fb_customer().id,
                "company_id": self.company_id.id,
                "move_ids": [Command.set(moves.ids)],
                "amount": amount,
                "promised_date": pay_by,
                "collector_id": collector.id,
                "note": staff.env._("Promised by the customer on the collections page."),
            }
        )
        promise.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=today,
            summary=staff.env._("Promise to pay made by the customer online"),
            user_id=collector.id,
        )
        staff._fb_log_customer_action(
            staff.env._(
                "The customer promised to pay %(amount)s by %(date)s",
                amount=self.currency_id.format(amount),
                date=format_date(staff.env, pay_by),
            ),
            moves,
        )
        return self.env._("Thank you: your promise to pay by %s is recorded.", format_date(self.env, pay_by))

    def _fb_portal_dispute(self, move, reason, message, attachment=None):
        """The customer disputes ``move`` on the page: an open dispute (which holds the invoice's dunning) with
        the reason, the message and the file ``attachment`` (``(name, raw, mimetype)``, checked by the caller).
        Returns the page's message; an invoice already disputed changes nothing."""
        self.ensure_one()
        if len(move) != 1:
            raise UserError(self.env._("Choose the invoice you dispute."))
        move = self._fb_check_invoices(move)
        reasons = dict(self.env["fb.dispute"]._fields["reason"]._description_selection(self.env))
        if reason not in reasons:
            raise UserError(self.env._("Choose the reason of your dispute."))
        message = (message or "").strip()
        if not message:
            raise UserError(self.env._("Tell us what is wrong with the invoice."))
        if len(message) > portal.MAX_MESSAGE_CHARS:
            raise UserError(self.env._("Your message is too long: at most %s characters.", portal.MAX_MESSAGE_CHARS))
        if self.env["fb.dispute"].search_count([("move_id", "=", move.id), ("state", "=", "open")], limit=1):
            return self.env._("Invoice %s is already disputed: we are looking into it.", move.name)
        collector = self._responsible_user()
        dispute = self.env["fb.dispute"].create({"move_id": move.id, "reason": reason, "note": message})
        attachments = self.env["ir.attachment"]
        if attachment:
            name, raw, mimetype = attachment
            attachments = self.env["ir.attachment"].create(
                {"name": name, "raw": raw, "mimetype": mimetype, "res_model": dispute._name, "res_id": dispute.id}
            )
        dispute._message_log(body=message, author_id=self._fb_customer().id, attachment_ids=attachments.ids)
        dispute.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            summary=self._fb_staff(collector).env._("Dispute raised by the customer online"),
            user_id=collector.id,
        )
        staff = self._fb_staff(collector)
        staff_reasons = dict(self.env["fb.dispute"]._fields["reason"]._description_selection(staff.env))
        staff._fb_log_customer_action(
            staff.env._(
                "The customer disputed the invoice (%(reason)s): %(message)s",
                reason=staff_reasons[reason],
                message=message,
            ),
            move,
        )
        return self.env._("Thank you: we received your dispute of invoice %s and will answer you.", move.name)

    def _fb_portal_accept_plan(self, plan):
        """The customer accepts on the page the payment plan a collector proposed: it runs from today. Returns
        the page's message; a plan already accepted changes nothing."""
        self.ensure_one()
        if plan not in self._fb_proposed_plans():
            raise UserError(self.env._("This payment plan is not open to acceptance on this page."))
        if plan.state == "active":
            return self.env._("You have already accepted this payment plan: thank you.")
        today = fields.Date.context_today(self)
        if any(line.date_due < today for line in plan.line_ids):
            raise UserError(
                self.env._("This proposal has expired: its first instalment was due already. Please contact us.")
            )
        staff = self._fb_staff(self._responsible_user())
        plan.with_env(staff.env)._fb_accept_by_customer()
        staff._fb_log_customer_action(
            staff.env._("The customer accepted the payment plan %s", plan.name), plan.move_ids
        )
        return self.env._("Thank you: your payment plan is agreed. Its instalments are below.")
