"""Load the BoxPacker conformance data (see tests/data/boxpacker/README.md) as engine inputs.

Reads ../shared/conformance/boxpacker (beside the checkout) when it exists, else the copy in
tests/data/boxpacker. Also used by bench/pack_bench.py.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from oms_cli.packing.engine import Box, Item

SHARED = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "boxpacker"
LOCAL = Path(__file__).resolve().parents[1] / "data" / "boxpacker"
DATA = SHARED if (SHARED / "order_items.csv").exists() else LOCAL


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _box(row: dict[str, str]) -> Box:
    return Box(
        ref=row["box_ref"],
        inner_length=int(row["inner_length_mm"]),
        inner_width=int(row["inner_width_mm"]),
        inner_height=int(row["inner_depth_mm"]),
        outer_length=int(row["outer_length_mm"]),
        outer_width=int(row["outer_width_mm"]),
        outer_height=int(row["outer_depth_mm"]),
        empty_weight_g=int(row["empty_weight_g"]),
        max_weight_g=int(row["max_weight_g"]),
    )


@dataclass(frozen=True)
class Scenario:
    """One behaviour scenario: its mode, boxes, items and expected counts."""

    scenario_id: int
    title: str
    mode: str
    boxes: list[Box]
    items: list[Item]
    expected: list[tuple[str, str, int]]


def scenarios() -> list[Scenario]:
    """The 22 behaviour scenarios."""
    boxes: dict[int, list[Box]] = defaultdict(list)
    for row in _rows("scenario_boxes.csv"):
        boxes[int(row["scenario_id"])].append(_box(row))
    items: dict[int, list[Item]] = defaultdict(list)
    for row in _rows("scenario_items.csv"):
        items[int(row["scenario_id"])].append(
            Item(
                ref=row["item_ref"],
                length=int(row["length_mm"]),
                width=int(row["width_mm"]),
                height=int(row["depth_mm"]),
                weight_g=int(row["weight_g"]),
                keep_flat=row["keep_flat"] == "1",
                quantity=int(row["qty"]),
            )
        )
    expected: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for row in _rows("scenario_expected.csv"):
        expected[int(row["scenario_id"])].append((row["assertion"], row["ref"], int(row["expected_count"])))
    return [
        Scenario(
            int(r["scenario_id"]),
            r["title"],
            r["mode"],
            boxes[int(r["scenario_id"])],
            items[int(r["scenario_id"])],
            expected[int(r["scenario_id"])],
        )
        for r in _rows("scenarios.csv")
    ]


def order_boxes() -> list[Box]:
    """The box catalogue shared by every reference order."""
    return [_box(row) for row in _rows("boxes.csv")]


@dataclass(frozen=True)
class Order:
    """One reference order: its lines and BoxPacker's box counts in both modes."""

    order_id: str
    lines: list[tuple[str, int, int, int, int, int]]  # item_id, qty, length, width, height, weight
    keepflat_boxes: int
    bestfit_boxes: int

    def items(self, keep_flat: bool) -> list[Item]:
        """The order's items, all kept flat or all free to turn."""
        return [
            Item(ref=ref, length=length, width=width, height=height, weight_g=weight, keep_flat=keep_flat, quantity=qty)
            for ref, qty, length, width, height, weight in self.lines
        ]


def orders() -> list[Order]:
    """The 4,288 reference orders, in file order."""
    lines: dict[str, list[tuple[str, int, int, int, int, int]]] = defaultdict(list)
    for row in _rows("order_items.csv"):
        lines[row["order_id"]].append(
            (
                row["item_id"],
                int(row["qty"]),
                int(row["length_mm"]),
                int(row["width_mm"]),
                int(row["depth_mm"]),
                int(row["weight_g"]),
            )
        )
    return [
        Order(r["order_id"], lines[r["order_id"]], int(r["keepflat_boxes"]), int(r["bestfit_boxes"]))
        for r in _rows("order_expected.csv")
    ]


@dataclass(frozen=True)
class ContainerProblem:
    """One OR-Library container-loading problem and BoxPacker's utilisation on it."""

    suite: str
    problem: int
    container: Box
    items: list[Item]
    reference_pct: float


def container_problems(
    suites: tuple[str, ...] = ("BR1", "BR2", "BR3", "BR4", "BR5", "BR6", "BR7"),
) -> list[ContainerProblem]:
    """The thpack problems of the given suites."""
    items: dict[tuple[str, int], list[Item]] = defaultdict(list)
    for row in _rows("thpack_item_types.csv"):
        if row["suite"] not in suites:
            continue
        items[(row["suite"], int(row["problem"]))].append(
            Item(
                ref=f"type {row['item_type']}",
                length=int(row["dim1"]),
                width=int(row["dim2"]),
                height=int(row["dim3"]),
                weight_g=0,
                quantity=int(row["qty"]),
                may_stand_on=(
                    row["dim1_may_be_vertical"] == "1",
                    row["dim2_may_be_vertical"] == "1",
                    row["dim3_may_be_vertical"] == "1",
                ),
            )
        )
    reference = {
        (r["suite"], int(r["problem"])): float(r["boxpacker_volume_utilisation_pct"])
        for r in _rows("thpack_expected.csv")
    }
    problems = []
    for row in _rows("thpack_containers.csv"):
        key = (row["suite"], int(row["problem"]))
        if row["suite"] not in suites:
            continue
        length, width, height = int(row["container_length"]), int(row["container_width"]), int(row["container_height"])
        container = Box(f"{key[0]}-{key[1]}", length, width, height, length, width, height, 0, 0)
        problems.append(ContainerProblem(key[0], key[1], container, items[key], reference[key]))
    return problems
