"""Decide exactly whether a few units fit one box, with a constraint model (OR-Tools CP-SAT).

The heuristics in :mod:`oms_cli.packing.box_filling` and the guillotine search in
:mod:`oms_cli.packing.exact_fit` can miss a tight fit, so they never prove that
a box is too small. For up to :data:`MAX_UNITS` units this module builds the
whole question as a constraint model: each unit takes one of its allowed
orientations and a corner position inside the box, and every pair of units is
apart along at least one axis. The solver either finds a layout (any layout,
not only ones straight cuts can make), proves that none exists, or runs out of
its work limit, and the answer says which.

The work limit is CP-SAT's *deterministic* time on one worker, so the same
order gets the same answer on a busy machine as on an idle one (the plan shown
by ``oms pack`` is the plan ``oms pack verify`` records); a wall-clock cap
several times larger only guards against a pathological case.

OR-Tools is imported on first use. Without it :func:`fit_units` answers
``UNKNOWN`` and the engine keeps its heuristic choice, unproven.

Pure module: integers in, integers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from oms_cli.packing.box_filling import Kind, Unit

#: Orders with more units than this are left to the heuristics.
MAX_UNITS = 12

Answer = Literal["fits", "does_not_fit", "unknown"]
FITS: Answer = "fits"
DOES_NOT_FIT: Answer = "does_not_fit"
UNKNOWN: Answer = "unknown"


@dataclass(frozen=True)
class Fit:
    """The solver's answer for one box: a layout when it fits."""

    answer: Answer
    units: list[Unit] | None = None
    work: float = 0.0  # deterministic time the solver spent


def solver_available() -> bool:
    """Whether OR-Tools can be imported here."""
    try:
        from ortools.sat.python import cp_model  # noqa: F401
    except ImportError:
        return False
    return True


def _cannot_fit(allowed: Sequence[Sequence[tuple[int, int, int]]], size: tuple[int, int, int]) -> bool:
    """Two quick proofs that the units cannot all go in (the solver would find the same, more slowly).

    * two units too big to lie side by side along any axis, however they are turned;
    * along each axis, the units wider than half the box across it in every way they can be
      turned must all lie one after another along it, so their extents must add up to no more
      than the box's (a stack of A4 sheets in a box a little bigger than A4).
    """
    least = [[min(o[axis] for o in options) for axis in range(3)] for options in allowed]
    for i in range(len(least)):
        for j in range(i + 1, len(least)):
            if all(least[i][axis] + least[j][axis] > size[axis] for axis in range(3)):
                return True
    for axis in range(3):
        across = [a for a in range(3) if a != axis]
        in_line = 0
        for n, options in enumerate(allowed):
            if all(all(2 * o[a] > size[a] for a in across) for o in options):
                in_line += least[n][axis]
        if in_line > size[axis]:
            return True
    return False


def fit_units(
    kinds: Sequence[Kind],
    counts: Sequence[int],
    size: tuple[int, int, int],
    work_limit: float = 1.0,
) -> Fit:
    """Whether all ``counts`` units of ``kinds`` fit in a box of inner ``size`` (weight is not checked here).

    ``work_limit`` is CP-SAT's deterministic time (roughly seconds on a
    quiet machine). More than :data:`MAX_UNITS` units give ``UNKNOWN``.
    """
    units = [k for k, c in enumerate(counts) for _ in range(c)]
    if not units:
        return Fit(FITS, [])
    if len(units) > MAX_UNITS:
        return Fit(UNKNOWN)
    big_l, big_w, big_h = size
    allowed: list[list[tuple[int, int, int]]] = []
    for k in units:
        fitting = [o for o in kinds[k].orientations if o[0] <= big_l and o[1] <= big_w and o[2] <= big_h]
        if not fitting:
            return Fit(DOES_NOT_FIT)
        allowed.append(fitting)
    if sum(kinds[k].volume for k in units) > big_l * big_w * big_h:
        return Fit(DOES_NOT_FIT)
    if _cannot_fit(allowed, size):
        return Fit(DOES_NOT_FIT)
    if work_limit <= 0:
        return Fit(UNKNOWN)
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        return Fit(UNKNOWN)

    model = cp_model.CpModel()
    picks: list[list[cp_model.IntVar]] = []
    starts: list[list[cp_model.IntVar]] = []
    extents: list[list[cp_model.LinearExpr]] = []
    for i, options in enumerate(allowed):
        chosen = [model.new_bool_var(f"o{i}_{n}") for n in range(len(options))]
        model.add_exactly_one(chosen)
        picks.append(chosen)
        corner: list[cp_model.IntVar] = []
        sizes: list[cp_model.LinearExpr] = []
        for axis, limit in enumerate(size):
            extent = cp_model.LinearExpr.weighted_sum(chosen, [o[axis] for o in options])
            start = model.new_int_var(0, limit - min(o[axis] for o in options), f"p{i}_{axis}")
            model.add(start + extent <= limit)
            corner.append(start)
            sizes.append(extent)
        starts.append(corner)
        extents.append(sizes)
    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            apart = []
            for axis in range(3):
                # can the two units be side by side along this axis at all?
                if min(o[axis] for o in allowed[i]) + min(o[axis] for o in allowed[j]) > size[axis]:
                    continue
                before = model.new_bool_var(f"b{i}_{j}_{axis}")
                after = model.new_bool_var(f"a{i}_{j}_{axis}")
                model.add(starts[i][axis] + extents[i][axis] <= starts[j][axis]).only_enforce_if(before)
                model.add(starts[j][axis] + extents[j][axis] <= starts[i][axis]).only_enforce_if(after)
                apart += [before, after]
            if not apart:
                return Fit(DOES_NOT_FIT)
            model.add_bool_or(apart)
            # identical units can be numbered in the order they lie along the length
            if units[i] == units[j] and j == i + 1:
                model.add(starts[i][0] <= starts[j][0])
    # the box's mirror images are the same problem: the first (largest) unit lies in the lower half along each axis
    largest = max(range(len(units)), key=lambda i: kinds[units[i]].volume)
    for axis in range(3):
        model.add(2 * starts[largest][axis] + extents[largest][axis] <= size[axis])

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    # Ctrl-C belongs to the command (pack verify keeps its scans), not to the solver
    solver.parameters.catch_sigint_signal = False
    solver.parameters.max_deterministic_time = work_limit
    solver.parameters.max_time_in_seconds = max(10.0, 20 * work_limit)
    solver.parameters.random_seed = 17
    status = solver.solve(model)
    work = solver.deterministic_time
    if status == cp_model.INFEASIBLE:
        return Fit(DOES_NOT_FIT, work=work)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Fit(UNKNOWN, work=work)
    layout: list[Unit] = []
    for i, k in enumerate(units):
        n = next(n for n, b in enumerate(picks[i]) if solver.boolean_value(b))
        o = allowed[i][n]
        x, y, z = (solver.value(v) for v in starts[i])
        layout.append((k, x, y, z, o[0], o[1], o[2]))
    return Fit(FITS, layout, work)
