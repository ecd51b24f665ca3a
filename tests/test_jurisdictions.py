from decimal import Decimal

import pytest

from founder_backoffice.engine import jurisdictions as j


@pytest.mark.parametrize(
    ("country", "is_company", "expected"),
    [
        ("IT", True, j.ITALY_B2B),
        ("it", True, j.ITALY_B2B),
        ("IT", False, j.EU_CONSUMER),
        ("FR", False, j.EU_CONSUMER),
        ("DE", True, j.EU_B2B),
        ("GR", True, j.EU_B2B),
        ("SA", True, j.SAUDI),
        ("SA", False, j.SAUDI),
        ("GB", True, None),  # no longer in the EU
        ("CH", True, None),
        ("US", False, None),
        ("", True, None),
        (None, False, None),
    ],
)
def test_preset_follows_the_customers_country_and_kind(country, is_company, expected):
    assert j.preset_for(country, is_company) == expected


def test_eu_has_27_member_states():
    assert len(j.EU_COUNTRIES) == 27
    assert "GB" not in j.EU_COUNTRIES


def test_what_each_preset_allows():
    italy, consumer, saudi, eu = (j.preset(code) for code in (j.ITALY_B2B, j.EU_CONSUMER, j.SAUDI, j.EU_B2B))
    assert (italy.interest, italy.compensation, italy.percent_fee) == (True, True, True)
    assert (eu.interest, eu.compensation, eu.percent_fee) == (True, True, True)
    assert (consumer.interest, consumer.compensation, consumer.percent_fee) == (False, False, True)
    assert (saudi.interest, saudi.compensation, saudi.percent_fee) == (False, False, False)
    assert italy.statute == "D.Lgs. 231/2002"
    assert eu.statute == "Directive 2011/7/EU"
    assert consumer.statute is None and saudi.statute is None


def test_business_presets_fill_the_statutory_margin_and_compensation():
    italy = j.preset(j.ITALY_B2B)
    assert (italy.interest_margin, italy.compensation_amount) == (8.0, 40.0)
    assert (j.preset(j.SAUDI).interest_margin, j.preset(j.SAUDI).compensation_amount) == (0.0, 0.0)
    assert (j.preset(j.EU_CONSUMER).interest_margin, j.preset(j.EU_CONSUMER).compensation_amount) == (0.0, 0.0)


def test_compensation_is_a_parameter():
    # the proposed EU late-payment regulation would raise EUR 40 to EUR 50
    assert j.preset(j.EU_B2B, compensation=50).compensation_amount == 50
    assert j.preset(j.ITALY_B2B, compensation=50).compensation_amount == 50
    assert j.preset(j.SAUDI, compensation=50).compensation_amount == 0.0


def test_no_preset_checks_nothing():
    assert j.preset(False) is None
    assert j.forbidden(False, 40, [j.LevelCharges("Final", True, True)]) is None


def test_saudi_policy_refuses_interest_percentage_fee_and_compensation():
    fixed_fee = j.LevelCharges("Final", interest=False, percent_fee=False)
    assert j.forbidden(j.SAUDI, 0, [fixed_fee]) is None
    assert j.forbidden(j.SAUDI, 0, [fixed_fee, j.LevelCharges("Last", True, False)]) == (j.FORBIDDEN_INTEREST, "Last")
    assert j.forbidden(j.SAUDI, 0, [j.LevelCharges("Last", False, True)]) == (j.FORBIDDEN_PERCENT_FEE, "Last")
    assert j.forbidden(j.SAUDI, 40, [fixed_fee]) == (j.FORBIDDEN_COMPENSATION, None)


def test_consumer_policy_refuses_interest_and_compensation_but_takes_agreed_fees():
    assert j.forbidden(j.EU_CONSUMER, 0, [j.LevelCharges("Final", False, True)]) is None
    assert j.forbidden(j.EU_CONSUMER, 0, [j.LevelCharges("Final", True, False)]) == (j.FORBIDDEN_INTEREST, "Final")
    assert j.forbidden(j.EU_CONSUMER, 0.01, []) == (j.FORBIDDEN_COMPENSATION, None)


def test_business_policies_may_charge_everything():
    for code in (j.ITALY_B2B, j.EU_B2B):
        assert j.forbidden(code, 50, [j.LevelCharges("Final", True, True)]) is None


def test_italian_charges_are_outside_vat_with_stamp_duty_above_77_47():
    treatment = j.charge_tax("it")
    assert (treatment.nature, treatment.law, treatment.chart_tax) == ("N1", "art. 15 DPR 633/1972", "00art15v")
    assert treatment.stamp_duty == Decimal("2.00")
    assert not j.stamp_duty_due(treatment, 77.47)
    assert j.stamp_duty_due(treatment, 77.48)
    assert j.charge_tax("SA") is None
    assert j.charge_tax(None) is None


def test_compensation_needs_a_rate_of_eur_only_outside_eur_books():
    assert j.STATUTE_CURRENCY == "EUR"  # Directive 2011/7/EU art. 6 fixes the compensation in EUR
    assert j.compensation_needs_rate("SAR", [0.0, 40.0])
    assert j.compensation_needs_rate("GBP", [40])
    assert not j.compensation_needs_rate("EUR", [40.0])  # a company keeping its books in EUR converts nothing
    assert not j.compensation_needs_rate("SAR", [0.0, 0])  # no policy gives a compensation
    assert not j.compensation_needs_rate("SAR", [])
