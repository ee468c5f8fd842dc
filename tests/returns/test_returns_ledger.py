"""The stock ledger stays consistent through any mix of returns: a seeded random walk of
opens, receipts and closes (refused ones included), checked after every step; and two
processes opening returns at once get different numbers."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from returns.conftest import SHIPPED
from returns.fixtures import ledger_mismatches, store_digest

from oms_cli.core.config import load_config
from oms_cli.core.errors import NotFound, Refused
from oms_cli.returns.plan import CONDITIONS
from oms_cli.returns.service import close_return, list_returns, open_return, receive_return
from tests import storedb


def shipped_and_back(db: Path) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    con = storedb.connect(db)
    try:
        shipped = {
            (ref, sku): qty
            for ref, sku, qty in con.execute(
                "SELECT o.ref, l.sku, SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id GROUP BY o.ref, l.sku"
            )
        }
        back = {
            (ref, sku): qty
            for ref, sku, qty in con.execute(
                "SELECT o.ref, rl.sku, SUM(rl.quantity) FROM return_lines rl JOIN returns r ON r.id = rl.return_id "
                "JOIN orders o ON o.id = r.order_id WHERE rl.condition IN ('resellable', 'damaged') GROUP BY o.ref, rl.sku"
            )
        }
        return shipped, back
    finally:
        con.close()


def returned_to_shelf(db: Path) -> tuple[int, int]:
    con = storedb.connect(db)
    try:
        moved = con.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM stock_movements WHERE reason = 'return'"
        ).fetchone()[0]
        resellable = con.execute(
            "SELECT COALESCE(SUM(quantity), 0) FROM return_lines WHERE condition = 'resellable'"
        ).fetchone()[0]
        return moved, resellable
    finally:
        con.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_random_returns_keep_the_ledger_and_the_counts_true(shop, db_path, seed: int) -> None:
    config = load_config()
    rng = random.Random(seed)
    skus = {
        "shopify:1041": ["MUG-SPK-BLU", "COASTER-SET4"],
        "shopify:1045": ["MUG-SPK-BLU", "MUG-SPK-GRN"],
        "woocommerce:2150": ["MUG-SPK-BLU", "CANDLE-SEA"],
        "woocommerce:2153": ["VASE-BUD-WHT", "CARD-BDAY"],
    }
    done = {"open": 0, "receive": 0, "close": 0, "refused": 0}
    for _ in range(50):
        digest = store_digest(db_path)
        step = rng.choice(["open", "open", "open", "receive", "receive", "receive", "receive", "close"])
        try:
            if step == "open":
                ref = rng.choice(SHIPPED)
                lines = None if rng.random() < 0.3 else [f"{rng.choice(skus[ref])}:{rng.randint(1, 4)}"]
                open_return(
                    shop,
                    config,
                    ref,
                    reason=rng.choice(["doesnt_fit", "changed_mind"]),
                    lines=lines,
                    again=rng.random() < 0.5,
                )
            else:
                mine = list_returns(shop, open_only=rng.random() < 0.85)
                if not mine:
                    continue
                chosen = rng.choice(mine)
                rma = chosen.rma
                if step == "receive":
                    on_it = [ln.sku for ln in chosen.lines] + ["CANDLE-FIG"]  # now and then a SKU not on it
                    lines = None if rng.random() < 0.4 else [f"{rng.choice(on_it)}:{rng.randint(1, 3)}"]
                    receive_return(shop, config, rma, condition=rng.choice(CONDITIONS), lines=lines)
                else:
                    close_return(shop, rma, refund=rng.choice([None, Decimal("1.00"), Decimal("5.00")]))
            done[step] += 1
        except (Refused, NotFound):
            done["refused"] += 1
            assert store_digest(db_path) == digest  # a refusal changes nothing
        assert ledger_mismatches(shop) == []
        shipped, back = shipped_and_back(db_path)
        assert all(qty <= shipped[key] for key, qty in back.items())
        moved, resellable = returned_to_shelf(db_path)
        assert moved == resellable
    assert done["open"] and done["receive"] and done["refused"]


def test_two_processes_opening_returns_get_different_numbers(oms_proc, shop) -> None:
    first = oms_proc("returns", "open", "shopify:1041", "--reason", "doesnt_fit")
    second = oms_proc("returns", "open", "woocommerce:2150", "--reason", "doesnt_fit")
    outs = [p.communicate(timeout=60) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], [o[1] for o in outs]
    assert sorted(o[0].strip() for o in outs) == ["RMA-000001", "RMA-000002"]
