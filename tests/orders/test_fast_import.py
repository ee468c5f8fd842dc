"""The import's fast path (fork, memoised processors, collector paused) stores exactly
what the plain path (``OMS_IMPORT_FAST=0``) stores: same rows, same fingerprints, same
report, on a bundled-style export and on one whose values rarely repeat."""

from __future__ import annotations

import gc
import importlib.util
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from oms_cli.core.forked import can_fork
from oms_cli.orders import fast_import
from oms_cli.store.bulk import row_processor
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and two cores")


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_shopify", ROOT / "bench" / "gen_shopify.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=["bundled", "varied"])
def export(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    gen = _generator()
    write = gen.write_varied_shopify_export if request.param == "varied" else gen.write_shopify_export
    path = tmp_path_factory.mktemp(request.param) / "orders_export.csv"
    write(path, orders=6500, seed=7)
    assert path.stat().st_size >= fast_import.FORK_MIN_BYTES  # large enough to be read in a second process
    return path


def _rows(db: Path) -> dict[str, list[tuple]]:
    """Every stored row of the tables an import writes, without ids and the import's clock."""
    con = sqlite3.connect(db)
    try:
        orders = con.execute("SELECT * FROM orders ORDER BY ref").fetchall()
        names = [d[0] for d in con.execute("SELECT * FROM orders LIMIT 0").description]
        keep = [i for i, n in enumerate(names) if n not in ("id", "imported_at", "updated_at")]
        return {
            "orders": [tuple(r[i] for i in keep) for r in orders],
            "lines": con.execute(
                "SELECT o.ref, l.line_no, l.line_id, l.sku, l.name, l.quantity, l.unit_price_minor, l.free,"
                " l.added_by_rule FROM order_lines l JOIN orders o ON o.id = l.order_id ORDER BY o.ref, l.line_no"
            ).fetchall(),
            "events": con.execute(
                "SELECT o.ref, e.kind, e.from_status, e.to_status, e.command, e.note"
                " FROM order_events e JOIN orders o ON o.id = e.order_id ORDER BY o.ref, e.id"
            ).fetchall(),
        }
    finally:
        con.close()


def test_the_fast_path_stores_what_the_plain_path_stores(oms, tmp_path, export, monkeypatch) -> None:
    fast, plain = tmp_path / "fast.db", tmp_path / "plain.db"
    a = oms("--json", "--db", fast, "import", export)
    assert a.exit_code == 0, a.stderr
    monkeypatch.setenv(fast_import.SWITCH, "0")
    b = oms("--json", "--db", plain, "import", export)
    assert b.exit_code == 0, b.stderr
    assert a.json()["files"] == b.json()["files"]
    assert a.json()["files"][0]["new"] == 6500
    assert _rows(fast) == _rows(plain)
    # each path recognises what the other stored: nothing to do on a re-import
    again = json.loads(oms("--json", "--db", fast, "import", export).stdout)["files"][0]
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 6500)
    monkeypatch.setenv(fast_import.SWITCH, "1")
    again = json.loads(oms("--json", "--db", plain, "import", export).stdout)["files"][0]
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 6500)


def test_the_switch_turns_each_part_off(monkeypatch) -> None:
    from sqlalchemy.dialects import sqlite

    from oms_cli.store.tables import orders as orders_t

    monkeypatch.setenv(fast_import.SWITCH, "0")
    assert not fast_import.enabled()
    was_on = gc.isenabled()
    with fast_import.import_run():
        assert gc.isenabled() == was_on
    plain = fast_import.processor(orders_t, ["placed_at", "tags"], sqlite.dialect())
    assert (
        plain is not None
        and plain.__code__ == row_processor(orders_t, ["placed_at", "tags"], sqlite.dialect()).__code__
    )
    assert "_memoised" not in repr(plain.__globals__.values())
    monkeypatch.setenv(fast_import.SWITCH, "1")
    with fast_import.import_run():
        assert not gc.isenabled()
    assert gc.isenabled() == was_on
    memo = fast_import.processor(orders_t, ["placed_at", "tags"], sqlite.dialect())
    assert memo is not None and "_memoised" in repr(memo.__globals__.values())
