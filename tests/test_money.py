from decimal import Decimal

import pytest

from founder_backoffice.engine import money


def test_to_decimal_keeps_what_a_float_displays():
    assert money.to_decimal(0.1) == Decimal("0.1")
    assert money.to_decimal("12.50") == Decimal("12.50")
    assert money.to_decimal(3) == Decimal(3)


@pytest.mark.parametrize(
    ("amount", "rounding", "expected"),
    [
        ("333.333333", "0.01", "333.33"),
        ("0.005", "0.01", "0.01"),  # half up
        ("1.025", "0.05", "1.05"),  # 20.5 steps of 0.05, half up
        ("1.074", "0.05", "1.05"),
        ("1.075", "0.05", "1.10"),
        ("2.5", "1", "3"),
        (0.1 + 0.2, "0.01", "0.30"),
    ],
)
def test_round_to_a_multiple_of_the_quantum(amount, rounding, expected):
    assert money.round_to(amount, Decimal(rounding)) == Decimal(expected)


def test_round_to_rejects_a_non_positive_quantum():
    with pytest.raises(ValueError):
        money.round_to(Decimal("1.23"), Decimal(0))
