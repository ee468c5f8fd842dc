"""`oms ship …`, `oms ship export …` and `oms deliver …`: tracking numbers, channel
confirmation files, deliveries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from oms_cli.cli.context import state
from oms_cli.cli.groups import ActionGroup
from oms_cli.orders.lifecycle import Status

ship_app = typer.Typer(
    cls=ActionGroup,
    invoke_without_command=True,
    no_args_is_help=False,
    help="Ship packed orders with their tracking numbers, and write the channels' shipping-confirmation files.",
)


def register(app: typer.Typer) -> None:
    """Add `ship` (with `ship export`) and `deliver`."""
    app.add_typer(ship_app, name="ship")
    app.command("deliver")(deliver_cmd)


@ship_app.callback()
def ship_cmd(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            help="The packed order: channel:external_id, or the external id when unambiguous.", show_default=False
        ),
    ] = None,
    carrier: Annotated[
        str | None,
        typer.Option(
            "--carrier",
            "-c",
            help="Carrier code: ups, usps, fedex, dhl, dpd, canada_post, … (others are accepted unchecked).",
        ),
    ] = None,
    tracking: Annotated[
        str | None,
        typer.Option(
            "--tracking",
            "-t",
            help="The package's tracking number (checked against the carrier's format and check digit).",
        ),
    ] = None,
    service: Annotated[
        str | None, typer.Option("--service", help="The carrier's service, e.g. Ground, Priority Mail.")
    ] = None,
    cost: Annotated[
        str | None, typer.Option("--cost", help="What the label cost, in the order's currency, e.g. 7.45.")
    ] = None,
    package: Annotated[
        int | None, typer.Option("--package", "-p", min=1, help="Which package of a multi-package order (1, 2, …).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Correct the tracking number of a package that already has one.")
    ] = False,
    from_csv: Annotated[
        Path | None,
        typer.Option(
            "--from-csv",
            help="Ship every row of a CSV: order, carrier, tracking[, package, service, cost].",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Ship a packed order: record the tracking number of one of its packages.

    Once every package has a number the order is shipped, its stock leaves and the
    customer's "on its way" message is queued (sent at once with notify.auto).

    Example: oms ship shopify:1001 --carrier ups --tracking 1Z5R89390357567127 --service Ground --cost 7.45
    """
    if ctx.invoked_subcommand is not None:
        return
    from oms_cli.core.errors import UsageError

    if from_csv is not None:
        if ref or tracking or package or replace:
            raise UsageError(
                "--from-csv ships the orders named in the file: give no REF, --tracking, --package or --replace with it"
            )
        _ship_file(from_csv)
        return
    if not ref:
        typer.echo(ctx.get_help(), err=True)
        raise UsageError("give the order REF with --carrier and --tracking, or --from-csv FILE")
    if not tracking:
        raise UsageError(f"no tracking number for {ref}", hint="add --tracking NUMBER")
    _ship_one(ref, carrier, tracking, service, cost, package, replace)


def _ship_one(
    ref: str,
    carrier: str | None,
    tracking: str,
    service: str | None,
    cost: str | None,
    package: int | None,
    replace: bool,
) -> None:
    from oms_cli.cli import render
    from oms_cli.cli.options import parse_money
    from oms_cli.shipping.service import Shipment, ship_order

    st = state()
    amount = parse_money(cost, "--cost") if cost is not None else None
    result = ship_order(st.store, st.config, Shipment(ref, carrier or "", tracking, service, amount, package, replace))
    for w in result["warnings"]:
        render.warn(w)
    if st.json:
        render.emit_json(result)
    else:
        where = f" package {result['package_no']} of {result['packages']}" if result["packages"] > 1 else ""
        link = f"  {result['tracking_url']}" if result["tracking_url"] else ""
        outcome = result["outcome"]
        if outcome == "unchanged":
            render.info(
                f"{result['ref']}{where} already shipped with {result['carrier_name']} {result['tracking']}: nothing to do"
            )
        elif outcome == "replaced":
            render.success(
                f"{result['ref']}{where}: tracking corrected to {result['carrier_name']} {result['tracking']}{link}"
            )
        elif outcome == "package shipped":
            waiting = ", ".join(str(n) for n in result.get("waiting_for_packages", []))
            render.success(
                f"{result['ref']}{where} shipped with {result['carrier_name']} {result['tracking']}"
                + (f"; waiting for package {waiting}" if waiting else "")
            )
        else:
            render.success(f"{result['ref']} shipped with {result['carrier_name']} {result['tracking']}{link}")
    _report_notified(result.get("notified"))


def _report_notified(notified: dict[str, Any] | None) -> None:
    from oms_cli.cli import render

    if notified is None:
        return
    if notified.get("error"):
        render.warn(f"customer message left queued: {notified['error']}")
    elif notified.get("sent"):
        render.info(f"customer notified ({notified['sent']} message{'s' if notified['sent'] != 1 else ''} sent)")


def _ship_file(path: Path) -> None:
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode
    from oms_cli.shipping.service import ship_from_file

    st = state()
    report = ship_from_file(st.store, st.config, path)
    for r in report["rows"]:
        if r.get("warning"):
            render.warn(f"{path}:{r['line']}: {r['warning']}")
    if st.json:
        render.emit_json(report)
    else:
        render.table(
            None,
            ["line", "order", "package", "carrier", "tracking", "result", "note"],
            [
                [
                    r["line"],
                    r.get("ref") or r["order"],
                    r.get("package_no"),
                    r["carrier"],
                    r["tracking"],
                    r["result"],
                    r.get("error"),
                ]
                for r in report["rows"]
            ],
            styles=["red" if r["result"] in ("refused", "not found") else None for r in report["rows"]],
        )
        summary = ", ".join(f"{n} {k}" for k, n in sorted(report["counts"].items()))
        render.info(f"{path}: {summary}")
    _report_notified(report.get("notified"))
    if report["failed"]:
        raise typer.Exit(int(ExitCode.PARTIAL))


@ship_app.command("export")
def export_cmd(
    channel: Annotated[str, typer.Option("--channel", "-c", help="amazon, shopify, woocommerce, etsy or ebay.")],
    since: Annotated[
        str | None,
        typer.Option("--since", help="Packages shipped on or after (YYYY-MM-DD, ISO time, or 1d/12h) [default: all]."),
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Packages shipped before this time.")] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="File to write; '-' for stdout.")] = "-",
) -> None:
    """Write a channel's shipping-confirmation upload file for what shipped in a period.

    Amazon's tab-separated flat file, Shopify's fulfilment CSV, WooCommerce, Etsy or
    eBay: one row per shipped package (or line), ready for a cron job to upload.

    Example: oms ship export --channel amazon --since 1d --out amazon-confirm.txt
    """
    import sys

    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when
    from oms_cli.shipping.service import export_confirmations

    st = state()
    result = export_confirmations(
        st.store, st.config, channel, since=parse_when(since, "--since"), until=parse_when(until, "--until")
    )
    text = result.pop("text")
    if out == "-":
        if st.json:
            render.emit_json(result | {"text": text})
            return
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        # The writers already end lines with CRLF, as the channels expect: no translation.
        with open(out, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        if st.json:
            render.emit_json(result | {"out": out})
    if not st.json:
        render.info(
            f"{channel}: {result['packages']} package{'s' if result['packages'] != 1 else ''} of {result['orders']} order{'s' if result['orders'] != 1 else ''}"
            + (f" written to {out}" if out != "-" else "")
        )


def deliver_cmd(
    ref: Annotated[
        str | None,
        typer.Argument(help="The shipped order: channel:external_id, or the external id.", show_default=False),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="When it was delivered (2026-11-20 14:03; local time of schedule.timezone unless an offset is given) [default: now].",
        ),
    ] = None,
    from_csv: Annotated[
        Path | None,
        typer.Option(
            "--from-csv", help="A carrier's delivery report: tracking number, delivered at[, status].", dir_okay=False
        ),
    ] = None,
) -> None:
    """Mark a shipped order delivered, or every parcel of a carrier's delivery report.

    Queues the customer's feedback request for notify.feedback_delay_hours later;
    tracking numbers no package has are listed, not fatal (exit 6).

    Example: oms deliver shopify:1001 --at "2026-11-20 14:03"
    """
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode, UsageError
    from oms_cli.shipping.service import deliver_from_file, deliver_order, parse_delivery_time

    st = state()
    if from_csv is not None:
        if ref or at:
            raise UsageError("--from-csv takes the orders and times from the file: give no REF or --at with it")
        report = deliver_from_file(st.store, st.config, from_csv)
        if st.json:
            render.emit_json(report)
        else:
            render.table(
                None,
                ["line", "tracking", "order", "delivered at", "status", "result", "note"],
                [
                    [
                        r["line"],
                        r["tracking"],
                        r.get("ref"),
                        r.get("delivered_at"),
                        r.get("status"),
                        r["result"],
                        r.get("error"),
                    ]
                    for r in report["rows"]
                ],
                styles=["red" if r["result"] in ("unknown", "refused") else None for r in report["rows"]],
            )
            summary = ", ".join(f"{n} {k}" for k, n in sorted(report["counts"].items())) or "no rows"
            render.info(f"{from_csv}: {summary}")
        if report["unknown"]:
            render.warn(
                f"{len(report['unknown'])} tracking number{'s' if len(report['unknown']) != 1 else ''} not found: {', '.join(report['unknown'][:10])}"
            )
        if report["failed"]:
            raise typer.Exit(int(ExitCode.PARTIAL))
        return
    if not ref:
        raise UsageError("give the order REF, or --from-csv FILE")
    result = deliver_order(st.store, st.config, ref, parse_delivery_time(at, st.config))
    for w in result.get("warnings", []):
        render.warn(w)
    if st.json:
        render.emit_json(result)
    elif not result["changed"]:
        render.info(f"{result['ref']} was already {result['status']}: nothing to do")
    elif result["status"] == Status.DELIVERED:
        render.success(
            f"{result['ref']} delivered"
            + (
                f"; feedback request due {render._cell(result['message']['due_at'])}"
                if result.get("message") and result["message"]["queued"]
                else ""
            )
        )
    else:
        render.success(
            f"{result['ref']}: packages delivered; waiting for {', '.join(map(str, result.get('waiting_for_packages', [])))}"
        )
