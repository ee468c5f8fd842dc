"""`oms import`: consolidate channel exports into the store."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from oms_cli.cli.context import state

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def register(app: typer.Typer) -> None:
    """Add the `import` command."""
    app.command("import")(import_orders)


def import_orders(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Export files; '-' reads standard input. Give Etsy's Sold Orders and Sold Order Items files together."
        ),
    ],
    channel: Annotated[
        str, typer.Option("--channel", "-c", help="auto|shopify|amazon|woocommerce|etsy|ebay|csv|jsonl")
    ] = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count, change nothing.")] = False,
) -> None:
    """Import orders from channel exports (safe to run again: no duplicates).

    Each file is one transaction: a bad record leaves the store as it was and names the
    file, line and column. Exit 6 when some files were rejected and others imported, 3
    when every file was rejected.

    Example: oms import ~/Downloads/orders_export.csv amazon-unshipped.txt
    """
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode, UsageError
    from oms_cli.importers import CHANNELS, ImportSettings
    from oms_cli.orders.importing import import_files

    if channel != "auto" and channel not in CHANNELS:
        raise UsageError(f"unknown channel '{channel}'", hint="one of: auto, " + ", ".join(CHANNELS))
    st = state()
    settings = ImportSettings.from_config(st.config.section("import"))
    bar: Progress | None = None
    if render.is_tty() and not st.quiet and not st.json and not render.no_color_env():
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

        # Refreshed as the import reports progress, not by a thread of its own: a large
        # file is read in a forked process, and forking beside a running thread is unsafe.
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=render.err(),
            transient=True,
            auto_refresh=False,
        )
        bar.start()
    progress = None if bar is None else _one_bar_per_file(bar)
    try:
        stdin = getattr(sys.stdin, "buffer", None)  # cron may run us with no standard input at all
        reports = import_files(st.store, files, channel, settings, dry_run=dry_run, stdin=stdin, progress=progress)
    finally:
        if bar is not None:
            bar.stop()
    failed = [r for r in reports if r.error]
    if st.json:
        render.emit_json({"dry_run": dry_run, "files": [r.as_dict() for r in reports]})
    else:
        for r in reports:
            if r.error:
                render.err().print(f"[red]rejected[/red] {render._escape(r.error)}")
            else:
                verb = "would import" if dry_run else "imported"
                render.info(
                    f"{r.file} ({r.channel}): {verb} {r.new} new, {r.updated} updated, {r.unchanged} unchanged, {r.skipped} skipped"
                )
    for r in reports:
        for ref in r.cancelled_after_release:
            render.warn(
                f"{ref} was cancelled at the channel after it was released here: stop it with `oms orders cancel {ref}`"
            )
        if r.without_sku:
            shown = ", ".join(r.without_sku[:5]) + (
                f" and {len(r.without_sku) - 5} more" if len(r.without_sku) > 5 else ""
            )
            render.warn(
                f"{r.file}: {len(r.without_sku)} order(s) with a line that has no SKU (a custom item): {shown}. "
                "`oms release` holds them (reason no_sku) until the line has one: give it a SKU at the channel and import again"
            )
        for ref in r.lines_changed_on_floor:
            render.warn(
                f"{ref}: its lines changed at the channel after it had been on the floor; kept as it was here (check it with `oms orders show {ref}`)"
            )
    if failed:
        # nothing imported at all is bad input; some files imported is a partial success
        raise typer.Exit(int(ExitCode.BAD_INPUT if len(failed) == len(reports) else ExitCode.PARTIAL))


def _one_bar_per_file(bar: Progress) -> Callable[[str, int, int], None]:
    """The import's progress callback: one bar per file, redrawn on each report."""
    tasks: dict[str, TaskID] = {}

    def progress(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=total or None)
        bar.update(tasks[name], completed=done)
        bar.refresh()

    return progress
