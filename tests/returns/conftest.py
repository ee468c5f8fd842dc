"""Fixtures for returns tests: a demo shop with some orders shipped."""

from __future__ import annotations

from typing import Any

import pytest
from returns.fixtures import load_demo, ship

SHIPPED = ("shopify:1041", "shopify:1045", "woocommerce:2150", "woocommerce:2153")


@pytest.fixture
def shop(oms: Any, store: Any) -> Any:
    """The example shop with shopify:1041, shopify:1045, woocommerce:2150 and woocommerce:2153 shipped."""
    load_demo(oms)
    ship(store, SHIPPED)
    return store
