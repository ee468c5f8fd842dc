"""Time `oms pick plan` end to end over ready orders (targets: 1,000 in under 3 s, 10,000 in under 30 s).

    python bench/pick_plan_bench.py [--sizes 1000,10000] [--method batch] [--seed 1]

For each size it builds a store with a catalogue of 1,500 SKUs spread over the default
layout, plenty of stock and orders of 1-5 lines (the profile of bench/pick_bench.py),
releases them with the real release service (so every line has a reservation at a
location), then times on copies of that store:

* baseline: the pure planner alone (``plan_picking``) on the very orders the service reads,
* the picking service in-process (``plan_run``: read, plan, write, transitions),
* `oms --json pick plan` as a real process (start-up, all of the above, JSON output),
* `oms pick plan` as a real process printing every list as tables (to /dev/null).

Not part of the test suite. The planner's time limit is the config default
(``picking.time_limit_s`` = 2 s), as a shop would run it.
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oms_cli.core.config import load_config  # noqa: E402
from oms_cli.orders.records import LINE_COLUMNS, ORDER_COLUMNS, line_values, order_values  # noqa: E402
from oms_cli.orders.staging import fingerprint  # noqa: E402
from oms_cli.picking import service  # noqa: E402
from oms_cli.picking.planning import plan_picking  # noqa: E402
from oms_cli.release.service import release_orders  # noqa: E402
from oms_cli.stock.ledger import move  # noqa: E402
from oms_cli.store import tables  # noqa: E402
from oms_cli.store.bulk import BulkInserter  # noqa: E402
from oms_cli.store.engine import Store  # noqa: E402
from oms_cli.store.types import utcnow  # noqa: E402
from oms_cli.warehouse.layout import Layout, location_code  # noqa: E402

CATALOGUE_SIZE = 1500


def build_store(path: str, size: int, seed: int) -> None:
    """A store with a catalogue, stock for every order and ``size`` released orders."""
    from decimal import Decimal

    rng = random.Random(f"{seed}-{size}")
    layout = Layout()
    skus = [f"SKU-{n:05d}" for n in range(CATALOGUE_SIZE)]
    where = {
        s: location_code(rng.randint(1, layout.aisles), rng.randint(1, layout.bays), rng.randint(1, 4)) for s in skus
    }
    now = utcnow()
    orders = []
    for number in range(size):
        count = rng.choices([1, 2, 3, 4, 5], weights=[35, 25, 20, 12, 8])[0]
        lines = [
            {
                "sku": s,
                "name": None,
                "quantity": rng.choices([1, 2, 3], weights=[80, 15, 5])[0],
                "unit_price": Decimal("9.50"),
                "line_id": None,
                "free": False,
            }
            for s in rng.sample(skus, count)
        ]
        orders.append(
            {
                "ref": f"bench:{100000 + number}",
                "channel": "bench",
                "external_id": str(100000 + number),
                "placed_at": now - timedelta(minutes=size - number),
                "status": "new",
                "payment": {"status": "paid", "method": None, "reference": None},
                "customer": {"name": f"Buyer {number}", "email": f"b{number}@example.com", "phone": None},
                "ship_to": {
                    "name": f"Buyer {number}",
                    "company": None,
                    "address1": "1 Long Road",
                    "address2": None,
                    "address3": None,
                    "city": "Town",
                    "province": "NY",
                    "postal_code": "10001",
                    "country": "US",
                    "phone": None,
                },
                "service_level": rng.choice(("standard",) * 8 + ("expedited", "next_day")),
                "shipping_method": None,
                "notes": None,
                "tags": [],
                "currency": "USD",
                "totals": {
                    "subtotal": None,
                    "shipping": None,
                    "tax": None,
                    "discount": None,
                    "total": Decimal("20.00"),
                },
                "lines": lines,
            }
        )
    store = Store(path)
    with store.connect() as conn:
        conn.execute(
            tables.products.insert(),
            [{"sku": s, "name": s, "weight_g": 300, "fragile": False, "keep_upright": False} for s in skus],
        )
        conn.execute(tables.product_locations.insert(), [{"sku": s, "location": where[s], "position": 0} for s in skus])
        for s in skus:
            move(conn, s, where[s], 10 * size, "count", command="bench")
        BulkInserter(conn, tables.orders, ORDER_COLUMNS).insert([order_values(o, fingerprint(o), now) for o in orders])
        t = tables.orders
        ids = dict(conn.execute(t.select().with_only_columns(t.c.ref, t.c.id)).all())
        BulkInserter(conn, tables.order_lines, LINE_COLUMNS).insert(
            [r for o in orders for r in line_values(ids[o["ref"]], o)]
        )
        BulkInserter(
            conn, tables.order_events, ("order_id", "kind", "from_status", "to_status", "at", "command", "note")
        ).insert([(ids[o["ref"]], "status", None, "new", now, "import", None) for o in orders])
    report = release_orders(store, load_config(None))
    store.dispose()
    if len(report.released) != size:
        raise SystemExit(f"only {len(report.released)} of {size} orders released: {report.held[:3]}")


def pure_planner(path: str, method: str) -> tuple[float, float, int]:
    """Seconds (wall, CPU) the pure planner takes on the orders the service reads, and the number of lists."""
    config = load_config(None)
    setup = service.settings(config)
    store = Store(path)
    now = utcnow()
    with store.connect(write=False) as conn:
        rows, _ = service._ready_orders(conn, None)
        rows.sort(key=lambda r: service.queue_key(r.ship_by, r.service_level, r.placed_at, r.id, now))
        departure = service.next_departure(setup.schedule, now) if method == "wave" else None
        orders = [
            c.order
            for c in service._candidates(service._read_inputs(conn, rows), setup.layout, now, departure)
            if c.order is not None
        ]
    store.dispose()
    started, cpu = time.perf_counter(), time.process_time()
    plan = plan_picking(
        method,
        setup.layout,
        orders,
        setup.capacity,
        batching=setup.batching,  # type: ignore[arg-type]
        time_limit_s=setup.time_limit_s,
        pickers=setup.pickers,
    )
    return time.perf_counter() - started, time.process_time() - cpu, len(plan.lists)


def in_process(path: str, method: str) -> tuple[float, float, dict]:
    """Seconds (wall, CPU) for the picking service to plan and store the run."""
    store = Store(path)
    started, cpu = time.perf_counter(), time.process_time()
    doc = service.plan_run(store, load_config(None), service.PlanRequest(method=method))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    store.dispose()
    return elapsed, cpu, doc


def as_process(path: str, method: str, json_output: bool) -> tuple[float, float]:
    """Seconds (wall, CPU) for `oms [--json] pick plan` as a real process, output to /dev/null."""
    env = dict(os.environ, OMS_DB=path)
    env.pop("OMS_CONFIG", None)
    args = (
        [sys.executable, "-m", "oms_cli"] + (["--json"] if json_output else []) + ["pick", "plan", "--method", method]
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Build, time, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--method", default="batch", choices=("single", "batch", "zone", "wave"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    targets = {1000: 3.0, 10000: 30.0}
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)  # no stray oms.yaml: the defaults, as documented
        for size in (int(s) for s in args.sizes.split(",")):
            pristine = os.path.join(folder, f"pristine-{size}.db")
            t0 = time.perf_counter()
            build_store(pristine, size, args.seed)
            print(f"{size} orders released in a fresh store ({time.perf_counter() - t0:.1f} s to build)")
            copies = {}
            for name in ("pure", "service", "json", "tables"):
                copies[name] = os.path.join(folder, f"{name}-{size}.db")
                shutil.copy(pristine, copies[name])
            pure, pure_cpu, lists = pure_planner(copies["pure"], args.method)
            svc, svc_cpu, doc = in_process(copies["service"], args.method)
            proc_json, json_cpu = as_process(copies["json"], args.method, True)
            proc_tables, tables_cpu = as_process(copies["tables"], args.method, False)
            target = targets.get(size)
            verdict = f"   target < {target:g} s: {'met' if proc_json < target else 'NOT met'}" if target else ""
            print(
                f"  {args.method}: {lists} lists, {doc['distance_m']:,.0f} m (location-code order {doc['code_order_distance_m']:,.0f} m)"
            )
            print("                                                    wall      CPU   wall/baseline")
            print(f"  baseline  pure planner (plan_picking)           {pure:6.2f} s {pure_cpu:6.2f} s")
            print(
                f"  service   plan_run in-process (read+plan+write) {svc:6.2f} s {svc_cpu:6.2f} s  {svc / pure:4.2f}x"
            )
            print(
                f"  process   oms --json pick plan                  {proc_json:6.2f} s {json_cpu:6.2f} s  {proc_json / pure:4.2f}x{verdict}"
            )
            print(
                f"  process   oms pick plan (tables)                {proc_tables:6.2f} s {tables_cpu:6.2f} s  {proc_tables / pure:4.2f}x"
            )


if __name__ == "__main__":
    main()
