"""Time the Shopify importer alone against a bare csv reader over the same file.

    python bench/parse_bench.py [--orders 100000]

Prints rows/s for both and their ratio; not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_shopify import write_shopify_export  # noqa: E402

from oms_cli.importers import ImportSettings, plan_units, read_unit  # noqa: E402

T = TypeVar("T")


def bare_csv(path: str) -> int:
    """Rows read by a bare csv reader (the baseline)."""
    with open(path, newline="", encoding="utf-8-sig") as stream:
        return sum(1 for _ in csv.reader(stream)) - 1


def importer(path: str) -> tuple[int, int]:
    """(orders, lines) read by the Shopify importer."""
    (unit,) = plan_units([path])
    orders = lines = 0
    for order in read_unit(unit, ImportSettings()):
        orders += 1
        lines += len(order["lines"])
    return orders, lines


def best_of(runs: int, work: Callable[[str], T], path: str) -> tuple[float, T]:
    """The fastest of a few runs, and its result."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = work(path)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    """Generate an export, time both readers, print rows/s."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "shopify.csv")
        rows = write_shopify_export(path, args.orders)
        size = os.path.getsize(path) / 1e6
        print(f"{args.orders} orders, {rows} rows, {size:.1f} MB")
        base, counted = best_of(args.runs, bare_csv, path)
        assert counted == rows
        took, (orders, lines) = best_of(args.runs, importer, path)
        assert orders == args.orders and lines == rows
        print(f"bare csv.reader : {base:6.2f} s  {rows / base:10,.0f} rows/s")
        print(f"shopify importer: {took:6.2f} s  {rows / took:10,.0f} rows/s  ({orders / took:,.0f} orders/s)")
        print(f"ratio importer / bare csv: {took / base:.2f}")


if __name__ == "__main__":
    main()
