"""A large export is read in a second process while this one writes: same errors, updates,
and no reader left behind (that it stores the same: tests/orders/test_fast_import.py)."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from oms_cli.core.forked import can_fork
from oms_cli.orders import fast_import
from tests.conftest import EXAMPLES, store_digest

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and two cores")

ROOT = Path(__file__).resolve().parents[2]


def _generated_export(path: Path, orders: int) -> Path:
    """A Shopify export from the benchmark's generator (realistic layout, reproducible)."""
    spec = importlib.util.spec_from_file_location("gen_shopify", ROOT / "bench" / "gen_shopify.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_shopify_export(path, orders=orders, seed=7)
    return path


def _export(oms: Any, db: Path) -> list[dict[str, Any]]:
    r = oms("--json", "--db", db, "orders", "export", "--format", "jsonl")
    assert r.exit_code == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = _generated_export(tmp_path_factory.mktemp("big") / "orders_export.csv", 6500)
    assert path.stat().st_size >= fast_import.FORK_MIN_BYTES  # large enough to be read in a second process
    return path


def test_a_bad_record_late_in_a_large_export_leaves_the_store_as_it_was(oms, tmp_path, big_export) -> None:
    db = tmp_path / "s.db"
    assert oms("--db", db, "import", EXAMPLES / "shopify_orders.csv").exit_code == 0
    before = store_digest(db)
    lines = big_export.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    qty = header.index("Lineitem quantity")
    bad_line = len(lines) - 3
    cells = lines[bad_line - 1].rstrip("\r\n").split(",")
    assert cells[qty].isdigit()  # the generator's rows carry no quoted commas before this column
    cells[qty] = "two"
    lines[bad_line - 1] = ",".join(cells) + "\r\n"
    bad = tmp_path / "orders_export.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    assert bad.stat().st_size >= fast_import.FORK_MIN_BYTES
    r = oms("--db", db, "import", bad)
    assert r.exit_code == 3
    assert f"orders_export.csv:{bad_line}: Lineitem quantity 'two' is not a whole number" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert store_digest(db) == before


def test_updates_from_a_second_process(oms, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(fast_import, "FORK_MIN_BYTES", 0)  # even the small example goes through the child
    db = tmp_path / "s.db"
    first = oms("--json", "--db", db, "import", EXAMPLES / "shopify_orders.csv")
    assert first.exit_code == 0, first.stderr
    order = next(o for o in _export(oms, db) if o["ref"] == "shopify:1041")
    with open(EXAMPLES / "shopify_orders.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    name, street = rows[0].index("Name"), rows[0].index("Shipping Address1")
    first_row = next(r for r in rows[1:] if r[name] == "#1041")
    first_row[street] = "12 Rue des Lilas"
    with open(tmp_path / "orders_export.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    r = oms("--json", "--db", db, "import", tmp_path / "orders_export.csv")
    assert r.exit_code == 0, r.stderr
    report = r.json()["files"][0]
    assert (report["new"], report["updated"]) == (0, 1)
    after = next(o for o in _export(oms, db) if o["ref"] == "shopify:1041")
    assert after["ship_to"]["address1"] == "12 Rue des Lilas"
    assert after["lines"] == order["lines"] and after["placed_at"] == order["placed_at"]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # it ended while we looked
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int, started: str) -> bool:
    """True while the process ``pid`` that started at ``started`` (its /proc start time)
    exists and is not a zombie waiting to be reaped."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] != "Z"


def _start_time(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_reader_dies_with_a_killed_import(tmp_path, big_export) -> None:
    """kill -9 of `oms import` leaves no reader behind. The store is held locked by
    another connection, so the import waits with its reader alive and blocked on a full
    pipe: the kill always finds the reader mid-file."""
    import os
    import signal
    import sqlite3  # the import waits on this file's write lock (an explicit SQLite store)
    import subprocess
    import sys
    import time

    db = tmp_path / "s.db"
    env = dict(os.environ, OMS_DB=str(db), NO_COLOR="1")
    subprocess.run([sys.executable, "-m", "oms_cli", "--quiet", "db", "upgrade"], env=env, check=True)
    for _trial in range(3):
        lock = sqlite3.connect(db, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        proc = subprocess.Popen(
            [sys.executable, "-m", "oms_cli", "--quiet", "import", str(big_export)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            children: list[int] = []
            while not children:
                assert proc.poll() is None, "the import ended before its reader started"
                assert time.monotonic() < deadline, "no reader process appeared"
                time.sleep(0.02)
                children = _children(proc.pid)
            reader = children[0]
            started = _start_time(reader)
            time.sleep(0.3)  # let it read ahead and block on the full pipe
            assert _running(reader, started)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            deadline = time.monotonic() + 10
            while _running(reader, started) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert not _running(reader, started), "the reader outlived the killed import"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            lock.rollback()
            lock.close()
