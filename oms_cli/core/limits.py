"""Upper bounds on numbers from input, so that an absurd value is refused with a clear
message instead of overflowing the store's 64-bit integers."""

from __future__ import annotations

from decimal import Decimal

#: units of one product on a line, a count or a receipt; millimetres; grams
MAX_UNITS = 1_000_000_000
#: one amount of money in major units (a total, a price, a payment, a label's cost)
MAX_AMOUNT = Decimal("1000000000")
