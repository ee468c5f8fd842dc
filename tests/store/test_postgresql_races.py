"""Real processes at once on a PostgreSQL store, where writers take no store-wide lock.

Each race is lined up the same way: the test holds a table lock that the racing
statement needs, starts the processes, waits until every one of them is blocked on a
lock (so each has read what it read before the blocked statement), then lets them
all go at once. Without a lock of oms's own they would all act on the same reading.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest

from oms_cli.store.engine import Store
from oms_cli.store.migrations import HEAD
from tests import storedb
from tests.picking.store_fixtures import Floor, Product, ean13, floor, order  # noqa: F401

pytestmark = pytest.mark.postgresql_only


def waiting(db: Any) -> int:
    """How many sessions of the test's database wait on a lock."""
    con = storedb.connect(db, autocommit=True)
    try:
        return int(
            con.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()[0]  # type: ignore[index]
        )
    finally:
        con.close()


def line_up(db: Any, table: str, start: Any, count: int) -> list[subprocess.Popen]:
    """Start ``count`` processes (``start()`` each) while ``table`` is locked, wait until all
    are blocked, then release them together."""
    holder = storedb.connect(db)
    holder.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    procs = [start() for _ in range(count)]
    deadline = time.monotonic() + 90
    try:
        while waiting(db) < count:
            for p in procs:
                if p.poll() is not None:
                    raise AssertionError(f"a process ended before the lock was released: {p.communicate()}")
            assert time.monotonic() < deadline, "the processes never all waited on the lock"
            time.sleep(0.05)
    finally:
        holder.commit()
        holder.close()
    return procs


def finish(procs: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    """Each process's exit code, stdout and stderr."""
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        out.append((p.returncode, stdout, stderr))
    return out


def shop(floor: Floor, orders: int, stock: int = 100) -> None:
    floor.catalog([Product(f"P{n}", (f"A{n % 12 + 1:02d}-B{n % 20 + 1:02d}-L1",), ean13(n)) for n in range(12)])
    floor.stock_everything(stock)
    floor.import_orders([order(str(i), [(f"P{i % 12}", 1), (f"P{(i * 5) % 12}", 1)]) for i in range(orders)])


@pytest.mark.blank_store
def test_first_runs_on_a_blank_database_migrate_once(oms_proc: Any, db_path: Any) -> None:
    """Several first runs at once: one migrates under the advisory lock, the others wait
    and find nothing left to do (they crashed on a duplicate alembic_version row)."""
    procs = [oms_proc("-q", "orders", "list") for _ in range(4)]
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    assert Store(str(db_path)).current_revision() == HEAD
    assert storedb.rows(db_path, "SELECT count(*) FROM alembic_version") == [(1,)]


def test_first_numbers_of_a_new_counter_at_once(db_path: Any) -> None:
    """Two transactions taking the first number of a counter that has no row yet get 1
    and 2 (update-then-insert made both insert, and one crashed on counters_pkey)."""
    script = (
        "import sys\n"
        "from oms_cli.store.engine import Store\n"
        "from oms_cli.store.counters import next_number\n"
        "s = Store(sys.argv[1])\n"
        "with s.connect(write=True) as conn:\n"
        "    print(next_number(conn, 'rma'))\n"
    )
    procs = line_up(
        db_path,
        "counters",
        lambda: subprocess.Popen(
            [sys.executable, "-c", script, str(db_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ),
        3,
    )
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    assert sorted(int(out) for _, out, _ in results) == [1, 2, 3]
    assert storedb.rows(db_path, "SELECT value FROM counters WHERE name = 'rma'") == [(3,)]


def test_the_same_file_imported_twice_at_once(floor: Floor, oms_proc: Any, db_path: Any) -> None:
    """Both imports succeed and every order is stored once: the second finds the first's
    orders unchanged (it crashed on ix_orders_ref)."""
    path = floor.home / "orders.jsonl"
    path.write_text(
        "".join(json.dumps(order(str(i), [("P1", 1)])) + "\n" for i in range(50)),
        encoding="utf-8",
    )
    procs = line_up(db_path, "orders", lambda: oms_proc("--json", "import", "--channel", "jsonl", str(path)), 2)
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    docs = [json.loads(out) for _, out, _ in results]
    news = sorted(sum(f["new"] for f in d["files"]) for d in docs)
    assert news == [0, 50], docs
    assert storedb.rows(db_path, "SELECT count(*), count(DISTINCT ref) FROM orders") == [(50, 50)]


def test_one_picker_asking_twice_at_once_holds_one_list(floor: Floor, oms_proc: Any, db_path: Any) -> None:
    """`pick next` twice at once for one picker: one claims, the other resumes that list
    (each claimed a list of its own, so the picker held two)."""
    shop(floor, orders=4)
    floor.release()
    floor.run("pick", "plan", "--method", "single")
    procs = line_up(db_path, "pick_lists", lambda: oms_proc("--json", "pick", "next", "--picker", "ann"), 2)
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    docs = [json.loads(out) for _, out, _ in results]
    assert len({d["list"] for d in docs}) == 1, docs
    assert sorted((d["claimed"], d["resumed"]) for d in docs) == [(False, True), (True, False)]
    assert storedb.rows(db_path, "SELECT count(*) FROM pick_lists WHERE picker = 'ann' AND status = 'claimed'") == [
        (1,)
    ]


def test_pickers_claiming_at_once_skip_each_others_list(floor: Floor, oms_proc: Any, db_path: Any) -> None:
    """Different pickers at once each get a different list, none left out."""
    shop(floor, orders=3)
    floor.release()
    floor.run("pick", "plan", "--method", "single")
    names = iter(f"picker{n}" for n in range(4))
    procs = line_up(db_path, "pick_lists", lambda: oms_proc("--json", "pick", "next", "--picker", next(names)), 4)
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    got = [json.loads(out)["list"] for _, out, _ in results]
    assert sorted(x for x in got if x is not None) == [1, 2, 3] and got.count(None) == 1


def test_two_planners_at_once_plan_each_order_once(floor: Floor, oms_proc: Any, db_path: Any) -> None:
    """Two planners storing their runs at once: the second plans on what the first left."""
    shop(floor, orders=20)
    floor.release()
    procs = line_up(db_path, "pick_runs", lambda: oms_proc("--json", "pick", "plan", "--method", "batch"), 2)
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    per_run: Counter[str] = Counter()
    for _, out, _ in results:
        for ref in {r for x in json.loads(out)["lists"] for r in x["orders"]}:
            per_run[ref] += 1
    assert len(per_run) == 20 and set(per_run.values()) == {1}
    lines = floor.query("SELECT order_line_id, SUM(quantity) FROM pick_allocations GROUP BY order_line_id")
    assert len(lines) == 40 and {r[1] for r in lines} == {1}


def test_two_releases_compete_for_the_last_unit(floor: Floor, oms_proc: Any, db_path: Any) -> None:
    """One unit on the shelf, two orders wanting it, two releases at once: one order is
    released, the other held out of stock, nothing reserved twice, no error."""
    floor.catalog([Product("LAST", ("A01-B01-L1",), ean13(1))])
    floor.count([("LAST", "A01-B01-L1", 1)])
    floor.import_orders([order(str(i), [("LAST", 1)]) for i in range(2)])
    procs = line_up(db_path, "stock", lambda: oms_proc("--json", "release", "--all"), 2)
    results = finish(procs)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    assert floor.stock("LAST", "A01-B01-L1") == (1, 1)
    assert Counter(floor.statuses().values()) == {"ready": 1, "on_hold": 1}
    assert storedb.rows(db_path, "SELECT count(*) FROM reservations WHERE state = 'active'") == [(1,)]


def test_a_write_blocked_by_another_session_exits_busy(
    floor: Floor, oms_proc: Any, db_path: Any, config_file: Any
) -> None:
    """A write that waits on another session's lock beyond store.busy_timeout_s exits 8
    (it hung: the lock timeout was SQLite's alone)."""
    shop(floor, orders=1)
    config_file({"store": {"busy_timeout_s": 1}})
    holder = storedb.connect(db_path)
    holder.execute("SELECT id FROM orders FOR UPDATE")
    try:
        started = time.monotonic()
        proc = oms_proc("orders", "hold", "shop:0", "--reason", "other")
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("the blocked write did not give up") from None
        assert proc.returncode == 8, stderr
        assert "locked by another oms process" in stderr
        assert time.monotonic() - started < 30
    finally:
        holder.rollback()
        holder.close()
    assert floor.status("shop:0") == "new"
