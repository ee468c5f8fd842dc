"""`oms demo`: the whole fulfilment process on the bundled example data, in a store of its own.

Each step runs a real `oms` command in-process and prints it first, so the demo is
also a tour of the commands a shop would run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer


def register(app: typer.Typer) -> None:
    """Add the `demo` command."""
    app.command("demo")(demo)


def examples_dir() -> Path:
    """The bundled example exports (the repository's examples/, or OMS_EXAMPLES)."""
    import os

    env = os.environ.get("OMS_EXAMPLES")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [here.parents[2] / "examples", here.parents[1] / "examples"]
    for c in candidates:
        if (c / "shopify_orders.csv").exists():
            return c
    from oms_cli.core.errors import NotFound

    raise NotFound("the example data (examples/) is not installed", hint="run oms demo from a checkout (pip install -e .), or set OMS_EXAMPLES")


DEMO_CONFIG = """\
# Configuration written by `oms demo` (see config.example.yaml for every key).
shop:
  name: Hearth & Field
  email: hello@hearthandfield.example
  phone: "+1 503-555-0100"
  address:
    name: Hearth & Field
    address1: 400 SE Water Ave
    city: Portland
    province: OR
    postal_code: "97214"
    country: US
  return_instructions: >-
    Changed your mind? Send items back within 30 days, unused, with the return number
    on the parcel. We refund as soon as they arrive.
release:
  allow_cod: true
  thank_you:
    - name: big-order-thanks
      when: "units >= 10 or total >= 150.00"
      add_sku: THANKYOU-CARD
      tag: vip
      note: "Thank you for such a generous order! A little card from us is inside."
schedule:
  timezone: America/Los_Angeles
  cutoff: "15:00"
  holidays: ["2026-11-26"]
picking:
  pickers:
    - {name: ana, zones: [front, middle, back]}
    - {name: ben, zones: [front, middle, back]}
notify:
  from: "Hearth & Field <hello@hearthandfield.example>"
  smtp: {host: 127.0.0.1, port: 2525}
"""


def demo(
    directory: Annotated[Optional[Path], typer.Option("--dir", help="Directory for the demo store, config and documents [default: a new temp dir].")] = None,
) -> None:
    """Walk the whole fulfilment process on the bundled example data, in a store of its own.

    Example: oms demo --dir /tmp/oms-demo
    """
    import tempfile

    from oms_cli.cli import render
    from oms_cli.cli.context import state

    quiet = state().quiet
    ex = examples_dir()
    work = directory or Path(tempfile.mkdtemp(prefix="oms-demo-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "oms.db"
    cfg = work / "oms.yaml"
    cfg.write_text(DEMO_CONFIG, encoding="utf-8")
    runner = _Runner(db, cfg, work, quiet)
    render.info(f"demo store, config and documents in {work}")
    for step in STEPS:
        step(runner, ex)
    render.info("")
    render.info(f"done. Look around: OMS_DB={db} OMS_CONFIG={cfg} oms orders list")


class _Runner:
    """Runs `oms …` commands against the demo store, echoing each one."""

    def __init__(self, db: Path, cfg: Path, work: Path, quiet: bool) -> None:
        self.db, self.cfg, self.work, self.quiet = db, cfg, work, quiet

    def title(self, text: str) -> None:
        from oms_cli.cli import render

        if not self.quiet:
            render.err().print(f"\n[bold]── {text} ──[/bold]")

    def run(self, *args: str, input: str | None = None, ok: tuple[int, ...] = (0,)) -> int:
        """Run one command, show it; stop the demo if it fails unexpectedly."""
        import io
        import sys

        from oms_cli.cli import render

        shown = " ".join(_quote(a) for a in args)
        if not self.quiet:
            render.err().print(f"[cyan]$ oms {render._escape(shown)}[/cyan]" + (" [dim](scans typed on stdin)[/dim]" if input else ""))
        old_in = sys.stdin
        if input is not None:
            sys.stdin = io.TextIOWrapper(io.BytesIO(input.encode()), encoding="utf-8")
        try:
            code = self._main(list(args), capture=False)
        finally:
            sys.stdin = old_in
        if code not in ok:
            from oms_cli.core.errors import OmsError

            raise OmsError(f"demo step `oms {shown}` failed with exit code {code}")
        return code

    def json(self, *args: str) -> Any:
        """Run a command with --json quietly and return its parsed output."""
        import json

        out = self._main(["--json", *args], capture=True)
        return json.loads(out) if out.strip() else None

    def _main(self, args: list[str], capture: bool) -> Any:
        import contextlib
        import io

        from oms_cli.__main__ import main
        from oms_cli.cli import context

        saved = context.state()
        argv = ["--db", str(self.db), "--config", str(self.cfg)] + (["--quiet"] if self.quiet or capture else []) + args
        try:
            if capture:
                buf = io.StringIO()
                with contextlib.redirect_stdout(buf):
                    code = main(argv)
                if code != 0:
                    from oms_cli.core.errors import OmsError

                    raise OmsError(f"demo step `oms {' '.join(args)}` failed with exit code {code}")
                return buf.getvalue()
            return main(argv)
        finally:
            context._current = saved


def _quote(a: str) -> str:
    import shlex

    return shlex.quote(a)


# --- the steps ------------------------------------------------------------------------


def step_import(r: _Runner, ex: Path) -> None:
    """Consolidate every channel's export into one store (run twice: nothing duplicates)."""
    r.title("1. import orders from every channel")
    files = [str(ex / f) for f in ("shopify_orders.csv", "amazon_unshipped.txt", "woocommerce_orders.csv", "EtsySoldOrders2026-11.csv", "EtsySoldOrderItems2026-11.csv", "ebay_orders.csv")]
    r.run("import", *files)
    r.run("import", *files)
    r.run("orders", "list", "--limit", "8")


STEPS = [step_import]
