"""How a committed indicator value may be typed."""
from decimal import Decimal

import pytest

from marketplace.bids.content import committed_number


@pytest.mark.parametrize("typed, unit, value", [
    ("700", "V", Decimal("700")),
    ("≥ 700 V", "V", Decimal("700")),
    ("⩾700V", "V", Decimal("700")),
    ("不低于 700", "V", Decimal("700")),
    ("at least 1,200 片/小时", "片/小时", Decimal("1200")),
    ("0.5 %", "%", Decimal("0.5")),
    ("≤ 2", "μm", Decimal("2")),
])
def test_comparators_in_front_and_the_unit_behind_are_understood(typed, unit, value):
    assert committed_number(typed, unit) == value


@pytest.mark.parametrize("typed, unit", [
    ("", "V"), ("high", "V"), ("700 kV", "V"), ("700 V or more", "V"), ("NaN", ""),
    ("Infinity", "V"), ("7 00", "V"),
])
def test_anything_else_is_not_a_number(typed, unit):
    assert committed_number(typed, unit) is None
