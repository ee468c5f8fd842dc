"""The import benchmark on PostgreSQL (`python bench/import_bench.py --db postgresql://…`).

In one run, on the same generated export: `oms import` into the PostgreSQL database,
`oms import` into a new SQLite file, and the baseline — the same orders and lines
parsed with csv and written with COPY into an equivalent two-table schema. The
database named must be one the bench may empty: its ``public`` schema is dropped and
made again before each run.
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _psycopg_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def _reset(url: str) -> None:
    import psycopg

    with psycopg.connect(_psycopg_url(url), autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS public CASCADE")
        con.execute("CREATE SCHEMA public")


def copy_baseline(path: Path, url: str) -> tuple[float, int]:
    """csv + COPY into orders/lines (with the same unique ref index); returns (seconds, orders)."""
    import psycopg

    _reset(url)
    t0 = time.perf_counter()
    with psycopg.connect(_psycopg_url(url)) as con:
        con.execute(
            "CREATE TABLE orders (id integer PRIMARY KEY, ref text UNIQUE, email text, financial_status text,"
            " currency text, total text, shipping_method text, created_at text, ship_name text, ship_address1 text,"
            " ship_city text, ship_zip text, ship_country text, notes text)"
        )
        con.execute(
            "CREATE TABLE lines (id serial PRIMARY KEY, order_id integer REFERENCES orders(id), sku text, name text,"
            " quantity integer, price text)"
        )
        cols = (
            "Name",
            "Email",
            "Financial Status",
            "Currency",
            "Total",
            "Shipping Method",
            "Created at",
            "Shipping Name",
            "Shipping Address1",
            "Shipping City",
            "Shipping Zip",
            "Shipping Country",
            "Notes",
        )
        oid = 0
        current = None
        with con.cursor() as cur:
            with open(path, newline="", encoding="utf-8-sig") as f:
                r = csv.reader(f)
                header = next(r)
                col = {name: i for i, name in enumerate(header)}
                oc = [col[n] for n in cols]
                c_sku, c_lname, c_qty, c_price = (
                    col[n] for n in ("Lineitem sku", "Lineitem name", "Lineitem quantity", "Lineitem price")
                )
                orders: list[tuple] = []
                lines: list[tuple] = []
                for row in r:
                    if row[oc[0]] != current:
                        current = row[oc[0]]
                        oid += 1
                        orders.append((oid, *(row[i] for i in oc)))
                    lines.append((oid, row[c_sku], row[c_lname], int(row[c_qty]), row[c_price]))
            with cur.copy("COPY orders FROM STDIN") as cp:
                for o in orders:
                    cp.write_row(o)
            with cur.copy("COPY lines (order_id, sku, name, quantity, price) FROM STDIN") as cp:
                for ln in lines:
                    cp.write_row(ln)
        con.commit()
    return time.perf_counter() - t0, oid


def _oms(args: list[str], db: str) -> float:
    env = dict(os.environ, OMS_DB=db, NO_COLOR="1")
    env.pop("OMS_CONFIG", None)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "oms_cli", "--quiet", *args], check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def compare(export: Path, url: str, work: Path, runs: int, orders: int) -> None:
    """Time the three, alternating, best of ``runs`` each, and print them with their ratios."""
    copy_runs: list[float] = []
    pg_runs: list[float] = []
    lite_runs: list[float] = []
    n = 0
    for _ in range(runs):
        s, n = copy_baseline(export, url)
        copy_runs.append(s)
        _reset(url)
        _oms(["db", "upgrade"], url)  # schema creation is not part of the import
        pg_runs.append(_oms(["import", str(export)], url))
        for old in work.glob("oms.db*"):
            old.unlink()
        lite = str(work / "oms.db")
        _oms(["db", "upgrade"], lite)
        lite_runs.append(_oms(["import", str(export)], lite))
    again = _oms(["import", str(export)], url)
    best_copy, best_pg, best_lite = min(copy_runs), min(pg_runs), min(lite_runs)
    print(
        f"baseline  csv + COPY into PostgreSQL:   best {best_copy:6.2f} s  median {statistics.median(copy_runs):6.2f} s"
    )
    print(
        f"oms import into PostgreSQL:            best {best_pg:6.2f} s  median {statistics.median(pg_runs):6.2f} s  "
        f"({orders / best_pg:,.0f} orders/s)"
    )
    print(
        f"oms import into SQLite:                best {best_lite:6.2f} s  median {statistics.median(lite_runs):6.2f} s"
    )
    print(
        f"ratio PostgreSQL import / COPY (best of {runs} each): {best_pg / best_copy:.2f}x (target <= 3x); "
        f"PostgreSQL / SQLite: {best_pg / best_lite:.2f}x"
    )
    print(f"re-import into PostgreSQL (all unchanged): {again:6.2f} s  ({n:,} orders)")
