"""Benchmark the box-choosing engine against the BoxPacker reference data.

    python bench/pack_bench.py            # everything (about a minute)
    python bench/pack_bench.py --quick    # every 10th order / problem

Prints:
1. time to choose boxes for a typical order (up to 20 units): median and p95;
2. all 4,288 reference orders in keep-flat and free-rotation modes: run time,
   boxes used against BoxPacker's, validity of every packing, and a naive
   volume-sum chooser measured in the same run as a baseline;
3. the OR-Library container problems (BR1-BR7, and LN): mean volume
   utilisation when filling the one container, beside BoxPacker's;
4. generated hard orders (items cut guillotine-style from a standard box and
   trimmed to fill it to about 90%): the share solved to the best box, the
   share proved best, and time per order (median, p95), for the engine with
   its exact search against the heuristics alone, in the same run.

Not part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "packing"))

from conformance_data import DATA, Order, container_problems, order_boxes, orders  # noqa: E402
from hard_cases import DEFAULT_BOXES, hard_cases  # noqa: E402
from packcheck import packing_errors  # noqa: E402

from oms_cli.packing.dimweight import METRIC  # noqa: E402
from oms_cli.packing.engine import Box, Item, _objective_key, choose_boxes, fill_box  # noqa: E402

TYPICAL_UNITS = 20


def naive_box_count(items: list[Item], boxes: list[Box]) -> int:
    """Boxes a volume-sum chooser would use: fill the biggest box by volume and weight only, ignoring shapes."""
    biggest = max(boxes, key=lambda b: b.inner_volume)
    units = sorted(
        ((i.length * i.width * i.height, i.weight_g) for i in items for _ in range(i.quantity)), reverse=True
    )
    count = 0
    volume = weight = 0
    for v, w in units:
        if count == 0 or volume + v > biggest.inner_volume or weight + w > biggest.payload_g:
            count += 1
            volume = weight = 0
        volume += v
        weight += w
    return count


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def bench_typical(sample: list[Order], boxes: list[Box]) -> None:
    """Per-order time for orders of up to 20 units, both modes."""
    times: list[float] = []
    for order in sample:
        if sum(line[1] for line in order.lines) > TYPICAL_UNITS:
            continue
        for keep_flat in (True, False):
            items = order.items(keep_flat)
            started = time.perf_counter()
            choose_boxes(items, boxes)
            times.append(time.perf_counter() - started)
    print(f"1. Typical orders (up to {TYPICAL_UNITS} units): {len(times)} runs (orders x 2 modes)")
    print(
        f"   median {statistics.median(times) * 1000:.1f} ms, p95 {percentile(times, 0.95) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms   (target: under 50 ms)"
    )


def bench_orders(sample: list[Order], boxes: list[Box]) -> float:
    """Every reference order in both modes: time, box counts against BoxPacker, validity, naive baseline."""
    total = 0.0
    print(f"2. Reference orders: {len(sample)} orders, box catalogue of {len(boxes)}")
    for keep_flat in (True, False):
        mode = "keep-flat" if keep_flat else "free rotation"
        inputs = [order.items(keep_flat) for order in sample]
        started = time.perf_counter()
        for items in inputs:
            choose_boxes(items, boxes, exact_work=0)
        heuristic = time.perf_counter() - started
        started = time.perf_counter()
        results = [choose_boxes(items, boxes) for items in inputs]
        elapsed = time.perf_counter() - started
        total += elapsed
        reference = [o.keepflat_boxes if keep_flat else o.bestfit_boxes for o in sample]
        ours = [len(r.packages) for r in results]
        fewer = sum(1 for a, b in zip(ours, reference) if a < b)
        more = sum(1 for a, b in zip(ours, reference) if a > b)
        invalid = sum(1 for items, r in zip(inputs, results) if packing_errors(items, r) or r.unpacked)
        started = time.perf_counter()
        naive = [naive_box_count(items, boxes) for items in inputs]
        naive_elapsed = time.perf_counter() - started
        naive_below = sum(1 for n, b in zip(naive, reference) if n < b)
        print(
            f"   {mode}: {elapsed:.1f} s ({elapsed / len(sample) * 1000:.2f} ms/order); "
            f"heuristics alone {heuristic:.1f} s -> {elapsed / heuristic:.2f}x"
        )
        print(
            f"     boxes {sum(ours)} vs BoxPacker {sum(reference)}; fewer in {fewer}, same in "
            f"{len(sample) - fewer - more}, more in {more} ({100 * more / len(sample):.2f}% of orders)"
        )
        print(f"     packings invalid or incomplete: {invalid}")
        print(
            f"     baseline, volume-sum chooser ({naive_elapsed:.2f} s): {sum(naive)} boxes, below BoxPacker's "
            f"count in {naive_below} orders - possible only because it ignores shapes"
        )
    print(f"   both modes: {total:.1f} s   (target: under 60 s)")
    return total


def bench_containers(step: int) -> None:
    """Fill each OR-Library container as full as possible; compare utilisation with BoxPacker's."""
    problems = [
        p
        for p in container_problems(("BR1", "BR2", "BR3", "BR4", "BR5", "BR6", "BR7", "LN"))
        if p.problem % step == 0 or step == 1
    ]
    by_suite: dict[str, list[tuple[float, float]]] = defaultdict(list)
    invalid = 0
    started = time.perf_counter()
    for problem in problems:
        result = fill_box(problem.items, problem.container, dim_rule=None)
        if packing_errors(problem.items, result):
            invalid += 1
        filled = result.packages[0].fill_pct if result.packages else 0.0
        by_suite[problem.suite].append((filled, problem.reference_pct))
    elapsed = time.perf_counter() - started
    print(
        f"3. Container problems: {len(problems)} problems in {elapsed:.1f} s ({elapsed / len(problems) * 1000:.0f} ms each), invalid: {invalid}"
    )
    print("   suite  problems  ours %  BoxPacker %  ours >= BoxPacker")
    br_ours: list[float] = []
    br_ref: list[float] = []
    for suite, rows in by_suite.items():
        ours = [r[0] for r in rows]
        ref = [r[1] for r in rows]
        if suite.startswith("BR"):
            br_ours += ours
            br_ref += ref
        at_least = sum(1 for a, b in rows if a >= b)
        print(
            f"   {suite:5}  {len(rows):8}  {statistics.mean(ours):6.1f}  {statistics.mean(ref):11.1f}  {at_least:4}/{len(rows)}"
        )
    if br_ours:
        print(f"   BR1-BR7 mean: ours {statistics.mean(br_ours):.1f}%, BoxPacker {statistics.mean(br_ref):.1f}%")


def bench_hard(count: int, seed: int = 17) -> None:
    """Generated hard orders: how often each engine finds the best box, and how long it takes."""
    cases = hard_cases(seed, count)
    fill = statistics.mean(c.fill_pct for c in cases)
    print(
        f"4. Hard orders: {count} generated (seed {seed}), 3-12 units cut from a box of the default catalogue "
        f"({', '.join(b.ref for b in DEFAULT_BOXES)}), mean fill {fill:.1f}% of the source box"
    )
    runs = {}
    for name, work in (("heuristics alone (current engine)", 0.0), ("with the exact search", None)):
        times: list[float] = []
        results = []
        for case in cases:
            started = time.perf_counter()
            result = (
                choose_boxes(case.items, DEFAULT_BOXES)
                if work is None
                else choose_boxes(case.items, DEFAULT_BOXES, exact_work=work)
            )
            times.append(time.perf_counter() - started)
            results.append(result)
        runs[name] = (results, times)
    # the best box known: the source box, or a better one either engine packed (validly)
    best = []
    for n, case in enumerate(cases):
        weight = sum(i.weight_g for i in case.items)

        def key(b: Box, weight: int = weight) -> tuple:
            return _objective_key(b, weight, "billable_weight", METRIC)

        known = [case.source]
        for results, _ in runs.values():
            r = results[n]
            if len(r.packages) == 1 and not r.unpacked and not packing_errors(case.items, r):
                known.append(r.packages[0].box)
        best.append(min(key(b) for b in known))
    for name, (results, times) in runs.items():
        solved = proven = two = invalid = 0
        for n, (case, r) in enumerate(zip(cases, results)):
            if packing_errors(case.items, r) or r.unpacked:
                invalid += 1
                continue
            weight = sum(i.weight_g for i in case.items)
            if len(r.packages) == 1 and _objective_key(r.packages[0].box, weight, "billable_weight", METRIC) == best[n]:
                solved += 1
            proven += r.proven_best
            two += len(r.packages) > 1
        print(f"   {name}:")
        print(
            f"     best box {solved}/{count} ({100 * solved / count:.1f}%), proved best {proven} "
            f"({100 * proven / count:.1f}%), two or more boxes {two}, invalid {invalid}"
        )
        print(
            f"     time per order: median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {percentile(times, 0.95) * 1000:.1f} ms, max {max(times) * 1000:.0f} ms"
        )


def main() -> None:
    """Run the three benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every 10th order and problem only")
    parser.add_argument(
        "--hard", type=int, default=500, help="generated hard orders (default 500; a tenth with --quick)"
    )
    parser.add_argument("--only-hard", action="store_true", help="run only the hard orders (4.)")
    args = parser.parse_args()
    step = 10 if args.quick else 1
    if args.only_hard:
        bench_hard(args.hard // step)
        return
    print(f"Reference data: {DATA}")
    boxes = order_boxes()
    sample = orders()[::step]
    bench_typical(sample, boxes)
    bench_orders(sample, boxes)
    bench_containers(step)
    bench_hard(args.hard // step)


if __name__ == "__main__":
    main()
