"""`oms config show`: the effective configuration and where each value came from."""

from __future__ import annotations

from typing import Annotated

import typer

from oms_cli.cli.context import state

config_app = typer.Typer(help="Inspect the configuration.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `config` group."""
    app.add_typer(config_app, name="config")


@config_app.command("show")
def show_cmd(
    key: Annotated[str | None, typer.Argument(help="Only keys starting with this (e.g. release).")] = None,
) -> None:
    """Print the effective configuration and the source of every value.

    Example: oms config show notify.smtp
    """
    from oms_cli.cli import render
    from oms_cli.core.config import effective_items

    st = state()
    cfg = st.config
    items = [(k, v, s) for k, v, s in effective_items(cfg) if not key or k == key or k.startswith(key + ".")]
    if st.json:
        render.emit_json(
            {
                "file": str(cfg.path) if cfg.path else None,
                "db": st.db_location,
                "values": [{"key": k, "value": v, "source": s} for k, v, s in items],
            }
        )
        return
    render.info(f"config file: {cfg.path or '(none: built-in defaults)'}    store: {st.db_location}")
    render.table(None, ["key", "value", "source"], [[k, render.to_json(v, indent=None), s] for k, v, s in items])
