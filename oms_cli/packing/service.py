"""Packing service: plan an order's boxes, verify its units by scanner, record its packages.

- :func:`plan_order` shows what `oms pack REF` would do (reads only).
- :func:`begin_verify` checks that an order can be verified and packed, and hands the
  CLI what the scan loop (:class:`oms_cli.packing.verify.VerifySession`) needs.
- :func:`finish_verify` records the scans and, when every unit was verified, the
  packages (box, outer dimensions, weights, materials, placements, SSCC) and moves
  the order from picked to packed, all in one transaction.
- :func:`plan_file` packs the items of a CSV file without any order (`oms boxes pack`).

Owns its transactions; never prints; raises OmsError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from oms_cli.core.config import Config
from oms_cli.core.errors import BadInput, OmsError, Refused, UsageError
from oms_cli.core.files import read_input_text
from oms_cli.documents.gs1 import shop_sscc
from oms_cli.orders.events import record_event, transition
from oms_cli.orders.lifecycle import PACKABLE, PACKED_OR_LATER, Status, require_status
from oms_cli.orders.service import lines_of, resolve_ref
from oms_cli.packing.boxstock import BOX_LOCK, give_back, low_threshold, on_hand, use, with_stock
from oms_cli.packing.catalogue import (
    Catalogue,
    PlanningOrder,
    catalogue_from_config,
    dim_rule_from_config,
    read_boxes,
    read_items,
)
from oms_cli.packing.dimweight import billable_weight_g
from oms_cli.packing.engine import Box, Item, Objective, PackedBox, PackResult, Placement, choose_boxes
from oms_cli.packing.materials import ItemAttributes, MaterialUse, material_uses
from oms_cli.packing.verify import ExpectedLine, Missing, Scan
from oms_cli.store import counters
from oms_cli.store.counters import take_numbers
from oms_cli.store.engine import Store
from oms_cli.store.locks import hold
from oms_cli.store.tables import packages as packages_t
from oms_cli.store.tables import product_barcodes as barcodes_t
from oms_cli.store.tables import products as products_t
from oms_cli.store.tables import verify_scans as scans_t
from oms_cli.store.types import utcnow

COMMAND = "pack verify"


def catalogue(config: Config) -> Catalogue:
    """The boxes, materials and carrier rule in force."""
    return catalogue_from_config(config.section("packing"))


# ---------------------------------------------------------------- planning an order


@dataclass
class PackagePlan:
    """One package of a plan: the engine's packed box plus its materials and expected gross weight."""

    box: Box
    placements: list[dict[str, Any]]
    materials: list[MaterialUse]
    weight_g: int  # expected gross: box, items and materials
    billable_weight_g: int
    fill_pct: float | None

    @property
    def units(self) -> list[Placement]:
        """The placements as the engine's placements (for the layer drawing)."""
        return [
            Placement(u["ref"], u["x"], u["y"], u["z"], u["length"], u["width"], u["height"]) for u in self.placements
        ]

    def to_json(self) -> dict[str, Any]:
        """The engine's package JSON plus the materials (weights include the materials)."""
        return {
            "box": self.box.ref,
            "items": self.placements,
            "weight_g": self.weight_g,
            "billable_weight": self.billable_weight_g,
            "fill_pct": self.fill_pct,
            "outer": [self.box.outer_length, self.box.outer_width, self.box.outer_height],
            "inner": [self.box.inner_length, self.box.inner_width, self.box.inner_height],
            "materials": [m.to_json() for m in self.materials],
        }


@dataclass
class OrderPlan:
    """What packing an order takes: its lines, the packages, anything that fits no box."""

    ref: str
    status: str
    lines: list[ExpectedLine]
    packages: list[PackagePlan]
    unpacked: list[dict[str, str]] = field(default_factory=list)
    notes: str | None = None
    instruction_state: str = "none"
    carrier: str | None = None
    recorded: bool = False  # True: the packages as recorded when the order was packed
    # the exact search proved no better box holds everything / no single box does (None: a recorded packing)
    proven_best: bool | None = None
    one_box_ruled_out: bool | None = None

    @property
    def expected_weight_g(self) -> int:
        """Expected gross weight of all packages."""
        return sum(p.weight_g for p in self.packages)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready plain data (the shape `oms pack REF --json` prints)."""
        return {
            "order": self.ref,
            "status": self.status,
            "carrier": self.carrier,
            "recorded": self.recorded,
            "instruction": {"notes": self.notes, "state": self.instruction_state},
            "lines": [{"sku": ln.sku, "name": ln.name, "quantity": ln.quantity, "free": ln.free} for ln in self.lines],
            "packages": [p.to_json() for p in self.packages],
            "unpacked": self.unpacked,
            "expected_weight_g": self.expected_weight_g,
            "proven_best": self.proven_best,
            "one_box_ruled_out": self.one_box_ruled_out,
        }


def _expected_lines(conn: Connection, order_id: int) -> list[ExpectedLine]:
    return [
        ExpectedLine(ln.sku, int(ln.quantity), ln.name, bool(ln.free))
        for ln in lines_of(conn, [order_id])[order_id]
        if ln.quantity > 0
    ]


def _products(conn: Connection, skus: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    unique = sorted(set(skus))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        for row in conn.execute(select(products_t).where(products_t.c.sku.in_(chunk))):
            found[row.sku] = row
    return found


def _items(ref: str, lines: Sequence[ExpectedLine], products: Mapping[str, Any]) -> list[Item]:
    """One engine item per SKU; a product without size or weight stops packing rather than being guessed."""
    quantities: dict[str, int] = {}
    for ln in lines:
        quantities[ln.sku] = quantities.get(ln.sku, 0) + ln.quantity
    items: list[Item] = []
    for sku, quantity in quantities.items():
        p = products.get(sku)
        hint = f"set it with `oms products set {sku} --length … --width … --height … --weight …` (or import the products CSV)"
        if p is None:
            raise BadInput(
                f"{ref}: product {sku} is not in the catalogue, so its size and weight are unknown", hint=hint
            )
        absent = [
            name
            for name, value in (
                ("length", p.length_mm),
                ("width", p.width_mm),
                ("height", p.height_mm),
                ("weight", p.weight_g),
            )
            if value is None
        ]
        if absent:
            raise BadInput(f"{ref}: product {sku} has no {' or '.join(absent)} in the catalogue", hint=hint)
        if min(p.length_mm, p.width_mm, p.height_mm) <= 0:
            raise BadInput(f"{ref}: product {sku} has a size of 0 mm in the catalogue", hint=hint)
        # an item kept upright may only turn about the vertical axis: the engine's keep-flat
        items.append(
            Item(
                sku, p.length_mm, p.width_mm, p.height_mm, p.weight_g, keep_flat=bool(p.keep_upright), quantity=quantity
            )
        )
    return items


def _contents(packed: PackedBox, products: Mapping[str, Any]) -> list[ItemAttributes]:
    """What the materials rules see in one package: each product in it with its unit count and attributes."""
    counts: dict[str, int] = {}
    for u in packed.placements:
        counts[u.ref] = counts.get(u.ref, 0) + 1
    found = []
    for sku, quantity in counts.items():
        p = products.get(sku)
        if p is None:
            found.append(ItemAttributes(sku, quantity))
        else:
            found.append(ItemAttributes(sku, quantity, bool(p.fragile), p.packaging_class, bool(p.keep_upright)))
    return found


def _placement_json(p: Any) -> dict[str, Any]:
    return {"ref": p.ref, "x": p.x, "y": p.y, "z": p.z, "length": p.length, "width": p.width, "height": p.height}


def _package_plans(result: PackResult, cat: Catalogue, products: Mapping[str, Any]) -> list[PackagePlan]:
    plans: list[PackagePlan] = []
    for packed in result.packages:
        box = packed.box
        uses = material_uses(_contents(packed, products), cat.materials)
        gross = packed.weight_g + sum(m.weight_g for m in uses)
        billable = billable_weight_g((box.outer_length, box.outer_width, box.outer_height), gross, cat.dim_rule)
        plans.append(
            PackagePlan(box, [_placement_json(u) for u in packed.placements], uses, gross, billable, packed.fill_pct)
        )
    return plans


def _plan(conn: Connection, row: Any, cat: Catalogue) -> OrderPlan:
    lines = _expected_lines(conn, row.id)
    if not lines:
        raise Refused(f"{row.ref}: the order has no lines to pack")
    products = _products(conn, [ln.sku for ln in lines])
    items = _items(row.ref, lines, products)
    result = choose_boxes(items, cat.boxes, objective=cat.objective, dim_rule=cat.dim_rule)
    return OrderPlan(
        ref=row.ref,
        status=row.status,
        lines=lines,
        packages=_package_plans(result, cat, products),
        unpacked=[{"ref": u.ref, "reason": u.reason} for u in result.unpacked],
        notes=row.notes,
        instruction_state=row.instruction_state,
        carrier=cat.carrier,
        proven_best=result.proven_best,
        one_box_ruled_out=result.one_box_ruled_out,
    )


def _recorded_plan(conn: Connection, row: Any, cat: Catalogue) -> OrderPlan:
    """The packages as they were recorded when the order was packed."""
    boxes = {b.ref: b for b in cat.boxes}
    packages: list[PackagePlan] = []
    for p in conn.execute(select(packages_t).where(packages_t.c.order_id == row.id).order_by(packages_t.c.package_no)):
        placements = list(p.placements or [])
        box = boxes.get(p.box)
        if box is None:
            # a box since removed from the config: its inner size is at least what the placements reach
            reach_l, reach_w, reach_h = (
                max((u[k] + u[size] for u in placements), default=1)
                for k, size in (("x", "length"), ("y", "width"), ("z", "height"))
            )
            box = Box(p.box, reach_l, reach_w, reach_h, p.length_mm, p.width_mm, p.height_mm, 0, max(p.weight_g, 1))
        uses = [
            MaterialUse(m["name"], int(m["quantity"]), Decimal(str(m.get("cost", "0"))), int(m.get("weight_g", 0)))
            for m in (p.materials or [])
        ]
        packages.append(PackagePlan(box, placements, uses, p.weight_g, p.billable_weight_g or p.weight_g, p.fill_pct))
    return OrderPlan(
        ref=row.ref,
        status=row.status,
        lines=_expected_lines(conn, row.id),
        packages=packages,
        notes=row.notes,
        instruction_state=row.instruction_state,
        carrier=cat.carrier,
        recorded=True,
    )


def plan_order(store: Store, config: Config, ref: str) -> OrderPlan:
    """The boxes, materials and placements for an order; the recorded packages once it is packed. Changes nothing."""
    with store.connect(write=False) as conn:
        row = resolve_ref(conn, ref)
        cat = with_stock(conn, catalogue(config), order_id=row.id)
        if (
            row.status in PACKED_OR_LATER
            and conn.execute(select(packages_t.c.id).where(packages_t.c.order_id == row.id)).first()
        ):
            return _recorded_plan(conn, row, cat)
        return _plan(conn, row, cat)


# ---------------------------------------------------------------- verifying and packing


@dataclass
class VerifyStart:
    """What the scan loop needs, or that the order is packed already."""

    ref: str
    status: str
    already_packed: bool
    plan: OrderPlan | None = None
    barcodes: dict[str, str] = field(default_factory=dict)
    skus: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[ExpectedLine]:
        """The lines to verify."""
        return self.plan.lines if self.plan else []


def _refuse_unless_picked(row: Any) -> None:
    pick_first = "pick it first (`oms pick confirm`)"
    require_status(row, PACKABLE, "verified and packed", hint={Status.READY: pick_first, Status.PICKING: pick_first})


def _refuse_unpackable(plan: OrderPlan) -> None:
    if plan.unpacked:
        first = plan.unpacked[0]
        more = (
            f" (and {len(plan.unpacked) - 1} more unit{'s' if len(plan.unpacked) > 2 else ''})"
            if len(plan.unpacked) > 1
            else ""
        )
        raise Refused(
            f"{plan.ref}: {first['ref']} cannot be packed: {first['reason']}{more}",
            hint="add a bigger box to packing.boxes (or check the product's size and weight)",
        )


def begin_verify(store: Store, config: Config, ref: str) -> VerifyStart:
    """Check that a picked order can be packed (sizes known, every unit fits a box) before any scanning starts."""
    with store.connect(write=False) as conn:
        row = resolve_ref(conn, ref)
        cat = with_stock(conn, catalogue(config), order_id=row.id)
        if row.status in PACKED_OR_LATER:
            return VerifyStart(row.ref, row.status, already_packed=True)
        _refuse_unless_picked(row)
        plan = _plan(conn, row, cat)
        _refuse_unpackable(plan)
        barcodes = {code: sku for code, sku in conn.execute(select(barcodes_t.c.code, barcodes_t.c.sku))}
        skus = [s for (s,) in conn.execute(select(products_t.c.sku))]
    return VerifyStart(row.ref, row.status, already_packed=False, plan=plan, barcodes=barcodes, skus=skus)


@dataclass(frozen=True)
class WeightCheck:
    """The scale against the expectation: flagged when further apart than the tolerance."""

    measured_g: int
    expected_g: int
    tolerance_pct: Decimal

    @property
    def difference_pct(self) -> float:
        """How far the scale is from the expectation, in per cent of the expectation."""
        return round(100 * (self.measured_g - self.expected_g) / self.expected_g, 1) if self.expected_g else 0.0

    @property
    def flagged(self) -> bool:
        """Whether the difference is beyond the tolerance."""
        return abs(self.measured_g - self.expected_g) * 100 > self.tolerance_pct * self.expected_g

    def describe(self, what: str = "weight") -> str:
        """One line for the packer and the order's history."""
        sign = "+" if self.measured_g >= self.expected_g else ""
        return (
            f"{what} {self.measured_g} g on the scale, {self.expected_g} g expected "
            f"({sign}{self.difference_pct:g}%, tolerance {self.tolerance_pct:g}%)"
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-ready plain data."""
        return {
            "measured_g": self.measured_g,
            "expected_g": self.expected_g,
            "difference_pct": self.difference_pct,
            "tolerance_pct": float(self.tolerance_pct),
            "flagged": self.flagged,
        }


def check_weight_count(plan: OrderPlan, weights_g: Sequence[int]) -> None:
    """Refuse a number of weights that is neither one per package nor one for all of them."""
    if len(weights_g) > 1 and len(weights_g) != len(plan.packages):
        n = len(plan.packages)
        raise UsageError(
            f"{plan.ref}: {len(weights_g)} weights given for {n} package{'s' if n != 1 else ''}",
            hint="give --weight once per package, in package order, or once for all of them together",
        )


def check_weights(plan: OrderPlan, weights_g: Sequence[int], tolerance_pct: Decimal) -> list[WeightCheck]:
    """One check per package (weights given per package), or one for the total (a single weight for several packages)."""
    check_weight_count(plan, weights_g)
    if not weights_g:
        return []
    if len(weights_g) == len(plan.packages):
        return [WeightCheck(w, p.weight_g, tolerance_pct) for w, p in zip(weights_g, plan.packages)]
    return [WeightCheck(weights_g[0], plan.expected_weight_g, tolerance_pct)]


def missing_units(lines: Sequence[ExpectedLine], scans: Sequence[Scan]) -> list[Missing]:
    """Units of the order no accepted scan covers."""
    expected: dict[str, int] = {}
    names: dict[str, str | None] = {}
    for ln in lines:
        expected[ln.sku] = expected.get(ln.sku, 0) + ln.quantity
        names.setdefault(ln.sku, ln.name)
    for s in scans:
        if s.result == "ok" and s.sku in expected:
            expected[s.sku] -= 1
    return [Missing(sku, left, names[sku]) for sku, left in expected.items() if left > 0]


@dataclass
class VerifyOutcome:
    """What `oms pack verify` did."""

    ref: str
    status: str
    changed: bool
    packages: list[dict[str, Any]] = field(default_factory=list)
    weights: list[WeightCheck] = field(default_factory=list)
    scans: dict[str, int] = field(default_factory=dict)
    trusted: bool = False
    #: box ref -> how many are left, for the counted boxes this packing used
    boxes_left: dict[str, int] = field(default_factory=dict)
    #: the carrier service chosen from the rate cards (None: none keeps the promise, or no rate cards)
    service: dict[str, Any] | None = None
    rated: bool = False  # the store has rate cards

    def to_json(self) -> dict[str, Any]:
        """JSON-ready plain data."""
        return {
            "order": self.ref,
            "status": self.status,
            "changed": self.changed,
            "trusted_pick": self.trusted,
            "scans": self.scans,
            "packages": self.packages,
            "weights": [w.to_json() for w in self.weights],
            "boxes_left": self.boxes_left,
            "service": self.service,
        }


@dataclass
class ChosenService:
    """The cheapest service keeping the promise at pack time (``rated``: the store has rate cards)."""

    rated: bool
    quote: Any = None

    @property
    def note(self) -> str:
        """The part of the packing event that names the service."""
        if self.quote is None:
            return ""
        return f"; {self.quote.carrier} {self.quote.service}"

    def to_json(self) -> dict[str, Any] | None:
        """The chosen service as JSON-ready plain data (None: none keeps the promise)."""
        return self.quote.to_json() if self.quote is not None else None


#: (connection, config, order row, [(outer size in mm, gross weight in g)] per package, now)
#: -> (whether there are rate cards, the chosen quote or None)
ServiceChooser = Callable[[Connection, Config, Any, list[tuple[tuple[int, int, int], int]], Any], tuple[bool, Any]]


def _choose_service(
    chooser: ServiceChooser | None,
    conn: Connection,
    config: Config,
    row: Any,
    packages: Sequence[PackagePlan],
    gross: Sequence[int],
    now: Any,
) -> ChosenService:
    if chooser is None:
        return ChosenService(False)
    parcels = [((p.box.outer_length, p.box.outer_width, p.box.outer_height), w) for p, w in zip(packages, gross)]
    rated, quote = chooser(conn, config, row, parcels, now)
    return ChosenService(rated, quote)


def record_scans(store: Store, ref: str, scans: Sequence[Scan]) -> int:
    """Keep the scans of a verification that stopped before its end (Ctrl-C): the order
    is left as it is, and the wrong, extra and unknown scans still count in the
    accuracy figures. Returns how many were recorded."""
    if not scans:
        return 0
    with store.connect(write=True) as conn:
        _insert_scans(conn, resolve_ref(conn, ref).id, scans, utcnow())
    return len(scans)


def _insert_scans(conn: Connection, order_id: int, scans: Sequence[Scan], at: Any) -> None:
    conn.execute(
        insert(scans_t),
        [{"order_id": order_id, "code": s.code, "sku": s.sku, "result": s.result, "at": at} for s in scans],
    )


def finish_verify(
    store: Store,
    config: Config,
    ref: str,
    scans: Sequence[Scan],
    *,
    trust_pick: bool = False,
    weights_g: Sequence[int] = (),
    strict_weight: bool = False,
    shown_boxes: Sequence[str] = (),
    choose_service: ServiceChooser | None = None,
) -> VerifyOutcome:
    """Record the scans; when every unit was verified (or ``trust_pick``), record the packages and mark the order packed.

    ``choose_service`` (the rates service's, given by the command) books each
    package on the cheapest carrier service that keeps the promise.

    ``shown_boxes``: the boxes the packer was shown (``begin_verify``) and has used;
    they are planned with even when another packer has since taken the last one
    counted, so the packages recorded are the ones packed.

    Raises Refused (or BadInput), after recording the scans, when units are missing,
    the order cannot be packed, or (with ``strict_weight``) the scale disagrees with
    the expected weight.
    """
    refusal: OmsError | None = None
    counts = {r: sum(1 for s in scans if s.result == r) for r in ("ok", "wrong", "extra", "unknown")}
    with store.connect(write=True) as conn:
        # PostgreSQL: packers finish one at a time, as under SQLite's write lock, so two
        # cannot both take the last box counted or both pack one order
        hold(conn, BOX_LOCK)
        row = resolve_ref(conn, ref)
        base = catalogue(config)
        cat = with_stock(conn, base, order_id=row.id, keep=shown_boxes)
        now = utcnow()
        if scans:
            # recorded whatever happens next: they are what the accuracy metrics count
            _insert_scans(conn, row.id, scans, now)
        if row.status in PACKED_OR_LATER:
            return VerifyOutcome(row.ref, row.status, changed=False, scans=counts)
        try:
            _refuse_unless_picked(row)
            plan = _plan(conn, row, cat)
            _refuse_unpackable(plan)
        except (Refused, BadInput) as exc:
            refusal = exc  # raised once the scans are committed
            plan = None
        missing = [] if trust_pick or plan is None else missing_units(plan.lines, scans)
        checks = [] if plan is None else check_weights(plan, weights_g, cat.weight_tolerance_pct)
        flagged = [c for c in checks if c.flagged]
        if plan is None:
            pass
        elif missing:
            units = sum(m.quantity for m in missing)
            listing = ", ".join(f"{m.quantity} x {m.sku}" for m in missing)
            refusal = Refused(
                f"{row.ref}: not packed: {units} item{'s' if units != 1 else ''} missing ({listing})",
                hint="find them and run `oms pack verify` again; the order stays picked",
            )
        elif flagged and strict_weight:
            refusal = Refused(
                f"{row.ref}: not packed: {flagged[0].describe()}",
                hint="check the contents and weigh again, or leave out --strict-weight",
            )
        else:
            earlier = conn.execute(
                select(packages_t.c.package_no, packages_t.c.tracking, packages_t.c.box).where(
                    packages_t.c.order_id == row.id
                )
            ).all()
            if any(p.tracking for p in earlier):
                raise Refused(
                    f"{row.ref}: an earlier packing of this order already has a tracking number",
                    hint="see `oms orders show`; nothing was changed",
                )
            if earlier:
                # The order was packed before, then held and picked again: this packing replaces that one.
                conn.execute(delete(packages_t).where(packages_t.c.order_id == row.id))
                give_back(conn, [p.box for p in earlier], row.id, now, command=COMMAND)
                record_event(
                    conn,
                    row.id,
                    command=COMMAND,
                    kind="note",
                    note=f"packed again: {len(earlier)} package(s) of an earlier packing replaced",
                )
            serials = take_numbers(conn, counters.SSCC, len(plan.packages))
            per_package = len(checks) == len(plan.packages)
            written: list[dict[str, Any]] = []
            # carriers bill on what the scale says when it has been weighed
            gross = [
                checks[no].measured_g if per_package and checks[no].measured_g is not None else pkg.weight_g
                for no, pkg in enumerate(plan.packages)
            ]
            service = _choose_service(choose_service, conn, config, row, plan.packages, gross, now)
            for no, (pkg, serial) in enumerate(zip(plan.packages, serials), start=1):
                measured = checks[no - 1].measured_g if per_package else None
                outer = (pkg.box.outer_length, pkg.box.outer_width, pkg.box.outer_height)
                billable = billable_weight_g(outer, gross[no - 1], cat.dim_rule)
                values = {
                    "order_id": row.id,
                    "package_no": no,
                    "box": pkg.box.ref,
                    "length_mm": outer[0],
                    "width_mm": outer[1],
                    "height_mm": outer[2],
                    "weight_g": pkg.weight_g,
                    "measured_weight_g": measured,
                    "billable_weight_g": billable,
                    "fill_pct": pkg.fill_pct,
                    "materials": [m.to_json() for m in pkg.materials],
                    "placements": pkg.placements,
                    "sscc": shop_sscc(config.section("shop"), serial),
                    "packed_at": now,
                    "carrier": cat.carrier,
                }
                if service.quote is not None:
                    values["carrier"] = service.quote.carrier
                    values["service"] = service.quote.service
                    if service.quote.currency == row.currency:
                        values["cost_minor"] = service.quote.prices[no - 1]
                conn.execute(insert(packages_t).values(**values))
                written.append({k: v for k, v in values.items() if k not in ("order_id", "packed_at")})
            left = use(conn, base, [pkg.box.ref for pkg in plan.packages], row.id, now, command=COMMAND)
            for check in flagged:
                record_event(
                    conn, row.id, command=COMMAND, kind="note", note="weight flagged: " + check.describe(), at=now
                )
            how = (
                "verified without scanning (--all: the pick was trusted)"
                if trust_pick
                else f"{counts['ok']} units verified by scan"
            )
            if service.rated and service.quote is None:
                record_event(
                    conn, row.id, command=COMMAND, kind="note", note="no carrier service keeps the promise", at=now
                )
            transition(
                conn,
                row.id,
                row.ref,
                Status.PICKED,
                Status.PACKED,
                command=COMMAND,
                at=now,
                note=f"{how}; {len(written)} package{'s' if len(written) != 1 else ''}{service.note}",
            )
            return VerifyOutcome(
                row.ref,
                Status.PACKED,
                changed=True,
                packages=written,
                weights=checks,
                scans=counts,
                trusted=trust_pick,
                boxes_left=left,
                service=service.to_json(),
                rated=service.rated,
            )
    # the scans are committed; now say why the order was not packed
    assert refusal is not None
    raise refusal


# ---------------------------------------------------------------- planning without orders


@dataclass
class FilePlan:
    """`oms boxes pack`: each order of the items file with its packing, and the boxes used."""

    orders: list[tuple[str | None, PackResult]]
    boxes: list[Box]

    def to_json(self) -> list[dict[str, Any]]:
        """One ``{"order", "packages", "unpacked"}`` object per order, in file order."""
        return [{"order": order, **result.to_json()} for order, result in self.orders]

    @property
    def unpacked(self) -> int:
        """Units that fit no box, over all orders."""
        return sum(len(result.unpacked) for _, result in self.orders)


def plan_file(
    config: Config,
    items_path: str,
    *,
    boxes_path: str | None = None,
    carrier: str | None = None,
    objective: str | None = None,
) -> FilePlan:
    """Pack the items of a CSV file (each order on its own) into the config's boxes or another catalogue."""
    packing = config.section("packing")
    orders: list[PlanningOrder] = read_items(read_input_text(items_path).splitlines(keepends=True), items_path)
    # another catalogue replaces the config's boxes, which then need not even be valid
    boxes = (
        read_boxes(read_input_text(boxes_path).splitlines(keepends=True), boxes_path)
        if boxes_path is not None
        else catalogue(config).boxes
    )
    rule = dim_rule_from_config(carrier if carrier is not None else packing.get("carrier"), packing.get("dim_weight"))
    goal = objective or packing.get("objective", "billable_weight")
    if goal not in ("billable_weight", "cost"):
        raise UsageError(f"objective must be billable_weight or cost, not {goal!r}")
    results = [(o.order, choose_boxes(o.items, boxes, objective=cast(Objective, goal), dim_rule=rule)) for o in orders]
    return FilePlan(results, boxes)


def box_list(store: Store, config: Config) -> list[dict[str, Any]]:
    """The standard boxes of the config, smallest first, with how many are on hand
    (None: not counted) and whether that is low (``packing.box_low_stock``)."""
    low = low_threshold(config)
    cat = catalogue(config)
    with store.connect(write=False) as conn:
        stock = on_hand(conn, cat.boxes)
    return [
        {
            "box": b.ref,
            "inner": [b.inner_length, b.inner_width, b.inner_height],
            "outer": [b.outer_length, b.outer_width, b.outer_height],
            "empty_weight_g": b.empty_weight_g,
            "max_weight_g": b.max_weight_g,
            "cost": b.cost,
            "stock": stock[b.ref],
            "low": (on := stock[b.ref]) is not None and on <= low,
        }
        for b in sorted(cat.boxes, key=lambda b: (b.inner_volume, b.ref))
    ]
