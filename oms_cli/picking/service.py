"""Picking service: plan pick runs from ready orders, hand lists to pickers, record what is picked.

Owns its transactions; never prints. The algorithms are the pure modules beside it
(``planning`` for lists and routes, ``scanning`` for the scan loop); this module reads
what they need from the store and writes what they decide.

* :func:`plan_run` -- one write transaction: ready orders in queue order, their lines at
  their reserved locations, the planner, then pick_runs / pick_lists / pick_stops /
  pick_allocations and every planned order ``ready -> picking``. An order with a line
  that has no usable location goes on hold (``no_location``) in the same transaction.
* :func:`claim_next` -- hands a picker the next open list; a conditional update under
  the write lock means two pickers never get the same list. On PostgreSQL, where
  writers take no store-wide lock, a lock per picker keeps one picker to one list and
  the candidate row is locked with SKIP LOCKED, so pickers do not queue on one list.
* :func:`start_confirm`, :func:`scan`, :func:`confirm_all` -- the scan loop, one
  transaction per scan so an interrupted pick loses nothing.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from oms_cli.core.config import Config
from oms_cli.core.errors import ConfigError, NotFound, Refused, UsageError
from oms_cli.orders.events import StatusChange, transition, transition_many
from oms_cli.orders.floor import take_off_floor
from oms_cli.orders.lifecycle import PICKABLE, Status, refusal
from oms_cli.orders.service import lines_of, resolve_ref
from oms_cli.picking.batching import CartCapacity
from oms_cli.picking.planning import METHODS, Picker, PickLine, PickOrder, PickPlan, plan_document, plan_picking
from oms_cli.picking.scanning import Event, ScanAllocation, ScanSession, ScanStop, normalise_location
from oms_cli.release.priority import LEVEL_RANK, queue_key
from oms_cli.release.schedule import Schedule
from oms_cli.stock.ledger import CHUNK, move, product_locations
from oms_cli.store.bulk import BulkInserter
from oms_cli.store.engine import Store
from oms_cli.store.locks import hold
from oms_cli.store.tables import inserted_id
from oms_cli.store.tables import orders as orders_t
from oms_cli.store.tables import pick_allocations as allocs_t
from oms_cli.store.tables import pick_lists as lists_t
from oms_cli.store.tables import pick_runs as runs_t
from oms_cli.store.tables import pick_stops as stops_t
from oms_cli.store.tables import product_barcodes as barcodes_t
from oms_cli.store.tables import products as products_t
from oms_cli.store.tables import reservations as reservations_t
from oms_cli.store.tables import stock as stock_t
from oms_cli.store.types import utcnow
from oms_cli.warehouse.layout import Layout, parse_location


class ListStatus(StrEnum):
    """A pick list's status: open (nobody has it), claimed (a picker has it), done."""

    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"


PLAN_COMMAND = "pick plan"
CONFIRM_COMMAND = "pick confirm"
#: stock movement reason written when a picker finds fewer units on the shelf than the store says
SHORT_REASON = "pick_short"


# --- settings ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRequest:
    """What `oms pick plan` was asked for."""

    method: str = "batch"
    refs: Sequence[str] | None = None
    max_orders: int | None = None
    cart_orders: int | None = None
    cart_items: int | None = None
    wave_cutoff: str | None = None
    batching: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class PickingSettings:
    """The warehouse, carts, pickers and batching in force, from the config and options."""

    layout: Layout
    capacity: CartCapacity
    pickers: tuple[Picker, ...]
    batching: str
    time_limit_s: float
    schedule: Schedule


def pickers_from_config(config: Config) -> tuple[Picker, ...]:
    """The ``picking.pickers`` list as Pickers; ConfigError names a bad entry."""
    raw = config.get("picking.pickers") or []
    if not isinstance(raw, list):
        raise ConfigError(
            "picking.pickers must be a list of {name, zones}", hint="e.g. pickers: [{name: ann, zones: [front]}]"
        )
    out: list[Picker] = []
    for i, entry in enumerate(raw):
        where = f"picking.pickers[{i}]"
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, Mapping) or not str(entry.get("name") or "").strip():
            raise ConfigError(f"{where}: each picker needs a name", hint="e.g. {name: ann, zones: [front]}")
        unknown = sorted(str(k) for k in entry if k not in ("name", "zones"))
        if unknown:
            raise ConfigError(f"{where}: unknown key '{unknown[0]}'", hint="known keys here: name, zones")
        zones = entry.get("zones") or []
        if isinstance(zones, str) or not isinstance(zones, list):
            raise ConfigError(f"{where}.zones must be a list of zone names (empty: any zone)")
        out.append(Picker(str(entry["name"]).strip(), tuple(str(z) for z in zones)))
    return tuple(out)


def settings(config: Config, request: PlanRequest | None = None) -> PickingSettings:
    """Layout, cart capacity (options over config), pickers, batching and time limit; bad values raise."""
    request = request or PlanRequest()
    layout = Layout.from_config(config.section("warehouse"))
    capacity = CartCapacity.from_config(config.get("picking.cart"))
    for option, value, key in (
        ("--cart-orders", request.cart_orders, "orders"),
        ("--cart-items", request.cart_items, "items"),
    ):
        if value is not None:
            if value < 1:
                raise UsageError(f"{option} must be at least 1 (got {value})")
            capacity = dataclasses.replace(capacity, **{key: value})
    pickers = pickers_from_config(config)
    for picker in pickers:
        for zone in picker.zones:
            if zone not in layout.zones:
                raise ConfigError(
                    f"picking.pickers: picker {picker.name!r} works zone {zone!r}, which is not a zone",
                    hint="zones in warehouse.zones: " + (", ".join(layout.zones) or "(none configured)"),
                )
    batching = request.batching or str(config.get("picking.batching") or "savings")
    if batching not in ("savings", "fcfs"):
        source = "--batching" if request.batching else "picking.batching"
        raise (UsageError if request.batching else ConfigError)(f"{source}: '{batching}' is not savings or fcfs")
    limit = config.get("picking.time_limit_s", 2.0)
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 0:
        raise ConfigError(f"picking.time_limit_s: '{limit}' is not a number of seconds (0 or more)")
    return PickingSettings(
        layout, capacity, pickers, batching, float(limit), Schedule.from_config(config.section("schedule"))
    )


def priority_rank(ship_by: datetime | None, service_level: str, now: datetime) -> int:
    """The queue's urgency class of an order (overdue first, then next day, expedited, standard); lower is sooner."""
    overdue, level, _placed, _id = queue_key(ship_by, service_level, datetime.min, 0, now)
    return overdue * (len(LEVEL_RANK) + 1) + level


def next_departure(schedule: Schedule, now: datetime) -> datetime:
    """The next carrier cut-off from now: an overdue order must make this one."""
    return dataclasses.replace(schedule, handling_days={"now": 0}).ship_by(now, "now")


def parse_wave_cutoff(text: str, schedule: Schedule, now: datetime) -> datetime:
    """``15:00`` (today, in the shop's time zone) or an ISO date and time -> an aware UTC datetime."""
    value = text.strip()
    try:
        if len(value) <= 5 and ":" in value:
            hours, minutes = value.split(":")
            local_now = now.astimezone(schedule.tz)
            return datetime.combine(local_now.date(), time(int(hours), int(minutes)), tzinfo=schedule.tz).astimezone(
                now.tzinfo
            )
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--wave-cutoff: '{text}' is not a time",
            hint="HH:MM (today, shop time zone) or an ISO time such as 2026-11-24T15:00",
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=schedule.tz)
    return when.astimezone(now.tzinfo)


# --- planning ---------------------------------------------------------------------


@dataclass
class _Candidate:
    row: Any
    order: PickOrder | None
    lines: dict[str, int]  # line key -> order line id
    problem: str | None = None


@dataclass
class _Gathered:
    """What a pick plan rests on, as read in one transaction, and the orders as planned."""

    inputs: _Inputs
    skipped: list[dict[str, Any]]
    candidates: list[_Candidate]
    plannable: list[_Candidate]
    after_cutoff: list[str]

    @property
    def held(self) -> list[_Candidate]:
        """Candidates that cannot be picked (a line without a usable location)."""
        return [c for c in self.candidates if c.problem]


def plan_run(
    store: Store,
    config: Config,
    request: PlanRequest,
    *,
    now: datetime | None = None,
    on_planning: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Plan a pick run over ready orders (or the named ones) and, unless a dry run, store it.

    ``on_planning`` is told how many orders are about to be planned, once they are read
    and before the (possibly long) planning starts; no transaction is open then.

    Returns the run as ``plan_document`` shapes it, plus ``held`` (orders put on hold
    because a line has no usable location), ``skipped`` (named orders that are not
    ready), ``after_cutoff`` (orders left for a later wave) and route comparisons.
    """
    if request.method not in METHODS:
        raise UsageError(f"--method must be one of {', '.join(METHODS)} (got '{request.method}')")
    if request.wave_cutoff is not None and request.method != "wave":
        raise UsageError("--wave-cutoff is for --method wave")
    if request.max_orders is not None and request.max_orders < 1:
        raise UsageError(f"--max-orders must be at least 1 (got {request.max_orders})")
    setup = settings(config, request)
    now = now or utcnow()
    cutoff_limit = parse_wave_cutoff(request.wave_cutoff, setup.schedule, now) if request.wave_cutoff else None
    departure = next_departure(setup.schedule, now) if request.method == "wave" else None

    def read(conn: Connection, lock: bool = False) -> tuple[_Inputs, list[dict[str, Any]]]:
        rows, skipped = _ready_orders(conn, request.refs, lock=lock)
        rows.sort(key=lambda r: queue_key(r.ship_by, r.service_level, r.placed_at, r.id, now))
        return _read_inputs(conn, rows), skipped

    def gather(inputs: _Inputs, skipped: list[dict[str, Any]]) -> _Gathered:
        candidates = _candidates(inputs, setup.layout, now, departure)
        plannable = [c for c in candidates if c.order is not None and not c.problem]
        after_cutoff: list[str] = []
        if cutoff_limit is not None:
            after_cutoff = [
                c.row.ref
                for c in plannable
                if c.order is not None and (c.order.cutoff is None or c.order.cutoff > cutoff_limit)
            ]
            later = set(after_cutoff)
            plannable = [c for c in plannable if c.row.ref not in later]
        return _Gathered(inputs, skipped, candidates, plannable, after_cutoff)

    def plan_of(g: _Gathered) -> PickPlan:
        if not g.plannable:
            return PickPlan(request.method, [], 0.0, 0.0)  # type: ignore[arg-type]
        return plan_picking(
            request.method,  # type: ignore[arg-type]
            setup.layout,
            [c.order for c in g.plannable if c.order is not None],
            setup.capacity,
            batching=setup.batching,  # type: ignore[arg-type]
            time_limit_s=setup.time_limit_s,
            pickers=setup.pickers,
            max_orders=request.max_orders,
        )

    # Plan on what a read transaction sees, without holding the write lock: planning
    # thousands of orders takes seconds, and imports and releases must not wait for
    # it. Then, under the lock, read the orders again: if anything the plan rests on
    # changed meanwhile (an order released, held, cancelled or planned by another run,
    # a reservation or a location moved), plan again, this time under the lock.
    with store.connect(write=False) as conn:
        gathered = gather(*read(conn))
    if on_planning is not None:
        on_planning(len(gathered.plannable))
    plan = plan_of(gathered)
    run_id: int | None = None
    list_ids: list[int] = list(range(1, len(plan.lists) + 1))
    if not request.dry_run:
        with store.connect(write=True) as conn:
            # SQLite's write lock already keeps planners apart; PostgreSQL needs a lock of
            # its own, or two planners re-read the same ready orders and both plan them
            hold(conn, "oms pick plan")
            inputs, skipped = read(conn, lock=True)
            if (inputs.state(), skipped) != (gathered.inputs.state(), gathered.skipped):
                gathered = gather(inputs, skipped)
                plan = plan_of(gathered)
                list_ids = list(range(1, len(plan.lists) + 1))
            for c in gathered.held:
                take_off_floor(
                    conn, c.row, Status.ON_HOLD, command=PLAN_COMMAND, reason="no_location", detail=c.problem, at=now
                )
            if plan.lists:
                run_id, list_ids = _write_plan(conn, plan, gathered.plannable, request.method, setup.batching, now)
    held, plannable, skipped, after_cutoff = gathered.held, gathered.plannable, gathered.skipped, gathered.after_cutoff
    doc = plan_document(plan, run=run_id, list_ids=list_ids)
    for entry, planned in zip(doc["lists"], plan.lists):
        entry["code_order_distance_m"] = round(planned.code_order_distance_m, 3)
    by_ref = {c.row.ref: c.row for c in plannable}
    doc.update(
        batching=None if request.method == "single" else setup.batching,
        code_order_distance_m=round(plan.code_order_distance_m, 3),
        dry_run=request.dry_run,
        orders_planned=len({r for x in plan.lists for r in x.orders}),
        held=[{"ref": c.row.ref, "reason": "no_location", "detail": c.problem} for c in held],
        skipped=skipped,
        after_cutoff=after_cutoff,
        instructions={
            ref: by_ref[ref].notes
            for ref in {r for x in plan.lists for r in x.orders}
            if by_ref[ref].instruction_state == "pending"
        },
    )
    return doc


def _ready_orders(
    conn: Connection, refs: Sequence[str] | None, lock: bool = False
) -> tuple[list[Any], list[dict[str, Any]]]:
    """The ready orders (all, or the named ones) and why named ones are skipped.

    ``lock`` holds the ready orders' rows to the end of the transaction (PostgreSQL), so
    an order cannot be held or cancelled between being read for the plan and planned.
    """
    if refs is None:
        q = select(orders_t).where(orders_t.c.status == Status.READY).order_by(orders_t.c.id)
        return list(conn.execute(q.with_for_update() if lock else q).all()), []
    rows: list[Any] = []
    skipped: list[dict[str, Any]] = []
    seen: set[int] = set()
    for ref in refs:
        row = resolve_ref(conn, ref)
        if row.id in seen:
            continue
        seen.add(row.id)
        if row.status in PICKABLE:
            rows.append(row)
        elif row.status == Status.PICKING:
            lists = _lists_of_order(conn, row.id)
            skipped.append(
                {"ref": row.ref, "status": row.status, "why": "already on pick list " + ", ".join(map(str, lists))}
            )
        else:
            skipped.append({"ref": row.ref, "status": row.status, "why": refusal(row.status, PICKABLE, "picked")})
    return rows, skipped


def _lists_of_order(conn: Connection, order_id: int) -> list[int]:
    q = (
        select(stops_t.c.list_id)
        .join(allocs_t, allocs_t.c.stop_id == stops_t.c.id)
        .where(allocs_t.c.order_id == order_id)
        .distinct()
        .order_by(stops_t.c.list_id)
    )
    return list(conn.execute(q).scalars())


@dataclass
class _Inputs:
    """What the store says about the orders to plan: their lines, active reservations,
    and their products' locations and weights."""

    rows: list[Any]
    lines: dict[int, list[Any]]
    reserved: dict[int, dict[str, int]]
    primary: dict[str, list[str]]
    weights: dict[str, int]

    def state(self) -> tuple[Any, ...]:
        """All of it as plain values, to compare two readings."""
        return (
            [tuple(r) for r in self.rows],
            {k: [tuple(ln) for ln in v] for k, v in self.lines.items()},
            self.reserved,
            self.primary,
            self.weights,
        )


def _read_inputs(conn: Connection, rows: list[Any]) -> _Inputs:
    ids = [r.id for r in rows]
    lines = lines_of(conn, ids)
    reserved: dict[int, dict[str, int]] = defaultdict(dict)
    for start in range(0, len(ids), CHUNK):
        q = (
            select(reservations_t.c.order_line_id, reservations_t.c.location, reservations_t.c.quantity)
            .where(reservations_t.c.order_id.in_(ids[start : start + CHUNK]), reservations_t.c.state == "active")
            .order_by(reservations_t.c.id)
        )
        for r in conn.execute(q):
            at = reserved[r.order_line_id]
            at[r.location] = at.get(r.location, 0) + int(r.quantity)
    skus = {ln.sku for ls in lines.values() for ln in ls}
    return _Inputs(rows, lines, dict(reserved), product_locations(conn, skus), _weights(conn, skus))


def _candidates(inputs: _Inputs, layout: Layout, now: datetime, departure: datetime | None) -> list[_Candidate]:
    """Each order as the planner sees it: lines at their reserved locations, else the product's primary one."""
    rows, lines, reserved, primary, weights = inputs.rows, inputs.lines, inputs.reserved, inputs.primary, inputs.weights
    out: list[_Candidate] = []
    for row in rows:
        keys: dict[str, int] = {}
        pick_lines: list[PickLine] = []
        problems: list[str] = []
        for ln in lines[row.id]:
            placed: dict[str, int] = {}
            need = int(ln.quantity)
            for location, qty in reserved.get(ln.id, {}).items():
                take = min(need, qty)
                if location and take > 0:
                    placed[location] = placed.get(location, 0) + take
                    need -= take
            if need > 0:
                # Not (fully) reserved at a shelf: pick the rest from the product's primary location.
                known = primary.get(ln.sku) or []
                if not known:
                    problems.append(f"no location for {ln.sku}")
                    continue
                placed[known[0]] = placed.get(known[0], 0) + need
            merged: dict[str, int] = {}
            for location, qty in placed.items():
                try:
                    code = parse_location(location, layout).code
                except ValueError as exc:
                    problems.append(f"{ln.sku}: {exc}")
                    continue
                merged[code] = merged.get(code, 0) + qty
            for code, qty in merged.items():
                key = f"{ln.id}@{code}"
                keys[key] = ln.id
                pick_lines.append(PickLine(ln.sku, code, qty, key))
        if not lines[row.id]:
            problems.append("the order has no lines")
        cutoff = None
        if departure is not None and row.ship_by is not None:
            cutoff = max(row.ship_by, departure)
        weight = sum(weights.get(ln.sku, 0) * int(ln.quantity) for ln in lines[row.id])
        problem = "; ".join(dict.fromkeys(problems)) or None
        order = (
            None
            if problem
            else PickOrder(
                row.ref, priority_rank(row.ship_by, row.service_level, now), tuple(pick_lines), weight, cutoff
            )
        )
        out.append(_Candidate(row, order, keys, problem))
    return out


def _weights(conn: Connection, skus: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(skus))
    out: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        q = select(products_t.c.sku, products_t.c.weight_g).where(products_t.c.sku.in_(wanted[start : start + CHUNK]))
        out.update({r.sku: int(r.weight_g or 0) for r in conn.execute(q)})
    return out


def _write_plan(
    conn: Connection, plan: PickPlan, planned: list[_Candidate], method: str, batching: str, now: datetime
) -> tuple[int, list[int]]:
    """Store the run, its lists, stops and allocations; move each planned order to picking."""
    by_ref = {c.row.ref: c for c in planned}
    run_id = inserted_id(
        conn.execute(
            insert(runs_t).values(
                created_at=now,
                method=method,
                batching=None if method == "single" else batching,
                distance_m=round(plan.distance_m, 3),
                code_order_distance_m=round(plan.code_order_distance_m, 3),
            )
        )
    )
    list_ids: list[int] = []
    for seq, planned_list in enumerate(plan.lists, start=1):
        list_ids.append(
            inserted_id(
                conn.execute(
                    insert(lists_t).values(
                        run_id=run_id,
                        seq=seq,
                        wave=planned_list.wave,
                        zone=planned_list.zone,
                        picker=planned_list.picker,
                        status=ListStatus.OPEN,
                        distance_m=round(planned_list.distance_m, 3),
                        code_order_distance_m=round(planned_list.code_order_distance_m, 3),
                    )
                )
            )
        )
    BulkInserter(conn, stops_t, ("list_id", "seq", "location", "sku", "quantity")).insert(
        [
            (list_id, seq, stop.location, stop.sku, stop.quantity)
            for list_id, planned_list in zip(list_ids, plan.lists)
            for seq, stop in enumerate(planned_list.stops, start=1)
        ]
    )
    stop_ids: dict[tuple[int, int], int] = {}
    for start in range(0, len(list_ids), CHUNK):
        q = select(stops_t.c.id, stops_t.c.list_id, stops_t.c.seq).where(
            stops_t.c.list_id.in_(list_ids[start : start + CHUNK])
        )
        stop_ids.update({(r.list_id, r.seq): r.id for r in conn.execute(q)})
    alloc_rows = []
    lists_of: dict[str, list[int]] = defaultdict(list)
    for list_id, planned_list in zip(list_ids, plan.lists):
        for ref in planned_list.orders:
            lists_of[ref].append(list_id)
        for seq, stop in enumerate(planned_list.stops, start=1):
            for alloc in stop.allocations:
                c = by_ref[alloc.ref]
                alloc_rows.append(
                    (stop_ids[(list_id, seq)], c.row.id, c.lines[alloc.line_key], alloc.quantity, alloc.tote, 0, 0)
                )
    BulkInserter(
        conn, allocs_t, ("stop_id", "order_id", "order_line_id", "quantity", "tote", "picked_qty", "short_qty")
    ).insert(alloc_rows)
    changes = []
    for c in planned:
        lists = lists_of.get(c.row.ref)
        if not lists:
            continue  # left out by --max-orders
        where = f"list {lists[0]}" if len(lists) == 1 else "lists " + ", ".join(map(str, lists))
        changes.append(StatusChange(c.row.id, c.row.ref, Status.READY, Status.PICKING, f"run {run_id} {where}"))
    transition_many(conn, changes, command=PLAN_COMMAND, at=now)
    return run_id, list_ids


# --- looking at lists -------------------------------------------------------------


def _outstanding() -> Any:
    """SQL condition: an allocation still to pick (its order is on the floor and units are left)."""
    return and_(orders_t.c.status == Status.PICKING, allocs_t.c.picked_qty + allocs_t.c.short_qty < allocs_t.c.quantity)


def list_lists(store: Store, *, open_only: bool = False, run: int | None = None) -> list[dict[str, Any]]:
    """Pick lists, oldest first, with their orders, stops, units picked and left, and route lengths."""
    remaining = func.sum(
        # Units of orders that left the floor (held, cancelled) are not left to pick.
        case(
            (orders_t.c.status == Status.PICKING, allocs_t.c.quantity - allocs_t.c.picked_qty - allocs_t.c.short_qty),
            else_=0,
        )
    )
    q = (
        select(
            lists_t,
            runs_t.c.method,
            func.count(func.distinct(stops_t.c.id)).label("stops"),
            func.count(func.distinct(allocs_t.c.order_id)).label("orders"),
            func.coalesce(func.sum(allocs_t.c.quantity), 0).label("units"),
            func.coalesce(func.sum(allocs_t.c.picked_qty), 0).label("picked"),
            func.coalesce(remaining, 0).label("remaining"),
        )
        .join(runs_t, runs_t.c.id == lists_t.c.run_id)
        .outerjoin(stops_t, stops_t.c.list_id == lists_t.c.id)
        .outerjoin(allocs_t, allocs_t.c.stop_id == stops_t.c.id)
        .outerjoin(orders_t, orders_t.c.id == allocs_t.c.order_id)
        .group_by(lists_t.c.id, runs_t.c.id)
        .order_by(lists_t.c.id)
    )
    if open_only:
        q = q.where(lists_t.c.status != ListStatus.DONE)
    if run is not None:
        q = q.where(lists_t.c.run_id == run)
    with store.connect(write=False) as conn:
        return [
            {
                "list": r.id,
                "run": r.run_id,
                "method": r.method,
                "wave": r.wave,
                "zone": r.zone,
                "picker": r.picker,
                "status": r.status,
                "orders": int(r.orders),
                "stops": int(r.stops),
                "units": int(r.units),
                "picked": int(r.picked),
                "remaining": int(r.remaining),
                "distance_m": r.distance_m,
                "code_order_distance_m": r.code_order_distance_m,
                "claimed_at": r.claimed_at,
                "completed_at": r.completed_at,
            }
            for r in conn.execute(q)
        ]


def show_list(store: Store, list_id: int) -> dict[str, Any]:
    """One pick list: stops in walking order with each order's tote and quantities, and the orders' instructions."""
    with store.connect(write=False) as conn:
        return _list_view(conn, list_id)


def _list_row(conn: Connection, list_id: int) -> Any:
    row = conn.execute(
        select(lists_t, runs_t.c.method).join(runs_t, runs_t.c.id == lists_t.c.run_id).where(lists_t.c.id == list_id)
    ).first()
    if row is None:
        raise NotFound(f"pick list {list_id}: no such list", hint="see `oms pick lists`")
    return row


def _stop_rows(conn: Connection, list_id: int) -> list[Any]:
    q = (
        select(
            stops_t.c.id.label("stop_id"),
            stops_t.c.seq,
            stops_t.c.location,
            stops_t.c.sku,
            stops_t.c.quantity.label("stop_quantity"),
            allocs_t.c.id.label("alloc_id"),
            allocs_t.c.order_id,
            allocs_t.c.order_line_id,
            allocs_t.c.quantity,
            allocs_t.c.tote,
            allocs_t.c.picked_qty,
            allocs_t.c.short_qty,
            orders_t.c.ref,
            orders_t.c.status,
            orders_t.c.instruction_state,
            orders_t.c.notes,
            products_t.c.name,
        )
        .join(allocs_t, allocs_t.c.stop_id == stops_t.c.id)
        .join(orders_t, orders_t.c.id == allocs_t.c.order_id)
        .outerjoin(products_t, products_t.c.sku == stops_t.c.sku)
        .where(stops_t.c.list_id == list_id)
        .order_by(stops_t.c.seq, allocs_t.c.tote, allocs_t.c.id)
    )
    return list(conn.execute(q).all())


def _list_view(conn: Connection, list_id: int) -> dict[str, Any]:
    head = _list_row(conn, list_id)
    rows = _stop_rows(conn, list_id)
    stops: dict[int, dict[str, Any]] = {}
    totes: dict[int, dict[str, Any]] = {}
    for r in rows:
        stop = stops.get(r.stop_id)
        if stop is None:
            stop = stops[r.stop_id] = {
                "seq": r.seq,
                "location": r.location,
                "sku": r.sku,
                "name": r.name,
                "quantity": int(r.stop_quantity),
                "picked": 0,
                "short": 0,
                "remaining": 0,
                "orders": [],
            }
        left = max(0, r.quantity - r.picked_qty - r.short_qty) if r.status == Status.PICKING else 0
        stop["picked"] += r.picked_qty
        stop["short"] += r.short_qty
        stop["remaining"] += left
        stop["orders"].append(
            {
                "ref": r.ref,
                "quantity": int(r.quantity),
                "tote": r.tote,
                "picked": int(r.picked_qty),
                "short": int(r.short_qty),
                "remaining": left,
            }
        )
        if r.order_id not in totes:
            totes[r.order_id] = {
                "tote": r.tote,
                "ref": r.ref,
                "status": r.status,
                "instruction": r.instruction_state,
                "notes": r.notes if r.instruction_state == "pending" else None,
                "other_lists": [],
            }
    if totes:
        q = (
            select(stops_t.c.list_id, lists_t.c.zone, allocs_t.c.order_id, allocs_t.c.tote)
            .join(allocs_t, allocs_t.c.stop_id == stops_t.c.id)
            .join(lists_t, lists_t.c.id == stops_t.c.list_id)
            .where(
                lists_t.c.run_id == head.run_id, stops_t.c.list_id != list_id, allocs_t.c.order_id.in_(sorted(totes))
            )
            .distinct()
            .order_by(stops_t.c.list_id)
        )
        for r in conn.execute(q):
            totes[r.order_id]["other_lists"].append({"list": r.list_id, "zone": r.zone, "tote": r.tote})
    ordered = sorted(totes.values(), key=lambda t: (t["tote"] or 0, t["ref"]))
    stop_list = list(stops.values())
    return {
        "list": head.id,
        "run": head.run_id,
        "method": head.method,
        "seq": head.seq,
        "wave": head.wave,
        "zone": head.zone,
        "picker": head.picker,
        "status": head.status,
        "claimed_at": head.claimed_at,
        "completed_at": head.completed_at,
        "orders": [t["ref"] for t in ordered],
        "totes": ordered,
        "stops": stop_list,
        "units": sum(s["quantity"] for s in stop_list),
        "picked": sum(s["picked"] for s in stop_list),
        "remaining": sum(s["remaining"] for s in stop_list),
        "distance_m": head.distance_m,
        "code_order_distance_m": head.code_order_distance_m,
    }


# --- handing out lists ------------------------------------------------------------


def claim_next(store: Store, config: Config, picker: str, *, now: datetime | None = None) -> dict[str, Any]:
    """Give ``picker`` their unfinished list, else claim the lowest open list they may take.

    A picker named in ``picking.pickers`` with zones takes lists of those zones (and lists
    without a zone); anyone else takes any zone. A list the planner assigned to one
    picker is only theirs. Returns ``{"list": None, …}`` when nothing is open for them.
    """
    name = picker.strip()
    if not name:
        raise UsageError("--picker needs a name")
    zones: tuple[str, ...] | None = None
    for p in pickers_from_config(config):
        if p.name == name:
            zones = p.zones or None
    now = now or utcnow()
    with store.connect() as conn:
        # two `pick next` of the same picker at once must not each claim a list
        hold(conn, f"oms picker {name}")
        mine = conn.execute(
            select(lists_t.c.id)
            .where(lists_t.c.picker == name, lists_t.c.status == ListStatus.CLAIMED)
            .order_by(lists_t.c.id)
            .limit(1)
        ).scalar()
        if mine is not None:
            return {"picker": name, "claimed": False, "resumed": True, **_list_view(conn, mine)}
        may_take: ColumnElement[bool] = lists_t.c.picker.is_(None)
        if zones:
            may_take = and_(may_take, or_(lists_t.c.zone.is_(None), lists_t.c.zone.in_(zones)))
        while True:
            candidate = conn.execute(
                select(lists_t.c.id)
                .where(lists_t.c.status == ListStatus.OPEN, or_(lists_t.c.picker == name, may_take))
                .order_by(lists_t.c.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).scalar()
            if candidate is None:
                return {"picker": name, "claimed": False, "resumed": False, "list": None, "zones": list(zones or [])}
            if _close_if_empty(conn, candidate, now):
                continue  # every order on it left the floor meanwhile
            # The status condition makes the claim safe even without the write lock.
            res = conn.execute(
                update(lists_t)
                .where(lists_t.c.id == candidate, lists_t.c.status == ListStatus.OPEN)
                .values(status=ListStatus.CLAIMED, picker=name, claimed_at=now)
            )
            if res.rowcount == 1:
                return {"picker": name, "claimed": True, "resumed": False, **_list_view(conn, candidate)}


def _left_on_list(conn: Connection, list_id: int) -> int:
    q = (
        select(func.coalesce(func.sum(allocs_t.c.quantity - allocs_t.c.picked_qty - allocs_t.c.short_qty), 0))
        .join(stops_t, stops_t.c.id == allocs_t.c.stop_id)
        .join(orders_t, orders_t.c.id == allocs_t.c.order_id)
        .where(stops_t.c.list_id == list_id, _outstanding())
    )
    return int(conn.execute(q).scalar_one())


def _close_if_empty(conn: Connection, list_id: int, now: datetime) -> bool:
    """Mark a list done when nothing is left on it; True when it is (or already was) done."""
    if _left_on_list(conn, list_id):
        return False
    conn.execute(
        update(lists_t)
        .where(lists_t.c.id == list_id, lists_t.c.status != ListStatus.DONE)
        .values(status=ListStatus.DONE, completed_at=now)
    )
    return True


# --- confirming picks -------------------------------------------------------------


def start_confirm(
    store: Store, list_id: int, *, picker: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Begin picking a list: claim it if still open, and say where to go first."""
    now = now or utcnow()
    with store.connect() as conn:
        head = _claim_for_confirm(conn, list_id, picker, now)
        session = _session(conn, list_id, None)
        if head.status != ListStatus.DONE:
            _close_if_empty(conn, list_id, now)
        return {
            "list": list_id,
            "cursor": session.cursor,
            "prompt": session.prompt(),
            "remaining": session.remaining,
            "status": _status(conn, list_id),
            "picker": picker or head.picker,
        }


def _claim_for_confirm(conn: Connection, list_id: int, picker: str | None, now: datetime) -> Any:
    head = _list_row(conn, list_id)
    if picker and head.picker and head.picker != picker and head.status == ListStatus.CLAIMED:
        raise Refused(f"pick list {list_id} is being picked by {head.picker}", hint=f"see `oms pick show {list_id}`")
    if head.status == ListStatus.OPEN:
        conn.execute(
            update(lists_t)
            .where(lists_t.c.id == list_id, lists_t.c.status == ListStatus.OPEN)
            .values(status=ListStatus.CLAIMED, picker=picker or head.picker, claimed_at=now)
        )
    return head


def _status(conn: Connection, list_id: int) -> str:
    return str(conn.execute(select(lists_t.c.status).where(lists_t.c.id == list_id)).scalar_one())


def _session(conn: Connection, list_id: int, cursor: int | None, scanned: str | None = None) -> ScanSession:
    rows = _stop_rows(conn, list_id)
    stops: dict[int, ScanStop] = {}
    for r in rows:
        stop = stops.get(r.stop_id)
        if stop is None:
            stop = stops[r.stop_id] = ScanStop(r.stop_id, r.seq, r.location, r.sku, [], r.name)
        stop.allocations.append(
            ScanAllocation(
                r.alloc_id,
                r.ref,
                int(r.quantity),
                r.tote,
                int(r.picked_qty),
                int(r.short_qty),
                r.status == Status.PICKING,
            )
        )
    skus = sorted({s.sku for s in stops.values()})
    codes: dict[str, str] = {sku: sku for sku in skus}
    for start in range(0, len(skus), CHUNK):
        for r in conn.execute(
            select(barcodes_t.c.code, barcodes_t.c.sku).where(barcodes_t.c.sku.in_(skus[start : start + CHUNK]))
        ):
            codes[r.code] = r.sku
    if scanned and scanned not in codes and normalise_location(scanned) is None:
        # A product that is not on this list: name it, so the picker hears what they hold.
        text = scanned.strip()
        found = conn.execute(select(barcodes_t.c.sku).where(barcodes_t.c.code == text)).scalar()
        if found is None:
            found = conn.execute(select(products_t.c.sku).where(func.upper(products_t.c.sku) == text.upper())).scalar()
        if found is not None:
            codes[text] = found
    return ScanSession(list(stops.values()), codes, cursor)


def scan(
    store: Store, list_id: int, text: str, *, cursor: int | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Apply one scan to a list in its own transaction; returns the events, the new cursor and prompt."""
    now = now or utcnow()
    with store.connect() as conn:
        head = _list_row(conn, list_id)
        session = _session(conn, list_id, cursor, text)
        events = session.feed(text)
        extra = _apply(conn, session, head, now)
        return {
            "list": list_id,
            "events": [dataclasses.asdict(e) for e in events + extra],
            "cursor": session.cursor,
            "prompt": session.prompt(),
            "remaining": session.remaining,
            "finished": session.finished,
            "status": _status(conn, list_id),
        }


def _apply(conn: Connection, session: ScanSession, head: Any, now: datetime) -> list[Event]:
    """Write what a scan decided: picked units, shortages, holds, finished orders and list."""
    events: list[Event] = []
    touched: set[int] = set()
    for alloc_id, units in session.picks.items():
        res = conn.execute(
            update(allocs_t)
            .where(
                allocs_t.c.id == alloc_id, allocs_t.c.picked_qty + allocs_t.c.short_qty + units <= allocs_t.c.quantity
            )
            .values(picked_qty=allocs_t.c.picked_qty + units, picked_at=now)
        )
        if res.rowcount != 1:
            raise Refused(f"pick list {head.id} changed meanwhile; scan again")
        touched.add(int(conn.execute(select(allocs_t.c.order_id).where(allocs_t.c.id == alloc_id)).scalar_one()))
    for alloc_id, units in session.closed.items():
        conn.execute(update(allocs_t).where(allocs_t.c.id == alloc_id).values(short_qty=allocs_t.c.short_qty + units))
    for location, sku, units in session.missing:
        _book_shortage(conn, sku, location, units, head.id, now)
    for ref, why in session.held.items():
        row = conn.execute(select(orders_t).where(orders_t.c.ref == ref)).one()
        if row.status != Status.PICKING:
            continue
        take_off_floor(
            conn,
            row,
            Status.ON_HOLD,
            command=CONFIRM_COMMAND,
            reason="out_of_stock",
            detail=why,
            note=f"out_of_stock: {why} (pick list {head.id})",
            at=now,
        )
        touched.discard(row.id)
        events += _put_back(conn, row, head.id)
    for ref in complete_orders(conn, touched, now):
        events.append(Event("order_picked", "ok", f"order {ref} is complete: picked"))
    if session.picks or session.closed:
        _close_if_empty(conn, head.id, now)
    return events


def _put_back(conn: Connection, order: Any, list_id: int) -> list[Event]:
    """What of a held order was already picked on the run's other lists (zone and wave picking) goes back."""
    q = (
        select(stops_t.c.list_id, allocs_t.c.tote, func.sum(allocs_t.c.picked_qty).label("units"))
        .join(stops_t, stops_t.c.id == allocs_t.c.stop_id)
        .where(allocs_t.c.order_id == order.id, stops_t.c.list_id != list_id, allocs_t.c.picked_qty > 0)
        .group_by(stops_t.c.list_id, allocs_t.c.tote)
        .order_by(stops_t.c.list_id)
    )
    return [
        Event(
            "put_back",
            "warn",
            f"{order.ref}: put the {r.units} unit{'s' if r.units != 1 else ''} already picked on list {r.list_id}"
            + (f" (tote {r.tote})" if r.tote is not None else "")
            + " back on the shelf",
        )
        for r in conn.execute(q)
    ]


def _book_shortage(conn: Connection, sku: str, location: str, units: int, list_id: int, now: datetime) -> None:
    """The shelf holds fewer than the store says: take the missing units off the books (never below zero)."""
    on_hand = conn.execute(
        select(stock_t.c.on_hand).where(stock_t.c.sku == sku, stock_t.c.location == location)
    ).scalar()
    gone = min(units, int(on_hand or 0))
    if gone > 0:
        move(conn, sku, location, -gone, SHORT_REASON, command=CONFIRM_COMMAND, note=f"pick list {list_id}", at=now)


def complete_orders(conn: Connection, order_ids: Iterable[int], now: datetime) -> list[str]:
    """Move to ``picked`` every given order in picking whose allocations in its latest run are all picked."""
    done: list[str] = []
    for order_id in sorted(set(order_ids)):
        row = conn.execute(
            select(orders_t.c.id, orders_t.c.ref, orders_t.c.status).where(orders_t.c.id == order_id)
        ).one()
        if row.status != Status.PICKING:
            continue
        latest = conn.execute(
            select(func.max(stops_t.c.list_id), func.max(lists_t.c.run_id))
            .select_from(allocs_t)
            .join(stops_t, stops_t.c.id == allocs_t.c.stop_id)
            .join(lists_t, lists_t.c.id == stops_t.c.list_id)
            .where(allocs_t.c.order_id == order_id)
        ).one()
        if latest[1] is None:
            continue
        left = conn.execute(
            select(func.count())
            .select_from(allocs_t)
            .join(stops_t, stops_t.c.id == allocs_t.c.stop_id)
            .join(lists_t, lists_t.c.id == stops_t.c.list_id)
            .where(
                allocs_t.c.order_id == order_id,
                lists_t.c.run_id == latest[1],
                allocs_t.c.picked_qty < allocs_t.c.quantity,
            )
        ).scalar_one()
        if left:
            continue
        lists = _lists_of_order_in_run(conn, order_id, int(latest[1]))
        where = f"list {lists[0]}" if len(lists) == 1 else "lists " + ", ".join(map(str, lists))
        transition(
            conn,
            row.id,
            row.ref,
            Status.PICKING,
            Status.PICKED,
            command=CONFIRM_COMMAND,
            note=f"picked: run {latest[1]} {where}",
            at=now,
        )
        conn.execute(
            update(reservations_t)
            .where(reservations_t.c.order_id == order_id, reservations_t.c.state == "active")
            .values(state="picked")
        )
        done.append(row.ref)
    return done


def _lists_of_order_in_run(conn: Connection, order_id: int, run_id: int) -> list[int]:
    q = (
        select(stops_t.c.list_id)
        .join(allocs_t, allocs_t.c.stop_id == stops_t.c.id)
        .join(lists_t, lists_t.c.id == stops_t.c.list_id)
        .where(allocs_t.c.order_id == order_id, lists_t.c.run_id == run_id)
        .distinct()
        .order_by(stops_t.c.list_id)
    )
    return list(conn.execute(q).scalars())


def confirm_all(
    store: Store, list_id: int, *, picker: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Confirm every unit left on a list as picked (for scripts); orders whose picks are all done become picked."""
    now = now or utcnow()
    with store.connect() as conn:
        head = _claim_for_confirm(conn, list_id, picker, now)
        rows = conn.execute(
            select(allocs_t.c.id, allocs_t.c.order_id, allocs_t.c.quantity, allocs_t.c.picked_qty, allocs_t.c.short_qty)
            .join(stops_t, stops_t.c.id == allocs_t.c.stop_id)
            .join(orders_t, orders_t.c.id == allocs_t.c.order_id)
            .where(stops_t.c.list_id == list_id, _outstanding())
        ).all()
        units = 0
        for r in rows:
            units += r.quantity - r.picked_qty - r.short_qty
            conn.execute(
                update(allocs_t).where(allocs_t.c.id == r.id).values(picked_qty=r.quantity - r.short_qty, picked_at=now)
            )
        picked = complete_orders(conn, {r.order_id for r in rows}, now)
        was_done = head.status == ListStatus.DONE
        _close_if_empty(conn, list_id, now)
        return {
            "list": list_id,
            "units": units,
            "orders_picked": picked,
            "changed": bool(rows),
            "status": _status(conn, list_id),
            "already_done": was_done and not rows,
        }


__all__ = [
    "ListStatus",
    "PlanRequest",
    "PickingSettings",
    "plan_run",
    "list_lists",
    "show_list",
    "claim_next",
    "start_confirm",
    "scan",
    "confirm_all",
    "complete_orders",
    "settings",
    "pickers_from_config",
    "priority_rank",
    "next_departure",
    "parse_wave_cutoff",
]
