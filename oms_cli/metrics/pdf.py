"""The printable fulfilment report: headline figures, three charts, then every table.

Charts are drawn with reportlab's own chart module from the report's numbers; each
chart function returns the drawing together with the data it fed the chart (read
back from the chart object), so tests can hold the PDF to the JSON. Built with
``invariant=1``: the same report gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from oms_cli.metrics.tabular import LABELS, SECTIONS, by_section, display, figure_rows

#: series colours: calm blue and orange, readable in grey print too
_BLUE = "#2b6cb0"
_ORANGE = "#dd8a2e"
_GREY = "#888888"


@dataclass
class ChartData:
    """What one chart shows: its category labels and each named series of values."""

    title: str
    categories: list[str]
    series: dict[str, list[float | None]] = field(default_factory=dict)


@dataclass
class PdfReport:
    """The PDF's bytes and the data behind each of its charts."""

    data: bytes
    charts: dict[str, ChartData]


def _fonts() -> tuple[str, str]:
    try:
        from oms_cli.documents.fonts import register_fonts
    except ImportError:  # documents not installed: reportlab's built-in fonts do for Latin text
        return "Helvetica", "Helvetica-Bold"
    return register_fonts()


def _read_back(title: str, chart: Any, names: list[str]) -> ChartData:
    """The categories and values as the chart object holds them."""
    categories = [str(c) for c in chart.categoryAxis.categoryNames]
    return ChartData(title, categories, {name: list(values) for name, values in zip(names, chart.data)})


def _legend(drawing: Any, x: float, y: float, entries: list[tuple[str, str]], font: str) -> None:
    from reportlab.graphics.charts.legends import Legend
    from reportlab.lib import colors

    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 7
    legend.alignment = "right"
    legend.columnMaximum = 1  # one entry per column: the legend reads as one line
    legend.dx = legend.dy = 7
    legend.deltax = 75
    legend.colorNamePairs = [(colors.HexColor(c), name) for c, name in entries]
    drawing.add(legend)


def time_per_step_chart(report: dict[str, Any], font: str) -> tuple[Any, ChartData]:
    """Bars of the median and 90th-percentile hours of each step."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    steps = report["steps"]
    median = [None if s["median_s"] is None else s["median_s"] / 3600 for s in steps]
    p90 = [None if s["p90_s"] is None else s["p90_s"] / 3600 for s in steps]
    d = Drawing(480, 170)
    d.add(String(0, 160, "Time in each step (hours)", fontName=font, fontSize=10))
    bc = VerticalBarChart()
    bc.x, bc.y, bc.width, bc.height = 40, 20, 420, 125
    bc.data = [median, p90]
    bc.categoryAxis.categoryNames = [s["step"] + (" *" if s["low_sample"] else "") for s in steps]
    bc.categoryAxis.labels.fontName = bc.valueAxis.labels.fontName = font
    bc.categoryAxis.labels.fontSize = bc.valueAxis.labels.fontSize = 8
    bc.valueAxis.valueMin = 0
    bc.bars[0].fillColor = colors.HexColor(_BLUE)
    bc.bars[1].fillColor = colors.HexColor(_ORANGE)
    bc.barSpacing = 2
    bc.groupSpacing = 12
    d.add(bc)
    _legend(d, 300, 163, [(_BLUE, "median"), (_ORANGE, "90th percentile")], font)
    return d, _read_back("Time in each step (hours)", bc, ["median_h", "p90_h"])


def on_time_chart(report: dict[str, Any], font: str) -> tuple[Any, ChartData]:
    """A line of the on-time ship rate (%) per bucket of the series."""
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    points = report["series"]
    rate = [None if p["on_time_rate"] is None else p["on_time_rate"] * 100 for p in points]
    d = Drawing(480, 185)
    d.add(String(0, 175, f"On-time ship rate by {report['period']['by']} (%)", fontName=font, fontSize=10))
    lc = HorizontalLineChart()
    lc.x, lc.y, lc.width, lc.height = 40, 45, 420, 115
    # A line chart needs at least one category; an empty period gets one empty slot.
    lc.data = [rate] if rate else [[None]]
    lc.categoryAxis.categoryNames = [p["period"] + (" *" if p["low_sample"] else "") for p in points] or [""]
    lc.categoryAxis.labels.fontName = lc.valueAxis.labels.fontName = font
    lc.categoryAxis.labels.fontSize = lc.valueAxis.labels.fontSize = 7
    if len(points) > 12:
        lc.categoryAxis.labels.angle = 90
        lc.categoryAxis.labels.boxAnchor = "e"
    lc.valueAxis.valueMin, lc.valueAxis.valueMax, lc.valueAxis.valueStep = 0, 100, 20
    lc.lines[0].strokeColor = colors.HexColor(_BLUE)
    lc.lines[0].strokeWidth = 1.5
    lc.lines[0].symbol = makeMarker("FilledCircle", size=3)
    lc.lines[0].symbol.fillColor = colors.HexColor(_BLUE)
    # reportlab needs two points for a line; one point (or none) is shown as a dot.
    lc.joinedLines = 1 if sum(v is not None for v in rate) >= 2 else 0
    d.add(lc)
    data = _read_back(d.contents[0].text, lc, ["on_time_pct"])
    if not rate:
        data.categories, data.series["on_time_pct"] = [], []
    return d, data


def volume_chart(report: dict[str, Any], font: str) -> tuple[Any, ChartData]:
    """Bars of the orders placed and shipped in the period per channel."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    channels = report["volume"]["by_channel"]
    d = Drawing(480, 170)
    d.add(String(0, 160, "Orders by channel", fontName=font, fontSize=10))
    bc = VerticalBarChart()
    bc.x, bc.y, bc.width, bc.height = 40, 20, 420, 125
    bc.data = [[c["placed"] for c in channels] or [0], [c["shipped"] for c in channels] or [0]]
    bc.categoryAxis.categoryNames = [c["channel"] for c in channels] or [""]
    bc.categoryAxis.labels.fontName = bc.valueAxis.labels.fontName = font
    bc.categoryAxis.labels.fontSize = bc.valueAxis.labels.fontSize = 8
    bc.valueAxis.valueMin = 0
    bc.bars[0].fillColor = colors.HexColor(_BLUE)
    bc.bars[1].fillColor = colors.HexColor(_ORANGE)
    bc.barSpacing = 2
    bc.groupSpacing = 12
    d.add(bc)
    _legend(d, 300, 163, [(_BLUE, "placed"), (_ORANGE, "shipped")], font)
    data = _read_back("Orders by channel", bc, ["placed", "shipped"])
    if not channels:
        data.categories, data.series = [], {"placed": [], "shipped": []}
    return d, data


def _headline(report: dict[str, Any]) -> list[tuple[str, str]]:
    p, v = report["promises"]["all"], report["volume"]["all"]
    star = lambda low: " *" if low else ""  # noqa: E731
    return [
        ("orders placed", display(v["placed"], "orders")),
        ("orders shipped", display(v["shipped"], "orders")),
        ("on-time ship rate", display(p["on_time_rate"], "ratio") + star(p["low_sample"])),
        ("overdue now", display(p["overdue_now"], "orders")),
        (
            "bottleneck (in house)",
            str(report["bottleneck"]["in_house_step"] or "-") + star(report["bottleneck"]["low_sample"]),
        ),
        ("packing accuracy", display(report["packing"]["accuracy"], "ratio") + star(report["packing"]["low_sample"])),
        ("returns rate", display(report["returns"]["rate"], "ratio") + star(report["returns"]["low_sample"])),
        ("average rating", display(report["feedback"]["average"], "rating") + star(report["feedback"]["low_sample"])),
    ]


def render_pdf(report: dict[str, Any]) -> PdfReport:
    """The report as a printable A4 PDF with charts, and the data behind each chart."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    title = ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, spaceAfter=4)
    sub = ParagraphStyle("sub", fontName=regular, fontSize=9, leading=12, textColor=colors.HexColor("#444444"))
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3, keepWithNext=1)
    note = ParagraphStyle("note", fontName=regular, fontSize=7.5, leading=10, textColor=colors.HexColor(_GREY))

    period = report["period"]
    since = (period["since"] or "the first order")[:16].replace("T", " ")
    until = period["until"][:16].replace("T", " ")
    scope = f" · channel {period['channel']}" if period["channel"] else ""

    story: list[Any] = [
        Paragraph("Fulfilment report", title),
        Paragraph(
            f"{since} to {until} UTC{scope} · series by {period['by']} ({period['timezone']}) · made {period['generated_at'][:16].replace('T', ' ')} UTC",
            sub,
        ),
        Spacer(1, 4 * mm),
    ]
    head = _headline(report)
    headline = [
        [
            Paragraph(
                f"<font size=7 color='{_GREY}'>{label}</font><br/><font size=14>{value}</font>",
                ParagraphStyle("k", fontName=regular, leading=17),
            )
            for label, value in head[i : i + 4]
        ]
        for i in (0, 4)
    ]
    story.append(
        Table(
            headline,
            colWidths=[44 * mm] * 4,
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]),
        )
    )

    charts: dict[str, ChartData] = {}
    for name, make in (
        ("time_per_step", time_per_step_chart),
        ("on_time_rate", on_time_chart),
        ("volume_by_channel", volume_chart),
    ):
        drawing, chart = make(report, regular)
        charts[name] = chart
        story += [Spacer(1, 3 * mm), drawing]

    grouped = by_section(figure_rows(report))
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), regular),
            ("FONTNAME", (0, 0), (-1, 0), bold),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
    )
    for section in SECTIONS:
        rows = grouped.get(section.key)
        if not rows:
            continue
        items = list(dict.fromkeys(r.item for r in rows))
        mark = lambda r: display(r.value, r.unit) + (" *" if r.low_sample else "")  # noqa: E731
        if items == ["all"]:
            cells: list[list[str]] = [["figure", "value"]] + [[LABELS[r.figure], mark(r)] for r in rows]
        else:
            cells = [[section.item_label] + [LABELS[f] for f in section.figures]]
            for item in items:
                by_fig = {r.figure: mark(r) for r in rows if r.item == item}
                cells.append([item] + [by_fig[f] for f in section.figures])
        table = Table(cells, repeatRows=1, hAlign="LEFT", style=grid)
        # Short tables stay whole on a page; a long one (late orders) may run on.
        if len(cells) < 30:
            story.append(KeepTogether([Paragraph(section.title, h2), table]))
        else:
            story += [Paragraph(section.title, h2), table]
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            f"* based on fewer than {report['min_orders']} orders (report.min_orders): read with care. "
            "Every figure is defined in docs/report.md.",
            note,
        ),
    ]

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        invariant=1,
        title="Fulfilment report",
        author="oms",
        creator="oms report",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    doc.build(story)
    return PdfReport(buf.getvalue(), charts)
