"""`oms demo`: the whole fulfilment process on the bundled example data, in a store of its own.

Each step runs a real `oms` command in-process and prints it first, so the demo is
also a tour of the commands a shop would run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from oms_cli.orders.lifecycle import Status


def register(app: typer.Typer) -> None:
    """Add the `demo` command."""
    app.command("demo")(demo)


def examples_dir() -> Path:
    """The example exports the demo imports: shipped inside the package (or OMS_EXAMPLES)."""
    import os
    from importlib import resources

    env = os.environ.get("OMS_EXAMPLES")
    # a wheel installs the package as plain files, so the resource directory is a real path
    found = Path(env) if env else Path(str(resources.files("oms_cli") / "examples"))
    if (found / "shopify_orders.csv").exists():
        return found
    from oms_cli.core.errors import NotFound

    raise NotFound(
        f"the example data is not in {found}",
        hint="reinstall oms (the examples ship inside the package), or point OMS_EXAMPLES at a copy",
    )


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
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Directory for the demo store, config and documents [default: a new temp dir]."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Run the demo in this store: an empty PostgreSQL database (postgresql://…) or a new file "
            "[default: oms.db in the demo directory].",
        ),
    ] = None,
) -> None:
    """Walk the whole fulfilment process on the bundled example data, in a store of its own.

    Example: oms demo --dir /tmp/oms-demo
    """
    import contextlib
    import sys
    import tempfile

    from oms_cli.cli import render
    from oms_cli.cli.context import state
    from oms_cli.core.errors import Refused

    quiet = state().quiet
    ex = examples_dir()
    work = directory or Path(tempfile.mkdtemp(prefix="oms-demo-"))
    work.mkdir(parents=True, exist_ok=True)
    store_at = db or str(work / "oms.db")
    # never run the demo over a store someone may be using
    if "://" in store_at:
        _refuse_unless_empty(store_at)
    elif Path(store_at).exists():
        where = f"{work} already holds a store (oms.db)" if db is None else f"{store_at} already exists"
        raise Refused(where, hint="give oms demo --dir a new or empty folder, or --db a new file")
    cfg = work / "oms.yaml"
    cfg.write_text(DEMO_CONFIG, encoding="utf-8")
    runner = _Runner(store_at, cfg, work, quiet)
    as_json = state().json
    render.info(f"demo store, config and documents in {work}")
    # With --json the walk-through is commentary (stderr); stdout carries only the JSON.
    with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
        for step in STEPS:
            step(runner, ex)
    render.info("")
    render.info(f"done. Documents, emails (outbox/*.eml), channel files and the report PDF are in {work}")
    render.info(f"look around: OMS_DB={store_at} OMS_CONFIG={cfg} oms orders list")
    if as_json:
        render.emit_json({"directory": work, "db": store_at, "config": cfg})


def _refuse_unless_empty(url: str) -> None:
    """A server store for the demo must hold no orders yet (it is migrated if blank)."""
    from oms_cli.core.errors import Refused
    from oms_cli.store.engine import Store

    store = Store(url)
    try:
        with store.connect(write=False) as conn:
            from sqlalchemy import text

            orders = conn.execute(text("SELECT count(*) FROM orders")).scalar_one()
    finally:
        store.dispose()
    if orders:
        raise Refused(
            f"the store {store.safe_url} already holds {orders} orders",
            hint="give oms demo --db an empty database",
        )


class _Runner:
    """Runs `oms …` commands against the demo store, echoing each one."""

    def __init__(self, db: str, cfg: Path, work: Path, quiet: bool) -> None:
        self.db, self.cfg, self.work, self.quiet = db, cfg, work, quiet

    def title(self, text: str) -> None:
        from oms_cli.cli import render

        if not self.quiet:
            render.err().print(f"\n[bold]── {text} ──[/bold]")

    def note(self, text: str) -> None:
        """A line of commentary between the commands."""
        from oms_cli.cli import render

        if not self.quiet:
            render.err().print(f"[dim]{render._escape(text)}[/dim]")

    def run(
        self, *args: str, input: str | None = None, ok: tuple[int, ...] = (0,), capture_to: Path | None = None
    ) -> int:
        """Run one command, show it (its stdout to a file when asked); stop the demo if it fails unexpectedly."""
        import io
        import sys

        from oms_cli.cli import render

        shown = " ".join(_quote(a) for a in args) + (f" > {_quote(str(capture_to))}" if capture_to else "")
        if not self.quiet:
            render.err().print(
                f"[cyan]$ oms {render._escape(shown)}[/cyan]" + (" [dim](scans typed on stdin)[/dim]" if input else "")
            )
        old_in = sys.stdin
        if input is not None:
            sys.stdin = io.TextIOWrapper(io.BytesIO(input.encode()), encoding="utf-8")
        try:
            if capture_to is not None:
                import contextlib

                with open(capture_to, "w", encoding="utf-8") as f, contextlib.redirect_stdout(f):
                    code = self._main(list(args), capture=False)
            else:
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
                buf, errors = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(errors):
                    code = main(argv)
                if code != 0:
                    from oms_cli.core.errors import OmsError

                    raise OmsError(
                        f"demo step `oms {' '.join(args)}` failed with exit code {code}: {errors.getvalue().strip()}"
                    )
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
    files = [
        str(ex / f)
        for f in (
            "shopify_orders.csv",
            "amazon_unshipped.txt",
            "woocommerce_orders.csv",
            "EtsySoldOrders2026-11.csv",
            "EtsySoldOrderItems2026-11.csv",
            "ebay_orders.csv",
        )
    ]
    r.run("import", *files)
    r.run("import", *files)
    r.run("orders", "list", "--limit", "8")


def step_release(r: _Runner, ex: Path) -> None:
    """Catalog and stock, then the release gate: payment, stock, address; priorities; thank-you rules."""
    r.title("2. catalog, stock and release to the floor")
    r.run("products", "import", str(ex / "products.csv"))
    r.run("stock", "count", str(ex / "stock.csv"))
    r.run("release", "--all")
    r.run("queue", "--limit", "10")
    r.title("   special instructions are answered or promised, never lost")
    pending = [
        o["ref"]
        for o in r.json("orders", "list", "--limit", "0")
        if o["instruction"] == "pending" and o["status"] == Status.READY
    ]
    for i, ref in enumerate(pending):
        if i == 0:
            r.run("orders", "ack", ref, "--reply", "Thank you for your note - we have taken care of it.")
        else:
            r.run("orders", "ack", ref, "--done")


def step_pick(r: _Runner, ex: Path) -> None:
    """Batch picking on the shortest routes; one list walked with scans, the rest confirmed."""
    r.title("3. pick: batches of orders on the shortest walking routes")
    r.run("pick", "plan", "--method", "batch", "--max-orders", "16")
    first = True
    while True:
        claimed = r.json("pick", "next", "--picker", "ana")
        if not claimed or not claimed.get("list"):
            break
        list_id = str(claimed["list"])
        if first:
            shown = r.json("pick", "show", list_id)
            scans: list[str] = []
            for stop in shown["stops"]:
                scans.append(stop["location"])
                code = _barcode(r, stop["sku"])
                scans += [code] * int(stop["quantity"])
            scans.append("done")
            r.run("pick", "confirm", list_id, input="\n".join(scans) + "\n")
            first = False
        else:
            r.run("pick", "confirm", list_id, "--all")
    r.run("pick", "lists")


def _barcode(r: _Runner, sku: str) -> str:
    product = r.json("products", "show", sku)
    codes = product.get("barcodes") or []
    first = codes[0] if codes else sku
    return first["code"] if isinstance(first, dict) else str(first)


def step_pack(r: _Runner, ex: Path) -> None:
    """Every item verified by scanner, the right standard box chosen."""
    r.title("4. pack: verify every item by scanner, choose the box")
    r.run("boxes", "count", "M", "12")  # the shelf of M boxes, counted; packing counts it down
    # the carriers' rate cards: packing books the cheapest service that keeps each order's promise
    r.run("rates", "import", str(ex / "rates" / "rates.csv"))
    r.run("rates", "import", str(ex / "rates" / "ups_zones.csv"))
    picked = [o["ref"] for o in r.json("orders", "list", "--status", "picked", "--limit", "0")]
    for i, ref in enumerate(sorted(picked)):
        if i == 0:
            r.run("pack", ref)
            r.run("rates", "quote", ref)
            order = r.json("orders", "show", ref)
            scans = []
            for line in order["lines"]:
                scans += [_barcode(r, line["sku"])] * int(line["quantity"])
            r.run("pack", "verify", ref, input="\n".join(scans) + "\n")
        else:
            r.json("pack", "verify", ref, "--all")
    if len(picked) > 1:
        r.note(
            f"packed the other {len(picked) - 1} picked orders the same way, without scanning: "
            "oms pack verify REF --all (trusts the pick)"
        )
    r.run("boxes", "list")


def step_documents(r: _Runner, ex: Path) -> None:
    """Labels, packing slips, invoices and a pick list as PDFs (every barcode scans)."""
    r.title("5. documents: labels, packing slips, invoices, pick lists")
    out = r.work
    r.run("labels", "print", "--status", "packed", "--size", "4x6", "--out", str(out / "labels.pdf"))
    r.run("labels", "print", "--status", "packed", "--format", "zpl", "--out", str(out / "labels.zpl"))
    r.run("slips", "print", "--status", "packed", "--out", str(out / "slips.pdf"))
    r.run("invoices", "print", "--status", "packed", "--out", str(out / "invoices.pdf"))
    lists = r.json("pick", "lists")
    if lists:
        first = lists[0] if isinstance(lists, list) else lists["lists"][0]
        r.run("pick", "print", str(first["list"]), "--out", str(out / "picklist.pdf"))


def _tracking_number(n: int) -> str:
    """A valid UPS tracking number (the demo's own account and serials)."""
    from oms_cli.carriers.tracking import validate

    body = f"1Z999AA1{n:09d}"
    for digit in range(10):
        if validate("ups", body + str(digit)).valid:
            return body + str(digit)
    raise AssertionError("no check digit found")


def step_ship(r: _Runner, ex: Path) -> None:
    """Tracking numbers from the carrier's export; customers told; tracking back to the channels."""
    r.title("6. ship: tracking numbers in, customers told, channels updated")
    packed = [o["ref"] for o in r.json("orders", "list", "--status", "packed", "--limit", "0")]
    rows = ["order,carrier,tracking,service,cost"]
    for i, ref in enumerate(sorted(packed), start=1):
        rows.append(f"{ref},ups,{_tracking_number(1000 + i)},Ground,7.45")
    csv_path = r.work / "ups-shipments.csv"
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r.run("ship", "--from-csv", str(csv_path), ok=(0, 6))
    r.run("notify", "send", "--dry-run", "--out", str(r.work / "outbox"))
    r.run("ship", "export", "--channel", "amazon", "--out", str(r.work / "amazon-confirmations.txt"))
    r.run("ship", "export", "--channel", "shopify", "--out", str(r.work / "shopify-fulfilments.csv"))


def step_after(r: _Runner, ex: Path) -> None:
    """Delivery, feedback (a complaint becomes a problem), a return, and the money check."""
    r.title("7. delivered, feedback, a return, and every payment accounted for")
    shipped = sorted(o["ref"] for o in r.json("orders", "list", "--status", "shipped", "--limit", "0"))
    for ref in shipped[:4]:
        r.run("deliver", ref)
    if len(shipped) >= 2:
        r.run("feedback", "add", shipped[0], "--rating", "5", "--comment", "Lovely packaging, thank you!")
        r.run("feedback", "add", shipped[1], "--rating", "2", "--comment", "The mug arrived chipped.")
        r.run("problems", "list")
        opened = r.json("returns", "open", shipped[1], "--reason", "damaged_in_transit", "--note", "chipped mug")
        rma = opened.get("rma") if isinstance(opened, dict) else None
        if rma:
            r.run("returns", "receive", rma, "--condition", "damaged")
            r.run("returns", "close", rma, "--refund", "none")
        r.run("returns", "list")
    if len(shipped) >= 3:
        opened = r.json("returns", "open", shipped[2], "--reason", "doesnt_fit")
        if isinstance(opened, dict) and opened.get("rma"):
            r.run("returns", "receive", opened["rma"], "--condition", "resellable")
    r.run("notify", "send", "--dry-run", "--out", str(r.work / "outbox"))
    r.title("   every payment accounted for")
    pay = ex / "payments"
    r.run("payments", "import", *sorted(str(p) for p in pay.glob("*.csv")))
    r.run("payments", "reconcile", ok=(0, 9))
    statuses = {o["ref"]: o["status"] for o in r.json("orders", "list", "--limit", "0")}
    if statuses.get("woocommerce:2151") in (Status.SHIPPED, Status.DELIVERED):
        r.run("payments", "record", "woocommerce:2151", "64.50", "--method", "cash")
    if statuses.get("woocommerce:2155") == Status.CANCELLED:
        r.run("payments", "refund", "woocommerce:2155", "29.90", "--note", "cancelled before release")
    r.run("payments", "reconcile", ok=(0, 9))


def step_report(r: _Runner, ex: Path) -> None:
    """Every step measured: where to improve."""
    r.title("8. the fulfilment report")
    r.run("report", "--since", "2026-11-01")
    r.run(
        "report",
        "--since",
        "2026-11-01",
        "--csv",
        "--pdf",
        str(r.work / "report.pdf"),
        capture_to=r.work / "report.csv",
    )


STEPS = [step_import, step_release, step_pick, step_pack, step_documents, step_ship, step_after, step_report]
