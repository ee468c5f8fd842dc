"""`oms labels|slips|invoices print` and `oms pick print`: the paper the floor works from.

Every command renders one file for the whole selection (one PDF, or one ZPL file for
labels) in the order packers need it. Where it goes: ``--out FILE``; ``--out -`` for
stdout; with no ``--out``, stdout when it is piped or redirected, otherwise (and always
with ``--json`` or ``--print``) a file such as ``labels-20261124-153000.pdf`` in the
current folder. The path written is reported on stderr.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from oms_cli.cli.context import state

if TYPE_CHECKING:
    from oms_cli.documents.service import DocumentBatch, OrderSelection

labels_app = typer.Typer(
    help="Shipping labels: one per package, PDF (4x6, A6, 2-up A4/Letter) or ZPL for Zebra printers.",
    no_args_is_help=True,
)
slips_app = typer.Typer(
    help="Packing slips: what is in the parcel, the buyer's instruction, the thank-you note and how to return.",
    no_args_is_help=True,
)
invoices_app = typer.Typer(
    help="Invoices with sequential numbers, kept for reprints: prices, tax, shipping and totals.", no_args_is_help=True
)

# Option types shared by the commands below.
RefsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="REF…", help="Orders (channel:external_id, or the external id when unambiguous).", show_default=False
    ),
]
StatusOpt = Annotated[list[str] | None, typer.Option("--status", "-s", help="Orders in this status (repeatable).")]
RunOpt = Annotated[int | None, typer.Option("--run", help="Orders of this pick run.")]
ListOpt = Annotated[int | None, typer.Option("--list", help="Orders of this pick list.")]
PaperOpt = Annotated[str | None, typer.Option("--paper", help="a4 or letter [default: documents.paper].")]
OutOpt = Annotated[
    str | None,
    typer.Option(
        "--out", "-o", help="File to write; '-' for stdout [default: stdout when piped, else a dated file here]."
    ),
]
PrintOpt = Annotated[bool, typer.Option("--print", help="Also send the file to the print queue (lp).")]
PrinterOpt = Annotated[
    str | None,
    typer.Option(
        "--printer",
        help="Print on this CUPS printer (implies --print) [default: documents.printer, else lp's default].",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the `labels`, `slips` and `invoices` groups, and `print` to the `pick` group."""
    app.add_typer(labels_app, name="labels")
    app.add_typer(slips_app, name="slips")
    app.add_typer(invoices_app, name="invoices")
    _pick_group(app).command("print")(pick_print_cmd)


def _pick_group(app: typer.Typer) -> typer.Typer:
    """The picking commands' `pick` group (made here only when the picking commands are not installed)."""
    try:
        from oms_cli.cli.picking import pick_app
    except ModuleNotFoundError as exc:
        if exc.name != "oms_cli.cli.picking":
            raise
    else:
        return pick_app
    for group in app.registered_groups:
        if group.name == "pick" and group.typer_instance is not None:
            return group.typer_instance
    pick = typer.Typer(help="Pick released orders: print pick lists and consolidation sheets.", no_args_is_help=True)
    app.add_typer(pick, name="pick")
    return pick


def _selection(
    refs: list[str] | None, status: list[str] | None, run: int | None, list_id: int | None
) -> OrderSelection:
    from oms_cli.documents.service import OrderSelection

    return OrderSelection(tuple(refs or ()), tuple(status or ()), run, list_id)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _check_out(out: str | None, wants_print: bool) -> None:
    """Refuse --out combinations that cannot work, before anything is rendered or numbered."""
    from oms_cli.core.errors import UsageError

    if out == "-" and wants_print:
        raise UsageError("--print needs a file to send: give --out FILE, or leave --out off")
    if out == "-" and state().json:
        raise UsageError("--json and --out - would both write to stdout", hint="give --out FILE")


def _deliver(batch: DocumentBatch, *, out: str | None, wants_print: bool, printer: str | None, unit: str) -> None:
    """Write the batch, report it, print it if asked, and exit 6 when orders were skipped (7 when printing failed)."""
    from pathlib import Path

    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode, OmsError, UsageError
    from oms_cli.documents.printing import send_to_printer
    from oms_cli.documents.service import default_file_name, save

    st = state()
    for s in batch.skipped:
        render.warn(f"{s.ref}: skipped, {s.reason}")
    rendered = batch.rendered
    written: str | None = None
    job: str | None = None
    failure: OmsError | None = None
    if rendered is None:
        if not batch.skipped:
            render.info(f"no {batch.kind} to print: nothing matches")
    else:
        for w in rendered.warnings:
            render.warn(w)
        target = out
        if target is None:
            target = (
                "-"
                if not (wants_print or st.json or _is_tty(sys.stdout))
                else default_file_name(batch.kind, rendered.suffix)
            )
        if target == "-":
            if rendered.suffix == ".pdf" and _is_tty(sys.stdout):
                raise UsageError("not writing a PDF to the terminal", hint="give --out FILE, or redirect: > file.pdf")
            sys.stdout.flush()
            sys.stdout.buffer.write(rendered.content)
            sys.stdout.buffer.flush()
        else:
            written = str(save(rendered, Path(target)))
        count = len(batch.details) if batch.details and unit == "label" else len(batch.documents)
        where = written or "stdout"
        render.success(
            f"{where}: {count} {unit}{'' if count == 1 else 's'} on {rendered.pages} page{'' if rendered.pages == 1 else 's'}"
        )
        if wants_print and written is not None:
            try:
                job = send_to_printer(written, printer)
                render.info(job or f"sent {written} to {printer or 'the default printer'}")
            except OmsError as exc:
                failure = exc
    if st.json:
        result: dict[str, Any] = {
            "file": written or ("-" if rendered is not None else None),
            "pages": rendered.pages if rendered else 0,
            "documents": batch.documents,
            "warnings": batch.warnings,
            "skipped": [{"ref": s.ref, "reason": s.reason} for s in batch.skipped],
            "printed": job,
        }
        if batch.details:
            result[batch.kind.replace(" ", "_")] = batch.details
        render.emit_json(result)
    if failure is not None:
        raise failure
    if batch.skipped:
        raise typer.Exit(int(ExitCode.PARTIAL))


def _printer(print_: bool, printer: str | None, config_key: str) -> tuple[bool, str | None]:
    """Whether to print, and on which printer: --printer, else the configured one, else lp's default."""
    if printer:
        return True, printer
    if not print_:
        return False, None
    cfg = state().config
    return True, cfg.get(config_key) or cfg.get("documents.printer") or None


@labels_app.command("print")
def labels_print_cmd(
    refs: RefsArg = None,
    status: StatusOpt = None,
    run: RunOpt = None,
    list_id: ListOpt = None,
    size: Annotated[
        str | None, typer.Option("--size", help="4x6, a6, a4-2up or letter-2up [default: documents.label_size].")
    ] = None,
    format_: Annotated[
        str | None, typer.Option("--format", "-f", help="pdf or zpl [default: documents.label_format].")
    ] = None,
    dpi: Annotated[
        int | None, typer.Option("--dpi", help="Label printer resolution, 203 or 300 [default: documents.dpi].")
    ] = None,
    out: OutOpt = None,
    print_: PrintOpt = False,
    printer: PrinterOpt = None,
) -> None:
    """Print shipping labels, one per package, for the named orders or every packed order.

    Each label has ship-from and ship-to, the order ref, package n of N, weight and box, a
    banner for expedited and next-day orders, the tracking number (or the order ref) as
    Code 128 and the package's SSCC-18. An order without packages is skipped with a
    warning (exit 6). Labels print in packing order: pick run, list and tote, then ship-by.

    Example: oms labels print --status packed --size 4x6 --format zpl --out labels.zpl --print
    """
    from oms_cli.documents.service import shipping_labels

    st = state()
    wants_print, chosen = _printer(print_, printer, "documents.label_printer")
    _check_out(out, wants_print)
    cfg = st.config
    batch = shipping_labels(
        st.store,
        cfg,
        _selection(refs, status, run, list_id),
        size=size or str(cfg.get("documents.label_size") or "4x6"),
        fmt=(format_ or str(cfg.get("documents.label_format") or "pdf")).lower(),
        dpi=dpi or int(cfg.get("documents.dpi") or 203),
    )
    _deliver(batch, out=out, wants_print=wants_print, printer=chosen, unit="label")


@slips_app.command("print")
def slips_print_cmd(
    refs: RefsArg = None,
    status: StatusOpt = None,
    run: RunOpt = None,
    list_id: ListOpt = None,
    paper: PaperOpt = None,
    out: OutOpt = None,
    print_: PrintOpt = False,
    printer: PrinterOpt = None,
) -> None:
    """Print packing slips for the named orders, or by status, pick run or pick list.

    Lines with SKU, name and quantity (freebies marked free), the buyer's instruction in a
    box, the thank-you note and the return instructions; one PDF in packing order.

    Example: oms slips print --run 3 --out slips.pdf --print
    """
    from oms_cli.documents.service import packing_slips

    st = state()
    wants_print, chosen = _printer(print_, printer, "documents.printer")
    _check_out(out, wants_print)
    batch = packing_slips(
        st.store,
        st.config,
        _selection(refs, status, run, list_id),
        page=(paper or str(st.config.get("documents.paper") or "a4")).lower(),
    )
    _deliver(batch, out=out, wants_print=wants_print, printer=chosen, unit="packing slip")


@invoices_app.command("print")
def invoices_print_cmd(
    refs: RefsArg = None,
    status: StatusOpt = None,
    run: RunOpt = None,
    list_id: ListOpt = None,
    paper: PaperOpt = None,
    out: OutOpt = None,
    print_: PrintOpt = False,
    printer: PrinterOpt = None,
) -> None:
    """Print invoices; an order's first invoice takes the next number, reprints keep it.

    Prices, tax, shipping and totals in the order's currency. A cancelled order is not
    given a new invoice (skipped, exit 6). One PDF in packing order.

    Example: oms invoices print shopify:1041 shopify:1042 --out invoices.pdf
    """
    from oms_cli.documents.service import invoices

    st = state()
    wants_print, chosen = _printer(print_, printer, "documents.printer")
    _check_out(out, wants_print)
    batch = invoices(
        st.store,
        st.config,
        _selection(refs, status, run, list_id),
        page=(paper or str(st.config.get("documents.paper") or "a4")).lower(),
    )
    _deliver(batch, out=out, wants_print=wants_print, printer=chosen, unit="invoice")


def pick_print_cmd(
    lists: Annotated[
        list[int] | None, typer.Argument(metavar="LIST…", help="Pick list numbers.", show_default=False)
    ] = None,
    run: Annotated[int | None, typer.Option("--run", help="Every list of this pick run, in sequence.")] = None,
    consolidation: Annotated[
        bool,
        typer.Option(
            "--consolidation", help="With --run: the run's consolidation sheets (one per wave) instead of its lists."
        ),
    ] = False,
    paper: PaperOpt = None,
    out: OutOpt = None,
    print_: PrintOpt = False,
    printer: PrinterOpt = None,
) -> None:
    """Print pick lists (stops in walking order with location and product barcodes) or a run's consolidation sheets.

    A consolidation sheet (one per wave, id R<run>-W<wave>) tells the packing station which
    tote of which zone's list makes up each order.

    Example: oms pick print --run 3 --consolidation --out sheets.pdf
    """
    from oms_cli.core.errors import UsageError
    from oms_cli.documents.service import consolidation_sheets, pick_lists

    st = state()
    wants_print, chosen = _printer(print_, printer, "documents.printer")
    _check_out(out, wants_print)
    page = (paper or str(st.config.get("documents.paper") or "a4")).lower()
    if consolidation:
        if run is None or lists:
            raise UsageError("--consolidation prints a whole run's sheets: give --run RUN and no LIST")
        batch = consolidation_sheets(st.store, run, page=page)
        unit = "consolidation sheet"
    else:
        batch = pick_lists(st.store, list(lists or ()), run=run, page=page)
        unit = "pick list"
    _deliver(batch, out=out, wants_print=wants_print, printer=chosen, unit=unit)
