"""Helpers shared by the importer tests: read files into orders, expect a BadInput."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from oms_cli.core.errors import BadInput
from oms_cli.importers import ImportSettings, plan_units, read_unit
from oms_cli.importers.model import Order

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def read_orders(
    *paths: str | Path, channel: str = "auto", settings: ImportSettings | None = None
) -> list[dict[str, Any]]:
    """Every order of the files, checked to be valid canonical orders."""
    orders = []
    for unit in plan_units([str(p) for p in paths], channel):
        for order in read_unit(unit, settings or ImportSettings()):
            Order.model_validate(order)
            orders.append(order)
    return orders


def by_ref(orders: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Orders keyed by ref."""
    return {order["ref"]: order for order in orders}


def import_error(*paths: str | Path, channel: str = "auto", settings: ImportSettings | None = None) -> str:
    """The BadInput message reading the files raises (fails when they read cleanly)."""
    with pytest.raises(BadInput) as caught:
        read_orders(*paths, channel=channel, settings=settings)
    return caught.value.message


def write(name: str, content: str | bytes) -> str:
    """Write a file in the test's working directory; return its name as the user would type it."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    Path(name).write_bytes(data)
    return name
