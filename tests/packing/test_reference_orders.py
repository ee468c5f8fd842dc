"""The 4,288 real orders: every packing valid, and no more boxes than BoxPacker in at least 99% of orders.

A sample runs always; the full run (about 8 s per mode on the reference
machine) is marked slow so that a quick run can leave it out with -m "not slow".
"""

from __future__ import annotations

from functools import cache

import pytest
from conformance_data import Order, order_boxes, orders
from packcheck import packing_errors

from oms_cli.packing.engine import choose_boxes


@cache
def _orders() -> list[Order]:
    return orders()


def _check(sample: list[Order], keep_flat: bool) -> None:
    boxes = order_boxes()
    worse = []
    for order in sample:
        items = order.items(keep_flat)
        result = choose_boxes(items, boxes)
        assert packing_errors(items, result) == [], order.order_id
        assert result.unpacked == [], order.order_id
        reference = order.keepflat_boxes if keep_flat else order.bestfit_boxes
        if len(result.packages) > reference:
            worse.append(order.order_id)
    assert len(worse) <= len(sample) // 100, worse


@pytest.mark.parametrize("keep_flat", [True, False], ids=["keep-flat", "free-rotation"])
def test_a_sample_of_reference_orders(keep_flat: bool) -> None:
    # every 12th order, plus the ones that need the most boxes
    chosen = _orders()[::12] + sorted(_orders(), key=lambda o: -o.keepflat_boxes)[:20]
    _check(chosen, keep_flat)


@pytest.mark.slow
@pytest.mark.parametrize("keep_flat", [True, False], ids=["keep-flat", "free-rotation"])
def test_all_reference_orders(keep_flat: bool) -> None:
    assert len(_orders()) == 4288
    _check(_orders(), keep_flat)
