"""Fixtures for channel tests: the fake channel APIs on 127.0.0.1 and connections to them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from channels.fakes import T0, ShopifyFake, WooFake


@pytest.fixture
def fast_config(config_file):  # type: ignore[no-untyped-def]
    """Short retry delays, small pages."""
    return config_file(
        {"channels": {"backoff_s": 0.05, "max_wait_s": 5, "page_size": 3, "lookback_s": 0, "tracking_alert_hours": 1}}
    )


@pytest.fixture
def shopify(monkeypatch: pytest.MonkeyPatch) -> Iterator[ShopifyFake]:
    """A Shopify store with five orders, and its token in SHOP_TOKEN."""
    from datetime import timedelta

    monkeypatch.setenv("SHOP_TOKEN", ShopifyFake.token)
    with ShopifyFake() as fake:
        for n in range(1001, 1006):
            fake.add(n, T0 + timedelta(minutes=n - 1000))
        yield fake


@pytest.fixture
def woo(monkeypatch: pytest.MonkeyPatch) -> Iterator[WooFake]:
    """A WooCommerce site with five orders, and its keys in WC_KEY / WC_SECRET."""
    from datetime import timedelta

    monkeypatch.setenv("WC_KEY", WooFake.key)
    monkeypatch.setenv("WC_SECRET", WooFake.secret)
    with WooFake() as fake:
        for n in range(201, 206):
            fake.add(n, T0 + timedelta(minutes=n - 200))
        yield fake


def add_shopify(oms, fake: ShopifyFake, name: str = "shop") -> None:  # type: ignore[no-untyped-def]
    r = oms(
        "channels",
        "add",
        name,
        "--kind",
        "shopify",
        "--url",
        fake.url,
        "--secret",
        "access_token=env:SHOP_TOKEN",
        "--initial-days",
        "60",
    )
    assert r.exit_code == 0, r.stderr


def add_woo(oms, fake: WooFake, name: str = "woo") -> None:  # type: ignore[no-untyped-def]
    r = oms(
        "channels",
        "add",
        name,
        "--kind",
        "woocommerce",
        "--url",
        fake.url,
        "--secret",
        "consumer_key=env:WC_KEY",
        "--secret",
        "consumer_secret=env:WC_SECRET",
        "--initial-days",
        "60",
    )
    assert r.exit_code == 0, r.stderr
