"""`oms channels …`, `oms sync` and `oms health`: channel connections, pulling orders
and pushing tracking through the channels' APIs, and what needs attention."""

from __future__ import annotations

from typing import Annotated

import typer

from oms_cli.cli.context import state

channels_app = typer.Typer(
    help="Channel connections (Shopify, WooCommerce, Etsy, eBay, Amazon): add, list, show, remove, test.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `channels` group, `sync` and `health`."""
    app.add_typer(channels_app, name="channels")
    app.command("sync")(sync_cmd)
    app.command("health")(health_cmd)


def _when(value: object) -> str:
    from oms_cli.cli import render

    return str(render._cell(value)) if value else "never"


@channels_app.command("add")
def add_cmd(
    name: Annotated[str, typer.Argument(help="A name for the connection, e.g. my-shopify.")],
    kind: Annotated[str, typer.Option("--kind", "-k", help="shopify|woocommerce|etsy|ebay|amazon")],
    secret: Annotated[
        list[str],
        typer.Option(
            "--secret",
            "-s",
            help="FIELD=env:VARIABLE (or FIELD=keyring): where a credential is read. Values are never stored.",
        ),
    ],
    url: Annotated[
        str | None,
        typer.Option("--url", help="The API's base URL (the shop's own address for Shopify and WooCommerce)."),
    ] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="Etsy: the shop id; Amazon: the marketplace id.")
    ] = None,
    interval: Annotated[
        int, typer.Option("--interval", min=60, help="Seconds between syncs after which `oms health` speaks up.")
    ] = 900,
    initial_days: Annotated[
        int, typer.Option("--initial-days", min=0, help="The first sync pulls orders changed this many days back.")
    ] = 7,
) -> None:
    """Add a channel connection; its credentials stay in environment variables or the keyring.

    Example: oms channels add my-shop --kind shopify --url https://my-shop.myshopify.com --secret access_token=env:SHOPIFY_TOKEN
    """
    from oms_cli.channels.connections import add_connection
    from oms_cli.cli import render
    from oms_cli.core.errors import UsageError

    secrets: dict[str, str] = {}
    for item in secret:
        field, sep, spec = item.partition("=")
        if not sep or not field.strip():
            raise UsageError(f"--secret {item.split('=')[0]}…: write FIELD=env:VARIABLE or FIELD=keyring")
        secrets[field.strip()] = spec
    st = state()
    info = add_connection(
        st.store,
        name=name,
        kind=kind,
        base_url=url,
        account=account,
        secrets=secrets,
        interval_s=interval,
        initial_days=initial_days,
    )
    if st.json:
        render.emit_json(info.as_dict())
    else:
        render.success(f"added {info.name} ({info.kind}, {info.base_url}); try it with `oms channels test {info.name}`")


@channels_app.command("list")
def list_cmd() -> None:
    """List the channel connections with when each last synced and what waits to be pushed.

    Example: oms channels list
    """
    from oms_cli.channels.connections import list_connections
    from oms_cli.cli import render

    st = state()
    infos = list_connections(st.store)
    if st.json:
        render.emit_json([i.as_dict() for i in infos])
        return
    render.table(
        None,
        ["name", "kind", "last synced", "orders", "tracking queued", "tracking failed", "last error"],
        [
            [
                i.name,
                i.kind,
                _when(i.last_synced_at),
                i.orders,
                i.pushes.get("queued", 0) + i.pushes.get("sending", 0),
                i.pushes.get("failed", 0),
                i.last_error or "",
            ]
            for i in infos
        ],
    )


@channels_app.command("show")
def show_cmd(name: Annotated[str, typer.Argument(help="The connection's name.")]) -> None:
    """Show one connection: where its credentials are read, its cursor and its last sync.

    Example: oms channels show my-shop
    """
    from oms_cli.channels.connections import show_connection
    from oms_cli.cli import render

    st = state()
    i = show_connection(st.store, name)
    if st.json:
        render.emit_json(i.as_dict())
        return
    con = render.out()
    con.print(
        f"[bold]{i.name}[/bold]  {i.kind}  {render._escape(i.base_url)}"
        + (f"  account {i.account}" if i.account else "")
    )
    for field, source in i.secrets.items():
        con.print(f"  {field}: read from {source}")
    con.print(
        f"  last synced: {_when(i.last_synced_at)}   last attempt: {_when(i.last_attempt_at)}   expected every {i.expected_interval_s} s"
    )
    if i.cursor:
        con.print(
            f"  cursor: since {i.cursor.get('since')}"
            + (f", next page {i.cursor['page']}" if i.cursor.get("page") else "")
        )
    if i.syncing:
        con.print(f"  being synced by {i.syncing}")
    if i.last_error:
        con.print(f"  [red]last error:[/red] {render._escape(i.last_error)}")
    con.print(
        f"  orders: {i.orders}   tracking: " + ", ".join(f"{n} {s}" for s, n in sorted(i.pushes.items()))
        if i.pushes
        else f"  orders: {i.orders}"
    )


@channels_app.command("remove")
def remove_cmd(name: Annotated[str, typer.Argument(help="The connection's name.")]) -> None:
    """Remove a connection (its orders stay; tracking not yet pushed stays unpushed).

    Example: oms channels remove old-shop
    """
    from oms_cli.channels.connections import remove_connection
    from oms_cli.cli import render

    st = state()
    info = remove_connection(st.store, name)
    if st.json:
        render.emit_json(info.as_dict())
    else:
        render.success(f"removed {info.name}; its {info.orders} orders stay")


@channels_app.command("test")
def test_cmd(name: Annotated[str, typer.Argument(help="The connection's name.")]) -> None:
    """Check a connection's address and credentials with one cheap request (nothing is stored).

    Exit 7 when the channel cannot be reached or refuses the credentials, 3 when a credential is not set.

    Example: oms channels test my-shop
    """
    from oms_cli.channels.connections import test_connection
    from oms_cli.cli import render

    st = state()
    result = test_connection(st.store, st.config, name)
    if st.json:
        render.emit_json(result.as_dict())
    else:
        render.success(f"{result.name} ({result.kind}): ok, {result.detail}")


def sync_cmd(
    names: Annotated[
        list[str] | None, typer.Argument(help="Connections to sync [default: all].", show_default=False)
    ] = None,
    push: Annotated[
        bool, typer.Option("--push/--no-push", help="Also hand tracking of shipped packages back to the channels.")
    ] = True,
) -> None:
    """Pull new and changed orders from the channels' APIs and hand tracking back.

    Each page of orders is stored with the connection's cursor in one transaction, so an
    interrupted sync goes on where it stopped. Exit 7 when a channel cannot be reached,
    3 when it answered something malformed (that page is refused, nothing of it stored),
    6 when some connections synced and others failed.

    Example: oms sync && oms health --quiet
    """
    from oms_cli.channels.sync import sync
    from oms_cli.cli import render

    st = state()
    result = sync(st.store, st.config, names or None, push=push)
    if st.json:
        render.emit_json(result.as_dict())
    for c in result.connections:
        if c.busy:
            render.info(f"{c.connection}: being synced by {c.busy}; left to it")
            continue
        if not st.json:
            pushed = f", tracking pushed {c.pushed}" + (
                f" ({c.push_retry} to retry, {c.push_failed} refused)" if c.push_retry or c.push_failed else ""
            )
            render.info(
                f"{c.connection} ({c.kind}): {c.pages} page(s), {c.new} new, {c.updated} updated, {c.unchanged} unchanged, {c.skipped} skipped"
                + (pushed if push else "")
            )
        for w in c.warnings:
            render.warn(f"{c.connection}: {w}")
        for p in c.problems:
            render.warn(f"{c.connection}: problem opened: {p} (see `oms problems list`)")
        if c.error:
            render.err().print(f"[red]sync failed[/red] {render._escape(c.error)}", soft_wrap=True)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def health_cmd(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing when all is well (for cron).")] = False,
) -> None:
    """Say what needs attention: stale or failing syncs, missing orders, tracking not accepted, failing messages.

    Exit 9 when something needs attention, so cron can mail it: oms sync && oms health --quiet || mail …

    Example: oms health --json
    """
    from oms_cli.channels.health import check
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode

    st = state()
    report = check(st.store, st.config)
    if st.json:
        render.emit_json(report.as_dict())
    elif report.ok:
        if not quiet:
            render.out().print(f"all well: {report.connections} connection(s) checked")
    else:
        for f in report.findings:
            render.out().print(f"{f.subject}: {f.check}: {render._escape(f.message)}", soft_wrap=True)
    if not report.ok:
        raise typer.Exit(int(ExitCode.ATTENTION))
