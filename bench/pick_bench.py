"""Picking benchmark: how far pickers walk with oms batch picking against two baselines.

For each shop size it generates a reproducible shop (a catalogue spread over the
default warehouse layout, orders of 1-5 lines) and prints the total walking
distance of

  (a) single-order picking, each list sorted by location code,
  (b) first-come-first-served carts, each walked with an S-shape route,
  (c) oms batch picking: savings + local search carts, exact routes
      (``plan_batch``, the planner ``oms pick`` calls),

all at the same cart capacity, with the ratio (c)/(b) and the planning time of (c)
(wall clock, which the targets are about, and CPU time, which shows what a busy
machine took away).
Route lengths follow the warehouse model (docs/picking.md).

    python bench/pick_bench.py [--sizes 200,1000,10000] [--seed 1] [--urgent 0.1]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oms_cli.picking.batching import BatchOrder, CartCapacity, fcfs_batches  # noqa: E402
from oms_cli.picking.planning import PickLine, PickOrder, plan_batch  # noqa: E402
from oms_cli.picking.routing import location_code_order_route, s_shape_route  # noqa: E402
from oms_cli.warehouse.layout import Layout, location_code  # noqa: E402

CAPACITY = CartCapacity(orders=8, items=25)
CATALOGUE_SIZE = 1500


def make_shop(size: int, seed: int, urgent: float) -> list[PickOrder]:
    """A reproducible shop: SKUs stored all over the default layout, orders of 1-5 lines in queue order."""
    rng = random.Random(f"{seed}-{size}")
    layout = Layout()
    catalogue = [
        (f"SKU-{n:05d}", location_code(rng.randint(1, layout.aisles), rng.randint(1, layout.bays), rng.randint(1, 4)))
        for n in range(CATALOGUE_SIZE)
    ]
    orders = []
    for number in range(size):
        count = rng.choices([1, 2, 3, 4, 5], weights=[35, 25, 20, 12, 8])[0]
        lines = [
            PickLine(sku, location, rng.choices([1, 2, 3], weights=[80, 15, 5])[0], str(key))
            for key, (sku, location) in enumerate(rng.sample(catalogue, count), start=1)
        ]
        orders.append(PickOrder(f"#{100000 + number}", 0 if rng.random() < urgent else 1, lines))
    return orders


def measure(size: int, seed: int, urgent: float, time_limit_s: float) -> dict[str, float]:
    """Distances of (a), (b), (c) and the planning time of (c) for one shop size."""
    layout = Layout()
    orders = make_shop(size, seed, urgent)
    single = sum(location_code_order_route(layout, [x.location_code for x in o.lines]).length_m for o in orders)
    batch_orders = [
        BatchOrder(o.ref, o.priority_rank, tuple(x.location_code for x in o.lines), sum(x.quantity for x in o.lines))
        for o in orders
    ]
    fcfs = fcfs_batches(layout, batch_orders, CAPACITY)
    by_ref = {o.ref: o for o in orders}
    fcfs_s_shape = sum(
        s_shape_route(layout, [x.location_code for ref in batch.refs for x in by_ref[ref].lines]).length_m
        for batch in fcfs.batches
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    plan = plan_batch(layout, orders, CAPACITY, batching="savings", time_limit_s=time_limit_s)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "single": single,
        "fcfs_s_shape": fcfs_s_shape,
        "fcfs_exact": fcfs.distance_m,
        "oms": plan.distance_m,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "fcfs_carts": len(fcfs.batches),
        "oms_carts": len(plan.lists),
    }


def default_time_limit(size: int) -> float:
    """The planner's time limit used for a shop size: 2 s up to 1,000 orders, then 2 s per 1,000 up to 25 s."""
    return min(25.0, max(2.0, size / 500))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one row per shop size."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,1000,10000", help="comma-separated numbers of orders")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--urgent", type=float, default=0.1, help="share of orders in the more urgent priority class")
    parser.add_argument(
        "--time-limit", type=float, default=None, help="planner time limit in seconds (default: by size)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(
        f"cart: {CAPACITY.orders} orders / {CAPACITY.items} items; layout: default 12 aisles x 20 bays; "
        f"seed {args.seed}; urgent share {args.urgent:.0%}"
    )
    header = (
        f"{'orders':>7} {'(a) single, code order':>23} {'(b) FCFS, S-shape':>18} {'FCFS, exact':>12} "
        f"{'(c) oms batch':>14} {'(c)/(b)':>8} {'(c)/(a)':>8} {'carts b/c':>10} {'limit s':>8} {'plan s':>7} {'cpu s':>6}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        limit = args.time_limit if args.time_limit is not None else default_time_limit(size)
        r = measure(size, args.seed, args.urgent, limit)
        print(
            f"{size:>7} {r['single']:>21.0f} m {r['fcfs_s_shape']:>16.0f} m {r['fcfs_exact']:>10.0f} m "
            f"{r['oms']:>12.0f} m {r['oms'] / r['fcfs_s_shape']:>8.3f} {r['oms'] / r['single']:>8.3f} "
            f"{r['fcfs_carts']:>4.0f}/{r['oms_carts']:<5.0f} {limit:>8.1f} {r['seconds']:>7.2f} {r['cpu_seconds']:>6.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
