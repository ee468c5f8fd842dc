"""`oms release`: move imported orders to the floor, or on hold with a reason."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from oms_cli.cli.context import state
from oms_cli.orders.lifecycle import Status


def register(app: typer.Typer) -> None:
    """Add the `release` command."""
    app.command("release")(release_cmd)


def release_cmd(
    refs: Annotated[
        list[str] | None, typer.Argument(help="Orders to release (channel:external_id, or the external id).")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every new order and every order the gate held (not those a person held).")
    ] = False,
) -> None:
    """Release orders to the floor: reserve their stock and set a ship-by deadline, or hold them with a reason.

    An order is released when it is paid (or COD where allowed), its address has what the
    carrier needs, and every line's SKU is known, located and in stock; otherwise it goes
    on hold with a reason code (awaiting_payment, cod_not_allowed, incorrect_address,
    unknown_sku, no_sku, no_location, out_of_stock). Run it again (e.g. from cron) to pick up
    orders paid or restocked since. Holding is a normal outcome: the exit code is 0.

    Example: oms release --all
    """
    from oms_cli.core.errors import UsageError

    if all_ and refs:
        raise UsageError("give order references or --all, not both")
    if not all_ and not refs:
        raise UsageError("name the orders to release, or give --all", hint="oms release --all")
    release_refs(None if all_ else list(refs or []), command="release")


def release_refs(refs: list[str] | None, command: str = "release") -> None:
    """Run the release gate for the named orders (every candidate when None) and render the result."""
    import os

    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode, Refused
    from oms_cli.release.service import release_orders

    st = state()
    # Orders per write transaction: smaller chunks hold the store's write lock for less time.
    chunk = int(os.environ.get("OMS_RELEASE_CHUNK") or 500)
    report = release_orders(st.store, st.config, refs=refs, command=command, chunk=chunk)
    refused = [s for s in report.skipped if s["status"] != Status.READY]
    if st.json:
        render.emit_json(report.as_dict())
    else:
        _render(report, by_ref=refs is not None)
    if report.errors:
        raise typer.Exit(int(ExitCode.PARTIAL))
    if refused:
        if len(refused) == 1 and refs is not None and len(refs) == 1:
            s = refused[0]
            raise Refused(f"{s['ref']} is {s['why']}", hint="see `oms orders show " + s["ref"] + "`")
        raise typer.Exit(int(ExitCode.REFUSED))


def _render(report: Any, by_ref: bool) -> None:
    from oms_cli.cli import render

    if report.released:
        rows = []
        styles = []
        for r in report.released:
            notes = []
            if r["backorder"]:
                notes.append(f"rest on backorder {r['backorder']}")
            for t in r["thank_you"]:
                notes.append(f"thank-you '{t['rule']}'" + (f" (gift skipped: {t['skipped']})" if t["skipped"] else ""))
            pending = r["instruction"] == "pending"
            rows.append(
                ["!" if pending else "", r["ref"], r["service_level"], r["ship_by"], r["units"], "; ".join(notes)]
            )
            styles.append("bold" if pending else None)
        render.table(
            "released",
            ["!", "ref", "service", "ship by", "units", "notes"],
            rows,
            styles=styles,
            caption="! = special instruction to acknowledge before shipping (oms orders ack)"
            if any(s for s in styles)
            else None,
        )
    shown = [h for h in report.held if by_ref or h["changed"]]
    if shown:
        render.table(
            "on hold",
            ["!", "ref", "reason", "why"],
            [["!" if h["instruction"] == "pending" else "", h["ref"], h["reason"], h["detail"]] for h in shown],
            styles=["yellow"] * len(shown),
        )
    for s in report.skipped:
        if s["status"] == Status.READY:
            render.info(f"{s['ref']} is already released")
        elif not by_ref or len(report.skipped) > 1:
            render.warn(f"{s['ref']} is {s['why']}")
    for e in report.errors:
        render.err().print(f"[red]failed[/red] {render._escape(e['ref'])}: {render._escape(e['error'])}")
    still = sum(1 for h in report.held if not h["changed"])
    new_holds = len(report.held) - still
    parts = [f"released {len(report.released)}", f"held {new_holds}"]
    if still:
        parts.append(f"{still} still on hold for the same reason")
    if report.errors:
        parts.append(f"{len(report.errors)} failed")
    render.info(", ".join(parts))
