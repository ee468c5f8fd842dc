"""`oms notify …`: send the customer messages waiting in the outbox, see them, retry them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oms_cli.cli.context import state

notify_app = typer.Typer(
    help="Customer messages: send the outbox over SMTP, list it, retry failures, preview templates.",
    no_args_is_help=True,
)

STATUS_STYLE = {"failed": "red", "sending": "yellow", "sent": "green"}


def register(app: typer.Typer) -> None:
    """Add the `notify` group."""
    app.add_typer(notify_app, name="notify")


@notify_app.command("send")
def send_cmd(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Write each due message as an .eml file instead of sending; nothing changes."),
    ] = False,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the --dry-run .eml files.", file_okay=False)
    ] = Path("outbox-preview"),
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Send at most this many messages.")] = None,
) -> None:
    """Send every due customer message over SMTP, each exactly once.

    Failures are retried later with backoff; delay notices and answers to special
    instructions are queued first. Exit 7 (messages kept) when the server is down.

    Example: oms notify send
    """
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode
    from oms_cli.notify.service import preview, send_due

    st = state()
    if dry_run:
        result = preview(st.store, st.config, out)
        if st.json:
            render.emit_json(result)
        else:
            for f in result["files"]:
                typer.echo(f)
            render.info(
                f"{len(result['files'])} message{'s' if len(result['files']) != 1 else ''} written to {result['directory']} (nothing sent, nothing changed)"
            )
        return
    report = send_due(st.store, st.config, limit=limit)
    if st.json:
        render.emit_json(report)
    else:
        queued = report["queued"]
        if queued["delay_notices"] or queued["instruction_replies"]:
            render.info(
                f"queued {queued['delay_notices']} delay notice(s) and {queued['instruction_replies']} instruction answer(s)"
            )
        for r in report["retry_later"]:
            render.warn(f"message {r['id']} ({r['key']}) will be retried: {r['error']}")
        for r in report["failed"]:
            render.warn(f"message {r['id']} ({r['key']}) failed: {r['error']}; see `oms notify retry {r['id']}`")
        render.info(
            f"{len(report['sent'])} sent" + (f", {report['left_queued']} still due" if report["left_queued"] else "")
        )
    if report["failed"] or report["retry_later"]:
        raise typer.Exit(int(ExitCode.PARTIAL))


@notify_app.command("list")
def list_cmd(
    failed: Annotated[bool, typer.Option("--failed", help="Only messages that failed for good.")] = False,
    queued: Annotated[bool, typer.Option("--queued", help="Only messages waiting to be sent.")] = False,
    sent: Annotated[bool, typer.Option("--sent", help="Only messages sent.")] = False,
    withdrawn: Annotated[
        bool, typer.Option("--withdrawn", help="Only messages withdrawn (no longer worth sending).")
    ] = False,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only this kind: shipped, delivered_feedback_request, …")
    ] = None,
    order: Annotated[str | None, typer.Option("--order", help="Only messages about this order.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0 = all).")] = 50,
) -> None:
    """List the outbox, newest first: who, what, status, attempts, last error.

    Example: oms notify list --failed
    """
    from oms_cli.cli import render
    from oms_cli.notify.service import list_messages

    st = state()
    statuses = [s for s, on in (("failed", failed), ("queued", queued), ("sent", sent), ("withdrawn", withdrawn)) if on]
    if queued:
        statuses.append("sending")
    rows = list_messages(st.store, status=statuses or None, kind=kind, ref=order, limit=limit or None)
    if st.json:
        render.emit_json(rows)
        return
    if not rows:
        render.info("no messages")
        return
    render.table(
        None,
        ["id", "status", "kind", "order", "to", "due", "tries", "sent", "last error"],
        [
            [
                r.id,
                r.status,
                r.kind,
                r.order,
                r.to,
                r.due_at,
                r.attempts,
                r.sent_at,
                r.last_error,
            ]
            for r in rows
        ],
        styles=[STATUS_STYLE.get(r.status) for r in rows],
    )


@notify_app.command("show")
def show_cmd(
    message_id: Annotated[int, typer.Argument(metavar="ID", help="Outbox message id (see `oms notify list`).")],
) -> None:
    """Show one outbox message: headers, state and its text part.

    Example: oms notify show 12
    """
    from oms_cli.cli import render
    from oms_cli.notify.service import show_message

    st = state()
    m = show_message(st.store, message_id)
    if st.json:
        render.emit_json(m)
        return
    head = m.message
    for label, value in (
        ("To", head.to),
        ("Subject", head.subject),
        ("Kind", head.kind),
        ("Order", head.order),
        ("Status", head.status),
        ("Due", head.due_at),
        ("Sent", head.sent_at),
        ("Message-ID", head.message_id),
        ("Last error", head.last_error),
    ):
        if value is not None:
            typer.echo(f"{label}: {render._cell(value)}")
    if m.attachments:
        typer.echo("Attachments: " + ", ".join(m.attachments))
    typer.echo("")
    typer.echo(m.body_text.rstrip("\n"))


@notify_app.command("retry")
def retry_cmd(
    message_id: Annotated[
        int, typer.Argument(metavar="ID", help="Outbox message id (see `oms notify list --failed`).")
    ],
) -> None:
    """Put a failed message back in the queue for the next `oms notify send`.

    A message already sent is refused: it would reach the customer twice.

    Example: oms notify retry 12
    """
    from oms_cli.cli import render
    from oms_cli.notify.service import retry_message

    st = state()
    res = retry_message(st.store, st.config, message_id)
    if st.json:
        render.emit_json(res)
    elif res.changed:
        render.success(
            f"message {message_id} queued again (was {res.previous_status}); it goes with the next `oms notify send`"
        )
    else:
        render.info(f"message {message_id} is already queued")


@notify_app.command("templates")
def templates_cmd(
    copy: Annotated[
        bool,
        typer.Option(
            "--copy",
            help="Copy the default templates into the shop's templates folder to edit (existing files are kept).",
        ),
    ] = False,
) -> None:
    """List the message templates and where the shop's own versions go.

    --copy puts editable copies of the defaults there (existing files are kept).

    Example: oms notify templates --copy
    """
    import shutil

    from oms_cli.cli import render
    from oms_cli.notify.templates import default_template_files, templates_dir

    st = state()
    folder = templates_dir(st.config)
    rows = []
    copied = []
    for f in default_template_files():
        own = folder / f.name
        if copy and not own.exists():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, own)
            copied.append(str(own))
        rows.append({"template": f.name, "in_use": str(own if own.exists() else f), "shop_version": own.exists()})
    if st.json:
        render.emit_json({"folder": str(folder), "templates": rows, "copied": copied})
        return
    render.table(
        f"templates (the shop's own go in {folder})",
        ["template", "shop's own", "in use"],
        [[r["template"], r["shop_version"], r["in_use"]] for r in rows],
    )
    if copy:
        render.info(f"{len(copied)} template{'s' if len(copied) != 1 else ''} copied to {folder}")
