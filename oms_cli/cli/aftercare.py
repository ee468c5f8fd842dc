"""`oms feedback …` and `oms problems …`: what customers say, and what must be put right."""

from __future__ import annotations

from typing import Annotated

import typer

from oms_cli.cli.context import state

feedback_app = typer.Typer(help="Customer feedback: record ratings and comments, list them.", no_args_is_help=True)
problems_app = typer.Typer(
    help="Problems to resolve (from low ratings, complaints, returns): list and resolve.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the `feedback` and `problems` groups."""
    app.add_typer(feedback_app, name="feedback")
    app.add_typer(problems_app, name="problems")


@feedback_app.command("add")
def feedback_add_cmd(
    ref: Annotated[str, typer.Argument(help="The order: channel:external_id, or the external id.")],
    rating: Annotated[int, typer.Option("--rating", "-r", help="1 (poor) to 5 (excellent).")],
    comment: Annotated[str | None, typer.Option("--comment", help="What the customer said.")] = None,
) -> None:
    """Record a customer's rating and comment.

    A low rating or a complaint opens a problem; good feedback queues a thank-you.

    Example: oms feedback add shopify:1001 --rating 2 --comment "arrived damaged"
    """
    from oms_cli.aftercare.service import add_feedback
    from oms_cli.cli import render

    st = state()
    res = add_feedback(st.store, st.config, ref, rating, comment)
    if st.json:
        render.emit_json(res)
        return
    if not res.changed:
        render.info(f"{res.ref}: this feedback is already recorded (#{res.id})")
        return
    render.success(f"{res.ref}: feedback {rating}/5 recorded (#{res.id})")
    if res.problem_id:
        render.warn(
            f'problem #{res.problem_id} opened: resolve it with `oms problems resolve {res.problem_id} --note "…"`'
        )
    thanks = res.thanks
    if thanks and thanks.queued:
        render.info("thank-you message queued")
    elif thanks and thanks.skipped:
        render.info(f"no thank-you message: {thanks.skipped}")


@feedback_app.command("list")
def feedback_list_cmd(
    order: Annotated[str | None, typer.Option("--order", help="Only this order's feedback.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Given on or after (YYYY-MM-DD, ISO time, or 30d).")
    ] = None,
    below: Annotated[int | None, typer.Option("--below", min=1, max=6, help="Only ratings below this.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0 = all).")] = 50,
) -> None:
    """List feedback, newest first, with any open problem it raised.

    Example: oms feedback list --below 3 --since 30d
    """
    from oms_cli.aftercare.service import list_feedback
    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when

    st = state()
    rows = list_feedback(st.store, ref=order, since=parse_when(since), below=below, limit=limit or None)
    if st.json:
        render.emit_json(rows)
        return
    if not rows:
        render.info("no feedback")
        return
    render.table(
        None,
        ["id", "at", "order", "customer", "rating", "comment", "problem"],
        [
            [
                r.id,
                r.at,
                r.ref,
                r.customer,
                "★" * r.rating,
                r.comment,
                f"#{r.open_problem}" if r.open_problem else None,
            ]
            for r in rows
        ],
        styles=["red" if r.open_problem else None for r in rows],
    )


@problems_app.command("list")
def problems_list_cmd(
    open_only: Annotated[bool, typer.Option("--open", help="Only problems not yet resolved.")] = False,
    order: Annotated[str | None, typer.Option("--order", help="Only this order's problems.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0 = all).")] = 50,
) -> None:
    """List problems, open ones first; with --open, exit code 9 when there are any.

    Example: oms problems list --open
    """
    from oms_cli.aftercare.service import list_problems
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode

    st = state()
    rows = list_problems(st.store, open_only=open_only, ref=order, limit=limit or None)
    if st.json:
        render.emit_json(rows)
    elif not rows:
        render.info("no problems" + (" open" if open_only else ""))
    else:
        render.table(
            None,
            ["id", "status", "opened", "order", "source", "description", "resolution"],
            [[r.id, r.status, r.opened_at, r.ref, r.source, r.description, r.resolution] for r in rows],
            styles=["bold red" if r.status == "open" else "dim" for r in rows],
        )
    if open_only and rows:
        raise typer.Exit(int(ExitCode.ATTENTION))


@problems_app.command("resolve")
def problems_resolve_cmd(
    problem_id: Annotated[int, typer.Argument(metavar="ID", help="Problem id (see `oms problems list --open`).")],
    note: Annotated[str, typer.Option("--note", help="How it was put right (refund, replacement, apology…).")],
) -> None:
    """Resolve a problem, saying how it was put right.

    Example: oms problems resolve 3 --note "sent a replacement mug"
    """
    from oms_cli.aftercare.service import resolve_problem
    from oms_cli.cli import render

    st = state()
    res = resolve_problem(st.store, problem_id, note)
    if st.json:
        render.emit_json(res)
    elif res.changed:
        render.success(f"problem #{problem_id} resolved")
    else:
        render.info(f"problem #{problem_id} was already resolved: {res.resolution}")
