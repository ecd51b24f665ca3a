from datetime import datetime, time, timedelta

from pytz import timezone

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import periods, statements, workdays
from .fb_receivable import EXPENSE_TYPES


class ResCompany(models.Model):
    _inherit = "res.company"

    fb_dunning_mode = fields.Selection(
        [("off", "Off"), ("draft", "Prepare a run to review"), ("send", "Send automatically")],
        "Daily dunning",
        default="draft",
        required=True,
        help="What the daily dunning job does on working days: nothing, prepare a draft run for you to review "
        "and send, or send the reminders itself.",
    )

    fb_statement_day = fields.Integer(
        "Monthly statements day",
        default=statements.DAY_OFF,
        help="Day of the month (1 to 28) on which each customer who owes the company something receives the "
        "statement of its account by e-mail. 0: no monthly statements.",
    )
    fb_statement_month = fields.Date(
        "Monthly statements planned for",
        readonly=True,
        copy=False,
        help="The last month whose statements the monthly job planned (its first day).",
    )

    fb_payroll_account_ids = fields.Many2many(
        "account.account",
        "fb_company_payroll_account_rel",
        "company_id",
        "account_id",
        string="Payroll accounts",
        help="Accounts of salaries and their social charges: the cash-flow report shows what is paid on them as "
        "payroll.",
    )
    fb_marketing_account_ids = fields.Many2many(
        "account.account",
        "fb_company_marketing_account_rel",
        "company_id",
        "account_id",
        string="Marketing accounts",
        domain=[("account_type", "in", EXPENSE_TYPES)],
        help="Expense accounts of marketing and advertising: the spend behind the customer acquisition cost.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A new company's KPI history is computed right away by the snapshot job (once its chart of accounts is
        there), so the dashboard's trend lines do not wait for the night."""
        companies = super().create(vals_list)
        if job := self.env.ref("founder_backoffice.ir_cron_fb_kpi_snapshot", raise_if_not_found=False):
            job._trigger()
        return companies

    @api.constrains("fb_statement_day")
    def _check_fb_statement_day(self):
        """A statement day every month has: the job never waits for a 30th in February."""
        for company in self:
            if not statements.is_valid_day(company.fb_statement_day):
                raise ValidationError(
                    self.env._(
                        "The day of the monthly statements is 0 (none) or a day from %(first)s to %(last)s, which "
                        "every month has.",
                        first=statements.FIRST_DAY,
                        last=statements.LAST_DAY,
                    )
                )

    def _fb_liquidity_accounts(self):
        """``(bank and cash accounts, cash in transit accounts)`` of the company.

        In Community a registered payment sits on an outstanding receipts/payments account until the bank
        statement is reconciled, so money counts as cash once it is on any of these ("cash in
        transit"). Transit = the journals' payment method accounts, the outstanding accounts payments
        were posted on, and the internal transfer account.
        """
        self.ensure_one()
        bank = self.env["account.account"].search([("account_type", "=", "asset_cash"), ("company_ids", "in", self.id)])
        journals = self.env["account.journal"].search([("company_id", "=", self.id), ("type", "in", ("bank", "cash"))])
        transit = (
            journals.inbound_payment_method_line_ids.payment_account_id
            | journals.outbound_payment_method_line_ids.payment_account_id
            | self.transfer_account_id
        )
        used = self.env["account.payment"]._read_group(
            [("company_id", "=", self.id), ("outstanding_account_id", "!=", False)], ["outstanding_account_id"]
        )
        transit |= self.env["account.account"].union(*(account for [account] in used))
        return bank, transit - bank

    def _fb_working_calendar(self, date_from, date_to):
        """``(working weekdays, holidays)`` of the company's working-time calendar between two dates.

        Weekdays are Monday=0 as in ``resource.calendar.attendance.dayofweek``; holidays are the days the
        calendar's company-wide leaves cover in the calendar's time zone (a holiday entered from midnight in
        Rome is stored from 22:00 or 23:00 UTC the day before). Without a calendar, Monday to Friday.
        """
        self.ensure_one()
        calendar = self.resource_calendar_id
        if not calendar:
            return frozenset(range(5)), set()
        weekdays = frozenset(int(day) for day in calendar.attendance_ids.mapped("dayofweek"))
        tz = timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.combine(date_from, time.min))
        end = tz.localize(datetime.combine(date_to, time.max))
        leaves = calendar._leave_intervals_batch(
            start, end, domain=[("time_type", "=", "leave"), ("company_id", "in", (self.id, False))]
        )[False]
        holidays = set()
        for leave_start, leave_end, _leave in leaves:
            day, last = leave_start.date(), (leave_end - timedelta(microseconds=1)).date()
            while day <= last:
                holidays.add(day)
                day += timedelta(days=1)
        return weekdays, holidays

    def _fb_next_working_day(self, day):
        """``day`` if it is a working day of the company, else the next one; a clear message for a day out of
        the range the add-on works in (its calendar window would run off the ends of the calendar)."""
        if not periods.in_range(day):
            raise UserError(
                self.env._(
                    "Choose a date between %(first)s and %(last)s.",
                    first=periods.FIRST_DAY.isoformat(),
                    last=periods.LAST_DAY.isoformat(),
                )
            )
        weekdays, holidays = self._fb_working_calendar(day, fields.Date.add(day, days=60))
        return workdays.next_working_day(day, weekdays, holidays)
