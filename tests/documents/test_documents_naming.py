"""How documents name the order and the service for the customer."""

from __future__ import annotations

import pytest

from oms_cli.documents.naming import customer_order_name, service_line


@pytest.mark.parametrize(
    ("ref", "name"),
    [
        ("shopify:2002", "#2002"),
        ("woocommerce:2154", "#2154"),
        ("shopify:#1001", "#1001"),
        ("amazon:113-4000012-1000084", "113-4000012-1000084"),
        ("etsy:3301234567", "3301234567"),
        ("no-channel", "no-channel"),
    ],
)
def test_the_order_as_the_customer_knows_it(ref: str, name: str) -> None:
    assert customer_order_name(ref) == name


@pytest.mark.parametrize(
    ("carrier", "method", "line"),
    [
        ("UPS", "Ground", "UPS Ground"),
        ("UPS", "UPS Next Day Air", "UPS Next Day Air"),
        ("UPS", "ups next day air", "ups next day air"),
        ("UPS", None, "UPS"),
        (None, "Standard Shipping", "Standard Shipping"),
        (None, None, ""),
    ],
)
def test_the_carrier_is_named_once(carrier: str | None, method: str | None, line: str) -> None:
    assert service_line(carrier, method) == line
