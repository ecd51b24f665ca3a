"""Dunning policies that are lawful where the customer is: the presets an administrator picks for a policy.

What a reminder may claim depends on the customer, not on the seller's wishes:

* **Italy, business customers**: D.Lgs. 231/2002 (transposing Directive 2011/7/EU) gives late-payment interest
  (*interessi moratori*) at the ECB reference rate of the half-year plus 8 points from the day after the due date
  (art. 4, 5) and a flat-rate compensation (*risarcimento forfettario*) of EUR 40 per invoice (art. 6), both
  without a formal notice, between businesses (and public bodies) only.
* **Italy / EU, consumers**: neither applies; a reminder claims only the fees agreed in the contract.
* **Saudi Arabia**: courts award no interest on a debt (riba) and no statutory compensation; a fixed late fee
  agreed in the contract may be charged, a percentage of the debt may not (it is interest by another name).
* **EU, business customers**: Directive 2011/7/EU, as each member state transposed it.

The flat-rate compensation is a parameter of the presets that give it: the EU's proposed late-payment regulation
would raise EUR 40 to EUR 50.

The charges invoice of an Italian company also carries the tax treatment of what it charges: late-payment interest
and the compensation are outside the VAT base (art. 15 DPR 633/1972, e-invoice nature N1), and an invoice whose
amounts outside VAT exceed EUR 77.47 bears the EUR 2 stamp duty (*imposta di bollo*).
"""

from dataclasses import dataclass
from decimal import Decimal

from .money import to_decimal

ITALY_B2B = "italy_b2b"
EU_CONSUMER = "eu_consumer"  # Italian and other EU consumers
SAUDI = "saudi"
EU_B2B = "eu_b2b"

DEFAULT_COMPENSATION = 40.0  # EUR per invoice (Directive 2011/7/EU art. 6); the proposed regulation: 50
# The currency the statutes here fix their amounts in: the flat-rate compensation and the stamp duty with its
# threshold. A company keeping its books in another currency converts them at the rate of the reminder's date (the
# run date for a run's compensation), a rate of this currency itself: see ``compensation_needs_rate``.
STATUTE_CURRENCY = "EUR"
STATUTORY_MARGIN = 8.0  # points over the ECB reference rate (Directive 2011/7/EU art. 2)

# Member states of the European Union (ISO 3166-1 alpha-2, as Odoo's countries spell them).
EU_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)


@dataclass(frozen=True)
class Preset:
    """What a policy of a jurisdiction may charge, and the statute its documents name (``None``: none)."""

    code: str
    interest: bool  # late-payment interest at the reference rate plus a margin
    compensation: bool  # the flat-rate compensation per invoice
    percent_fee: bool  # a fee in percent of the overdue amount
    statute: str | None
    interest_margin: float = 0.0
    compensation_amount: float = 0.0


def presets(compensation=DEFAULT_COMPENSATION):
    """``{code: Preset}``, the business presets giving ``compensation`` EUR per invoice."""
    return {
        ITALY_B2B: Preset(ITALY_B2B, True, True, True, "D.Lgs. 231/2002", STATUTORY_MARGIN, compensation),
        EU_CONSUMER: Preset(EU_CONSUMER, False, False, True, None),
        SAUDI: Preset(SAUDI, False, False, False, None),
        EU_B2B: Preset(EU_B2B, True, True, True, "Directive 2011/7/EU", STATUTORY_MARGIN, compensation),
    }


CODES = tuple(presets())


def preset(code, compensation=DEFAULT_COMPENSATION):
    """The preset of ``code`` (``None`` for no preset: a policy as before, nothing checked)."""
    return presets(compensation).get(code) if code else None


def preset_for(country_code, is_company):
    """The preset of a customer in ``country_code`` (ISO alpha-2, or empty), a company or a person; ``None`` when
    no preset is made for it (the company's default policy applies)."""
    country = (country_code or "").upper()
    if country == "SA":
        return SAUDI
    if country not in EU_COUNTRIES:
        return None
    if not is_company:
        return EU_CONSUMER
    return ITALY_B2B if country == "IT" else EU_B2B


# What a policy asks that its preset forbids.
FORBIDDEN_INTEREST = "interest"  # a level charges interest
FORBIDDEN_PERCENT_FEE = "percent_fee"  # a level charges a percentage of the overdue amount
FORBIDDEN_COMPENSATION = "compensation"  # the policy has a flat-rate compensation


@dataclass(frozen=True)
class LevelCharges:
    """What one level of a policy charges."""

    name: str
    interest: bool
    percent_fee: bool


def forbidden(code, compensation_amount, levels):
    """``(FORBIDDEN_*, level name or None)``: the first thing the policy asks that preset ``code`` forbids, or
    ``None`` when it asks nothing forbidden (or has no preset). ``levels``: ``LevelCharges``."""
    rules = preset(code)
    if rules is None:
        return None
    if not rules.compensation and to_decimal(compensation_amount) > 0:
        return FORBIDDEN_COMPENSATION, None
    for level in levels:
        if level.interest and not rules.interest:
            return FORBIDDEN_INTEREST, level.name
        if level.percent_fee and not rules.percent_fee:
            return FORBIDDEN_PERCENT_FEE, level.name
    return None


def compensation_needs_rate(company_currency, compensations):
    """Whether a run needs a rate of ``STATUTE_CURRENCY`` on its date to charge the policies' ``compensations``
    (amounts in that currency) in ``company_currency`` (a currency code): some policy gives a compensation and
    the books are kept in another currency. A rate of the company currency says nothing about EUR."""
    return company_currency != STATUTE_CURRENCY and any(to_decimal(amount) > 0 for amount in compensations)


@dataclass(frozen=True)
class ChargeTax:
    """How the seller's country taxes the interest and compensation invoiced to a late customer."""

    country: str
    nature: str  # the e-invoice's VAT exemption nature
    law: str
    chart_tax: str  # the 0 % sale tax of that nature in the country's chart of accounts (its template xml id)
    stamp_duty: Decimal  # EUR, due on an invoice whose amounts outside VAT exceed the threshold
    stamp_duty_threshold: Decimal  # EUR


CHARGE_TAXES = {
    "IT": ChargeTax("IT", "N1", "art. 15 DPR 633/1972", "00art15v", Decimal("2.00"), Decimal("77.47")),
}


def charge_tax(company_country_code):
    """The tax treatment of the charges invoices of a company in ``company_country_code`` (``None``: as any sale)."""
    return CHARGE_TAXES.get((company_country_code or "").upper())


def stamp_duty_due(treatment, amount_outside_vat, threshold=None):
    """Whether an invoice with ``amount_outside_vat`` outside the VAT base bears the stamp duty: above the
    threshold (EUR, or ``threshold`` when given in the invoice's currency)."""
    limit = treatment.stamp_duty_threshold if threshold is None else to_decimal(threshold)
    return to_decimal(amount_outside_vat) > limit
