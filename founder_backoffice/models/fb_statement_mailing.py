import logging

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..engine import statements
from ..tools import server_side

_logger = logging.getLogger(__name__)

# First key of the PostgreSQL advisory lock a company's statement sender holds (the second is the company id).
STATEMENT_LOCK = 0xFBD5
TEMPLATE = "founder_backoffice.mail_template_fb_statement"
LAYOUT = "founder_backoffice.mail_layout_customer"


class FbStatementMailing(models.Model):
    """The monthly statement of a customer in a company: one row per company, customer and month, planned by the
    monthly job and sent by it in batches, each one transaction under the company's lock, so that a job stopped
    half-way goes on where it stopped and nobody receives a month's statement twice."""

    _name = "fb.statement.mailing"
    _description = "Monthly statement"
    _order = "month desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, readonly=True, index=True, check_company=True
    )
    lang = fields.Selection(related="partner_id.lang")
    month = fields.Date(required=True, readonly=True, help="The first day of the month the statement belongs to.")
    balance = fields.Monetary(
        "Open balance", readonly=True, currency_field="currency_id", help="What the customer owed when planned."
    )
    state = fields.Selection(
        [("to_send", "To send"), ("sent", "Sent"), ("failed", "Failed")],
        default="to_send",
        required=True,
        readonly=True,
        index=True,
    )
    date_sent = fields.Datetime("Sent on", readonly=True)
    mail_id = fields.Many2one("mail.mail", "E-mail", readonly=True, index="btree_not_null", ondelete="set null")
    failure_reason = fields.Text(readonly=True)

    _company_partner_month_uniq = models.Constraint(
        "UNIQUE(company_id, partner_id, month)", "A customer receives one statement per company and month."
    )

    # Statements sent per transaction: each renders its PDF.
    SEND_BATCH = 50

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_send_monthly_statements(self):
        """Daily: for each company whose statement day of this month has come, plan the month's statements (once),
        then send them in batches; each call reports what is left, so Odoo calls it again until every company is
        done, and goes on from the rows already in the database.

        Each statement is the customer's statement as of the day it is sent, covering the three months before it,
        as the one sent from the customer's form: its PDF is attached, the e-mail and the PDF are in the
        customer's language and name the company whose statement it is.
        """
        today = fields.Date.context_today(self)
        month = statements.month_of(today)
        Cron = self.env["ir.cron"]
        self._expire_unsent(month)
        companies = self.env["res.company"].search([("fb_statement_day", ">", 0)], order="id")
        companies = companies.filtered(lambda company: statements.mailing_month(company.fb_statement_day, today))

        def remaining():
            to_plan = len(companies.filtered(lambda company: company.fb_statement_month != month))
            return to_plan + self.search_count(
                [("company_id", "in", companies.ids), ("month", "=", month), ("state", "=", "to_send")]
            )

        Cron._commit_progress(remaining=remaining())
        for company in companies:
            if not self.with_company(company)._send_company(company.id, month, remaining):
                return
        Cron._commit_progress(remaining=remaining())

    def _send_company(self, company_id, month, remaining):
        """Plan then send ``month``'s statements of one company, one committed step at a time, each starting with
        the company's lock. Returns False when the job's time is up (its next call goes on)."""
        Cron = self.env["ir.cron"]
        company = self.env["res.company"].browse(company_id)
        while True:
            if not self._try_lock_company(company_id):
                _logger.info("statements of company %s are being sent by another worker", company_id)
                return True
            try:
                if company.fb_statement_month != month:
                    _result, error = self._isolated(
                        lambda: self._plan(company, month), "statements of %s could not be planned", company.name
                    )
                    if error:  # left to the next day's call: nothing of the month was planned
                        Cron._commit_progress(remaining=remaining())
                        return True
                    if not Cron._commit_progress(1, remaining=remaining()):
                        return False
                    continue
                with self.env.cr.savepoint():
                    batch = self._next_batch(company_id, month)
            except SerializationFailure:
                _logger.info(
                    "statements of company %s: another sender committed meanwhile, left to the next call", company_id
                )
                Cron._commit_progress(remaining=remaining())
                return True
            if not batch:
                Cron._commit_progress(remaining=remaining())
                return True
            _result, error = self._isolated(batch._send, "statements %s could not be sent", batch.ids)
            if error:  # send the batch one by one: only the statements that fail are failed
                for mailing in batch:
                    _result, error = self._isolated(mailing._send, "statement %s could not be sent", mailing.id)
                    if error:
                        mailing._fail(error)
            if not Cron._commit_progress(len(batch), remaining=remaining()):
                return False

    def _plan(self, company, month):
        """Plan ``month``'s statements of ``company``: a row for each customer who receives one (the engine's rule
        on its open balance, opt-out and e-mail), none twice (the unique key), and the month marked planned so
        that a customer owing something later in the month waits for the next one."""
        self.env.flush_all()  # the open items are read in SQL
        items = self.env["fb.receivable"]._open_items_query([company.id])
        balances = dict(
            self.env.execute_query(
                SQL(
                    "SELECT partner_id, SUM(residual) FROM (%s) items WHERE partner_id IS NOT NULL GROUP BY partner_id",
                    items,
                )
            )
        )
        partners = self.env["res.partner"].with_company(company).browse(balances).sudo()
        customers = [
            statements.Customer(partner.id, float(balances[partner.id]), partner.fb_no_statement, partner.email)
            for partner in partners
        ]
        recipients = statements.recipients(customers, company.currency_id.rounding)
        keys = [statements.mailing_key(company.id, partner_id, month) for partner_id in recipients]
        if keys:
            companies, partner_ids, months = zip(*keys, strict=True)
            self.env.execute_query(
                SQL(
                    """INSERT INTO fb_statement_mailing (company_id, partner_id, month, balance, state,
                                                         create_uid, write_uid, create_date, write_date)
                       SELECT rows.company_id, rows.partner_id, rows.month, rows.balance, 'to_send',
                              %(uid)s, %(uid)s, %(now)s, %(now)s
                         FROM unnest(%(companies)s::int4[], %(partners)s::int4[], %(months)s::date[],
                                     %(balances)s::numeric[]) AS rows(company_id, partner_id, month, balance)
                           ON CONFLICT (company_id, partner_id, month) DO NOTHING""",
                    uid=self.env.uid,
                    now=SQL("(now() at time zone 'UTC')"),
                    companies=list(companies),
                    partners=list(partner_ids),
                    months=list(months),
                    balances=[balances[partner_id] for partner_id in partner_ids],
                )
            )
        company.sudo().fb_statement_month = month

    def _next_batch(self, company_id, month):
        """The company's next statements of ``month`` to send that this transaction could lock."""
        pending = Domain([("company_id", "=", company_id), ("month", "=", month), ("state", "=", "to_send")])
        batch = self.search(pending, limit=self.SEND_BATCH, order="id").try_lock_for_update()
        batch.invalidate_recordset(["state"])
        return batch.filtered(lambda mailing: mailing.state == "to_send")

    def _send(self):
        """Queue the statements of one company (a locked batch): the statement template rendered for each customer
        in its language, the statement PDF attached; a customer left without an e-mail address fails."""
        no_address = self.filtered(lambda mailing: not mailing.partner_id.email)
        for mailing in no_address:
            mailing._fail(UserError(self.env._("The customer has no e-mail address.")))
        sending = self - no_address
        if not sending:
            return
        template = self.env.ref(TEMPLATE).with_company(sending.company_id).with_context(fb_compile_once=True)
        mails = template.send_mail_batch(
            sending.partner_id.ids, email_layout_xmlid=LAYOUT, email_values={"auto_delete": False}
        )
        mail_of = {mail.res_id: mail for mail in mails}
        now = fields.Datetime.now()
        for mailing in sending:
            mailing.sudo().write({"state": "sent", "mail_id": mail_of[mailing.partner_id.id].id, "date_sent": now})
        # the e-mails leave now, not at the mail queue's next call
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    def _fail(self, error):
        reason = str(error) if isinstance(error, UserError) else f"{type(error).__name__}: {error}"
        self.sudo().write({"state": "failed", "failure_reason": reason})

    @api.model
    def _expire_unsent(self, month):
        """Statements of a month before ``month`` still to send (their company stopped the statements, or the job
        could not finish before the month ended) fail with the reason: a statement is not sent a month late."""
        stale = self.sudo().search([("state", "=", "to_send"), ("month", "<", month)])
        if stale:
            stale._fail(UserError(self.env._("Not sent: its month ended before the job could send it.")))

    @api.model
    def _isolated(self, function, message, *args):
        """``server_side.isolated`` with this module's log: one batch's failure does not stop the others."""
        return server_side.isolated(self.env, _logger, function, message, *args)

    def _try_lock_company(self, company_id):
        """Take the company's statement lock for this transaction: one sender per company at a time."""
        [(locked,)] = self.env.execute_query(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", STATEMENT_LOCK, company_id)
        )
        return locked
