"""Benchmark: `oms report --json` over 100,000 orders with their full history.

Generates a store (orders, about a million order events, order lines, pick lists with
their stops and allocations, packages, verification scans, outbox messages, feedback,
problems, returns) with bulk inserts, then times `oms report --json` end to end as a
subprocess, against a baseline measured in the same run on the same file: a bare
sqlite3 GROUP BY over the order events (the least any report must read) and the same
for a bare `python -c pass` start-up.

    python bench/report_bench.py                 # 100,000 orders, target < 2 s
    python bench/report_bench.py --orders 20000 --runs 5 --keep /tmp/report.db

Not part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 2.0
CHANNELS = (("shopify", 50), ("amazon", 30), ("etsy", 10), ("ebay", 10))
LEVELS = (("standard", 80, 48), ("expedited", 15, 24), ("next_day", 5, 12))  # name, weight, ship-by hours
BOXES = (("S", (210, 160, 110)), ("M", (310, 240, 160)), ("L", (410, 310, 260)), ("XL", (615, 415, 415)))
PICKERS = ("ana", "ben", "chloe", "dev", "emil")
REASONS = ("wrong_item", "damaged_in_transit", "doesnt_fit", "changed_mind", "defective")


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...] | tuple[tuple[str, int, int], ...]) -> tuple:
    r = rng.uniform(0, sum(w[1] for w in weighted))
    for item in weighted:
        r -= item[1]
        if r <= 0:
            return item
    return weighted[-1]


def generate(path: Path, orders: int, seed: int = 8) -> dict[str, int]:
    """Create a store at ``path`` and fill it with ``orders`` orders and their history."""
    from oms_cli.store.engine import Store

    rng = random.Random(seed)
    span_s = 365 * 86400
    # A year of orders up to yesterday (naive UTC): the last ones are still on their way.
    today = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    base = today - timedelta(days=366)
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "orders",
            "lines",
            "events",
            "runs",
            "lists",
            "stops",
            "allocs",
            "packages",
            "scans",
            "outbox",
            "feedback",
            "problems",
            "returns",
        )
    }
    h = lambda hours: timedelta(hours=hours)  # noqa: E731

    line_id = 0
    ready_by_day: dict[int, list[tuple[int, list[tuple[int, int]], datetime, str]]] = {}
    for oid in range(1, orders + 1):
        placed = base + timedelta(seconds=int(span_s * (oid - 1) / orders) + rng.randrange(0, 300))
        channel = _pick(rng, CHANNELS)[0]
        level, _, promise_h = _pick(rng, LEVELS)
        ship_by = placed + h(promise_h)
        ev = rows["events"]
        ev.append((oid, "status", None, "new", placed + timedelta(seconds=30), "import", None))
        ev.append((oid, "note", None, None, placed + timedelta(seconds=31), "import", "imported from file"))
        lines = []
        for n in range(rng.choice((1, 1, 2, 3))):
            line_id += 1
            qty = rng.choice((1, 1, 1, 2, 3))
            rows["lines"].append((line_id, oid, n + 1, f"SKU-{rng.randrange(500):04d}", qty, 1999, False))
            lines.append((line_id, qty))
        status = "new"
        t = placed + h(rng.uniform(0.2, 3))
        if rng.random() < 0.03:
            ev.append((oid, "status", "new", "cancelled", t, "orders cancel", None))
            status = "cancelled"
        else:
            if rng.random() < 0.05:
                ev.append((oid, "status", "new", "on_hold", t, "release", "awaiting_payment"))
                t += h(rng.uniform(2, 30))
                ev.append((oid, "status", "on_hold", "ready", t, "orders release", None))
            else:
                ev.append((oid, "status", "new", "ready", t, "release", None))
            status = "ready"
            ready_by_day.setdefault(int((t - base).total_seconds() // 86400), []).append((oid, lines, t, level))
        shipping = rng.choice((0, 395, 495, 695))
        rows["orders"].append(
            [
                oid,
                f"{channel}:{oid}",
                channel,
                str(oid),
                placed,
                status,
                "paid",
                level,
                "none",
                [],
                "EUR",
                shipping,
                4000 + shipping,
                ship_by,
            ]
        )

    run_id = list_id = stop_id = pkg_id = scan_id = msg_id = ret_id = 0
    statuses = {}
    for day in sorted(ready_by_day):
        run_id += 1
        day_start = base + timedelta(days=day)
        rows["runs"].append((run_id, day_start + h(7), "batch", "savings", 0.0, 0.0))
        # Carts of eight orders in the order they became ready, as a picker takes them.
        batch = sorted(ready_by_day[day], key=lambda r: r[2])
        for i in range(0, len(batch), 8):
            cart = batch[i : i + 8]
            list_id += 1
            claimed = max(r[2] for r in cart) + h(rng.uniform(0.3, 3))
            picker = rng.choice(PICKERS)
            n_lines = sum(len(r[1]) for r in cart)
            completed = claimed + timedelta(minutes=n_lines * rng.uniform(1.5, 3.5))
            distance = n_lines * rng.uniform(8, 20)
            rows["lists"].append((list_id, run_id, 0, picker, "done", claimed, completed, distance, distance * 1.3))
            for oid, lines, _, level in cart:
                ev = rows["events"]
                ev.append((oid, "status", "ready", "picking", claimed, "pick claim", None))
                picked_at = completed - timedelta(seconds=rng.randrange(0, 300))
                for lid, qty in lines:
                    stop_id += 1
                    short = 1 if rng.random() < 0.01 else 0
                    rows["stops"].append(
                        (
                            stop_id,
                            list_id,
                            stop_id,
                            f"A{rng.randrange(1, 13):02d}-{rng.randrange(1, 21):02d}",
                            "SKU",
                            qty,
                        )
                    )
                    rows["allocs"].append((stop_id, oid, lid, qty, qty - short, short, picked_at))
                ev.append((oid, "status", "picking", "picked", completed, "pick done", None))
                packed = completed + timedelta(minutes=rng.uniform(5, 60))
                ev.append((oid, "status", "picked", "packed", packed, "pack", None))
                ev.append((oid, "note", None, None, packed, "pack", "verified"))
                units = sum(q for _, q in lines)
                for _ in range(units):
                    scan_id += 1
                    rows["scans"].append((oid, "4006381333931", "SKU", "ok", packed - timedelta(seconds=30)))
                if rng.random() < 0.01:
                    rows["scans"].append(
                        (
                            oid,
                            "4006381333932",
                            "SKU",
                            rng.choice(("wrong", "extra", "unknown")),
                            packed - timedelta(seconds=20),
                        )
                    )
                # The next carrier collection: priority parcels go on an earlier one.
                shipped = packed + h(rng.uniform(0.3, 3) if level != "standard" else rng.uniform(0.5, 20))
                ev.append((oid, "status", "packed", "shipped", shipped, "ship", None))
                ev.append((oid, "note", None, None, shipped, "ship", "label printed"))
                box, outer = BOXES[min(len(BOXES) - 1, (units - 1) // 2 + rng.choice((0, 0, 0, 1)))]
                weight = 300 + 250 * units
                measured = weight + rng.randrange(-20, 20)
                dim = outer[0] * outer[1] * outer[2] // 5000
                pkg_id += 1
                delivered = shipped + h(rng.uniform(20, 120))
                done = delivered < today
                rows["packages"].append(
                    (
                        oid,
                        1,
                        box,
                        *outer,
                        weight,
                        measured,
                        max(measured, dim),
                        rng.uniform(20, 90),
                        [],
                        [],
                        packed,
                        "ups",
                        f"1Z{pkg_id:016d}",
                        rng.choice((380, 450, 520, 890)),
                        shipped,
                        delivered if done else None,
                    )
                )
                msg_id += 1
                rows["outbox"].append(
                    (
                        f"shipped:{oid}",
                        oid,
                        "shipped",
                        "buyer@example.com",
                        "Your order shipped",
                        "text",
                        rng.choice(("sent",) * 20 + ("failed", "queued")),
                        1,
                        shipped,
                        shipped,
                    )
                )
                statuses[oid] = "shipped"
                if done:
                    ev.append((oid, "status", "shipped", "delivered", delivered, "track", None))
                    statuses[oid] = "delivered"
                    if rng.random() < 0.2:
                        rows["feedback"].append((oid, rng.choice((5, 5, 5, 4, 4, 3, 2, 1)), None, delivered + h(50)))
                    if rng.random() < 0.03:
                        ret_id += 1
                        rows["returns"].append(
                            (f"RMA-{ret_id:06d}", oid, rng.choice(REASONS), "open", delivered + h(72))
                        )
                        statuses[oid] = "returned"
                        ev.append((oid, "status", "delivered", "returned", delivered + h(96), "returns receive", None))
                    if rng.random() < 0.01:
                        rows["problems"].append(
                            (oid, "feedback", "late parcel", rng.choice(("open", "resolved")), delivered + h(60))
                        )
    for row in rows["orders"]:
        row[5] = statuses.get(row[0], row[5])

    # The schema comes from the store's own migrations; the rows go in with sqlite3's
    # executemany (timestamps in the store's text format), several times faster than
    # any per-row processing.
    Store(str(path)).dispose()
    con = sqlite3.connect(path)

    def cell(v: object) -> object:
        if isinstance(v, datetime):
            return v.isoformat(" ", "microseconds")
        if isinstance(v, list):
            return json.dumps(v)
        return v

    def put(table: str, columns: list[str], data: list) -> None:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        con.executemany(sql, ([cell(v) for v in row] for row in data))

    with con:
        put(
            "orders",
            [
                "id",
                "ref",
                "channel",
                "external_id",
                "placed_at",
                "status",
                "payment_status",
                "service_level",
                "instruction_state",
                "tags",
                "currency",
                "shipping_minor",
                "total_minor",
                "ship_by",
            ],
            rows["orders"],
        )
        put("order_lines", ["id", "order_id", "line_no", "sku", "quantity", "unit_price_minor", "free"], rows["lines"])
        put("order_events", ["order_id", "kind", "from_status", "to_status", "at", "command", "note"], rows["events"])
        put(
            "pick_runs", ["id", "created_at", "method", "batching", "distance_m", "code_order_distance_m"], rows["runs"]
        )
        put(
            "pick_lists",
            [
                "id",
                "run_id",
                "seq",
                "picker",
                "status",
                "claimed_at",
                "completed_at",
                "distance_m",
                "code_order_distance_m",
            ],
            rows["lists"],
        )
        put("pick_stops", ["id", "list_id", "seq", "location", "sku", "quantity"], rows["stops"])
        put(
            "pick_allocations",
            ["stop_id", "order_id", "order_line_id", "quantity", "picked_qty", "short_qty", "picked_at"],
            rows["allocs"],
        )
        put(
            "packages",
            [
                "order_id",
                "package_no",
                "box",
                "length_mm",
                "width_mm",
                "height_mm",
                "weight_g",
                "measured_weight_g",
                "billable_weight_g",
                "fill_pct",
                "materials",
                "placements",
                "packed_at",
                "carrier",
                "tracking",
                "cost_minor",
                "shipped_at",
                "delivered_at",
            ],
            rows["packages"],
        )
        put("verify_scans", ["order_id", "code", "sku", "result", "at"], rows["scans"])
        put(
            "outbox",
            [
                "key",
                "order_id",
                "kind",
                "to_addr",
                "subject",
                "body_text",
                "status",
                "attempts",
                "created_at",
                "due_at",
            ],
            rows["outbox"],
        )
        put("feedback", ["order_id", "rating", "comment", "at"], rows["feedback"])
        put("returns", ["rma", "order_id", "reason", "status", "opened_at"], rows["returns"])
        put("problems", ["order_id", "source", "description", "status", "opened_at"], rows["problems"])
        # Each order's first time at each milestone status, which the commands write
        # together with the status event (oms_cli.orders.events).
        from oms_cli.orders.lifecycle import MILESTONE_COLUMN

        con.execute(
            "UPDATE orders SET "
            + ", ".join(
                f"{col} = (SELECT MIN(at) FROM order_events e WHERE e.order_id = orders.id AND e.kind = 'status' AND e.to_status = '{status}')"
                for status, col in MILESTONE_COLUMN.items()
            )
        )
    con.close()
    return {k: len(v) for k, v in rows.items()}


def time_command(args: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` runs of a command (output discarded, must succeed)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return times


def bare_group_by(path: Path) -> float:
    """Seconds for a bare sqlite3 GROUP BY over all the order events: each order's first
    time at each status, the one pass over the events a report that did not keep those
    times with the orders would have to make."""
    firsts = ", ".join(
        f"MIN(CASE WHEN to_status = '{s}' THEN at END)"
        for s in ("ready", "picked", "packed", "shipped", "delivered", "cancelled")
    )
    con = sqlite3.connect(path)
    t0 = time.perf_counter()
    con.execute(f"SELECT order_id, {firsts} FROM order_events WHERE kind = 'status' GROUP BY order_id").fetchall()
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def main() -> None:
    """Generate the store, time the report and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="Store file to create (or reuse if it exists) instead of a temp file.")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = args.keep or Path(tmp.name) / "bench.db"
    if not path.exists():
        t0 = time.perf_counter()
        counts = generate(path, args.orders)
        gen_s = time.perf_counter() - t0
        print(
            f"generated {counts['orders']:,} orders, {counts['events']:,} events, {counts['allocs']:,} pick allocations, "
            f"{counts['packages']:,} packages, {counts['scans']:,} scans, {counts['outbox']:,} messages in {gen_s:.1f} s"
        )
    else:
        print(f"reusing {path}")

    env = dict(
        os.environ,
        OMS_DB=str(path),
        HOME=tmp.name,
        XDG_CONFIG_HOME=str(Path(tmp.name) / "config"),
        PYTHONPATH=str(ROOT),
    )
    # Baselines and the report alternate, so a busy machine slows both alike.
    startup, baseline, report = [], [], []
    for _ in range(args.runs):
        startup += time_command([sys.executable, "-c", "import sqlalchemy, sqlmodel"], env, 1)
        baseline.append(bare_group_by(path))
        report += time_command([sys.executable, "-m", "oms_cli", "report", "--json"], env, 1)
    best, med = min(report), statistics.median(report)
    floor = min(startup) + min(baseline)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) {load:.2f} on {os.cpu_count()} CPUs")
    print(f"python start-up importing sqlalchemy+sqlmodel : {min(startup) * 1000:7.0f} ms")
    print(f"bare sqlite3 GROUP BY over the events         : {min(baseline) * 1000:7.0f} ms")
    print(
        f"oms report --json, end to end (best)          : {best * 1000:7.0f} ms   median {med * 1000:.0f} ms over {args.runs} runs"
    )
    print(f"ratio report / (start-up + bare GROUP BY)     : {best / floor:7.2f} x")
    verdict = "OK" if best < TARGET_S else "SLOWER THAN TARGET"
    print(f"target < {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
