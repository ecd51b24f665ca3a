from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
class TestBadInput(FounderBackofficeCommon):
    """Each bad input is a clear ValidationError or UserError, and nothing is half-written."""

    def _level(self, **values):
        return self.env["fb.dunning.level"].create(
            {"policy_id": self.policy.id, "name": "Extra", "days": 60, "fee_type": "fixed", "fee_fixed": 5.0, **values}
        )

    def test_levels_need_increasing_days_sane_fees_and_an_action(self):
        with self.assertRaisesRegex(ValidationError, "need different numbers of days"):
            self._level(days=15)  # the Firm level already has 15
        with self.assertRaisesRegex(ValidationError, "comes before the due date"):
            self._level(days=-1)  # a fixed fee
        with self.assertRaisesRegex(ValidationError, "comes before the due date"):
            self._level(days=-1, fee_type="none", create_activity=True, charge_interest=True)
        with self.assertRaisesRegex(ValidationError, "comes before the due date"):
            self._level(days=-1, fee_type="none", create_activity=True, escalate_credit_hold=True)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._level(fee_fixed=-5.0)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._level(fee_type="percent", fee_percent=-1.0)
        with self.assertRaisesRegex(ValidationError, "cannot exceed 100%"):
            self._level(fee_type="percent", fee_percent=100.5)
        with self.assertRaisesRegex(ValidationError, "does nothing"):
            self._level(fee_type="none", fee_fixed=0.0)
        self.assertEqual(len(self.policy.level_ids), 3, "nothing half-written")

    def test_policy_values_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.policy.interest_margin = -1
        with self.assertRaisesRegex(ValidationError, "fee product"):
            self.policy.fee_booking = "draft"

    def test_interest_rates_are_half_years(self):
        Rate = self.env["fb.interest.rate"]
        with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
            Rate.create({"company_id": self.company.id, "date_from": date(2026, 3, 1), "rate": 2.0})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            Rate.create({"company_id": self.company.id, "date_from": date(2026, 1, 1), "rate": -2.0})

    @freeze_time("2026-04-01")
    def test_payment_plan_needs_instalments(self):
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        with self.assertRaisesRegex(ValidationError, "at least one instalment"):
            self.env["fb.payment.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "instalment_count": 0,
                    "company_id": self.company.id,
                }
            )
        self.assertFalse(self.env["fb.payment.plan"].search([("partner_id", "=", self.customer.id)]))

    @freeze_time("2026-04-20")
    def test_missing_eur_rate_for_the_compensation_is_a_clear_error(self):
        sar = self.setup_other_currency("SAR", rates=[])
        self.company.currency_id = sar
        self.env["res.currency.rate"].search([("currency_id", "=", self.env.ref("base.EUR").id)]).unlink()
        self.env["fb.interest.rate"].create(
            {"company_id": self.company.id, "date_from": date(2026, 1, 1), "rate": 2.15}
        )
        self.policy.compensation_amount = 40.0
        self.level_3.charge_interest = True
        self._invoice(self.customer, 100.0, date(2026, 3, 1), currency=sar)
        with self.assertRaisesRegex(UserError, "No exchange rate of EUR"):
            self._run(date(2026, 4, 20))
