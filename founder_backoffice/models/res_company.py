from odoo import fields, models

from ..engine import workdays


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

    def _fb_working_calendar(self, date_from, date_to):
        """``(working weekdays, holidays)`` of the company's working-time calendar between two dates.

        Weekdays are Monday=0 as in ``resource.calendar.attendance.dayofweek``; holidays are the calendar's
        company-wide leaves (no resource). Without a calendar, Monday to Friday.
        """
        self.ensure_one()
        calendar = self.resource_calendar_id
        if not calendar:
            return frozenset(range(5)), set()
        weekdays = frozenset(int(day) for day in calendar.attendance_ids.mapped("dayofweek"))
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "in", (calendar.id, False)),
                ("resource_id", "=", False),
                ("company_id", "in", (self.id, False)),
                ("date_from", "<=", fields.Datetime.to_datetime(date_to).replace(hour=23, minute=59)),
                ("date_to", ">=", fields.Datetime.to_datetime(date_from)),
            ]
        )
        holidays = set()
        for leave in leaves:
            day = leave.date_from.date()
            while day <= leave.date_to.date():
                holidays.add(day)
                day = fields.Date.add(day, days=1)
        return weekdays, holidays

    def _fb_next_working_day(self, day):
        """``day`` if it is a working day of the company, else the next one."""
        weekdays, holidays = self._fb_working_calendar(day, fields.Date.add(day, days=60))
        return workdays.next_working_day(day, weekdays, holidays)
