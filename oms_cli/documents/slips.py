"""Packing slips: what is in the parcel, for the buyer and for the packer.

Pure renderer: order data in, PDF bytes out (A4 or Letter, one document per order,
in the order given). Lines show SKU, name and quantity, freebies marked free; the
buyer's special instruction is boxed where the packer cannot miss it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.errors import BadInput
from .data import PDF_MEDIA_TYPE, OrderDocument, PageSize, RenderedDocument, Shop
from .fonts import GlyphCheck
from .order_pages import Column, OrderSheet, item_cell, load_logo, order_document
from .pages import draw_documents, finish, new_canvas, page_size

SLIP_COLUMNS = (Column("SKU", 1.3), Column("ITEM", 3.6), Column("QTY", 0.6, "right"), Column("PACKED", 0.8, "right"))


def slip_sheet(order: OrderDocument, check: GlyphCheck) -> OrderSheet:
    """What a packing slip shows for ``order`` on the common order layout."""
    details = [("Placed", order.placed_at.strftime("%Y-%m-%d"))]
    if order.shipping_method:
        details.append(("Shipping", order.shipping_method))
    if order.service_level != "standard":
        details.append(("Service", order.service_level.replace("_", " ")))
    cells = [
        [
            [(check.text(line.sku, f"order {order.order_ref} line {i} sku"), False)],
            item_cell(line.name, line.free, f"order {order.order_ref} line {i} name", check),
            [(str(line.quantity), True)],
            [("☐", False)],
        ]
        for i, line in enumerate(order.lines, start=1)
    ]
    return OrderSheet("PACKING SLIP", [], [("SHIP TO", order.ship_to)], details, SLIP_COLUMNS, cells, [])


def render_packing_slips(
    orders: Sequence[OrderDocument], shop: Shop, *, page: PageSize = "a4", dpi: int = 300
) -> RenderedDocument:
    """Packing slips for ``orders``, in the order given, as one PDF.

    ``dpi`` is the office printer's resolution (bar widths are whole dots of it).
    """
    if not orders:
        raise BadInput("no packing slips to render: the selection is empty")
    size = page_size(page, dpi)
    check = GlyphCheck()
    logo = load_logo(shop, check.warnings)
    documents = [
        order_document(order, shop, slip_sheet(order, check), page=size, dpi=dpi, check=check, logo=logo)
        for order in orders
    ]
    canvas, buffer = new_canvas(size, title=f"Packing slips ({len(orders)})")
    pages = draw_documents(canvas, documents)
    return RenderedDocument(finish(canvas, buffer), PDF_MEDIA_TYPE, pages, tuple(check.warnings))
