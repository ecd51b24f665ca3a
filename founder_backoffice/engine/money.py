"""Decimal money helpers shared by the engine modules.

Odoo hands amounts over as floats; the engine converts them through ``str`` so that ``0.1`` stays ``0.1``
rather than its binary approximation, and rounds only to a currency's rounding quantum (``0.01``, ``0.05``,
``1``...), half up, the way an invoice is rounded.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """``value`` (float, int, Decimal or str) as a Decimal, going through ``str`` to keep what a float displays."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round_to(amount, rounding=CENT) -> Decimal:
    """``amount`` rounded half up to a multiple of ``rounding``; ``ValueError`` unless the quantum is positive."""
    quantum = to_decimal(rounding)
    if quantum <= 0:
        raise ValueError(f"rounding quantum must be positive, got {rounding}")
    return (to_decimal(amount) / quantum).quantize(Decimal(1), ROUND_HALF_UP) * quantum
