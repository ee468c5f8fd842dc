"""Import benchmark: `oms import` on two generated Shopify exports against a bare baseline.

The two exports: the bundled generator's (a small shop whose names, places, notes and
prices repeat) and a varied one (names, addresses, notes, prices and times that rarely
repeat, as in a real shop's export). The baseline, measured in the same run on each:
Python's csv reader plus sqlite3.executemany into an equivalent two-table schema
(orders, lines). Also times `oms --help` and `oms --version` against a bare
`python -c pass`.

    python bench/import_bench.py [--orders 100000] [--runs 3] [--keep DIR]
    python bench/import_bench.py --db postgresql://…   # PostgreSQL against COPY and SQLite (bench/pg_import.py)
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def baseline(path: Path, db: Path) -> tuple[float, int]:
    """csv + sqlite3.executemany into orders/lines; returns (seconds, orders)."""
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, ref TEXT UNIQUE, email TEXT, financial_status TEXT, currency TEXT,"
        " total TEXT, shipping_method TEXT, created_at TEXT, ship_name TEXT, ship_address1 TEXT, ship_city TEXT,"
        " ship_zip TEXT, ship_country TEXT, notes TEXT)"
    )
    con.execute(
        "CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders(id), sku TEXT, name TEXT, quantity INTEGER, price TEXT)"
    )
    orders: list[tuple] = []
    lines: list[tuple] = []
    oid = 0
    current = None
    with open(path, newline="", encoding="utf-8-sig") as f:
        r = csv.reader(f)
        header = next(r)
        col = {name: i for i, name in enumerate(header)}
        c_name, c_email, c_fin, c_cur, c_total, c_method, c_created = (
            col[n] for n in ("Name", "Email", "Financial Status", "Currency", "Total", "Shipping Method", "Created at")
        )
        c_sname, c_sa1, c_scity, c_szip, c_scountry, c_notes = (
            col[n]
            for n in (
                "Shipping Name",
                "Shipping Address1",
                "Shipping City",
                "Shipping Zip",
                "Shipping Country",
                "Notes",
            )
        )
        c_sku, c_lname, c_qty, c_price = (
            col[n] for n in ("Lineitem sku", "Lineitem name", "Lineitem quantity", "Lineitem price")
        )
        for row in r:
            name = row[c_name]
            if name != current:
                current = name
                oid += 1
                orders.append(
                    (
                        oid,
                        name,
                        row[c_email],
                        row[c_fin],
                        row[c_cur],
                        row[c_total],
                        row[c_method],
                        row[c_created],
                        row[c_sname],
                        row[c_sa1],
                        row[c_scity],
                        row[c_szip],
                        row[c_scountry],
                        row[c_notes],
                    )
                )
            lines.append((oid, row[c_sku], row[c_lname], int(row[c_qty]), row[c_price]))
    with con:
        con.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", orders)
        con.executemany("INSERT INTO lines (order_id, sku, name, quantity, price) VALUES (?,?,?,?,?)", lines)
    con.close()
    return time.perf_counter() - t0, oid


def run_oms(args: list[str], env: dict[str, str]) -> float:
    """Run `oms ARGS` as a process; return wall seconds."""
    return run_oms_timed(args, env)[0]


def run_oms_timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run `oms ARGS` as a process; return (wall seconds, CPU seconds of it and its reader)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "oms_cli", *args], check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def startup(cmd: list[str], n: int = 15) -> float:
    """Median wall time of a command, in ms."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(label: str, export: Path, work: Path, runs: int, orders: int) -> tuple[float, float]:
    """Alternate the baseline and `oms import` on fresh stores ``runs`` times; print the
    best of each and their ratio; return (oms seconds, baseline seconds)."""
    # Alternate the two, fresh files each time, and compare the best of each: the ratio
    # is then about the code, not about what else the machine was doing in one run.
    base_runs: list[float] = []
    oms_runs: list[float] = []
    cpu_runs: list[float] = []
    peak_mb = 0.0
    n = 0
    env = dict(os.environ, OMS_DB=str(work / "oms.db"), NO_COLOR="1")
    env.pop("OMS_CONFIG", None)
    env.pop("OMS_IMPORT_FAST", None)
    for _run in range(runs):
        for old in work.glob("baseline.db*"):
            old.unlink()
        base_s, n = baseline(export, work / "baseline.db")
        base_runs.append(base_s)
        for old in work.glob("oms.db*"):
            old.unlink()
        run_oms(["--quiet", "db", "upgrade"], env)  # schema creation is not part of the import
        wall, cpu = run_oms_timed(["--quiet", "import", str(export)], env)
        oms_runs.append(wall)
        cpu_runs.append(cpu)
        # the largest resident set of any process the import started (the reader too)
        peak_mb = max(peak_mb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    base_s, oms_s = min(base_runs), min(oms_runs)
    print(f"[{label}]  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"  baseline  csv + sqlite3.executemany:   best {base_s:5.2f} s  median {statistics.median(base_runs):5.2f} s  ({n / base_s:,.0f} orders/s)"
    )
    print(
        f"  oms import (end to end, new store):    best {oms_s:5.2f} s  median {statistics.median(oms_runs):5.2f} s  "
        f"({orders / oms_s:,.0f} orders/s)  CPU best {min(cpu_runs):.2f} s (both processes)  peak RSS {peak_mb:.0f} MB"
    )
    print(
        f"  ratio oms / baseline (best of {runs} each): {oms_s / base_s:.2f}x  "
        f"(median {statistics.median(oms_runs) / statistics.median(base_runs):.2f}x; target <= 3x, peak < 300 MB)"
    )
    again = run_oms(["--quiet", "import", str(export)], env)
    print(f"  re-import of the same file (all unchanged): {again:6.2f} s")
    return oms_s, base_s


def main() -> None:
    """Generate, measure, print."""
    from gen_shopify import write_shopify_export, write_varied_shopify_export

    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3)")
    ap.add_argument("--db", help="a PostgreSQL database to empty and import into, against COPY and SQLite")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="oms-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    exports = []
    for label, write in (("bundled generator", write_shopify_export), ("varied data", write_varied_shopify_export)):
        export = work / f"shopify-{label.split()[0]}.csv"
        t0 = time.perf_counter()
        rows = write(export, orders=a.orders, seed=1)
        print(
            f"{label}: generated {a.orders:,} orders ({rows:,} rows, {export.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        exports.append((label, export))
    if a.db:  # PostgreSQL against COPY and SQLite, on the bundled generator's export
        from pg_import import compare

        compare(exports[0][1], a.db, work, a.runs, a.orders)
        return
    for label, export in exports:
        measure(label, export, work, a.runs, a.orders)

    bare = startup([sys.executable, "-c", "pass"])
    oms_bin = [sys.executable, "-m", "oms_cli"]
    help_ms = startup(oms_bin + ["--help"])
    ver_ms = startup(oms_bin + ["--version"])
    print(
        f"start-up (median of 15): python -c pass {bare:.0f} ms, oms --help {help_ms:.0f} ms, oms --version {ver_ms:.0f} ms (target < 150 ms)"
    )


if __name__ == "__main__":
    main()
