"""`oms products …`: the catalog."""

from __future__ import annotations

import sys
from typing import Annotated, Any, NoReturn

import typer

from oms_cli.cli.context import state

products_app = typer.Typer(
    help="The catalog: import products from CSV, list, show and change them.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the `products` group."""
    app.add_typer(products_app, name="products")


def file_problems(exc: Any) -> NoReturn:
    """Print every problem of a rejected file on stderr and exit with the bad-input code."""
    from oms_cli.core.errors import ExitCode

    for p in exc.problems:
        sys.stderr.write(f"oms: error: {p}\n")
    if exc.hint:
        sys.stderr.write(f"  hint: {exc.hint}\n")
    raise typer.Exit(int(ExitCode.BAD_INPUT))


@products_app.command("import")
def import_cmd(
    file: Annotated[str, typer.Argument(help="Products CSV ('-' reads standard input).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file and count, change nothing.")] = False,
) -> None:
    """Create or update products from a CSV file (one transaction: a bad row changes nothing).

    Columns by name: sku, name, barcodes, length_mm, width_mm, height_mm, weight_g, fragile,
    keep_upright, packaging_class, locations, low_stock. Several barcodes or locations are
    separated by |. Units may be named in the header (length_cm, length_in, weight_kg,
    weight_lb, weight_oz); plain length/weight columns use catalog.units. Safe to run again.

    Example: oms products import examples/products.csv
    """
    import io

    from oms_cli.catalog.csvfile import CatalogFileError
    from oms_cli.catalog.service import import_products
    from oms_cli.cli import render

    st = state()
    stream = io.StringIO(sys.stdin.read(), newline="") if file == "-" else None
    try:
        report = import_products(
            st.store, "<stdin>" if file == "-" else file, st.config, dry_run=dry_run, stream=stream
        )
    except CatalogFileError as exc:
        file_problems(exc)
    if st.json:
        render.emit_json(report)
        return
    if report["ignored_columns"]:
        render.warn("ignored columns: " + ", ".join(report["ignored_columns"]))
    verb = "would import" if dry_run else "imported"
    render.info(
        f"{report['file']}: {verb} {report['new']} new, {report['updated']} updated, {report['unchanged']} unchanged"
    )


@products_app.command("list")
def list_cmd(
    search: Annotated[str | None, typer.Option("--search", help="Text in SKU or name, or part of a barcode.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0 = all).")] = 0,
) -> None:
    """List products with their primary location and stock.

    Example: oms products list --search mug
    """
    from oms_cli.catalog.service import list_products
    from oms_cli.cli import render

    st = state()
    rows = list_products(st.store, search=search, limit=limit or None)
    if st.json:
        render.emit_json(rows)
        return
    if not rows:
        render.info("no products" + (" match" if search else "; load them with `oms products import FILE`"))
        return
    render.table(
        None,
        ["sku", "name", "L×W×H mm", "g", "handling", "location", "barcodes", "on hand", "available"],
        [
            [
                p["sku"],
                p["name"],
                _dims(p),
                p["weight_g"],
                _handling(p),
                (p["locations"][0] + (f" +{len(p['locations']) - 1}" if len(p["locations"]) > 1 else ""))
                if p["locations"]
                else "-",
                ", ".join(p["barcodes"]),
                p["on_hand"],
                p["available"],
            ]
            for p in rows
        ],
        styles=[None if p["locations"] else "yellow" for p in rows],
    )


def _dims(p: dict[str, Any]) -> str:
    if p["length_mm"] is None and p["width_mm"] is None and p["height_mm"] is None:
        return ""
    return "×".join("?" if p[k] is None else str(p[k]) for k in ("length_mm", "width_mm", "height_mm"))


def _handling(p: dict[str, Any]) -> str:
    flags = [f for f, on in (("fragile", p["fragile"]), ("upright", p["keep_upright"])) if on]
    if p["packaging_class"]:
        flags.append(p["packaging_class"])
    return ", ".join(flags)


@products_app.command("show")
def show_cmd(sku: Annotated[str, typer.Argument(help="SKU, or a barcode of the product.")]) -> None:
    """Show one product: sizes, handling, barcodes, locations and stock per location.

    Example: oms products show MUG-BLUE
    """
    from oms_cli.catalog.service import show_product
    from oms_cli.cli import render

    st = state()
    p = show_product(st.store, sku)
    if st.json:
        render.emit_json(p)
        return
    con = render.out()
    con.print(f"[bold]{render._escape(p['sku'])}[/bold]  {render._escape(p['name'] or '')}")
    con.print(
        f"size: {_dims(p) or '?'} mm   weight: {p['weight_g'] if p['weight_g'] is not None else '?'} g   {_handling(p)}"
    )
    con.print("barcodes: " + (", ".join(f"{b['code']} ({b['symbology']})" for b in p["barcodes"]) or "-"))
    con.print(
        "locations: "
        + (
            ", ".join(p["locations"]) + " (first is primary)"
            if p["locations"]
            else "[yellow]none: orders for it will be held (no_location)[/yellow]"
        )
    )
    con.print(
        f"stock: {p['on_hand']} on hand, {p['reserved']} reserved, {p['available']} available"
        + (f"   low-stock threshold {p['low_stock']}" if p["low_stock"] is not None else "")
    )
    if p["stock"]:
        render.table(
            None,
            ["location", "on hand", "reserved", "available"],
            [[s["location"], s["on_hand"], s["reserved"], s["available"]] for s in p["stock"]],
        )


@products_app.command("set")
def set_cmd(
    sku: Annotated[str, typer.Argument(help="SKU of the product.")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    length: Annotated[
        str | None, typer.Option("--length", help="e.g. 120, 12cm, 4.7in (bare numbers in catalog.units).")
    ] = None,
    width: Annotated[str | None, typer.Option("--width")] = None,
    height: Annotated[str | None, typer.Option("--height")] = None,
    weight: Annotated[str | None, typer.Option("--weight", help="e.g. 350, 0.35kg, 12oz.")] = None,
    fragile: Annotated[bool | None, typer.Option("--fragile/--not-fragile")] = None,
    keep_upright: Annotated[bool | None, typer.Option("--keep-upright/--any-way-up")] = None,
    packaging_class: Annotated[str | None, typer.Option("--packaging-class")] = None,
    low_stock: Annotated[
        int | None, typer.Option("--low-stock", help="Low-stock threshold for `oms stock list --low`.")
    ] = None,
    barcode: Annotated[list[str] | None, typer.Option("--barcode", help="Add a barcode (repeatable).")] = None,
    remove_barcode: Annotated[
        list[str] | None, typer.Option("--remove-barcode", help="Remove a barcode (repeatable).")
    ] = None,
    location: Annotated[
        list[str] | None, typer.Option("--location", help="Set the locations, primary first (repeatable).")
    ] = None,
    create: Annotated[bool, typer.Option("--create", help="Create the product if it does not exist.")] = False,
) -> None:
    """Change one product's fields, barcodes or locations (safe to repeat).

    Example: oms products set MUG-BLUE --weight 0.35kg --fragile --location A03-B12-L2
    """
    from oms_cli.catalog.service import set_product
    from oms_cli.cli import render

    st = state()
    res = set_product(
        st.store,
        st.config,
        sku,
        values={
            "name": name,
            "length": length,
            "width": width,
            "height": height,
            "weight": weight,
            "fragile": fragile,
            "keep_upright": keep_upright,
            "packaging_class": packaging_class,
            "low_stock": low_stock,
        },
        add_barcodes=barcode,
        remove_barcodes=remove_barcode,
        locations=location,
        create=create,
    )
    if st.json:
        render.emit_json(res)
    elif res["changed"]:
        render.success(f"{sku}: " + ", ".join(res["changed"]))
    else:
        render.info(f"{sku}: nothing to change")
