"""`oms report`: the fulfilment report that shows where to improve."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from oms_cli.cli.context import state

if TYPE_CHECKING:
    from oms_cli.metrics.tabular import FigureRow


def register(app: typer.Typer) -> None:
    """Add the `report` command."""
    app.command("report")(report_cmd)


def report_cmd(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="From this time on (YYYY-MM-DD, ISO time, or 30d / 12h / 2w ago) [default: the first order].",
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to (not including) this time [default: now].")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Series buckets: day, week or month [default: from the period's length].")
    ] = None,
    channel: Annotated[str | None, typer.Option("--channel", "-c", help="Only orders of this channel.")] = None,
    csv_: Annotated[
        bool, typer.Option("--csv", help="Every figure as one CSV row on stdout, for spreadsheets.")
    ] = False,
    pdf: Annotated[
        str | None, typer.Option("--pdf", metavar="FILE", help="Also write a printable PDF with charts to FILE.")
    ] = None,
) -> None:
    """Measure fulfilment over a period and show where to improve.

    Volume, time in each step and the bottleneck, promises kept, picking, packing,
    packaging, shipping cost against charged, feedback, returns and notifications.
    Figures resting on fewer than report.min_orders orders are marked * (low_sample
    in JSON). Every figure is defined in docs/report.md.

    Example: oms report --since 2026-11-01 --until 2026-12-01 --by week --pdf november.pdf
    """
    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when
    from oms_cli.core.errors import UsageError
    from oms_cli.metrics.service import ReportRequest, build_report

    st = state()
    if st.json and csv_:
        raise UsageError("choose one of --json and --csv")
    request = ReportRequest(
        since=parse_when(since, "--since"), until=parse_when(until, "--until"), by=by, channel=channel
    )
    report = build_report(
        st.store,
        request,
        min_orders=int(st.config.get("report.min_orders", 5)),
        timezone_name=str(st.config.get("schedule.timezone", "UTC")),
        config=st.config,
    )
    if pdf:
        from pathlib import Path

        from oms_cli.metrics.pdf import render_pdf

        try:
            Path(pdf).write_bytes(render_pdf(report).data)
        except OSError as exc:
            raise UsageError(f"--pdf: cannot write {pdf}: {exc.strerror or exc}") from None
        render.info(f"wrote {pdf}")
    if st.json:
        render.emit_json(report)
    elif csv_:
        import sys

        from oms_cli.metrics.tabular import to_csv

        sys.stdout.write(to_csv(report))
    elif not pdf:
        _print_tables(report)


_BLOCKS = " ▏▎▍▌▋▊▉█"


def _bar(fraction: float, width: int = 10) -> str:
    """A small horizontal bar of ``width`` characters filled to ``fraction`` (eighths of a cell)."""
    eighths = max(0, min(width * 8, round(fraction * width * 8)))
    return ("█" * (eighths // 8) + (_BLOCKS[eighths % 8] if eighths % 8 else "")).ljust(width)


def _cell(row: FigureRow, scale: dict[str, float]) -> Any:
    from rich.text import Text

    from oms_cli.metrics.tabular import display

    text = Text(display(row.value, row.unit))
    if row.low_sample:
        text.append(" *", style="dim")
    # A count's bar is against the largest item, which the "all" row would dwarf.
    if row.figure in scale and isinstance(row.value, (int, float)) and not (row.item == "all" and row.unit != "ratio"):
        top = scale[row.figure]
        if top > 0:
            text.append(" " + _bar(row.value / top), style="cyan")
    return text


def _print_tables(report: dict[str, Any]) -> None:
    from rich.table import Table

    from oms_cli.cli import render
    from oms_cli.metrics.tabular import LABELS, SECTIONS, by_section, figure_rows

    con = render.out()
    p = report["period"]
    since = (p["since"] or "the first order")[:16].replace("T", " ")
    until = p["until"][:16].replace("T", " ")
    scope = f" · channel {p['channel']}" if p["channel"] else ""
    con.print(
        f"[bold]Fulfilment report[/bold] {since} to {until} UTC{scope} · by {p['by']} ({p['timezone']})",
        highlight=False,
    )
    grouped = by_section(figure_rows(report))
    for section in SECTIONS:
        rows = grouped.get(section.key)
        if not rows:
            continue
        # Bars compare items with each other: a share or rate against 100 %, a count
        # against the largest item (the "all" row would dwarf the rest).
        scale: dict[str, float] = {}
        for fig in section.bars:
            unit = next(r.unit for r in rows if r.figure == fig)
            values = [
                r.value for r in rows if r.figure == fig and r.item != "all" and isinstance(r.value, (int, float))
            ]
            scale[fig] = 1.0 if unit == "ratio" else float(max(values, default=0))
        items = list(dict.fromkeys(r.item for r in rows))
        table = Table(title=section.title, title_justify="left", title_style="bold", header_style="bold")
        if items == ["all"]:
            table.add_column("figure")
            table.add_column("value", justify="right")
            for r in rows:
                table.add_row(LABELS[r.figure], _cell(r, scale))
        else:
            table.add_column(section.item_label)
            for fig in section.figures:
                table.add_column(LABELS[fig], justify="right")
            for item in items:
                cells = {r.figure: _cell(r, scale) for r in rows if r.item == item}
                table.add_row(item, *[cells[f] for f in section.figures], style="bold" if item == "all" else None)
        con.print(table)
    con.print(f"[dim]* based on fewer than {report['min_orders']} orders (report.min_orders): read with care[/dim]")
