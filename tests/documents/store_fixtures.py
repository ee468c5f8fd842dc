"""A store as the floor leaves it, for the documents service and command tests.

The example Shopify orders and catalog are imported with the real commands; the steps
after that (release, picking, packing, shipping) are written straight into the store
along the legal status path, so these tests do not depend on those commands.

The floor:

- pick run 1 (batch, one list, picker Sam), totes: 1 = shopify:1042, 2 = shopify:1041,
  3 = shopify:1044, 4 = shopify:1043 (shorted: it went on hold and was planned again in run 2);
- pick run 2 (zone, two waves): wave 1 has shopify:1043 across the front and back lists and
  shopify:1045 and shopify:1049; wave 2 has shopify:1050 across the middle and back lists;
- packed: shopify:1041 (two packages without SSCC, a freebie and a thank-you note),
  shopify:1042 (one package with an SSCC and a tracking number set at packing),
  shopify:1046 (Greek address, on no pick run), shopify:1047 (no packages recorded);
- shipped: shopify:1044 (USPS tracking on its package).
"""

from __future__ import annotations

import copy
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from oms_cli.documents.gs1 import sscc18
from oms_cli.orders.events import record_event, transition
from oms_cli.store import tables
from oms_cli.store.engine import Store
from oms_cli.store.tables import order_lines as lines_t
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import packages as packages_t
from tests import storedb

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
UTC = UTC
PLANNED_AT = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
PATH = ("new", "ready", "picking", "picked", "packed", "shipped")

PRESET_SSCC = sscc18(0, "0614141", 777)
PRESET_TRACKING = "1Z5R89390357567127"  # a valid UPS number, recorded at packing
SHIPPED_TRACKING = "9400111201080805483016"  # a valid USPS number
THANK_YOU = "Thank you for being a repeat customer, Olivia!"


@dataclass
class Floor:
    """Ids of what the fixture wrote."""

    orders: dict[str, int] = field(default_factory=dict)
    batch_run: int = 0
    batch_list: int = 0
    zone_run: int = 0
    zone_lists: dict[str, int] = field(
        default_factory=dict
    )  # "w1-front", "w1-middle", "w1-back", "w2-middle", "w2-back"
    packages: dict[tuple[str, int], int] = field(default_factory=dict)


def _root_conftest() -> Any:
    # Other folders' conftest.py files shadow tests/conftest.py as "conftest": load it by path, once.
    name = "oms_documents_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "conftest.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up while being defined
        spec.loader.exec_module(module)
    return sys.modules[name]


def store_digest(db: Path) -> str:
    """A digest of every row of the store: equal digests mean nothing changed."""
    return str(_root_conftest().store_digest(db))


def _move(conn: Connection, floor: Floor, ref: str, target: str) -> None:
    """Walk an order from new to ``target`` one legal step at a time."""
    order_id = floor.orders[ref]
    for i, (a, b) in enumerate(zip(PATH, PATH[1 : PATH.index(target) + 1]), start=1):
        transition(conn, order_id, ref, a, b, command=f"test {b}", at=PLANNED_AT + timedelta(minutes=i))


def _line_ids(conn: Connection, order_id: int) -> dict[str, int]:
    return {
        r.sku: r.id for r in conn.execute(select(lines_t.c.id, lines_t.c.sku).where(lines_t.c.order_id == order_id))
    }


def _list(
    conn: Connection,
    run: int,
    seq: int,
    *,
    zone: str | None = None,
    wave: int | None = None,
    picker: str | None = None,
    distance: float = 0.0,
) -> int:
    return int(
        conn.execute(
            insert(tables.pick_lists).values(
                run_id=run,
                seq=seq,
                wave=wave,
                zone=zone,
                picker=picker,
                status="open",
                distance_m=distance,
            )
        ).inserted_primary_key[0]
    )


def _stops(
    conn: Connection, floor: Floor, list_id: int, stops: list[tuple[str, str, list[tuple[str, int, int, int]]]]
) -> None:
    """Stops in walking order: (location, sku, [(order ref, tote, quantity, shorted)])."""
    for seq, (location, sku, shares) in enumerate(stops, start=1):
        stop_id = conn.execute(
            insert(tables.pick_stops).values(
                list_id=list_id,
                seq=seq,
                location=location,
                sku=sku,
                quantity=sum(q for _, _, q, _ in shares),
            )
        ).inserted_primary_key[0]
        for ref, tote, quantity, short in shares:
            order_id = floor.orders[ref]
            conn.execute(
                insert(tables.pick_allocations).values(
                    stop_id=stop_id,
                    order_id=order_id,
                    order_line_id=_line_ids(conn, order_id)[sku],
                    quantity=quantity,
                    tote=tote,
                    short_qty=short,
                )
            )


def _package(
    conn: Connection,
    floor: Floor,
    ref: str,
    no: int,
    *,
    box: str,
    weight: int,
    measured: int | None = None,
    sscc: str | None = None,
    carrier: str | None = None,
    tracking: str | None = None,
) -> None:
    floor.packages[(ref, no)] = int(
        conn.execute(
            insert(packages_t).values(
                order_id=floor.orders[ref],
                package_no=no,
                box=box,
                length_mm=310,
                width_mm=240,
                height_mm=160,
                weight_g=weight,
                measured_weight_g=measured,
                materials=[],
                placements=[],
                sscc=sscc,
                packed_at=PLANNED_AT + timedelta(hours=2),
                carrier=carrier,
                tracking=tracking,
            )
        ).inserted_primary_key[0]
    )


# The floor is built once per test session into a template store, then copied for each test.
_TEMPLATE: dict[str, Any] = {}


def build_floor(oms: Callable[..., Any], store: Store) -> Floor:
    """Give ``store`` the floor described in this module's docstring (a copy of a store built once)."""
    if storedb.POSTGRESQL:
        target_url = store.engine.url.render_as_string(hide_password=False)
        if "floor" not in _TEMPLATE:
            url = storedb.new_database(target_url, f"documents_floor_{os.getpid()}")
            built = Store(url)
            try:
                floor = _write_floor(oms, built, ("--db", url))
            finally:
                built.dispose()
            _TEMPLATE.update(url=url, floor=floor)
        store.dispose()
        storedb.clone_store(_TEMPLATE["url"], target_url)
        return copy.deepcopy(_TEMPLATE["floor"])
    if "floor" not in _TEMPLATE:
        folder = tempfile.TemporaryDirectory(prefix="oms-documents-floor-")
        template = Path(folder.name) / "floor.db"
        built = Store(str(template))
        try:
            floor = _write_floor(oms, built, ("--db", str(template)))
        finally:
            built.dispose()
        _TEMPLATE.update(folder=folder, path=template, floor=floor)
    target = Path(str(store.engine.url.database))
    store.dispose()  # pooled connections would keep the old file open
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(_TEMPLATE["path"], target)
    return copy.deepcopy(_TEMPLATE["floor"])


def _write_floor(oms: Callable[..., Any], store: Store, db: tuple[str, ...]) -> Floor:
    """Import the examples with the real commands, then write the later steps' rows."""
    for args in (("import", EXAMPLES / "shopify_orders.csv"), ("products", "import", EXAMPLES / "products.csv")):
        result = oms(*db, *args)
        assert result.exit_code == 0, result.stderr
    floor = Floor()
    with store.connect(write=True) as conn:
        floor.orders = {r.ref: r.id for r in conn.execute(select(orders_t.c.ref, orders_t.c.id))}
        # The release step's work on shopify:1041: a freebie line and the rule's note.
        conn.execute(
            insert(lines_t).values(
                order_id=floor.orders["shopify:1041"],
                line_no=3,
                sku="THANKYOU-CARD",
                name="Thank-you card",
                quantity=1,
                unit_price_minor=0,
                free=True,
                added_by_rule="repeat",
            )
        )
        record_event(
            conn,
            floor.orders["shopify:1041"],
            command="release",
            kind="note",
            note="thank-you note: " + THANK_YOU,
            at=PLANNED_AT,
        )
        for ref in (
            "shopify:1041",
            "shopify:1042",
            "shopify:1043",
            "shopify:1044",
            "shopify:1045",
            "shopify:1049",
            "shopify:1050",
        ):
            _move(conn, floor, ref, "picking")

        floor.batch_run = int(
            conn.execute(
                insert(tables.pick_runs).values(
                    created_at=PLANNED_AT,
                    method="batch",
                    batching="savings",
                    distance_m=84.25,
                )
            ).inserted_primary_key[0]
        )
        floor.batch_list = _list(conn, floor.batch_run, 1, picker="Sam", distance=84.25)
        _stops(
            conn,
            floor,
            floor.batch_list,
            [
                ("A01-B03-L1", "MUG-SPK-BLU", [("shopify:1041", 2, 2, 0)]),
                ("A02-B05-L2", "CANDLE-FIG", [("shopify:1042", 1, 1, 0)]),
                ("A03-B12-L2", "VASE-BUD-WHT", [("shopify:1044", 3, 1, 0)]),
                ("A03-B14-L1", "DIFFUSER-LAV", [("shopify:1042", 1, 1, 0)]),
                ("A04-B10-L2", "COASTER-SET4", [("shopify:1041", 2, 1, 0)]),
                ("A04-B08-L1", "BOARD-OAK", [("shopify:1043", 4, 1, 1)]),
                ("A10-B03-L4", "CARD-BDAY", [("shopify:1044", 3, 1, 0)]),
                ("A01-B01-L4", "THANKYOU-CARD", [("shopify:1041", 2, 1, 0)]),
            ],
        )

        floor.zone_run = int(
            conn.execute(
                insert(tables.pick_runs).values(
                    created_at=PLANNED_AT + timedelta(hours=1),
                    method="wave",
                    batching="savings",
                    distance_m=120.0,
                )
            ).inserted_primary_key[0]
        )
        lists = floor.zone_lists
        lists["w1-front"] = _list(conn, floor.zone_run, 1, zone="front", wave=1, distance=30.0)
        lists["w1-middle"] = _list(conn, floor.zone_run, 2, zone="middle", wave=1, distance=30.0)
        lists["w1-back"] = _list(conn, floor.zone_run, 3, zone="back", wave=1, distance=30.0)
        lists["w2-middle"] = _list(conn, floor.zone_run, 4, zone="middle", wave=2, distance=15.0)
        lists["w2-back"] = _list(conn, floor.zone_run, 5, zone="back", wave=2, distance=15.0)
        _stops(
            conn,
            floor,
            lists["w1-front"],
            [
                ("A01-B03-L1", "MUG-SPK-BLU", [("shopify:1045", 2, 6, 0)]),
                ("A01-B04-L1", "MUG-SPK-GRN", [("shopify:1045", 2, 6, 0)]),
                ("A04-B08-L1", "BOARD-OAK", [("shopify:1043", 1, 1, 0)]),
            ],
        )
        _stops(conn, floor, lists["w1-middle"], [("A07-B15-L1", "THROW-KNIT", [("shopify:1049", 3, 2, 0)])])
        _stops(conn, floor, lists["w1-back"], [("A10-B11-L1", "SPOON-OLIVE", [("shopify:1043", 1, 2, 0)])])
        _stops(conn, floor, lists["w2-middle"], [("A08-B01-L1", "POT-TERRA-M", [("shopify:1050", 1, 1, 0)])])
        _stops(conn, floor, lists["w2-back"], [("A09-B07-L2", "NOTEBOOK-A5", [("shopify:1050", 1, 1, 0)])])

        for ref in ("shopify:1041", "shopify:1042", "shopify:1044"):
            conn.execute(update(orders_t).where(orders_t.c.id == floor.orders[ref]).values(instruction_state="done"))
        for ref in ("shopify:1041", "shopify:1042", "shopify:1046", "shopify:1047"):
            current = "picking" if ref in ("shopify:1041", "shopify:1042") else "new"
            for a, b in zip(PATH[PATH.index(current) :], PATH[PATH.index(current) + 1 : PATH.index("packed") + 1]):
                transition(conn, floor.orders[ref], ref, a, b, command=f"test {b}", at=PLANNED_AT + timedelta(hours=2))
        _package(conn, floor, "shopify:1041", 1, box="M", weight=1180, measured=1215)
        _package(conn, floor, "shopify:1041", 2, box="S", weight=260)
        _package(
            conn,
            floor,
            "shopify:1042",
            1,
            box="M",
            weight=1040,
            sscc=PRESET_SSCC,
            carrier="ups",
            tracking=PRESET_TRACKING,
        )
        _package(conn, floor, "shopify:1046", 1, box="M", weight=1110, measured=1100)

        for a, b in zip(PATH[PATH.index("picking") :], PATH[PATH.index("picking") + 1 :]):
            transition(
                conn,
                floor.orders["shopify:1044"],
                "shopify:1044",
                a,
                b,
                command=f"test {b}",
                at=PLANNED_AT + timedelta(hours=3),
            )
        _package(
            conn,
            floor,
            "shopify:1044",
            1,
            box="S",
            weight=520,
            sscc=sscc18(0, "0614141", 778),
            carrier="usps",
            tracking=SHIPPED_TRACKING,
        )
    return floor
