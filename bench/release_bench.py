"""Time `oms release --all` over many imported orders (target: 10,000 in under 5 s).

    python bench/release_bench.py [--orders 10000] [--skus 300]

Builds a store with a catalog, stock for most (not all) of the demand and orders of
every kind the gate sees (paid, pending, COD, bad postcodes, unknown SKUs, buyer notes,
fast service levels), written with the same row code `oms import` uses. Then it times:

* the release service in-process (the first run, and a second cron-style run),
* `oms release --all` as a real process on a fresh copy of the same store,
* a baseline in the same run: as many empty write transactions as there are orders
  (what one transaction per order would cost before doing any work).

Wall and CPU times are printed: on a shared machine the CPU time is the steadier figure.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oms_cli.core.config import load_config  # noqa: E402
from oms_cli.orders.records import LINE_COLUMNS, ORDER_COLUMNS, line_values, order_values  # noqa: E402
from oms_cli.orders.staging import fingerprint  # noqa: E402
from oms_cli.release.service import release_orders  # noqa: E402
from oms_cli.stock.ledger import move  # noqa: E402
from oms_cli.store import tables  # noqa: E402
from oms_cli.store.bulk import BulkInserter  # noqa: E402
from oms_cli.store.engine import Store  # noqa: E402
from oms_cli.store.types import utcnow  # noqa: E402

CONFIG = """\
release:
  thank_you:
    - name: big-order
      when: "units >= 6 or total >= 150.00"
      add_sku: THANKYOU-CARD
      tag: vip
      note: "Hand-written thank-you card"
"""


def make_orders(n: int, skus: list[str], rng: random.Random) -> list[dict]:
    """Orders as the importers produce them, in the mix a small shop sees."""
    start = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        k = rng.random()
        payment, method = ("paid", None)
        if k < 0.05:
            payment = "pending"
        elif k < 0.08:
            payment, method = "pending", "Cash on Delivery (COD)"
        lines = []
        for sku in rng.sample(skus, rng.choice((1, 1, 1, 2, 2, 3, 4))):
            lines.append(
                {
                    "sku": sku,
                    "name": None,
                    "quantity": rng.choice((1, 1, 1, 2, 3)),
                    "unit_price": Decimal("12.50"),
                    "line_id": None,
                    "free": False,
                }
            )
        if rng.random() < 0.02:
            lines.append(
                {
                    "sku": "UNKNOWN-SKU",
                    "name": None,
                    "quantity": 1,
                    "unit_price": Decimal("1.00"),
                    "line_id": None,
                    "free": False,
                }
            )
        country, postcode, province = rng.choice(
            (
                ("US", "10001", "NY"),
                ("GB", "SW1A 1AA", None),
                ("DE", "10115", None),
                ("CA", "K1A 0B1", "ON"),
                ("FR", "75001", None),
                ("AU", "2000", "NSW"),
            )
        )
        if rng.random() < 0.03:
            postcode = "??"
        total = sum(Decimal(ln["quantity"]) * ln["unit_price"] for ln in lines)
        out.append(
            {
                "ref": f"bench:{100000 + i}",
                "channel": "bench",
                "external_id": str(100000 + i),
                "placed_at": start + timedelta(minutes=3 * i),
                "status": "new",
                "payment": {"status": payment, "method": method, "reference": None},
                "customer": {"name": f"Buyer {i}", "email": f"buyer{i % 4000}@example.com", "phone": None},
                "ship_to": {
                    "name": f"Buyer {i}",
                    "company": None,
                    "address1": f"{i} Long Road",
                    "address2": None,
                    "address3": None,
                    "city": "Town",
                    "province": province,
                    "postal_code": postcode,
                    "country": country,
                    "phone": None,
                },
                "service_level": rng.choice(("standard",) * 7 + ("expedited", "expedited", "next_day")),
                "shipping_method": None,
                "notes": "Leave at the back door" if rng.random() < 0.05 else None,
                "tags": [],
                "currency": "USD",
                "totals": {"subtotal": total, "shipping": None, "tax": None, "discount": None, "total": total},
                "lines": lines,
            }
        )
    return out


def build_store(path: str, n_orders: int, n_skus: int, seed: int) -> None:
    """A store with products, stock and imported orders."""
    rng = random.Random(seed)
    store = Store(path)
    skus = [f"SKU-{i:04d}" for i in range(n_skus)]
    orders = make_orders(n_orders, skus, rng)
    demand: dict[str, int] = {}
    for o in orders:
        for ln in o["lines"]:
            demand[ln["sku"]] = demand.get(ln["sku"], 0) + ln["quantity"]
    now = utcnow()
    with store.connect() as conn:
        conn.execute(
            tables.products.insert(),
            [
                {"sku": s, "name": f"Product {s}", "weight_g": 200, "fragile": False, "keep_upright": False}
                for s in skus + ["THANKYOU-CARD"]
            ],
        )
        locs = []
        for i, s in enumerate(skus + ["THANKYOU-CARD"]):
            locs.append({"sku": s, "location": f"A{1 + i % 12:02d}-B{1 + (i // 12) % 20:02d}-L1", "position": 0})
            locs.append({"sku": s, "location": f"A{1 + (i + 5) % 12:02d}-B{1 + (i // 7) % 20:02d}-L3", "position": 1})
        conn.execute(tables.product_locations.insert(), locs)
        for i, s in enumerate(skus):
            # Stock covers about 90% of each SKU's demand, split over its two locations.
            have = int(demand.get(s, 0) * 0.9)
            if have:
                move(conn, s, locs[2 * i]["location"], have - have // 3, "count", command="bench")
            if have // 3:
                move(conn, s, locs[2 * i + 1]["location"], have // 3, "count", command="bench")
        move(conn, "THANKYOU-CARD", locs[-2]["location"], 500, "count", command="bench")
        BulkInserter(conn, tables.orders, ORDER_COLUMNS).insert([order_values(o, fingerprint(o), now) for o in orders])
        t = tables.orders
        ids = dict(conn.execute(t.select().with_only_columns(t.c.ref, t.c.id)).all())
        BulkInserter(conn, tables.order_lines, LINE_COLUMNS).insert(
            [r for o in orders for r in line_values(ids[o["ref"]], o)]
        )
        BulkInserter(
            conn, tables.order_events, ("order_id", "kind", "from_status", "to_status", "at", "command", "note")
        ).insert([(ids[o["ref"]], "status", None, "new", now, "import", None) for o in orders])
    store.dispose()


def empty_transactions(path: str, n: int) -> float:
    """Seconds for n empty write transactions (BEGIN IMMEDIATE … COMMIT) on the store."""
    store = Store(path)
    started = time.perf_counter()
    for _ in range(n):
        with store.connect():
            pass
    elapsed = time.perf_counter() - started
    store.dispose()
    return elapsed


def main() -> None:
    """Build, time, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--skus", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = os.path.join(folder, "oms.db")
        cfg = os.path.join(folder, "oms.yaml")
        Path(cfg).write_text(CONFIG, encoding="utf-8")
        t0 = time.perf_counter()
        build_store(db, args.orders, args.skus, args.seed)
        print(f"store built: {args.orders} orders, {args.skus} SKUs in {time.perf_counter() - t0:.1f} s")
        pristine = os.path.join(folder, "pristine.db")
        shutil.copy(db, pristine)

        baseline = empty_transactions(os.path.join(folder, "scratch.db"), args.orders)

        config = load_config(cfg)
        store = Store(db)
        started, cpu = time.perf_counter(), time.process_time()
        report = release_orders(store, config)
        first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = release_orders(store, config)
        second = time.perf_counter() - started
        store.dispose()
        reasons: dict[str, int] = {}
        for h in report.held:
            reasons[h["reason"]] = reasons.get(h["reason"], 0) + 1

        proc_db = os.path.join(folder, "proc.db")
        shutil.copy(pristine, proc_db)
        env = dict(os.environ, OMS_DB=proc_db, OMS_CONFIG=cfg)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "oms_cli", "--json", "release", "--all"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cli = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cli_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    n = args.orders
    print(
        f"released {len(report.released)}, held {len(report.held)} {dict(sorted(reasons.items()))}, errors {len(report.errors)}"
    )
    print(f"baseline  {n} empty write transactions        {baseline:6.2f} s wall  ({n / baseline:8.0f} /s)")
    print(
        f"service   release, first run                   {first:6.2f} s wall  {first_cpu:5.2f} s CPU  ({n / first:6.0f} orders/s)  {first / baseline:4.1f}x baseline"
    )
    print(
        f"service   release, second run (cron, no work)  {second:6.2f} s wall  ({n / second:6.0f} orders/s)  unchanged {again.unchanged}"
    )
    print(
        f"process   oms release --all (whole command)    {cli:6.2f} s wall  {cli_cpu:5.2f} s CPU   target < 5 s: {'met' if cli < 5 else 'NOT met'}"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
