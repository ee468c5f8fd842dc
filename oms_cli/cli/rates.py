"""`oms rates …`: carrier rate cards and zone charts, and what an order costs to ship."""

from __future__ import annotations

from typing import Annotated

import typer

from oms_cli.cli.context import state

rates_app = typer.Typer(
    help="Carrier rate cards: import rate tables and zone charts, quote what an order's parcels cost with each service.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `rates` group."""
    app.add_typer(rates_app, name="rates")


@rates_app.command("import")
def import_cmd(
    file: Annotated[
        str,
        typer.Argument(
            help="A rate card CSV (carrier, service, zone or country, weight_break, price, currency, dim_rule[, weight_from, transit_days, level]) or a zone chart CSV (carrier, origin_prefix, destination_prefix, country, zone).",
            show_default=False,
        ),
    ],
) -> None:
    """Load a carrier rate card or zone chart; it replaces the store's rates (or zones) of the carriers it names.

    A file with any problem is refused whole (exit 3, naming file:line:column) and nothing changes;
    importing the same file again changes nothing.

    Example: oms rates import examples/rates/ups_rates.csv
    """
    from oms_cli.cli import render
    from oms_cli.rates.service import import_rates

    st = state()
    result = import_rates(st.store, st.config, file)
    if st.json:
        render.emit_json(result.to_json())
    else:
        what = "rate bands" if result.kind == "rates" else "zone rows"
        render.info(f"{file}: {result.rows} {what} for {', '.join(result.carriers)} (replacing {result.replaced})")


@rates_app.command("quote")
def quote_cmd(
    ref: Annotated[
        str,
        typer.Argument(help="The order: channel:external_id, or the external id when unambiguous.", show_default=False),
    ],
) -> None:
    """Each service's price for the order's packed (or planned) boxes, billable weight, and delivery date against the promise.

    The service marked * is the cheapest that keeps the promise (after shipping.carrier_rules).
    "dim" is the money dimensional weight adds over the parcels' actual weight.

    Example: oms rates quote shopify:1041
    """
    from oms_cli.cli import render
    from oms_cli.rates.service import quote_order

    st = state()
    result = quote_order(st.store, st.config, ref)
    if st.json:
        render.emit_json(result.to_json())
        return
    promise = f"deliver by {result.deliver_by}" if result.deliver_by else "no ship-by date"
    boxes = "packed" if result.recorded else "planned"
    render.info(
        f"{result.ref}: {result.level}, ship-by {result.ship_by.date() if result.ship_by else '-'}, {promise}; "
        f"{len(result.parcels)} {boxes} parcel{'s' if len(result.parcels) != 1 else ''}, shipping {result.ship_on}"
    )
    rows = []
    for q in result.quotes:
        mark = "*" if q is result.chosen else ""
        price = f"{_money(q.price_minor, q.currency)}" if q.price_minor is not None else "-"
        rows.append(
            [
                mark,
                q.carrier,
                q.service,
                q.zone or "",
                price,
                _money(q.dim_cost_minor, q.currency) if q.price_minor is not None else "",
                f"{q.billable_g / 1000:g} kg",
                str(q.delivery) if q.delivery else "-",
                {True: "yes", False: "no", None: "-"}[q.keeps_promise],
                q.reason or "",
            ]
        )
    render.table(
        None, ["", "carrier", "service", "zone", "price", "dim", "billable", "delivery", "on time", "note"], rows
    )
    if result.chosen is None:
        render.warn(f"{result.ref}: no service keeps the promise")
    elif result.chosen.dim_cost_minor:
        render.info(
            f"dimensional weight costs {_money(result.chosen.dim_cost_minor, result.chosen.currency)} "
            f"on {result.chosen.carrier} {result.chosen.service}"
        )


def _money(minor: int, currency: str | None) -> str:
    from oms_cli.core.money import format_money

    return format_money(minor, currency)
