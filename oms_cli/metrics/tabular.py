"""The report as figure rows: one row per figure, the same rows behind the terminal
tables, the CSV file and the PDF's tables, so they show exactly what the JSON holds.

A row is (section, item, figure, value, unit, low_sample): ``item`` is what the figure
is about inside its section (``all``, a channel, a step, a picker, a bucket…).

Pure module: plain data in, plain data out; no database, no I/O.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from oms_cli.metrics.definitions import METRICS

Items = Callable[[dict[str, Any]], list[tuple[str, dict[str, Any]]]]


@dataclass(frozen=True)
class Section:
    """How one section of the report is laid out: its title, what its items are, its figures."""

    key: str
    title: str
    item_label: str
    items: Items
    figures: tuple[str, ...]
    #: figures drawn with a small bar beside the number on a terminal
    bars: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureRow:
    """One figure of the report."""

    section: str
    item: str
    figure: str
    value: Any
    unit: str
    low_sample: bool | None  # None: a plain count, never misleading


def _one(key: str) -> Items:
    return lambda r: [("all", r[key])]


def _all_and(key: str, group: str, name: str) -> Items:
    return lambda r: [("all", r[key]["all"])] + [(str(g[name]), g) for g in r[key][group]]


SECTIONS: tuple[Section, ...] = (
    Section(
        "volume",
        "Volume",
        "channel",
        _all_and("volume", "by_channel", "channel"),
        ("placed", "released", "shipped", "delivered", "cancelled"),
        bars=("placed",),
    ),
    Section(
        "steps",
        "Time in each step",
        "step",
        lambda r: [(s["step"], s) for s in r["steps"]],
        ("orders", "median_s", "p90_s", "share"),
        bars=("share",),
    ),
    Section("bottleneck", "Bottleneck", "", _one("bottleneck"), ("step", "in_house_step")),
    Section(
        "promises",
        "Promises kept",
        "service level",
        _all_and("promises", "by_service_level", "service_level"),
        ("shipped", "with_promise", "on_time", "on_time_rate", "overdue_now"),
        bars=("on_time_rate",),
    ),
    Section(
        "late",
        "Late expedited and next-day orders",
        "order",
        lambda r: [(o["ref"], o) for o in r["late"]],
        ("service_level", "ship_by", "shipped_at", "late_s"),
    ),
    Section(
        "picking",
        "Picking (all channels)",
        "picker",
        _all_and("picking", "by_picker", "picker"),
        (
            "lists",
            "orders",
            "lines",
            "units",
            "picker_hours",
            "lines_per_picker_hour",
            "units_per_picker_hour",
            "distance_per_line_m",
            "short_lines",
            "short_rate",
        ),
    ),
    Section(
        "packing",
        "Packing accuracy",
        "",
        _one("packing"),
        (
            "orders",
            "items_verified",
            "wrong",
            "extra",
            "unknown",
            "mismatches_per_1000",
            "wrong_item_returns",
            "accuracy",
        ),
    ),
    Section(
        "boxes",
        "Box usage",
        "box",
        lambda r: [("all", r["packaging"]["all"])] + [(b["box"], b) for b in r["packaging"]["boxes"]],
        ("packages", "share", "mean_fill_pct"),
        bars=("share",),
    ),
    Section(
        "weight",
        "Billable against actual weight",
        "",
        lambda r: [("all", r["packaging"]["weight"])],
        ("orders", "packages", "actual_kg", "billable_kg", "dim_weighted", "extra_billable_kg", "extra_billable_share"),
    ),
    Section(
        "shipping_cost",
        "Shipping cost against shipping charged",
        "currency",
        lambda r: [(c["currency"], c) for c in r["shipping_cost"]],
        ("orders", "cost_per_order", "charged_per_order", "margin_per_order"),
    ),
    Section(
        "dim_weight_cost",
        "Money lost to dimensional weight",
        "currency",
        lambda r: [(c["currency"], c) for c in r.get("dim_weight_cost", [])],
        ("packages", "lost", "lost_per_package"),
    ),
    Section("feedback", "Feedback", "", _one("feedback"), ("responses", "average")),
    Section(
        "ratings",
        "Ratings",
        "stars",
        lambda r: [(str(x["stars"]), x) for x in r["ratings"]],
        ("responses", "share"),
        bars=("share",),
    ),
    Section("problems", "Problems", "", _one("problems"), ("open_now", "opened")),
    Section("returns", "Returns", "", _one("returns"), ("shipped", "returned", "rate")),
    Section(
        "return_reasons",
        "Return reasons",
        "reason",
        lambda r: [(x["reason"], x) for x in r["return_reasons"]],
        ("returns",),
        bars=("returns",),
    ),
    Section("notifications", "Notifications", "", _one("notifications"), ("sent", "failed", "queued")),
    Section(
        "series",
        "Over time",
        "period",
        lambda r: [(x["period"], x) for x in r["series"]],
        ("placed", "shipped", "with_promise", "on_time", "on_time_rate"),
        bars=("on_time_rate",),
    ),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}

#: column headings in the shop's words (the CSV keeps the figure names)
LABELS = {
    "placed": "placed",
    "released": "released",
    "shipped": "shipped",
    "delivered": "delivered",
    "cancelled": "cancelled",
    "orders": "orders",
    "median_s": "median",
    "p90_s": "90th pct",
    "share": "share",
    "step": "overall",
    "in_house_step": "in house",
    "with_promise": "with ship-by",
    "on_time": "on time",
    "on_time_rate": "on-time rate",
    "overdue_now": "overdue now",
    "service_level": "service",
    "ship_by": "ship by",
    "shipped_at": "shipped at",
    "late_s": "late by",
    "lists": "lists",
    "lines": "lines",
    "units": "units",
    "picker_hours": "picker-hours",
    "lines_per_picker_hour": "lines/h",
    "units_per_picker_hour": "units/h",
    "distance_per_line_m": "m/line",
    "short_lines": "short picks",
    "short_rate": "short rate",
    "items_verified": "items verified",
    "wrong": "wrong item scans",
    "extra": "extra item scans",
    "unknown": "unknown codes",
    "mismatches_per_1000": "mismatches per 1,000 items",
    "wrong_item_returns": "wrong-item returns",
    "accuracy": "accuracy",
    "packages": "packages",
    "mean_fill_pct": "mean fill",
    "actual_kg": "actual weight",
    "billable_kg": "billable weight",
    "dim_weighted": "billed on dim weight",
    "extra_billable_kg": "extra billed weight",
    "extra_billable_share": "extra billed share",
    "cost_per_order": "cost/order",
    "charged_per_order": "charged/order",
    "margin_per_order": "margin/order",
    "lost": "lost",
    "lost_per_package": "lost/package",
    "responses": "ratings",
    "average": "average",
    "open_now": "open now",
    "opened": "opened",
    "returned": "returned",
    "rate": "returns rate",
    "returns": "returns",
    "sent": "sent",
    "failed": "failed",
    "queued": "queued",
}


def figure_rows(report: dict[str, Any]) -> list[FigureRow]:
    """Every figure of the report, section by section, in display order."""
    rows = []
    for section in SECTIONS:
        for item, data in section.items(report):
            low = bool(data.get("low_sample", False))
            for figure in section.figures:
                m = METRICS[(section.key, figure)]
                rows.append(FigureRow(section.key, item, figure, data[figure], m.unit, low if m.sampled else None))
    return rows


CSV_HEADER = ("section", "item", "figure", "value", "unit", "low_sample")


def csv_value(value: Any) -> str:
    """A figure's value as a CSV cell: empty for none, numbers and text as they are in JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(report: dict[str, Any]) -> str:
    """The report as CSV text: a header, then one row per figure."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for r in figure_rows(report):
        w.writerow(
            [
                r.section,
                r.item,
                r.figure,
                csv_value(r.value),
                r.unit,
                "" if r.low_sample is None else csv_value(r.low_sample),
            ]
        )
    return buf.getvalue()


def duration(seconds: float) -> str:
    """A duration for people: ``45s``, ``12m 05s``, ``3h 05m``, ``2d 04h``."""
    s = int(round(seconds))
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{s}s"
    if s < 3600:
        return f"{sign}{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{sign}{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{sign}{s // 86400}d {s % 86400 // 3600:02d}h"


def display(value: Any, unit: str) -> str:
    """A figure's value as a person reads it in a table (``87.5%``, ``3h 05m``, ``1,204``)."""
    if value is None:
        return "-"
    if unit in ("orders", "count"):
        return f"{value:,}"
    if unit == "seconds":
        return duration(value)
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "pct":
        return f"{value:.1f}%"
    if unit == "per_hour":
        return f"{value:,.1f}/h"
    if unit == "per_1000":
        return f"{value:,.2f}"
    if unit == "m":
        return f"{value:,.1f} m"
    if unit == "kg":
        return f"{value:,.1f} kg"
    if unit == "hours":
        return f"{value:,.1f} h"
    if unit == "rating":
        return f"{value:.2f}"
    if unit == "time":
        # ISO 8601 UTC from the report: shown to the minute
        return str(value)[:16].replace("T", " ")
    return str(value)


def by_section(rows: Sequence[FigureRow]) -> dict[str, list[FigureRow]]:
    """Figure rows grouped by section, in display order."""
    out: dict[str, list[FigureRow]] = {}
    for r in rows:
        out.setdefault(r.section, []).append(r)
    return out


def definitions_markdown() -> str:
    """Every figure's definition as Markdown, section by section (the list in docs/report.md)."""
    lines: list[str] = []
    for section in SECTIONS:
        lines += ["", f"### {section.title}", ""]
        for figure in section.figures:
            m = METRICS[(section.key, figure)]
            doc = " ".join(m.doc.split()).replace("``", "`")
            lines.append(f"- `{section.key}.{figure}` ({m.unit}{', marked when few' if m.sampled else ''}): {doc}")
    return "\n".join(lines).strip() + "\n"
