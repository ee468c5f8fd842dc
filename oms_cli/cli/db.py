"""`oms db …`: the store's schema migrations."""

from __future__ import annotations

import typer

from oms_cli.cli.context import state

db_app = typer.Typer(help="The local store: schema status and upgrades.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `db` group."""
    app.add_typer(db_app, name="db")


@db_app.command("status")
def status_cmd() -> None:
    """Show where the store is, its schema revision and pending migrations.

    Example: oms --db shop.db db status
    """
    from oms_cli.cli import render
    from oms_cli.store.engine import Store
    from oms_cli.store.migrations.runner import history

    st = state()
    store = Store(st.db_location, migrate=False)
    try:
        current = store.current_revision()
    finally:
        store.dispose()
    revs = history()
    ids = [r for r, _ in revs]
    applied = ids[: ids.index(current) + 1] if current in ids else []
    pending = [r for r in ids if r not in applied]
    if st.json:
        render.emit_json({"db": st.db_location, "revision": current, "head": ids[-1], "pending": pending})
        return
    render.info(f"store: {st.db_location}")
    render.table(
        None,
        ["revision", "description", "state"],
        [[r, doc, "applied" if r in applied else "pending"] for r, doc in revs],
    )


@db_app.command("upgrade")
def upgrade_cmd() -> None:
    """Apply pending schema migrations (oms also does this on first use).

    Example: oms --db shop.db db upgrade
    """
    from oms_cli.cli import render
    from oms_cli.store.engine import Store

    st = state()
    store = Store(st.db_location, migrate=False)
    try:
        applied = store.upgrade()
    finally:
        store.dispose()
    if st.json:
        render.emit_json({"db": st.db_location, "applied": applied})
    else:
        render.success(f"applied {', '.join(applied)}" if applied else "already up to date")
