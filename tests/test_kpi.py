import inspect
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from founder_backoffice.engine import kpi, kpi_definitions

JAN_1 = date(2026, 1, 1)
JAN_11 = date(2026, 1, 11)
JAN_20 = date(2026, 1, 20)
JAN_31 = date(2026, 1, 31)
FEB_1 = date(2026, 2, 1)


# Profitability


def test_net_profit():
    assert kpi.net_profit(1000, 750) == 250.0  # 1000 - 750
    assert kpi.net_profit(100, 400) == -300.0  # a loss
    assert kpi.net_profit(None, 400) is None


def test_share():
    assert kpi.share(25, 200) == 0.125  # 25 / 200
    assert kpi.share(5, 0) is None
    assert kpi.share(None, 5) is None
    assert kpi.share(5, None) is None
    # net negative receivables (a credit note larger than the invoices): no share, not -1154 %
    assert kpi.share(600, -52) is None


# Receivables and collections


def test_dso():
    # 12 200 / 36 600 = 1/3; x 30 days = 10
    assert kpi.dso(12_200, 36_600, 30) == pytest.approx(10.0)


@pytest.mark.parametrize("credit_sales", [0, -500, None])
def test_dso_without_positive_credit_sales_is_none(credit_sales):
    assert kpi.dso(12_200, credit_sales, 30) is None


def test_cei_quarterly_and_monthly():
    # N = 3: 90 000 / 3 = 30 000 a month; (50 000 + 30 000 - 45 000) / (50 000 + 30 000 - 20 000) = 35/60 = 58.33 %
    assert kpi.cei(50_000, 90_000, 45_000, 20_000, 3) == pytest.approx(58.333333333)
    # N = 1: (100 + 50 - 90) / (100 + 50 - 40) = 60/110 = 54.55 %
    assert kpi.cei(100, 50, 90, 40, 1) == pytest.approx(54.545454545)
    # everything collected: (100 + 50 - 40) / (100 + 50 - 40) = 100 %
    assert kpi.cei(100, 50, 40, 40, 1) == pytest.approx(100.0)


@pytest.mark.parametrize(
    "args",
    [
        (0, 0, 0, 0, 1),  # denominator 0: nothing was collectible
        (10, 0, 30, 20, 1),  # denominator 10 + 0 - 20 < 0
        (100, 50, 90, 40, 0),  # no months
        (100, 50, 90, 40, None),
        (None, 50, 90, 40, 1),
    ],
)
def test_cei_undefined_is_none(args):
    assert kpi.cei(*args) is None


def test_days_to_pay():
    assert kpi.days_to_pay(date(2026, 1, 10), date(2026, 2, 9)) == 30  # 21 days left in January + 9
    assert kpi.days_to_pay(date(2026, 1, 10), date(2026, 1, 5)) == 0  # advance payment


def test_average_days_to_pay():
    pairs = [(JAN_1, JAN_31), (JAN_1, JAN_11)]  # 30 and 10 days
    assert kpi.average_days_to_pay(pairs) == 20.0  # (30 + 10) / 2
    assert kpi.average_days_to_pay(pairs, [300, 100]) == 25.0  # (30 x 300 + 10 x 100) / 400
    assert kpi.average_days_to_pay([]) is None
    assert kpi.average_days_to_pay(pairs, [0, 0]) is None


def test_abnormally_pending_with_history_uses_the_sample_deviation():
    # mean 10; sample variance (100 + 0 + 100) / 2 = 100, sigma 10; threshold 10 + 2 x 10 = 30
    history = [0, 10, 20]
    assert kpi.is_abnormally_pending(30, history, 30) is False
    assert kpi.is_abnormally_pending(31, history, 30) is True
    # the population sigma (sqrt(200/3) = 8.16, threshold 26.3) would flag 28 days
    assert kpi.is_abnormally_pending(28, history, 30) is False


def test_abnormally_pending_margin_is_at_least_a_week():
    # a punctual customer: mean 0, sigma 0; threshold 0 + max(0, 7) = 7
    assert kpi.is_abnormally_pending(7, [0, 0, 0], 30) is False
    assert kpi.is_abnormally_pending(8, [0, 0, 0], 30) is True
    assert kpi.is_abnormally_pending(1, [0, 0, 0], 30, min_margin_days=0) is True


def test_abnormally_pending_is_never_true_before_the_due_date():
    # a customer paying 20 days early on average: -20 + 7 = -13 would flag invoices not yet due
    assert kpi.is_abnormally_pending(0, [-20, -20, -20], 30) is False
    assert kpi.is_abnormally_pending(-5, [-20, -20, -20], 30) is False
    assert kpi.is_abnormally_pending(None, [0, 0, 0], 30) is False


def test_abnormally_pending_falls_back_on_the_payment_term():
    # fewer than 3 paid invoices: threshold 2 x 30 = 60 days
    assert kpi.is_abnormally_pending(60, [1, 2], 30) is False
    assert kpi.is_abnormally_pending(61, [1, 2], 30) is True
    assert kpi.is_abnormally_pending(61, [], 30) is True
    # immediate payment (0 days or no term): 30 days
    for term in (0, None):
        assert kpi.is_abnormally_pending(30, None, term) is False
        assert kpi.is_abnormally_pending(31, None, term) is True
    assert kpi.is_abnormally_pending(11, [], 0, immediate_threshold_days=10) is True


# Cash


def test_net_burn_averages_the_last_three_months():
    assert kpi.net_burn([10, 20, 30, 40]) == 30.0  # (20 + 30 + 40) / 3
    assert kpi.net_burn([10, 20]) == 15.0  # (10 + 20) / 2
    assert kpi.net_burn([-30, 0, 10]) == pytest.approx(-20 / 3)  # generating cash
    assert kpi.net_burn([1, 2, 3, 4], months=2) == 3.5  # (3 + 4) / 2
    assert kpi.net_burn([]) is None


def test_runway_months():
    assert kpi.runway_months(120_000, 30_000) == 4.0  # 120 000 / 30 000
    assert kpi.runway_months(-100, 10) == 0.0  # overdrawn while burning
    assert kpi.runway_months(120_000, 0) is None  # not burning
    assert kpi.runway_months(120_000, -5_000) is None
    assert kpi.runway_months(120_000, None) is None
    assert kpi.runway_months(None, 30_000) is None


# Customers and sales


def test_aov_nets_credit_notes_without_counting_them():
    # 4 invoices for 1 000 and a credit note of -200: 800 / 4
    assert kpi.aov(1_000 - 200, 4) == 200.0
    assert kpi.aov(800, 0) is None


def test_retention():
    assert kpi.retention({1, 2, 3, 4}, {2, 3, 5}) == 0.5  # {2, 3} of 4
    assert kpi.retention([1, 2, 3], [1, 4]) == pytest.approx(1 / 3)
    assert kpi.retention(set(), {1}) is None


# Acquisition


def test_cac_and_win_rate():
    assert kpi.cac(5_000, 20) == 250.0  # 5 000 / 20
    assert kpi.cac(None, 20) is None  # spend not entered
    assert kpi.cac(5_000, 0) is None
    assert kpi.win_rate(3, 1) == 0.75  # 3 / (3 + 1)
    assert kpi.win_rate(0, 4) == 0.0
    assert kpi.win_rate(0, 0) is None


# People


def test_employee_turnover_and_retention():
    assert kpi.average_headcount(10, 14) == 12.0
    assert kpi.employee_turnover(3, 10, 14) == 0.25  # 3 / ((10 + 14) / 2)
    assert kpi.employee_turnover(0, 0, 0) is None
    assert kpi.employee_retention(10, 2) == 0.8  # (10 - 2) / 10
    assert kpi.employee_retention(0, 0) is None


# Comparisons


def test_mean():
    assert kpi.mean([1, 2, None, 6]) == 3.0  # (1 + 2 + 6) / 3
    assert kpi.mean([]) is None
    assert kpi.mean([None]) is None


def test_delta():
    assert kpi.delta(150, 100) == (50.0, 0.5)  # 50 / 100
    assert kpi.delta(-50, -100) == (50.0, 0.5)  # a loss halved is +50 %
    assert kpi.delta(50, 100) == (-50.0, -0.5)
    assert kpi.delta(5, 0) == (5.0, None)
    assert kpi.delta(None, 5) == (None, None)
    assert kpi.delta(5, None) == (None, None)


def test_trend_is_good():
    assert kpi.trend_is_good(10, 5, higher_is_better=True) is True
    assert kpi.trend_is_good(10, 5, higher_is_better=False) is False  # e.g. DSO going up
    assert kpi.trend_is_good(3, 5, higher_is_better=False) is True
    assert kpi.trend_is_good(5, 5, higher_is_better=True) is None
    assert kpi.trend_is_good(None, 5, higher_is_better=True) is None


# Properties

NUMBER = st.one_of(
    st.just(0),
    st.just(0.0),
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(-1e9, 1e9, allow_nan=False),
)
DATE = st.dates(date(2000, 1, 1), date(2100, 12, 31))
DATES = st.lists(st.tuples(DATE, DATE), max_size=8)
IDS = st.sets(st.integers(-5, 5), max_size=8)

ARGUMENTS = {
    "net_profit": (NUMBER, NUMBER),
    "share": (NUMBER, NUMBER),
    "dso": (NUMBER, NUMBER, NUMBER),
    "cei": (NUMBER, NUMBER, NUMBER, NUMBER, NUMBER),
    "days_to_pay": (DATE, DATE),
    "average_days_to_pay": (DATES,),
    "is_abnormally_pending": (NUMBER, st.lists(st.one_of(st.none(), st.integers(-400, 400)), max_size=8), NUMBER),
    "net_burn": (st.lists(NUMBER, max_size=8),),
    "runway_months": (NUMBER, NUMBER),
    "aov": (NUMBER, NUMBER),
    "retention": (IDS, IDS),
    "cac": (NUMBER, NUMBER),
    "win_rate": (NUMBER, NUMBER),
    "average_headcount": (NUMBER, NUMBER),
    "employee_turnover": (NUMBER, NUMBER, NUMBER),
    "employee_retention": (NUMBER, NUMBER),
    "mean": (st.lists(NUMBER, max_size=8),),
    "delta": (NUMBER, NUMBER),
    "trend_is_good": (NUMBER, NUMBER, st.booleans()),
}


def test_every_public_function_is_in_the_never_raises_property():
    public = {name for name, value in inspect.getmembers(kpi, inspect.isfunction) if not name.startswith("_")}
    assert public == set(ARGUMENTS)


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
@given(data=st.data())
def test_kpi_never_raises_on_zeros_empty_input_or_negatives(name, data):
    args = [data.draw(strategy) for strategy in ARGUMENTS[name]]
    result = getattr(kpi, name)(*args)
    if name == "delta":
        assert all(part is None or isinstance(part, float) for part in result)
    elif name in ("is_abnormally_pending", "trend_is_good"):
        assert result is None or isinstance(result, bool)
    elif name == "days_to_pay":
        assert isinstance(result, int) and result >= 0
    else:
        assert result is None or isinstance(result, float)


@given(
    pairs=st.lists(
        st.tuples(DATE, DATE, st.floats(-1e9, 1e9, allow_nan=False)),
        max_size=8,
    )
)
def test_weighted_payment_statistics_never_raise(pairs):
    dates = [(first, second) for first, second, _ in pairs]
    weights = [weight for _, _, weight in pairs]
    result = kpi.average_days_to_pay(dates, weights)
    assert result is None or isinstance(result, float)


@given(previous=IDS, current=IDS)
def test_retention_is_a_share_when_defined(previous, current):
    kept = kpi.retention(previous, current)
    assert (kept is None) == (not previous)
    if kept is not None:
        assert 0.0 <= kept <= 1.0


@given(cash=st.floats(-1e9, 1e9, allow_nan=False), burn=st.one_of(st.none(), st.floats(-1e9, 1e9, allow_nan=False)))
def test_runway_is_none_exactly_when_not_burning(cash, burn):
    runway = kpi.runway_months(cash, burn)
    assert (runway is None) == (burn is None or burn <= 0)
    if runway is not None:
        assert runway >= 0


@given(values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12))
def test_net_burn_lies_within_the_last_three_months(values):
    burn = kpi.net_burn(values)
    assert min(values[-3:]) - 1e-6 <= burn <= max(values[-3:]) + 1e-6


def test_the_registry_declares_each_kpi_once_and_scales_percentages_once():
    definitions = kpi_definitions.registry(kpi_definitions.KPIS)
    assert len({definition.key for definition in definitions}) == len(definitions)
    with pytest.raises(ValueError, match="cash"):
        kpi_definitions.registry(kpi_definitions.KPIS, [kpi_definitions.KpiDefinition("cash", "Cash", "", "monetary")])
    share = kpi_definitions.BY_KEY["ar_overdue_share"]
    assert (share.stored(0.25), share.stored(None)) == (25.0, None)
    assert kpi_definitions.BY_KEY["runway"].stored(None) is None  # undefined, never 0 months
    with pytest.raises(ValueError):
        kpi_definitions.KpiDefinition("x", "X", "", "percentage")
